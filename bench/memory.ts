/**
 * Resident memory of a fresh sandbox after N requests (journal on, default journalLimit). The
 * requests are signed on every core in batches while being sent, so none is older than a few
 * seconds when it arrives (timeStamp must be within ±300 s).
 */
import type { ChildProcess } from 'node:child_process';
import { runLoad, type AnswerChecker } from './load.js';
import { log, rssOf, stop } from './proc.js';
import type { SignPool } from './sign-pool.js';

export interface MemoryResult {
  rss_mb_after_100k: number;
  rss_requests: number;
  rss_mb_idle: number;
  rss_peak_mb: number;
  journal_dropped: number;
  journal_size: number;
  orders: number;
  replay_cache: number;
  rss_phase_s: number;
  rss_phase_errors: number;
  /** The slowest of a few paged GET /control/orders?limit=100 calls (first page, then by cursor) with the orders held. */
  control_orders_ms_at_100k: number;
  control_orders_calls: number;
  /** GET /control/status's memory figures right after the run (heap used/total, each V8 space). */
  rss_breakdown_mb?: Record<string, number>;
  /** The same 5 s later, the sandbox idle: live data plus what V8 has not given back. */
  rss_after_5s_idle_mb?: Record<string, number>;
}

/** A paged list call with every order of the run held: the slowest of `calls` (first page, then the next ones by cursor). */
async function measureOrdersPage(control: string, calls: number): Promise<number> {
  let worst = 0;
  let cursor: string | null = null;
  for (let i = 0; i < calls; i++) {
    const url = `${control}/orders?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const t0 = performance.now();
    const res = await fetch(url);
    const items = (await res.json()) as unknown[];
    const ms = performance.now() - t0;
    if (res.status !== 200 || !Array.isArray(items) || items.length !== 100) throw new Error(`GET ${url}: HTTP ${res.status}, ${Array.isArray(items) ? items.length : 'no'} items`);
    worst = Math.max(worst, ms);
    cursor = res.headers.get('x-next-cursor');
  }
  return worst;
}

export async function measureMemory(
  start: () => Promise<{ api: string; control: string; child: ChildProcess }>,
  o: { pool: SignPool; checker: AnswerChecker; connections: number; total: number },
): Promise<MemoryResult> {
  const { api, control, child } = await start();
  try {
    const idle = rssOf(child.pid!).rssMb;
    const queue: Buffer[] = [];
    let head = 0;
    let produced = 0;
    const waiters: (() => void)[] = [];
    const wake = () => {
      for (const w of waiters.splice(0)) w();
    };
    const highWater = 4000;
    const chunk = 1000;
    let producerError: unknown;
    const producer = (async () => {
      while (produced < o.total) {
        if (queue.length - head >= highWater) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const n = Math.min(chunk, o.total - produced);
        produced += n;
        await o.pool.sign(n, (msgs) => {
          for (const m of msgs) queue.push(m);
          wake();
        });
        if (head > 50_000) {
          queue.splice(0, head);
          head = 0;
        }
      }
    })().catch((e: unknown) => {
      producerError = e;
      wake();
    });
    let taken = 0;
    const next = async (): Promise<Buffer | undefined> => {
      for (;;) {
        if (producerError) throw producerError;
        if (head < queue.length) {
          taken++;
          return queue[head++];
        }
        if (taken >= o.total) return undefined;
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    const t0 = performance.now();
    let lastLog = t0;
    const progress = setInterval(() => {
      const now = performance.now();
      if (now - lastLog > 10_000) {
        lastLog = now;
        log(`memory: ${taken}/${o.total} requests, RSS ${rssOf(child.pid!).rssMb.toFixed(0)} MB`);
      }
    }, 1000);
    const r = await runLoad({ url: api, connections: o.connections, next, checker: o.checker }).finally(() => clearInterval(progress));
    await producer;
    if (producerError) throw producerError;
    const seconds = (performance.now() - t0) / 1000;
    const mem = rssOf(child.pid!);
    const status = (await (await fetch(`${control}/status`)).json()) as {
      orders: number;
      journal: { dropped: number; size: number };
      replayCache: { size: number };
      /** The sandbox's own breakdown (heap spaces, MB), when it reports one. */
      memory?: Record<string, number>;
    };
    log(`memory: ${r.requests} requests in ${seconds.toFixed(0)} s, RSS ${mem.rssMb.toFixed(0)} MB (peak ${mem.peakMb.toFixed(0)}), ${r.errors} errors`);
    // the same after 5 s with nothing to do: what V8 gives back once the load stops (live data vs garbage)
    await new Promise((r) => setTimeout(r, 5000));
    const idleAfter = (await (await fetch(`${control}/status`)).json()) as { memory?: Record<string, number> };
    log(`memory: after 5 s idle, RSS ${rssOf(child.pid!).rssMb.toFixed(0)} MB${idleAfter.memory ? `, heap used ${idleAfter.memory.heapUsedMb} MB of ${idleAfter.memory.heapTotalMb}` : ''}`);
    // read after RSS: the list call must not be what was measured
    const listCalls = 5;
    const listMs = await measureOrdersPage(control, listCalls);
    log(`memory: GET /control/orders?limit=100 with ${status.orders} orders held: ${listMs.toFixed(1)} ms (slowest of ${listCalls})`);
    return {
      rss_mb_after_100k: Math.round(mem.rssMb),
      rss_requests: r.requests,
      rss_mb_idle: Math.round(idle),
      rss_peak_mb: Math.round(mem.peakMb),
      journal_dropped: status.journal.dropped,
      journal_size: status.journal.size,
      orders: status.orders,
      replay_cache: status.replayCache.size,
      rss_phase_s: Math.round(seconds),
      rss_phase_errors: r.errors,
      control_orders_ms_at_100k: Math.round(listMs * 10) / 10,
      control_orders_calls: listCalls,
      ...(status.memory ? { rss_breakdown_mb: status.memory } : {}),
      ...(idleAfter.memory ? { rss_after_5s_idle_mb: idleAfter.memory } : {}),
    };
  } finally {
    await stop(child);
  }
}
