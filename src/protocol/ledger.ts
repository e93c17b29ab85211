/**
 * Everything UCSP remembers: orders of every kind (one orderId namespace per merchant, PROFILE §5),
 * contracts, issuer transactions, notices and the msgID replay cache. A plain container: the
 * rules live in the entity machines and the handlers.
 */
import type { Contract, SigningRequest } from './contract-machine.js';
import { IdGenerator } from './ids.js';
import { FallbackMap, ObservedMap } from './observed-map.js';
import { OrderMap } from './order-map.js';
import type { IssuerTxn } from './issuer-rules.js';
import type { NoticeRecord } from './notice-machine.js';
import { isFinal, type PaymentOrder } from './payment-machine.js';
import type { RefundOrder } from './refund-machine.js';
import { ReplayCache } from './replay-cache.js';

export type AnyOrder = PaymentOrder | RefundOrder | SigningRequest;

/**
 * Durable state behind the ledger (`--data`): what is no longer in memory is found there. Orders
 * by id and by their tn, queryId or signId; notices by id and by order; issuer transactions by ref.
 */
export interface LedgerBacking {
  order(orderId: string): AnyOrder | undefined;
  orderIdBy(field: 'tn' | 'queryId' | 'signId', value: string): string | undefined;
  notice(id: string): NoticeRecord | undefined;
  noticesOf(orderId: string): NoticeRecord[];
  issuer(ref: string): IssuerTxn | undefined;
}

/** A tenth (at least one) past `n`: where the next trim of orders runs. */
function tenthPast(n: number): number {
  return n + Math.max(1, Math.ceil(n / 10));
}

/** An order whose life is over: final, nothing of it in progress (no refund held on it). */
function isSettled(o: AnyOrder): boolean {
  if (o.kind === 'PAY') return isFinal(o) && o.reservedAmt === 0;
  if (o.kind === 'SIGN') return o.status !== 'AWAITING_USER';
  return o.status !== 'PROCESSING';
}

export interface LedgerSnapshot {
  orders: AnyOrder[];
  contracts: Contract[];
  issuer: IssuerTxn[];
  notices: NoticeRecord[];
  idCounter: number;
}

export class Ledger {
  /** Frontend payment orders awaiting their user are held packed (order-map.ts). */
  readonly orders: ObservedMap<string, AnyOrder> = new OrderMap();
  readonly contracts = new ObservedMap<string, Contract>();
  readonly issuer = new ObservedMap<string, IssuerTxn>();
  readonly notices = new ObservedMap<string, NoticeRecord>();
  /** Secondary indexes. */
  readonly byTn = new FallbackMap<string, string>();
  readonly byQueryId = new FallbackMap<string, string>();
  readonly bySignId = new FallbackMap<string, string>();
  /** Notice ids of each order (in memory). */
  private readonly noticeIds = new Map<string, Set<string>>();
  readonly replay: ReplayCache;
  readonly ids: IdGenerator;
  /**
   * Orders kept in memory: past it, the oldest settled orders (final, nothing in progress) leave
   * memory with their notices and issuer transactions — to durable state only when there is one
   * (still found by every lookup), else forgotten (`dropped`). Live orders always stay.
   */
  orderLimit = Number.POSITIVE_INFINITY;
  /** Settled orders forgotten for good (no durable state), and moved to durable state only. */
  dropped = 0;
  evicted = 0;
  /** Work of the sandbox still tied to an order (an issuer inquiry schedule, say): it stays in memory. */
  busy: ((orderId: string) => boolean) | undefined;
  private backing: LedgerBacking | undefined;
  private restoring = false;
  /** Ids of orders in memory that were settled when last stored, in the order they settled. */
  private readonly settled = new Set<string>();
  /**
   * The size at which the next trim runs: a tenth past the limit, or past what the last trim left
   * (live orders stay), so that each trim is paid for by a tenth as many new orders (never a scan
   * per request, however many orders are live).
   */
  private trimAt = Number.POSITIVE_INFINITY;

  constructor(insID: string, replayLimit = 200_000) {
    this.ids = new IdGenerator(insID);
    this.replay = new ReplayCache(replayLimit);
    // the notice index follows every notice stored (the dispatcher stores them)
    const notices = this.notices;
    const index = this.noticeIds;
    const set = notices.set.bind(notices);
    notices.set = (id, n) => {
      let ids = index.get(n.orderId);
      if (!ids) index.set(n.orderId, (ids = new Set()));
      ids.add(id);
      return set(id, n);
    };
  }

  /** Durable state to find what memory no longer holds. */
  attachBacking(b: LedgerBacking): void {
    this.backing = b;
    this.orders.fallback = (id) => b.order(id);
    this.notices.fallback = (id) => b.notice(id);
    this.issuer.fallback = (ref) => b.issuer(ref);
    this.byTn.fallback = (tn) => b.orderIdBy('tn', tn);
    this.byQueryId.fallback = (q) => b.orderIdBy('queryId', q);
    this.bySignId.fallback = (s) => b.orderIdBy('signId', s);
  }

