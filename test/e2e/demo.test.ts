/** `ucsp-sandbox demo`: the README's main job, with every reporter at once. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/errors/package-root.js';
import { runCli, type CliResult } from '../support/cli.js';
import { markdownHeadings } from '../support/markdown.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
let r: CliResult;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('ucsp-demo-'));
  r = await runCli(['demo', '--reporter', 'console', '--reporter', `json=${join(dir, 'r.json')}`, '--reporter', `junit=${join(dir, 'r.xml')}`, '--reporter', `html=${join(dir, 'r.html')}`], { cwd: dir });
}, 600_000); // a safety net: the whole suite in a child process, ~5 s idle, far longer on a loaded machine
afterAll(() => cleanup());

interface Summary {
  counts: { total: number; passed: number; failed: number; warning: number; skipped: number };
  scenarios: { id: string; status: string; messages: unknown[] }[];
  coverage: { exercised: unknown[]; missing: unknown[] };
  wallMs: number;
}

describe('ucsp-sandbox demo', () => {
  it('exits 0 and prints one line per scenario, the summary and the wall time', () => {
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Scenarios: \d+ passed, 0 failed/);
    expect(r.stdout).toMatch(/Wall time: \d+\.\d+ s/);
    expect(r.stdout).toMatch(/Coverage: {2}\d+ of \d+ message type × response code pairs/);
    expect(r.stdout).not.toContain('\u001b['); // not a TTY: no colour, no progress line
    const lines = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|WARN|SKIP) \[/.test(l));
    expect(lines.length).toBeGreaterThanOrEqual(30);
  });

  it('JSON and JUnit reports parse and agree on counts; every scenario carries its messages', async () => {
    const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as Summary;
    const xml = await readFile(join(dir, 'r.xml'), 'utf8');
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const root = /<testsuites [^>]*tests="(\d+)" failures="(\d+)" errors="0" skipped="(\d+)"/.exec(xml)!;
    expect(Number(root[1])).toBe(json.counts.total);
    expect(Number(root[2])).toBe(json.counts.failed);
    expect(Number(root[3])).toBe(json.counts.skipped);
    expect((xml.match(/<testcase /g) ?? []).length).toBe(json.counts.total);
    expect((xml.match(/<failure /g) ?? []).length).toBe(json.counts.failed);
    expect(json.counts.passed + json.counts.failed + json.counts.warning + json.counts.skipped).toBe(json.counts.total);
    expect(json.scenarios.filter((s) => s.status !== 'SKIPPED').every((s) => s.messages.length > 0)).toBe(true);
    expect(json.coverage.exercised.length).toBeGreaterThan(10);
    expect(xml).toContain('<testsuite name="coverage"');
    expect(xml).toContain('exercised');
  });

  it("the README's list of pairs no scenario exercises is not stale: each is missing from the run, with a reason", async () => {
    const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')) as Summary;
    const readme = await readFile(join(packageRoot(), 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `([A-Z_]+)` \((answer|notice|notice-answer)\) \| `(\d\d)` \| (.+) \|$/gm)];
    expect(rows.length).toBeGreaterThan(0);
    const missing = new Set((json.coverage.missing as { msgType: string; code: string; via: string }[]).map((m) => `${m.msgType}|${m.via}|${m.code}`));
    for (const [, msgType, via, code, why] of rows) {
      expect(missing.has(`${msgType}|${via}|${code}`), `${msgType} (${via}) ${code} is exercised now: drop it from the README`).toBe(true);
      expect(why!.length).toBeGreaterThan(10);
    }
  });

  it('the HTML report is one file with no external references; its refs link to docs/protocol.md', async () => {
    const html = await readFile(join(dir, 'r.html'), 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/src\s*=/i);
    // The only links: cited refs, to a section of the installed package's docs/protocol.md.
    const anchors = new Set(markdownHeadings(await readFile(join(packageRoot(), 'docs/protocol.md'), 'utf8')).map((h) => h.anchor));
    const hrefs = [...html.matchAll(/href\s*=\s*"([^"]*)"/gi)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(100);
    expect((html.match(/href\s*=/gi) ?? []).length).toBe(hrefs.length);
    const docUrl = pathToFileURL(join(packageRoot(), 'docs/protocol.md')).href;
    expect(hrefs.filter((h) => !h.startsWith(`${docUrl}#`) || !anchors.has(h.slice(docUrl.length + 1)))).toEqual([]);
    expect(html).toMatch(/<a href="[^"]+#63-payment_result_notice-ucsp--partner-backurl" title="§6\.3 PAYMENT_RESULT_NOTICE[^"]*">PROFILE §6\.3<\/a>/);
    expect(html).toMatch(/<a href="[^"]+#2-frontend-payment-flow" title="[^"]*">seed: 2\. Frontend Payment Flow<\/a>/);
    expect(html).toContain('Message sequence');
    expect(html).toContain('Coverage: message type × response code');
    expect(html).toContain('PAYMENT_RESULT_NOTICE');
  });
});
