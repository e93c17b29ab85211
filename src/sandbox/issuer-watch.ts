/**
 * UCSP's side of the downstream system (PROFILE §6.8, seed "3.3 Backend Payment Flow"): after a
 * transaction is accepted, inquire the issuer with waits of 0, 1, 2, 4, 8, 16, 32 s between
 * inquiries (at +0, 1, 3, 7, 15, 31, 63 s; offsets 0, 1, 2, … are a profile option) and stop at the
 * first final status or at the issuer's own notification.
 *
 * With state shared by several instances (PostgreSQL) each step is a job of every instance (`jobs`):
 * every instance arms every watch — its own, and those it follows from the issuer transactions
 * others wrote (follow(): the watch starts at the transaction's createdAt and is at its inquiry
 * count) — and when a step falls due the instance runs it in one unit of the store, under the
 * partner's lock on state just caught up: only if the step is still to be made (the transaction
 * pending, at that inquiry), so each is made once, by the first instance whose clock gets there.
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
  /** Several instances share the watches (PostgreSQL): each due step runs as a job (see the top). */
  jobs?: StepJobs;
}

/**
 * Due steps as jobs of several instances: `work` runs in one unit of the shared store (under the
 * partner's lock, on state just caught up, written before the lock is let go); it says whether it
 * made the step (false: another instance had, or it was no longer due). The promise ends with it.
 */
export interface StepJobs {
  run(label: string, work: () => boolean): Promise<void>;
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
    // shared: counted from the transaction's start, as every instance that follows it counts
    const w: Watch = { ref, orderId, start: this.o.jobs ? txn.createdAt : this.o.clock.now(), index: 0, timers: [] };
    this.watches.set(ref, w);
    this.armInquiry(w);
    if (txn.notifies && txn.decidesAt !== undefined) this.armNotification(w, txn.decidesAt);
  }

  /**
   * Shared state: an issuer transaction another instance wrote (or stored when this one started).
   * Pending, its watch is this instance's too, at the inquiry it is at; final, the watch ends here
   * without a word (the instance that found it final settled the order in the same unit).
   */
  follow(txn: IssuerTxn): void {
    const known = this.watches.get(txn.ref);
    if (known && txn.status === 'PENDING' && known.index === txn.inquiries) return;
    if (known) this.forget(known);
    if (txn.status !== 'PENDING') return;
    const w: Watch = { ref: txn.ref, orderId: txn.orderId, start: txn.createdAt, index: txn.inquiries, timers: [] };
    this.watches.set(txn.ref, w);
    this.armInquiry(w);
    if (txn.notifies && txn.decidesAt !== undefined) this.armNotification(w, txn.decidesAt);
  }

  /** Re-arms watches for pending transactions (after a restart). */
  resume(pending: { ref: string; orderId: string; start: number; index: number }[]): void {
    for (const p of pending) {
      const txn = this.o.ledger.issuer.get(p.ref);
      if (!txn || txn.status !== 'PENDING') continue;
      const w: Watch = { ...p, timers: [] };
      this.watches.set(p.ref, w);
      this.armInquiry(w);
      if (txn.notifies && txn.decidesAt !== undefined) this.armNotification(w, txn.decidesAt);
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
    const label = `UCSP's inquiry #${w.index + 1} of the issuer for order ${w.orderId}`;
    const jobs = this.o.jobs;
    const index = w.index;
    w.timers.push(this.o.clock.setTimer(w.start + offset, jobs ? () => jobs.run(label, () => this.inquire(w.ref, index)) : () => void this.inquire(w.ref), label));
  }

  private armNotification(w: Watch, at: number): void {
    const label = `the issuer's own notification for order ${w.orderId}`;
    const jobs = this.o.jobs;
    w.timers.push(this.o.clock.setTimer(at, jobs ? () => jobs.run(label, () => this.issuerNotifies(w.ref)) : () => void this.issuerNotifies(w.ref), label));
  }

  /** Ends a watch here: its timers, its entry. */
  private forget(w: Watch): void {
    for (const t of w.timers) this.o.clock.clearTimer(t);
    this.watches.delete(w.ref);
  }

  private record(ref: string, orderId: string, direction: 'in' | 'out', body: object, note?: string, replyTo?: number): number {
    return this.o.journal.add({ at: this.o.clock.now(), wallAt: this.o.wallNow(), direction, channel: 'issuer', orderId, raw: JSON.stringify(body), ...(note ? { note } : {}), ...(replyTo !== undefined ? { replyTo } : {}) }).seq;
  }

  /** Inquiry #index + 1 (shared: only if it is still the one to make; else false). */
  private inquire(ref: string, index?: number): boolean {
    const w = this.watches.get(ref);
    const txn = this.o.ledger.issuer.get(ref);
    if (!w || !txn) return false;
    if (index !== undefined && (w.index !== index || txn.inquiries !== index || txn.status !== 'PENDING')) return false;
    const now = this.o.clock.now();
    const at = issuerStatusAt({ ...txn, inquiries: txn.inquiries + 1 }, now);
    this.o.ledger.issuer.set(ref, at);
    const asked = this.record(ref, w.orderId, 'out', { inquire: ref, n: w.index + 1, offsetMs: now - w.start }, `UCSP inquires the issuer (#${w.index + 1})`);
    this.record(ref, w.orderId, 'in', { ref, status: at.status }, undefined, asked);
    w.index++;
    if (at.status !== 'PENDING') this.finish(w, at);
    else this.armInquiry(w);
    return true;
  }

  private issuerNotifies(ref: string): boolean {
    const w = this.watches.get(ref);
    const txn = this.o.ledger.issuer.get(ref);
    if (!w || !txn) return false;
    const at = issuerStatusAt(txn, this.o.clock.now());
    if (at.status === 'PENDING') return false;
    this.o.ledger.issuer.set(ref, at);
    this.record(ref, w.orderId, 'in', { ref, status: at.status }, "the issuer's own notification");
    this.finish(w, at);
    return true;
  }

  private finish(w: Watch, txn: IssuerTxn): void {
    this.forget(w);
    if (txn.status !== 'PENDING') this.o.onFinal(w.orderId, txn.status);
  }
}
