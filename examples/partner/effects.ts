/**
 * The only places where a result from UCSP changes what the partner believes. A notice and an
 * inquiry may both report the same result, and a notice may arrive many times: each function
 * applies a result once, to an order that is not final yet, and returns whether it did.
 * `again` (only for the applyDuplicateNotice bug) applies it regardless.
 */
import type { PartnerContext } from './context.js';
import { addMinor, lessOrEqual, type Payment, type RefundOrder, type SigningRequest } from './store.js';

/** A payment's final result (PAYMENT_RESULT_NOTICE txnType PAY, or PAYMENT_RESULT_INQUIRY). */
export function applyPaymentResult(ctx: PartnerContext, p: Payment, approved: boolean, queryId: string | undefined, again = false): boolean {
  if (p.status !== 'CREATED' && !again) return false;
  p.status = approved ? 'PAID' : 'FAILED';
  if (queryId) p.queryId = queryId;
  ctx.log(`order ${p.orderId} is ${p.status}`);
  return true;
}

/** A cancellation's or refund's final result; on success the payment is CANCELLED or (partially) refunded. */
export function applyRefundResult(ctx: PartnerContext, r: RefundOrder, approved: boolean, queryId: string | undefined, again = false): boolean {
  if (r.status !== 'PENDING' && !again) return false;
  r.status = approved ? 'SUCCEEDED' : 'FAILED';
  if (queryId) r.queryId = queryId;
  ctx.log(`${r.kind === 'CANCEL' ? 'cancellation' : 'refund'} ${r.orderId} of ${r.origOrderId} ${r.status}`);
  const p = ctx.store.payments.get(r.origOrderId);
  if (!approved || !p) return true;
  if (r.kind === 'CANCEL') {
    p.status = 'CANCELLED';
  } else {
    p.refundedAmt = addMinor(p.refundedAmt, r.txnAmt);
    p.status = lessOrEqual(p.txnAmt, p.refundedAmt) ? 'REFUNDED' : 'PARTIALLY_REFUNDED';
  }
  ctx.log(`order ${p.orderId} is ${p.status} (refunded ${p.refundedAmt} of ${p.txnAmt})`);
  return true;
}

/** An auto-debit signing's result (SIGN_AUTO_DEBIT_NOTICE): 00 stores an ACTIVE contract. */
export function applySigningResult(ctx: PartnerContext, s: SigningRequest, signed: boolean, contractId: string | undefined, again = false): boolean {
  if (s.status !== 'PENDING' && !again) return false;
  s.status = signed && contractId ? 'SUCCEEDED' : 'FAILED';
  if (signed && contractId) {
    s.contractId = contractId;
    ctx.store.contracts.set(contractId, { contractId, userId: s.userId, status: 'ACTIVE' });
    ctx.log(`contract ${contractId} ACTIVE for ${s.userId}`);
  } else {
    ctx.log(`auto-debit signing ${s.orderId} refused`);
  }
  return true;
}
