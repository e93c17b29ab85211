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

async function getJson(url: string): Promise<{ status: number; json?: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, ...(json ? { json } : {}) };
}

export function httpDriver(driverUrl: string): PartnerDriver {
  const base = driverUrl.replace(/\/+$/, '');
  return {
    mode: 'driver',
    async act(action, params) {
      let res: Response;
      try {
        res = await fetch(`${base}/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action, params }), signal: AbortSignal.timeout(60_000) });
      } catch (e) {
        return { status: 0, error: `cannot reach the partner's driver at ${base}: ${(e as Error).message}` };
      }
      const text = await res.text();
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
        const r = await getJson(`${base}/orders/${encodeURIComponent(orderId)}`);
        return r.status === 200 ? r.json : undefined;
      },
      async contract(contractId) {
        const r = await getJson(`${base}/contracts/${encodeURIComponent(contractId)}`);
        return r.status === 200 ? r.json : undefined;
      },
      async session(cookies) {
        const res = await fetch(`${base}/session`, { headers: cookies.length ? { cookie: cookies.join('; ') } : {}, signal: AbortSignal.timeout(30_000) });
        const text = await res.text();
        if (res.status !== 200) return { status: res.status };
        return { status: 200, userId: (JSON.parse(text) as { userId?: string }).userId };
      },
    },
    async reset() {
      await fetch(`${base}/reset`, { method: 'POST', signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
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
    const j = await sandbox.journal({ since, channel: 'api' });
    for (const e of j.entries) {
      since = Math.max(since, e.seq);
      if (e.direction !== 'out' || e.msgType !== msgType) continue;
      const answer = e.parsed as { trxInfo?: Record<string, string>; msgResponse?: { responseCode?: string } } | undefined;
      return { status: 200, ...(answer?.trxInfo ?? {}), ...(answer?.msgResponse?.responseCode ? { responseCode: answer.msgResponse.responseCode } : {}), msgID: e.msgID };
    }
    if (Date.now() > deadline) return { status: 0, error: `no ${msgType} from the partner within ${Math.round(timeoutMs / 1000)} s` };
    await new Promise((r) => setTimeout(r, 200));
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
