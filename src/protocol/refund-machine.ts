/**
 * A cancellation or refund order: PROCESSING ──issuer-approved──▶ APPROVED
 *                                               └─issuer-declined──▶ DECLINED
 * plus the pure admission rules of PROFILE §6.9 and §6.10 against the original payment.
 */
import { UcspError } from '../errors/index.js';
import { refundable, type PaymentOrder } from './payment-machine.js';
import { illegal } from './transition.js';

export const REFUND_STATUSES = ['PROCESSING', 'APPROVED', 'DECLINED'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export interface RefundOrder {
  kind: 'CANCEL' | 'REFUND';
  orderId: string;
  origOrderId: string;
  origQryId: string;
  merId: string;
  txnAmt: string;
  currencyCode: string;
  txnTime: string;
  backUrl: string;
  status: RefundStatus;
  /** UCSP's first answer to it (00 approved at once, 05 pending): a repeat of the same request gets it again. */
  answered?: '00' | '05';
  queryId?: string;
  createdAt: number;
  finalAt?: number;
}

export type RefundEvent = { type: 'issuer-approved'; queryId: string; at: number } | { type: 'issuer-declined'; queryId: string; at: number };

export function refundTransition(r: RefundOrder, e: RefundEvent): RefundOrder {
  if (r.status !== 'PROCESSING') return illegal(`${r.kind.toLowerCase()} ${r.orderId}`, r.status, e.type);
  return { ...r, status: e.type === 'issuer-approved' ? 'APPROVED' : 'DECLINED', queryId: e.queryId, finalAt: e.at };
}

/** PROFILE §6.9: a cancellation must be of the full amount of an approved, untouched payment. */
export function admitCancellation(p: PaymentOrder, req: { merId: string; txnAmt: string }): void {
  if (req.merId !== p.merId) throw new UcspError('incorrect', 'merId differs from the original payment');
  if (p.status !== 'APPROVED') throw new UcspError('incorrect', `original payment is not approved (${p.status})`);
  if (p.cancelled) throw new UcspError('incorrect', 'original payment is already cancelled');
  if (p.refundedAmt > 0 || p.reservedAmt > 0) throw new UcspError('incorrect', 'original payment is already (being) refunded or cancelled');
  if (req.txnAmt !== p.txnAmt) throw new UcspError('incorrect', `cancellation amount ${req.txnAmt} must equal the original amount ${p.txnAmt}`);
}

/** PROFILE §6.10: a refund of at most what remains refundable, in the payment's currency. */
export function admitRefund(p: PaymentOrder, req: { merId: string; txnAmt: string; currencyCode: string }): void {
  if (req.merId !== p.merId) throw new UcspError('incorrect', 'merId differs from the original payment');
  if (p.status !== 'APPROVED') throw new UcspError('incorrect', `original payment is not approved (${p.status})`);
  if (p.cancelled) throw new UcspError('incorrect', 'original payment is cancelled');
  if (req.currencyCode !== p.currencyCode) throw new UcspError('incorrect', `currency ${req.currencyCode} differs from the payment's ${p.currencyCode}`);
  const left = refundable(p);
  if (Number(req.txnAmt) > left) throw new UcspError('incorrect', `refund amount ${req.txnAmt} exceeds what remains refundable (${left})`);
}
