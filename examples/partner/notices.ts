/**
 * POST /ucsp/notify — the backUrl of every request (PROFILE §6.3, §6.6). Checks in order:
 * readable JSON (10) → UCSP's signature over the raw bytes (11) → schema of the notice (10) →
 * the order is known (34) → it agrees with the order (36) → apply the result once (00; a
 * duplicate is answered 00 with no second effect). Timestamps and msgIDs are not checked for
 * freshness here: UCSP retries the same notice for hours, and duplicates are expected.
 */
import type { Request, Response } from 'express';
import { formatDiagnostics, readJsonBody, validateMessage, verifyParsed, type UcspMessage } from '../../src/index.js';
import { parseUcspTime } from '../../src/protocol/time.js';
import type { PartnerContext } from './context.js';
import { applyPaymentResult, applyRefundResult, applySigningResult } from './effects.js';
import { echoMsgInfo, keyFields, noticeAnswerText, type NoticeOutcome } from './notice-answer.js';

type Verdict = Pick<NoticeOutcome, 'code' | 'reason'>;

/** Differences between what a notice says and what the partner's order says. */
function differences(notice: Record<string, unknown>, expected: Record<string, string | undefined>): string[] {
  return Object.entries(expected)
    .filter(([k, v]) => v !== undefined && notice[k] !== undefined && notice[k] !== v)
    .map(([k, v]) => `${k} ${JSON.stringify(notice[k])} ≠ ${JSON.stringify(v)}`);
}

export function processNotice(ctx: PartnerContext, raw: Uint8Array): NoticeOutcome {
  const outcome = judgeNotice(ctx, raw);
  if (ctx.bugs.recordRejectedNotice && outcome.code !== '00' && outcome.trxInfo.orderId) {
    // BUG recordRejectedNotice: a rejected notice's order is remembered as handled all the same.
    for (const kind of ['PAY', 'CANCEL', 'REFUND', 'SIGN']) ctx.store.processedNotices.add(`${outcome.trxInfo.orderId}/${kind}`);
  }
  return outcome;
}

function judgeNotice(ctx: PartnerContext, raw: Uint8Array): NoticeOutcome {
  let text: string;
  let parsed: unknown;
  try {
    ({ text, value: parsed } = readJsonBody(raw));
  } catch (e) {
    return { code: '10', reason: `unreadable: ${(e as Error).message}`, msgInfo: echoMsgInfo(ctx, undefined), trxInfo: {} };
  }
  const reply = (v: Verdict): NoticeOutcome => ({ ...v, msgInfo: echoMsgInfo(ctx, parsed), trxInfo: keyFields(parsed) });

  const msgType = (parsed as { msgInfo?: { msgType?: unknown } } | null)?.msgInfo?.msgType;
  // BUG skipSigningNoticeSignatureCheck: only payment notices are verified.
  const verify = !ctx.bugs.skipNoticeSignatureCheck && !(ctx.bugs.skipSigningNoticeSignatureCheck && msgType === 'SIGN_AUTO_DEBIT_NOTICE');
  if (verify) {
    const verdict = verifyParsed(text, parsed, ctx.ucspTrust, { variant: ctx.variant });
    if (!verdict.valid) return reply({ code: '11', reason: verdict.summary });
  }
  if (msgType !== 'PAYMENT_RESULT_NOTICE' && msgType !== 'SIGN_AUTO_DEBIT_NOTICE') {
    return reply({ code: '10', reason: `msgType ${JSON.stringify(msgType)} is not a notice` });
  }
  const check = validateMessage(parsed, { role: 'request', msgType });
  // BUG skipNoticeSchemaCheck: a signature says who sent it, not that it is well-formed (PROFILE §6.3: 10).
  if (!check.valid && !ctx.bugs.skipNoticeSchemaCheck) return reply({ code: '10', reason: formatDiagnostics(check.errors).join('; ') });
  const msg = parsed as UcspMessage;
  if (msg.msgInfo.insID !== ctx.insID) return reply({ code: '10', reason: `insID ${msg.msgInfo.insID} is not this partner's` });
  // No freshness check on timeStamp or msgID: a retry is the same message hours later (PROFILE §6.3).
  if (ctx.bugs.refuseOldNotice) {
    // BUG refuseOldNotice: the login hand-off's ±300 s rule applied to notices.
    const ageS = (ctx.wire.now() - parseUcspTime(msg.msgInfo.timeStamp, ctx.zone)) / 1000;
    if (ageS > 300) return reply({ code: '11', reason: `timeStamp ${msg.msgInfo.timeStamp} is ${Math.round(ageS)} s old` });
  }
  if (ctx.bugs.refuseRepeatedNoticeMsgId && ctx.store.noticeMsgIds.has(msg.msgInfo.msgID)) {
    // BUG refuseRepeatedNoticeMsgId: a byte-for-byte retry is taken for a replay.
    return reply({ code: '11', reason: `msgID ${msg.msgInfo.msgID} already used` });
  }
  ctx.store.noticeMsgIds.add(msg.msgInfo.msgID);

  const verdict = msgType === 'PAYMENT_RESULT_NOTICE' ? paymentNotice(ctx, msg) : signingNotice(ctx, msg);
  // BUG echoNoticeResponseCode: the answer's code says whether the notice was processed, not what it reported.
  if (ctx.bugs.echoNoticeResponseCode && verdict.code === '00' && msg.msgResponse?.responseCode === '01') return reply({ ...verdict, code: '01' });
  return reply(verdict);
}

