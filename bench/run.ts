/**
 * `npm run bench`: startup, the whole suite, gateway throughput against the one-core ceiling,
 * memory after many requests. A table by default; `--json` prints exactly one JSON object on
 * stdout and everything else on stderr. See bench/README.md.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type BenchArgs } from './args.js';
import { AnswerChecker } from './load.js';
import { measureInspector } from './inspector.js';
import { measureMemory, type MemoryResult } from './memory.js';
import { ROOT, bin, build, distIsStale, killAll, log, runToEnd, startUntilFirstLine, usePackage } from './proc.js';
import { buildSnapshot } from './snapshot.js';
import { topFrames } from './profile.js';
import { SignPool } from './sign-pool.js';
import { measureStartup, measureSuite, round } from './startup-suite.js';
import { measurePair, measureThroughput, type Target, type Throughput, type ThroughputOptions } from './throughput.js';
import { benchDatabase } from './pg.js';
import { printTable } from './table.js';

export const TARGETS = {
  startup_ms: { max: 300 },
  suite_wall_s: { max: 10 },
  gateway_ratio: { min: 0.9 },
  rss_mb_after_100k: { max: 200 },
  control_orders_ms_at_100k: { max: 50 },
  inspector_first_paint_ms: { max: 300 },
} as const;

/** UCSP_BENCH_SANDBOX_ARGS: extra `start` flags for experiments (e.g. `--workers 0` for an A/B); never for reported figures. */
const EXPERIMENT_ARGS = (process.env.UCSP_BENCH_SANDBOX_ARGS ?? '').split(/\s+/).filter(Boolean);

function sandboxTarget(dir: string, extra: string[] = [], nodeFlags: string[] = []): Target {
  return {
    name: `sandbox${extra.length ? ` ${extra.join(' ')}` : ''}`,
    start: async () => {
      const s = await startUntilFirstLine([...nodeFlags, bin(), 'start', '--port', '0', '--json', '--time-scale', '0', ...EXPERIMENT_ARGS, ...extra], dir);
      return { api: String(s.ready.api), child: s.child };
    },
  };
}

function limitTarget(keysDir: string, nodeFlags: string[] = []): Target {
  return {
    name: 'limit (bare node:http)',
    start: async () => {
      const s = await startUntilFirstLine([...nodeFlags, '--import', 'tsx', join(ROOT, 'bench', 'limit-server.ts'), keysDir], ROOT);
      return { api: String(s.ready.api), child: s.child };
    },
  };
}

/** `instances` sandbox processes on one PostgreSQL database (`--store`), the first started first (it migrates the schema). */
function pgTarget(dir: string, url: string, instances: number): Target {
  return {
    name: `sandbox on PostgreSQL${instances > 1 ? ` × ${instances} instances` : ''}`,
    start: async () => {
      const started: { api: string; child: import('node:child_process').ChildProcess }[] = [];
      try {
        for (let i = 0; i < instances; i++) {
          const s = await startUntilFirstLine([bin(), 'start', '--port', '0', '--json', '--time-scale', '0', '--store', url, ...EXPERIMENT_ARGS], dir);
          started.push({ api: String(s.ready.api), child: s.child });
        }
      } catch (e) {
        for (const s of started) s.child.kill('SIGKILL');
        throw e;
      }
      const [first, ...more] = started;
      return { ...first!, more };
    },
  };
}

/**
 * pg_gateway_rps (one instance on PostgreSQL) and pg_two_instances_rps (two instances on one
 * database, the connections spread over both), each on a database of its own, made and dropped
 * here; without PostgreSQL, null with pg_skipped_reason.
 */
async function measurePg(dir: string, opts: ThroughputOptions): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = { pg_gateway_rps: null, pg_two_instances_rps: null };
  for (const [key, instances] of [['pg_gateway', 1], ['pg_two_instances', 2]] as const) {
    const got = await benchDatabase();
    if ('reason' in got) {
      log(`pg: ${got.reason}; pg_gateway_rps and pg_two_instances_rps are null`);
      out.pg_skipped_reason = got.reason;
      break;
    }
    try {
      const r = await measureThroughput(pgTarget(dir, got.db.url, instances), opts);
      Object.assign(out, { [`${key}_rps`]: r.rps, [`${key}_p99_ms`]: r.p99_ms, [`${key}_detail`]: detail(r) });
    } catch (e) {
      const reason = (e as Error).message.split('\n')[0];
      log(`pg: ${key} not measured: ${reason}`);
      out[`${key}_error`] = reason;
    } finally {
      await got.db.drop().catch((e: unknown) => log(`pg: could not drop ${got.db.name}: ${(e as Error).message}`));
    }
  }
  return out;
}

