/** PAYMENT_CANCELLATION (§6.9), PAYMENT_REFUND (§6.10) and REFUND_RESULT_INQUIRY (§6.11). */
import { UcspError } from '../../errors/index.js';
import { decideBehaviour, startIssuerTxn } from '../issuer-rules.js';
import { paymentTransition } from '../payment-machine.js';
import { admitCancellation, admitRefund, type RefundOrder } from '../refund-machine.js';
import { checkTxnTime, orderIdTaken, sameContent, type Handler, type HandlerContext, type HandlerOutcome } from './context.js';

const CANCEL_FIELDS = ['orderId', 'origQryId', 'merId', 'txnAmt', 'txnTime', 'backUrl'] as const;
const REFUND_FIELDS = ['orderId', 'origQryId', 'merId', 'txnAmt', 'currencyCode', 'txnTime', 'backUrl'] as const;

function answer(r: RefundOrder, code: '00' | '05'): HandlerOutcome {
  return { code, orderId: r.orderId, trxInfo: { orderId: r.orderId, origQryId: r.origQryId, merId: r.merId }, effects: [] };
}

function submit(kind: 'CANCEL' | 'REFUND', trx: Record<string, string>, ctx: HandlerContext): HandlerOutcome {
  const existing = ctx.ledger.orders.get(trx.orderId!);
  if (existing) {
    // answered as the first time (PROFILE §6.2, §8), not by today's state: a refund declined since
    // its 05 is not "00" now (orders stored before `answered` was kept: by their state)
    const r = existing as RefundOrder;
    return orderIdTaken(existing.kind === kind && sameContent(trx, existing, kind === 'CANCEL' ? CANCEL_FIELDS : REFUND_FIELDS), () =>
      answer(r, r.answered ?? (r.status === 'PROCESSING' ? '05' : '00')),
    );
  }
  const p = ctx.ledger.paymentByQueryId(trx.origQryId!);
  if (!p) throw new UcspError('not-found', `no payment with queryId ${trx.origQryId}`);
  if (kind === 'CANCEL') admitCancellation(p, { merId: trx.merId!, txnAmt: trx.txnAmt! });
  else admitRefund(p, { merId: trx.merId!, txnAmt: trx.txnAmt!, currencyCode: trx.currencyCode! });
  checkTxnTime(trx.txnTime!, ctx);
  const behaviour = decideBehaviour({ override: ctx.issuerOverride(trx.orderId!), txnAmt: trx.txnAmt! });
  const txn = startIssuerTxn(
    { ref: trx.orderId!, orderId: trx.orderId!, kind, txnAmt: trx.txnAmt!, currencyCode: p.currencyCode, behaviour, createdAt: ctx.now },
    ctx.now,
  );
  if (!txn) throw new UcspError('common', 'the downstream payment system reported a system error');
  const r: RefundOrder = {
    kind,
    orderId: trx.orderId!,
    origOrderId: p.orderId,
    origQryId: trx.origQryId!,
    merId: trx.merId!,
    txnAmt: trx.txnAmt!,
    currencyCode: p.currencyCode,
    txnTime: trx.txnTime!,
    backUrl: trx.backUrl!,
    status: 'PROCESSING',
    answered: txn.status === 'APPROVED' ? '00' : '05',
    createdAt: ctx.now,
  };
  ctx.ledger.putOrder(paymentTransition(p, { type: 'reserve', amount: Number(r.txnAmt) }));
  ctx.ledger.putOrder(r);
  ctx.ledger.issuer.set(r.orderId, txn);
  // 00 when the issuer approved at once, 05 when the result follows; the notice follows either way.
  return { ...answer(r, r.answered!), effects: [{ type: 'watch', orderId: r.orderId }] };
}

export const paymentCancellation: Handler = (trx, ctx) => submit('CANCEL', trx, ctx);
export const paymentRefund: Handler = (trx, ctx) => submit('REFUND', trx, ctx);

export const refundResultInquiry: Handler = (trx, ctx) => {
  const r = ctx.ledger.refund(trx.orderId!);
  if (!r) throw new UcspError('not-found', `no cancellation or refund order ${trx.orderId}`);
  const base = { orderId: r.orderId, merId: r.merId, origQryId: r.origQryId, txnType: r.kind, txnAmt: r.txnAmt };
  if (r.status === 'PROCESSING') return { code: '05', orderId: r.orderId, trxInfo: base, effects: [] };
  return { code: r.status === 'APPROVED' ? '00' : '01', orderId: r.orderId, trxInfo: { ...base, queryId: r.queryId! }, effects: [] };
};
