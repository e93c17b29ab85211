/**
 * The sandbox runtime: one ledger, one virtual clock, one journal, the notice dispatcher and the
 * issuer watch, wired together. The servers call it; scripts reach it through the control API.
 */
import { generateKeyPairSync } from 'node:crypto';
import { InFlight, type InFlightItem } from '../clock/in-flight.js';
import { VirtualClock } from '../clock/virtual-clock.js';
import type { SandboxConfig } from '../config/index.js';
import { PageKeys, TrustStore, signMessage, signPlaceholderText, type CertInfo, type SignerCredentials } from '../crypto/index.js';
import { UcspError, isUcspError, type ResponseCode } from '../errors/index.js';
import { codeOf, handleApiRequest, type GatewayDeps, type GatewayResult } from '../gateway/handle-api-request.js';
import { answerFields } from '../gateway/answer-fields.js';
import { AnswerFaults } from '../gateway/answer-faults.js';
import { claimFor, corruptAnswer } from '../gateway/corrupt-answer.js';
import { minimalAnswer } from '../protocol/answer-form.js';
import { Journal, truncateUnreadable, type JournalEntry } from '../journal/journal.js';
import { NoticeDispatcher, type NoticeJobs } from '../notices/dispatcher.js';
import type { NoticeRecord } from '../protocol/notice-machine.js';
import { KEY_FIELDS, type ProtocolSettings } from '../protocol/handlers/index.js';
import { answerMsgInfo, answerPlaceholder, echoKeyFields, responseMsg } from '../gateway/answer.js';
import { maskCardNumbers } from '../schemas/mask.js';
import { isMsgType, type MsgType } from '../schemas/message-types.js';
import { DEFAULT_CARD, TEST_CARDS, decideBehaviour, startIssuerTxn, type IssuerBehaviour, type IssuerTxn } from '../protocol/issuer-rules.js';
import { Ledger } from '../protocol/ledger.js';
import { paymentTransition, type PaymentOrder } from '../protocol/payment-machine.js';
import { abandon, decideSigning, expire, settle, type SettleContext } from '../protocol/settlement.js';
import { formatUcspTime } from '../protocol/time.js';
import { inquiryOffsetsMs } from '../protocol/inquiry-schedule.js';
import { ClockHold } from './clock-hold.js';
import { IssuerWatch, type StepJobs } from './issuer-watch.js';
import { buildHandoff } from './login-handoff.js';
import { OrderExpiry } from './order-expiry.js';
import type { LoginTamper } from '../servers/control-values.js';
import { Doors } from '../servers/doors.js';
import type { StateStore, StoredState } from '../store/state-store.js';
import type { PgStore, SharedDelta } from '../store/pg-store.js';
import { ID_BLOCK } from '../store/pg-store.js';
import type { AnswerSigner } from './answer-signer.js';
import { itemsOf, mergeWorld, sameWorld, type WorldMap } from './shared-world.js';
import type { AnswerFault } from '../gateway/answer-faults.js';
import type { NoticeFault } from '../notices/faults.js';

export interface SandboxUrls {
  ucsp: string;
  channel: string;
  issuer: string;
}

export interface RuntimeOptions {
  config: SandboxConfig;
  ucspSigner: SignerCredentials;
  partnerCertificates: CertInfo[];
  clock?: VirtualClock;
  /** Durable state (SQLite or PostgreSQL); without it everything lives in memory. */
  store?: StateStore;
  /** Signs answers off the main thread (answer-signer.ts); without it, in this thread. */
  answerSigner?: AnswerSigner;
  /**
   * Told when the data folder stops being writable (the reason) and when it is again (undefined),
   * e.g. to print one line each time.
   */
  onStoreProblem?(problem: string | undefined): void;
}

/** A handled request: the gateway's result with the signed answer text. */
export type ApiAnswer = GatewayResult & { text: string };

export type { LoginTamper } from '../servers/control-values.js';

/** What settle() found: all quiet, or what was still in flight when its time ran out. */
export type SettleReport =
  | { settled: true; waitedMs: number; lastSeq: number; now: number; nextTimerAt: number | null }
  | { settled: false; waitedMs: number; timeoutMs: number; inFlight: (InFlightItem & { ageMs: number })[]; lastSeq: number };

export class SandboxRuntime {
  readonly config: SandboxConfig;
  readonly clock: VirtualClock;
  readonly ledger: Ledger;
  readonly journal: Journal;
  readonly notices: NoticeDispatcher;
  readonly watch: IssuerWatch;
  /** Unpaid frontend orders fail when orderExpirySeconds have passed. */
  readonly expiry: OrderExpiry;
  readonly partnerTrust: TrustStore;
  readonly settings: ProtocolSettings;
  /** Work set in motion and not finished: notice attempts, timer callbacks, signing, advances. */
  readonly inFlight = new InFlight();
  readonly clockHold: ClockHold;
  /** Capability keys of the pages a browser is sent to (the cashier at paymentUrl and what follows). */
  readonly pageKeys: PageKeys;
  /** Host names, own origins and token that the servers' doors check (servers/doors.ts); completed at start. */
  readonly doors: Doors;
  /** Where browsers and the partner reach the servers (publicUrl, else the bound address): every link uses it. */
  urls: SandboxUrls = { ucsp: 'http://127.0.0.1', channel: 'http://127.0.0.1', issuer: 'http://127.0.0.1' };
  private readonly ucspSigner: SignerCredentials;
  private nextOutcome: IssuerBehaviour | undefined;
  private readonly outcomeByOrder = new Map<string, IssuerBehaviour>();
  private lastLogin: string | undefined;
  private forcedAnswers: { id: number; msgType?: string; code: ResponseCode }[] = [];
  private nextForcedId = 1;
  /** Shared state: the world as last written or read (what this instance's changes are counted from), and whether it changed since. */
  private worldBase: WorldMap = {};
  private worldDirty = false;
  /** Faults on UCSP's answers, set through the control API (POST /control/api/faults). */
  readonly answerFaults = new AnswerFaults();
  private strangerKey: SignerCredentials | undefined;

