/**
 * Unpaid orders do not stay open for ever: a frontend payment order still awaiting its user
 * `expiryMs` after UCSP took it fails, and the partner gets PAYMENT_RESULT_NOTICE 01 (the runtime's
 * `onExpire`). On the virtual clock, with one timer for the earliest deadline however many orders
 * wait (deadlines come in the order the orders do); after a restart the deadlines are found again
 * from the orders themselves (their createdAt), so durable state needs nothing more.
 *
 * With state shared by several instances (PostgreSQL, `jobs`), every instance tracks every order
 * (its own, and those others wrote: track() keeps the queue in deadline order whoever took them)
 * and a deadline that falls due is a job (issuer-watch.ts, StepJobs): run in one unit of the store
 * on state just caught up, it fails only orders still awaiting their user — so each once, by the
 * first instance whose clock gets there.
 */
import type { VirtualClock } from '../clock/virtual-clock.js';
import type { Ledger } from '../protocol/ledger.js';
import type { PaymentOrder } from '../protocol/payment-machine.js';
import type { StepJobs } from './issuer-watch.js';

export interface ExpiryOptions {
  ledger: Ledger;
  clock: VirtualClock;
  expiryMs: number;
  /** Called for an order still awaiting its user when its time has run out. */
  onExpire(orderId: string): void;
  /** Several instances share the orders (PostgreSQL): each deadline that falls due runs as a job. */
  jobs?: StepJobs;
}

export class OrderExpiry {
  /** orderIds by deadline, earliest first (the ledger's own strings: a pointer each); `head` is the first not yet looked at. */
  private queue: string[] = [];
  private head = 0;
  private timer: { id: number; at: number } | undefined;

  constructor(private readonly o: ExpiryOptions) {}

  /** The order when it is a frontend payment order awaiting its user (each call reads it from the ledger once). */
  private waiting(orderId: string): PaymentOrder | undefined {
    const p = this.o.ledger.payment(orderId);
    return p !== undefined && p.source === 'frontend' && p.status === 'AWAITING_USER' ? p : undefined;
  }

  /** A new order awaits its user (the SUBMIT_PAYMENT_ORDER handler's `expiry` effect). */
  track(orderId: string): void {
    const p = this.waiting(orderId);
    if (!p) return;
    // orders come in the order of their deadlines (the clock never goes back) — except, with shared
    // state, one another instance took: then it goes where its deadline is
    let i = this.queue.length;
    if (this.o.jobs) while (i > this.head && (this.o.ledger.payment(this.queue[i - 1]!)?.createdAt ?? 0) > p.createdAt) i--;
    if (i === this.queue.length) this.queue.push(p.orderId);
    else this.queue.splice(i, 0, p.orderId);
    this.arm();
  }

  /** An order left AWAITING_USER (paid, abandoned): the timer follows the earliest order still waiting. */
  refresh(): void {
    this.arm();
  }

  /** Finds the deadlines again from the orders (after a restart from durable state). */
  resume(): void {
    const waiting = [...this.o.ledger.orders.values()].filter((o) => o.kind === 'PAY' && this.waiting(o.orderId) !== undefined);
    waiting.sort((a, b) => a.createdAt - b.createdAt);
    this.queue = waiting.map((p) => p.orderId);
    this.head = 0;
    this.arm();
  }

  /** Forgets every deadline (reset, shutdown). */
  stop(): void {
    if (this.timer) this.o.clock.clearTimer(this.timer.id);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
  }

  /** When UCSP fails the order if it is still unpaid: for a frontend order awaiting its user. */
  deadline(orderId: string): number | undefined {
    const p = this.waiting(orderId);
    return p ? p.createdAt + this.o.expiryMs : undefined;
  }

  /** How many orders are queued for a deadline (for inspection; some may have been paid since). */
  get size(): number {
    return this.queue.length - this.head;
  }

  private arm(): void {
    // orders no longer waiting need no deadline
    let first: PaymentOrder | undefined;
    while (this.head < this.queue.length && !(first = this.waiting(this.queue[this.head]!))) this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const next = this.queue[this.head];
    const at = first === undefined ? undefined : first.createdAt + this.o.expiryMs;
    if (this.timer && this.timer.at === at) return;
    if (this.timer) this.o.clock.clearTimer(this.timer.id);
    if (next === undefined || at === undefined) {
      this.timer = undefined;
      return;
    }
    const label = `UCSP fails unpaid order ${next} (${this.o.expiryMs / 1000} s without payment)`;
    const jobs = this.o.jobs;
    if (!jobs) {
      this.timer = { id: this.o.clock.setTimer(at, () => this.fire(), label), at };
      return;
    }
    // shared: the job runs later (in a unit); meanwhile this timer stays the one armed for `at`
    const id: number = this.o.clock.setTimer(at, () => jobs.run(label, () => this.fireShared(id)), label);
    this.timer = { id, at };
  }

  private fire(): void {
    this.timer = undefined;
    this.expireDue();
    this.arm();
  }

  /** The job of the timer `id` (shared state): whether it failed any order (false: paid or failed meanwhile, here or elsewhere). */
  private fireShared(id: number): boolean {
    if (this.timer?.id === id) this.timer = undefined;
    const made = this.expireDue();
    this.arm();
    return made > 0;
  }

  /** Fails the orders whose time has run out (those still awaiting their user): how many. */
  private expireDue(): number {
    const now = this.o.clock.now();
    let n = 0;
    while (this.head < this.queue.length) {
      const orderId = this.queue[this.head]!;
      const at = this.deadline(orderId);
      if (at !== undefined && at > now) break;
      this.head++;
      if (at !== undefined) {
        this.o.onExpire(orderId);
        n++;
      }
    }
    return n;
  }
}
