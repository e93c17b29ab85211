/** Arguments of the commands that act on a running sandbox: durations, journal filters, seqs. */
import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** The longest advance the control API takes (366 days). */
export const MAX_ADVANCE_MS = 366 * 86_400_000;

/** `90s`, `15m`, `7h`, `1d`, `250ms`, `1h30m` → milliseconds. A bare number has no unit and is refused. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/.test(t)) {
    throw new InvalidArgumentError(`"${text}" is not a duration: a number and a unit, ms, s, m, h or d (90s, 15m, 7h, 1d, 1h30m)`);
  }
  let ms = 0;
  for (const [, n, unit] of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) ms += Number(n) * UNIT_MS[unit!]!;
  ms = Math.round(ms);
  if (ms > MAX_ADVANCE_MS) throw new InvalidArgumentError(`"${text}" is longer than the 366 days the sandbox advances at once`);
  return ms;
}

export const FILTER_KEYS = ['msgType', 'orderId', 'channel'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export const CHANNELS = ['api', 'notice', 'login', 'cashier', 'signing', 'issuer'] as const;

/** `msgType=X,orderId=Y` (repeatable: later values add to earlier ones) → the journal's filters. */
export function parseFilter(text: string, previous: Partial<Record<FilterKey, string>> = {}): Partial<Record<FilterKey, string>> {
  const out = { ...previous };
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq === -1 ? part.trim() : part.slice(0, eq).trim();
    const value = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (!(FILTER_KEYS as readonly string[]).includes(key)) throw new InvalidArgumentError(`"${key}" is not a filter: use ${FILTER_KEYS.map((k) => `${k}=…`).join(', ')}`);
    if (value === '' || value.length > 128) throw new InvalidArgumentError(`${key} needs a value of 1 to 128 characters (${key}=…)`);
    if (key === 'channel' && !(CHANNELS as readonly string[]).includes(value)) throw new InvalidArgumentError(`channel must be one of ${CHANNELS.join(', ')}`);
    out[key as FilterKey] = value;
  }
  return out;
}

/** A journal seq: a whole number ≥ 0. */
export function parseSeq(text: string): number {
  if (!/^\d{1,15}$/.test(text)) throw new InvalidArgumentError('must be a journal seq: a whole number ≥ 0');
  return Number(text);
}

/** A page size for lists: 1 to 10000. */
export function parseLimit(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 10_000) throw new InvalidArgumentError('must be a whole number from 1 to 10000');
  return n;
}
