import { describe, expect, it } from 'vitest';
import { formatSettleDate, formatUcspTime, parseUcspTime, zoneOffsetMinutes } from './time.js';

describe('wire times', () => {
  const t = Date.UTC(2026, 10, 25, 9, 30, 5); // 2026-11-25 09:30:05Z
  it.each([
    ['+08:00', '20261125173005'],
    ['Z', '20261125093005'],
    ['-05:00', '20261125043005'],
    ['+05:30', '20261125150005'],
  ])('formats in zone %s', (zone, expected) => {
    expect(formatUcspTime(t, zone)).toBe(expected);
    expect(parseUcspTime(expected, zone)).toBe(t);
  });
  it('defaults to UTC+8 and crosses the date line', () => {
    expect(formatUcspTime(Date.UTC(2026, 11, 31, 20, 0, 0))).toBe('20270101040000');
    expect(formatSettleDate(Date.UTC(2026, 11, 31, 20, 0, 0))).toBe('0101');
  });
  it.each(['20261332000000', '20260230120000', '20261125240000', '2026112512000', 'abcdefghijklmn'])('rejects %s', (s) => {
    expect(parseUcspTime(s)).toBeNaN();
  });
  it('rejects bad zones', () => {
    expect(() => zoneOffsetMinutes('UTC+8')).toThrow(RangeError);
    expect(zoneOffsetMinutes('+0800')).toBe(480);
  });
});

describe('wire times read digit by digit: the same verdicts as a reading through Date', () => {
  // the former implementation, kept as the reference: a regular expression, then Date's own calendar
  function reference(s: string, zone: string): number {
    const m = /^([0-9]{4})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})([0-9]{2})$/.exec(s);
    if (!m) return Number.NaN;
    const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const utc = Date.UTC(y, mo - 1, d, h, mi, se);
    const back = new Date(utc);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || se > 59) return Number.NaN;
    return utc - zoneOffsetMinutes(zone) * 60_000;
  }
  const same = (a: number, b: number) => (Number.isNaN(a) ? Number.isNaN(b) : a === b);

  it.each([
    '20240229000000', '20230229000000', '21000229000000', '20000229000000', '00000229000000', '00040229000000',
    '20261131000000', '20261130235959', '20261130240000', '20261130236000', '20261130235960', '20261300000000',
    '20260000000000', '20260100000000', '20260101000000', '99991231235959', '00010101000000', '2026113012000',
    '202611301200000', '2026113012000a', '２０２６1130120000', '20261130120000\n', ' 20261130120000', '',
  ])('%j', (s) => {
    for (const zone of ['+08:00', 'Z', '-05:30']) expect(same(parseUcspTime(s, zone), reference(s, zone))).toBe(true);
  });

  it('20,000 seeded strings of digits, within, at and beyond every bound', () => {
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    // each field drawn from just below its range to just above it (and now and then anything)
    const two = (max: number) => String(rnd(10) === 0 ? rnd(100) : rnd(max + 2)).padStart(2, '0');
    for (let i = 0; i < 20_000; i++) {
      const s = `${String(rnd(10_000)).padStart(4, '0')}${two(13)}${two(32)}${two(24)}${two(60)}${two(60)}`;
      expect(same(parseUcspTime(s, '+08:00'), reference(s, '+08:00')), s).toBe(true);
    }
  });
});
