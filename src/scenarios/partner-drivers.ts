/**
 * Three ways to make the partner act: `driver` (its PROFILE §9 test driver, for CI), `interactive`
 * (tell a person what to do in their own app, then wait for the resulting UCSP call) and
 * `passive` (wait for the partner's own tests to make the call).
 */
import { formatAmount } from '../protocol/currencies.js';
import type { SandboxClient } from './sandbox-client.js';

export type DriveMode = 'driver' | 'interactive' | 'passive';

export interface ActionResult {
  status: number;
  error?: string;
  [k: string]: unknown;
}

export interface PartnerState {
  order(orderId: string): Promise<Record<string, unknown> | undefined>;
  contract(contractId: string): Promise<Record<string, unknown> | undefined>;
  session(cookies: string[]): Promise<{ status: number; userId?: string }>;
}

export interface PartnerDriver {
  mode: DriveMode;
  act(action: string, params: Record<string, unknown>): Promise<ActionResult>;
  /** The partner's own view of its state; absent without the driver. */
  state?: PartnerState;
  reset(): Promise<void>;
}

/** Default limit for one call to the partner's driver (the runner passes its step limit). */
export const DEFAULT_DRIVER_TIMEOUT_MS = 60_000;

/** A driver call that failed to get an answer, in words: slow (over the limit) or unreachable. */
export function driverFailure(e: unknown, what: string, timeoutMs: number): string {
  const err = e as Error;
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return `the partner did not answer within ${Math.round(timeoutMs / 1000)} s (${what})`;
  const cause = err.cause instanceof Error ? err.cause.message : err.message;
  return `cannot reach the partner's driver (${what}): ${cause}`;
}

/** Thrown by state reads when the driver does not answer: the check is not judged, not failed as wrong. */
export class DriverUnavailable extends Error {}

async function getJson(url: string, timeoutMs: number, headers: Record<string, string> = {}): Promise<{ status: number; json?: Record<string, unknown> }> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    text = await res.text();
  } catch (e) {
    throw new DriverUnavailable(driverFailure(e, `GET ${url}`, timeoutMs));
  }
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, ...(json ? { json } : {}) };
}