  readonly store: StateStore | undefined;
  /** The PostgreSQL store, when several instances may share the state. */
  readonly shared: PgStore | undefined;
  /** End of the block of ids this instance hands out (shared state: blocks come from the database). */
  private idsEnd = 0;
  /** Journal entries of other instances, by their instance and seq: this journal's seq for each. */
  private readonly othersJournal = new Map<string, number>();
  /** Notice attempts this instance made after another's lease on them ran out (it may have made them too). */
  noticeRepeats = 0;
  /**
   * Issuer inquiries and order expiries as shared jobs: steps this instance made, and steps whose
   * time came here after another instance had made them (or when they were no longer due).
   */
  readonly stepCounts = { madeHere: 0, skippedHere: 0 };
  private closed = false;
  /** The latest virtual time another instance wrote, when ahead of this clock: this one catches up. */
  private clockAhead = 0;
  private catchingUpTo = 0;
  /** Applying what other instances wrote: nothing of it is written back. */
  private applying = false;
  readonly answerSigner: AnswerSigner | undefined;
  /** Why the data folder cannot be written now (a full disk); undefined while all is well. */
  storeProblem: string | undefined;
  private readonly onStoreProblem: ((problem: string | undefined) => void) | undefined;

  constructor(o: RuntimeOptions) {
    this.config = o.config;
    this.onStoreProblem = o.onStoreProblem;
    this.ucspSigner = o.ucspSigner;
    // several partners: each its own page keys, so that a page is found by its tn and key together
    this.pageKeys = PageKeys.fromPrivateKey(o.ucspSigner.privateKey, (o.config.partners?.length ?? 1) > 1 ? o.config.partner.insID : undefined);
    this.doors = new Doors(o.config);
    this.store = o.store;
    this.shared = o.store?.engine === 'postgres' ? (o.store as PgStore) : undefined;
    this.answerSigner = o.answerSigner;
    const stored = o.store?.load();
    // the virtual clock never goes back: after a restart it goes on from where it was
    const savedNow = Number(stored?.kv.clock ?? 0);
    this.clock = o.clock ?? new VirtualClock({ scale: o.config.timeScale, ...(savedNow > Date.now() || (savedNow && o.config.timeScale === 0) ? { start: savedNow } : {}) });
    this.clock.inFlight = this.inFlight;
    this.clockHold = new ClockHold(this.clock);
    this.ledger = new Ledger(o.config.partner.insID);
    // shared state (PostgreSQL): the ledger is a cache of the database and is kept whole
    this.ledger.orderLimit = this.shared ? Number.POSITIVE_INFINITY : o.config.orderLimit;
    this.ledger.busy = (orderId) => this.watch.watching(orderId);
    this.journal = new Journal(o.config.journalLimit, o.config.journalLimitBytes);
    this.partnerTrust = new TrustStore(o.partnerCertificates);
    const self = this;
    this.settings = {
      partner: o.config.partner,
      users: o.config.users,
      zone: o.config.zone,
      skew: o.config.skew,
      get ucspUrl() {
        return self.urls.ucsp;
      },
      paymentUrl: (tn) => this.paymentUrl(tn),
      signUrl: (signId) => `${this.urls.ucsp}/ucsp/sign/${signId}`,
    };
    this.notices = new NoticeDispatcher({
      ledger: this.ledger,
      clock: this.clock,
      journal: this.journal,
      signer: o.ucspSigner,
      trust: this.partnerTrust,
      variant: o.config.partner.signatureVariant,
      retryScheduleMs: o.config.notices.retryScheduleSeconds.map((s) => s * 1000),
      timeoutMs: o.config.notices.timeoutMs,
      wallNow: () => Date.now(),
      zone: o.config.zone,
      inFlight: this.inFlight,
      ...(this.shared ? { jobs: this.noticeJobs(this.shared, o.config.notices.timeoutMs) } : {}),
    });
    this.watch = new IssuerWatch({
      ledger: this.ledger,
      clock: this.clock,
      journal: this.journal,
      inquiryScheduleMs: inquiryOffsetsMs(o.config.inquiryScheduleSeconds.map((s) => s * 1000), o.config.inquiryScheduleMode),
      wallNow: () => Date.now(),
      onFinal: (orderId, status) => this.onFinal(orderId, status),
      ...(this.shared ? { jobs: this.stepJobs(this.shared) } : {}),
    });
    this.expiry = new OrderExpiry({
      ledger: this.ledger,
      clock: this.clock,
      expiryMs: o.config.orderExpirySeconds * 1000,
      onExpire: (orderId) => this.onExpire(orderId),
      ...(this.shared ? { jobs: this.stepJobs(this.shared) } : {}),
    });
    if (o.store && stored) this.attachStore(o.store, stored);
  }

  /**
   * Notice attempts as jobs of every instance on the database: each claimed with a lease that
   * outlasts the attempt (the partner's timeout twice, and 5 s); a claim the database could not
   * answer is tried again a second later.
   */
  private noticeJobs(store: PgStore, timeoutMs: number): NoticeJobs {
    const leaseMs = timeoutMs * 2 + 5_000;
    return {
      claim: (n) => store.claimNotice(n, leaseMs).catch((e: unknown) => {
        this.storeFailed(e);
        return { kind: 'leased', retryInMs: 1_000 } as const;
      }),
      repeated: () => {
        this.noticeRepeats++;
      },
    };
  }

  /**
   * Issuer inquiries and order expiries as jobs of every instance on the database (issuer-watch.ts,
   * order-expiry.ts): a due step runs in one unit — under the partner's lock, on state caught up
   * with every instance, committed with what it did and the clock — and only if it is still to be
   * made. A unit the database could not take is tried again a second later (real time).
   */
  private stepJobs(store: PgStore): StepJobs {
    const run = async (label: string, work: () => boolean): Promise<void> => {
      let made: boolean;
      try {
        made = await store.run(() => {
          const m = work();
          this.stageKv(store);
          return m;
        });
      } catch (e) {
        // the step's own failure is its owner's (as with any timer); the database's is retried
        if (!isUcspError(e) || e.kind !== 'unavailable') return;
        this.storeFailed(e);
        if (this.closed) return;
        const t = setTimeout(() => {
          if (!this.closed) this.clock.background(run(label, work), `${label} (again: the database could not be used)`);
        }, 1_000);
        t.unref?.();
        return;
      }
      if (made) this.stepCounts.madeHere++;
      else this.stepCounts.skippedHere++;
      this.storeOk();
      this.catchUpClock();
    };
    return { run };
  }

