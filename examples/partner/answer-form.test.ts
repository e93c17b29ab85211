/**
 * The partner-side profile option for UCSP's answer form: configured `minimal`, the example
 * partner accepts `{trxInfo, msgResponse}` answers (unsigned) and only those; configured `signed`
 * (the default), only signed answers that echo msgInfo. Either way the answer must be well-formed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './testing/harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** UCSP's signed answer cut down to the minimal form. */
const minimal = (signed: string) => {
  const m = JSON.parse(signed) as { trxInfo: unknown; msgResponse: unknown };
  return JSON.stringify({ trxInfo: m.trxInfo, msgResponse: m.msgResponse });
};
const submit = (hh: Harness) => hh.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001', orderId: `ORD${Date.now()}` });

describe('answerForm', () => {
  it('minimal: a minimal answer is taken (00 with tn and paymentUrl)', async () => {
    h = await startHarness({}, 'SHA256withRSA', { answerForm: 'minimal' });
    h.fake.rawAnswer = minimal;
    const r = await submit(h);
    expect(r.status).toBe(200);
    expect(r.body.result).toMatchObject({ responseCode: '00', tn: expect.stringMatching(/^[0-9]{21}$/) });
  });

  it('minimal: a signed answer in the full form is not the configured form: no usable answer', async () => {
    h = await startHarness({}, 'SHA256withRSA', { answerForm: 'minimal' });
    const r = await submit(h);
    expect(r.status).toBe(502);
    expect(r.body.error).toContain('not in the minimal form');
  });

  it('minimal: a malformed minimal answer (00 without tn and paymentUrl) is no usable answer', async () => {
    h = await startHarness({}, 'SHA256withRSA', { answerForm: 'minimal' });
    h.fake.rawAnswer = minimal;
    h.fake.script.SUBMIT_PAYMENT_ORDER = (t) => ({ code: '00', trxInfo: { orderId: t.orderId! } });
    const r = await submit(h);
    expect(r.status).toBe(502);
    expect(r.body.error).toContain('answer is malformed');
  });

  it('signed (the default): a minimal answer is unsigned: no usable answer, the order stays CREATED', async () => {
    h = await startHarness();
    h.fake.rawAnswer = minimal;
    const orderId = `ORD${Date.now()}`;
    const r = await h.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001', orderId });
    expect(r.status).toBe(502);
    expect(r.body.error).toContain('answer signature invalid');
    expect((await h.get(`/driver/orders/${orderId}`)).body.status).toBe('CREATED');
  });
});
