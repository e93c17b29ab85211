/**
 * The trxInfo of an answer UCSP did not reach by its handlers: a code forced through the control
 * API, or the code a deliberately corrupted answer claims. Such an answer is schema-valid for its
 * type and code (PROFILE §6): a 00 to SUBMIT_PAYMENT_ORDER has tn and paymentUrl, an inquiry's 00,
 * 01 or 05 carries txnType, txnAmt, currencyCode (origQryId for refunds) and, when final, queryId.
 *
 * The values come from what UCSP holds about the order; what it does not hold is made new (a tn,
 * a queryId, a signing page) and stored nowhere — a forced answer changes nothing. When an answer
 * needs values only a stored order has (an inquiry's txnAmt of an order UCSP never took), there is
 * no honest answer with that code: `problem` says why.
 */
import type { ResponseCode } from '../errors/index.js';
import type { Ledger } from '../protocol/ledger.js';
import { formatUcspTime } from '../protocol/time.js';
import type { MsgType } from '../schemas/message-types.js';

export interface AnswerFieldsContext {
  ledger: Ledger;
  /** paymentUrl and signUrl as UCSP builds them (PROFILE §6.2, §6.5). */
  paymentUrl(tn: string): string;
  signUrl(signId: string): string;
  wallNow: number;
  zone: string;
}

export type AnswerFields = { trxInfo: Record<string, string> } | { problem: string };

/**
 * The trxInfo of an answer `code` to a valid request `trx` of `msgType`, starting from `echo`
 * (the request's key fields, PROFILE §3).
 */
export function answerFields(msgType: MsgType, code: ResponseCode, trx: Record<string, string>, echo: Record<string, string>, ctx: AnswerFieldsContext): AnswerFields {
  const wire = () => formatUcspTime(ctx.wallNow, ctx.zone);
  const { ledger } = ctx;
  const orderId = trx.orderId ?? '';
  switch (msgType) {
    case 'SUBMIT_PAYMENT_ORDER': {
      if (code !== '00') return { trxInfo: echo };
      const p = ledger.payment(orderId);
      const tn = p && p.source === 'frontend' ? p.tn : ledger.ids.tn(wire());
      return { trxInfo: { ...echo, tn, paymentUrl: ctx.paymentUrl(tn) } };
    }
    case 'SIGN_AUTO_DEBIT': {
      if (code !== '00') return { trxInfo: echo };
      const signId = ledger.signing(orderId)?.signId ?? ledger.ids.signId();
      return { trxInfo: { ...echo, signUrl: ctx.signUrl(signId) } };
    }
    case 'PAYMENT_RESULT_INQUIRY': {
      if (code !== '00' && code !== '01' && code !== '05') return { trxInfo: echo };
      const p = ledger.payment(orderId);
      if (!p) return { problem: `UCSP holds no payment order ${orderId}, and a ${code} answer to PAYMENT_RESULT_INQUIRY must carry its txnAmt and currencyCode` };
      const base = { ...echo, orderId: p.orderId, merId: p.merId, txnType: 'PAY', txnAmt: p.txnAmt, currencyCode: p.currencyCode };
      return { trxInfo: code === '05' ? base : { ...base, queryId: p.queryId ?? ledger.ids.queryId(wire()) } };
    }
    case 'REFUND_RESULT_INQUIRY': {
      if (code !== '00' && code !== '01' && code !== '05') return { trxInfo: echo };
      const r = ledger.refund(orderId);
      if (!r) return { problem: `UCSP holds no cancellation or refund ${orderId}, and a ${code} answer to REFUND_RESULT_INQUIRY must carry its origQryId, txnType and txnAmt` };
      const base = { ...echo, orderId: r.orderId, merId: r.merId, origQryId: r.origQryId, txnType: r.kind, txnAmt: r.txnAmt };
      return { trxInfo: code === '05' ? base : { ...base, queryId: r.queryId ?? ledger.ids.queryId(wire()) } };
    }
    default:
      // CLOSE_AUTO_DEBIT (contractId), SUBMIT_AUTO_DEBIT (orderId), PAYMENT_CANCELLATION and
      // PAYMENT_REFUND (orderId, origQryId): every field an answer needs is a key field of the request
      return { trxInfo: echo };
  }
}
