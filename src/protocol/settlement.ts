/**
 * What happens when a transaction reaches a final state, a user acts at the cashier or on the
 * signing page: the entity transitions and the notice to send (PROFILE §6.3, §6.6). Pure over the
 * ledger: returns notice drafts, sends nothing.
 */
import { UcspError, RESPONSE_MESSAGES } from '../errors/index.js';
import { signingTransition, type Contract } from './contract-machine.js';
import type { Ledger } from './ledger.js';
import type { NoticeType } from './notice-machine.js';
import { paymentTransition, type PaymentOrder } from './payment-machine.js';
import { refundTransition, type RefundOrder } from './refund-machine.js';
import { formatSettleDate, formatUcspTime } from './time.js';

export interface SettleContext {
  now: number;
  wallNow: number;
  zone: string;
  insID: string;
}

export interface NoticeDraft {
  msgType: NoticeType;
  orderId: string;
  backUrl: string;
  message: {
    msgInfo: { versionNo: string; msgID: string; timeStamp: string; msgType: NoticeType; insID: string };
    trxInfo: Record<string, string>;
    msgResponse: { responseCode: string; responseMsg: string };
  };
}

function draft(ledger: Ledger, ctx: SettleContext, msgType: NoticeType, orderId: string, backUrl: string, trxInfo: Record<string, string>, ok: boolean): NoticeDraft {
  const timeStamp = formatUcspTime(ctx.wallNow, ctx.zone);
  const code = ok ? '00' : '01';
  return {
    msgType,
    orderId,
    backUrl,
    message: {
      msgInfo: { versionNo: '1.0.0', msgID: ledger.ids.msgID(timeStamp), timeStamp, msgType, insID: ctx.insID },
      trxInfo,
      msgResponse: { responseCode: code, responseMsg: RESPONSE_MESSAGES[code] },
    },
  };
}

export function paymentNotice(ledger: Ledger, ctx: SettleContext, p: PaymentOrder): NoticeDraft {
  return draft(
    ledger,
    ctx,
    'PAYMENT_RESULT_NOTICE',
    p.orderId,
    p.backUrl,
    {
      orderId: p.orderId,
      merId: p.merId,
      txnType: 'PAY',
      txnAmt: p.txnAmt,
      currencyCode: p.currencyCode,
      txnTime: p.txnTime,
      queryId: p.queryId!,
      tn: p.tn,
      settleDate: formatSettleDate(ctx.wallNow, ctx.zone),
    },
    p.status === 'APPROVED',
  );
}

export function refundNotice(ledger: Ledger, ctx: SettleContext, r: RefundOrder): NoticeDraft {
  return draft(
    ledger,
    ctx,
    'PAYMENT_RESULT_NOTICE',
    r.orderId,
    r.backUrl,
    {
      orderId: r.orderId,
      merId: r.merId,
      txnType: r.kind,
      txnAmt: r.txnAmt,
      currencyCode: r.currencyCode,
      txnTime: r.txnTime,
      queryId: r.queryId!,
      origQryId: r.origQryId,
      settleDate: formatSettleDate(ctx.wallNow, ctx.zone),
    },
    r.status === 'APPROVED',
  );
}

/** Applies the issuer's final status to the order it belongs to; returns the notice to send. */
export function settle(ledger: Ledger, orderId: string, status: 'APPROVED' | 'DECLINED', ctx: SettleContext): NoticeDraft | undefined {
  const queryId = ledger.ids.queryId(formatUcspTime(ctx.wallNow, ctx.zone));
  const type = status === 'APPROVED' ? 'issuer-approved' : 'issuer-declined';
  const p = ledger.payment(orderId);
  if (p) {
    if (p.status !== 'PROCESSING') return undefined; // already settled
    const next = paymentTransition(p, { type, queryId, at: ctx.now });
    ledger.putOrder(next);
    return paymentNotice(ledger, ctx, next);
  }
  const r = ledger.refund(orderId);
  if (r) {
    if (r.status !== 'PROCESSING') return undefined;
    const next = refundTransition(r, { type, queryId, at: ctx.now });
    ledger.putOrder(next);
    const orig = ledger.payment(r.origOrderId);
    if (orig) {
      const amount = Number(r.txnAmt);
      ledger.putOrder(
        paymentTransition(orig, status === 'APPROVED' ? { type: 'refunded', amount, cancel: r.kind === 'CANCEL' } : { type: 'release', amount }),
      );
    }
    return refundNotice(ledger, ctx, next);
  }
  return undefined;
}

/** The user closed the cashier without paying: the order fails (01) and the partner is told. */
export function abandon(ledger: Ledger, orderId: string, ctx: SettleContext): NoticeDraft {
  const p = ledger.payment(orderId);
  if (!p) throw new UcspError('not-found', `no payment order ${orderId}`);
  const next = paymentTransition(p, { type: 'user-abandon', queryId: ledger.ids.queryId(formatUcspTime(ctx.wallNow, ctx.zone)), at: ctx.now });
  ledger.putOrder(next);
  return paymentNotice(ledger, ctx, next);
}

/**
 * The order waited for its user longer than UCSP keeps an order open: it fails (01) and the partner
 * is told. Undefined when it is no longer awaiting payment (paid, abandoned, gone).
 */
export function expire(ledger: Ledger, orderId: string, ctx: SettleContext): NoticeDraft | undefined {
  const p = ledger.payment(orderId);
  if (!p || p.status !== 'AWAITING_USER') return undefined;
  const next = paymentTransition(p, { type: 'expire', queryId: ledger.ids.queryId(formatUcspTime(ctx.wallNow, ctx.zone)), at: ctx.now });
  ledger.putOrder(next);
  return paymentNotice(ledger, ctx, next);
}

/** The user agreed or refused on the signing page (PROFILE §6.5, §6.6). */
export function decideSigning(ledger: Ledger, orderId: string, agree: boolean, ctx: SettleContext): { draft: NoticeDraft; contract?: Contract } {
  const s = ledger.signing(orderId);
  if (!s) throw new UcspError('not-found', `no signing request ${orderId}`);
  let contract: Contract | undefined;
  let next;
  if (agree) {
    const contractId = ledger.ids.contractId(formatUcspTime(ctx.wallNow, ctx.zone));
    next = signingTransition(s, { type: 'agree', contractId });
    contract = { contractId, merId: s.merId, userId: s.userId, signOrderId: s.orderId, status: 'ACTIVE', createdAt: ctx.now };
    ledger.contracts.set(contractId, contract);
  } else {
    next = signingTransition(s, { type: 'refuse' });
  }
  ledger.putOrder(next);
  const trxInfo: Record<string, string> = { orderId: s.orderId, merId: s.merId, userId: s.userId };
  if (contract) trxInfo.contractId = contract.contractId;
  return { draft: draft(ledger, ctx, 'SIGN_AUTO_DEBIT_NOTICE', s.orderId, s.backUrl, trxInfo, agree), contract };
}
