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

/**
 * Two targets measured side by side: both started, each warmed up, then the measured time split
 * into `slices` turns that alternate between them (the order turns each round), each turn the same
 * closed-loop load on one of them while the other idles. On a shared VM whose speed drifts by tens
 * of percent within minutes, measuring one target after the other puts the drift into their ratio;
 * taking turns puts it on both alike. Each target still gets `measureMs` of load in all.
 */
export async function measurePair(targets: [Target, Target], o: ThroughputOptions & { slices: number }): Promise<[Throughput, Throughput]> {
  const started = await Promise.all(targets.map((t) => t.start()));
  try {
    const states = await Promise.all(
      targets.map(async (t, k) => {
        const api = started[k]!.api;
        const src = fromArray(await o.pool.sign(Math.ceil(((o.ceilingRps * o.warmupMs) / 1000) * 1.1) + 4 * o.connections));
        return { t, k, api, src, warm: [] as LoadResult[] };
      }),
    );
    for (const s of states) {
      s.warm.push(await runLoad({ url: s.api, connections: o.connections, next: s.src, durationMs: o.warmupMs / 2, checker: o.checker }));
      s.warm.push(await runLoad({ url: s.api, connections: o.connections, next: s.src, durationMs: o.warmupMs / 2, checker: o.checker }));
    }
    const sliceMs = o.measureMs / o.slices;
    const fastest = Math.max(o.ceilingRps, o.floorRps ?? 0, ...states.map((s) => s.warm[1]!.rps));
    const perSlice = Math.ceil((fastest * 1.5 * sliceMs) / 1000) + 4 * o.connections;
    log(`${states.map((s) => `${s.t.name}: warm-up ${s.warm[1]!.rps.toFixed(0)} rps`).join('; ')}; pre-signing ${perSlice * o.slices * 2} requests for ${o.slices} turns of ${sliceMs} ms each`);
    const msgs = await o.pool.sign(perSlice * o.slices * 2);
    let next = 0;
    const acc = states.map(() => ({ ok: 0, requests: 0, errors: 0, kinds: {} as Record<string, number>, sampled: 0, seconds: 0, cpu: 0, exhausted: false, lat: [] as number[] }));
    const load0 = loadavg()[0]!;
    for (let r = 0; r < o.slices; r++) {
      for (let j = 0; j < 2; j++) {
        const k = (r + j) % 2;
        const s = states[k]!;
        const a = acc[k]!;
        const pid = started[k]!.child.pid!;
        const cpu0 = cpuSeconds(pid);
        const m = await runLoad({ url: s.api, connections: o.connections, next: fromArray(msgs.slice(next, (next += perSlice))), durationMs: sliceMs, checker: o.checker, latencies: a.lat });
        a.cpu += cpuSeconds(pid) - cpu0;
        a.ok += m.ok;
        a.requests += m.requests;
        a.errors += m.errors;
        a.sampled += m.sampled;
        a.seconds += m.durationS;
        a.exhausted ||= m.exhausted;
        for (const [e, n] of Object.entries(m.errorKinds)) a.kinds[e] = (a.kinds[e] ?? 0) + n;
      }
    }
    return states.map((s, k) => {
      const a = acc[k]!;
      const warmErrors = s.warm[0]!.errors + s.warm[1]!.errors;
      for (const w of s.warm) for (const [e, n] of Object.entries(w.errorKinds)) a.kinds[e] = (a.kinds[e] ?? 0) + n;
      a.lat.sort((x, y) => x - y);
      const q = (p: number) => a.lat[Math.min(a.lat.length - 1, Math.floor(p * a.lat.length))];
      const rps = a.ok / a.seconds;
      const cores = a.cpu / a.seconds;
      if (a.exhausted) log(`${s.t.name}: WARNING the pre-signed pool ran dry before a turn ended`);
      log(`${s.t.name}: ${rps.toFixed(0)} rps over ${o.slices} turns using ${(cores * 100).toFixed(0)}% of a core (${(rps / cores).toFixed(0)} per CPU-second), load average ${load0.toFixed(2)}, p99 ${q(0.99)?.toFixed(1)} ms, ${a.requests} requests, ${a.errors + warmErrors} errors`);
      return {
        rps: Math.round(rps),
        p50_ms: round2(q(0.5)),
        p99_ms: round2(q(0.99)),
        max_ms: round2(a.lat.at(-1)),
        requests: a.requests,
        errors: a.errors + warmErrors,
        error_kinds: a.kinds,
        sampled: a.sampled + s.warm[0]!.sampled + s.warm[1]!.sampled,
        warmup_rps: Math.round(s.warm[1]!.rps),
        pool_size: perSlice * o.slices,
        exhausted: a.exhausted,
        server_cpu_cores: Math.round(cores * 100) / 100,
        rps_per_cpu_s: Math.round(rps / cores),
        loadavg_1m_before: Math.round(load0 * 100) / 100,
      };
    }) as [Throughput, Throughput];
  } finally {
    await Promise.all(started.flatMap((s) => [s, ...(s.more ?? [])]).map((s) => stop(s.child)));
  }
}
