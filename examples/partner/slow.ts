/**
 * Slow mode: a partner that is slow but correct. It does its work at once — applies a notice,
 * runs a driver action, opens a session — and sends the answer only after a set real-time delay,
 * so that tests can prove the conformance runner never judges by timing.
 *
 * A delay is a timer awaited, never a blocking wait: the partner keeps serving other requests
 * meanwhile. Closing the partner cancels every pending delay (that answer is not sent; its
 * connection is closed anyway), so close() resolves at once and no timer keeps the process alive.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PartnerSlowness {
  /** Answer every notice at backUrl (PAYMENT_RESULT_NOTICE, SIGN_AUTO_DEBIT_NOTICE) this many ms late; its result is applied first. @default 0 */
  slowNoticeMs?: number;
  /** Answer every §9 driver call (actions, GET orders/contracts/session, reset) this many ms late; the call's work is done first. @default 0 */
  slowDriverMs?: number;
  /** Answer the login page (INDUSTRY_INDEX_URL) this many ms late; the session is opened (or the login refused) first. @default 0 */
  slowLoginMs?: number;
}

/** The longest delay allowed: an hour (far beyond any timeout of the runner or the sandbox). */
export const MAX_SLOW_MS = 3_600_000;

/** The command-line flag of each option. */
export const SLOW_FLAGS = { slowNoticeMs: 'slow-notice-ms', slowDriverMs: 'slow-driver-ms', slowLoginMs: 'slow-login-ms' } as const satisfies Record<keyof PartnerSlowness, string>;

const rule = `a whole number of milliseconds from 0 to ${MAX_SLOW_MS}`;

/** The options, checked (non-negative integers up to MAX_SLOW_MS), with 0 for those not given. */
export function resolveSlowness(o: PartnerSlowness): Required<PartnerSlowness> {
  const out = { slowNoticeMs: 0, slowDriverMs: 0, slowLoginMs: 0 };
  for (const key of Object.keys(SLOW_FLAGS) as (keyof PartnerSlowness)[]) {
    const v = o[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > MAX_SLOW_MS) throw new RangeError(`${key} must be ${rule} (got ${JSON.stringify(v)})`);
    out[key] = v;
  }
  return out;
}

/** The slow-mode flags of main.ts (`--slow-notice-ms 500`…) as options; a bad value throws naming the flag. */
export function parseSlowFlags(values: Partial<Record<(typeof SLOW_FLAGS)[keyof PartnerSlowness], string | undefined>>): PartnerSlowness {
  const out: PartnerSlowness = {};
  for (const [key, flag] of Object.entries(SLOW_FLAGS) as [keyof PartnerSlowness, (typeof SLOW_FLAGS)[keyof PartnerSlowness]][]) {
    const text = values[flag];
    if (text === undefined) continue;
    const n = Number(text);
    if (!/^[0-9]+$/.test(text) || n > MAX_SLOW_MS) throw new RangeError(`--${flag} must be ${rule} (got ${JSON.stringify(text)})`);
    out[key] = n;
  }
  return out;
}

/** Pending delays, all cancelled at once when the partner closes. */
export class Delays {
  private stop = new AbortController();

  /** Waits `ms` (real time): true when it is time to answer, false when the partner closed meanwhile. */
  async wait(ms: number): Promise<boolean> {
    const { signal } = this.stop;
    if (ms <= 0) return true;
    try {
      await sleep(ms, undefined, { signal });
      return true;
    } catch {
      return false;
    }
  }

  /** Cancels every pending delay now (their timers are cleared); later waits are not affected. */
  cancelAll(): void {
    this.stop.abort();
    this.stop = new AbortController();
  }
}
