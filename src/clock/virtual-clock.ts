/**
 * The one clock behind every sandbox timer: notice retries, downstream inquiries, pending issuer
 * outcomes. It runs in real time (scale 1), scaled (scale N: N virtual seconds per real second),
 * or manually (scale 0: time moves only when advanced), and can always be advanced on demand, so a
 * six-hour retry schedule is testable in milliseconds.
 *
 * Wire times (timeStamp, txnTime and their skew checks) use the wall clock instead: a partner's
 * own clock is real, and advancing sandbox timers must not make its messages "stale".
 */

import type { InFlight } from './in-flight.js';

type TimerFn = () => void | Promise<void>;

interface Timer {
  id: number;
  at: number;
  seq: number;
  fn: TimerFn;
  /** What the timer does, in words (shown while it runs, e.g. when settling times out). */
  label: string;
}

export interface ClockOptions {
  /** 1 real time, N faster, 0 manual. */
  scale?: number;
  /** Virtual time at creation (epoch ms); default now. */
  start?: number;
  /** Source of real time (tests may inject). */
  realNow?: () => number;
  /** Called after every timer callback has finished (durable state flushes here). */
  afterTimer?: () => void;
  /** Where running timer callbacks and advances are registered, so that settling can wait for them. */
  inFlight?: InFlight;
}

export class VirtualClock {
  private scale: number;
  private readonly realNow: () => number;
  private baseVirtual: number;
  private baseReal: number;
  private timers: Timer[] = [];
  private nextId = 1;
  private seq = 0;
  private handle: NodeJS.Timeout | undefined;
  private advancing: Promise<void> = Promise.resolve();
  /** Advances asked for and not finished. */
  private advances = 0;
  private readonly running = new Set<Promise<void>>();
  /** Work timer callbacks set going that waits on the outside world (a partner's answer); see background(). */
  private readonly holding = new Set<Promise<void>>();
  private readonly loose = new Set<Promise<void>>();
  private closed = false;
  afterTimer: (() => void) | undefined;
  inFlight: InFlight | undefined;

  constructor(options: ClockOptions = {}) {
    this.scale = options.scale ?? 1;
    if (!(this.scale >= 0) || !Number.isFinite(this.scale)) throw new RangeError('time scale must be a number ≥ 0');
    this.realNow = options.realNow ?? Date.now;
    this.afterTimer = options.afterTimer;
    this.inFlight = options.inFlight;
    this.baseReal = this.realNow();
    this.baseVirtual = options.start ?? this.baseReal;
  }

  /** Virtual epoch milliseconds. */
  now(): number {
    return this.baseVirtual + (this.realNow() - this.baseReal) * this.scale;
  }

  get timeScale(): number {
    return this.scale;
  }

  /**
   * Changes the scale from now on (0 manual, 1 real time, N faster); virtual time goes on from
   * where it is, never back.
   */
  setScale(scale: number): void {
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new RangeError('time scale must be a number ≥ 0');
    this.baseVirtual = this.now();
    this.baseReal = this.realNow();
    this.scale = scale;
    this.reschedule();
  }

  /** Timer callbacks running now, and the work they set going in the background. */
  get runningCount(): number {
    return this.running.size + this.holding.size + this.loose.size;
  }

