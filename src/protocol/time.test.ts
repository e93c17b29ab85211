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