  /** Restores durable state, resumes pending work, and follows every change from now on. */
  private attachStore(store: StateStore, stored: StoredState): void {
    // orders past orderLimit leave memory for the file, where every lookup still finds them
    const backing = store.backing();
    if (backing) this.ledger.attachBacking(backing);
    this.ledger.restore(stored.ledger);
    this.ledger.replay.restore(stored.replay, Number(stored.kv.replayEvicted ?? 0));
    this.journal.restore(stored.journal, Number(stored.kv.journalDropped ?? 0));
    const table = <T>(name: 'orders' | 'contracts' | 'issuer' | 'notices') => (key: string, value: T | undefined) => store.put(name, key, value);
    this.ledger.orders.listener = table('orders');
    this.ledger.contracts.listener = table('contracts');
    this.ledger.issuer.listener = table('issuer');
    this.ledger.notices.listener = table('notices');
    this.ledger.replay.listener = (id, e) => store.putReplay(id, e);
    this.journal.listener = (e) => store.addJournal(e);
    this.clock.afterTimer = () => this.persist();
    if (this.shared) {
      this.shared.follower = {
        apply: (delta) => this.applyShared(delta),
        idsLow: () => this.ledger.ids.counter >= this.idsEnd - ID_BLOCK / 5,
        idsFrom: (start) => {
          this.ledger.ids.counter = start;
          this.idsEnd = start + ID_BLOCK;
        },
      };
    }
    if (this.shared) {
      // what the control API set for what comes next (forced answers, faults, issuer outcomes)
      // is the sandbox's, not this instance's: written when it changes, taken where it applies
      if (stored.kv.world) this.restoreWorld((this.worldBase = stored.kv.world as WorldMap));
      this.answerFaults.onChange = this.notices.faults.onChange = () => this.worldChanged();
    }
    // pending notices go on at their place in the retry schedule; issuer inquiries resume
    this.notices.resume();
    // shared: every pending issuer transaction is watched, at the inquiry it is at
    if (this.shared) for (const t of this.ledger.issuer.values()) this.watch.follow(t);
    else this.watch.resume((stored.kv.watches as ReturnType<IssuerWatch['pending']> | undefined) ?? []);
    // unpaid orders keep their deadlines (counted from their createdAt, on the restored clock)
    this.expiry.resume();
  }

  /**
   * Writes what changed (durable state only); called before answers are sent and after timers.
   * When the data folder cannot be written (a full disk) it throws UcspError `unavailable` — the
   * wire answers 99 with the reason, pages and the control API 503 — and keeps the changes, which
   * the next persist that succeeds writes.
   */
  persist(): void {
    const s = this.store;
    if (!s) return;
    if (this.shared) {
      // PostgreSQL is written asynchronously: in flight meanwhile, so that settling waits for it
      void this.inFlight.track('store', 'writing the sandbox state to PostgreSQL', this.persistAsync()).catch(() => undefined);
      return;
    }
    this.stageKv(s);
    try {
      void s.flush();
    } catch (e) {
      this.storeFailed(e);
      throw e;
    }
    this.storeOk();
  }

  /** What the store keeps beside the tables: the clock, counters, issuer watches. */
  private stageKv(s: StateStore): void {
    // the sandbox's one virtual clock never goes back, whichever instance moved it
    s.setKv('clock', Math.max(this.clock.now(), this.clockAhead));
    if (!this.shared) s.setKv('idCounter', this.ledger.ids.counter);
    // shared: the watches follow from the issuer transactions (IssuerWatch.follow)
    if (!this.shared) s.setKv('watches', this.watch.pending());
    s.setKv('journalDropped', this.journal.dropped);
    s.setKv('replayEvicted', this.ledger.replay.evicted);
    if (this.shared && this.worldDirty) {
      const w = this.worldMap();
      s.setKv('world', w);
      this.worldBase = w;
      this.worldDirty = false;
    }
  }

  private storeFailed(e: unknown): void {
    const problem = isUcspError(e) ? e.message : String(e);
    if (problem !== this.storeProblem) {
      this.storeProblem = problem;
      this.onStoreProblem?.(problem);
    }
  }

  private storeOk(): void {
    if (this.storeProblem !== undefined) {
      this.storeProblem = undefined;
      this.onStoreProblem?.(undefined);
    }
  }

  /** persist(), awaited: with PostgreSQL, one unit (catch up with other instances, write what changed). */
  async persistAsync(): Promise<void> {
    const s = this.shared;
    if (!s) return this.persist();
    try {
      await s.run(() => this.stageKv(s));
    } catch (e) {
      this.storeFailed(e);
      throw e;
    }
    this.storeOk();
    this.catchUpClock();
  }

  /**
   * Another instance moved the shared virtual clock ahead of this one's: this one follows (firing
   * what falls due on the way, as an advance does). Not awaited: it may wait for partners' answers.
   */
  private catchUpClock(): void {
    const target = this.clockAhead;
    if (target <= this.clock.now() || target <= this.catchingUpTo) return;
    this.catchingUpTo = target;
    void this.clock.advance(target - this.clock.now()).catch(() => undefined);
  }

  /** storeUnavailable(), for either engine: the reason requests are refused now, after one more try. */
  async storeUnavailableAsync(): Promise<string | undefined> {
    if (!this.shared) return this.storeUnavailable();
    if (this.storeProblem === undefined) return undefined;
    try {
      await this.persistAsync();
      return undefined;
    } catch (e) {
      return isUcspError(e) ? e.message : String(e);
    }
  }

