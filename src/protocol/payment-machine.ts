/**
 * A payment order (frontend SUBMIT_PAYMENT_ORDER or backend SUBMIT_AUTO_DEBIT).
 *
 *   AWAITING_USER ──user-pay──▶ PROCESSING ──issuer-approved──▶ APPROVED
 *        │  ▲                       │      └─issuer-declined──▶ DECLINED
 *        │  └────issuer-error───────┘
 *        ├──user-abandon──▶ DECLINED
 *        └──expire────────▶ DECLINED   (unpaid when its time ran out)
 *
 * Auto-debit orders start in PROCESSING. Refunds and cancellations of an APPROVED payment are
 * tracked on it as reserved (pending) and refunded amounts.
 */
import { illegal } from './transition.js';

export const PAYMENT_STATUSES = ['AWAITING_USER', 'PROCESSING', 'APPROVED', 'DECLINED'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface PaymentOrder {
  kind: 'PAY';
  source: 'frontend' | 'auto-debit';
  orderId: string;
  merId: string;
  acqIIN: string;
  txnAmt: string;
  currencyCode: string;
  txnTime: string;
  userId: string;
  backUrl: string;
  frontUrl?: string;
  orderDesc?: string;
  contractId?: string;
  tn: string;
  status: PaymentStatus;
  queryId?: string;
  card?: string;
  /** Minor units held by refunds or cancellations still in progress. */
  reservedAmt: number;
  /** Minor units refunded or cancelled successfully. */
  refundedAmt: number;
  cancelled: boolean;
  createdAt: number;
  finalAt?: number;
}

export type PaymentEvent =
  | { type: 'user-pay'; card: string }
  | { type: 'user-abandon'; queryId: string; at: number }
  | { type: 'expire'; queryId: string; at: number }
  | { type: 'issuer-approved'; queryId: string; at: number }
  | { type: 'issuer-declined'; queryId: string; at: number }
  | { type: 'issuer-error' }
  | { type: 'reserve'; amount: number }
  | { type: 'release'; amount: number }
  | { type: 'refunded'; amount: number; cancel: boolean };

export function isFinal(p: PaymentOrder): boolean {
  return p.status === 'APPROVED' || p.status === 'DECLINED';
}

/** What is still refundable: approved amount less refunded and reserved. */
export function refundable(p: PaymentOrder): number {
  if (p.status !== 'APPROVED' || p.cancelled) return 0;
  return Number(p.txnAmt) - p.refundedAmt - p.reservedAmt;
}

export function paymentTransition(p: PaymentOrder, e: PaymentEvent): PaymentOrder {
  const no = () => illegal(`order ${p.orderId}`, p.status, e.type);
  switch (e.type) {
    case 'user-pay':
      return p.status === 'AWAITING_USER' ? { ...p, status: 'PROCESSING', card: e.card } : no();
    case 'user-abandon':
    case 'expire':
      return p.status === 'AWAITING_USER' ? { ...p, status: 'DECLINED', queryId: e.queryId, finalAt: e.at } : no();
    case 'issuer-approved':
      return p.status === 'PROCESSING' ? { ...p, status: 'APPROVED', queryId: e.queryId, finalAt: e.at } : no();
    case 'issuer-declined':
      return p.status === 'PROCESSING' ? { ...p, status: 'DECLINED', queryId: e.queryId, finalAt: e.at } : no();
    case 'issuer-error':
      // frontend: the user may try again; auto-debit orders are never stored on an issuer error
      return p.status === 'PROCESSING' && p.source === 'frontend' ? { ...p, status: 'AWAITING_USER' } : no();
    case 'reserve':
      return e.amount > 0 && e.amount <= refundable(p) ? { ...p, reservedAmt: p.reservedAmt + e.amount } : no();
    case 'release':
      return e.amount > 0 && e.amount <= p.reservedAmt ? { ...p, reservedAmt: p.reservedAmt - e.amount } : no();
    case 'refunded':
      if (e.amount <= 0 || e.amount > p.reservedAmt) return no();
      return { ...p, reservedAmt: p.reservedAmt - e.amount, refundedAmt: p.refundedAmt + e.amount, cancelled: p.cancelled || e.cancel };
  }
}
