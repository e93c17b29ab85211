/**
 * The console: progress while it runs on a TTY (one updating line), one line per scenario
 * otherwise; after the run, the causes first (UCSP's code and reason, the check that owns each),
 * then the failures by scenario — one short line for a failure a cause explains, the message,
 * hint and waiver entry to paste for the others — then a summary.
 */
import type { ChalkInstance } from 'chalk';
import type { CauseGroup, CheckResult, RunSummary, ScenarioResult } from '../scenarios/results.js';
import { explainFailures } from '../scenarios/causes.js';
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
  /** Causes already named during the run: each is said once, where it first shows. */
  private readonly named = new Set<string>();
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
    const failed = r.checks.filter((x) => x.status === 'failed').length;
    const waived = r.checks.filter((x) => x.status === 'waived').length;
    const tail = r.status === 'SKIPPED' && r.reason ? ` — ${r.reason}` : failed || waived ? ` — ${[failed ? `${failed} failed` : '', waived ? `${waived} waived` : ''].filter(Boolean).join(', ')} (below)` : '';
    this.o.write(`${this.status(r)} ${c.dim(`[${i + 1}/${total}]`)} ${r.id} ${c.dim(`(${r.durationMs} ms)`)}${c.dim(tail)}\n`);
    // the first time a cause shows, say it at once: a CI log names it in its first lines
    if (failed) {
      for (const g of explainFailures([r]).causes) {
        if (this.named.has(g.id)) continue;
        this.named.add(g.id);
        this.o.write(`     ${c.red('cause:')} ${g.summary}; ${c.bold(`see ${g.owner}`)}\n`);
      }
    }
  }

  /** The causes, most failures first: what UCSP answered and why, and the check whose hint fixes it. */
  private causes(s: RunSummary, failed: CheckResult[]): void {
    const c = this.o.colour;
    const own = failed.filter((x) => !x.cause).length;
    const explained = failed.length - own;
    this.o.write(c.bold(`Causes of the ${failed.length} failed check${failed.length === 1 ? '' : 's'}`) + c.dim(` — ${s.causes.length} cause${s.causes.length === 1 ? '' : 's'} explain${s.causes.length === 1 ? 's' : ''} ${explained}; ${own} fail${own === 1 ? 's' : ''} for a reason of ${own === 1 ? 'its' : 'their'} own`) + '\n');
    s.causes.forEach((g: CauseGroup, i) => {
      this.o.write(`  ${c.red(`${i + 1}. ${g.failures} failure${g.failures === 1 ? '' : 's'}:`)} ${g.summary}; ${c.bold(`see ${g.owner}`)}\n`);
      if (g.ownerHint) this.o.write(c.dim(`     ${g.ownerRef ?? ''} · fix: ${g.ownerHint}\n`));
      this.o.write(c.dim(`     first seen in ${g.firstSeen.scenario}: ${g.firstSeen.msgType}${g.firstSeen.msgID ? ` ${g.firstSeen.msgID}` : ''} (journal #${g.firstSeen.seq})\n`));
    });
    if (own) this.o.write(`  ${c.red(`${s.causes.length + 1}. ${own} failure${own === 1 ? '' : 's'}`)} with a reason of ${own === 1 ? 'its' : 'their'} own: below, each with its hint\n`);
  }

  /** The failures by scenario, after the causes. */
  private failures(s: RunSummary): void {
    const c = this.o.colour;
    const number = new Map(s.causes.map((g, i) => [g.id, i + 1]));
    for (const r of s.scenarios) {
      const shown = r.checks.filter((x) => x.status === 'failed' || x.status === 'waived');
      if (!shown.length) continue;
      this.o.write(`${this.status(r)} ${r.id} ${c.dim(`— ${r.title}`)}\n`);
      for (const ch of shown) {
        const mark = ch.status === 'waived' ? c.yellow('~ waived') : ch.severity === 'warning' ? c.yellow('! warning') : c.red('✗');
        const n = ch.cause ? number.get(ch.cause.id) : undefined;
        if (ch.status === 'failed' && ch.cause && n !== undefined) {
          const how = ch.cause.role === 'owner' ? 'this check owns it' : ch.cause.role === 'same' ? 'the same fault' : 'downstream';
          this.o.write(`    ${mark} ${ch.key}: ${ch.message} ${c.dim(`→ cause ${n} (${how})`)}\n`);
          continue;
        }
        this.o.write(`    ${mark} ${ch.key} — ${ch.title}\n      ${ch.message}\n      ${c.dim(`${ch.ref} · hint: ${ch.hint}`)}\n`);
        if (ch.status === 'failed' && ch.severity === 'failure') this.o.write(c.dim(`      known and accepted? add to --expected-failures:\n${waiverEntry(ch.key).replace(/^/gm, '        ')}\n`));
      }
    }
  }

  summary(s: RunSummary, written: string[]): void {
    const c = this.o.colour;
    const { exercised, possible } = coverageCounts(s.coverage);
    this.o.write('\n');
    const failed = s.scenarios.flatMap((r) => r.checks.filter((x) => x.status === 'failed'));
    if (failed.length) this.causes(s, failed);
    if (failed.length || s.scenarios.some((r) => r.checks.some((x) => x.status === 'waived'))) {
      if (failed.length) this.o.write('\n');
      this.failures(s);
      this.o.write('\n');
    }
    if (this.o.verbose) this.o.write(`${coverageText(s.coverage)}\n\n`);
    for (const w of s.staleWaivers) this.o.write(`${c.red('✗ stale expected failure')} ${w.key} no longer fails — remove it from the expected-failures file\n`);
    const counts = [c.green(`${s.counts.passed} passed`), s.counts.failed ? c.red(`${s.counts.failed} failed`) : `${s.counts.failed} failed`, s.counts.warning ? c.yellow(`${s.counts.warning} warning`) : `${s.counts.warning} warning`, `${s.counts.skipped} skipped`];
    this.o.write(`Scenarios: ${counts.join(', ')} (${s.counts.total} total)${s.interrupted ? c.red(' — interrupted') : ''}\n`);
    this.o.write(`Coverage:  ${exercised} of ${possible} message type × response code pairs exercised (${s.coverage.missing.length} not: ${this.o.verbose ? 'marked — above' : '--verbose or the reports list them'})\n`);
    this.o.write(`Wall time: ${(s.wallMs / 1000).toFixed(2)} s\n`);
    for (const f of written) this.o.write(`Report:    ${f}\n`);
  }
}
