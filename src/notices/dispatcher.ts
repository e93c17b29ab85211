/**
 * Sends notices to the partner: signs them, schedules every attempt on the virtual clock (the
 * retry schedule of PROFILE §6.3), judges each answer, records every attempt in the notice and
 * the journal, and applies the faults set through the control API.
 */
import type { InFlight } from '../clock/in-flight.js';
import type { VirtualClock } from '../clock/virtual-clock.js';
import { signMessage, type SignatureVariant, type SignerCredentials, type TrustStore } from '../crypto/index.js';
import type { Journal, NoticeAttemptInfo } from '../journal/journal.js';
import type { Ledger } from '../protocol/ledger.js';
import { noticeTransition, type NoticeAttempt, type NoticeRecord } from '../protocol/notice-machine.js';
import type { NoticeDraft } from '../protocol/settlement.js';
import { UcspError } from '../errors/index.js';
import { formatUcspTime } from '../protocol/time.js';
import { deliver, type DeliveryResult } from './deliver.js';
import { NoticeFaults, type NoticeFault } from './faults.js';
import { describeCopy, isAltered, makeCopy, tamperProblem, type CopyContext, type CopyRequest, type Tamper } from './tamper.js';

export interface DispatcherOptions {
  ledger: Ledger;
  clock: VirtualClock;
  journal: Journal;
  signer: SignerCredentials;
  /** The partner's certificate(s), to verify its answers. */
  trust: TrustStore;
  variant: SignatureVariant;
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  wallNow(): number;
  /** The zone of wire times (a copy's own timeStamp, a back-dated notice's). */
  zone: string;
  /** Told whenever a notice changes (for persistence). */
  onChange?(n: NoticeRecord): void;
  /** Where attempts waiting for the partner's answer are registered (settling waits for them). */
  inFlight?: InFlight;
  /** Several instances share the notices (PostgreSQL): each scheduled attempt is claimed first. */
  jobs?: NoticeJobs;
}

/** What a claim of a notice's scheduled attempt found (src/store/pg-store.ts). */
export type NoticeClaim =
  /** This instance makes the attempt; `repeat`: another's lease on it ran out (it may have made it). */
  | { kind: 'mine'; repeat: boolean }
  /** Another instance made it, or the notice is no longer pending: nothing to do here. */
  | { kind: 'done' }
  /** Another instance is making it now: look again once its lease ends, `retryInMs` from now (real time). */
  | { kind: 'leased'; retryInMs: number };

/** Notice attempts as durable jobs shared by several instances: claimed with a lease. */
export interface NoticeJobs {
  claim(n: NoticeRecord): Promise<NoticeClaim>;
  /** Attempts this instance made that another may have made too (a lease ran out): counted. */
  repeated(n: NoticeRecord): void;
}

/** Notice attempts (and copies) in flight at once, to all partners together. */
export const MAX_CONCURRENT_DELIVERIES = 32;

