/**
 * Full UCSP flows end to end against the example partner, over real HTTP: the sandbox as a real
 * CLI process in manual-clock mode, the partner's browser played by fetch following the pages.
 */
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPartnerWorld, type PartnerWorld } from '../support/partner-world.js';

let w: PartnerWorld;
let failNotices = 0;
const failTwice: RequestHandler = (req, res, next) => {
  if (req.method === 'POST' && req.path === '/ucsp/notify' && failNotices > 0) {
    failNotices--;
    res.status(500).send('partner is down');
    return;
  }
  next();
};

beforeAll(async () => {
  w = await startPartnerWorld({ front: [failTwice] });
});
afterAll(() => w?.close());

/** The user's browser: GET with manual redirects, keeping cookies. */
async function browse(url: string, init: RequestInit = {}, cookies: string[] = []) {
  const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookies.length ? { cookie: cookies.join('; ') } : {}) } });
  const set = res.headers.getSetCookie().map((c) => c.split(';')[0]!);
  return { status: res.status, location: res.headers.get('location') ?? undefined, body: await res.text(), cookies: [...cookies, ...set] };
}

async function session(cookies: string[]) {
  const res = await fetch(`${w.partnerUrl}/driver/session`, { headers: cookies.length ? { cookie: cookies.join('; ') } : {} });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as { userId: string }) : undefined };
}