async function main(a: BenchArgs, result: Record<string, unknown>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ucsp-bench-'));
  try {
    if (a.build === 'snapshot') {
      usePackage(await buildSnapshot(dir));
      result.build = 'snapshot of the working tree';
    } else {
      if (a.build === 'always' || (a.build === 'auto' && distIsStale())) {
        log('building (npm run build)…');
        await build();
      }
      result.build = 'repository dist/';
    }
    const keysDir = join(dir, '.ucsp-sandbox', 'keys');
    const k = await runToEnd([bin(), 'keys', 'init', '--out', keysDir, '--json'], dir, 60_000);
    if (k.code !== 0) throw new Error(`keys init failed: ${k.stderr}`);

    if (a.only.has('startup')) Object.assign(result, await measureStartup(dir, a.startupRuns));
    if (a.only.has('suite')) Object.assign(result, await measureSuite(dir, a.suiteRuns));

    if (a.only.has('gateway') || a.only.has('pg') || a.only.has('workers') || a.only.has('memory') || a.only.has('inspector') || a.cpuProf) {
      const pool = await SignPool.create(keysDir, cpus().length);
      try {
        const checker = await AnswerChecker.create(keysDir);
        // How fast one core signs: the sandbox signs every answer, so it cannot beat this per core.
        await pool.sign(250 * pool.threads); // JIT and key caches
        let perCore = 0;
        for (let i = 0; i < 3; i++) {
          const n = 250 * pool.threads * 2;
          const t0 = performance.now();
          await pool.sign(n);
          perCore = Math.max(perCore, n / ((performance.now() - t0) / 1000) / pool.threads);
        }
        result.sign_rps_per_core = Math.round(perCore);
        log(`pre-signing: ${perCore.toFixed(0)} signatures/s per core on ${pool.threads} threads`);
        const opts = { pool, checker, connections: a.connections, warmupMs: a.warmupMs, measureMs: a.measureMs, ceilingRps: perCore };
        result.load = { connections: a.connections, keep_alive: true, warmup_s: a.warmupMs / 1000, measured_s: a.measureMs / 1000, sample_verified: '1%' };

        if (a.only.has('gateway')) {
          // side by side, in turns: the machine's drift falls on both (throughput.ts, measurePair)
          const [limit, gw] = await measurePair([limitTarget(keysDir), sandboxTarget(dir)], { ...opts, slices: a.quick ? 3 : 10 });
          Object.assign(result, {
            gateway_rps: gw.rps,
            p99_ms: gw.p99_ms,
            p50_ms: gw.p50_ms,
            errors: gw.errors + limit.errors,
            limit_rps: limit.rps,
            limit_p99_ms: limit.p99_ms,
            gateway_ratio: Math.round((gw.rps / limit.rps) * 1000) / 1000,
            gateway_ratio_per_cpu_s: Math.round((gw.rps_per_cpu_s / limit.rps_per_cpu_s) * 1000) / 1000,
            gateway_detail: detail(gw),
            limit_detail: detail(limit),
          });
        }

        if (a.only.has('pg')) {
          const pg = await measurePg(dir, opts);
          Object.assign(result, pg);
          for (const k of ['pg_gateway_detail', 'pg_two_instances_detail']) result.errors = Number(result.errors ?? 0) + Number((pg[k] as Throughput | undefined)?.errors ?? 0);
        }

        if (a.only.has('workers')) {
          const help = await runToEnd([bin(), 'start', '--help'], dir, 30_000);
          const supported = /--workers\b/.test(help.stdout);
          result.workers_supported = supported;
          result.workers_requested = a.workers;
          if (supported) {
            const by: Record<string, number> = {};
            const detailBy: Record<string, unknown> = {};
            for (const w of [...new Set([1, a.workers])]) {
              const r = await measureThroughput(sandboxTarget(dir, ['--workers', String(w)]), { ...opts, ceilingRps: perCore * w });
              by[String(w)] = r.rps;
              detailBy[String(w)] = { p99_ms: r.p99_ms, ...detail(r) };
              result.errors = Number(result.errors ?? 0) + r.errors;
            }
            result.gateway_rps_by_workers = by;
            result.gateway_by_workers_detail = detailBy;
            result.workers_scaling = Math.round(((by[String(a.workers)] ?? 0) / (by['1'] ?? 1)) * 100) / 100;
          } else log('workers: `start --help` has no --workers option; workers_supported: false');
        }

        if (a.cpuProf) {
          const profiles: Record<string, unknown> = {};
          for (const [label, target] of [
            ['sandbox', (flags: string[]) => sandboxTarget(dir, [], flags)],
            ['limit', (flags: string[]) => limitTarget(keysDir, flags)],
          ] as const) {
            const profDir = join(dir, `prof-${label}`);
            const r = await measureThroughput(target(['--cpu-prof', '--cpu-prof-dir', profDir]), { ...opts, measureMs: Math.min(a.measureMs, 5000) });
            const file = (await readdir(profDir)).find((f) => f.endsWith('.cpuprofile'));
            if (!file) continue;
            const kept = join(ROOT, 'bench', 'out', `${label}-gateway.cpuprofile`);
            await mkdir(join(ROOT, 'bench', 'out'), { recursive: true });
            await copyFile(join(profDir, file), kept);
            const top = topFrames(kept, Math.min(a.measureMs, 5000));
            profiles[label] = { file: `bench/out/${label}-gateway.cpuprofile`, rps_while_profiling: r.rps, busy_samples: top.samples, top_self: top.self, top_total_project: top.total };
            log(`cpu profile of ${label} under load (self %, of busy samples):`);
            for (const f of top.self.slice(0, 12)) log(`  ${String(f.self_pct).padStart(5)}%  ${f.frame}`);
            if (top.total.length) log(`  inclusive, project code:`);
            for (const f of top.total.slice(0, 12)) log(`  ${String(f.total_pct).padStart(5)}%  ${f.frame}`);
          }
          result.cpu_profile = profiles;
        }

        if (a.only.has('inspector')) {
          Object.assign(
            result,
            await measureInspector(
              async () => {
                const s = await startUntilFirstLine([bin(), 'start', '--port', '0', '--json', '--time-scale', '0'], dir);
                return { ucsp: String(s.ready.ucsp), api: String(s.ready.api), child: s.child };
              },
              { pool, checker, connections: a.connections, orders: 10_000, runs: a.quick ? 3 : 7 },
            ),
          );
        }

        if (a.only.has('memory')) {
          const m: MemoryResult = await measureMemory(
            async () => {
              const s = await startUntilFirstLine([bin(), 'start', '--port', '0', '--json', '--time-scale', '0', ...EXPERIMENT_ARGS], dir);
              return { api: String(s.ready.api), control: String(s.ready.control), child: s.child };
            },
            { pool, checker, connections: a.connections, total: a.memoryRequests },
          );
          Object.assign(result, m);
          result.errors = Number(result.errors ?? 0) + m.rss_phase_errors;
        }
      } finally {
        await pool.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function judge(a: BenchArgs, result: Record<string, unknown>): void {
  result.targets = TARGETS;
  result.pass = {
    startup_ms: pass(result.startup_ms, TARGETS.startup_ms),
    suite_wall_s: result.suite_all_passed === false ? false : pass(result.suite_wall_s, TARGETS.suite_wall_s),
    gateway_ratio: pass(result.gateway_ratio, TARGETS.gateway_ratio),
    rss_mb_after_100k: a.memoryRequests >= 100_000 ? pass(result.rss_mb_after_100k, TARGETS.rss_mb_after_100k) : null,
    control_orders_ms_at_100k: a.memoryRequests >= 100_000 ? pass(result.control_orders_ms_at_100k, TARGETS.control_orders_ms_at_100k) : null,
    inspector_first_paint_ms: pass(result.inspector_first_paint_ms, TARGETS.inspector_first_paint_ms),
  };
}

function detail(t: Throughput): Record<string, unknown> {
  const { rps: _r, p99_ms: _p, ...rest } = t;
  return rest;
}

function pass(v: unknown, t: { max?: number; min?: number }): boolean | null {
  if (typeof v !== 'number' || Number.isNaN(v)) return null;
  return (t.max === undefined || v <= t.max) && (t.min === undefined || v >= t.min);
}

let args: BenchArgs;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(2);
}
const watchdog = setTimeout(() => {
  log('watchdog: the bench took too long; stopping');
  killAll();
  process.exit(1);
}, (args.quick ? 10 : 30) * 60_000);
watchdog.unref();
process.on('SIGINT', () => {
  killAll();
  process.exit(130);
});
const result: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gb: round(totalmem() / 2 ** 30, 1), node: process.version, platform: `${process.platform} ${process.arch}` },
  quick: args.quick,
};
const busy = loadavg()[0]!;
(result.machine as Record<string, unknown>).loadavg_1m_start = Math.round(busy * 100) / 100;
if (busy > cpus().length * 0.5) log(`WARNING: load average ${busy.toFixed(2)} on ${cpus().length} cores before the bench: other work will skew the numbers (see rps_per_cpu_s)`);
try {
  await main(args, result);
} catch (e) {
  killAll();
  log(`failed: ${(e as Error).stack ?? String(e)}`);
  result.error = (e as Error).message.split('\n')[0];
  process.exitCode = 1;
}
(result.machine as Record<string, unknown>).loadavg_1m_end = Math.round(loadavg()[0]! * 100) / 100;
judge(args, result);
// Exactly one JSON object on stdout (also on failure: what was measured, and `error`).
if (args.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
else printTable(result);