/** A counting semaphore: take() is synchronous when a slot is free (undefined), else a promise resolved in turn. */
class Slots {
  private free: number;
  private readonly queue: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  take(): Promise<void> | undefined {
    if (this.free > 0) {
      this.free--;
      return undefined;
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }
  give(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

const describe = (n: NoticeRecord) => `${n.msgType} ${n.id} for order ${n.orderId} to ${n.backUrl}`;

/** 6 h, 90 min, 45 s. */
function describeAge(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

export class NoticeDispatcher {
  readonly faults = new NoticeFaults();
  /** Attempts waiting for a partner's answer at once; more wait for a free slot, in order. */
  private readonly slots = new Slots(MAX_CONCURRENT_DELIVERIES);
  private readonly timers = new Map<string, number>();
  /** Timers of tampered copies that go before their notice. */
  private readonly extraTimers = new Set<number>();
  /** Notices held by a "reorder" fault, released after the next notice's attempt. */
  private reorderHeld: string[] = [];
  private readonly duplicates = new Set<string>();
  /** Notices whose last attempt got no answer within the timeout (their next does not hold the clock). */
  private readonly unanswered = new Set<string>();
  /**
   * Bumped by stop() (a reset): an attempt still waiting for the partner when the state was
   * reset must not write its outcome into the new state.
   */
  private epoch = 0;

  constructor(private readonly o: DispatcherOptions) {}

  /** Signs a draft, records the notice and schedules its first attempt (now, unless a fault says otherwise). */
  enqueue(d: NoticeDraft): NoticeRecord {
    // a tamper fault waits for a notice that has the field it changes
    const faults = this.faults.take({ orderId: d.orderId, msgType: d.msgType }, (f) => f.action !== 'tamper' || !tamperProblem(d.message, f.tamper ?? 'signature'));
    const ageMs = faults.reduce((max, f) => (f.action === 'backdate' ? Math.max(max, f.ageMs ?? 0) : max), 0);
    let message = d.message;
    if (ageMs > 0) {
      // stamped as UCSP stamped its first attempt long ago: the wall clock, not the virtual one
      const timeStamp = formatUcspTime(this.o.wallNow() - ageMs, this.o.zone);
      message = { ...message, msgInfo: { ...message.msgInfo, msgID: this.o.ledger.ids.msgID(timeStamp), timeStamp } };
    }
    const text = signMessage(message, this.o.signer, { variant: this.o.variant });
    const now = this.o.clock.now();
    let n: NoticeRecord = {
      id: this.o.ledger.ids.noticeId(),
      msgType: d.msgType,
      orderId: d.orderId,
      backUrl: d.backUrl,
      text,
      msgID: message.msgInfo.msgID,
      status: 'PENDING',
      createdAt: now,
      nextIndex: 0,
      nextAt: now,
      attempts: [],
      ...(ageMs > 0 ? { backdatedMs: ageMs } : {}),
    };
    const tampers: Tamper[] = [];
    for (const f of faults) n = this.applyFault(n, f, tampers);
    this.save(n);
    if (!tampers.length) {
      this.arm(n);
      return n;
    }
    // The tampered copies go first, one after the other; the genuine notice is armed (on its
    // schedule) only once they have been answered, so that the order is certain.
    const epoch = this.epoch;
    const label = `tampered copies (${tampers.join(', ')}) of ${describe(n)}`;
    const timer: number = this.o.clock.setTimer(
      now,
      () => {
        this.extraTimers.delete(timer);
        // the partner's answers do not hold the clock (background); the order of the copies does
        const copies = async () => {
          for (const t of tampers) await this.sendExtra(n.id, { tamper: t });
          const current = this.get(n.id);
          if (current && epoch === this.epoch) this.arm(current);
        };
        this.o.clock.background(copies(), label);
      },
      label,
    );
    this.extraTimers.add(timer);
    return n;
  }

  private applyFault(n: NoticeRecord, f: NoticeFault, tampers: Tamper[]): NoticeRecord {
    switch (f.action) {
      // faults combine: a notice already held or dropped by an earlier fault stays so
      case 'drop':
        return n.status === 'PENDING' || n.status === 'HELD' ? noticeTransition(n, { type: 'drop' }) : n;
      case 'hold':
        return n.status === 'PENDING' ? noticeTransition(n, { type: 'hold' }) : n;
      case 'reorder':
        if (n.status !== 'PENDING') return n;
        this.reorderHeld.push(n.id);
        return noticeTransition(n, { type: 'hold' });
      case 'delay':
        return n.status === 'PENDING' ? noticeTransition(n, { type: 'delay', until: this.o.clock.now() + (f.delayMs ?? 60_000) }) : n;
      case 'duplicate':
        this.duplicates.add(n.id);
        return n;
      case 'tamper':
        tampers.push(f.tamper ?? 'signature');
        return n;
      case 'backdate':
        return n; // applied when the notice was signed
    }
  }

  get(id: string): NoticeRecord | undefined {
    return this.o.ledger.notices.get(id);
  }

  /** An order's notices (also those kept in durable state only), or every notice in memory. */
  list(filter: { orderId?: string } = {}): NoticeRecord[] {
    return filter.orderId === undefined ? [...this.o.ledger.notices.values()] : this.o.ledger.noticesOf(filter.orderId);
  }

  private require(id: string): NoticeRecord {
    const n = this.get(id);
    if (!n) throw new UcspError('not-found', `no notice ${id}`);
    return n;
  }

  /** Releases a held notice: it is attempted now, or `afterMs` later on the sandbox clock. */
  release(id: string, afterMs = 0): NoticeRecord {
    const n = noticeTransition(this.require(id), { type: 'release', at: this.o.clock.now() + afterMs });
    this.save(n);
    this.reorderHeld = this.reorderHeld.filter((h) => h !== id);
    this.arm(n);
    return n;
  }

  drop(id: string): NoticeRecord {
    const n = noticeTransition(this.require(id), { type: 'drop' });
    this.disarm(id);
    this.save(n);
    return n;
  }

  delay(id: string, ms: number): NoticeRecord {
    const n = noticeTransition(this.require(id), { type: 'delay', until: this.o.clock.now() + ms });
    this.save(n);
    this.arm(n);
    return n;
  }

  /** What a copy needs: UCSP's key, and a fresh msgID and timeStamp of its own. */
  private copyContext(): CopyContext {
    const ids = this.o.ledger.ids;
    const stamp = () => formatUcspTime(this.o.wallNow(), this.o.zone);
    return {
      signer: this.o.signer,
      variant: this.o.variant,
      fresh: () => {
        const timeStamp = stamp();
        return { msgID: ids.msgID(timeStamp), timeStamp };
      },
      contractId: () => ids.contractId(stamp()),
    };
  }

  /**
   * Sends a copy now, outside the schedule: a resend or duplicate (an empty request: the genuine
   * text, byte for byte), or a tampered, edited or conflicting copy — a message of its own, with
   * a fresh msgID and timeStamp (tamper.ts). An unaltered copy that the partner accepts also
   * completes a pending or dropped notice; an altered one never does. Returns the attempt and the
   * text sent.
   */
  async sendExtra(id: string, req: CopyRequest = {}): Promise<{ attempt: NoticeAttempt; text: string }> {
    const n = this.require(id);
    const altered = isAltered(req);
    const text = makeCopy(n.text, req, this.copyContext());
    const epoch = this.epoch;
    const attempt = await this.attempt(n, text, 'extra', altered ? describeCopy(req) : undefined);
    if (epoch !== this.epoch) return { attempt, text };
    const current = this.require(id);
    if (!altered && attempt.ok && current.status !== 'DELIVERED') {
      this.disarm(id);
      this.save({ ...current, status: 'DELIVERED', nextAt: undefined, firstAttemptAt: current.firstAttemptAt ?? attempt.at });
    }
    return { attempt, text };
  }

  /** Cancels every timer (reset, shutdown). */
  stop(): void {
    this.epoch++;
    for (const t of [...this.timers.values(), ...this.extraTimers]) this.o.clock.clearTimer(t);
    this.timers.clear();
    this.extraTimers.clear();
    this.reorderHeld = [];
    this.duplicates.clear();
    this.unanswered.clear();
  }

  /** Re-arms timers for pending notices (after a restart from durable state). */
  resume(): void {
    for (const n of this.o.ledger.notices.values()) this.arm(n);
  }

  private arm(n: NoticeRecord): void {
    this.disarm(n.id);
    if (n.status !== 'PENDING' || n.nextAt === undefined) return;
    const label = `attempt ${n.attempts.filter((a) => a.kind === 'scheduled').length + 1} of ${describe(n)}`;
    // the attempt is made at its time; the clock waits for its answer (its retry may fall due
    // before the clock's next stop) unless the partner left the notice's last attempt unanswered:
    // then an advance goes on without it, and takes one timeout, not one per retry
    this.timers.set(n.id, this.o.clock.setTimer(n.nextAt, () => this.o.clock.background(this.scheduledAttempt(n.id), label, !this.unanswered.has(n.id)), label));
  }

  private disarm(id: string): void {
    const t = this.timers.get(id);
    if (t !== undefined) this.o.clock.clearTimer(t);
    this.timers.delete(id);
  }

  /** Arms a notice another instance wrote (shared state): its next attempt is claimed when due. */
  follow(n: NoticeRecord): void {
    if (n.status === 'PENDING') this.arm(n);
    else this.disarm(n.id);
  }

  private async scheduledAttempt(id: string): Promise<void> {
    this.timers.delete(id);
    let n = this.get(id);
    if (!n || n.status !== 'PENDING') return;
    const epoch = this.epoch;
    let repeat = false;
    if (this.o.jobs) {
      const claim = await this.o.jobs.claim(n);
      if (epoch !== this.epoch) return;
      if (claim.kind === 'done') return;
      if (claim.kind === 'leased') {
        // another instance is at it; should it die, its lease ends and this one takes the job
        const t = setTimeout(() => {
          const current = this.get(id);
          if (epoch === this.epoch && current?.status === 'PENDING' && !this.timers.has(id)) this.o.clock.background(this.scheduledAttempt(id), `attempt of ${describe(current)} after another instance's lease`);
        }, claim.retryInMs);
        t.unref?.();
        return;
      }
      repeat = claim.repeat;
      n = this.get(id) ?? n;
      if (repeat) this.o.jobs.repeated(n);
    }
    const a = await this.attempt(n, n.text, 'scheduled', undefined, repeat ? "a repeat: another instance's lease on this attempt ran out before it recorded it (it may have made it)" : undefined);
    if (epoch !== this.epoch) return;
    const current = this.get(id);
    if (!current || current.status !== 'PENDING') return;
    const next = noticeTransition(current, { type: 'attempted', ok: a.ok, at: a.at, schedule: this.o.retryScheduleMs });
    this.save(next);
    this.arm(next);
    if (next.status === 'DELIVERED' && this.duplicates.delete(id)) await this.sendExtra(id);
    // a notice held for reordering goes once a later one has been tried
    const held = this.reorderHeld.filter((h) => h !== id);
    if (held.length && held.length === this.reorderHeld.length) {
      this.reorderHeld = [];
      for (const h of held) this.release(h);
    }
  }

  private async attempt(n: NoticeRecord, text: string, kind: NoticeAttempt['kind'], tamper?: string, repeatNote?: string): Promise<NoticeAttempt> {
    const at = this.o.clock.now();
    // an altered copy carries its own msgID
    const msgID = tamper ? ((JSON.parse(text) as { msgInfo?: { msgID?: string } }).msgInfo?.msgID ?? n.msgID) : n.msgID;
    const note = repeatNote
      ? repeatNote
      : tamper
      ? tamper.startsWith('result ')
        ? `a second notice for the order (${tamper}), with its own msgID`
        : `tampered copy (${tamper})`
      : kind === 'extra'
        ? 'extra copy (resend/duplicate)'
        : n.backdatedMs
          ? `timeStamp back-dated ${describeAge(n.backdatedMs)}, as on a retry that long after the first attempt`
          : undefined;
    // where the attempt stands in the schedule, for people reading the journal (live log, inspector)
    const info: NoticeAttemptInfo = {
      noticeId: n.id,
      kind,
      n: kind === 'scheduled' ? n.attempts.filter((a) => a.kind === 'scheduled').length + 1 : n.attempts.length + 1,
      of: this.o.retryScheduleMs.length,
    };
    const out = this.o.journal.add({
      at,
      wallAt: this.o.wallNow(),
      direction: 'out',
      channel: 'notice',
      msgType: n.msgType,
      msgID,
      orderId: n.orderId,
      raw: text,
      peer: n.backUrl,
      ...(note ? { note } : {}),
      attempt: info,
    });
    const epoch = this.epoch;
    const r: DeliveryResult = await this.deliverInSlot(n, text);
    if (epoch !== this.epoch) return { n: n.attempts.length + 1, kind, at, durationMs: r.durationMs, ok: r.ok, problem: 'the sandbox was reset while the partner answered; not recorded' };
    if (r.timedOut) this.unanswered.add(n.id);
    else this.unanswered.delete(n.id);
    this.o.journal.add({
      at: this.o.clock.now(),
      wallAt: this.o.wallNow(),
      direction: 'in',
      channel: 'notice',
      msgType: n.msgType,
      msgID,
      orderId: n.orderId,
      raw: r.answerText ?? '',
      replyTo: out.seq,
      durationMs: r.durationMs,
      peer: n.backUrl,
      ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
      ...(r.responseCode ? { responseCode: r.responseCode } : {}),
      ...(r.signature ? { signature: r.signature } : {}),
      ...(r.problem ? { note: r.problem } : {}),
      attempt: kind === 'scheduled' ? { ...info, ...this.whatFollows(n.id, r.ok, at) } : info,
    });
    const attempt: NoticeAttempt = {
      n: n.attempts.length + 1,
      kind,
      ...(tamper ? { tamper } : {}),
      ...(msgID !== n.msgID ? { msgID } : {}),
      at,
      durationMs: r.durationMs,
      ...(r.httpStatus !== undefined ? { httpStatus: r.httpStatus } : {}),
      ...(r.responseCode ? { responseCode: r.responseCode } : {}),
      ok: r.ok,
      ...(r.problem ? { problem: r.problem } : {}),
    };
    const current = this.get(n.id) ?? n;
    this.save({ ...current, attempts: [...current.attempts, attempt] });
    return attempt;
  }

  /**
   * What a scheduled attempt's outcome makes of the notice — the very transition scheduledAttempt
   * applies next (pure) — so that the journal tells it with the partner's answer.
   */
  private whatFollows(id: string, ok: boolean, at: number): Pick<NoticeAttemptInfo, 'then' | 'nextAt'> {
    const current = this.get(id);
    if (!current || current.status !== 'PENDING') return {};
    const next = noticeTransition(current, { type: 'attempted', ok, at, schedule: this.o.retryScheduleMs });
    if (next.status === 'DELIVERED') return { then: 'delivered' };
    if (next.status === 'GAVE_UP') return { then: 'gave-up' };
    return next.nextAt === undefined ? {} : { then: 'retry', nextAt: next.nextAt };
  }

  /** One delivery, when one of the MAX_CONCURRENT_DELIVERIES slots is free; registered in flight meanwhile. */
  private async deliverInSlot(n: NoticeRecord, text: string): Promise<DeliveryResult> {
    const track = <T>(what: string, p: Promise<T>) => (this.o.inFlight ? this.o.inFlight.track('notice', `${describe(n)}: ${what}`, p, n.orderId) : p);
    const queued = this.slots.take();
    if (queued) await track(`waiting for one of the ${MAX_CONCURRENT_DELIVERIES} delivery slots`, queued);
    try {
      return await track("waiting for the partner's answer", deliver(n.backUrl, text, { trust: this.o.trust, variant: this.o.variant, timeoutMs: this.o.timeoutMs }));
    } finally {
      this.slots.give();
    }
  }

  private save(n: NoticeRecord): void {
    this.o.ledger.notices.set(n.id, n);
    this.o.onChange?.(n);
  }
}
