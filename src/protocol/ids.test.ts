/**
 * Identifiers UCSP hands out, checked against PROFILE §5 (tn 21 digits, queryId 21 [0-9A-Za-z],
 * contractId 1–32 [0-9A-Za-z]) and §3 (msgID 1–64 [0-9A-Za-z]); also formatAmount of currencies.ts.
 */
import { describe, expect, it } from 'vitest';
import { F } from '../schemas/index.js';
import { formatAmount } from './currencies.js';
import { IdGenerator } from './ids.js';
import { formatUcspTime } from './time.js';

const INS = '12345678';
const WIRE = formatUcspTime(Date.UTC(2026, 10, 25, 9, 30, 5)); // 20261125173005

/** PROFILE §5 / §3 formats, written out independently of the schemas … */
const PROFILE_FORMATS = {
  tn: /^[0-9]{21}$/,
  queryId: /^[0-9A-Za-z]{21}$/,
  contractId: /^[0-9A-Za-z]{1,32}$/,
  msgID: /^[0-9A-Za-z]{1,64}$/,
} as const;
/** … and as the schemas define them. */
const SCHEMA_FORMATS = {
  tn: new RegExp(F.tn.pattern!),
  queryId: new RegExp(F.queryId.pattern!),
  contractId: new RegExp(F.contractId.pattern!),
  msgID: new RegExp(F.msgID.pattern!),
} as const;

type Kind = keyof typeof PROFILE_FORMATS;
const make = (g: IdGenerator, kind: Kind): string => (kind === 'msgID' ? g.msgID(WIRE) : g[kind](WIRE));

describe('IdGenerator formats', () => {
  // [kind, counter before the call, expected value]
  const table: [Kind, number, string][] = [
    ['tn', 0, `${WIRE}0000001`],
    ['tn', 9_999_998, `${WIRE}9999999`],
    ['tn', 9_999_999, `${WIRE}0000000`], // wraps, stays 21 digits
    ['tn', 123_456_788, `${WIRE}3456789`],
    ['queryId', 0, `Q${WIRE}000001`],
    ['queryId', 999_999, `Q${WIRE}000000`], // wraps, stays 21 chars
    ['queryId', 41_999_999, `Q${WIRE}000000`],
    ['contractId', 0, `C${WIRE}000001`],
    ['contractId', 999_999, `C${WIRE}000000`],
    ['msgID', 0, `U${INS}${WIRE}000001`],
    ['msgID', 999_999, `U${INS}${WIRE}000000`],
  ];
  it.each(table)('%s with counter %d → %s', (kind, counter, expected) => {
    const g = new IdGenerator(INS);
    g.counter = counter;
    const id = make(g, kind);
    expect(id).toBe(expected);
    expect(id).toMatch(PROFILE_FORMATS[kind]);
    expect(id).toMatch(SCHEMA_FORMATS[kind]);
    expect(g.counter).toBe(counter + 1);
  });

  it.each(['tn', 'queryId', 'contractId', 'msgID'] as const)('%s: 2000 in a row all match PROFILE and are distinct', (kind) => {
    const g = new IdGenerator(INS);
    const ids = Array.from({ length: 2000 }, () => make(g, kind));
    for (const id of ids) {
      expect(id).toMatch(PROFILE_FORMATS[kind]);
      expect(id).toMatch(SCHEMA_FORMATS[kind]);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lengths: tn 21, queryId 21, contractId 21 (≤ 32), msgID 29 (≤ 64)', () => {
    const g = new IdGenerator(INS);
    expect([g.tn(WIRE).length, g.queryId(WIRE).length, g.contractId(WIRE).length, g.msgID(WIRE).length]).toEqual([21, 21, 21, 29]);
  });

  it('msgID follows the PROFILE §3 suggestion: U + insID + timeStamp + 6-digit sequence', () => {
    const g = new IdGenerator(INS);
    const id = g.msgID(WIRE);
    expect(id.slice(0, 1)).toBe('U');
    expect(id.slice(1, 9)).toBe(INS);
    expect(id.slice(9, 23)).toBe(WIRE);
    expect(id.slice(23)).toMatch(/^[0-9]{6}$/);
  });

  it('every kind shares one counter, so no two IDs of one generator repeat', () => {
    const g = new IdGenerator(INS);
    const seqs = [g.tn(WIRE).slice(-7), g.queryId(WIRE).slice(-6), g.contractId(WIRE).slice(-6), g.noticeId(), g.msgID(WIRE).slice(-6)];
    expect(seqs).toEqual(['0000001', '000002', '000003', 'N00000004', '000005']);
    expect(g.counter).toBe(5);
  });

  it('noticeId is a URL-safe alphanumeric', () => {
    const g = new IdGenerator(INS);
    expect(g.noticeId()).toMatch(/^N[0-9]{8,}$/);
  });

  // issue 10 row 5: signIds were S00000001, S00000002…: a remote client agreed to S00000003 in 4 POSTs
  it('signId is URL-safe and unguessable: 128 random bits, no counter', () => {
    const g = new IdGenerator(INS);
    const ids = Array.from({ length: 1000 }, () => g.signId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(g.counter).toBe(0);
    // 22 base64url characters of 16 random bytes: 128 bits (≥ 96)
    expect(Buffer.from(ids[0]!, 'base64url')).toHaveLength(16);
  });

  it('counter restores (persistence): a restored generator continues the sequence', () => {
    const a = new IdGenerator(INS);
    a.tn(WIRE);
    a.tn(WIRE);
    const b = new IdGenerator(INS);
    b.counter = a.counter;
    expect(b.tn(WIRE)).toBe(a.tn(WIRE));
  });
});

describe('formatAmount (currencies.ts)', () => {
  // [minor units, currencyCode, expected]
  const table: [string | number, string, string][] = [
    ['1234', '344', 'HKD 12.34'],
    ['1', '344', 'HKD 0.01'],
    ['10', '156', 'CNY 0.10'],
    ['100', '840', 'USD 1.00'],
    [5, '978', 'EUR 0.05'],
    ['999999999999', '344', 'HKD 9999999999.99'],
    ['1234', '392', 'JPY 1234'],
    ['5', '410', 'KRW 5'],
    ['1234', '036', 'AUD 12.34'],
    ['1234', '414', 'KWD 1.234'],
    ['5', '048', 'BHD 0.005'],
    ['1000', '788', 'TND 1.000'],
    ['1234', '999', '1234 (999)'],
  ];
  it.each(table)('%s in %s → %s', (minor, code, expected) => {
    expect(formatAmount(minor, code)).toBe(expected);
  });
});
