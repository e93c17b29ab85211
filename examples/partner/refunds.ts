/**
 * Cancellations and refunds (PROFILE §6.9–§6.11). Each is an order of its own with a NEW orderId,
 * naming the payment by its queryId (origQryId). It stays PENDING until a notice or an inquiry
 * gives its result; only then is the payment CANCELLED or (partially) REFUNDED — exactly once.
 */
import { answerField, ask, forced, param, type Params } from './action-kit.js';
import { ActionError, REFUSED_CODES, backUrl, type PartnerContext } from './context.js';
import { applyRefundResult } from './effects.js';
import { countPending, knownPayment } from './payments.js';
import { lessOrEqual, type Payment, type RefundOrder } from './store.js';

/** PAYMENT_CANCELLATION of the whole payment. Only a PAID payment with nothing refunded or pending. */
export async function cancelPayment(ctx: PartnerContext, params: Params) {
  const payment = knownPayment(ctx, param(params, 'orderId'));
  if (!forced(params)) {
    if (payment.status !== 'PAID') throw new ActionError(409, `payment ${payment.orderId} is ${payment.status}, not PAID`);
    if (ctx.store.hasPendingRefund(payment)) throw new ActionError(409, `payment ${payment.orderId} has a refund in progress`);
  }
  return startRefund(ctx, payment, 'CANCEL', payment.txnAmt);
}

/** PAYMENT_REFUND of part or all of what is still refundable. */
export async function refundPayment(ctx: PartnerContext, params: Params) {
  const payment = knownPayment(ctx, param(params, 'orderId'));
  const txnAmt = param(params, 'txnAmt');
  if (!forced(params)) {
    if (payment.status !== 'PAID' && payment.status !== 'PARTIALLY_REFUNDED') {
      throw new ActionError(409, `payment ${payment.orderId} is ${payment.status}: nothing to refund`);
    }
    const left = ctx.store.refundable(payment);
    if (!lessOrEqual(txnAmt, left)) throw new ActionError(409, `refund ${txnAmt} exceeds what is still refundable (${left})`);
  }
  return startRefund(ctx, payment, 'REFUND', txnAmt);
}

async function startRefund(ctx: PartnerContext, payment: Payment, kind: RefundOrder['kind'], txnAmt: string) {
  const origQryId = payment.queryId;
  if (!origQryId) throw new ActionError(409, `payment ${payment.orderId} has no queryId yet (no result received)`);
  // BUG reuseOrderIdForRefund: a refund must have an orderId of its own (PROFILE §5).
  const orderId = ctx.bugs.reuseOrderIdForRefund ? payment.orderId : ctx.wire.orderId(kind === 'CANCEL' ? 'CNL' : 'RFD');
  const refund: RefundOrder = { orderId, kind, origOrderId: payment.orderId, origQryId, status: 'PENDING', txnAmt, currencyCode: payment.currencyCode };
  ctx.store.refunds.set(orderId, refund);
  const common = { orderId, origQryId, merId: ctx.merId, txnAmt: ctx.wire.amount(txnAmt, payment.currencyCode) };
  const answer =
    kind === 'CANCEL'
      ? await ask(ctx, 'PAYMENT_CANCELLATION', { ...common, txnTime: ctx.wire.time(), backUrl: backUrl(ctx) })
      : await ask(ctx, 'PAYMENT_REFUND', { ...common, currencyCode: payment.currencyCode, txnTime: ctx.wire.time(), backUrl: backUrl(ctx) });
  // 00 and 05 mean "accepted": the result follows. Anything else was refused outright.
  // BUG applyRefundOnSend: the result is the notice's or the inquiry's (PROFILE §7.4), not the request's.
  if (ctx.bugs.applyRefundOnSend && answer.code !== '01' && answer.code !== '36') applyRefundResult(ctx, refund, true, undefined);
  else if (REFUSED_CODES.has(answer.code)) applyRefundResult(ctx, refund, false, undefined);
  return { orderId, responseCode: answer.code };
}

/** REFUND_RESULT_INQUIRY: 00 → SUCCEEDED and the payment updated, 01 → FAILED (once); 05, 34 nothing. */
export async function inquireRefund(ctx: PartnerContext, params: Params) {
  const orderId = param(params, 'orderId');
  const refund = ctx.store.refunds.get(orderId);
  if (!refund) throw new ActionError(404, `no cancellation or refund ${orderId}`);
  const answer = await ask(ctx, 'REFUND_RESULT_INQUIRY', { orderId, merId: ctx.merId });
  // BUG ignoreInquiryFailure: a 01 is taken like a 05, and the refund stays PENDING for ever.
  const final = answer.code === '00' || (answer.code === '01' && !ctx.bugs.ignoreInquiryFailure);
  if (final && !ctx.bugs.ignoreInquiryResult) {
    const t = answer.trxInfo;
    if (t.txnType === refund.kind && t.txnAmt === ctx.wire.amount(refund.txnAmt, refund.currencyCode) && t.origQryId === refund.origQryId) {
      applyRefundResult(ctx, refund, answer.code === '00', answerField(answer, 'queryId'));
    } else {
      ctx.log(`inquiry answer for ${orderId} does not match the ${refund.kind.toLowerCase()}; ignored`);
    }
  }
  // BUG treatInquiry34AsApproved: a refund UCSP never had is booked as made.
  if (answer.code === '34' && ctx.bugs.treatInquiry34AsApproved) applyRefundResult(ctx, refund, true, undefined);
  // BUG failAfterRepeated05: gives up on a refund still in progress at UCSP.
  if (answer.code === '05' && ctx.bugs.failAfterRepeated05 && countPending(ctx, orderId) >= 2) applyRefundResult(ctx, refund, false, undefined);
  // BUG failOrderOnInquiryError: an inquiry that failed says nothing about the refund (PROFILE §6.11, §8).
  if (ctx.bugs.failOrderOnInquiryError && !['00', '01', '05'].includes(answer.code)) applyRefundResult(ctx, refund, false, undefined);
  return { orderId, responseCode: answer.code };
}
