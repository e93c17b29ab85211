/**
 * The frontend payment as a user walks it (PROFILE §7.2): a browser without JavaScript from the
 * partner's paymentUrl through UCSP's cashier and the channel app's payment page, and back to the
 * partner's frontUrl — over real HTTP on loopback, against the example partner.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import { loadSigner, signMessage } from '../../src/crypto/index.js';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { formatUcspTime } from '../../src/protocol/time.js';
import { referrerFor, walkPayment } from '../../src/scenarios/browser.js';

let world: ExampleWorld;
beforeAll(async () => {
  world = await startExampleWorld();
});
afterAll(() => world.close());

const card = (behaviour: string) => TEST_CARDS.find((c) => c.behaviour === behaviour)!.pan;

async function order(txnAmt = '1234'): Promise<{ orderId: string; paymentUrl: string }> {
  const res = await fetch(`${world.partnerUrl}/driver/actions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ action: 'submitPaymentOrder', params: { txnAmt, currencyCode: '344', userId: 'user-001' } }),
  });
  const { result } = (await res.json()) as { result: { orderId: string; paymentUrl: string; responseCode: string } };
  expect(result.responseCode).toBe('00');
  return result;
}
const ucspStatus = (orderId: string) => world.sandbox.runtime.ledger.payment(orderId)?.status;

let seq = 0;
/** An order sent straight to UCSP (signed with the partner's key) with a frontUrl of the test's choosing. */
async function orderWithFrontUrl(frontUrl: string): Promise<{ orderId: string; paymentUrl: string }> {
  const { insID, merId, acqIIN } = world.config.partner;
  const signer = await loadSigner(join(world.config.keysDir, 'partner.key.pem'), join(world.config.keysDir, 'partner.cert.pem'));
  const now = formatUcspTime(Date.now(), world.config.zone);
  const orderId = `WALK${now}${String(++seq).padStart(4, '0')}`;
  const text = signMessage(
    {
      msgInfo: { versionNo: '1.0.0', msgID: `P${insID}${now}${String(900000 + seq)}`, timeStamp: now, msgType: 'SUBMIT_PAYMENT_ORDER', insID },
      trxInfo: { orderId, merId, acqIIN, txnAmt: '1234', currencyCode: '344', txnTime: now, userId: 'user-001', backUrl: 'http://127.0.0.1:9/notify', frontUrl },
    },
    signer,
  );
  const res = await fetch(`${world.sandbox.urls.ucsp}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: text });
  const answer = (await res.json()) as { trxInfo: { paymentUrl: string }; msgResponse: { responseCode: string } };
  expect(answer.msgResponse.responseCode).toBe('00');
  return { orderId, paymentUrl: answer.trxInfo.paymentUrl };
}

describe('walkPayment', () => {
  it('pays: cashier → Pay → the channel app’s page → Confirm → 303 back to the frontUrl', async () => {
    const o = await order();
    const w = await walkPayment(o.paymentUrl, { choice: 'pay' });
    expect(w.problem).toBeUndefined();
    expect(w.outcome).toBe('paid');
    const { channel } = world.sandbox.urls;
    expect(w.steps.map((s) => `${s.method} ${s.url.replace(/\?.*/, '')} ${s.status}`)).toEqual([
      `GET ${o.paymentUrl} 200`,
      `GET ${channel}/channel/pay 200`,
      `POST ${channel}/channel/pay/confirm 303`,
      `GET ${world.partnerUrl}/ucsp/return 200`,
    ]);
    expect(w.returnedTo).toBe(`${world.partnerUrl}/ucsp/return?orderId=${o.orderId}`);
    expect(w.returnStatus).toBe(200);
    expect(ucspStatus(o.orderId)).toBe('APPROVED');
  });

  it('cancels at the channel app’s page: the order fails at UCSP and the browser comes back', async () => {
    const o = await order();
    const w = await walkPayment(o.paymentUrl, { choice: 'cancel' });
    expect(w).toMatchObject({ outcome: 'abandoned', returnStatus: 200 });
    expect(w.steps[2]).toMatchObject({ method: 'POST', url: `${world.sandbox.urls.channel}/channel/pay/cancel`, status: 303 });
    expect(ucspStatus(o.orderId)).toBe('DECLINED');
  });

  it('chooses the card asked for, and says so when the page does not offer it', async () => {
    const o = await order();
    const declined = await walkPayment(o.paymentUrl, { choice: 'pay', card: card('decline') });
    expect(declined.outcome).toBe('paid');
    expect(ucspStatus(o.orderId)).toBe('DECLINED');
    const other = await order();
    const w = await walkPayment(other.paymentUrl, { choice: 'pay', card: '4111111111111111' });
    expect(w.outcome).toBe('stopped');
    expect(w.problem).toMatch(/the form offers no card "4111111111111111"/);
    expect(ucspStatus(other.orderId)).toBe('AWAITING_USER');
  });

  it('stops with what the page said: an issuer error, an order already paid, a paymentUrl that is not the cashier', async () => {
    const o = await order();
    const error = await walkPayment(o.paymentUrl, { choice: 'pay', card: card('error') });
    expect(error.outcome).toBe('stopped');
    expect(error.problem).toMatch(/^pressing Confirm on the payment page answered HTTP 502 — the issuer reported a system error/);
    expect((await walkPayment(o.paymentUrl, { choice: 'pay' })).outcome).toBe('paid');
    const again = await walkPayment(o.paymentUrl, { choice: 'pay' });
    expect(again.problem).toMatch(/offers no form to go on with — This order is APPROVED; there is nothing to pay\./);
    const wrong = await walkPayment(`${new URL(o.paymentUrl).origin}/ucsp/pay?tn=1`, { choice: 'pay' });
    expect(wrong.problem).toMatch(/answered HTTP 404: it is not UCSP's cashier page$/);
    const closed = await walkPayment('http://127.0.0.1:9/cashier', { choice: 'pay' });
    expect(closed.problem).toMatch(/^the paymentUrl http:\/\/127\.0\.0\.1:9\/cashier could not be opened: /);
    expect(closed.steps).toEqual([{ method: 'GET', url: 'http://127.0.0.1:9/cashier', status: 0, error: closed.problem!.split(': ').slice(1).join(': ') }]);
  });
});

describe('the page the browser comes back to is the partner’s', () => {
  let server: Server;
  let base = '';
  const seen: { url: string; referer?: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ url: req.url ?? '', ...(req.headers.referer ? { referer: req.headers.referer } : {}) });
      res.statusCode = req.url?.startsWith('/500') ? 500 : req.url?.startsWith('/401') ? 401 : 200;
      res.end('ok');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('gets the Referer a browser sends: the channel app’s origin only', async () => {
    const o = await orderWithFrontUrl(`${base}/200/back`);
    const w = await walkPayment(o.paymentUrl, { choice: 'pay' });
    expect(w).toMatchObject({ outcome: 'paid', returnedTo: `${base}/200/back`, returnStatus: 200 });
    expect(seen.at(-1)).toEqual({ url: '/200/back', referer: `${world.sandbox.urls.channel}/` });
  });

  it('a 4xx or no answer there is noted, not a problem; a 5xx is', async () => {
    const unauthorised = await walkPayment((await orderWithFrontUrl(`${base}/401`)).paymentUrl, { choice: 'pay' });
    expect(unauthorised).toMatchObject({ outcome: 'paid', returnStatus: 401 });
    expect(unauthorised.problem).toBeUndefined();
    const unreachable = await walkPayment((await orderWithFrontUrl('http://127.0.0.1:9/back')).paymentUrl, { choice: 'cancel' });
    expect(unreachable).toMatchObject({ outcome: 'abandoned', returnedTo: 'http://127.0.0.1:9/back' });
    expect(unreachable.returnError).toBeTruthy();
    expect(unreachable.problem).toBeUndefined();
    const broken = await walkPayment((await orderWithFrontUrl(`${base}/500`)).paymentUrl, { choice: 'pay' });
    expect(broken.problem).toBe(`after Confirm the browser came back to ${base}/500, which answered HTTP 500`);
  });
});

describe('referrerFor (strict-origin-when-cross-origin)', () => {
  it('sends the full URL within an origin, the origin across, nothing from https to http', () => {
    expect(referrerFor('http://127.0.0.1:7301/channel/pay?tn=1#x', 'http://127.0.0.1:7301/channel/pay/confirm')).toBe('http://127.0.0.1:7301/channel/pay?tn=1');
    expect(referrerFor('http://127.0.0.1:7301/channel/pay?tn=1', 'http://127.0.0.1:7400/ucsp/return')).toBe('http://127.0.0.1:7301/');
    expect(referrerFor('https://a.example/x', 'http://b.example/y')).toBe('');
  });
});
