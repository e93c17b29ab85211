/**
 * What the partner believes, in memory: its payments, its cancellations and refunds, its
 * auto-debit signing requests and contracts, browser sessions, and what it must not accept twice
 * (login msgIDs, processed notices). Amounts are minor-unit digit strings, summed with BigInt.
 */

export type PaymentStatus = 'CREATED' | 'PAID' | 'FAILED' | 'CANCELLED' | 'PARTIALLY_REFUNDED' | 'REFUNDED';
/** Status of a cancellation, a refund, or an auto-debit signing request. */
export type RequestStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED';

/** A payment: frontend (SUBMIT_PAYMENT_ORDER) or backend (SUBMIT_AUTO_DEBIT). */
export interface Payment {
  orderId: string;
  status: PaymentStatus;
  txnAmt: string;
  currencyCode: string;
  /** Sum of the succeeded refunds (a cancellation sets CANCELLED and does not count here). */
  refundedAmt: string;
  /** txnTime of the request that created it; a resubmission repeats it (same content). */
  txnTime: string;
  userId?: string;
  contractId?: string;
  /** UCSP's transaction number, from the SUBMIT_PAYMENT_ORDER answer. */
  tn?: string;
  /** UCSP's ID of the completed payment, from its notice or inquiry: the origQryId of refunds. */
  queryId?: string;
}

/** A cancellation or a refund of a payment: an order of its own with its own orderId. */
export interface RefundOrder {
  orderId: string;
  kind: 'CANCEL' | 'REFUND';
  origOrderId: string;
  origQryId: string;
  status: RequestStatus;
  txnAmt: string;
  currencyCode: string;
  queryId?: string;
}

export interface SigningRequest {
  orderId: string;
  userId: string;
  status: RequestStatus;
  contractId?: string;
}

export interface Contract {
  contractId: string;
  userId: string;
  status: 'ACTIVE' | 'CLOSED';
}

export const addMinor = (a: string, b: string): string => (BigInt(a) + BigInt(b)).toString();
export const subMinor = (a: string, b: string): string => (BigInt(a) - BigInt(b)).toString();
export const lessOrEqual = (a: string, b: string): boolean => BigInt(a) <= BigInt(b);

export class PartnerStore {
  readonly payments = new Map<string, Payment>();
  readonly refunds = new Map<string, RefundOrder>();
  readonly signings = new Map<string, SigningRequest>();
  readonly contracts = new Map<string, Contract>();
  /** Session ID (the ucsp_session cookie) → userId. */
  readonly sessions = new Map<string, string>();
  /** Login msgID → epoch ms after which it may be forgotten (it would be stale by then anyway). */
  readonly seenLoginMsgIds = new Map<string, number>();
  /** `orderId/txnType` of every notice whose effect has been applied. */
  readonly processedNotices = new Set<string>();
  /** msgIDs of the validly signed notices received (a repeat is recognised by them, or by the order's state). */
  readonly noticeMsgIds = new Set<string>();

  reset(): void {
    this.payments.clear();
    this.refunds.clear();
    this.signings.clear();
    this.contracts.clear();
    this.sessions.clear();
    this.seenLoginMsgIds.clear();
    this.processedNotices.clear();
    this.noticeMsgIds.clear();
  }

  /** Records a login msgID; false when it was already used. */
  rememberLoginMsgId(msgID: string, nowMs: number, keepMs: number): boolean {
    for (const [id, until] of this.seenLoginMsgIds) if (until < nowMs) this.seenLoginMsgIds.delete(id);
    if (this.seenLoginMsgIds.has(msgID)) return false;
    this.seenLoginMsgIds.set(msgID, nowMs + keepMs);
    return true;
  }

  /** Amount of a payment that is still refundable, counting refunds still pending as taken. */
  refundable(payment: Payment): string {
    let left = subMinor(payment.txnAmt, payment.refundedAmt);
    for (const r of this.refunds.values()) {
      if (r.origOrderId === payment.orderId && r.status === 'PENDING') left = subMinor(left, r.txnAmt);
    }
    return left;
  }

  hasPendingRefund(payment: Payment): boolean {
    return [...this.refunds.values()].some((r) => r.origOrderId === payment.orderId && r.status === 'PENDING');
  }

  /** The driver's view of an order (PROFILE §9): a payment first, else a refund, else a signing request. */
  orderView(orderId: string): Record<string, string> | undefined {
    const p = this.payments.get(orderId);
    if (p) return { orderId, status: p.status, txnAmt: p.txnAmt, currencyCode: p.currencyCode, refundedAmt: p.refundedAmt };
    const r = this.refunds.get(orderId);
    if (r) {
      return { orderId, status: r.status, txnAmt: r.txnAmt, currencyCode: r.currencyCode, refundedAmt: '0', kind: r.kind, origOrderId: r.origOrderId };
    }
    const s = this.signings.get(orderId);
    if (s) return { orderId, status: s.status, kind: 'SIGN_AUTO_DEBIT', userId: s.userId, ...(s.contractId ? { contractId: s.contractId } : {}) };
    return undefined;
  }

  contractView(contractId: string): Record<string, string> | undefined {
    const c = this.contracts.get(contractId);
    return c && { contractId: c.contractId, userId: c.userId, status: c.status };
  }
}
