/** The handler of every partner→UCSP message type. */
import type { MsgType } from '../../schemas/index.js';
import { closeAutoDebit, signAutoDebit, submitAutoDebit } from './auto-debit.js';
import type { Handler } from './context.js';
import { paymentResultInquiry, submitPaymentOrder } from './payment-order.js';
import { paymentCancellation, paymentRefund, refundResultInquiry } from './refunds.js';

export const HANDLERS: Partial<Record<MsgType, Handler>> = {
  SUBMIT_PAYMENT_ORDER: submitPaymentOrder,
  PAYMENT_RESULT_INQUIRY: paymentResultInquiry,
  SIGN_AUTO_DEBIT: signAutoDebit,
  CLOSE_AUTO_DEBIT: closeAutoDebit,
  SUBMIT_AUTO_DEBIT: submitAutoDebit,
  PAYMENT_CANCELLATION: paymentCancellation,
  PAYMENT_REFUND: paymentRefund,
  REFUND_RESULT_INQUIRY: refundResultInquiry,
};

/** Key fields a response repeats from its request (PROFILE §3), per message type. */
export const KEY_FIELDS: Partial<Record<MsgType, readonly string[]>> = {
  SUBMIT_PAYMENT_ORDER: ['orderId', 'merId', 'txnAmt', 'currencyCode'],
  PAYMENT_RESULT_INQUIRY: ['orderId', 'merId'],
  SIGN_AUTO_DEBIT: ['orderId', 'merId'],
  CLOSE_AUTO_DEBIT: ['contractId', 'merId'],
  SUBMIT_AUTO_DEBIT: ['orderId', 'merId', 'contractId'],
  PAYMENT_CANCELLATION: ['orderId', 'origQryId', 'merId'],
  PAYMENT_REFUND: ['orderId', 'origQryId', 'merId'],
  REFUND_RESULT_INQUIRY: ['orderId', 'merId'],
};

export * from './context.js';
