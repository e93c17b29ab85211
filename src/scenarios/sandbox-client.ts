/** The control API over HTTP: the runner talks to its own sandbox and to a remote one the same way. */
import { UcspError } from '../errors/index.js';
import type { JournalEntry } from '../journal/journal.js';
import type { NoticeRecord } from '../protocol/notice-machine.js';

export type JournalView = JournalEntry & { parsed?: unknown };

export interface InFlightView {
  kind: string;
  what: string;
  orderId?: string;
  ageMs: number;
}

export type SettleResult =
  | { settled: true; waitedMs: number; lastSeq: number; now: number; nextTimerAt: number | null }
  | { settled: false; waitedMs: number; timeoutMs: number; inFlight: InFlightView[]; lastSeq: number };

export class SandboxClient {
  constructor(
    readonly base: string,
    private readonly token?: string,
    /** The partner (insID) acted on, in a sandbox shared by several (X-UCSP-Partner). */
    private readonly partner?: string,
  ) {}

  async call<T = unknown>(path: string, body?: unknown, o: { method?: string; timeoutMs?: number } = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.base}/control${path}`, {
        method: o.method ?? (body === undefined ? 'GET' : 'POST'),
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...(this.partner ? { 'x-ucsp-partner': this.partner } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(o.timeoutMs ?? 120_000),
      });
    } catch (e) {
      throw new UcspError('usage', `cannot reach the sandbox control API at ${this.base}: ${(e as Error).message}`);
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const msg = (json as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
      // a missing or wrong token (or another partner's) is the caller's to fix: a usage error
      const kind = res.status === 401 || res.status === 403 ? 'usage' : res.status === 404 ? 'not-found' : res.status === 409 ? 'incorrect' : 'common';
      const hint = res.status === 401 ? ' (give the sandbox\'s control token with --token or UCSP_SANDBOX_TOKEN, or controlToken in the configuration)' : '';
      throw new UcspError(kind, `control API ${path}: ${msg}${hint}`);
    }
    return json as T;
  }

  status() {
    return this.call<{ urls: { ucsp: string; channel: string; issuer: string }; journal: { lastSeq: number }; clock: { now: number }; ucspSignCertID?: string; answerForm?: 'signed' | 'minimal' }>('/status');
  }
  reset() {
    return this.call('/reset', {});
  }
  advance(ms: number) {
    return this.call<{ now: number }>('/clock/advance', { ms });
  }
  /** Waits until nothing the sandbox set in motion is still running, or reports what is after timeoutMs. */
  settle(timeoutMs: number) {
    return this.call<SettleResult>('/settle', { timeoutMs }, { timeoutMs: timeoutMs + 30_000 });
  }
  /** Takes the clock over (manual) for a run, or renews the hold. */
  holdClock(ttlMs: number, holder?: string) {
    return this.call<{ holder: string; previousScale: number; expiresAt: number }>('/clock/hold', { ttlMs, ...(holder ? { holder } : {}) });
  }
  releaseClock(holder: string) {
    return this.call<{ timeScale: number }>('/clock/release', { holder });
  }
  journal(q: { since?: number; orderId?: string; channel?: string; waitMs?: number } = {}) {
    const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)] as [string, string]));
    return this.call<{ entries: JournalView[]; lastSeq: number }>(`/journal?${p}`);
  }
  notices(orderId?: string) {
    return this.call<NoticeRecord[]>(`/notices${orderId ? `?orderId=${encodeURIComponent(orderId)}` : ''}`);
  }
  order<T = Record<string, unknown>>(orderId: string): Promise<T | undefined> {
    return this.call<T>(`/orders/${encodeURIComponent(orderId)}`).catch((e: unknown) => {
      if (e instanceof UcspError && e.kind === 'not-found') return undefined;
      throw e;
    });
  }
}
