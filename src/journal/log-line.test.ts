import { describe, expect, it } from 'vitest';
import type { JournalEntry } from './journal.js';
import { ExchangeJoiner, clean, describeDuration, describeExchange, formatExchange, formatRecord, type Exchange, type Paint } from './log-line.js';

const T = Date.UTC(2026, 10, 25, 4, 0, 1, 42);
let seq = 0;
function entry(e: Partial<JournalEntry> & Pick<JournalEntry, 'direction' | 'channel'>): JournalEntry {
  return { seq: ++seq, at: T, wallAt: T, raw: '', ...e };
}
const answerText = (code: string, msg: string) => JSON.stringify({ msgInfo: {}, trxInfo: {}, msgResponse: { responseCode: code, responseMsg: msg } });
const ok = { valid: true, summary: 'valid SHA256withRSA signature by certificate 1' };

function apiPair(code: string, o: { note?: string; msg?: string; signature?: JournalEntry['signature']; orderId?: string } = {}): Exchange {
  const request = entry({ direction: 'in', channel: 'api', msgType: 'SUBMIT_PAYMENT_ORDER', orderId: o.orderId ?? 'ORD1', msgID: 'P1', raw: '{}', signature: o.signature ?? ok, peer: '127.0.0.1' });
  const answer = entry({ direction: 'out', channel: 'api', msgType: 'SUBMIT_PAYMENT_ORDER', orderId: o.orderId ?? 'ORD1', raw: answerText(code, o.msg ?? 'Approved'), responseCode: code, replyTo: request.seq, durationMs: 3.2, ...(o.note ? { note: o.note } : {}) });
  return { request, answer };
}