  /** The notices of an order, oldest first (from durable state too). */
  noticesOf(orderId: string): NoticeRecord[] {
    const ids = this.noticeIds.get(orderId);
    if (ids) return [...ids].map((id) => this.notices.held(id)).filter((n): n is NoticeRecord => n !== undefined);
    return this.backing ? this.backing.noticesOf(orderId) : [];
  }

  /**
   * Moves the oldest settled orders out of memory until at most orderLimit remain (or only live
   * ones are left): those whose notices are all done and that no sandbox work is tied to.
   */
  trim(): void {
    if (this.orders.size > this.orderLimit) {
      for (const id of this.settled) {
        if (this.orders.size <= this.orderLimit) break;
        const o = this.orders.held(id);
        if (!o || !isSettled(o)) {
          this.settled.delete(id);
          continue;
        }
        if (this.busy?.(id)) continue;
        const notices = this.noticesOf(id);
        if (notices.some((n) => n.status === 'PENDING' || n.status === 'HELD')) continue;
        this.forgetOrder(o, notices);
      }
    }
    this.trimAt = tenthPast(Math.max(this.orderLimit, this.orders.size));
  }

  private forgetOrder(o: AnyOrder, notices: NoticeRecord[]): void {
    this.orders.forget(o.orderId);
    this.settled.delete(o.orderId);
    for (const n of notices) this.notices.forget(n.id);
    this.noticeIds.delete(o.orderId);
    if (o.kind === 'PAY') {
      this.byTn.forget(o.tn);
      this.issuer.forget(o.tn);
    } else if (o.kind === 'SIGN') this.bySignId.forget(o.signId);
    else this.issuer.forget(o.orderId);
    if (o.kind !== 'SIGN' && o.queryId) this.byQueryId.forget(o.queryId);
    if (this.backing) this.evicted++;
    else this.dropped++;
  }

  payment(orderId: string): PaymentOrder | undefined {
    const o = this.orders.get(orderId);
    return o?.kind === 'PAY' ? o : undefined;
  }

  refund(orderId: string): RefundOrder | undefined {
    const o = this.orders.get(orderId);
    return o?.kind === 'CANCEL' || o?.kind === 'REFUND' ? o : undefined;
  }

  signing(orderId: string): SigningRequest | undefined {
    const o = this.orders.get(orderId);
    return o?.kind === 'SIGN' ? o : undefined;
  }

  paymentByQueryId(queryId: string): PaymentOrder | undefined {
    const id = this.byQueryId.get(queryId);
    return id ? this.payment(id) : undefined;
  }

  paymentByTn(tn: string): PaymentOrder | undefined {
    const id = this.byTn.get(tn);
    return id ? this.payment(id) : undefined;
  }

  /** Stores an order (new or its next state), keeping the indexes current. */
  putOrder(o: AnyOrder): void {
    const added = this.orders.held(o.orderId) === undefined;
    this.orders.set(o.orderId, o);
    if (o.kind === 'PAY') this.byTn.set(o.tn, o.orderId);
    if (o.kind === 'SIGN') this.bySignId.set(o.signId, o.orderId);
    if ((o.kind === 'PAY' || o.kind === 'CANCEL' || o.kind === 'REFUND') && o.queryId) this.byQueryId.set(o.queryId, o.orderId);
    if (isSettled(o)) this.settled.add(o.orderId);
    else this.settled.delete(o.orderId);
    if (this.trimAt === Number.POSITIVE_INFINITY && Number.isFinite(this.orderLimit)) this.trimAt = tenthPast(this.orderLimit);
    if (added && !this.restoring && this.orders.size > this.trimAt) this.trim();
  }

  /** Puts back what durable state held (indexes rebuilt), then keeps orderLimit. */
  restore(snap: LedgerSnapshot): void {
    this.restoring = true;
    try {
      for (const o of snap.orders) this.putOrder(o);
      for (const c of snap.contracts) this.contracts.set(c.contractId, c);
      for (const t of snap.issuer) this.issuer.set(t.ref, t);
      for (const n of snap.notices) this.notices.set(n.id, n);
    } finally {
      this.restoring = false;
    }
    this.ids.counter = Math.max(this.ids.counter, snap.idCounter);
    this.trim();
  }

  reset(): void {
    for (const m of [this.orders, this.contracts, this.issuer, this.notices, this.byTn, this.byQueryId, this.bySignId]) m.clear();
    this.noticeIds.clear();
    this.settled.clear();
    this.trimAt = Number.POSITIVE_INFINITY;
    this.replay.clear();
    this.dropped = 0;
    this.evicted = 0;
  }

  snapshot(): LedgerSnapshot {
    return {
      orders: [...this.orders.values()],
      contracts: [...this.contracts.values()],
      issuer: [...this.issuer.values()],
      notices: [...this.notices.values()],
      idCounter: this.ids.counter,
    };
  }
}