  /** What other instances wrote since this one last looked, into the ledger and the journal (not written back). */
  private applyShared(delta: SharedDelta): void {
    const l = this.ledger;
    const listeners = [l.orders.listener, l.contracts.listener, l.issuer.listener, l.notices.listener, l.replay.listener, this.journal.listener] as const;
    l.orders.listener = l.contracts.listener = l.issuer.listener = l.notices.listener = undefined;
    l.replay.listener = undefined;
    this.journal.listener = undefined;
    this.applying = true;
    try {
      if (delta.reset) this.forgetLocal();
      if (delta.kv.world) {
        // what another instance wrote, with what this one changed since it last looked
        const remote = delta.kv.world as WorldMap;
        const merged = mergeWorld(remote, this.worldMap(), this.worldBase);
        this.restoreWorld(merged);
        this.worldBase = remote;
        this.worldDirty = !sameWorld(merged, remote);
      }
      let orders = false;
      for (const r of delta.rows) {
        if (r.value === undefined) {
          if (r.table === 'orders') l.orders.forget(r.id);
          else if (r.table === 'contracts') l.contracts.forget(r.id);
          else if (r.table === 'issuer') l.issuer.forget(r.id);
          else l.notices.forget(r.id);
          continue;
        }
        if (r.table === 'orders') {
          const known = l.orders.has(r.id);
          l.putOrder(r.value as Parameters<Ledger['putOrder']>[0]);
          // an unpaid order another instance took: its deadline is this instance's too
          if (!known) this.expiry.track(r.id);
          orders = true;
        } else if (r.table === 'contracts') l.contracts.set(r.id, r.value as never);
        else if (r.table === 'issuer') {
          l.issuer.set(r.id, r.value as never);
          // a pending transaction's watch is this instance's too (its next step, if it gets there first)
          this.watch.follow(r.value as IssuerTxn);
        } else {
          l.notices.set(r.id, r.value as never);
          // its next attempt is this instance's too, if it claims it first (or the other dies)
          this.notices.follow(r.value as NoticeRecord);
        }
      }
      // orders paid or failed elsewhere need no deadline here
      if (orders) this.expiry.refresh();
      // another instance moved the clock: followed at once when nothing falls due on the way (what
      // this unit does then happens at the sandbox's time), else by an advance after the unit. Looked
      // at once the rows are in: the timers are those of what is still to be done (the steps the other
      // instance made on its way there re-armed at their next time), not those this one last knew of
      const clock = Number(delta.kv.clock);
      if (Number.isFinite(clock) && clock > this.clock.now() && !this.clock.jumpAheadIfIdle(clock)) this.clockAhead = Math.max(this.clockAhead, clock);
      if (delta.replay.length) l.replay.restore(delta.replay.filter((x): x is [string, NonNullable<(typeof x)[1]>] => x[1] !== undefined), l.replay.evicted);
      // other instances' entries, numbered in this journal; an answer's replyTo follows its request
      for (const { instance, entry } of delta.journal) {
        const { seq, replyTo, ...rest } = entry;
        const mine = replyTo === undefined ? undefined : this.othersJournal.get(`${instance}\u0000${replyTo}`);
        const added = this.journal.add({ ...rest, ...(mine !== undefined ? { replyTo: mine } : {}) });
        this.othersJournal.set(`${instance}\u0000${seq}`, added.seq);
        if (this.othersJournal.size > 2 * Math.max(1, this.config.journalLimit)) this.othersJournal.delete(this.othersJournal.keys().next().value as string);
      }
    } finally {
      [l.orders.listener, l.contracts.listener, l.issuer.listener, l.notices.listener, l.replay.listener, this.journal.listener] = listeners as unknown as [never, never, never, never, never, never];
      this.applying = false;
    }
  }

  /**
   * While the data folder cannot be written, nothing new is taken on: the reason, after one more
   * try to write what is waiting (the disk may have room again). Undefined when all is well.
   */
  storeUnavailable(): string | undefined {
    if (this.storeProblem === undefined) return undefined;
    try {
      this.persist();
      return undefined;
    } catch (e) {
      return isUcspError(e) ? e.message : String(e);
    }
  }

  /**
   * Why the sandbox cannot take requests now (GET /readyz), or undefined: with PostgreSQL, the
   * database is reachable and migrated; with SQLite, its file can be written; in memory, always ready.
   */
  async notReady(): Promise<string | undefined> {
    if (!this.store) return undefined;
    const why = await this.store.notReady();
    return why ?? (this.shared ? undefined : this.storeUnavailable());
  }

