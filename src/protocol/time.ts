/** Times on the wire: `yyyyMMddHHmmss` in the profile's zone (UTC+8 by default, PROFILE §2). */

export const DEFAULT_ZONE = '+08:00';

/** Minutes east of UTC for a zone written `+08:00`, `-05:30` or `Z`. */
export function zoneOffsetMinutes(zone: string): number {
  if (zone === 'Z' || zone === 'UTC') return 0;
  const m = /^([+-])([01][0-9]|2[0-3]):?([0-5][0-9])$/.exec(zone);
  if (!m) throw new RangeError(`invalid zone ${JSON.stringify(zone)} (expected like +08:00)`);
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Formats epoch milliseconds as yyyyMMddHHmmss in `zone`. */
export function formatUcspTime(epochMs: number, zone: string = DEFAULT_ZONE): string {
  const d = new Date(epochMs + zoneOffsetMinutes(zone) * 60_000);
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

/** Parses yyyyMMddHHmmss in `zone` to epoch milliseconds; NaN when it is not a real time. */
export function parseUcspTime(s: string, zone: string = DEFAULT_ZONE): number {
  const m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(s);
  if (!m) return Number.NaN;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const utc = Date.UTC(y, mo - 1, d, h, mi, se);
  const back = new Date(utc);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return Number.NaN;
  return utc - zoneOffsetMinutes(zone) * 60_000;
}

/** MMDD settlement date in `zone`. */
export function formatSettleDate(epochMs: number, zone: string = DEFAULT_ZONE): string {
  return formatUcspTime(epochMs, zone).slice(4, 8);
}
