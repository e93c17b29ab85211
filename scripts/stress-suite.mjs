#!/usr/bin/env node
/**
 * The suite against a slow but correct partner, again and again, while CPU burners keep every
 * core busy: proof that verdicts settle on events, never on timing. Uses the built CLI (npm run
 * build) and the example partner in slow mode, started by `run --exec`.
 *
 *   node scripts/stress-suite.mjs                       # 20 runs × both modes, whole suite
 *   node scripts/stress-suite.mjs --runs 1 --mode sandbox --filter 'frontend-payment/notice-*'
 *
 * Modes: `run` (run starts its own sandbox each time) and `sandbox` (one `ucsp-sandbox start` with
 * its default real-time clock, kept running across the runs; each run uses it with --sandbox).
 * Flags: --runs N (20) · --mode run|sandbox|both (both) · --filter GLOB (repeatable) · --burn N
 * (burner processes, default: one per core) · --slow-notice-ms MS (2000) · --slow-driver-ms MS (500)
 * · --parallel (the modes side by side, each its own runs in a row) · --reports DIR (keep each
 * run's JSON report there) · --json (one JSON summary on stdout).
 * Exit 0 when every run passed, 1 otherwise, 2 on bad flags.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'ucsp-sandbox.js');
const PARTNER = join(ROOT, 'dist', 'examples', 'partner', 'main.js');

function usage(message) {
  process.stderr.write(`stress-suite: ${message}\n`);
  process.exit(2);
}

let values;
try {
  ({ values } = parseArgs({
    options: {
      runs: { type: 'string', default: '20' },
      mode: { type: 'string', default: 'both' },
      filter: { type: 'string', multiple: true, default: [] },
      burn: { type: 'string', default: String(availableParallelism()) },
      'slow-notice-ms': { type: 'string', default: '2000' },
      'slow-driver-ms': { type: 'string', default: '500' },
      reports: { type: 'string' },
      parallel: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  }));
} catch (e) {
  usage(e.message);
}
const int = (name, min, max) => {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < min || n > max) usage(`--${name} must be a whole number from ${min} to ${max}`);
  return n;
};
const runs = int('runs', 1, 1000);
const burn = int('burn', 0, 64);
const slowNotice = int('slow-notice-ms', 0, 9000); // below the sandbox's 10 s notice timeout
const slowDriver = int('slow-driver-ms', 0, 50_000);
if (!['run', 'sandbox', 'both'].includes(values.mode)) usage('--mode must be run, sandbox or both');
const modes = values.mode === 'both' ? ['run', 'sandbox'] : [values.mode];
const say = (line) => process.stderr.write(`${line}\n`);

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Runs the CLI; resolves to { code, stdout, stderr }. */
function cli(args, o = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: o.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `ucsp-sandbox start --port 0 --json` with its default clock; resolves once it printed its URLs. */
function startSandbox(args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--json', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl !== -1) resolve({ ready: JSON.parse(out.slice(0, nl)), stop: () => new Promise((r) => (child.once('exit', r), child.kill('SIGTERM'))) });
    });
    child.once('exit', (code) => reject(new Error(`start exited ${code} before it was ready: ${err}`)));
  });
}

const burners = [];
const work = await mkdtemp(join(tmpdir(), 'ucsp-stress-'));
const cleanup = async () => {
  for (const b of burners) b.kill('SIGKILL');
  await rm(work, { recursive: true, force: true });
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

const results = [];
const sandboxes = new Set();
try {
  const keys = join(work, 'keys');
  const init = await cli(['keys', 'init', '--out', keys]);
  if (init.code !== 0) throw new Error(`keys init failed: ${init.stderr}`);
  if (values.reports) await mkdir(values.reports, { recursive: true });
  // each burner spins, and now and then checks that this script is still there (so none outlives it)
  const spin = 'const p = Number(process.argv[1]); for (let i = 1; ; i++) if (i % 50000000 === 0) { try { process.kill(p, 0); } catch { process.exit(0); } }';
  for (let i = 0; i < burn; i++) burners.push(spawn(process.execPath, ['-e', spin, String(process.pid)], { stdio: 'ignore' }));
  say(`stress: ${runs} run(s) × ${modes.join(values.parallel ? ' ‖ ' : ' + ')}, partner answers notices after ${slowNotice} ms and driver calls after ${slowDriver} ms, ${burn} CPU burner(s) on ${availableParallelism()} core(s)`);
  const exec = `"${process.execPath}" "${PARTNER}" --quiet --slow-notice-ms ${slowNotice} --slow-driver-ms ${slowDriver}`;
  const stream = async (mode) => {
    const port = await freePort();
    const partnerUrl = `http://127.0.0.1:${port}`;
    const sandbox = mode === 'sandbox' ? await startSandbox(['--keys-dir', keys, '--index-url', `${partnerUrl}/ucsp/login`]) : undefined;
    if (sandbox) sandboxes.add(sandbox);
    for (let n = 1; n <= runs; n++) {
      const report = join(values.reports ?? work, `${mode}-${n}.json`);
      const args = [
        'run',
        ...(sandbox ? ['--sandbox', sandbox.ready.ucsp] : ['--port', '0']),
        '--keys-dir', keys,
        '--driver-url', `${partnerUrl}/driver`,
        '--index-url', `${partnerUrl}/ucsp/login`,
        '--exec', exec,
        '--reporter', 'console',
        '--reporter', `json=${report}`,
        ...values.filter.flatMap((f) => ['--filter', f]),
      ];
      const started = Date.now();
      const r = await cli(args);
      const wallS = (Date.now() - started) / 1000;
      let counts;
      let failures = [];
      try {
        const j = JSON.parse(await readFile(report, 'utf8'));
        counts = j.counts;
        failures = j.scenarios.flatMap((s) => s.checks.filter((c) => c.status === 'failed').map((c) => `${c.key}: ${c.message}`));
      } catch {
        failures = [`no report (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`];
      }
      const ok = r.code === 0;
      results.push({ mode, run: n, exitCode: r.code, ok, wallS, counts, failures });
      say(`${ok ? 'PASS' : 'FAIL'} ${mode} ${n}/${runs}: ${counts ? `${counts.passed} passed, ${counts.failed} failed, ${counts.warning} warning, ${counts.skipped} skipped` : 'no counts'} (exit ${r.code}, ${wallS.toFixed(1)} s)`);
      for (const f of failures) say(`    ${f}`);
    }
    if (sandbox) {
      sandboxes.delete(sandbox);
      await sandbox.stop();
    }
  };
  if (values.parallel) await Promise.all(modes.map(stream));
  else for (const mode of modes) await stream(mode);
} finally {
  for (const sb of sandboxes) await sb.stop();
  await cleanup();
}
const passed = results.filter((r) => r.ok).length;
const byMode = modes.map((m) => {
  const rs = results.filter((r) => r.mode === m);
  return { mode: m, runs: rs.length, passed: rs.filter((r) => r.ok).length, wallS: rs.map((r) => r.wallS) };
});
say(`stress: ${passed} of ${results.length} runs passed — ${byMode.map((m) => `${m.mode}: ${m.passed}/${m.runs}`).join(', ')}`);
if (values.json) process.stdout.write(`${JSON.stringify({ slowNoticeMs: slowNotice, slowDriverMs: slowDriver, burners: burn, parallel: values.parallel, byMode, results })}\n`);
process.exitCode = passed === results.length ? 0 : 1;