  /**
   * UCSP's answer to a request it does not take on, changing nothing and journalling nothing: 99
   * when the data folder cannot be written, 10 for an insID no partner of this sandbox has.
   */
  answerWithoutState(bytes: Uint8Array, code: ResponseCode, reason: string): string {
    let msg: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) msg = parsed as Record<string, unknown>;
    } catch {
      // unreadable: answered with what can be said (msgType UNKNOWN)
    }
    const msgInfo = answerMsgInfo(msg.msgInfo, { insID: this.config.partner.insID, wallNow: Date.now(), zone: this.config.zone, ids: this.ledger.ids }, isMsgType);
    const trx = echoKeyFields(msg.trxInfo, KEY_FIELDS[msgInfo.msgType as MsgType] ?? ['orderId', 'merId']);
    const unsigned = answerPlaceholder(msgInfo, trx, code, responseMsg(code, reason), this.ucspSigner.certificate.serial);
    return this.config.answerForm === 'minimal' ? minimalAnswer(unsigned) : signPlaceholderText(unsigned, this.ucspSigner, { variant: this.config.partner.signatureVariant });
  }

  /** A wire request refused before processing because the data folder cannot be written: 99, journalled. */
  private refuseUnavailable(bytes: Uint8Array, reason: string, started: number, peer?: string): ApiAnswer {
    const text = this.answerWithoutState(bytes, '99', reason);
    const at = this.clock.now();
    const req = this.journal.add({ at, wallAt: Date.now(), direction: 'in', channel: 'api', raw: Buffer.from(bytes).toString('latin1'), ...(peer ? { peer } : {}) });
    this.journal.add({ at, wallAt: Date.now(), direction: 'out', channel: 'api', raw: text, responseCode: '99', replyTo: req.seq, durationMs: Math.round((performance.now() - started) * 1000) / 1000, note: `not processed: ${reason}` });
    return { code: '99', text, msgType: 'UNKNOWN', replayed: false, effects: [], reason };
  }

  /** The partner this runtime is, as the control API lists it. */
  partnerSummary(): { insID: string; merId: string; industryCode: string; orders: number } {
    const p = this.config.partner;
    return { insID: p.insID, merId: p.merId, industryCode: p.industryCode, orders: this.store?.paged ? this.store.paged.count('orders') : this.ledger.orders.size };
  }

  get ucspCertificate(): CertInfo {
    return this.ucspSigner.certificate;
  }

  private settleCtx(): SettleContext {
    return { now: this.clock.now(), wallNow: Date.now(), zone: this.config.zone, insID: this.config.partner.insID };
  }

  /** POST /ucsp/api: the whole request path, journalled, signed in this thread. */
  handleApi(bytes: Uint8Array, peer?: string): ApiAnswer {
    const started = performance.now();
    const down = this.storeUnavailable();
    if (down) return this.refuseUnavailable(bytes, down, started, peer);
    const result = this.process(bytes);
    // only handleApiAsync reserves msgIDs, and a runtime answers through one of the two
    if (result.pending) throw new Error('a msgID reserved by an answer still being signed reached the synchronous path');
    const text = result.text ?? (this.config.answerForm === 'minimal' ? minimalAnswer(result.unsigned!) : signPlaceholderText(result.unsigned!, this.ucspSigner, { variant: this.config.partner.signatureVariant }));
    return this.finish(result, text, bytes, started, peer);
  }

  /**
   * The wire request, answered by whichever path this runtime takes: in this thread (the answer at
   * once, no promise to wait for: one turn of the microtask queue less on every request), or the
   * asynchronous one (answer signer, PostgreSQL).
   */
  answerApi(bytes: Uint8Array, peer?: string): ApiAnswer | Promise<ApiAnswer> {
    if (this.shared) return this.handleApiShared(this.shared, bytes, peer);
    if (this.answerSigner && this.config.answerForm !== 'minimal') return this.handleApiSigned(this.answerSigner, bytes, peer);
    return this.handleApi(bytes, peer);
  }

  /** The same, always as a promise. */
  async handleApiAsync(bytes: Uint8Array, peer?: string): Promise<ApiAnswer> {
    return this.answerApi(bytes, peer);
  }

  /** The RSA signature made off the main thread by the answer signer (answer-signer.ts). */
  private async handleApiSigned(signer: AnswerSigner, bytes: Uint8Array, peer?: string): Promise<ApiAnswer> {
    const started = performance.now();
    const down = this.storeUnavailable();
    if (down) return this.refuseUnavailable(bytes, down, started, peer);
    const result = this.process(bytes);
    if (result.pending) {
      // the same bytes while the first answer is being signed: that answer, as a repeat gets it
      const first = await result.pending;
      return this.finish({ ...result, code: codeOf(first) }, first, bytes, started, peer);
    }
    let text = result.text;
    if (text === undefined) {
      const signing = signer.sign(result.unsigned!);
      // the msgID is taken now, before anything asynchronous: a request sent meanwhile with it is
      // judged against this one (same bytes: the same answer; other bytes: 11), as in one thread
      if (result.remember) this.ledger.replay.reserve(result.remember.msgID, result.remember.digest, signing);
      text = await this.inFlight.track('api', `signing UCSP's answer to ${result.msgType}${result.orderId ? ` for order ${result.orderId}` : ''}`, signing, result.orderId);
    }
    return this.finish(result, text, bytes, started, peer);
  }

  /**
   * With PostgreSQL: the request is one unit of the store — under the sandbox's lock, on state just
   * caught up with every instance, written and committed before the answer goes (pg-store.ts).
   * Signed in this thread, inside the unit.
   */
  private async handleApiShared(store: PgStore, bytes: Uint8Array, peer?: string): Promise<ApiAnswer> {
    const started = performance.now();
    const down = await this.storeUnavailableAsync();
    if (down) return this.refuseUnavailable(bytes, down, started, peer);
    let answer: ApiAnswer | undefined;
    try {
      await store.run(() => {
        const result = this.process(bytes);
        const text = result.text ?? (this.config.answerForm === 'minimal' ? minimalAnswer(result.unsigned!) : signPlaceholderText(result.unsigned!, this.ucspSigner, { variant: this.config.partner.signatureVariant }));
        answer = this.finish(result, text, bytes, started, peer, false);
        this.stageKv(store);
      });
    } catch (e) {
      if (!isUcspError(e) || e.kind !== 'unavailable') throw e;
      this.storeFailed(e);
      if (!answer) return this.refuseUnavailable(bytes, e.message, started, peer);
      // processed, not committed: 99 instead (PROFILE §8: try again); kept for the next unit, as finish() does
      const sent = this.answerWithoutState(bytes, '99', e.message);
      const at = this.clock.now();
      this.journal.add({ at, wallAt: Date.now(), direction: 'out', channel: 'api', msgType: answer.msgType, raw: sent, responseCode: '99', note: `sent instead of UCSP's answer, which could not be written: ${e.message}` });
      return { ...answer, code: '99', reason: e.message, text: sent };
    }
    this.storeOk();
    this.catchUpClock();
    return answer!;
  }

  private process(bytes: Uint8Array): GatewayResult {
    // made once: what it holds never changes, and five closures a request are work for nothing
    this.gatewayDeps ??= {
      ledger: this.ledger,
      settings: this.settings,
      trust: this.partnerTrust,
      variant: this.config.partner.signatureVariant,
      signCertID: this.ucspSigner.certificate.serial,
      now: () => this.clock.now(),
      wallNow: () => Date.now(),
      issuerOverride: (orderId) => this.takeOutcome(orderId),
      forcedAnswer: (msgType) => this.takeForcedAnswer(msgType),
      answerFault: (msgType) => this.answerFaults.take(msgType),
    };
    return handleApiRequest(bytes, this.gatewayDeps);
  }

  private gatewayDeps: GatewayDeps | undefined;

  private finish(result: GatewayResult, text: string, bytes: Uint8Array, started: number, peer?: string, persist = true): ApiAnswer {
    // UCSP keeps its genuine answer (a byte-for-byte repeat gets it); a corrupted one is what leaves
    if (result.remember) this.ledger.replay.remember(result.remember.msgID, result.remember.digest, text, this.clock.now());
    const corrupted = result.fault ? this.corrupt(result, text) : undefined;
    const at = this.clock.now();
    const wallAt = Date.now();
    // (entries are object literals that begin with their own keys: one that begins with a spread
    // costs V8 a new hidden class for every key after it — microseconds on every request)
    const head = (direction: 'in' | 'out') => ({
      at,
      wallAt,
      channel: 'api' as const,
      msgType: result.msgType,
      ...(result.msgID ? { msgID: result.msgID } : {}),
      ...(result.orderId ? { orderId: result.orderId } : {}),
      direction,
    });
    const raw = result.requestText ?? Buffer.from(bytes).toString('latin1');
    const req = this.journal.add(
      Object.assign(
        head('in'),
        result.unreadable ? truncateUnreadable(raw, bytes.length) : { raw },
        result.signature ? { signature: result.signature } : undefined,
        peer ? { peer } : undefined,
      ),
    );
    this.journal.add(
      Object.assign(head('out'), {
        raw: corrupted?.text ?? text,
        responseCode: corrupted?.code ?? result.code,
        replyTo: req.seq,
        durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        ...(corrupted
          ? { note: corrupted.note, corrupted: { fault: result.fault!.fault.fault, genuineCode: result.code, code: corrupted.code } }
          : result.replayed
            ? { note: 'byte-for-byte repeat: the first answer again' }
            : result.reason
              ? { note: result.reason }
              : {}),
      }),
    );
    for (const e of result.effects) {
      if (e.type === 'watch') this.watch.watch(e.orderId);
      else this.expiry.track(e.orderId);
    }
    try {
      if (persist) this.persist();
    } catch (e) {
      if (!isUcspError(e) || e.kind !== 'unavailable') throw e;
      // processed, but not written: 99 goes out instead (PROFILE §8: try again). What the request
      // changed stays and is written once the disk has room; a byte-for-byte repeat then gets the
      // genuine answer above, as a repeat of a processed request does.
      const sent = this.answerWithoutState(bytes, '99', e.message);
      this.journal.add(Object.assign(head('out'), { raw: sent, responseCode: '99', replyTo: req.seq, note: `sent instead of the answer above, which could not be written: ${e.message}` }));
      return Object.assign(result, { code: '99' as const, reason: e.message, text: sent });
    }
    // the result is this request's own: completed in place rather than copied
    return Object.assign(result, { text: corrupted?.text ?? text });
  }

  /** The corrupted answer to send instead of the genuine `text`, and the journal's account of it. */
  private corrupt(result: GatewayResult, text: string): { text: string; code: ResponseCode; note: string } {
    const { fault, requestTrx } = result.fault!;
    const msgType = result.msgType as MsgType;
    const genuine = JSON.parse(text) as { trxInfo: Record<string, string>; msgResponse: { responseMsg: string } };
    const keyFields = echoKeyFields(requestTrx, KEY_FIELDS[msgType] ?? []);
    const ctx = { ledger: this.ledger, paymentUrl: this.settings.paymentUrl, signUrl: this.settings.signUrl, wallNow: Date.now(), zone: this.config.zone };
    const claim = claimFor(msgType, fault, { code: result.code, trxInfo: genuine.trxInfo, responseMsg: genuine.msgResponse.responseMsg }, (code) => answerFields(msgType, code, requestTrx, keyFields, ctx));
    const out = corruptAnswer(text, fault.fault, claim, this.ucspSigner, this.config.partner.signatureVariant);
    const note =
      `answer corrupted on purpose (control API answer fault "${fault.fault}"): ${out.description}` +
      `${claim.unmet ? ` (${claim.unmet})` : ''}; UCSP processed the request and its genuine answer was ${result.code}, which a byte-for-byte repeat of the request gets`;
    return { text: out.text, code: claim.code, note };
  }

  private onFinal(orderId: string, status: 'APPROVED' | 'DECLINED'): void {
    const draft = settle(this.ledger, orderId, status, this.settleCtx());
    if (draft) this.notices.enqueue(draft);
  }

  /** An order still unpaid when its time ran out: it fails, and the partner gets a 01 notice. */
  private onExpire(orderId: string): void {
    const draft = expire(this.ledger, orderId, this.settleCtx());
    if (!draft) return;
    const after = this.config.orderExpirySeconds;
    this.journal.add({ at: this.clock.now(), wallAt: Date.now(), direction: 'out', channel: 'cashier', orderId, raw: JSON.stringify({ expired: draft.message.trxInfo.tn, afterSeconds: after }), note: `the order expired unpaid after ${after} s` });
    this.notices.enqueue(draft);
  }

  // ── issuer outcomes (control API) ─────────────────────────────────────────

  setOutcome(behaviour: IssuerBehaviour, orderId?: string): void {
    if (orderId) this.outcomeByOrder.set(orderId, behaviour);
    else this.nextOutcome = behaviour;
    this.worldChanged();
  }

  private takeOutcome(orderId: string): IssuerBehaviour | undefined {
    const byOrder = this.outcomeByOrder.get(orderId);
    if (byOrder) return byOrder;
    const next = this.nextOutcome;
    this.nextOutcome = undefined;
    if (next !== undefined) this.worldChanged();
    return next;
  }

  /** The next valid partner request (of a type) is answered with `code`, changing nothing. */
  forceAnswer(code: ResponseCode, msgType?: string): void {
    this.forcedAnswers.push({ id: this.nextForcedId++, code, ...(msgType ? { msgType } : {}) });
    this.worldChanged();
  }

  private takeForcedAnswer(msgType: string): ResponseCode | undefined {
    const i = this.forcedAnswers.findIndex((f) => f.msgType === undefined || f.msgType === msgType);
    if (i === -1) return undefined;
    const code = this.forcedAnswers.splice(i, 1)[0]!.code;
    this.worldChanged();
    return code;
  }

  /**
   * Shared state (PostgreSQL): what the control API set for what comes next changed here; it is
   * written with this instance's next unit (stageKv), merged with what others wrote meanwhile.
   */
  private worldChanged(): void {
    if (this.shared && !this.applying) this.worldDirty = true;
  }

  /** Everything set for what comes next, as items (shared-world.ts). */
  private worldMap(): WorldMap {
    const m: WorldMap = {};
    if (this.nextOutcome !== undefined) m['outcome'] = this.nextOutcome;
    for (const [orderId, b] of this.outcomeByOrder) m[`outcomeFor:${orderId}`] = b;
    for (const f of this.forcedAnswers) m[`forced:${f.id}`] = { code: f.code, ...(f.msgType ? { msgType: f.msgType } : {}) };
    for (const f of this.answerFaults.list()) m[`answerFault:${f.id}`] = f;
    for (const f of this.notices.faults.list()) m[`noticeFault:${f.id}`] = f;
    return m;
  }

  /** The world `m` becomes this instance's (not written back). */
  private restoreWorld(m: WorldMap): void {
    this.nextOutcome = m['outcome'] as IssuerBehaviour | undefined;
    this.outcomeByOrder.clear();
    for (const k of Object.keys(m)) if (k.startsWith('outcomeFor:')) this.outcomeByOrder.set(k.slice('outcomeFor:'.length), m[k] as IssuerBehaviour);
    this.forcedAnswers = itemsOf<{ code: ResponseCode; msgType?: string }>(m, 'forced').map((x) => ({ id: x.id, ...x.value }));
    this.nextForcedId = Math.max(this.nextForcedId, ...this.forcedAnswers.map((f) => f.id + 1));
    const answerFaults = itemsOf<AnswerFault>(m, 'answerFault').map((x) => x.value);
    this.answerFaults.restore({ faults: answerFaults, nextId: Math.max(this.answerFaults.snapshot().nextId, ...answerFaults.map((f) => f.id + 1)) });
    const noticeFaults = itemsOf<NoticeFault>(m, 'noticeFault').map((x) => x.value);
    this.notices.faults.restore({ faults: noticeFaults, nextId: Math.max(this.notices.faults.snapshot().nextId, ...noticeFaults.map((f) => f.id + 1)) });
  }

  // ── the user (cashier, signing page, login) ───────────────────────────────

  findPayment(ref: { tn?: string; orderId?: string }): PaymentOrder {
    const p = ref.tn ? this.ledger.paymentByTn(ref.tn) : ref.orderId ? this.ledger.payment(ref.orderId) : undefined;
    if (!p) throw new UcspError('not-found', `no payment order ${ref.tn ?? ref.orderId ?? ''}`.trim());
    return p;
  }

  /** The key of a payment's pages (cashier, the channel app's payment page, result): its capability. */
  payKey(tn: string): string {
    return this.pageKeys.key('pay', tn);
  }

  /**
   * paymentUrl (PROFILE §6.2: any absolute URL): UCSP's cashier for tn, with the key that opens it.
   * tn is 21 digits (PROFILE §5) and anyone who learns one could guess the next; the key cannot be.
   */
  paymentUrl(tn: string): string {
    return `${this.urls.ucsp}/ucsp/cashier/${tn}/${this.payKey(tn)}`;
  }

  /** The payment order a page was opened for, by its tn and key; a wrong or missing key is no such page. */
  paymentPage(tn: unknown, key: unknown): PaymentOrder {
    if (typeof tn !== 'string' || !this.pageKeys.matches('pay', tn, key)) throw new UcspError('not-found', 'no such payment page: the link is incomplete or wrong');
    return this.findPayment({ tn });
  }

  cardsOf(_userId: string): typeof TEST_CARDS {
    return TEST_CARDS;
  }

  /** The user pays at the cashier with a card: the issuer decides (PROFILE §7.2). */
  pay(ref: { tn?: string; orderId?: string }, card: string = DEFAULT_CARD): { order: PaymentOrder; behaviour: IssuerBehaviour; error?: string } {
    const p = this.findPayment(ref);
    if (p.source !== 'frontend') throw new UcspError('incorrect', `order ${p.orderId} is an auto-debit order`);
    if (p.status !== 'AWAITING_USER') throw new UcspError('incorrect', `order ${p.orderId} is ${p.status}, not awaiting payment`);
    if (!this.cardsOf(p.userId).some((c) => c.pan === card)) throw new UcspError('incorrect', `card ${card.slice(0, 6)}… is not one of ${p.userId}'s cards`);
    const behaviour = decideBehaviour({ override: this.takeOutcome(p.orderId), txnAmt: p.txnAmt, card });
    // the card number is needed for that decision only: what is kept (memory, SQLite, views) is first 6 + last 4
    const shown = maskCardNumbers(card);
    const txn = startIssuerTxn({ ref: p.tn, orderId: p.orderId, kind: 'PAY', txnAmt: p.txnAmt, currencyCode: p.currencyCode, card: shown, behaviour, createdAt: this.clock.now() }, this.clock.now());
    this.journal.add({ at: this.clock.now(), wallAt: Date.now(), direction: 'out', channel: 'cashier', orderId: p.orderId, raw: JSON.stringify({ pay: p.tn, card: shown, behaviour }) });
    if (!txn) return { order: p, behaviour, error: 'the issuer reported a system error (99); the order still awaits payment' };
    this.ledger.putOrder(paymentTransition(p, { type: 'user-pay', card: shown }));
    this.expiry.refresh();
    this.ledger.issuer.set(p.tn, txn);
    this.watch.watch(p.orderId);
    return { order: this.findPayment({ orderId: p.orderId }), behaviour };
  }

  /** The user closes the cashier without paying. */
  abandon(ref: { tn?: string; orderId?: string }): PaymentOrder {
    const p = this.findPayment(ref);
    const draft = abandon(this.ledger, p.orderId, this.settleCtx());
    // the user's own act, for the journal's account of the order (the inspector's browser lane)
    this.journal.add({ at: this.clock.now(), wallAt: Date.now(), direction: 'in', channel: 'cashier', orderId: p.orderId, raw: JSON.stringify({ abandon: p.tn }), note: 'the user closed the cashier without paying' });
    this.notices.enqueue(draft);
    this.expiry.refresh();
    return this.findPayment({ orderId: p.orderId });
  }

  /** The user agrees or refuses on the signing page. */
  decideSigning(ref: { signId?: string; orderId?: string }, agree: boolean): { frontUrl: string; orderId: string; contractId?: string } {
    const orderId = ref.signId ? this.ledger.bySignId.get(ref.signId) : ref.orderId;
    const s = orderId ? this.ledger.signing(orderId) : undefined;
    if (!s) throw new UcspError('not-found', `no signing request ${ref.signId ?? ref.orderId ?? ''}`);
    if (s.status !== 'AWAITING_USER') throw new UcspError('incorrect', `signing ${s.orderId} is already ${s.status}`);
    const { draft, contract } = decideSigning(this.ledger, s.orderId, agree, this.settleCtx());
    this.journal.add({ at: this.clock.now(), wallAt: Date.now(), direction: 'in', channel: 'signing', orderId: s.orderId, raw: JSON.stringify({ decision: agree ? 'agree' : 'refuse', ...(contract ? { contractId: contract.contractId } : {}) }) });
    this.notices.enqueue(draft);
    return { frontUrl: s.frontUrl, orderId: s.orderId, ...(contract ? { contractId: contract.contractId } : {}) };
  }

  /**
   * The login hand-off (PROFILE §6.1): the signed INDUSTRY_LOGIN_INFO and the URL of the partner's
   * INDUSTRY_INDEX_URL carrying it. `tamper` makes a bad one on purpose, for conformance tests.
   */
  loginRedirect(o: { userId?: string; channelCode?: string; industryCode?: string; tamper?: LoginTamper } = {}): { url: string; requestData: string; userId: string } {
    const user = o.userId ? this.config.users.find((u) => u.userId === o.userId) : this.config.users[0];
    if (!user) throw new UcspError('not-found', `no test user ${o.userId}`);
    const channelCode = o.channelCode ?? this.config.channels[0]!.channelCode;
    if (!this.config.channels.some((c) => c.channelCode === channelCode)) throw new UcspError('not-found', `unknown channelCode ${channelCode}`);
    const industryCode = o.industryCode ?? this.config.partner.industryCode;
    if (industryCode !== this.config.partner.industryCode) throw new UcspError('not-found', `unknown industryCode ${industryCode}`);
    let requestData: string;
    let query: string;
    let msgID: string;
    if (o.tamper === 'replay' && this.lastLogin) {
      requestData = this.lastLogin;
      query = encodeURIComponent(requestData);
      msgID = (JSON.parse(requestData) as { msgInfo: { msgID: string } }).msgInfo.msgID;
    } else {
      const h = buildHandoff({
        user,
        channelCode,
        industryCode,
        insID: this.config.partner.insID,
        zone: this.config.zone,
        variant: this.config.partner.signatureVariant,
        wallNow: Date.now(),
        msgID: (timeStamp) => this.ledger.ids.msgID(timeStamp),
        ucsp: this.ucspSigner,
        stranger: () => this.stranger(),
        ...(o.tamper && o.tamper !== 'replay' ? { tamper: o.tamper } : {}),
      });
      ({ text: requestData, query, msgID } = h);
      if (!o.tamper) this.lastLogin = requestData;
    }
    const index = this.config.partner.indexUrl;
    const url = `${index}${index.includes('?') ? '&' : '?'}request_data=${query}`;
    this.journal.add({ at: this.clock.now(), wallAt: Date.now(), direction: 'out', channel: 'login', msgType: 'INDUSTRY_LOGIN_INFO', msgID, raw: requestData, peer: index, ...(o.tamper ? { note: `tampered on purpose: ${o.tamper}${o.tamper === 'bad-encoding' ? ' (request_data as sent, percent-encoded)' : ''}` } : {}) });
    return { url, requestData, userId: user.userId };
  }

  /** A key that is not UCSP's, presenting UCSP's signCertID: the partner must refuse its signatures. */
  private stranger(): SignerCredentials {
    if (!this.strangerKey) {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      this.strangerKey = { privateKey, certificate: this.ucspSigner.certificate };
    }
    return this.strangerKey;
  }

  // ── settling ──────────────────────────────────────────────────────────────

  /**
   * Resolves when everything set in motion has finished: what is due at the current virtual time
   * has fired, and no notice attempt, timer callback, signing or clock advance is running. Waits
   * on events, never by polling. After `timeoutMs` (real) it reports what is still in flight.
   */
  async settle(timeoutMs: number): Promise<SettleReport> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timer = setTimeout(() => resolve('expired'), timeoutMs);
    });
    const quiet = () => ({ waitedMs: Date.now() - started, lastSeq: this.journal.lastSeq });
    try {
      for (;;) {
        if (this.clock.hasDueTimer()) {
          // what is due now happens now (in any clock mode), and is waited for
          const r = await Promise.race([this.clock.advance(0).then(() => 'ok' as const), expired]);
          if (r === 'expired') break;
          continue;
        }
        if (this.inFlight.size === 0) return { settled: true, ...quiet(), now: this.clock.now(), nextTimerAt: this.clock.nextTimerAt() ?? null };
        const r = await Promise.race([this.inFlight.changed().then(() => 'ok' as const), expired]);
        if (r === 'expired') break;
      }
      // the specific work (a notice waiting for its answer) rather than the timer that runs it
      const items = this.inFlight.list().filter((i) => i.kind !== 'clock');
      const specific = items.filter((i) => i.kind !== 'timer');
      return { settled: false, ...quiet(), timeoutMs, inFlight: specific.length ? specific : items };
    } finally {
      clearTimeout(timer);
    }
  }

  // ── state ─────────────────────────────────────────────────────────────────

  /** Forgets all state: orders, contracts, notices, msgIDs, faults, outcomes, journal. */
  reset(): void {
    this.forgetLocal();
    // PostgreSQL: every instance forgets too, when it next looks (the store's reset mark)
    if (this.shared) void this.inFlight.track('store', 'resetting the shared state in PostgreSQL', this.shared.clear()).catch((e: unknown) => this.storeFailed(e));
    else void this.store?.clear();
  }

  /** Forgets all state held here (not the store's). */
  private forgetLocal(): void {
    this.notices.stop();
    this.watch.stop();
    this.expiry.stop();
    this.notices.faults.clear();
    this.ledger.reset();
    this.journal.clear();
    this.nextOutcome = undefined;
    this.outcomeByOrder.clear();
    this.lastLogin = undefined;
    this.forcedAnswers = [];
    this.answerFaults.clear();
    this.worldBase = {};
  }

  journalEntries(q: Parameters<Journal['query']>[0]): JournalEntry[] {
    return this.journal.query(q);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clockHold.close();
    this.notices.stop();
    this.watch.stop();
    this.expiry.stop();
    this.clock.close();
    if (this.shared) {
      try {
        await this.persistAsync();
      } catch {
        // the database cannot be reached (said by onStoreProblem): what is unwritten is lost
      }
      await this.shared.close().catch(() => undefined);
      void this.answerSigner?.close();
      return;
    }
    try {
      this.persist();
      this.store?.close();
    } catch {
      // the data folder cannot be written (said by onStoreProblem): what is unwritten is lost
      try {
        this.store?.close();
      } catch {
        // closed anyway
      }
    }
    void this.answerSigner?.close();
  }
}
