/**
 * Answer faults (POST /control/api/faults): UCSP processes the partner's request as any and keeps
 * its genuine answer, and what reaches the partner is broken on the way — signature, content
 * changed after signing, msgID or msgType not echoed, unsigned. The journal says so; a byte-for-byte
 * repeat of the request gets the genuine answer (PROFILE §8).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TrustStore, signMessage, verifyMessage } from '../../src/crypto/index.js';
import type { ResponseCode } from '../../src/errors/index.js';
import type { AnswerFaultKind } from '../../src/gateway/corrupt-answer.js';
import { viewEntry } from '../../src/journal/journal.js';
import { TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { classifyRefusal } from '../../src/scenarios/causes.js';
import { computeCoverage } from '../../src/scenarios/coverage.js';
import type { ScenarioResult } from '../../src/scenarios/results.js';
import { validateMessage } from '../../src/schemas/validate.js';
import { makeHarness, PARTNER, type Harness } from '../support/harness.js';

let h: Harness;
let trust: TrustStore;
beforeEach(() => {
  h = makeHarness();
  trust = new TrustStore([h.ucsp.certificate]);
});
afterEach(() => h.close());

const card = (behaviour: string) => TEST_CARDS.find((c) => c.behaviour === behaviour)!.pan;

interface Sent {
  request: string;
  text: string;
  msg: { msgInfo: Record<string, string>; trxInfo: Record<string, string>; msgResponse: { responseCode: string; responseMsg: string }; certificateSignature?: { signature: string } };
}

/** Sends a signed request and returns the answer as it arrived, verified or not. */
function send(msgType: string, trx: Record<string, string>): Sent {
  const request = signMessage(h.message(msgType, trx), h.partner);
  const text = h.runtime.handleApi(Buffer.from(request)).text;
  return { request, text, msg: JSON.parse(text) as Sent['msg'] };
}

const lastAnswerEntry = () => h.runtime.journal.query({ channel: 'api' }).filter((e) => e.direction === 'out').at(-1)!;
const fault = (f: AnswerFaultKind, msgType?: string, code?: ResponseCode, times?: number) =>
  h.runtime.answerFaults.add({ fault: f, ...(msgType ? { msgType } : {}), ...(code ? { code } : {}), ...(times ? { times } : {}) });

/** A payment the issuer declined, so that UCSP's genuine answer to its inquiry is 01. */
function declinedOrder(): string {
  const trx = h.orderTrx();
  expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  h.runtime.pay({ orderId: trx.orderId }, card('decline'));
  return trx.orderId;
}

describe('content changed after signing', () => {
  it("turns an inquiry's 01 into 00: the signature no longer verifies, the claim is schema-valid, the repeat is genuine", () => {
    const orderId = declinedOrder();
    fault('content', 'PAYMENT_RESULT_INQUIRY');
    const a = send('PAYMENT_RESULT_INQUIRY', { orderId, merId: PARTNER.merId });
    expect(a.msg.msgResponse.responseCode).toBe('00');
    expect(a.msg.trxInfo).toMatchObject({ orderId, txnType: 'PAY', txnAmt: '1234', currencyCode: '344' });
    // only the signature gives it away: a partner that checks the schema alone is fooled
    expect(validateMessage(a.msg, { role: 'response', msgType: 'PAYMENT_RESULT_INQUIRY' }).valid).toBe(true);
    const v = verifyMessage(a.text, trust);
    expect(v.valid).toBe(false);
    expect(v.summary).toBe('signature does not match the body');

    const e = lastAnswerEntry();
    expect(e.raw).toBe(a.text);
    expect(e.responseCode).toBe('00');
    expect(e.corrupted).toEqual({ fault: 'content', genuineCode: '01', code: '00' });
    expect(e.note).toMatch(/^answer corrupted on purpose \(control API answer fault "content"\): responseCode 01 → 00 changed after signing/);
    expect(e.note).toContain('its genuine answer was 01, which a byte-for-byte repeat of the request gets');

    // the same bytes again: UCSP's genuine first answer, validly signed (PROFILE §8)
    const again = h.parseAnswer(h.runtime.handleApi(Buffer.from(a.request)).text);
    expect(again.code).toBe('01');
    expect(lastAnswerEntry().note).toBe('byte-for-byte repeat: the first answer again');
    // a new inquiry is answered as any: the fault was used up
    expect(h.send('PAYMENT_RESULT_INQUIRY', { orderId, merId: PARTNER.merId }).code).toBe('01');
  });

  it('turns a 00 into a refusal by default, and an explicit code into that code', () => {
    fault('content', 'SUBMIT_PAYMENT_ORDER');
    const trx = h.orderTrx();
    const a = send('SUBMIT_PAYMENT_ORDER', trx);
    expect(a.msg.msgResponse.responseCode).toBe('36');
    expect(verifyMessage(a.text, trust).valid).toBe(false);
    // UCSP processed it: the order awaits the user
    expect(h.runtime.ledger.payment(trx.orderId)!.status).toBe('AWAITING_USER');
    fault('content', 'SUBMIT_PAYMENT_ORDER', '99');
    expect(send('SUBMIT_PAYMENT_ORDER', h.orderTrx()).msg.msgResponse.responseCode).toBe('99');
  });
});

