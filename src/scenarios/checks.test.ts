import { describe, expect, it } from 'vitest';
import { amountDiagnosis, answerText, evaluate, type CheckContext } from './checks.js';
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

describe('distrusted: what the partner reported after UCSP answered it unusably', () => {
  const out = (o: Record<string, unknown>) => ({ seq: 1, at: 0, wallAt: 0, direction: 'out', channel: 'api', raw: '', msgType: 'PAYMENT_RESULT_INQUIRY', orderId: 'ORD00000001', ...o });
  const corrupted = out({ responseCode: '00', corrupted: { fault: 'content', genuineCode: '01', code: '00' } });
  const ctx = (result: Record<string, unknown>, entries: unknown[], mode: 'driver' | 'passive' = 'driver') =>
    ({
      sandbox: {},
      partner: { mode, act: async () => ({ status: 0 }), reset: async () => {} },
      vars: { r: result },
      journal: async () => entries,
      zone: '+08:00',
      skew: { timeStampSeconds: 300, txnTimeSeconds: 900 },
      inquiryScheduleMs: [0],
    }) as unknown as CheckContext;
  const judge = (result: Record<string, unknown>, entries: unknown[] = [corrupted], mode?: 'passive') => evaluate({ distrusted: { from: 'r', codes: ['01'] } }, ctx(result, entries, mode));

  it('passes a partner that could not act, or reports the genuine code', async () => {
    expect((await judge({ status: 502, error: 'no usable answer' })).status).toBe('passed');
    expect((await judge({ status: 200, orderId: 'ORD00000001', responseCode: '01' })).status).toBe('passed');
    // a retry with a new msgID, answered validly: its code is genuine too
    expect((await judge({ status: 200, orderId: 'ORD00000001', responseCode: '05' }, [corrupted, out({ seq: 2, responseCode: '05' })])).status).toBe('passed');
  });

  it("fails a partner that reports the broken answer's code", async () => {
    const v = await judge({ status: 200, orderId: 'ORD00000001', responseCode: '00' });
    expect(v.status).toBe('failed');
    expect(v.message).toBe("the partner reported 00: it took an answer it could not have verified for UCSP's");
    // an answer to another message type about the same order does not make the code genuine
    expect((await judge({ status: 200, orderId: 'ORD00000001', responseCode: '00' }, [out({ msgType: 'SUBMIT_PAYMENT_ORDER', responseCode: '00' }), corrupted])).status).toBe('failed');
    expect((await judge({ status: 0, error: 'cannot reach the driver' })).status).toBe('failed');
  });

  it('is not judged when nothing about the order was corrupted, or without the driver', async () => {
    expect((await judge({ status: 200, orderId: 'ORD00000001', responseCode: '10' }, [out({ responseCode: '10' })])).status).toBe('skipped');
    expect((await judge({ status: 502 }, [corrupted], 'passive')).status).toBe('skipped');
  });
});

describe('amountDiagnosis: why an amount sent is not the one asked for', () => {
  it('names a power of ten as a wrong minor unit', () => {
    expect(amountDiagnosis('500', '50000', '392')).toBe('100 times the amount asked for — written as if JPY had 2 decimals (it has 0)');
    expect(amountDiagnosis('1234', '123', '414')).toBe('1/10 of the amount asked for, rounded — written as if KWD had 2 decimals (it has 3)');
    expect(amountDiagnosis('1230', '123', '414')).toBe('1/10 of the amount asked for — written as if KWD had 2 decimals (it has 3)');
    expect(amountDiagnosis('1234', '12340', '344')).toBe('10 times the amount asked for — written as if HKD had 3 decimals (it has 2)');
  });
  it('names rounding to 2 decimals in a currency with 3', () => {
    expect(amountDiagnosis('1234', '1230', '414')).toBe('rounded to 2 decimals; KWD has 3');
    expect(amountDiagnosis('235', '240', '048')).toBe('rounded to 2 decimals; BHD has 3');
  });
  it('says when the amount is not minor units at all, and nothing when there is no pattern', () => {
    expect(amountDiagnosis('500', '5.00', '392')).toBe('not a whole count of minor units (PROFILE §5)');
    expect(amountDiagnosis('500', 500, '392')).toBe('not a whole count of minor units (PROFILE §5)');
    expect(amountDiagnosis('500', '501', '392')).toBe('');
    expect(amountDiagnosis('500', '50000', undefined)).toBe('100 times the amount asked for');
  });
});

describe('orderStatus: a final status the partner learned by its own inquiry is no failure of "still open"', () => {
  const answer = (o: Record<string, unknown>) => ({ seq: 7, at: 0, wallAt: 0, direction: 'out', channel: 'api', raw: '', msgType: 'PAYMENT_RESULT_INQUIRY', orderId: 'ORD00000001', responseCode: '00', ...o });
  const ctx = (status: string, entries: unknown[]) =>
    ({
      sandbox: {},
      partner: { mode: 'driver', act: async () => ({ status: 0 }), reset: async () => {}, state: { order: async () => ({ orderId: 'ORD00000001', status }), contract: async () => undefined, session: async () => ({ status: 401 }) } },
      vars: {},
      journal: async () => entries,
      zone: '+08:00',
      skew: { timeStampSeconds: 300, txnTimeSeconds: 900 },
      inquiryScheduleMs: [0],
    }) as unknown as CheckContext;
  const judge = (status: string, entries: unknown[], is: string | string[] = 'CREATED') => evaluate({ orderStatus: { orderId: 'ORD00000001', is } } as never, ctx(status, entries));

  it('passes PAID after an inquiry UCSP answered 00, FAILED after one answered 01, saying so', async () => {
    const v = await judge('PAID', [answer({})]);
    expect(v.status).toBe('passed');
    expect(v.message).toBe('order ORD00000001 is PAID: the partner learned it by its own PAYMENT_RESULT_INQUIRY (journal #7), which UCSP answered 00 — as PROFILE §7 allows');
    expect((await judge('FAILED', [answer({ responseCode: '01' })])).status).toBe('passed');
    expect((await judge('SUCCEEDED', [answer({ msgType: 'REFUND_RESULT_INQUIRY', responseCode: '00' })], 'PENDING')).status).toBe('passed');
  });

  it('still fails without such an answer: none, another order, 05, a result that does not match, an answer corrupted on purpose', async () => {
    expect((await judge('PAID', [])).status).toBe('failed');
    expect((await judge('PAID', [answer({ orderId: 'ORD00000002' })])).status).toBe('failed');
    expect((await judge('PAID', [answer({ responseCode: '05' })])).status).toBe('failed');
    expect((await judge('PAID', [answer({ responseCode: '01' })])).status).toBe('failed');
    expect((await judge('PAID', [answer({ corrupted: { fault: 'content', genuineCode: '01', code: '00' } })])).status).toBe('failed');
    // a request that is not an inquiry (the order's own 00) teaches nothing about payment
    expect((await judge('PAID', [answer({ msgType: 'SUBMIT_PAYMENT_ORDER' })])).status).toBe('failed');
  });

  it('applies only where the check expects the order still open', async () => {
    expect((await judge('PAID', [answer({})], 'FAILED')).status).toBe('failed');
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