describe('formatExchange: one line per exchange', () => {
  it('a request and its answer: the parties, msgType, order, code, signature verdict, time taken', () => {
    expect(formatExchange(apiPair('00'), { utc: true })).toBe('04:00:01.042  partner → UCSP     SUBMIT_PAYMENT_ORDER  ORD1  → 00  sig ok  3.2 ms');
  });

  it("in a sandbox of several partners, the partner's insID after the time (and in the JSON record)", () => {
    const x = { ...apiPair('00'), partner: '87654321' };
    expect(formatExchange(x, { utc: true })).toBe('04:00:01.042  [87654321]  partner → UCSP     SUBMIT_PAYMENT_ORDER  ORD1  → 00  sig ok  3.2 ms');
    expect(describeExchange(x).partner).toBe('87654321');
    expect(JSON.parse(JSON.stringify(describeExchange(apiPair('00'))))).not.toHaveProperty('partner');
  });

  it('a refusal says why, from the journal note', () => {
    const line = formatExchange(apiPair('10', { note: 'trxInfo.orderId: must match pattern "^[0-9A-Za-z]{1,32}$"', msg: 'Message Format Invalid: trxInfo.orderId' }), { utc: true });
    expect(line).toContain('→ 10');
    expect(line).toMatch(/refused: trxInfo\.orderId: must match pattern/);
  });

  it('a refusal without a note says the answer\'s responseMsg, when it says more than the code', () => {
    const line = formatExchange(apiPair('36', { msg: 'Order Info is Incorrect: txnAmt over the refundable amount' }), { utc: true });
    expect(line).toContain('refused: Order Info is Incorrect: txnAmt over the refundable amount');
  });

  it('a bad signature shows the diagnosis', () => {
    const line = formatExchange(apiPair('11', { signature: { valid: false, problem: 'mismatch', summary: 'signature does not verify over the message' }, note: 'signature does not verify' }));
    expect(line).toContain('sig BAD (signature does not verify over the message)');
    expect(line).toContain('refused: signature does not verify');
  });

  it('a forced answer is a note, not a refusal', () => {
    const line = formatExchange(apiPair('99', { note: 'answer forced by the control API' }));
    expect(line).not.toContain('refused');
    expect(line).toContain('(answer forced by the control API)');
  });

  it('a notice attempt that failed: attempt number, HTTP status, reason and the next attempt', () => {
    const info = { noticeId: 'N1', kind: 'scheduled' as const, n: 2, of: 8 };
    const request = entry({ direction: 'out', channel: 'notice', msgType: 'PAYMENT_RESULT_NOTICE', orderId: 'ORD1', raw: '{}', attempt: info, peer: 'http://p/n' });
    const answer = entry({ direction: 'in', channel: 'notice', msgType: 'PAYMENT_RESULT_NOTICE', orderId: 'ORD1', raw: 'oops', replyTo: request.seq, httpStatus: 500, durationMs: 12, note: 'HTTP 500', attempt: { ...info, then: 'retry', nextAt: T + 15_000 } });
    expect(formatExchange({ request, answer }, { utc: true })).toBe('04:00:01.042  UCSP → partner     PAYMENT_RESULT_NOTICE  ORD1  attempt 2/8  → HTTP 500  12 ms  failed: HTTP 500; next attempt in 15 s');
  });

  it('a delivered notice, and one given up', () => {
    const info = { noticeId: 'N1', kind: 'scheduled' as const, n: 1, of: 8 };
    const request = entry({ direction: 'out', channel: 'notice', msgType: 'PAYMENT_RESULT_NOTICE', orderId: 'ORD1', attempt: info });
    const good = entry({ direction: 'in', channel: 'notice', msgType: 'PAYMENT_RESULT_NOTICE', orderId: 'ORD1', replyTo: request.seq, httpStatus: 200, responseCode: '00', signature: ok, durationMs: 4, attempt: { ...info, then: 'delivered' } });
    expect(formatExchange({ request, answer: good })).toMatch(/ {2}ORD1 {2}attempt 1\/8 {2}→ 00 {2}sig ok {2}4 ms {2}delivered$/);
    const last = entry({ direction: 'in', channel: 'notice', msgType: 'PAYMENT_RESULT_NOTICE', orderId: 'ORD1', replyTo: request.seq, note: 'cannot reach http://p/n: ECONNREFUSED', durationMs: 1, attempt: { ...info, n: 8, then: 'gave-up' } });
    expect(formatExchange({ request, answer: last })).toContain('failed: cannot reach http://p/n: ECONNREFUSED; UCSP gives up: no attempt left');
  });

  it('page actions, the issuer and the login hand-off are named for people; the mobile is never shown', () => {
    const pay = entry({ direction: 'out', channel: 'cashier', orderId: 'ORD1', raw: JSON.stringify({ pay: '1', card: '621234******0010', behaviour: 'approve' }) });
    expect(formatExchange({ request: pay })).toMatch(/browser → cashier +pay {2}ORD1 {2}card 621234\*+0010, issuer: approve$/);
    const ask = entry({ direction: 'out', channel: 'issuer', orderId: 'ORD1', raw: JSON.stringify({ inquire: '1', n: 1, offsetMs: 0 }) });
    const said = entry({ direction: 'in', channel: 'issuer', orderId: 'ORD1', raw: JSON.stringify({ ref: '1', status: 'APPROVED' }), replyTo: ask.seq });
    expect(formatExchange({ request: ask, answer: said })).toMatch(/UCSP → issuer +inquiry #1 {2}ORD1 {2}APPROVED$/);
    const login = entry({ direction: 'out', channel: 'login', msgType: 'INDUSTRY_LOGIN_INFO', raw: JSON.stringify({ trxInfo: { userId: 'user-002', mobile: '+85290000002' } }) });
    const line = formatExchange({ request: login });
    expect(line).toContain('UCSP → partner');
    expect(line).toContain('login hand-off through the browser for user-002');
    expect(line).not.toContain('9000');
    const expired = entry({ direction: 'out', channel: 'cashier', orderId: 'ORD2', raw: JSON.stringify({ expired: '1', afterSeconds: 900 }), note: 'the order expired unpaid after 900 s' });
    expect(formatExchange({ request: expired })).toContain('order expired  ORD2  the order expired unpaid after 900 s');
  });

  it('a request with no answer journalled says so', () => {
    const request = entry({ direction: 'in', channel: 'api', msgType: 'PAYMENT_RESULT_INQUIRY', orderId: 'ORD1' });
    expect(formatExchange({ request })).toContain('no answer recorded');
  });

  it('nothing from the wire can break the line or reach the terminal as a control sequence', () => {
    const x = apiPair('10', { orderId: 'ORD\u001b[2J\nX\u202eY', note: 'bad\r\nvalue \u001b]0;title\u0007' });
    const line = formatExchange(x);
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(line).toContain('ORD?[2J?X?Y');
    expect(clean('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('colours only through the paint given', () => {
    const paint: Paint = { dim: (s) => `<d>${s}</d>`, red: (s) => `<r>${s}</r>`, green: (s) => `<g>${s}</g>`, yellow: (s) => `<y>${s}</y>`, cyan: (s) => s, bold: (s) => s };
    expect(formatExchange(apiPair('00'), { paint })).toContain('<g>→ 00</g>');
    expect(formatExchange(apiPair('34', { note: 'no such order' }), { paint })).toContain('<r>refused: no such order</r>');
  });
});

describe('describeExchange: the JSON record', () => {
  it('carries what the line says, as fields', () => {
    const r = describeExchange(apiPair('10', { note: 'why' }));
    expect(r).toMatchObject({ channel: 'api', from: 'partner', to: 'UCSP', what: 'SUBMIT_PAYMENT_ORDER', orderId: 'ORD1', msgID: 'P1', code: '10', outcome: 'refused', reason: 'why', signature: { valid: true }, durationMs: 3.2 });
    expect(r.time).toBe(new Date(T).toISOString());
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(formatRecord(r, { utc: true })).toBe(formatExchange(apiPair('10', { note: 'why' }), { utc: true }));
  });
  it('a notice attempt: its place in the schedule, and when the next is due relative to the answer', () => {
    const request = entry({ direction: 'out', channel: 'notice', msgType: 'SIGN_AUTO_DEBIT_NOTICE', orderId: 'S1', attempt: { noticeId: 'N2', kind: 'scheduled', n: 3, of: 8 } });
    const answer = entry({ direction: 'in', channel: 'notice', msgType: 'SIGN_AUTO_DEBIT_NOTICE', orderId: 'S1', replyTo: request.seq, at: T + 2000, note: 'answered 99', responseCode: '99', attempt: { noticeId: 'N2', kind: 'scheduled', n: 3, of: 8, then: 'retry', nextAt: T + 60_000 } });
    expect(describeExchange({ request, answer })).toMatchObject({ outcome: 'failed', reason: 'answered 99', code: '99', attempt: { n: 3, of: 8, then: 'retry', nextInMs: 58_000 } });
  });
});

describe('ExchangeJoiner', () => {
  it('joins a request with its answer, passes lone entries at once, and flushes what waits', () => {
    const out: Exchange[] = [];
    const j = new ExchangeJoiner((x) => out.push(x), 2);
    const n1 = entry({ direction: 'out', channel: 'notice' });
    const pay = entry({ direction: 'out', channel: 'cashier' });
    j.push(n1);
    j.push(pay);
    expect(out).toEqual([{ request: pay }]);
    const a1 = entry({ direction: 'in', channel: 'notice', replyTo: n1.seq });
    j.push(a1);
    expect(out[1]).toEqual({ request: n1, answer: a1 });
    // an answer whose request was not seen (a listing that starts after it)
    const lone = entry({ direction: 'out', channel: 'api', replyTo: 1 });
    j.push(lone);
    expect(out[2]).toEqual({ answer: lone });
    // bounded: past 2 held, the oldest goes out unanswered
    const [r1, r2, r3] = [1, 2, 3].map(() => entry({ direction: 'in', channel: 'api' }));
    j.push(r1!);
    j.push(r2!);
    j.push(r3!);
    expect(out[3]).toEqual({ request: r1 });
    expect(j.heldCount).toBe(2);
    j.flush();
    expect(out.slice(4)).toEqual([{ request: r2 }, { request: r3 }]);
    expect(j.heldCount).toBe(0);
  });
});

describe('describeDuration', () => {
  it.each([
    [850, '850 ms'],
    [15_000, '15 s'],
    [300_000, '5 min'],
    [90_000, '1 min 30 s'],
    [3_600_000, '1 h'],
    [5_400_000, '1 h 30 min'],
  ])('%i ms is %s', (ms, text) => expect(describeDuration(ms)).toBe(text));
});
