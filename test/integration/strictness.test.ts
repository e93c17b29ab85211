/**
 * Where the sandbox is exactly as strict as PROFILE (and its Appendix B), through the real request
 * path: a request carrying msgResponse and a request whose certificateSignature is not last are
 * format errors (10), though validly signed; unknown members are ignored. A repeat gets its first
 * answer — a declined refund included, and refusals of validly signed requests.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { placeholderText, signMessage, signPlaceholderText } from '../../src/crypto/index.js';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { makeHarness, PARTNER, type Harness } from '../support/harness.js';

let h: Harness;
beforeEach(() => {
  h = makeHarness();
});
afterEach(() => h.close());

/** Signs a placeholder text built by hand (any layout), as a partner's own serialiser would. */
const signText = (text: string) => signPlaceholderText(text, h.partner);
const serial = () => h.partner.certificate.serial;

describe('the envelope of PROFILE §3', () => {
  it('a request carrying msgResponse is answered 10, naming msgResponse, and changes nothing', () => {
    const trx = h.orderTrx();
    const text = signText(placeholderText({ ...h.message('SUBMIT_PAYMENT_ORDER', trx), msgResponse: { responseCode: '00', responseMsg: 'Approved' } }, serial()));
    const a = h.sendText(text);
    expect(a.code).toBe('10');
    expect(a.msg.msgResponse.responseMsg).toContain('msgResponse: must be absent');
    expect(h.runtime.ledger.orders.size).toBe(0);
  });

  it('certificateSignature first, validly signed, is answered 10 with the layout rule', () => {
    const m = h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    const text = signText(JSON.stringify({ certificateSignature: { signCertID: serial(), signature: '00000000' }, ...m }));
    const a = h.sendText(text);
    expect(a.code).toBe('10');
    expect(a.msg.msgResponse.responseMsg).toContain('certificateSignature must be the last member of the message');
    expect(h.runtime.ledger.orders.size).toBe(0);
  });

  it('signature before signCertID inside certificateSignature is answered 10', () => {
    const m = h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    const a = h.sendText(signText(JSON.stringify({ ...m, certificateSignature: { signature: '00000000', signCertID: serial() } })));
    expect(a.code).toBe('10');
    expect(a.msg.msgResponse.responseMsg).toContain('signature the last member of certificateSignature');
  });

  it('an unknown member before certificateSignature is ignored (00); after it, the layout rule answers 10', () => {
    const m = h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    expect(h.sendText(signText(placeholderText({ ...m, extension: { note: 'ignored' } }, serial()))).code).toBe('00');
    const m2 = h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    const after = JSON.stringify({ ...m2, certificateSignature: { signCertID: serial(), signature: '00000000' }, extension: 'x' });
    expect(h.sendText(signText(after)).code).toBe('10');
  });

  it('whitespace after the signature (a pretty-printed, validly signed message) keeps the layout', () => {
    const m = h.message('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    const pretty = JSON.stringify({ ...m, certificateSignature: { signCertID: serial(), signature: '00000000' } }, null, 2);
    expect(h.sendText(signText(pretty)).code).toBe('00');
  });
});

describe('a repeat gets its first answer (PROFILE §8), whatever happened since', () => {
  const APPROVE = TEST_CARDS.find((c) => c.behaviour === 'approve')!.pan;
  function paidQueryId(): string {
    const trx = h.orderTrx();
    expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
    h.runtime.pay({ orderId: trx.orderId }, APPROVE);
    return h.runtime.ledger.payment(trx.orderId)!.queryId!;
  }
  const refundTrx = (origQryId: string, o: Record<string, string> = {}) => ({
    orderId: h.newOrderId('RFD'),
    origQryId,
    merId: PARTNER.merId,
    txnAmt: '100',
    currencyCode: '344',
    txnTime: h.wireNow(),
    backUrl: 'http://127.0.0.1:9/n',
    ...o,
  });

  it('a refund declined downstream, resent byte for byte, gets 05 again — also once its msgID is forgotten', async () => {
    const origQryId = paidQueryId();
    h.runtime.setOutcome('decline');
    const trx = refundTrx(origQryId);
    const text = signMessage(h.message('PAYMENT_REFUND', trx), h.partner);
    const first = h.sendText(text);
    expect(first.code).toBe('05');
    await h.clock.advance(0);
    expect(h.runtime.ledger.refund(trx.orderId)!.status).toBe('DECLINED');
    expect(h.sendText(text).text).toBe(first.text);
    // a day of sandbox time later the msgID is no longer remembered: processed again, same code, no second effect
    await h.clock.advance(25 * 3600_000);
    const later = h.sendText(text);
    expect(later.code).toBe('05');
    expect(later.msg.trxInfo).toEqual(first.msg.trxInfo);
    // and a retry of the same refund with a new msgID is answered as the first time too
    expect(h.send('PAYMENT_REFUND', trx).code).toBe('05');
    expect(h.runtime.ledger.refund(trx.orderId)!.status).toBe('DECLINED');
    expect(h.runtime.ledger.payment(h.runtime.ledger.refund(trx.orderId)!.origOrderId)!).toMatchObject({ refundedAmt: 0, reservedAmt: 0 });
  });

  it('a refund approved at once is 00 again, one pending then approved stays 05', async () => {
    const origQryId = paidQueryId();
    const now = refundTrx(origQryId);
    expect(h.send('PAYMENT_REFUND', now).code).toBe('00');
    h.runtime.setOutcome('pending-approve');
    const pending = refundTrx(origQryId);
    expect(h.send('PAYMENT_REFUND', pending).code).toBe('05');
    await h.clock.advance(10_000);
    expect(h.runtime.ledger.refund(pending.orderId)!.status).toBe('APPROVED');
    expect(h.send('PAYMENT_REFUND', now).code).toBe('00');
    expect(h.send('PAYMENT_REFUND', pending).code).toBe('05');
  });

  describe('refusals of validly signed requests are remembered too', () => {
    beforeEach(() => {
      vi.useFakeTimers({ toFake: ['Date'] });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('a refund refused 11 for its timeStamp, resent byte for byte 5 s later, gets the very same answer', () => {
      const origQryId = paidQueryId();
      const m = h.message('PAYMENT_REFUND', refundTrx(origQryId), { timeStamp: h.wireNow(-400_000) });
      const text = signMessage(m, h.partner);
      const first = h.sendText(text);
      expect(first.code).toBe('11');
      vi.setSystemTime(Date.now() + 5_000);
      expect(h.sendText(text).text).toBe(first.text);
    });

    it('after a refusal (10) the msgID is taken: the same msgID with other content is 11', () => {
      const origQryId = paidQueryId();
      const bad = h.send('PAYMENT_REFUND', refundTrx(origQryId, { merId: '999999999999999' }), { msgID: 'P1REFUSED' });
      expect(bad.code).toBe('10');
      const reused = h.send('PAYMENT_REFUND', refundTrx(origQryId), { msgID: 'P1REFUSED' });
      expect(reused.code).toBe('11');
      expect(reused.msg.msgResponse.responseMsg).toContain('already used with other content');
    });

    it('a request whose signature fails is not remembered: its msgID cannot be trusted', () => {
      const origQryId = paidQueryId();
      const m = h.message('PAYMENT_REFUND', refundTrx(origQryId), { msgID: 'P1FORGED' });
      const forged = signMessage(m, h.ucsp); // signed with a key that is not the partner's
      expect(h.sendText(forged).code).toBe('11');
      expect(h.send('PAYMENT_REFUND', refundTrx(origQryId), { msgID: 'P1FORGED' }).code).toBe('00');
    });
  });
});