function unknownOrder(ctx: PartnerContext, what: string): Verdict {
  // BUG answerUnknownOrderWith00: claims to have processed a notice for an order it never made.
  if (ctx.bugs.answerUnknownOrderWith00) return { code: '00', reason: `processed (${what})` };
  return { code: '34', reason: what };
}

function paymentNotice(ctx: PartnerContext, msg: UcspMessage): Verdict {
  const { bugs, store } = ctx;
  const t = msg.trxInfo as { orderId: string; txnType: 'PAY' | 'CANCEL' | 'REFUND'; queryId: string };
  // BUG ignoreFailedNotice: a failed result is taken for a success.
  const approved = msg.msgResponse?.responseCode === '00' || bugs.ignoreFailedNotice;
  const key = `${t.orderId}/${t.txnType}`;

  // BUG ignoreNoticeMerId: the merId is never compared.
  const merId = bugs.ignoreNoticeMerId ? {} : { merId: ctx.merId };
  // BUG ignoreNoticeTxnType: an orderId of a payment is a payment, whatever txnType says.
  if (t.txnType === 'PAY' || (bugs.ignoreNoticeTxnType && store.payments.has(t.orderId))) {
    const p = store.payments.get(t.orderId);
    if (!p) return unknownOrder(ctx, `no payment ${t.orderId}`);
    const diff = differences(msg.trxInfo, { ...merId, txnAmt: ctx.wire.amount(p.txnAmt, p.currencyCode), currencyCode: p.currencyCode, tn: p.tn });
    if (diff.length && !bugs.ignoreNoticeAmountMismatch) return { code: '36', reason: diff.join(', ') };
    if ((store.processedNotices.has(key) || p.status !== 'CREATED') && !bugs.applyDuplicateNotice) {
      const conflicting = approved ? p.status === 'FAILED' : p.status === 'PAID';
      // BUG answerConflictingNoticeWith36: a later result that contradicts the first is refused.
      if (conflicting && bugs.answerConflictingNoticeWith36) return { code: '36', reason: `order ${t.orderId} is already ${p.status}` };
      if (!(conflicting && bugs.lastNoticeWins)) return { code: '00', reason: `duplicate: order ${t.orderId} is already ${p.status}` };
      // BUG lastNoticeWins: the later result overrides the first final one.
    }
    // BUG keepOrderOpenOnFailedNotice: 01 is the order's final result (PROFILE §6.3), not a failed try to repeat.
    if (!approved && bugs.keepOrderOpenOnFailedNotice) return { code: '00', reason: `payment of ${t.orderId} failed; the order stays open for another try` };
    applyPaymentResult(ctx, p, approved, t.queryId, bugs.applyDuplicateNotice || bugs.lastNoticeWins);
  } else {
    const r = store.refunds.get(t.orderId);
    if (!r) return unknownOrder(ctx, `no ${t.txnType === 'CANCEL' ? 'cancellation' : 'refund'} ${t.orderId}`);
    const diff = differences(msg.trxInfo, {
      ...merId,
      ...(bugs.ignoreNoticeTxnType ? {} : { txnType: r.kind }),
      txnAmt: ctx.wire.amount(r.txnAmt, r.currencyCode),
      currencyCode: r.currencyCode,
      // BUG ignoreNoticeOrigQryId: the refunded payment is never compared.
      ...(bugs.ignoreNoticeOrigQryId ? {} : { origQryId: r.origQryId }),
    });
    if (diff.length && !bugs.ignoreNoticeAmountMismatch) return { code: '36', reason: diff.join(', ') };
    if ((store.processedNotices.has(key) || r.status !== 'PENDING') && !bugs.applyDuplicateNotice) {
      return { code: '00', reason: `duplicate: ${t.orderId} is already ${r.status}` };
    }
    applyRefundResult(ctx, r, approved, t.queryId, bugs.applyDuplicateNotice);
  }
  store.processedNotices.add(key);
  return { code: '00', reason: 'processed' };
}

