import { describe, expect, it } from 'vitest';
import { PARTNER_TO_UCSP_TYPES } from '../schemas/message-types.js';
import { SIBLING_TYPES, claimFor } from './corrupt-answer.js';

const genuine = (code: '00' | '01' | '05' | '34' | '36') => ({ code, trxInfo: { orderId: 'ORD00000001' }, responseMsg: 'genuine' });
const build = (code: string) => ({ trxInfo: { orderId: 'ORD00000001', built: code } });
const unknown = () => ({ problem: 'UCSP holds no such order' });

describe('what a corrupted answer claims', () => {
  it('content: a good answer becomes a failure, anything else a good one, among the codes of the type', () => {
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'content' }, genuine('01'), build).code).toBe('00');
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'content' }, genuine('05'), build).code).toBe('00'); // an inquiry's 05 is "in progress"
    expect(claimFor('REFUND_RESULT_INQUIRY', { fault: 'content' }, genuine('00'), build).code).toBe('01'); // 36 is no code of an inquiry answer
    expect(claimFor('SUBMIT_PAYMENT_ORDER', { fault: 'content' }, genuine('00'), build).code).toBe('36');
    expect(claimFor('PAYMENT_REFUND', { fault: 'content' }, genuine('05'), build).code).toBe('36');
    expect(claimFor('SUBMIT_AUTO_DEBIT', { fault: 'content' }, genuine('05'), build).code).toBe('36');
    expect(claimFor('PAYMENT_REFUND', { fault: 'content' }, genuine('36'), build).code).toBe('00');
    // a code that cannot be built is passed over: an inquiry of an unknown order flips to what needs no order
    const onlyErrors = (code: string) => (['00', '01', '05'].includes(code) ? unknown() : build(code));
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'content' }, genuine('34'), onlyErrors).code).toBe('99');
  });

  it('other kinds carry the genuine content, unless a code is asked for', () => {
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'signature' }, genuine('05'), build)).toEqual(genuine('05'));
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'msg-id', code: '00' }, genuine('05'), build)).toEqual({ code: '00', trxInfo: { orderId: 'ORD00000001', built: '00' }, responseMsg: 'Approved' });
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'unsigned', code: '05' }, genuine('05'), build)).toEqual(genuine('05'));
  });

  it('a code that cannot be given keeps the genuine content and says why', () => {
    expect(claimFor('PAYMENT_RESULT_INQUIRY', { fault: 'signature', code: '00' }, genuine('34'), unknown)).toEqual({ ...genuine('34'), unmet: 'could not claim 00: UCSP holds no such order' });
  });

  it('msg-type names a sibling of every partner→UCSP type, both ways', () => {
    for (const t of PARTNER_TO_UCSP_TYPES) {
      expect(SIBLING_TYPES[t], t).toBeDefined();
      expect(SIBLING_TYPES[SIBLING_TYPES[t]!]).toBe(t);
    }
  });
});
