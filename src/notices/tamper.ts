/**
 * Copies of a notice that are not the notice itself: tampered or forged ones (the control API's
 * "tamper" fault, `POST /control/notices/:id/send` with `tamper`), edited ones (`trxInfo`), and a
 * second notice with another result (`result`, a conflicting notice).
 *
 * A copy is a message of its own, as an attacker's, a misrouted or a second UCSP message would be:
 * it carries a fresh msgID and timeStamp (never the genuine notice's), and it is validly signed by
 * UCSP unless the tamper is `signature`. Only an untouched resend is the genuine text, byte for byte.
 */
import { RESPONSE_MESSAGES, UcspError } from '../errors/index.js';
import { signMessage, type SignatureVariant, type SignerCredentials } from '../crypto/index.js';

export type Tamper = 'signature' | 'amount' | 'unknown-order' | 'currency' | 'txn-type' | 'mer-id' | 'orig-qry-id';
export const TAMPERS: readonly Tamper[] = ['signature', 'amount', 'unknown-order', 'currency', 'txn-type', 'mer-id', 'orig-qry-id'];

/** The result a second notice may carry (PROFILE §6.3, §6.6: 00 or 01). */
export type NoticeResult = '00' | '01';
export const NOTICE_RESULTS: readonly NoticeResult[] = ['00', '01'];

/** What makes a copy differ from the genuine notice; an empty request is a byte-identical resend. */
export interface CopyRequest {
  tamper?: Tamper;
  /** trxInfo fields replaced (or added) in the copy. */
  edit?: Record<string, string>;
  /** The copy's msgResponse: a second notice with this result. */
  result?: NoticeResult;
}

export interface CopyContext {
  signer: SignerCredentials;
  variant: SignatureVariant;
  /** The copy's own msgID and timeStamp (UCSP's form, the wall clock now). */
  fresh(): { msgID: string; timeStamp: string };
  /** A new contractId, for a refused signing turned into a signed one without one given. */
  contractId(): string;
}

interface NoticeMessage {
  msgInfo: Record<string, string>;
  trxInfo: Record<string, string>;
  msgResponse?: { responseCode: string; responseMsg: string };
  certificateSignature?: unknown;
}

/** The trxInfo field each tamper changes; a notice without it cannot be tampered that way. */
const NEEDS: Partial<Record<Tamper, string>> = { amount: 'txnAmt', currency: 'currencyCode', 'txn-type': 'txnType', 'orig-qry-id': 'origQryId' };

/** Why `how` cannot apply to this notice (it lacks the field), or undefined when it can. */
export function tamperProblem(message: { msgInfo?: { msgType?: string }; trxInfo?: Record<string, string> }, how: Tamper): string | undefined {
  const field = NEEDS[how];
  if (!field || message.trxInfo?.[field] !== undefined) return undefined;
  return `tamper "${how}" changes trxInfo.${field}, which this ${message.msgInfo?.msgType ?? 'notice'} does not carry`;
}

/** Whether the copy differs from the genuine notice at all. */
export function isAltered(req: CopyRequest): boolean {
  return req.tamper !== undefined || req.result !== undefined || (req.edit !== undefined && Object.keys(req.edit).length > 0);
}

/** A short label for the journal and the notice's attempts: `amount`, `edited: userId`, `result 01`. */
export function describeCopy(req: CopyRequest): string {
  const parts: string[] = [];
  if (req.tamper) parts.push(req.tamper);
  if (req.edit && Object.keys(req.edit).length) parts.push(`edited: ${Object.keys(req.edit).join(', ')}`);
  if (req.result) parts.push(`result ${req.result}`);
  return parts.join(', ');
}

function otherMerId(merId: string): string {
  return merId === '999999999999999' ? '888888888888888' : '999999999999999';
}

/** Another valid origQryId (21 characters of [0-9A-Za-z]): the last six characters replaced. */
function otherQueryId(q: string): string {
  const tail = q.slice(-6) === '999999' ? '000000' : '999999';
  return `${q.slice(0, -6)}${tail}`;
}

