/** startup_ms (spawn → ready line of `start --json`) and the whole built-in suite (`demo`). */
import { bin, log, median, runToEnd, startUntilFirstLine, stop } from './proc.js';

export async function measureStartup(dir: string, runs: number): Promise<{ startup_ms: number; startup_runs_ms: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = await startUntilFirstLine([bin(), 'start', '--port', '0', '--json'], dir);
    if (s.ready.generatedKeys !== false) throw new Error('the sandbox generated keys: startup would include key generation');
    times.push(s.readyMs);
    await stop(s.child);
    log(`startup run ${i + 1}/${runs}: ${s.readyMs.toFixed(0)} ms`);
  }
  return { startup_ms: round(median(times)), startup_runs_ms: times.map((t) => round(t)) };
}

export interface SuiteResult {
  suite_wall_s: number;
  suite_process_s: number;
  /** A fast suite that fails proves nothing: the suite target needs every scenario passed. */
  suite_all_passed: boolean;
  suite_runs: { wall_s: number; process_s: number; passed: number; total: number; exitCode: number | null }[];
}

export async function measureSuite(dir: string, runs: number): Promise<SuiteResult> {
  const all: SuiteResult['suite_runs'] = [];
  for (let i = 0; i < runs; i++) {
    const r = await runToEnd([bin(), 'demo', '--reporter', 'json'], dir, 180_000);
    let report: { wallMs: number; counts: { total: number; passed: number } };
    try {
      report = JSON.parse(r.stdout) as typeof report;
    } catch {
      throw new Error(`demo did not print one JSON report (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
    }
    all.push({ wall_s: report.wallMs / 1000, process_s: round(r.wallMs / 1000, 3), passed: report.counts.passed, total: report.counts.total, exitCode: r.code });
    log(`suite run ${i + 1}/${runs}: suite ${report.wallMs} ms, process ${r.wallMs.toFixed(0)} ms, ${report.counts.passed}/${report.counts.total} passed`);
  }
  return {
    suite_wall_s: round(median(all.map((r) => r.wall_s)), 3),
    suite_process_s: round(median(all.map((r) => r.process_s)), 3),
    suite_all_passed: all.every((r) => r.passed === r.total && r.exitCode === 0),
    suite_runs: all,
  };
}

export function round(x: number, d = 1): number {
  const f = 10 ** d;
  return Math.round(x * f) / f;
}