export function httpDriver(driverUrl: string, timeoutMs = DEFAULT_DRIVER_TIMEOUT_MS): PartnerDriver {
  const base = driverUrl.replace(/\/+$/, '');
  return {
    mode: 'driver',
    async act(action, params) {
      let res: Response;
      let text: string;
      try {
        res = await fetch(`${base}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action, params }), signal: AbortSignal.timeout(timeoutMs) });
        text = await res.text();
      } catch (e) {
        return { status: 0, error: driverFailure(e, `POST ${base}/actions ${action}`, timeoutMs) };
      }
      let body: { result?: Record<string, unknown>; error?: string } = {};
      try {
        body = text ? (JSON.parse(text) as typeof body) : {};
      } catch {
        return { status: res.status, error: `the driver answered something that is not JSON: ${text.slice(0, 120)}` };
      }
      if (res.status === 200 && body.result) return { ...body.result, status: 200 };
      return { status: res.status, error: body.error ?? `HTTP ${res.status}` };
    },
    state: {
      async order(orderId) {
        const r = await getJson(`${base}/orders/${encodeURIComponent(orderId)}`, timeoutMs);
        return r.status === 200 ? r.json : undefined;
      },
      async contract(contractId) {
        const r = await getJson(`${base}/contracts/${encodeURIComponent(contractId)}`, timeoutMs);
        return r.status === 200 ? r.json : undefined;
      },
      async session(cookies) {
        const r = await getJson(`${base}/session`, timeoutMs, cookies.length ? { cookie: cookies.join('; ') } : {});
        if (r.status !== 200) return { status: r.status };
        return { status: 200, ...(typeof r.json?.userId === 'string' ? { userId: r.json.userId } : {}) };
      },
    },
    async reset() {
      // optional in PROFILE §9: a driver without it (404) is fine; one that hangs is not
      try {
        const res = await fetch(`${base}/reset`, { method: 'POST', signal: AbortSignal.timeout(timeoutMs) });
        await res.arrayBuffer();
      } catch (e) {
        throw new DriverUnavailable(driverFailure(e, `POST ${base}/reset`, timeoutMs));
      }
    },
  };
}

/** Which UCSP message each action makes the partner send. */
export const ACTION_MESSAGE: Record<string, string> = {
  submitPaymentOrder: 'SUBMIT_PAYMENT_ORDER',
  inquirePayment: 'PAYMENT_RESULT_INQUIRY',
  signAutoDebit: 'SIGN_AUTO_DEBIT',
  closeAutoDebit: 'CLOSE_AUTO_DEBIT',
  submitAutoDebit: 'SUBMIT_AUTO_DEBIT',
  cancelPayment: 'PAYMENT_CANCELLATION',
  refundPayment: 'PAYMENT_REFUND',
  inquireRefund: 'REFUND_RESULT_INQUIRY',
};

/** What to ask a person to do, in words. */
export function instruction(action: string, p: Record<string, unknown>): string {
  const amt = typeof p.txnAmt === 'string' && typeof p.currencyCode === 'string' ? formatAmount(p.txnAmt, p.currencyCode) : String(p.txnAmt ?? '');
  switch (action) {
    case 'submitPaymentOrder':
      return `In your app, as ${String(p.userId)}, submit an order of ${amt}`;
    case 'inquirePayment':
      return `Make your backend inquire the result of order ${String(p.orderId)}`;
    case 'signAutoDebit':
      return `In your app, as ${String(p.userId)}, start signing auto-debit`;
    case 'closeAutoDebit':
      return `Close auto-debit contract ${String(p.contractId)}`;
    case 'submitAutoDebit':
      return `Charge ${amt} on auto-debit contract ${String(p.contractId)}`;
    case 'cancelPayment':
      return `Cancel the payment of order ${String(p.orderId)}`;
    case 'refundPayment':
      return `Refund ${String(p.txnAmt)} (minor units) of order ${String(p.orderId)}`;
    case 'inquireRefund':
      return `Make your backend inquire the result of refund/cancellation ${String(p.orderId)}`;
    default:
      return `${action} ${JSON.stringify(p)}`;
  }
}

/**
 * Waits for the partner's next request of `msgType` in the journal (after `sinceSeq`) and returns
 * what its driver would have: the orderId and UCSP's answer.
 */
export async function waitForRequest(sandbox: SandboxClient, msgType: string, sinceSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<ActionResult> {
  const deadline = Date.now() + timeoutMs;
  let since = sinceSeq;
  for (;;) {
    if (signal?.aborted) return { status: 0, error: 'interrupted' };
    const left = deadline - Date.now();
    if (left <= 0) return { status: 0, error: `no ${msgType} from the partner within ${Math.round(timeoutMs / 1000)} s` };
    // a long poll: the sandbox answers as soon as a new api entry is journalled (or after waitMs)
    const j = await sandbox.journal({ since, channel: 'api', waitMs: Math.min(left, 1_000) });
    for (const e of j.entries) {
      since = Math.max(since, e.seq);
      if (e.direction !== 'out' || e.msgType !== msgType) continue;
      const answer = e.parsed as { trxInfo?: Record<string, string>; msgResponse?: { responseCode?: string } } | undefined;
      // an answer corrupted on purpose is not UCSP's: what the partner made of it cannot be seen here
      if (e.corrupted) return { status: 0, error: `UCSP's answer to the partner's ${msgType} was corrupted on purpose (${e.corrupted.fault}): what the partner made of it is known only to its driver`, orderId: e.orderId, msgID: e.msgID };
      return { status: 200, ...(answer?.trxInfo ?? {}), ...(answer?.msgResponse?.responseCode ? { responseCode: answer.msgResponse.responseCode } : {}), msgID: e.msgID };
    }
  }
}

export function waitingDriver(mode: 'interactive' | 'passive', sandbox: SandboxClient, o: { timeoutMs: number; tell: (line: string) => void; signal?: AbortSignal }): PartnerDriver {
  return {
    mode,
    async act(action, params) {
      const msgType = ACTION_MESSAGE[action] ?? action;
      const since = (await sandbox.status()).journal.lastSeq;
      if (mode === 'interactive') o.tell(`→ ${instruction(action, params)} (waiting for ${msgType})`);
      return waitForRequest(sandbox, msgType, since, o.timeoutMs, o.signal);
    },
    async reset() {},
  };
}