describe('every other kind', () => {
  it('signature: one character changed; the content is the claimed answer (here 00 with a queryId for a pending order)', () => {
    const trx = h.orderTrx();
    h.send('SUBMIT_PAYMENT_ORDER', trx);
    fault('signature', 'PAYMENT_RESULT_INQUIRY', '00');
    const a = send('PAYMENT_RESULT_INQUIRY', { orderId: trx.orderId, merId: PARTNER.merId });
    expect(a.msg.msgResponse.responseCode).toBe('00');
    expect(a.msg.trxInfo.queryId).toMatch(/^[0-9A-Za-z]{21}$/);
    expect(verifyMessage(a.text, trust).valid).toBe(false);
    expect(validateMessage(a.msg, { role: 'response', msgType: 'PAYMENT_RESULT_INQUIRY' }).valid).toBe(true);
    expect(lastAnswerEntry().corrupted).toEqual({ fault: 'signature', genuineCode: '05', code: '00' });
    expect(lastAnswerEntry().note).toContain('one character of the signature changed, claiming 00');
  });

  it('msg-id: validly signed, echoing another msgID; the rest of msgInfo echoed', () => {
    const trx = h.orderTrx();
    fault('msg-id', 'SUBMIT_PAYMENT_ORDER');
    const a = send('SUBMIT_PAYMENT_ORDER', trx);
    const request = JSON.parse(a.request) as { msgInfo: Record<string, string> };
    expect(verifyMessage(a.text, trust).valid).toBe(true);
    expect(a.msg.msgInfo.msgID).not.toBe(request.msgInfo.msgID);
    expect(a.msg.msgInfo.msgID).toMatch(/^[0-9A-Za-z]{1,64}$/);
    expect({ ...a.msg.msgInfo, msgID: request.msgInfo.msgID }).toEqual(request.msgInfo);
    expect(a.msg.msgResponse.responseCode).toBe('00'); // the genuine content: no code claimed
    expect(a.msg.trxInfo.tn).toBe(h.runtime.ledger.payment(trx.orderId)!.tn);
  });

  it('msg-type: validly signed as the sibling type, schema-valid for it (a refund answer named a cancellation)', () => {
    const paid = h.orderTrx();
    h.send('SUBMIT_PAYMENT_ORDER', paid);
    h.runtime.pay({ orderId: paid.orderId });
    const origQryId = h.runtime.ledger.payment(paid.orderId)!.queryId!;
    fault('msg-type', 'PAYMENT_REFUND', '36');
    const refundId = h.newOrderId('RFD');
    const a = send('PAYMENT_REFUND', { orderId: refundId, origQryId, merId: PARTNER.merId, txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: 'http://127.0.0.1:9/n' });
    expect(verifyMessage(a.text, trust).valid).toBe(true);
    expect(a.msg.msgInfo.msgType).toBe('PAYMENT_CANCELLATION');
    expect(a.msg.msgResponse.responseCode).toBe('36');
    expect(validateMessage(a.msg, { role: 'response' }).valid).toBe(true);
    expect(h.runtime.ledger.refund(refundId)!.status).toBe('APPROVED');
  });

  it('unsigned: the placeholder left in; no-signature: no certificateSignature at all', () => {
    fault('unsigned', 'SUBMIT_PAYMENT_ORDER');
    const a = send('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    expect(a.msg.certificateSignature!.signature).toBe('00000000');
    expect(verifyMessage(a.text, trust).problem).toBe('unsigned');
    fault('no-signature', 'SUBMIT_PAYMENT_ORDER');
    const b = send('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    expect(b.msg.certificateSignature).toBeUndefined();
    expect(verifyMessage(b.text, trust).valid).toBe(false);
  });
});

describe('which answers a fault takes', () => {
  it('only answers to valid requests, of its msgType, as many times as asked', () => {
    fault('signature', 'PAYMENT_RESULT_INQUIRY', undefined, 2);
    // a request UCSP refuses (10) and one of another type are answered as any
    const { merId: _m, ...noMerId } = { orderId: 'ORD12345678', merId: PARTNER.merId };
    expect(h.send('PAYMENT_RESULT_INQUIRY', noMerId).code).toBe('10');
    expect(h.send('SUBMIT_PAYMENT_ORDER', h.orderTrx()).code).toBe('00');
    expect(h.runtime.answerFaults.list()).toEqual([{ id: 1, fault: 'signature', msgType: 'PAYMENT_RESULT_INQUIRY', remaining: 2 }]);
    for (let i = 0; i < 2; i++) expect(verifyMessage(send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD12345678', merId: PARTNER.merId }).text, trust).valid).toBe(false);
    expect(h.runtime.answerFaults.list()).toEqual([]);
    expect(h.send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD12345678', merId: PARTNER.merId }).code).toBe('34');
  });

  it('a code that needs what UCSP does not hold is not claimed: the genuine content, and the journal says why', () => {
    fault('signature', 'PAYMENT_RESULT_INQUIRY', '00');
    const a = send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORDNOTHERE01', merId: PARTNER.merId });
    expect(a.msg.msgResponse.responseCode).toBe('34');
    expect(lastAnswerEntry().note).toContain('could not claim 00: UCSP holds no payment order ORDNOTHERE01');
  });

  it('a forced answer can be corrupted too; reset clears the faults', () => {
    h.runtime.forceAnswer('99', 'SUBMIT_PAYMENT_ORDER');
    fault('unsigned', 'SUBMIT_PAYMENT_ORDER');
    const a = send('SUBMIT_PAYMENT_ORDER', h.orderTrx());
    expect(a.msg.msgResponse.responseCode).toBe('99');
    expect(a.msg.certificateSignature!.signature).toBe('00000000');
    fault('unsigned');
    h.runtime.reset();
    expect(h.runtime.answerFaults.list()).toEqual([]);
  });
});

describe('what the suite makes of a corrupted answer', () => {
  it('not counted in the coverage matrix, and no fault of the partner', () => {
    fault('content', 'PAYMENT_RESULT_INQUIRY', '11');
    send('PAYMENT_RESULT_INQUIRY', { orderId: 'ORD12345678', merId: PARTNER.merId });
    const messages = h.runtime.journal.query({ channel: 'api' }).map(viewEntry);
    const [request, answer] = messages;
    expect(answer!.responseCode).toBe('11');
    const result = { id: 'x/y', title: 't', capability: 'frontend-payment', refs: [], status: 'PASSED', durationMs: 0, checks: [], messages, log: [] } as unknown as ScenarioResult;
    const inquiry = computeCoverage([result]).exercised.filter((c) => c.msgType === 'PAYMENT_RESULT_INQUIRY');
    expect(inquiry).toEqual([]);
    // a claimed 11 is not the partner's signature fault: causes leave it alone
    expect(classifyRefusal(request!, answer!)).toBeUndefined();
  });
});
