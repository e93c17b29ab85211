/**
 * Interleaved A/B of wire throughput: the limit server and one sandbox per given build run side by
 * side, and the same closed-loop load goes to each in turn, in short slices, round after round —
 * so that a change of this machine's speed (on a shared VM, ±30 % within minutes) falls on every
 * target alike. Prints each target's requests per second and its ratio to the limit server, per
 * round and as the median of the rounds.
 *
 *   npx tsx bench/ab.ts [--rounds 8] [--slice-ms 2000] [--connections 16] [--json] [--cpu-prof] <dir> [<dir>…]
 *
 * --cpu-prof: each target writes a V8 CPU profile to bench/out/ab-<n>/ (n: 0 the limit server, then
 * the dirs in order), with its whole run in it; its requests answered are printed beside it.
 *
 * <dir>: a built checkout (its bin/ucsp-sandbox.js and dist/), e.g. a worktree of an older commit.
 * For development; the figures the issue sets targets for come from `npm run bench`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AnswerChecker, fromArray, runLoad } from './load.js';
import { ROOT, cpuSeconds, killAll, log, median, runToEnd, startUntilFirstLine, stop, type Started } from './proc.js';
import { SignPool } from './sign-pool.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '8' },
    'slice-ms': { type: 'string', default: '2000' },
    connections: { type: 'string', default: '16' },
    json: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const rounds = Number(opts.rounds);
const sliceMs = Number(opts['slice-ms']);
const connections = Number(opts.connections);
if (!positionals.length || !(rounds > 0) || !(sliceMs >= 200) || !(connections > 0)) {
  process.stderr.write('usage: npx tsx bench/ab.ts [--rounds N] [--slice-ms MS] [--connections N] [--json] <built dir>…\n');
  process.exit(2);
}

interface Target {
  name: string;
  started: Started;
  api: string;
  ok: number[];
  seconds: number[];
  cpu: number[];
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ucsp-ab-'));
  const targets: Target[] = [];
  let pool: SignPool | undefined;
  try {
    const keysDir = join(dir, '.ucsp-sandbox', 'keys');
    const first = resolve(positionals[0]!);
    const k = await runToEnd([join(first, 'bin', 'ucsp-sandbox.js'), 'keys', 'init', '--out', keysDir, '--json'], dir, 60_000);
    if (k.code !== 0) throw new Error(`keys init failed: ${k.stderr}`);
    const prof = (n: number) => (opts['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', join(ROOT, 'bench', 'out', `ab-${n}`)] : []);
    const limit = await startUntilFirstLine([...prof(0), '--import', 'tsx', join(ROOT, 'bench', 'limit-server.ts'), keysDir], ROOT);
    targets.push({ name: 'limit', started: limit, api: String(limit.ready.api), ok: [], seconds: [], cpu: [] });
    for (const [n, d] of positionals.entries()) {
      const s = await startUntilFirstLine([...prof(n + 1), join(resolve(d), 'bin', 'ucsp-sandbox.js'), 'start', '--port', '0', '--json', '--time-scale', '0'], dir);
      targets.push({ name: d, started: s, api: String(s.ready.api), ok: [], seconds: [], cpu: [] });
    }
    pool = await SignPool.create(keysDir, cpus().length);
    const checker = await AnswerChecker.create(keysDir);
    // enough requests for every slice at a generous 3,000 requests/s, signed before any is measured
    const perSlice = Math.ceil((3000 * sliceMs) / 1000) + 4 * connections;
    log(`pre-signing ${perSlice * targets.length * (rounds + 1)} requests`);
    const msgs = await pool.sign(perSlice * targets.length * (rounds + 1));
    let next = 0;
    const slice = () => fromArray(msgs.slice(next, (next += perSlice)));
    // warm-up: one slice each (JIT, connections), not counted
    for (const t of targets) await runLoad({ url: t.api, connections, next: slice(), durationMs: sliceMs, checker });
    for (let r = 0; r < rounds; r++) {
      // the order turns each round, so that no target always follows the same one
      for (let j = 0; j < targets.length; j++) {
        const t = targets[(r + j) % targets.length]!;
        const cpu0 = cpuSeconds(t.started.child.pid!);
        const m = await runLoad({ url: t.api, connections, next: slice(), durationMs: sliceMs, checker });
        if (m.errors) throw new Error(`${t.name}: ${m.errors} errors ${JSON.stringify(m.errorKinds)}`);
        if (m.exhausted) throw new Error(`${t.name}: the pre-signed requests ran out`);
        t.ok.push(m.ok);
        t.seconds.push(m.durationS);
        t.cpu.push(cpuSeconds(t.started.child.pid!) - cpu0);
      }
      log(`round ${r + 1}/${rounds}: ${targets.map((t) => `${t.name} ${(t.ok[r]! / t.seconds[r]!).toFixed(0)}`).join(', ')}`);
    }
    const lim = targets[0]!;
    const rows = targets.map((t) => {
      const rps = t.ok.map((n, i) => n / t.seconds[i]!);
      const perCpu = t.ok.map((n, i) => n / t.cpu[i]!);
      const limRps = lim.ok.map((n, i) => n / lim.seconds[i]!);
      const limPerCpu = lim.ok.map((n, i) => n / lim.cpu[i]!);
      return {
        target: t.name,
        rps_median: Math.round(median(rps)),
        ratio_median: round3(median(rps.map((x, i) => x / limRps[i]!))),
        ratio_per_cpu_s_median: round3(median(perCpu.map((x, i) => x / limPerCpu[i]!))),
        ratio_by_round: rps.map((x, i) => round3(x / limRps[i]!)),
        requests: t.ok.reduce((a, b) => a + b, 0),
      };
    });
    if (opts.json) process.stdout.write(`${JSON.stringify({ rounds, slice_ms: sliceMs, connections, targets: rows })}\n`);
    else for (const r of rows) process.stdout.write(`${r.target.padEnd(24)} ${String(r.rps_median).padStart(6)} rps  ratio ${r.ratio_median}  per CPU-s ${r.ratio_per_cpu_s_median}  rounds ${r.ratio_by_round.join(' ')}\n`);
  } finally {
    await pool?.close();
    await Promise.all(targets.map((t) => stop(t.started.child)));
    killAll();
    await rm(dir, { recursive: true, force: true });
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

main().catch((e: unknown) => {
  process.stderr.write(`ab: ${(e as Error).stack ?? String(e)}\n`);
  killAll();
  process.exit(1);
});
