/** Times on the wire: `yyyyMMddHHmmss` in the profile's zone (UTC+8 by default, PROFILE §2). */
import { isUcspTime } from '../schemas/patterns.js';

export const DEFAULT_ZONE = '+08:00';

/** Minutes east of UTC for a zone written `+08:00`, `-05:30` or `Z`. */
export function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'UTC') return 0;
  const m = /^([+-])([01][0-9]|2[0-3]):?([0-5][0-9])$/.exec(zone);
  if (!m) throw new RangeError(`invalid zone ${JSON.stringify(zone)} (expected like +08:00)`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** The last time formatted: requests in the same second (most of them, under load) reuse its text. */
let last = { second: Number.NaN, zone: '', text: '' };

/** Formats epoch milliseconds as yyyyMMddHHmmss in `zone`. */
export function formatUcspTime(epochMs: number, zone: string = DEFAULT_ZONE): string {
  const second = Math.floor(epochMs / 1000);
  if (second === last.second && zone === last.zone) return last.text;
  const d = new Date(epochMs + zoneOffsetMs(zone));
  const text = `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  last = { second, zone, text };
  return text;
}

/** Parses yyyyMMddHHmmss in `zone` to epoch milliseconds; NaN when it is not a real time. */
export function parseUcspTime(s: string, zone: string = DEFAULT_ZONE): number {
  if (!isUcspTime(s)) return Number.NaN;
  const n = (from: number, to: number) => Number(s.slice(from, to));
  return Date.UTC(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), n(12, 14)) - zoneOffsetMs(zone);
}

const offsets = new Map<string, number>();

/** zoneOffsetMinutes in milliseconds, remembered per zone (one zone per sandbox, read on every request). */
function zoneOffsetMs(zone: string): number {
  let ms = offsets.get(zone);
  if (ms === undefined) {
    ms = zoneOffsetMinutes(zone) * 60_000;
    if (offsets.size < 32) offsets.set(zone, ms);
  }
  return ms;
}

/** MMDD settlement date in `zone`. */
export function formatSettleDate(epochMs: number, zone: string = DEFAULT_ZONE): string {
  return formatUcspTime(epochMs, zone).slice(4, 8);
}