/** Submits an order through the partner and pays it through the real cashier pages. */
async function payThroughPages(txnAmt = '1234', card?: string) {
  const sub = await w.driver('submitPaymentOrder', { txnAmt, currencyCode: '344', userId: 'user-001' });
  expect(sub.status).toBe(200);
  const { orderId, paymentUrl, responseCode } = sub.body.result!;
  expect(responseCode).toBe('00');
  const cashier = await browse(paymentUrl!);
  expect(cashier.status).toBe(200);
  expect(cashier.body).toContain(`HKD ${(Number(txnAmt) / 100).toFixed(2)}`);
  const action = /<form method="get" action="([^"]+)"><input type="hidden" name="tn" value="([0-9]+)"><input type="hidden" name="key" value="([A-Za-z0-9_-]{22})">/.exec(cashier.body)!;
  // the channel app's page opens with the payment's key only, never with the tn alone
  expect((await browse(`${action[1]}?tn=${action[2]}`)).status).toBe(404);
  const sdk = await browse(`${action[1]}?tn=${action[2]}&key=${action[3]}`);
  expect(sdk.status).toBe(200);
  expect(sdk.body).toContain('Confirm');
  const chosen = card ?? /name="card" value="([0-9]+)" checked/.exec(sdk.body)![1]!;
  const confirm = await browse(`${w.sandbox.ready.channel}/channel/pay/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ tn: action[2]!, key: action[3]!, card: chosen }).toString(),
  });
  expect(confirm.status).toBe(303);
  return { orderId: orderId!, frontUrl: confirm.location! };
}

describe('login hand-off', () => {
  it('redirects alone take the browser from the channel app to a session for the right user', async () => {
    const open = await browse(`${w.sandbox.ready.channel}/channel/open?userId=user-002`);
    expect(open.status).toBe(302);
    const authorize = await browse(open.location!);
    expect(authorize.status).toBe(302);
    expect(authorize.location).toMatch(new RegExp(`^${w.partnerUrl}/ucsp/login\\?request_data=`));
    const landing = await browse(authorize.location!);
    expect(landing.status).toBe(200);
    expect((await session(landing.cookies)).body).toEqual({ userId: 'user-002' });
  });

  it.each(['signature', 'replay', 'stale', 'wrong-cert'] as const)('a %s request_data is refused (401) and opens no session', async (tamper) => {
    if (tamper === 'replay') {
      const first = await w.control<{ url: string }>('/login', {});
      expect((await browse(first.json.url)).status).toBe(200);
    }
    const bad = await w.control<{ url: string }>('/login', { tamper });
    const r = await browse(bad.json.url);
    expect(r.status).toBe(401);
    expect((await session(r.cookies)).status).toBe(401);
  });
});

describe('frontend payment', () => {
  it('cashier → channel app → issuer → notice: PAID only after the verified notice', async () => {
    const { orderId, frontUrl } = await payThroughPages();
    expect(frontUrl).toContain(`${w.partnerUrl}/ucsp/return`);
    const back = await browse(frontUrl);
    expect(back.status).toBe(200);
    await w.settle();
    expect((await w.order(orderId)).status).toBe('PAID');
    const notices = await w.control<{ status: string; attempts: { httpStatus: number; responseCode: string }[] }[]>(`/notices?orderId=${orderId}`);
    expect(notices.json[0]).toMatchObject({ status: 'DELIVERED', attempts: [{ httpStatus: 200, responseCode: '00' }] });
  });

  it('the synchronous 00 and the browser return leave the order CREATED', async () => {
    await w.control('/notices/faults', { action: 'hold' });
    const { orderId, frontUrl } = await payThroughPages();
    await browse(frontUrl);
    await w.settle();
    expect((await w.order(orderId)).status).toBe('CREATED');
    const held = await w.control<{ id: string; status: string }[]>(`/notices?orderId=${orderId}`);
    expect(held.json[0]!.status).toBe('HELD');
    await w.control(`/notices/${held.json[0]!.id}/release`, {});
    await w.settle();
    expect((await w.order(orderId)).status).toBe('PAID');
  });

  it('a held notice released with a delay goes when the sandbox clock gets there, not before', async () => {
    await w.control('/notices/faults', { action: 'hold' });
    const { orderId } = await payThroughPages();
    await w.settle();
    const held = await w.control<{ id: string; status: string }[]>(`/notices?orderId=${orderId}`);
    expect(held.json[0]!.status).toBe('HELD');
    expect((await w.control(`/notices/${held.json[0]!.id}/release`, { ms: -1 })).status).toBe(400);
    await w.control(`/notices/${held.json[0]!.id}/release`, { ms: 15_000 });
    await w.settle(14_999);
    const waiting = await w.control<{ status: string; attempts: unknown[] }[]>(`/notices?orderId=${orderId}`);
    expect(waiting.json[0]).toMatchObject({ status: 'PENDING', attempts: [] });
    expect((await w.order(orderId)).status).toBe('CREATED');
    await w.settle(1);
    expect((await w.order(orderId)).status).toBe('PAID');
  });

  it('a lost notice: the partner finds the result by inquiry', async () => {
    await w.control('/notices/faults', { action: 'drop' });
    const { orderId } = await payThroughPages();
    await w.settle(60_000);
    expect((await w.order(orderId)).status).toBe('CREATED');
    const inq = await w.driver('inquirePayment', { orderId });
    expect(inq.body.result).toMatchObject({ orderId, responseCode: '00' });
    expect((await w.order(orderId)).status).toBe('PAID');
  });

  it('a notice retried after the partner answered 500 twice — the last with the clock advanced, not waited', async () => {
    failNotices = 2;
    const { orderId } = await payThroughPages();
    await w.settle();
    expect((await w.order(orderId)).status).toBe('CREATED');
    await w.settle(15_000);
    expect((await w.order(orderId)).status).toBe('CREATED');
    await w.settle(15_000);
    expect((await w.order(orderId)).status).toBe('PAID');
    const n = (await w.control<{ status: string; firstAttemptAt: number; attempts: { at: number; httpStatus: number }[] }[]>(`/notices?orderId=${orderId}`)).json[0]!;
    expect(n.status).toBe('DELIVERED');
    expect(n.attempts.map((a) => a.httpStatus)).toEqual([500, 500, 200]);
    expect(n.attempts.map((a) => a.at - n.firstAttemptAt)).toEqual([0, 15_000, 30_000]);
  });

  it('a declined card: notice 01, the order FAILED', async () => {
    const { orderId } = await payThroughPages('1234', '6212345600000020');
    await w.settle();
    expect((await w.order(orderId)).status).toBe('FAILED');
  });
});

describe('auto-debit', () => {
  let contractId: string;
  it('sign: signUrl → channel signing page → Agree → frontUrl, and the notice gives the contractId', async () => {
    const s = await w.driver('signAutoDebit', { userId: 'user-003' });
    expect(s.body.result).toMatchObject({ responseCode: '00' });
    const viaUcsp = await browse(s.body.result!.signUrl!);
    expect(viaUcsp.status).toBe(302);
    const pageRes = await browse(viaUcsp.location!);
    expect(pageRes.body).toContain('Agree');
    expect(pageRes.body).toContain('Refuse');
    const agree = await browse(viaUcsp.location!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=agree' });
    expect(agree.status).toBe(303);
    expect(agree.location).toMatch(new RegExp(`^${w.partnerUrl}/`));
    await w.settle();
    const contracts = await w.control<{ contractId: string; userId: string; status: string }[]>('/contracts');
    const c = contracts.json.find((x) => x.userId === 'user-003')!;
    contractId = c.contractId;
    expect(await w.contract(contractId)).toMatchObject({ contractId, userId: 'user-003', status: 'ACTIVE' });
  });

  it('submit: 05, then PAID by notice; a pending charge is found by UCSP inquiries and notified', async () => {
    const d = await w.driver('submitAutoDebit', { contractId, txnAmt: '500', currencyCode: '344' });
    expect(d.body.result).toMatchObject({ responseCode: '05' });
    await w.settle();
    expect((await w.order(d.body.result!.orderId!)).status).toBe('PAID');
    const slow = await w.driver('submitAutoDebit', { contractId, txnAmt: '9904', currencyCode: '344' });
    await w.settle();
    expect((await w.order(slow.body.result!.orderId!)).status).toBe('CREATED');
    await w.settle(8_000);
    expect((await w.order(slow.body.result!.orderId!)).status).toBe('PAID');
  });

  it('close: 00, the contract CLOSED on both sides; a charge on it is refused', async () => {
    const c = await w.driver('closeAutoDebit', { contractId });
    expect(c.body.result).toMatchObject({ contractId, responseCode: '00' });
    expect((await w.contract(contractId))!.status).toBe('CLOSED');
    expect((await w.control<{ contractId: string; status: string }[]>('/contracts')).json.find((x) => x.contractId === contractId)!.status).toBe('CLOSED');
    const refused = await w.driver('submitAutoDebit', { contractId, txnAmt: '500', currencyCode: '344', force: true });
    expect(refused.body.result).toMatchObject({ responseCode: '01' });
  });

  it('a refused signing: notice 01, no contract', async () => {
    const s = await w.driver('signAutoDebit', { userId: 'user-001' });
    const r = await w.control<{ contractId?: string }>('/sign', { orderId: s.body.result!.orderId, decision: 'refuse' });
    expect(r.json.contractId).toBeUndefined();
    await w.settle();
    const n = await w.control<{ status: string; attempts: { responseCode: string }[] }[]>(`/notices?orderId=${s.body.result!.orderId}`);
    expect(n.json[0]).toMatchObject({ status: 'DELIVERED', attempts: [{ responseCode: '00' }] });
  });
});

describe('cancellation and refund', () => {
  it('cancellation of the full amount: the payment CANCELLED', async () => {
    const { orderId } = await payThroughPages();
    await w.settle();
    const c = await w.driver('cancelPayment', { orderId });
    expect(c.body.result!.orderId).not.toBe(orderId);
    expect(['00', '05']).toContain(c.body.result!.responseCode);
    await w.settle();
    expect((await w.order(orderId)).status).toBe('CANCELLED');
    expect((await w.order(c.body.result!.orderId!)).status).toBe('SUCCEEDED');
  });

  it('partial then full refund; result by notice and by REFUND_RESULT_INQUIRY; over-refund refused', async () => {
    const { orderId } = await payThroughPages('2000');
    await w.settle();
    const r1 = await w.driver('refundPayment', { orderId, txnAmt: '500' });
    expect(r1.body.result!.orderId).not.toBe(orderId);
    await w.settle();
    expect(await w.order(orderId)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmt: '500' });
    await w.control('/notices/faults', { action: 'drop' });
    const r2 = await w.driver('refundPayment', { orderId, txnAmt: '1500' });
    await w.settle();
    expect((await w.order(r2.body.result!.orderId!)).status).toBe('PENDING');
    const inq = await w.driver('inquireRefund', { orderId: r2.body.result!.orderId });
    expect(inq.body.result).toMatchObject({ responseCode: '00' });
    expect(await w.order(orderId)).toMatchObject({ status: 'REFUNDED', refundedAmt: '2000' });
    const over = await w.driver('refundPayment', { orderId, txnAmt: '1', force: true });
    expect(over.body.result).toMatchObject({ responseCode: '36' });
  });
});

describe('the journal', () => {
  it('holds every message of an order in order, with signature verdicts and codes', async () => {
    const { orderId } = await payThroughPages();
    await w.settle();
    const j = await w.control<{ entries: { channel: string; direction: string; msgType?: string; signature?: { valid: boolean }; responseCode?: string; parsed?: unknown }[] }>(`/journal?orderId=${orderId}`);
    const kinds = j.json.entries.map((e) => `${e.channel}:${e.direction}:${e.msgType ?? ''}`);
    expect(kinds).toEqual([
      'api:in:SUBMIT_PAYMENT_ORDER',
      'api:out:SUBMIT_PAYMENT_ORDER',
      'cashier:out:',
      'notice:out:PAYMENT_RESULT_NOTICE',
      'notice:in:PAYMENT_RESULT_NOTICE',
    ]);
    expect(j.json.entries[0]!.signature!.valid).toBe(true);
    expect(j.json.entries[1]!.responseCode).toBe('00');
    expect(j.json.entries[4]).toMatchObject({ responseCode: '00', signature: { valid: true } });
    expect(j.json.entries[0]!.parsed).toBeTypeOf('object');
  });
});

describe('answer faults (control API)', () => {
  type Entry = { direction: string; orderId?: string; note?: string; responseCode?: string; corrupted?: unknown; raw: string };

  it('bad input is 400 with the allowed values; a fault can be listed and withdrawn', async () => {
    const bad = await w.control<{ error: string }>('/api/faults', { fault: 'scramble' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toBe('fault must be one of signature, content, msg-id, msg-type, unsigned, no-signature');
    expect((await w.control<{ error: string }>('/api/faults', { fault: 'content', code: '00' })).json.error).toMatch(/^code needs msgType/);
    expect((await w.control<{ error: string }>('/api/faults', { fault: 'content', msgType: 'SUBMIT_AUTO_DEBIT', code: '00' })).json.error).toBe('SUBMIT_AUTO_DEBIT cannot be answered 00; PROFILE allows 05, 01, 34, 36, 10, 11, 99');
    expect((await w.control('/api/faults', { fault: 'unsigned', times: 0 })).status).toBe(400);
    const set = await w.control('/api/faults', { fault: 'unsigned', msgType: 'CLOSE_AUTO_DEBIT', times: 2 });
    expect(set).toEqual({ status: 201, json: { id: expect.any(Number), fault: 'unsigned', msgType: 'CLOSE_AUTO_DEBIT', remaining: 2 } });
    expect((await w.control<unknown[]>('/api/faults')).json).toHaveLength(1);
    expect((await fetch(`${w.U}/control/api/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await w.control<unknown[]>('/api/faults')).json).toEqual([]);
  });

  it('UCSP takes the order and keeps its answer; the partner, whose answer was altered, could not act and changed nothing', async () => {
    expect((await w.control('/api/faults', { fault: 'content', msgType: 'SUBMIT_PAYMENT_ORDER' })).status).toBe(201);
    const since = (await w.control<{ journal: { lastSeq: number } }>('/status')).json.journal.lastSeq;
    const sub = await w.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    expect(sub.status).toBe(502);
    expect(sub.body.error).toContain('answer signature invalid');
    const j = await w.control<{ entries: Entry[] }>(`/journal?channel=api&since=${since}`);
    const answer = j.json.entries.find((e) => e.direction === 'out')!;
    expect(answer.corrupted).toEqual({ fault: 'content', genuineCode: '00', code: '36' });
    expect(answer.responseCode).toBe('36');
    expect(answer.note).toMatch(/^answer corrupted on purpose \(control API answer fault "content"\): responseCode 00 → 36 changed after signing/);
    expect(await w.order(answer.orderId!)).toMatchObject({ status: 'CREATED' });
    expect((await w.control<{ status: string }>(`/orders/${answer.orderId}`)).json.status).toBe('AWAITING_USER');
  });
});
