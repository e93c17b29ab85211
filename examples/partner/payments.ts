/**
 * Frontend payments (PROFILE §6.2, §6.4). The synchronous answer to SUBMIT_PAYMENT_ORDER only
 * says UCSP took the order: the order is PAID only after a signed PAYMENT_RESULT_NOTICE with 00
 * or an inquiry answered 00 (PROFILE §7).
 */
import { answerField, ask, optionalParam, param, type Params } from './action-kit.js';
import { ActionError, REFUSED_CODES, backUrl, frontUrl, type PartnerContext } from './context.js';
import { applyPaymentResult } from './effects.js';
import type { Payment } from './store.js';

export async function submitPaymentOrder(ctx: PartnerContext, params: Params) {
  const txnAmt = param(params, 'txnAmt');
  const currencyCode = param(params, 'currencyCode');
  const userId = param(params, 'userId');
  const orderId = optionalParam(params, 'orderId') ?? ctx.wire.orderId('ORD');

  // Stored before sending, so that a notice is never for an order the partner does not know.
  // An orderId given again is resubmitted as asked; the stored order stays as it was.
  let order = ctx.store.payments.get(orderId);
  const isNew = !order;
  if (!order) {
    order = { orderId, status: 'CREATED', txnAmt, currencyCode, refundedAmt: '0', txnTime: ctx.wire.time(), userId };
    ctx.store.payments.set(orderId, order);
  }
  const answer = await ask(ctx, 'SUBMIT_PAYMENT_ORDER', {
    orderId,
    merId: ctx.merId,
    acqIIN: ctx.acqIIN,
    txnAmt: ctx.wire.amount(txnAmt, currencyCode),
    currencyCode,
    txnTime: order.txnTime,
    userId,
    backUrl: backUrl(ctx),
    frontUrl: frontUrl(ctx, orderId),
  });
  const tn = answerField(answer, 'tn');
  if (answer.code === '00') {
    order.tn ??= tn;
    // BUG markPaidOnSyncAnswer: 00 here means "order accepted", not "paid".
    if (ctx.bugs.markPaidOnSyncAnswer && order.status === 'CREATED') order.status = 'PAID';
  } else if (isNew && REFUSED_CODES.has(answer.code) && order.status === 'CREATED') {
    order.status = 'FAILED'; // UCSP refused it: no payment can follow.
  }
  let paymentUrl = answerField(answer, 'paymentUrl');
  // BUG ownPaymentUrl: the user must be sent to UCSP's paymentUrl as answered, not to a URL built from tn.
  if (ctx.bugs.ownPaymentUrl && paymentUrl && tn) paymentUrl = `${new URL(paymentUrl).origin}/ucsp/pay?tn=${tn}`;
  return { orderId, responseCode: answer.code, tn, paymentUrl };
}

/** How many inquiries of an order have been answered 05, this one included (for the failAfterRepeated05 bug). */
export function countPending(ctx: PartnerContext, orderId: string): number {
  const n = (ctx.store.pendingInquiries.get(orderId) ?? 0) + 1;
  ctx.store.pendingInquiries.set(orderId, n);
  return n;
}

export function knownPayment(ctx: PartnerContext, orderId: string): Payment {
  const p = ctx.store.payments.get(orderId);
  if (!p) throw new ActionError(404, `no payment order ${orderId}`);
  return p;
}

/** PAYMENT_RESULT_INQUIRY: 00 → PAID, 01 → FAILED (once); 05 and 34 change nothing. */
export async function inquirePayment(ctx: PartnerContext, params: Params) {
  const order = knownPayment(ctx, param(params, 'orderId'));
  let answer = await ask(ctx, 'PAYMENT_RESULT_INQUIRY', { orderId: order.orderId, merId: ctx.merId });
  // BUG inquireAgainAtOnce: 05 means "ask later" (waits of 1, 2, 4… s, PROFILE §7), not "ask again now".
  if (ctx.bugs.inquireAgainAtOnce && answer.code === '05') answer = await ask(ctx, 'PAYMENT_RESULT_INQUIRY', { orderId: order.orderId, merId: ctx.merId });
  // BUG ignoreInquiryFailure: a 01 is taken like a 05, and the order waits for ever.
  const final = answer.code === '00' || (answer.code === '01' && !ctx.bugs.ignoreInquiryFailure);
  if (final && !ctx.bugs.ignoreInquiryResult) {
    const t = answer.trxInfo;
    if (t.txnType === 'PAY' && t.txnAmt === ctx.wire.amount(order.txnAmt, order.currencyCode) && t.currencyCode === order.currencyCode) {
      applyPaymentResult(ctx, order, answer.code === '00', answerField(answer, 'queryId'));
    } else {
      ctx.log(`inquiry answer for ${order.orderId} does not match the order; ignored`);
    }
  }
  // BUG treatInquiry34AsApproved: "not a failure" taken for "approved" — but 34 means UCSP has no such order.
  if (answer.code === '34' && ctx.bugs.treatInquiry34AsApproved) applyPaymentResult(ctx, order, true, undefined);
  // BUG failAfterRepeated05: gives up on an order still in progress at UCSP.
  if (answer.code === '05' && ctx.bugs.failAfterRepeated05 && countPending(ctx, order.orderId) >= 2) applyPaymentResult(ctx, order, false, undefined);
  // BUG failOrderOnInquiryError: an inquiry that failed says nothing about the payment (PROFILE §6.4, §8).
  if (ctx.bugs.failOrderOnInquiryError && !['00', '01', '05'].includes(answer.code)) applyPaymentResult(ctx, order, false, undefined);
  return { orderId: order.orderId, responseCode: answer.code };
}
