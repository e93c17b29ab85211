/**
 * Where the sandbox is exactly as strict as PROFILE (and its Appendix B), through the real request
 * path: a request carrying msgResponse and a request whose certificateSignature is not last are
 * format errors (10), though validly signed; unknown members are ignored.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeholderText, signPlaceholderText } from '../../src/crypto/index.js';
import { makeHarness, type Harness } from '../support/harness.js';

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