/** PAY → REFUND (of that payment: origQryId is its queryId, no tn); REFUND ↔ CANCEL. */
function otherTxnType(trx: Record<string, string>): void {
  if (trx.txnType === 'PAY') {
    trx.txnType = 'REFUND';
    trx.origQryId = trx.queryId ?? trx.origQryId ?? '';
    delete trx.tn;
  } else {
    trx.txnType = trx.txnType === 'REFUND' ? 'CANCEL' : 'REFUND';
  }
}

function tamperTrx(trx: Record<string, string>, how: Tamper, freshId: string): void {
  switch (how) {
    case 'amount':
      trx.txnAmt = (BigInt(trx.txnAmt ?? '0') + 1n).toString();
      return;
    case 'currency':
      trx.currencyCode = trx.currencyCode === '840' ? '344' : '840';
      return;
    case 'unknown-order':
      // an orderId the partner never sent: derived from the copy's own msgID, so unique
      trx.orderId = `ZZUNKNOWN${freshId.slice(-20)}`.slice(0, 40);
      return;
    case 'txn-type':
      otherTxnType(trx);
      return;
    case 'mer-id':
      trx.merId = otherMerId(trx.merId ?? '');
      return;
    case 'orig-qry-id':
      trx.origQryId = otherQueryId(trx.origQryId ?? '');
      return;
    case 'signature':
      return;
  }
}

/** One character of the signature changed: the text no longer verifies (the partner must answer 11). */
function breakSignature(text: string): string {
  const sig = (JSON.parse(text) as { certificateSignature: { signature: string } }).certificateSignature.signature;
  const i = Math.floor(sig.length / 2);
  const flipped = sig.slice(0, i) + (sig[i] === 'A' ? 'B' : 'A') + sig.slice(i + 1);
  return text.replace(`"${sig}"`, `"${flipped}"`);
}

/**
 * The text of a copy of the notice `text`. An empty request gives `text` itself (a byte-identical
 * resend). Otherwise the copy has its own msgID and timeStamp and is signed by UCSP; with `tamper:
 * "signature"` one character of that signature is then changed. Throws (409) when the tamper needs
 * a field the notice lacks.
 *
 * `amount`: txnAmt + 1 (36) · `currency`: another currencyCode (36) · `unknown-order`: an orderId
 * the partner never made (34) · `txn-type`: PAY → REFUND, REFUND ↔ CANCEL (34 or 36) · `mer-id`:
 * another merId (36) · `orig-qry-id`: another origQryId (34 or 36) · `signature` (11).
 */
export function makeCopy(text: string, req: CopyRequest, ctx: CopyContext): string {
  if (!isAltered(req)) return text;
  const original = JSON.parse(text) as NoticeMessage;
  if (req.tamper) {
    const problem = tamperProblem(original, req.tamper);
    if (problem) throw new UcspError('incorrect', problem);
  }
  const fresh = ctx.fresh();
  const trx = { ...original.trxInfo };
  if (req.tamper) tamperTrx(trx, req.tamper, fresh.msgID);
  if (req.edit) Object.assign(trx, req.edit);
  let msgResponse = original.msgResponse;
  if (req.result) {
    msgResponse = { responseCode: req.result, responseMsg: RESPONSE_MESSAGES[req.result] };
    if (original.msgInfo.msgType === 'SIGN_AUTO_DEBIT_NOTICE') {
      // a signing carries its contractId (PROFILE §6.6), a refusal none
      if (req.result === '00' && trx.contractId === undefined) trx.contractId = ctx.contractId();
      if (req.result === '01' && req.edit?.contractId === undefined) delete trx.contractId;
    }
  }
  const { certificateSignature: _sig, ...rest } = original;
  const copy = { ...rest, msgInfo: { ...original.msgInfo, ...fresh }, trxInfo: trx, ...(msgResponse ? { msgResponse } : {}) };
  const signed = signMessage(copy, ctx.signer, { variant: ctx.variant });
  return req.tamper === 'signature' ? breakSignature(signed) : signed;
}
