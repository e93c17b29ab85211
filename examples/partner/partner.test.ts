/** The example partner against a fake UCSP: login, payments, notices, refunds, auto-debit, driver. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signMessage } from '../../src/index.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { createExamplePartner } from './partner-app.js';
import { IDS, newQueryId, paidOrder, resultNotice, startHarness, type Harness } from './testing/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.close());
beforeEach(async () => {
  await fetch(`${h.url}/driver/reset`, { method: 'POST' });
  h.fake.script = {};
  h.fake.rawAnswer = undefined;
  h.fake.received.length = 0;
  h.clock.now = Date.now();
});

const loginInfo = (trx: Record<string, string> = {}) =>
  h.ucspMessage('INDUSTRY_LOGIN_INFO', { userId: 'user-001', mobile: '+85290000001', channelCode: 'UPWALLET', industryCode: 'PARKING01', ...trx });
const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
const order = async (id: string) => (await h.get(`/driver/orders/${id}`)).body;

describe('login hand-off (PROFILE §6.1)', () => {
  it('opens a session for a valid INDUSTRY_LOGIN_INFO', async () => {
    const res = await h.login(h.sign(loginInfo()));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Signed in as user-001');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^ucsp_session=[A-Za-z0-9_-]{20,};/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(await h.get('/driver/session', { cookie: cookieOf(res) })).toMatchObject({ status: 200, body: { userId: 'user-001' } });
    expect((await h.get('/driver/session')).status).toBe(401);
    expect((await h.get('/driver/session', { cookie: 'ucsp_session=forged' })).status).toBe(401);
  });

  it('reads request_data from the raw query: an unencoded "+" stays "+"', async () => {
    let text = h.sign(loginInfo());
    while (!text.includes('+')) text = h.sign(loginInfo()); // base64 signatures usually hold a "+"
    const res = await fetch(`${h.url}/ucsp/login?request_data=${encodeURIComponent(text).replaceAll('%2B', '+')}`);
    expect(res.status).toBe(200);
  });

  it('accepts a timeStamp 299 s off its clock', async () => {
    const text = h.sign(loginInfo());
    h.clock.now += 299_000;
    expect((await h.login(text)).status).toBe(200);
  });

  const refusals: [string, () => string, number][] = [
    ['tampered after signing', () => h.sign(loginInfo()).replace('"user-001"', '"user-002"'), 401],
    ['stale (301 s old)', () => {
      const text = h.sign(loginInfo());
      h.clock.now += 301_000;
      return text;
    }, 401],
    ['from the future (301 s)', () => {
      const text = h.sign(loginInfo());
      h.clock.now -= 301_000;
      return text;
    }, 401],
    ['signed by a key that is not UCSP\'s (UCSP\'s signCertID)', () => h.sign(loginInfo(), h.keys.rogue), 401],
    ['signed by the partner\'s own key', () => h.sign(loginInfo(), h.keys.partner), 401],
    ['unsigned', () => JSON.stringify({ ...loginInfo(), certificateSignature: { signCertID: h.keys.ucsp.certificate.serial, signature: '00000000' } }), 401],
    ['of another msgType', () => h.sign({ ...loginInfo(), msgInfo: { ...(loginInfo().msgInfo as object), msgType: 'SIGN_AUTO_DEBIT_NOTICE' } }), 401],
    ['for another insID', () => h.sign({ ...loginInfo(), msgInfo: { ...(loginInfo().msgInfo as object), insID: '87654321' } }), 401],
    ['not JSON', () => 'userId=user-001', 400],
    ['missing mobile (validly signed)', () => {
      const m = loginInfo();
      delete (m.trxInfo as Record<string, string>).mobile;
      return h.sign(m);
    }, 400],
    ['with a duplicate key', () => h.sign(loginInfo()).replace('{"userId"', '{"userId":"user-009","userId"'), 400],
  ];
  it.each(refusals)('refuses a login %s', async (_name, make, status) => {
    const res = await h.login(make());
    expect(res.status).toBe(status);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(h.partner.store.sessions.size).toBe(0);
  });

  it('refuses a replayed login (same msgID)', async () => {
    const text = h.sign(loginInfo());
    expect((await h.login(text)).status).toBe(200);
    const again = await h.login(text);
    expect(again.status).toBe(401);
    expect(await again.text()).toMatch(/already used/);
  });

  it('refuses a missing or doubled request_data with 400', async () => {
    expect((await fetch(`${h.url}/ucsp/login`)).status).toBe(400);
    const t = encodeURIComponent(h.sign(loginInfo()));
    expect((await fetch(`${h.url}/ucsp/login?request_data=${t}&request_data=${t}`)).status).toBe(400);
    expect((await fetch(`${h.url}/ucsp/login?request_data=%E0%A4%A`)).status).toBe(400);
  });
});

describe('frontend payment (PROFILE §6.2–§6.4, §7)', () => {
  it('submits a correct, signed SUBMIT_PAYMENT_ORDER and stays CREATED on the synchronous 00', async () => {
    const { status, body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    expect(status).toBe(200);
    const { orderId, responseCode, tn, paymentUrl } = body.result;
    expect(responseCode).toBe('00');
    expect(orderId).toMatch(/^[0-9A-Za-z]{8,40}$/);
    expect(tn).toMatch(/^[0-9]{21}$/);
    expect(paymentUrl).toMatch(/^http:\/\//);
    expect(await order(orderId)).toEqual({ orderId, status: 'CREATED', txnAmt: '1234', currencyCode: '344', refundedAmt: '0' });

    const [req] = h.fake.received;
    expect(req?.signature.valid).toBe(true);
    expect(req?.validation.errors).toEqual([]);
    const ts = formatUcspTime(h.clock.now, '+08:00');
    expect(req?.message.msgInfo).toMatchObject({ versionNo: '1.0.0', msgType: 'SUBMIT_PAYMENT_ORDER', insID: IDS.insID, timeStamp: ts });
    expect(req?.message.msgInfo.msgID).toMatch(new RegExp(`^P${IDS.insID}${ts}[0-9]{6}$`));
    expect(req?.message.trxInfo).toMatchObject({
      orderId,
      merId: IDS.merId,
      acqIIN: IDS.acqIIN,
      txnAmt: '1234',
      currencyCode: '344',
      txnTime: ts,
      userId: 'user-001',
      backUrl: `${h.url}/ucsp/notify`,
      frontUrl: `${h.url}/ucsp/return?orderId=${orderId}`,
    });
    expect(req?.text.endsWith('"}}')).toBe(true); // certificateSignature last, signature its last member
  });

  it('uses the orderId it is given', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '500', currencyCode: '156', userId: 'user-002', orderId: 'MYORDER0001' });
    expect(body.result.orderId).toBe('MYORDER0001');
    expect((await order('MYORDER0001')).status).toBe('CREATED');
  });

  it('every request has a unique msgID and every order a unique orderId', async () => {
    for (let i = 0; i < 5; i++) await h.driver('submitPaymentOrder', { txnAmt: '100', currencyCode: '344', userId: 'user-001' });
    const ids = h.fake.received.map((r) => r.message.msgInfo.msgID);
    const orders = h.fake.received.map((r) => r.message.trxInfo.orderId);
    expect(new Set(ids).size).toBe(5);
    expect(new Set(orders).size).toBe(5);
  });

  it('PAYMENT_RESULT_NOTICE 00 → PAID, answered with a signed, valid 00 that echoes msgInfo', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const { orderId, tn } = body.result;
    const text = resultNotice(h, { orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId(), tn });
    const reply = await h.postNotice(text);
    expect(reply.status).toBe(200);
    expect(reply.signature?.valid).toBe(true);
    expect(reply.validation?.errors).toEqual([]);
    expect(reply.answer?.msgInfo).toEqual(JSON.parse(text).msgInfo);
    expect(reply.answer?.trxInfo).toEqual({ orderId, merId: IDS.merId });
    expect(reply.answer?.msgResponse?.responseCode).toBe('00');
    expect((await order(orderId)).status).toBe('PAID');
  });

  it('a duplicate notice is answered 00 with no second effect', async () => {
    const { orderId, tn, queryId } = await paidOrder(h);
    const again = await h.postNotice(resultNotice(h, { orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId, tn }));
    expect(again.answer?.msgResponse?.responseCode).toBe('00');
    const contradicting = await h.postNotice(resultNotice(h, { orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId, tn }, '01'));
    expect(contradicting.answer?.msgResponse?.responseCode).toBe('00');
    expect((await order(orderId)).status).toBe('PAID');
  });

  it('PAYMENT_RESULT_NOTICE 01 → FAILED', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const reply = await h.postNotice(resultNotice(h, { orderId: body.result.orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId(), tn: body.result.tn }, '01'));
    expect(reply.answer?.msgResponse?.responseCode).toBe('00');
    expect((await order(body.result.orderId)).status).toBe('FAILED');
  });

  const badNotices: [string, string, (o: { orderId: string; tn: string }) => string | Buffer][] = [
    ['forged (signed by a non-UCSP key)', '11', (o) => h.sign(JSON.parse(resultNotice(h, { ...o, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId() })), h.keys.rogue)],
    ['tampered after signing', '11', (o) => resultNotice(h, { ...o, txnType: 'PAY', txnAmt: '1', currencyCode: '344', queryId: newQueryId() }).replace('"txnAmt":"1"', '"txnAmt":"1234"')],
    ['for another amount', '36', (o) => resultNotice(h, { ...o, txnType: 'PAY', txnAmt: '1235', currencyCode: '344', queryId: newQueryId() })],
    ['for another currency', '36', (o) => resultNotice(h, { ...o, txnType: 'PAY', txnAmt: '1234', currencyCode: '156', queryId: newQueryId() })],
    ['for another merId', '36', (o) => resultNotice(h, { ...o, txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId(), merId: 'OTHERMERCHANT01' })],
    ['for an unknown order', '34', (o) => resultNotice(h, { ...o, orderId: 'UNKNOWN00001', txnType: 'PAY', txnAmt: '1234', currencyCode: '344', queryId: newQueryId() })],
    ['missing queryId (malformed)', '10', (o) => resultNotice(h, { ...o, txnType: 'PAY', txnAmt: '1234', currencyCode: '344' })],
    ['not JSON', '10', () => Buffer.from('this is not json')],
  ];
  it.each(badNotices)('a notice %s is answered %s and changes nothing', async (_name, code, make) => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const reply = await h.postNotice(make(body.result));
    expect(reply.status).toBe(200);
    expect(reply.answer?.msgResponse?.responseCode).toBe(code);
    expect(reply.signature?.valid).toBe(true);
    expect(reply.validation?.errors).toEqual([]);
    expect((await order(body.result.orderId)).status).toBe('CREATED');
  });

  it('PAYMENT_RESULT_INQUIRY 00 → PAID; 05 and 34 change nothing; a later notice has no second effect', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '990', currencyCode: '840', userId: 'user-001' });
    const { orderId, tn } = body.result;
    const queryId = newQueryId();
    for (const code of ['05', '34']) {
      h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code, trxInfo: { orderId: t.orderId!, txnType: 'PAY', txnAmt: '990', currencyCode: '840' } });
      expect((await h.driver('inquirePayment', { orderId })).body.result).toEqual({ orderId, responseCode: code });
      expect((await order(orderId)).status).toBe('CREATED');
    }
    h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code: '00', trxInfo: { orderId: t.orderId!, txnType: 'PAY', txnAmt: '990', currencyCode: '840', queryId } });
    expect((await h.driver('inquirePayment', { orderId })).body.result.responseCode).toBe('00');
    expect((await order(orderId)).status).toBe('PAID');
    const reply = await h.postNotice(resultNotice(h, { orderId, txnType: 'PAY', txnAmt: '990', currencyCode: '840', queryId, tn }, '01'));
    expect(reply.answer?.msgResponse?.responseCode).toBe('00');
    expect((await order(orderId)).status).toBe('PAID');
    expect(h.fake.received.every((r) => r.signature.valid && r.validation.valid)).toBe(true);
  });

  it('PAYMENT_RESULT_INQUIRY 01 → FAILED', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '990', currencyCode: '840', userId: 'user-001' });
    h.fake.script.PAYMENT_RESULT_INQUIRY = (t) => ({ code: '01', trxInfo: { orderId: t.orderId!, txnType: 'PAY', txnAmt: '990', currencyCode: '840', queryId: newQueryId() } });
    await h.driver('inquirePayment', { orderId: body.result.orderId });
    expect((await order(body.result.orderId)).status).toBe('FAILED');
  });

  it('the browser returning to frontUrl does not change the order', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const page = await fetch(`${h.url}/ucsp/return?orderId=${body.result.orderId}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/awaiting result/);
    expect((await order(body.result.orderId)).status).toBe('CREATED');
  });

  it('an answer from UCSP that is not validly signed or does not echo msgInfo is no answer (502)', async () => {
    h.fake.rawAnswer = (t) => t.replace('"responseCode":"00"', '"responseCode":"36"');
    const forged = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    expect(forged.status).toBe(502);
    expect(forged.body.error).toMatch(/signature/);
    h.fake.rawAnswer = undefined;
    h.fake.script.SUBMIT_PAYMENT_ORDER = () => ({ code: '00', trxInfo: { orderId: 'SOMEOTHERORDER1', tn: '1'.repeat(21), paymentUrl: 'http://x/p' } });
    expect((await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' })).status).toBe(502);
  });
});

describe('cancellations and refunds (PROFILE §6.9–§6.11)', () => {
  const refundNotice = (o: Record<string, string>, code = '00') => resultNotice(h, { txnType: 'REFUND', currencyCode: '344', ...o }, code);

  it('a refund has a new orderId, names the payment by origQryId, and updates refundedAmt exactly once', async () => {
    const paid = await paidOrder(h, '1000');
    const { status, body } = await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '400' });
    expect(status).toBe(200);
    const refundId = body.result.orderId as string;
    expect(body.result.responseCode).toBe('05');
    expect(refundId).not.toBe(paid.orderId);
    const sent = h.fake.received.at(-1)!;
    expect(sent.msgType).toBe('PAYMENT_REFUND');
    expect(sent.validation.errors).toEqual([]);
    expect(sent.message.trxInfo).toMatchObject({ orderId: refundId, origQryId: paid.queryId, txnAmt: '400', currencyCode: '344', backUrl: `${h.url}/ucsp/notify` });
    expect(await order(refundId)).toEqual({ orderId: refundId, status: 'PENDING', txnAmt: '400', currencyCode: '344', refundedAmt: '0', kind: 'REFUND', origOrderId: paid.orderId });

    const notice = refundNotice({ orderId: refundId, txnAmt: '400', origQryId: paid.queryId, queryId: newQueryId() });
    expect((await h.postNotice(notice)).answer?.msgResponse?.responseCode).toBe('00');
    expect((await h.postNotice(notice)).answer?.msgResponse?.responseCode).toBe('00'); // the retry
    h.fake.script.REFUND_RESULT_INQUIRY = (t) => ({ code: '00', trxInfo: { orderId: t.orderId!, origQryId: paid.queryId, txnType: 'REFUND', txnAmt: '400', queryId: newQueryId() } });
    expect((await h.driver('inquireRefund', { orderId: refundId })).body.result).toEqual({ orderId: refundId, responseCode: '00' });

    expect((await order(refundId)).status).toBe('SUCCEEDED');
    expect(await order(paid.orderId)).toMatchObject({ status: 'PARTIALLY_REFUNDED', refundedAmt: '400' });
  });

  it('refuses locally to refund more than is refundable (409), and sends anyway with force: true', async () => {
    const paid = await paidOrder(h, '1000');
    await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '700' }); // pending: 300 left
    const refused = await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '301' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/exceeds/);
    const sentBefore = h.fake.received.length;
    h.fake.script.PAYMENT_REFUND = (t) => ({ code: '36', trxInfo: { orderId: t.orderId!, origQryId: t.origQryId! } });
    const forced = await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '301', force: true });
    expect(forced.body.result.responseCode).toBe('36');
    expect(h.fake.received.length).toBe(sentBefore + 1);
    expect((await order(forced.body.result.orderId)).status).toBe('FAILED'); // refused outright
  });

  it('an inquiry answered 00 completes a full refund: REFUNDED; a later notice has no second effect', async () => {
    const paid = await paidOrder(h, '1000');
    const refundId = (await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '1000' })).body.result.orderId;
    const queryId = newQueryId();
    h.fake.script.REFUND_RESULT_INQUIRY = (t) => ({ code: '00', trxInfo: { orderId: t.orderId!, origQryId: paid.queryId, txnType: 'REFUND', txnAmt: '1000', queryId } });
    await h.driver('inquireRefund', { orderId: refundId });
    await h.postNotice(refundNotice({ orderId: refundId, txnAmt: '1000', origQryId: paid.queryId, queryId }));
    expect(await order(paid.orderId)).toMatchObject({ status: 'REFUNDED', refundedAmt: '1000' });
  });

  it('a refund notice 01 → FAILED, the payment unchanged', async () => {
    const paid = await paidOrder(h, '1000');
    const refundId = (await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '100' })).body.result.orderId;
    await h.postNotice(refundNotice({ orderId: refundId, txnAmt: '100', origQryId: paid.queryId, queryId: newQueryId() }, '01'));
    expect((await order(refundId)).status).toBe('FAILED');
    expect(await order(paid.orderId)).toMatchObject({ status: 'PAID', refundedAmt: '0' });
  });

  it('a refund notice with another amount or origQryId → 36', async () => {
    const paid = await paidOrder(h, '1000');
    const refundId = (await h.driver('refundPayment', { orderId: paid.orderId, txnAmt: '100' })).body.result.orderId;
    const wrongAmt = await h.postNotice(refundNotice({ orderId: refundId, txnAmt: '1000', origQryId: paid.queryId, queryId: newQueryId() }));
    const wrongOrig = await h.postNotice(refundNotice({ orderId: refundId, txnAmt: '100', origQryId: newQueryId(), queryId: newQueryId() }));
    expect([wrongAmt.answer?.msgResponse?.responseCode, wrongOrig.answer?.msgResponse?.responseCode]).toEqual(['36', '36']);
    expect((await order(refundId)).status).toBe('PENDING');
  });

  it('a cancellation has a new orderId and the full amount; its notice 00 → CANCELLED', async () => {
    const paid = await paidOrder(h, '1234');
    const { body } = await h.driver('cancelPayment', { orderId: paid.orderId });
    const cancelId = body.result.orderId as string;
    expect(cancelId).not.toBe(paid.orderId);
    const sent = h.fake.received.at(-1)!;
    expect(sent.msgType).toBe('PAYMENT_CANCELLATION');
    expect(sent.validation.errors).toEqual([]);
    expect(sent.message.trxInfo).toMatchObject({ orderId: cancelId, origQryId: paid.queryId, txnAmt: '1234' });
    expect((await order(cancelId)).kind).toBe('CANCEL');
    const reply = await h.postNotice(resultNotice(h, { orderId: cancelId, txnType: 'CANCEL', txnAmt: '1234', currencyCode: '344', origQryId: paid.queryId, queryId: newQueryId() }));
    expect(reply.answer?.msgResponse?.responseCode).toBe('00');
    expect((await order(cancelId)).status).toBe('SUCCEEDED');
    expect((await order(paid.orderId)).status).toBe('CANCELLED');
  });

  it('refuses to cancel or refund a payment that is not PAID (409), or unknown (404)', async () => {
    const { body } = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    expect((await h.driver('cancelPayment', { orderId: body.result.orderId })).status).toBe(409);
    expect((await h.driver('refundPayment', { orderId: body.result.orderId, txnAmt: '1' })).status).toBe(409);
    expect((await h.driver('cancelPayment', { orderId: 'NOSUCHORDER1' })).status).toBe(404);
    expect(h.fake.received.map((r) => r.msgType)).toEqual(['SUBMIT_PAYMENT_ORDER']);
  });

  it('a cancellation refused synchronously (36) is FAILED at once', async () => {
    const paid = await paidOrder(h, '1234');
    h.fake.script.PAYMENT_CANCELLATION = (t) => ({ code: '36', trxInfo: { orderId: t.orderId!, origQryId: t.origQryId! } });
    const { body } = await h.driver('cancelPayment', { orderId: paid.orderId });
    expect(body.result.responseCode).toBe('36');
    expect((await order(body.result.orderId)).status).toBe('FAILED');
    expect((await order(paid.orderId)).status).toBe('PAID');
  });
});

describe('auto-debit (PROFILE §6.5–§6.8)', () => {
  const signingNotice = (trx: Record<string, string>, code = '00') =>
    h.sign(h.ucspMessage('SIGN_AUTO_DEBIT_NOTICE', { merId: IDS.merId, userId: 'user-001', ...trx }, code));

  async function contract(contractId = 'CTR0001') {
    const { body } = await h.driver('signAutoDebit', { userId: 'user-001' });
    expect(body.result).toMatchObject({ responseCode: '00', signUrl: expect.stringMatching(/^http/) });
    const reply = await h.postNotice(signingNotice({ orderId: body.result.orderId, contractId }));
    expect(reply.answer?.msgResponse?.responseCode).toBe('00');
    return contractId;
  }

  it('sign → contract ACTIVE; charge → 05 and CREATED until the notice; close → CLOSED, then no more charges', async () => {
    const contractId = await contract();
    expect((await h.get(`/driver/contracts/${contractId}`)).body).toEqual({ contractId, userId: 'user-001', status: 'ACTIVE' });

    const charge = await h.driver('submitAutoDebit', { contractId, txnAmt: '800', currencyCode: '344' });
    expect(charge.body.result.responseCode).toBe('05');
    const orderId = charge.body.result.orderId as string;
    expect((await order(orderId)).status).toBe('CREATED');
    await h.postNotice(resultNotice(h, { orderId, txnType: 'PAY', txnAmt: '800', currencyCode: '344', queryId: newQueryId(), tn: '1'.repeat(21) }));
    expect((await order(orderId)).status).toBe('PAID');

    expect((await h.driver('closeAutoDebit', { contractId })).body.result).toEqual({ contractId, responseCode: '00' });
    expect((await h.get(`/driver/contracts/${contractId}`)).body.status).toBe('CLOSED');
    const after = await h.driver('submitAutoDebit', { contractId, txnAmt: '800', currencyCode: '344' });
    expect(after.status).toBe(409);
    expect(h.fake.received.map((r) => r.msgType)).toEqual(['SIGN_AUTO_DEBIT', 'SUBMIT_AUTO_DEBIT', 'CLOSE_AUTO_DEBIT']);
    expect(h.fake.received.every((r) => r.signature.valid && r.validation.valid)).toBe(true);
    expect(h.fake.received[2]?.message.trxInfo).toEqual({ contractId, merId: IDS.merId, userId: 'user-001' });
  });

  it('a refused signing (notice 01) stores no contract', async () => {
    const { body } = await h.driver('signAutoDebit', { userId: 'user-001' });
    const reply = await h.postNotice(signingNotice({ orderId: body.result.orderId }, '01'));
    expect(reply.answer?.msgResponse?.responseCode).toBe('00');
    expect(h.partner.store.contracts.size).toBe(0);
    expect((await order(body.result.orderId)).status).toBe('FAILED');
  });

  it('a signing notice for another user → 36; for an unknown signing → 34', async () => {
    const { body } = await h.driver('signAutoDebit', { userId: 'user-001' });
    const other = await h.postNotice(signingNotice({ orderId: body.result.orderId, userId: 'user-002', contractId: 'CTR0002' }));
    expect(other.answer?.msgResponse?.responseCode).toBe('36');
    const unknown = await h.postNotice(signingNotice({ orderId: 'SGNUNKNOWN01', contractId: 'CTR0003' }));
    expect(unknown.answer?.msgResponse?.responseCode).toBe('34');
    expect(h.partner.store.contracts.size).toBe(0);
  });

  it('unknown contracts: close → 404, charge → 409', async () => {
    expect((await h.driver('closeAutoDebit', { contractId: 'NOPE' })).status).toBe(404);
    expect((await h.driver('submitAutoDebit', { contractId: 'NOPE', txnAmt: '1', currencyCode: '344' })).status).toBe(409);
    expect(h.fake.received).toEqual([]);
  });
});

describe('driver (PROFILE §9)', () => {
  it('answers 400 for an unknown action or bad params, 404 for unknown orders and contracts', async () => {
    expect((await h.driver('payEverything', {})).status).toBe(400);
    const bad = await h.driver('submitPaymentOrder', { txnAmt: '12.34', currencyCode: '344', userId: 'user-001' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/txnAmt/);
    expect((await h.get('/driver/orders/NOSUCHORDER1')).status).toBe(404);
    expect((await h.get('/driver/contracts/NOPE')).status).toBe(404);
    const notJson = await fetch(`${h.url}/driver/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' });
    expect(notJson.status).toBe(400);
  });

  it('POST /driver/reset → 204 and forgets orders and sessions', async () => {
    const paid = await paidOrder(h);
    const res = await fetch(`${h.url}/driver/reset`, { method: 'POST' });
    expect(res.status).toBe(204);
    expect((await h.get(`/driver/orders/${paid.orderId}`)).status).toBe(404);
  });

  it('a UCSP that cannot be reached is a 502, and the order stays CREATED', async () => {
    const lonely = createExamplePartner({ ucspApiUrl: 'http://127.0.0.1:1/ucsp/api', signer: h.keys.partner, ucspCertificates: [h.keys.ucsp.certificate], ...IDS });
    const server = await lonely.listen(0);
    try {
      const res = await fetch(`${server.url}/driver/actions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ action: 'submitPaymentOrder', params: { txnAmt: '1', currencyCode: '344', userId: 'user-001', orderId: 'LONELY000001' } }),
      });
      expect(res.status).toBe(502);
      expect(lonely.store.payments.get('LONELY000001')?.status).toBe('CREATED');
    } finally {
      await server.close();
    }
  });
});

describe('signature variant sha256-raw (PROFILE §4)', () => {
  it('signs, verifies and answers in the configured variant, and refuses the other one', async () => {
    const raw = await startHarness({}, 'sha256-raw');
    try {
      const login = raw.ucspMessage('INDUSTRY_LOGIN_INFO', { userId: 'user-003', mobile: '+85290000003', channelCode: 'UPWALLET', industryCode: 'PARKING01' });
      expect((await raw.login(raw.sign(login))).status).toBe(200);
      const other = raw.ucspMessage('INDUSTRY_LOGIN_INFO', { userId: 'user-003', mobile: '+85290000003', channelCode: 'UPWALLET', industryCode: 'PARKING01' });
      expect((await raw.login(signMessage(other, raw.keys.ucsp))).status).toBe(401); // SHA256withRSA
      const paid = await paidOrder(raw);
      expect((await raw.get(`/driver/orders/${paid.orderId}`)).body.status).toBe('PAID');
      expect(raw.fake.received.every((r) => r.signature.valid && r.validation.valid)).toBe(true);
    } finally {
      await raw.close();
    }
  });
});
