/**
 * Throughput of one server process under the closed-loop load: warm-up, then a measured window
 * with a pool of requests pre-signed before it (sized from the warm-up rate), so the client does
 * no RSA signing while measuring.
 */
import type { ChildProcess } from 'node:child_process';
import { runLoad, fromArray, type AnswerChecker, type LoadResult } from './load.js';
import { log, stop } from './proc.js';
import type { SignPool } from './sign-pool.js';

export interface Target {
  name: string;
  start(): Promise<{ api: string; child: ChildProcess }>;
}

export interface ThroughputOptions {
  pool: SignPool;
  checker: AnswerChecker;
  connections: number;
  warmupMs: number;
  measureMs: number;
  /** Upper bound of the server's rate (requests/s), to size the warm-up pool. */
  ceilingRps: number;
}

export interface Throughput {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  requests: number;
  errors: number;
  error_kinds: Record<string, number>;
  sampled: number;
  warmup_rps: number;
  pool_size: number;
  exhausted: boolean;
}

export async function measureThroughput(t: Target, o: ThroughputOptions): Promise<Throughput> {
  const { api, child } = await t.start();
  try {
    const warmPool = await o.pool.sign(Math.ceil((o.ceilingRps * o.warmupMs) / 1000 * 1.3) + 4 * o.connections);
    const src = fromArray(warmPool);
    // First half: JIT and connections; second half gives the rate that sizes the measured pool.
    const w1 = await runLoad({ url: api, connections: o.connections, next: src, durationMs: o.warmupMs / 2, checker: o.checker });
    const w2 = await runLoad({ url: api, connections: o.connections, next: src, durationMs: o.warmupMs / 2, checker: o.checker });
    const warmRate = w2.exhausted ? o.ceilingRps : w2.rps;
    const size = Math.ceil((warmRate * o.measureMs) / 1000 * 1.25) + 4 * o.connections;
    log(`${t.name}: warm-up ${w2.rps.toFixed(0)} rps (errors ${w1.errors + w2.errors}); pre-signing ${size} requests for the measured ${o.measureMs / 1000} s`);
    const msgs = await o.pool.sign(size);
    const m: LoadResult = await runLoad({ url: api, connections: o.connections, next: fromArray(msgs), durationMs: o.measureMs, checker: o.checker, latencies: true });
    if (m.exhausted) log(`${t.name}: WARNING the pre-signed pool ran dry before the window ended`);
    const errors = m.errors + w1.errors + w2.errors;
    const kinds = { ...w1.errorKinds };
    for (const r of [w2, m]) for (const [k, n] of Object.entries(r.errorKinds)) kinds[k] = (kinds[k] ?? 0) + n;
    log(`${t.name}: ${(m.ok / m.durationS).toFixed(0)} rps, p99 ${m.p99Ms?.toFixed(1)} ms, ${m.requests} requests, ${errors} errors, ${m.sampled} answers fully verified`);
    return {
      rps: Math.round(m.ok / m.durationS),
      p50_ms: round2(m.p50Ms),
      p99_ms: round2(m.p99Ms),
      max_ms: round2(m.maxMs),
      requests: m.requests,
      errors,
      error_kinds: kinds,
      sampled: m.sampled + w1.sampled + w2.sampled,
      warmup_rps: Math.round(w2.rps),
      pool_size: size,
      exhausted: m.exhausted,
    };
  } finally {
    await stop(child);
  }
}

const round2 = (x: number | undefined) => (x === undefined ? NaN : Math.round(x * 100) / 100);
