import { beforeAll, describe, expect, it } from 'vitest';
import { TrustStore, signMessage, verifyMessage, type SignerCredentials } from '../crypto/index.js';
import { UcspError } from '../errors/index.js';
import { validateMessage } from '../schemas/index.js';
import { signerOf, testKeys } from '../../test/support/harness.js';
import { TAMPERS, describeCopy, makeCopy, tamperProblem, type CopyContext, type Tamper } from './tamper.js';

let ucsp: SignerCredentials;
let trust: TrustStore;
let ctx: CopyContext;
let seq = 0;

beforeAll(() => {
  const keys = testKeys();
  ucsp = signerOf(keys.ucsp.keyPem, keys.ucsp.certPem);
  trust = new TrustStore([ucsp.certificate]);
  ctx = {
    signer: ucsp,
    variant: 'SHA256withRSA',
    fresh: () => ({ msgID: `U1234567820991231235959${String(++seq).padStart(6, '0')}`, timeStamp: '20991231235959' }),
    contractId: () => `C20991231235959${String(++seq).padStart(6, '0')}`,
  };
});

const msgInfo = (msgType: string) => ({ versionNo: '1.0.0', msgID: 'U1234567820261125173000000001', timeStamp: '20261125173000', msgType, insID: '12345678' });
const base = { merId: '123456789012345', txnAmt: '1234', currencyCode: '344', txnTime: '20261125172900', queryId: 'Q20261125173000000002', settleDate: '1125' };
const payNotice = (code = '00') => ({
  msgInfo: msgInfo('PAYMENT_RESULT_NOTICE'),
  trxInfo: { orderId: 'ORD2026112500001', txnType: 'PAY', tn: '202611251730000000003', ...base },
  msgResponse: { responseCode: code, responseMsg: code === '00' ? 'Approved' : 'Transaction Fail' },
});
const refundNotice = () => ({
  msgInfo: msgInfo('PAYMENT_RESULT_NOTICE'),
  trxInfo: { orderId: 'RFD2026112500001', txnType: 'REFUND', origQryId: 'Q20261125170000000001', ...base },
  msgResponse: { responseCode: '00', responseMsg: 'Approved' },
});
const signingNotice = (code: '00' | '01') => ({
  msgInfo: msgInfo('SIGN_AUTO_DEBIT_NOTICE'),
  trxInfo: { orderId: 'SGN2026112500001', merId: '123456789012345', userId: 'user-003', ...(code === '00' ? { contractId: 'C20261125173000000009' } : {}) },
  msgResponse: { responseCode: code, responseMsg: code === '00' ? 'Approved' : 'Transaction Fail' },
});

type Msg = { msgInfo: Record<string, string>; trxInfo: Record<string, string>; msgResponse: { responseCode: string } };
const parse = (text: string) => JSON.parse(text) as Msg;

