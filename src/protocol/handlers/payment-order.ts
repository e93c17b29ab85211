/** SUBMIT_PAYMENT_ORDER (PROFILE §6.2) and PAYMENT_RESULT_INQUIRY (§6.4). */
import { UcspError } from '../../errors/index.js';
import { CURRENCIES } from '../currencies.js';
import type { PaymentOrder } from '../payment-machine.js';
import { formatUcspTime } from '../time.js';
import { checkTxnTime, intern, knownUser, orderIdTaken, sameContent, type Handler, type HandlerOutcome } from './context.js';

const ORDER_FIELDS = ['orderId', 'merId', 'acqIIN', 'txnAmt', 'currencyCode', 'txnTime', 'userId', 'backUrl', 'frontUrl', 'orderDesc'] as const;

function accepted(p: PaymentOrder, paymentUrl: (tn: string) => string, effects: HandlerOutcome['effects'] = []): HandlerOutcome {
  return {
    code: '00',
    orderId: p.orderId,
    trxInfo: { orderId: p.orderId, merId: p.merId, txnAmt: p.txnAmt, currencyCode: p.currencyCode, tn: p.tn, paymentUrl: paymentUrl(p.tn) },
    effects,
  };
}

export const submitPaymentOrder: Handler = (trx, ctx) => {
  const existing = ctx.ledger.orders.get(trx.orderId!);
  if (existing) return orderIdTaken(existing.kind === 'PAY' && existing.source === 'frontend' && sameContent(trx, existing, ORDER_FIELDS), () => accepted(existing as PaymentOrder, ctx.settings.paymentUrl));
  if (trx.acqIIN !== ctx.settings.partner.acqIIN) throw new UcspError('incorrect', `acqIIN ${trx.acqIIN} is not the registered ${ctx.settings.partner.acqIIN}`);
  if (!CURRENCIES[trx.currencyCode!]) throw new UcspError('incorrect', `currencyCode ${trx.currencyCode} is not a currency UCSP accepts`);
  checkTxnTime(trx.txnTime!, ctx);
  knownUser(trx.userId!, ctx);
  const order: PaymentOrder = {
    kind: 'PAY',
    source: 'frontend',
    orderId: trx.orderId!,
    merId: intern(trx.merId!),
    acqIIN: intern(trx.acqIIN!),
    txnAmt: trx.txnAmt!,
    currencyCode: intern(trx.currencyCode!),
    txnTime: trx.txnTime!,
    userId: intern(trx.userId!),
    backUrl: intern(trx.backUrl!),
    ...(trx.frontUrl ? { frontUrl: trx.frontUrl } : {}),
    ...(trx.orderDesc ? { orderDesc: trx.orderDesc } : {}),
    tn: ctx.ledger.ids.tn(formatUcspTime(ctx.wallNow, ctx.settings.zone)),
    status: 'AWAITING_USER',
    reservedAmt: 0,
    refundedAmt: 0,
    cancelled: false,
    createdAt: ctx.now,
  };
  ctx.ledger.putOrder(order);
  return accepted(order, ctx.settings.paymentUrl, [{ type: 'expiry', orderId: order.orderId }]);
};

export const paymentResultInquiry: Handler = (trx, ctx) => {
  const p = ctx.ledger.payment(trx.orderId!);
  if (!p) throw new UcspError('not-found', `no payment order ${trx.orderId}`);
  const base = { orderId: p.orderId, merId: p.merId, txnType: 'PAY', txnAmt: p.txnAmt, currencyCode: p.currencyCode };
  switch (p.status) {
    case 'APPROVED':
      return { code: '00', orderId: p.orderId, trxInfo: { ...base, queryId: p.queryId! }, effects: [] };
    case 'DECLINED':
      return { code: '01', orderId: p.orderId, trxInfo: { ...base, queryId: p.queryId! }, effects: [] };
    default:
      return { code: '05', orderId: p.orderId, trxInfo: base, effects: [] };
  }
};
