/**
 * The console: progress while it runs on a TTY (one updating line), one line per scenario
 * otherwise, failures with their hint and the waiver entry to paste, then a summary.
 */
import type { ChalkInstance } from 'chalk';
import type { RunSummary, ScenarioResult } from '../scenarios/results.js';
import { waiverEntry } from '../scenarios/waivers.js';
import { coverageCounts, coverageText } from './coverage-table.js';

export interface ConsoleOptions {
  write: (s: string) => void;
  colour: ChalkInstance;
  tty: boolean;
  verbose?: boolean;
}

export class ConsoleReporter {
  private line = false;
  constructor(private readonly o: ConsoleOptions) {}

  private status(r: ScenarioResult): string {
    const c = this.o.colour;
    const map = { PASSED: c.green('PASS'), FAILED: c.red('FAIL'), WARNING: c.yellow('WARN'), SKIPPED: c.dim('SKIP') };
    return map[r.status];
  }

  start(id: string, i: number, total: number): void {
    if (!this.o.tty) return;
    this.o.write(`\r\u001b[2K${this.o.colour.dim(`[${i + 1}/${total}]`)} ${id} …`);
    this.line = true;
  }

  log(line: string): void {
    if (!this.o.verbose) return;
    this.clear();
    this.o.write(`${line}\n`);
  }

  private clear(): void {
    if (this.line) this.o.write('\r\u001b[2K');
    this.line = false;
  }

  end(r: ScenarioResult, i: number, total: number): void {
    this.clear();
    const c = this.o.colour;
    this.o.write(`${this.status(r)} ${c.dim(`[${i + 1}/${total}]`)} ${r.id} ${c.dim(`(${r.durationMs} ms)`)}${r.status === 'SKIPPED' && r.reason ? c.dim(` — ${r.reason}`) : ''}\n`);
    for (const ch of r.checks) {
      if (ch.status !== 'failed' && ch.status !== 'waived') continue;
      const mark = ch.status === 'waived' ? c.yellow('~ waived') : ch.severity === 'warning' ? c.yellow('! warning') : c.red('✗');
      this.o.write(`    ${mark} ${ch.key} — ${ch.title}\n      ${ch.message}\n      ${c.dim(`${ch.ref} · hint: ${ch.hint}`)}\n`);
      if (ch.status === 'failed' && ch.severity === 'failure') this.o.write(c.dim(`      known and accepted? add to --expected-failures:\n${waiverEntry(ch.key).replace(/^/gm, '        ')}\n`));
    }
  }

  summary(s: RunSummary, written: string[]): void {
    const c = this.o.colour;
    const { exercised, possible } = coverageCounts(s.coverage);
    this.o.write('\n');
    if (this.o.verbose) this.o.write(`${coverageText(s.coverage)}\n\n`);
    for (const w of s.staleWaivers) this.o.write(`${c.red('✗ stale expected failure')} ${w.key} no longer fails — remove it from the expected-failures file\n`);
    const counts = [c.green(`${s.counts.passed} passed`), s.counts.failed ? c.red(`${s.counts.failed} failed`) : `${s.counts.failed} failed`, s.counts.warning ? c.yellow(`${s.counts.warning} warning`) : `${s.counts.warning} warning`, `${s.counts.skipped} skipped`];
    this.o.write(`Scenarios: ${counts.join(', ')} (${s.counts.total} total)${s.interrupted ? c.red(' — interrupted') : ''}\n`);
    this.o.write(`Coverage:  ${exercised} of ${possible} message type × response code pairs exercised (${s.coverage.missing.length} not: --verbose or the reports list them)\n`);
    this.o.write(`Wall time: ${(s.wallMs / 1000).toFixed(2)} s\n`);
    for (const f of written) this.o.write(`Report:    ${f}\n`);
  }
}