  /**
   * Work a timer callback sets going that waits on the outside world — a notice attempt waiting
   * for the partner's answer. While such work `holdsTime`, an advance does not move the clock past
   * the time it started at (so what it schedules when it ends — the next attempt — fires at its
   * own time, as in real time); all of it started at one instant runs together, so an advance
   * takes as long as the longest, not the sum. Work that does not hold time (an attempt to a
   * partner that left the previous one unanswered) goes on beside the clock. Either is
   * registered in flight (settling waits for it) and followed by the afterTimer hook.
   */
  background(work: Promise<unknown>, label = 'work a sandbox timer set going', holdsTime = true): void {
    const p: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      try {
        this.afterTimer?.();
      } catch {
        // the hook's own failure must not stop the clock
      }
    });
    const set = holdsTime ? this.holding : this.loose;
    set.add(p);
    const done = this.inFlight?.begin('timer', label);
    void p.finally(() => {
      set.delete(p);
      done?.();
    });
  }

  /** True when a timer is due at the current virtual time and has not fired yet. */
  hasDueTimer(): boolean {
    const first = this.timers[0];
    return first !== undefined && first.at <= this.now();
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  /** Time of the next timer, if any. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.at;
  }

  /** Runs `fn` at virtual time `at` (or as soon as possible if that is past). */
  setTimer(at: number, fn: TimerFn, label = 'a sandbox timer'): number {
    const t: Timer = { id: this.nextId++, at, seq: this.seq++, fn, label };
    // keep sorted by (at, seq); timers are few, insertion is fine
    let i = this.timers.length;
    while (i > 0 && this.timers[i - 1]!.at > at) i--;
    this.timers.splice(i, 0, t);
    this.reschedule();
    return t.id;
  }

  setTimeout(delayMs: number, fn: TimerFn, label?: string): number {
    return this.setTimer(this.now() + Math.max(0, delayMs), fn, label);
  }

  clearTimer(id: number): void {
    const i = this.timers.findIndex((t) => t.id === id);
    if (i !== -1) this.timers.splice(i, 1);
    this.reschedule();
  }

  clearAll(): void {
    this.timers = [];
    this.reschedule();
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due in order, each at its own
   * virtual time, and waiting for each (and for timers they set that also fall due) to finish.
   * Work a callback set going in the background that holds time (a partner's answer) is waited
   * for before the clock moves on, all of one instant together; work that does not hold time is
   * not waited for.
   */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0)) return Promise.reject(new RangeError('advance by a number of milliseconds ≥ 0'));
    this.advances++;
    const queued = this.advancing.then(() => this.advanceNow(ms)).finally(() => this.advances--);
    const run = this.inFlight ? this.inFlight.track('clock', `advancing the clock by ${ms} ms`, queued) : queued;
    this.advancing = run.catch(() => undefined);
    return run;
  }

  private async advanceNow(ms: number): Promise<void> {
    const target = this.now() + ms;
    for (;;) {
      const t = this.timers[0];
      if (t && t.at <= target) {
        // time stands while answers are awaited: what they schedule may fall due before t
        if (t.at > this.now() && this.holding.size) {
          await Promise.allSettled([...this.holding]);
          continue;
        }
        this.timers.shift();
        if (t.at > this.now()) this.jumpTo(t.at);
        await this.fire(t);
        continue;
      }
      // callbacks already running on their own (due-now timers), and the answers awaited, may
      // set timers that fall due too
      if (this.running.size) {
        await Promise.allSettled([...this.running]);
        continue;
      }
      if (this.holding.size) {
        await Promise.allSettled([...this.holding]);
        continue;
      }
      break;
    }
    if (target > this.now()) this.jumpTo(target);
    this.reschedule();
  }

  /**
   * Moves time forward to `virtual` at once when nothing would happen on the way — no timer falls
   * due by then, none is running, no advance is under way — as advance() would, synchronously;
   * false (and nothing changed) otherwise. Time never goes back: an earlier `virtual` is true.
   */
  jumpAheadIfIdle(virtual: number): boolean {
    if (virtual <= this.now()) return true;
    if (this.closed || this.advances || this.running.size || this.holding.size) return false;
    const first = this.timers[0];
    if (first && first.at <= virtual) return false;
    this.jumpTo(virtual);
    this.reschedule();
    return true;
  }

  /** Waits until every timer callback that is running, and the work they set going, has finished. */
  async settle(): Promise<void> {
    await this.advancing;
    while (this.runningCount) await Promise.allSettled([...this.running, ...this.holding, ...this.loose]);
  }

  close(): void {
    this.closed = true;
    this.timers = [];
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
  }

  private jumpTo(virtual: number): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    this.baseVirtual = virtual;
    this.baseReal = this.realNow();
  }

  private fire(t: Timer): Promise<void> {
    const p = (async () => {
      try {
        await t.fn();
      } catch {
        // a timer's failure is its owner's to record; the clock keeps running
      }
      try {
        this.afterTimer?.();
      } catch {
        // the hook's own failure must not stop the clock either
      }
    })();
    this.running.add(p);
    const done = this.inFlight?.begin('timer', t.label);
    void p.finally(() => {
      this.running.delete(p);
      done?.();
    });
    return p;
  }

  /** In real or scaled mode, arms one real timeout for the earliest timer. */
  private reschedule(): void {
    if (this.handle) clearTimeout(this.handle);
    this.handle = undefined;
    if (this.closed) return;
    const first = this.timers[0];
    if (!first) return;
    // Manual mode: time stands still, but what is due now still happens (on the next turn).
    if (this.scale === 0) {
      if (first.at <= this.now()) {
        this.handle = setTimeout(() => this.fireDue(), 0);
        this.handle.unref?.();
      }
      return;
    }
    const delay = Math.max(0, (first.at - this.now()) / this.scale);
    this.handle = setTimeout(() => this.fireDue(), Math.min(delay, 2 ** 31 - 1));
    this.handle.unref?.();
  }

  private fireDue(): void {
    this.handle = undefined;
    const now = this.now();
    while (this.timers[0] && this.timers[0].at <= now) {
      const t = this.timers.shift()!;
      void this.fire(t);
    }
    this.reschedule();
  }
}