describe('makeCopy', () => {
  it('an empty request is the genuine text, byte for byte (a resend)', () => {
    const text = signMessage(payNotice(), ucsp);
    expect(makeCopy(text, {}, ctx)).toBe(text);
    expect(makeCopy(text, { edit: {} }, ctx)).toBe(text);
  });

  const cases: [Tamper, () => object, (orig: Msg, copy: Msg) => void][] = [
    ['signature', payNotice, (o, c) => expect(c.trxInfo).toEqual(o.trxInfo)],
    ['amount', payNotice, (_o, c) => expect(c.trxInfo.txnAmt).toBe('1235')],
    ['currency', payNotice, (_o, c) => expect(c.trxInfo.currencyCode).toBe('840')],
    ['unknown-order', payNotice, (o, c) => expect(c.trxInfo.orderId).not.toBe(o.trxInfo.orderId)],
    [
      'mer-id',
      payNotice,
      (o, c) => {
        expect(c.trxInfo.merId).toMatch(/^[0-9A-Za-z]{15}$/);
        expect(c.trxInfo.merId).not.toBe(o.trxInfo.merId);
      },
    ],
    [
      'txn-type',
      payNotice,
      (o, c) => {
        expect(c.trxInfo.txnType).toBe('REFUND');
        expect(c.trxInfo.origQryId).toBe(o.trxInfo.queryId);
        expect(c.trxInfo.tn).toBeUndefined();
        expect(c.trxInfo.orderId).toBe(o.trxInfo.orderId);
      },
    ],
    ['txn-type', refundNotice, (_o, c) => expect(c.trxInfo.txnType).toBe('CANCEL')],
    [
      'orig-qry-id',
      refundNotice,
      (o, c) => {
        expect(c.trxInfo.origQryId).toMatch(/^[0-9A-Za-z]{21}$/);
        expect(c.trxInfo.origQryId).not.toBe(o.trxInfo.origQryId);
      },
    ],
    ['unknown-order', () => signingNotice('00'), (o, c) => expect(c.trxInfo.orderId).not.toBe(o.trxInfo.orderId)],
    ['signature', () => signingNotice('00'), (o, c) => expect(c.trxInfo).toEqual(o.trxInfo)],
  ];

  it.each(cases)('%s: a message of its own (fresh msgID and timeStamp), schema-valid, the field changed', (how, make, expectField) => {
    const text = signMessage(make(), ucsp);
    const copyText = makeCopy(text, { tamper: how }, ctx);
    const orig = parse(text);
    const copy = parse(copyText);
    expect(copy.msgInfo.msgID).not.toBe(orig.msgInfo.msgID);
    expect(copy.msgInfo.timeStamp).toBe('20991231235959');
    expect({ ...copy.msgInfo, msgID: '', timeStamp: '' }).toEqual({ ...orig.msgInfo, msgID: '', timeStamp: '' });
    expect(copy.msgResponse).toEqual(orig.msgResponse);
    expectField(orig, copy);
    expect(validateMessage(copy, { role: 'request' }).errors).toEqual([]);
    // validly signed, so that the partner's field checks are what is judged — except a forged signature
    expect(verifyMessage(copyText, trust).valid).toBe(how !== 'signature');
  });

  it('refuses (409) a tamper of a field the notice does not carry', () => {
    const text = signMessage(signingNotice('00'), ucsp);
    for (const how of ['amount', 'currency', 'txn-type', 'orig-qry-id'] as const) {
      expect(tamperProblem(signingNotice('00'), how)).toMatch(/does not carry/);
      expect(() => makeCopy(text, { tamper: how }, ctx)).toThrow(UcspError);
    }
    expect(tamperProblem(payNotice(), 'orig-qry-id')).toMatch(/trxInfo\.origQryId/);
    for (const how of TAMPERS.filter((t) => t !== 'orig-qry-id')) expect(tamperProblem(payNotice(), how)).toBeUndefined();
  });

  it('result: a second notice with the other result, its own msgID, validly signed', () => {
    const text = signMessage(payNotice('00'), ucsp);
    const copy = parse(makeCopy(text, { result: '01' }, ctx));
    expect(copy.msgResponse).toEqual({ responseCode: '01', responseMsg: 'Transaction Fail' });
    expect(copy.trxInfo).toEqual(parse(text).trxInfo);
    expect(copy.msgInfo.msgID).not.toBe(parse(text).msgInfo.msgID);
    expect(validateMessage(copy, { role: 'request' }).errors).toEqual([]);
  });

  it('result on a signing notice: a signing gets a contractId, a refusal loses it', () => {
    const signed = parse(makeCopy(signMessage(signingNotice('01'), ucsp), { result: '00' }, ctx));
    expect(signed.msgResponse.responseCode).toBe('00');
    expect(signed.trxInfo.contractId).toMatch(/^C2099/);
    expect(validateMessage(signed, { role: 'request' }).errors).toEqual([]);
    const given = parse(makeCopy(signMessage(signingNotice('01'), ucsp), { result: '00', edit: { contractId: 'CGIVEN1' } }, ctx));
    expect(given.trxInfo.contractId).toBe('CGIVEN1');
    const refused = parse(makeCopy(signMessage(signingNotice('00'), ucsp), { result: '01' }, ctx));
    expect(refused.trxInfo.contractId).toBeUndefined();
  });

  it('edit: the fields replaced, the rest kept, validly signed', () => {
    const text = signMessage(signingNotice('00'), ucsp);
    const copyText = makeCopy(text, { edit: { userId: 'user-001' } }, ctx);
    const copy = parse(copyText);
    expect(copy.trxInfo).toEqual({ ...parse(text).trxInfo, userId: 'user-001' });
    expect(verifyMessage(copyText, trust).valid).toBe(true);
  });

  it('describes each copy for the journal', () => {
    expect(describeCopy({ tamper: 'mer-id' })).toBe('mer-id');
    expect(describeCopy({ edit: { userId: 'u', merId: 'm' } })).toBe('edited: userId, merId');
    expect(describeCopy({ result: '01' })).toBe('result 01');
    expect(describeCopy({ tamper: 'amount', result: '01' })).toBe('amount, result 01');
  });
});
