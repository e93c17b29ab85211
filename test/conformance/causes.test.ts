/**
 * Failures that name their cause: the whole suite against the example partner sending amounts in
 * major units ("12.34"), which UCSP refuses with 10. What a new user reads first must be UCSP's
 * code and reason and the check that owns the fault — not "charge.responseCode is 10 … report
 * UCSP's responseCode as is" — and the many failures it causes must be one group.
 */
import { Chalk } from 'chalk';
import { beforeAll, describe, expect, it } from 'vitest';
import { startExampleWorld, type ExampleWorld } from '../../examples/partner/with-sandbox.js';
import type { PartnerBugs } from '../../examples/partner/bugs.js';
import { ConsoleReporter } from '../../src/reporters/console-reporter.js';
import { htmlReport } from '../../src/reporters/html-reporter.js';
import { jsonReport } from '../../src/reporters/json-reporter.js';
import { junitReport } from '../../src/reporters/junit-reporter.js';
import type { CheckResult, RunSummary } from '../../src/scenarios/results.js';
import { runConformance } from '../../src/scenarios/run-conformance.js';

const OWNER = 'frontend-payment/happy-path#amounts-in-minor-units';

async function runWith(bugs: Partial<PartnerBugs>): Promise<{ s: RunSummary; console: string }> {
  const world: ExampleWorld = await startExampleWorld({ bugs });
  try {
    let out = '';
    const con = new ConsoleReporter({ write: (x) => (out += x), colour: new Chalk({ level: 0 }), tty: false });
    const s = await runConformance({
      config: world.config,
      sandboxUrl: world.sandbox.urls.ucsp,
      hooks: { onScenarioStart: (sc, i, n) => con.start(sc.id, i, n), onScenarioEnd: (r, i, n) => con.end(r, i, n) },
    });
    con.summary(s, []);
    return { s, console: out };
  } finally {
    await world.close();
  }
}

const failedChecks = (s: RunSummary): CheckResult[] => s.scenarios.flatMap((r) => r.checks.filter((c) => c.status === 'failed'));

