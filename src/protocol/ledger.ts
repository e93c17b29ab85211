/**
 * Everything UCSP remembers: orders of every kind (one orderId namespace per merchant, PROFILE §5),
 * contracts, issuer transactions, notices and the msgID replay cache. A plain container: the
 * rules live in the entity machines and the handlers.
 */
import type { Contract, SigningRequest } from './contract-machine.js';
import { IdGenerator } from './ids.js';
import { ObservedMap } from './observed-map.js';
import type { IssuerTxn } from './issuer-rules.js';
import type { NoticeRecord } from './notice-machine.js';
import type { PaymentOrder } from './payment-machine.js';
import type { RefundOrder } from './refund-machine.js';
import { ReplayCache } from './replay-cache.js';

export type AnyOrder = PaymentOrder | RefundOrder | SigningRequest;

export interface LedgerSnapshot {
  orders: AnyOrder[];
  contracts: Contract[];
  issuer: IssuerTxn[];
  notices: NoticeRecord[];
  idCounter: number;
}

export class Ledger {
  readonly orders = new ObservedMap<string, AnyOrder>();
  readonly contracts = new ObservedMap<string, Contract>();
  readonly issuer = new ObservedMap<string, IssuerTxn>();
  readonly notices = new ObservedMap<string, NoticeRecord>();
  /** Secondary indexes. */
  readonly byTn = new Map<string, string>();
  readonly byQueryId = new Map<string, string>();
  readonly bySignId = new Map<string, string>();
  readonly replay: ReplayCache;
  readonly ids: IdGenerator;

  constructor(insID: string, replayLimit = 200_000) {
    this.ids = new IdGenerator(insID);
    this.replay = new ReplayCache(replayLimit);
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
    this.orders.set(o.orderId, o);
    if (o.kind === 'PAY') this.byTn.set(o.tn, o.orderId);
    if (o.kind === 'SIGN') this.bySignId.set(o.signId, o.orderId);
    if ((o.kind === 'PAY' || o.kind === 'CANCEL' || o.kind === 'REFUND') && o.queryId) this.byQueryId.set(o.queryId, o.orderId);
  }

  /** Puts back what durable state held (indexes rebuilt). */
  restore(snap: LedgerSnapshot): void {
    for (const o of snap.orders) this.putOrder(o);
    for (const c of snap.contracts) this.contracts.set(c.contractId, c);
    for (const t of snap.issuer) this.issuer.set(t.ref, t);
    for (const n of snap.notices) this.notices.set(n.id, n);
    this.ids.counter = Math.max(this.ids.counter, snap.idCounter);
  }

  reset(): void {
    for (const m of [this.orders, this.contracts, this.issuer, this.notices, this.byTn, this.byQueryId, this.bySignId]) m.clear();
    this.replay.clear();
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
