/**
 * The ledger's orders, with the commonest order held compactly: a frontend payment order awaiting
 * its user — what a partner that submits and never pays leaves behind, all kept (orderLimit drops
 * settled orders only) — is one short string instead of an object of 18 fields and its own
 * txnTime and createdAt (~80 bytes instead of ~250). What repeats across orders (merId, acqIIN,
 * currencyCode, userId, backUrl) is a number into a bounded table. Every read gives the order as
 * an object again (a new one each time: orders are values, changed only by putting a new one);
 * anything else, and any order the packed form cannot hold exactly, is kept as it is.
 */
import { ObservedMap } from './observed-map.js';
import type { PaymentOrder } from './payment-machine.js';
import type { RefundOrder } from './refund-machine.js';
import type { SigningRequest } from './contract-machine.js';

type AnyOrder = PaymentOrder | RefundOrder | SigningRequest;

/** Separates the parts of a packed order; an order with it in a packed field is kept unpacked. */
const SEP = '\u0000';
/**
 * Packed text is copied through UTF-8 (to a flat string of its own), which would not give back a
 * lone surrogate: orders with any surrogate in a packed field are kept unpacked (rare: emoji).
 */
const NOT_PACKED = /[\u0000\ud800-\udfff]/;

/** The fields a packed order has (besides orderId, the map's key), optional frontUrl and orderDesc. */
const PACKED_KEYS = new Set(['kind', 'source', 'orderId', 'merId', 'acqIIN', 'txnAmt', 'currencyCode', 'txnTime', 'userId', 'backUrl', 'frontUrl', 'orderDesc', 'tn', 'status', 'reservedAmt', 'refundedAmt', 'cancelled', 'createdAt']);

interface Common {
  merId: string;
  acqIIN: string;
  currencyCode: string;
  userId: string;
  backUrl: string;
}

/** At most this many distinct (merId, acqIIN, currencyCode, userId, backUrl): past it, new ones are kept unpacked. */
export const COMMON_LIMIT = 4096;

/** The repeating parts of packed orders, by number; shared by every OrderMap (values, never changed). */
const commons: Common[] = [];
const commonIndex = new Map<string, number>();

function commonOf(p: PaymentOrder): number | undefined {
  const key = `${p.merId}${SEP}${p.acqIIN}${SEP}${p.currencyCode}${SEP}${p.userId}${SEP}${p.backUrl}`;
  const hit = commonIndex.get(key);
  if (hit !== undefined) return hit;
  if (commons.length >= COMMON_LIMIT || key.split(SEP).length !== 5 || /[\ud800-\udfff]/.test(key)) return undefined;
  commons.push({ merId: p.merId, acqIIN: p.acqIIN, currencyCode: p.currencyCode, userId: p.userId, backUrl: p.backUrl });
  commonIndex.set(Buffer.from(key, 'utf8').toString('utf8'), commons.length - 1);
  return commons.length - 1;
}

const str = (v: unknown): v is string => typeof v === 'string';

/**
 * The packed form of an order, or undefined when it is not a frontend payment order awaiting its
 * user with nothing else on it (or a field would not come back exactly).
 */
export function packOrder(orderId: string, o: AnyOrder): string | undefined {
  if (o.kind !== 'PAY' || o.source !== 'frontend' || o.status !== 'AWAITING_USER' || o.orderId !== orderId) return undefined;
  if (o.reservedAmt !== 0 || o.refundedAmt !== 0 || o.cancelled !== false || !Number.isFinite(o.createdAt)) return undefined;
  for (const k of Object.keys(o)) if (!PACKED_KEYS.has(k)) return undefined;
  if (![o.merId, o.acqIIN, o.txnAmt, o.currencyCode, o.txnTime, o.userId, o.backUrl, o.tn].every(str)) return undefined;
  if ((o.frontUrl !== undefined && !str(o.frontUrl)) || (o.orderDesc !== undefined && !str(o.orderDesc))) return undefined;
  const common = commonOf(o);
  if (common === undefined) return undefined;
  const parts = [String(common), String(o.createdAt), o.txnAmt, o.txnTime, o.tn];
  if (o.frontUrl !== undefined) parts.push(`f${o.frontUrl}`);
  if (o.orderDesc !== undefined) parts.push(`d${o.orderDesc}`);
  if (parts.some((x) => NOT_PACKED.test(x))) return undefined;
  // one flat string: nothing of the texts it was made from stays alive with it
  return Buffer.from(parts.join(SEP), 'utf8').toString('utf8');
}

/** The order a packed form holds (a new object, fields in the order the handler makes them). */
export function unpackOrder(orderId: string, packed: string): PaymentOrder {
  const parts = packed.split(SEP);
  const c = commons[Number(parts[0])]!;
  let frontUrl: string | undefined;
  let orderDesc: string | undefined;
  for (let i = 5; i < parts.length; i++) {
    const x = parts[i]!;
    if (x[0] === 'f') frontUrl = x.slice(1);
    else orderDesc = x.slice(1);
  }
  return {
    kind: 'PAY',
    source: 'frontend',
    orderId,
    merId: c.merId,
    acqIIN: c.acqIIN,
    txnAmt: parts[2]!,
    currencyCode: c.currencyCode,
    txnTime: parts[3]!,
    userId: c.userId,
    backUrl: c.backUrl,
    ...(frontUrl !== undefined ? { frontUrl } : {}),
    ...(orderDesc !== undefined ? { orderDesc } : {}),
    tn: parts[4]!,
    status: 'AWAITING_USER',
    reservedAmt: 0,
    refundedAmt: 0,
    cancelled: false,
    createdAt: Number(parts[1]),
  };
}

const mapGet = Map.prototype.get as (this: Map<string, unknown>, k: string) => unknown;
const mapSet = Map.prototype.set as (this: Map<string, unknown>, k: string, v: unknown) => Map<string, unknown>;
const mapEntries = Map.prototype.entries as (this: Map<string, unknown>) => IterableIterator<[string, unknown]>;

function decode(key: string, stored: unknown): AnyOrder {
  return typeof stored === 'string' ? unpackOrder(key, stored) : (stored as AnyOrder);
}

export class OrderMap extends ObservedMap<string, AnyOrder> {
  override set(key: string, value: AnyOrder): this {
    mapSet.call(this, key, packOrder(key, value) ?? value);
    this.listener?.(key, value);
    return this;
  }

  override held(key: string): AnyOrder | undefined {
    const stored = mapGet.call(this, key);
    return stored === undefined ? undefined : decode(key, stored);
  }

  override get(key: string): AnyOrder | undefined {
    const v = this.held(key);
    return v !== undefined || !this.fallback ? v : this.fallback(key);
  }

  override *entries(): MapIterator<[string, AnyOrder]> {
    for (const [k, stored] of mapEntries.call(this)) yield [k, decode(k, stored)];
  }

  override *values(): MapIterator<AnyOrder> {
    for (const [k, stored] of mapEntries.call(this)) yield decode(k, stored);
  }

  override [Symbol.iterator](): MapIterator<[string, AnyOrder]> {
    return this.entries();
  }

  override forEach(fn: (value: AnyOrder, key: string, map: Map<string, AnyOrder>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }
}
