/**
 * UCSP's side of the downstream system (PROFILE §6.8, seed "3.3 Backend Payment Flow"): after a
 * transaction is accepted, inquire the issuer with waits of 0, 1, 2, 4, 8, 16, 32 s between
 * inquiries (at +0, 1, 3, 7, 15, 31, 63 s; offsets 0, 1, 2, … are a profile option) and stop at the
 * first final status or at the issuer's own notification.
 */
import type { VirtualClock } from '../clock/virtual-clock.js';
import type { Journal } from '../journal/journal.js';
import { issuerStatusAt, type IssuerTxn } from '../protocol/issuer-rules.js';
import type { Ledger } from '../protocol/ledger.js';

export interface WatchOptions {
  ledger: Ledger;
  clock: VirtualClock;
  journal: Journal;
  /** When UCSP inquires, counted from the start of the watch (ms): see inquiryOffsetsMs. */
  inquiryScheduleMs: readonly number[];
  wallNow(): number;
  /** Called once when the issuer's final status is known. */
  onFinal(orderId: string, status: 'APPROVED' | 'DECLINED'): void;
}

interface Watch {
  ref: string;
  orderId: string;
  start: number;
  index: number;
  timers: number[];
}

export class IssuerWatch {
  private readonly watches = new Map<string, Watch>();

  constructor(private readonly o: WatchOptions) {}

  /** The issuer reference of an order: its tn for payments, its own orderId for refunds. */
  refOf(orderId: string): string | undefined {
    const p = this.o.ledger.payment(orderId);
    if (p) return p.tn;
    return this.o.ledger.refund(orderId)?.orderId;
  }

  /** Whether UCSP is still inquiring the issuer about this order. */
  watching(orderId: string): boolean {
    const ref = this.refOf(orderId);
    return ref !== undefined && this.watches.has(ref);
  }

  watch(orderId: string): void {
    const ref = this.refOf(orderId);
    const txn = ref ? this.o.ledger.issuer.get(ref) : undefined;
    if (!ref || !txn) return;
    if (txn.status !== 'PENDING') {
      this.o.onFinal(orderId, txn.status);
      return;
    }
    const w: Watch = { ref, orderId, start: this.o.clock.now(), index: 0, timers: [] };
    this.watches.set(ref, w);
    this.armInquiry(w);
    if (txn.notifies && txn.decidesAt !== undefined) {
      w.timers.push(this.o.clock.setTimer(txn.decidesAt, () => this.issuerNotifies(ref), `the issuer's own notification for order ${orderId}`));
    }
  }

  /** Re-arms watches for pending transactions (after a restart). */
  resume(pending: { ref: string; orderId: string; start: number; index: number }[]): void {
    for (const p of pending) {
      const txn = this.o.ledger.issuer.get(p.ref);
      if (!txn || txn.status !== 'PENDING') continue;
      const w: Watch = { ...p, timers: [] };
      this.watches.set(p.ref, w);
      this.armInquiry(w);
      if (txn.notifies && txn.decidesAt !== undefined) w.timers.push(this.o.clock.setTimer(txn.decidesAt, () => this.issuerNotifies(p.ref), `the issuer's own notification for order ${p.orderId}`));
    }
  }

  /** Current watches, for persistence. */
  pending(): { ref: string; orderId: string; start: number; index: number }[] {
    return [...this.watches.values()].map(({ ref, orderId, start, index }) => ({ ref, orderId, start, index }));
  }

  stop(): void {
    for (const w of this.watches.values()) for (const t of w.timers) this.o.clock.clearTimer(t);
    this.watches.clear();
  }

  private armInquiry(w: Watch): void {
    const offset = this.o.inquiryScheduleMs[w.index];
    if (offset === undefined) return;
    w.timers.push(this.o.clock.setTimer(w.start + offset, () => this.inquire(w.ref), `UCSP's inquiry #${w.index + 1} of the issuer for order ${w.orderId}`));
  }

  private record(ref: string, orderId: string, direction: 'in' | 'out', body: object, note?: string, replyTo?: number): number {
    return this.o.journal.add({ at: this.o.clock.now(), wallAt: this.o.wallNow(), direction, channel: 'issuer', orderId, raw: JSON.stringify(body), ...(note ? { note } : {}), ...(replyTo !== undefined ? { replyTo } : {}) }).seq;
  }

  private inquire(ref: string): void {
    const w = this.watches.get(ref);
    const txn = this.o.ledger.issuer.get(ref);
    if (!w || !txn) return;
    const now = this.o.clock.now();
    const at = issuerStatusAt({ ...txn, inquiries: txn.inquiries + 1 }, now);
    this.o.ledger.issuer.set(ref, at);
    const asked = this.record(ref, w.orderId, 'out', { inquire: ref, n: w.index + 1, offsetMs: now - w.start }, `UCSP inquires the issuer (#${w.index + 1})`);
    this.record(ref, w.orderId, 'in', { ref, status: at.status }, undefined, asked);
    w.index++;
    if (at.status !== 'PENDING') return this.finish(w, at);
    this.armInquiry(w);
  }

  private issuerNotifies(ref: string): void {
    const w = this.watches.get(ref);
    const txn = this.o.ledger.issuer.get(ref);
    if (!w || !txn) return;
    const at = issuerStatusAt(txn, this.o.clock.now());
    if (at.status === 'PENDING') return;
    this.o.ledger.issuer.set(ref, at);
    this.record(ref, w.orderId, 'in', { ref, status: at.status }, "the issuer's own notification");
    this.finish(w, at);
  }

  private finish(w: Watch, txn: IssuerTxn): void {
    for (const t of w.timers) this.o.clock.clearTimer(t);
    this.watches.delete(w.ref);
    if (txn.status !== 'PENDING') this.o.onFinal(w.orderId, txn.status);
  }
}