describe('a partner that sends amounts in major units', () => {
  let s: RunSummary;
  let text: string;
  beforeAll(async () => {
    ({ s, console: text } = await runWith({ majorUnitAmounts: true }));
  }, 120_000);

  it('the first failure lines name the cause: UCSP’s code and reason, and the check that owns it', () => {
    expect(s.counts.failed).toBeGreaterThan(20);
    const lines = text.split('\n');
    // during the run: right under the first failed scenario, its cause, once
    const firstFail = lines.findIndex((l) => l.startsWith('FAIL ['));
    const named = lines[firstFail + 1]!;
    expect(named).toMatch(/^ {5}cause: UCSP answered 10 to \S+ — trxInfo\.txnAmt: minor units/);
    expect(named).toContain(`see ${OWNER}`);
    expect(lines.filter((l) => /^ {5}cause: /.test(l))).toEqual([named]); // one cause, said once
    const progress = (l: string) => /^(PASS|FAIL|WARN|SKIP) \[/.test(l) || /^ {5}cause: /.test(l);
    const afterProgress = lines.findIndex((l, i) => i > 0 && l === '' && progress(lines[i - 1]!));
    const failureOutput = lines.slice(afterProgress + 1).filter((l) => l.trim() !== '');
    expect(failureOutput[0]).toMatch(/^Causes of the \d+ failed checks/);
    const first = failureOutput[1]!;
    expect(first).toContain('UCSP answered 10');
    expect(first).toContain('txnAmt');
    expect(first).toContain('minor units');
    expect(first).toContain('got "');
    expect(first).toContain('^[1-9][0-9]{0,11}$'); // the regex stays visible, after the words
    expect(first).toContain(OWNER);
    // before any per-scenario failure detail
    const firstDetail = lines.findIndex((l) => /^\s+[✗!~]/.test(l));
    expect(firstDetail).toBeGreaterThan(lines.indexOf(first));
    // the per-scenario progress lines carry no failure detail beyond the causes they first show
    expect(lines.slice(0, afterProgress).every(progress)).toBe(true);
  });

  it('one group holds every failure the refused amounts explain; the others keep their own hint', () => {
    const group = s.causes.find((g) => g.owner === OWNER)!;
    expect(group).toBeDefined();
    expect(group.kind).toBe('amount-format');
    expect(group.code).toBe('10');
    const failed = failedChecks(s);
    const explained = failed.filter((c) => c.cause?.id === group.id);
    expect(group.failures).toBe(explained.length);
    expect(group.checks).toEqual(explained.map((c) => c.key));
    expect(new Set(explained.map((c) => c.key.split('#')[0])).size).toBeGreaterThan(20);
    expect(s.causes[0]).toBe(group); // the cause with most failures comes first
    // nothing is left unexplained here: every failure traces back to a refused amount
    expect(failed.filter((c) => !c.cause).map((c) => `${c.key}: ${c.message}`)).toEqual([]);
    expect(explained.find((c) => c.key === OWNER)!.cause!.role).toBe('owner');
    // the misleading hint is gone from the console: a downstream check refers to the cause in one line
    const line = text.split('\n').find((l) => l.includes('auto-debit/charge-by-inquiry#charge-accepted-05'))!;
    expect(line).toMatch(/charge\.responseCode is 10 → cause 1 \(downstream\)$/);
    expect(text).not.toContain("Report UCSP's verified responseCode of SUBMIT_AUTO_DEBIT as is");
  });

  it('a check downstream of the refused order says so first, and keeps its own hint for the reports', () => {
    const c = failedChecks(s).find((x) => x.key === 'frontend-payment/happy-path#order-accepted-00')!;
    expect(c.message).toBe('order.responseCode is 10');
    expect(c.cause!.summary).toMatch(/^downstream of: UCSP refused SUBMIT_PAYMENT_ORDER with 10 — trxInfo\.txnAmt: minor units, a whole number without a dot.* — got "12\.34"/);
    expect(c.hint).toMatch(/^Send SUBMIT_PAYMENT_ORDER/);
  });

  it('the JSON report has the causes; JUnit and HTML lead with them', () => {
    const json = JSON.parse(jsonReport(s)) as RunSummary;
    expect(json.causes.length).toBeGreaterThanOrEqual(1);
    expect(json.causes[0]).toMatchObject({ kind: 'amount-format', code: '10', owner: OWNER, failures: s.causes[0]!.failures });
    expect(json.causes[0]!.summary).toContain('minor units');
    const check = json.scenarios.flatMap((r) => r.checks).find((c) => c.key === 'frontend-payment/happy-path#order-accepted-00')!;
    expect(check.cause).toMatchObject({ code: '10', role: 'downstream', owner: OWNER });
    expect(check.hint).toBeTruthy();
    const xml = junitReport(s);
    expect(xml).toMatch(/<failure message="frontend-payment\/happy-path#order-accepted-00: downstream of: UCSP refused SUBMIT_PAYMENT_ORDER with 10 — trxInfo\.txnAmt: minor units/);
    expect(xml).toContain('<testsuite name="causes"');
    const html = htmlReport(s);
    expect(html.indexOf('<h2>Causes</h2>')).toBeGreaterThan(0);
    expect(html.indexOf('<h2>Causes</h2>')).toBeLessThan(html.indexOf('<h2>Scenarios</h2>'));
    expect(html).toContain('downstream of: UCSP refused SUBMIT_PAYMENT_ORDER with 10');
  });
});

describe('independent causes are listed apart, and a failure of its own keeps its hint', () => {
  let s: RunSummary;
  let text: string;
  beforeAll(async () => {
    ({ s, console: text } = await runWith({ majorUnitAmounts: true, wrongTimeZone: true, skipLoginSignatureCheck: true }));
  }, 120_000);

  it('a group for the amounts (10) and one for the clock (11), most failures first', () => {
    const kinds = s.causes.map((g) => g.kind);
    expect(kinds).toEqual(expect.arrayContaining(['amount-format', 'clock']));
    const amount = s.causes.find((g) => g.kind === 'amount-format')!;
    const clock = s.causes.find((g) => g.kind === 'clock')!;
    expect(amount.owner).toBe(OWNER);
    expect(clock.owner).toBe('frontend-payment/happy-path#times-in-utc-plus-8');
    expect(clock.code).toBe('11');
    expect(clock.reason).toMatch(/^timeStamp \d{14} is \d+ s from UCSP's clock.* 8 h off/);
    for (let i = 1; i < s.causes.length; i++) expect(s.causes[i - 1]!.failures).toBeGreaterThanOrEqual(s.causes[i]!.failures);
    const failed = failedChecks(s);
    for (const g of s.causes) expect(g.failures).toBe(failed.filter((c) => c.cause?.id === g.id).length);
    // each cause on its own numbered line, both before the per-scenario detail
    const lines = text.split('\n');
    const amountLine = lines.findIndex((l) => /^\s+\d+\. \d+ failures?: UCSP answered 10 .*txnAmt/.test(l));
    const clockLine = lines.findIndex((l) => /^\s+\d+\. \d+ failures?: UCSP answered 11 .*timeStamp/.test(l));
    const firstDetail = lines.findIndex((l) => /^\s+[✗!~]/.test(l));
    expect(amountLine).toBeGreaterThan(0);
    expect(clockLine).toBeGreaterThan(0);
    expect(Math.max(amountLine, clockLine)).toBeLessThan(firstDetail);
  });

  it('the login signature bug has no UCSP refusal behind it: no cause, its own hint, listed after the causes', () => {
    const key = 'login/tampered-signature#tampered-signature-refused';
    const c = failedChecks(s).find((x) => x.key === key)!;
    expect(c).toBeDefined();
    expect(c.cause).toBeUndefined();
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.includes(`✗ ${key} — `));
    expect(at).toBeGreaterThan(0);
    expect(lines[at + 2]).toContain(`hint: ${c.hint}`);
    expect(lines.findIndex((l) => /failures? with a reason of (its|their) own/.test(l))).toBeLessThan(at);
  });
});

