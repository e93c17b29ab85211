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
    };
    log(`memory: ${r.requests} requests in ${seconds.toFixed(0)} s, RSS ${mem.rssMb.toFixed(0)} MB (peak ${mem.peakMb.toFixed(0)}), ${r.errors} errors`);
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
    };
  } finally {
    await stop(child);
  }
}