function signingNotice(ctx: PartnerContext, msg: UcspMessage): Verdict {
  const { bugs, store } = ctx;
  const t = msg.trxInfo as { orderId: string; userId: string; contractId?: string };
  const signed = msg.msgResponse?.responseCode === '00';
  // BUG requireContractIdInSigningNotice: a refusal (no contractId) is taken for a malformed notice.
  if (bugs.requireContractIdInSigningNotice && !t.contractId) return { code: '10', reason: 'trxInfo.contractId is missing' };
  const s = store.signings.get(t.orderId);
  if (!s) {
    if (bugs.acceptUnknownSigningNotice && signed && t.contractId) {
      // BUG acceptUnknownSigningNotice: the notice is trusted to say whose contract it is.
      store.contracts.set(t.contractId, { contractId: t.contractId, userId: t.userId, status: 'ACTIVE' });
      return { code: '00', reason: `processed (contract ${t.contractId} for ${t.userId})` };
    }
    return unknownOrder(ctx, `no auto-debit signing request ${t.orderId}`);
  }
  // BUG ignoreSigningNoticeUser: the notice's userId is taken, not compared.
  if (bugs.ignoreSigningNoticeUser && s.status === 'PENDING') s.userId = t.userId;
  const diff = differences(msg.trxInfo, { ...(bugs.ignoreNoticeMerId ? {} : { merId: ctx.merId }), userId: s.userId });
  if (diff.length && !bugs.ignoreNoticeAmountMismatch) return { code: '36', reason: diff.join(', ') };
  const key = `${t.orderId}/SIGN`;
  if ((store.processedNotices.has(key) || s.status !== 'PENDING') && !bugs.applyDuplicateNotice) {
    const conflicting = signed ? s.status === 'FAILED' : s.status === 'SUCCEEDED';
    if (conflicting && bugs.answerConflictingNoticeWith36) return { code: '36', reason: `signing ${t.orderId} is already ${s.status}` };
    if (!(conflicting && bugs.lastNoticeWins)) return { code: '00', reason: `duplicate: signing ${t.orderId} is already ${s.status}` };
  }
  applySigningResult(ctx, s, signed, t.contractId, bugs.applyDuplicateNotice || bugs.lastNoticeWins);
  store.processedNotices.add(key);
  return { code: '00', reason: 'processed' };
}

export function noticeHandler(ctx: PartnerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = processNotice(ctx, raw); // the result is applied before the answer is sent
    ctx.log(`← ${outcome.msgInfo.msgType} ${outcome.trxInfo.orderId ?? ''} → ${outcome.code} ${outcome.reason}`);
    if (!(await ctx.answerAfter(ctx.slowness.slowNoticeMs, `the notice for ${outcome.trxInfo.orderId ?? '?'}`))) return;
    if (ctx.bugs.answerNoticeWith500) {
      // BUG answerNoticeWith500: the notice was processed, but UCSP sees a failed delivery.
      res.status(500).type('text/plain; charset=utf-8').send('internal error\n');
      return;
    }
    res.status(200).type('application/json; charset=utf-8').send(noticeAnswerText(ctx, outcome));
  };
}
