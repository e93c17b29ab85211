/**
 * Throughput of one server process under the closed-loop load: warm-up, then a measured window
 * with a pool of requests pre-signed before it (sized from the warm-up rate), so the client does
 * no RSA signing while measuring.
 */
import type { ChildProcess } from 'node:child_process';
import { runLoad, fromArray, type AnswerChecker, type LoadResult } from './load.js';
import { loadavg } from 'node:os';
import { cpuSeconds, log, stop } from './proc.js';
import type { SignPool } from './sign-pool.js';

export interface Target {
  name: string;
  /** `more`: other server processes of the same target (instances on one database), the load spread over all. */
  start(): Promise<{ api: string; child: ChildProcess; more?: { api: string; child: ChildProcess }[] }>;
}

export interface ThroughputOptions {
  pool: SignPool;
  checker: AnswerChecker;
  connections: number;
  warmupMs: number;
  measureMs: number;
  /** Upper bound of the server's rate (requests/s), to size the warm-up pool. */
  ceilingRps: number;
  /** A rate the server is known to reach (e.g. the limit server's), also used to size the pool. */
  floorRps?: number;
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
  /** CPU the server process(es) used during the window, in cores (1 = one core busy all the time). */
  server_cpu_cores: number;
  /** Answers per CPU-second of the server: efficiency, less sensitive to other load on the machine. */
  rps_per_cpu_s: number;
  loadavg_1m_before: number;
}

export async function measureThroughput(t: Target, o: ThroughputOptions): Promise<Throughput> {
  const started = await t.start();
  const servers = [{ api: started.api, child: started.child }, ...(started.more ?? [])];
  const api = servers.map((s) => s.api);
  const cpuOfAll = () => servers.reduce((sum, s) => sum + cpuSeconds(s.child.pid!), 0);
  try {
    const warmPool = await o.pool.sign(Math.ceil(((o.ceilingRps * o.warmupMs) / 1000) * 1.1) + 4 * o.connections);
    const src = fromArray(warmPool);
    // First half: JIT and connections; second half gives the rate that sizes the measured pool.
    const w1 = await runLoad({ url: api, connections: o.connections, next: src, durationMs: o.warmupMs / 2, checker: o.checker });
    const w2 = await runLoad({ url: api, connections: o.connections, next: src, durationMs: o.warmupMs / 2, checker: o.checker });
    // Sized from the warm-up rate, but never below the one-core signing rate (or a known floor):
    // with other load on the machine a warm-up can understate the rate. 1.5× leaves room for noise.
    const size = Math.ceil((Math.max(w2.rps, o.ceilingRps, o.floorRps ?? 0) * 1.5 * o.measureMs) / 1000) + 4 * o.connections;
    log(`${t.name}: warm-up ${w2.rps.toFixed(0)} rps (errors ${w1.errors + w2.errors}); pre-signing ${size} requests for the measured ${o.measureMs / 1000} s`);
    const msgs = await o.pool.sign(size);
    const cpu0 = cpuOfAll();
    const load0 = loadavg()[0]!;
    const m: LoadResult = await runLoad({ url: api, connections: o.connections, next: fromArray(msgs), durationMs: o.measureMs, checker: o.checker, latencies: true });
    const cores = (cpuOfAll() - cpu0) / m.durationS;
    if (m.exhausted) log(`${t.name}: WARNING the pre-signed pool ran dry before the window ended`);
    const errors = m.errors + w1.errors + w2.errors;
    const kinds = { ...w1.errorKinds };
    for (const r of [w2, m]) for (const [k, n] of Object.entries(r.errorKinds)) kinds[k] = (kinds[k] ?? 0) + n;
    log(`${t.name}: ${(m.ok / m.durationS).toFixed(0)} rps using ${(cores * 100).toFixed(0)}% of a core (${(m.ok / m.durationS / cores).toFixed(0)} per CPU-second), load average ${load0.toFixed(2)}, p99 ${m.p99Ms?.toFixed(1)} ms, ${m.requests} requests, ${errors} errors${errors ? ` ${JSON.stringify(kinds)}` : ''}, ${m.sampled} answers fully verified`);
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
      server_cpu_cores: Math.round(cores * 100) / 100,
      rps_per_cpu_s: Math.round(m.ok / m.durationS / cores),
      loadavg_1m_before: Math.round(load0 * 100) / 100,
    };
  } finally {
    await Promise.all(servers.map((s) => stop(s.child)));
  }
}

const round2 = (x: number | undefined) => (x === undefined ? NaN : Math.round(x * 100) / 100);
