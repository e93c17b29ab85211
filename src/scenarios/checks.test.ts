import { describe, expect, it } from 'vitest';
import { answerText, evaluate, type CheckContext } from './checks.js';
import type { JournalView } from './sandbox-client.js';

describe('answerText: what the partner did with a notice, each fact once', () => {
  it('does not repeat the code or the HTTP status', () => {
    expect(answerText({ responseCode: '36', problem: 'answered 36' })).toBe('the partner answered 36');
    expect(answerText({ httpStatus: 500, problem: 'HTTP 500' })).toBe('the partner answered HTTP 500');
    expect(answerText({ responseCode: '00' })).toBe('the partner answered 00');
  });
  it('keeps a problem that adds something', () => {
    expect(answerText({ responseCode: '00', problem: 'answer signature invalid: wrong key' })).toBe('the partner answered 00 (answer signature invalid: wrong key)');
    expect(answerText({ httpStatus: 200, problem: 'answer is not a message: Unexpected token' })).toBe('the partner answered HTTP 200 (answer is not a message: Unexpected token)');
  });
  it('says so when there was no answer', () => {
    expect(answerText({ problem: 'no answer within 10000 ms' })).toBe('the partner sent no answer within 10000 ms');
    expect(answerText({ problem: 'cannot reach http://127.0.0.1:9/n: connect ECONNREFUSED' })).toBe('the partner did not answer: cannot reach http://127.0.0.1:9/n: connect ECONNREFUSED');
    expect(answerText({})).toBe('the partner did not answer');
  });
});

describe('inquirySpacing: the waits between a partner’s inquiries (PROFILE §7)', () => {
  const SCHEDULE = [0, 1000, 2000, 4000, 8000, 16000, 32000];
  const journal = (times: number[]) =>
    times.map((at, i) => ({ seq: i + 1, at, wallAt: at, direction: 'in', channel: 'api', msgType: 'PAYMENT_RESULT_INQUIRY', parsed: { trxInfo: { orderId: 'ORD00000001' } } }) as unknown as JournalView);
  const judge = (times: number[], mode?: 'waits' | 'offsets') =>
    evaluate({ inquirySpacing: { orderId: 'ORD00000001' } }, {
      journal: async () => journal(times),
      inquiryScheduleMs: SCHEDULE,
      ...(mode ? { inquiryScheduleMode: mode } : {}),
    } as unknown as CheckContext);

  it('waits (the default): +0, 1, 3, 7, 15 s passes; +0, 1, 2, 4, 8 s (offsets) is too close', async () => {
    expect((await judge([0, 1000, 3000, 7000, 15000])).status).toBe('passed');
    const v = await judge([0, 1000, 2000, 4000, 8000]);
    expect(v.status).toBe('failed');
    expect(v.message).toBe('order ORD00000001: inquiry #3 came 1 s after inquiry #2; no sooner than 2 s; order ORD00000001: inquiry #4 came 2 s after inquiry #3; no sooner than 4 s; order ORD00000001: inquiry #5 came 4 s after inquiry #4; no sooner than 8 s');
  });
  it('waits: beyond the schedule the last wait (32 s) repeats', async () => {
    const ok = [0, 1000, 3000, 7000, 15000, 31000, 63000, 95000];
    expect((await judge(ok)).status).toBe('passed');
    expect((await judge([...ok.slice(0, -1), 94000])).status).toBe('failed');
  });
  it('an inquiry again at once is too close under either reading', async () => {
    expect((await judge([0, 0])).status).toBe('failed');
    expect((await judge([0, 0], 'offsets')).status).toBe('failed');
  });
  it('offsets (the profile option): +0, 1, 2, 4, 8 s passes', async () => {
    expect((await judge([0, 1000, 2000, 4000, 8000], 'offsets')).status).toBe('passed');
    expect((await judge([0, 1000, 1500], 'offsets')).message).toBe('order ORD00000001: inquiry #3 came 1.5 s after the first; no sooner than 2 s');
  });
  it('no inquiries: skipped', async () => {
    expect((await judge([])).status).toBe('skipped');
  });
});
