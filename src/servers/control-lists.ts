/**
 * The control API's lists (orders, notices, contracts, journal entries), paged and streamed: the
 * answer is written a few hundred items at a time, yielding to the event loop between chunks and
 * waiting for the client to take them, so a list of 100,000 orders neither blocks the sandbox nor
 * sits whole in memory. `?limit=N` (1–10000) gives a page and, when more follow, the
 * `X-Next-Cursor` header (and `Link: <…>; rel="next"`) to pass as `?cursor=` for the next one.
 */
import type { Request, Response } from 'express';
import { UcspError } from '../errors/index.js';
import type { PagedTables, Table } from '../store/state-store.js';

export const MAX_PAGE = 10_000;
const CHUNK_ITEMS = 200;

export interface PageRequest {
  limit: number;
  cursor: string | undefined;
}

export function pageRequest(req: Request): PageRequest {
  const q = req.query as Record<string, unknown>;
  let limit = Number.POSITIVE_INFINITY;
  if (q.limit !== undefined) {
    limit = Number(q.limit);
    if (typeof q.limit !== 'string' || !/^[0-9]+$/.test(q.limit) || limit < 1 || limit > MAX_PAGE) throw new UcspError('usage', `limit must be an integer from 1 to ${MAX_PAGE}`);
  }
  const cursor = q.cursor;
  if (cursor !== undefined && (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 256)) throw new UcspError('usage', 'cursor must be the X-Next-Cursor of the previous page');
  return { limit, cursor: cursor as string | undefined };
}

/** A page of items: all of them (an iterable, walked while streaming), or at most `limit` with the cursor of the next. */
export interface Page<T> {
  items: Iterable<T>;
  next?: string;
}

/** A page of a Map held in memory, in insertion order; the cursor is the last key given. */
export function memoryPage<T>(map: ReadonlyMap<string, T>, p: PageRequest): Page<T> {
  const c = p.cursor;
  if (c !== undefined && (!c.startsWith('k:') || !map.has(c.slice(2)))) throw new UcspError('usage', `cursor ${c} is not one of this list (or its item is gone): start again without a cursor`);
  const after = c?.slice(2);
  // keys first, each value read only when it is given: a map may hold its values packed (the orders)
  function* walk(): Generator<[string, T]> {
    let started = after === undefined;
    for (const k of map.keys()) {
      if (!started) {
        started = k === after;
        continue;
      }
      const v = map.get(k);
      if (v !== undefined) yield [k, v];
    }
  }
  if (!Number.isFinite(p.limit)) return { items: (function* () { for (const [, v] of walk()) yield v; })() };
  const items: T[] = [];
  let last: string | undefined;
  let more = false;
  for (const [k, v] of walk()) {
    if (items.length === p.limit) {
      more = true;
      break;
    }
    items.push(v);
    last = k;
  }
  return { items, ...(more && last !== undefined ? { next: `k:${last}` } : {}) };
}

/** A page of a table of durable state, in the order rows were first written; the cursor is the last row given. */
export function storePage<T>(store: PagedTables, table: Table, p: PageRequest): Page<T> {
  let after = 0;
  if (p.cursor !== undefined) {
    const m = /^r:([0-9]{1,15})$/.exec(p.cursor);
    if (!m) throw new UcspError('usage', `cursor ${p.cursor} is not one of this list: start again without a cursor`);
    after = Number(m[1]);
  }
  const batch = (from: number, n: number) => store.page(table, from, n);
  if (!Number.isFinite(p.limit)) {
    return {
      items: (function* () {
        for (let rows = batch(after, 500); rows.length; rows = batch(rows.at(-1)!.row, 500)) for (const r of rows) yield JSON.parse(r.value) as T;
      })(),
    };
  }
  const rows = batch(after, p.limit + 1);
  const more = rows.length > p.limit;
  const kept = rows.slice(0, p.limit);
  return { items: kept.map((r) => JSON.parse(r.value) as T), ...(more ? { next: `r:${kept.at(-1)!.row}` } : {}) };
}

/**
 * Writes `{…head, [key]: [items…]}` (or a bare array when `key` is undefined) a chunk at a time.
 * `view` shapes each item as it is written.
 */
export async function streamList<T>(req: Request, res: Response, page: Page<T>, view: (item: T) => unknown, wrap?: { key: string; tail: Record<string, unknown> }): Promise<void> {
  if (page.next !== undefined) {
    const url = new URL(req.originalUrl, 'http://x');
    url.searchParams.set('cursor', page.next);
    res.setHeader('x-next-cursor', page.next);
    res.setHeader('link', `<${url.pathname}${url.search}>; rel="next"`);
  }
  res.status(200).setHeader('content-type', 'application/json; charset=utf-8');
  let closed = false;
  res.on('close', () => (closed = true));
  const write = async (text: string) => {
    if (!res.write(text)) {
      // until the client takes it (or leaves); neither listener outlives the wait
      await new Promise<void>((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.once('drain', done);
        res.once('close', done);
      });
    }
    // other work runs between chunks
    await new Promise((r) => setImmediate(r));
  };
  let chunk = wrap ? `{${JSON.stringify(wrap.key)}:[` : '[';
  let n = 0;
  let first = true;
  for (const item of page.items) {
    if (closed) return;
    chunk += (first ? '' : ',') + JSON.stringify(view(item));
    first = false;
    if (++n % CHUNK_ITEMS === 0) {
      await write(chunk);
      chunk = '';
    }
  }
  if (closed) return;
  chunk += ']';
  if (wrap) for (const [k, v] of Object.entries(wrap.tail)) chunk += `,${JSON.stringify(k)}:${JSON.stringify(v)}`;
  res.end(wrap ? `${chunk}}` : chunk);
}
