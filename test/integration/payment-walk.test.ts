/**
 * The frontend payment as a user walks it (PROFILE §7.2): a browser without JavaScript from the
 * partner's paymentUrl through UCSP's cashier and the channel app's payment page, and back to the
 * partner's frontUrl — over real HTTP on loopback, against the example partner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
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
    expect(closed.problem).toMatch(/^the paymentUrl http:\/\/127\.0\.0\.1:9\/cashier could not be opened/);
  });
});

describe('referrerFor (strict-origin-when-cross-origin)', () => {
  it('sends the full URL within an origin, the origin across, nothing from https to http', () => {
    expect(referrerFor('http://127.0.0.1:7301/channel/pay?tn=1#x', 'http://127.0.0.1:7301/channel/pay/confirm')).toBe('http://127.0.0.1:7301/channel/pay?tn=1');
    expect(referrerFor('http://127.0.0.1:7301/channel/pay?tn=1', 'http://127.0.0.1:7400/ucsp/return')).toBe('http://127.0.0.1:7301/');
    expect(referrerFor('https://a.example/x', 'http://b.example/y')).toBe('');
  });
});
