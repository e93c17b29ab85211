import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseDuration, parseFilter, parseLimit, parseSeq } from './remote-args.js';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['7h', 25_200_000],
    ['1d', 86_400_000],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['1.5s', 1500],
    ['0s', 0],
  ])('%s is %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));
  it.each(['15', '', 'm', '-5s', '5 minutes', '5x', '1e3s', '15m junk'])('"%s" is refused with the units', (text) => {
    expect(() => parseDuration(text)).toThrow(InvalidArgumentError);
    expect(() => parseDuration(text)).toThrow(/ms, s, m, h or d/);
  });
  it('refuses more than the sandbox advances at once', () => expect(() => parseDuration('367d')).toThrow(/366 days/));
});

describe('parseFilter', () => {
  it('reads key=value pairs, comma-separated and repeated', () => {
    expect(parseFilter('msgType=SUBMIT_PAYMENT_ORDER,orderId=ORD1')).toEqual({ msgType: 'SUBMIT_PAYMENT_ORDER', orderId: 'ORD1' });
    expect(parseFilter('channel=notice', { orderId: 'ORD1' })).toEqual({ orderId: 'ORD1', channel: 'notice' });
  });
  it('refuses unknown keys, empty values and unknown channels, saying what is allowed', () => {
    expect(() => parseFilter('status=PAID')).toThrow(/"status" is not a filter: use msgType=…, orderId=…, channel=…/);
    expect(() => parseFilter('orderId=')).toThrow(/orderId needs a value/);
    expect(() => parseFilter('orderId')).toThrow(/orderId needs a value/);
    expect(() => parseFilter('channel=email')).toThrow(/channel must be one of api, notice, login, cashier, signing, issuer/);
  });
});

describe('parseSeq and parseLimit', () => {
  it('take whole numbers in range only', () => {
    expect(parseSeq('0')).toBe(0);
    expect(parseSeq('120')).toBe(120);
    for (const bad of ['-1', '1.5', 'x', '']) expect(() => parseSeq(bad)).toThrow(InvalidArgumentError);
    expect(parseLimit('10000')).toBe(10_000);
    for (const bad of ['0', '10001', 'ten']) expect(() => parseLimit(bad)).toThrow(InvalidArgumentError);
  });
});
