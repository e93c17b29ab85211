/**
 * The live log of `start` as a user sees it: the real CLI, the example partner's happy path, one
 * readable line per exchange on stderr (refusal reasons included), --log json as NDJSON on stderr
 * and in --log-file, --quiet, colour on a terminal only. Loopback, free ports, no sleeps: every
 * wait is on the process's output.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { startPartnerWorld, type PartnerWorld } from '../support/partner-world.js';
import { PtyCli } from '../support/pty.js';
import { spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

/** Resolves once the process's accumulated stderr passes `test`; fails if it exits first. */
function stderrUntil(child: ChildProcess, text: () => string, test: (t: string) => boolean, what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!test(text())) return false;
      child.stderr!.off('data', onData);
      child.off('exit', onExit);
      resolve(text());
      return true;
    };
    const onData = () => void check();
    const onExit = () => reject(new Error(`the sandbox exited while waiting for ${what}:\n${text()}`));
    child.stderr!.on('data', onData);
    child.once('exit', onExit);
    check();
  });
}
const until = (sb: SpawnedSandbox, test: (t: string) => boolean, what: string) => stderrUntil(sb.child, sb.stderr, test, what);
const LINE = /^\d\d:\d\d:\d\d\.\d{3} {2}\S+ → \S+/;

describe('start: the live log of the example partner happy path', () => {
  let w: PartnerWorld;
  beforeAll(async () => {
    // with --json the live log is on only when --log says so
    w = await startPartnerWorld({ sandboxArgs: ['--log', 'pretty'] });
  });
  afterAll(() => w?.close());

  it('one readable line per exchange: request and answer together, notices with their attempt, refusals with their reason', async () => {
    const sub = await w.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    expect(sub.body.result?.responseCode).toBe('00');
    const orderId = sub.body.result!.orderId!;
    expect((await w.control('/pay', { orderId })).status).toBe(200);
    await w.settle();
    expect((await w.order(orderId)).status).toBe('PAID');
    expect((await w.driver('inquirePayment', { orderId })).body.result?.responseCode).toBe('00');
    // UCSP refuses this one (36: a currency it does not know): the line says why
    const refused = await w.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '999', userId: 'user-001' });
    expect(refused.body.result?.responseCode).toBe('36');

    const text = await until(w.sandbox, (t) => /PAYMENT_RESULT_INQUIRY/.test(t) && /→ 36/.test(t), 'the inquiry and the refusal in the live log');
    const lines = text.trimEnd().split('\n');
    // stderr under --json holds the live log and nothing else: every line is an exchange
    for (const l of lines) expect(l).toMatch(LINE);
    const submits = lines.filter((l) => l.includes('SUBMIT_PAYMENT_ORDER'));
    expect(submits).toHaveLength(2);
    expect(submits[0]).toMatch(new RegExp(`partner → UCSP +SUBMIT_PAYMENT_ORDER {2}${orderId} {2}→ 00 {2}sig ok {2}[0-9.]+ ms$`));
    expect(submits[1]).toMatch(/partner → UCSP +SUBMIT_PAYMENT_ORDER {2}\S+ {2}→ 36 {2}sig ok {2}[0-9.]+ ms {2}refused: .*currency/i);
    expect(lines.find((l) => l.includes('browser → cashier'))).toMatch(new RegExp(`pay {2}${orderId} {2}card 621234\\*+\\d{4}, issuer: approve$`));
    expect(lines.find((l) => l.includes('PAYMENT_RESULT_NOTICE'))).toMatch(new RegExp(`UCSP → partner +PAYMENT_RESULT_NOTICE {2}${orderId} {2}attempt 1/8 {2}→ 00 {2}sig ok {2}[0-9.]+ ms {2}delivered$`));
    expect(lines.find((l) => l.includes('PAYMENT_RESULT_INQUIRY'))).toMatch(new RegExp(`partner → UCSP +PAYMENT_RESULT_INQUIRY {2}${orderId} {2}→ 00 {2}sig ok`));
    // no line is half an exchange: one per request-and-answer
    expect(lines.filter((l) => l.includes('UCSP → partner') && l.includes('SUBMIT_PAYMENT_ORDER'))).toEqual([]);
  });

  it('a failed notice attempt shows its number, the reason and when the next one is due', async () => {
    // the partner's backUrl refuses to answer with a message: UCSP retries on its schedule
    const sub = await w.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const orderId = sub.body.result!.orderId!;
    expect((await w.control('/notices/faults', { action: 'tamper', tamper: 'amount', orderId })).status).toBe(201);
    await w.control('/pay', { orderId });
    await w.settle();
    const text = await until(w.sandbox, (t) => new RegExp(`PAYMENT_RESULT_NOTICE {2}${orderId} {2}attempt 1/8`).test(t), 'the genuine notice after the tampered copy');
    const copy = text.split('\n').find((l) => l.includes(orderId) && l.includes('extra copy'));
    // the partner refuses the tampered copy (36): a failed attempt, its reason, and the note that says what was sent
    expect(copy).toMatch(/PAYMENT_RESULT_NOTICE {2}\S+ {2}extra copy \(attempt 1\) {2}→ 36 {2}sig ok {2}[0-9.]+ ms {2}failed: answered 36; \(tampered copy \(amount\)\)$/);
  });
});

describe('start: formats and switches', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir('ucsp-live-log-'));
    expect((await runCli(['keys', 'init', '--out', join(dir, '.ucsp-sandbox', 'keys')], { cwd: dir })).code).toBe(0);
  });
  afterAll(() => cleanup());

  it('--log json: NDJSON on stderr and appended to --log-file, one object per exchange', async () => {
    const file = join(dir, 'sandbox.ndjson');
    const sb = await spawnSandbox(['--log', 'json', '--log-file', file], { cwd: dir });
    try {
      await fetch(sb.ready.api, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"msgInfo":1}' });
      await fetch(`${sb.ready.control}/login`, { method: 'POST' });
      await until(sb, (t) => t.split('\n').filter(Boolean).length >= 2, 'two log lines');
    } finally {
      expect(await sb.stop()).toBe(130);
    }
    const lines = sb.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({ channel: 'api', from: 'partner', to: 'UCSP', code: '10', outcome: 'refused' });
    expect(typeof records[0]!.reason).toBe('string');
    expect(records[1]).toMatchObject({ channel: 'login', what: 'INDUSTRY_LOGIN_INFO', from: 'UCSP', to: 'partner' });
    expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toEqual(lines);
  });

  it('plain start: the ready line alone on stdout, the log on stderr; --quiet: no log', async () => {
    for (const quiet of [false, true]) {
      const child = spawn(process.execPath, [BIN, 'start', '--port', '0', '--time-scale', '0', ...(quiet ? ['--quiet'] : [])], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const exited = new Promise<number | null>((r) => child.on('exit', r));
      try {
        await stderrUntil(child, () => stderr, (t) => t.includes('Ctrl-C to stop'), 'the ready details');
        const ucsp = /UCSP (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
        await fetch(`${ucsp}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        if (!quiet) await stderrUntil(child, () => stderr, (t) => /→ 10/.test(t), 'the log line');
      } finally {
        child.kill('SIGINT');
      }
      expect(await exited).toBe(130);
      expect(stdout).toMatch(/^ready UCSP http:\/\/127\.0\.0\.1:\d+ · channel app \S+ · issuer \S+\n$/);
      const logLines = stderr.split('\n').filter((l) => LINE.test(l));
      if (quiet) expect(logLines).toEqual([]);
      else expect(logLines).toEqual([expect.stringMatching(/partner → UCSP +UNKNOWN {2}→ 10 {2}[0-9.]+ ms {2}refused: /)]);
    }
  });

  it('a --log-file that cannot be opened is a usage error (exit 2) and nothing starts; a bad --log too', async () => {
    const r = await runCli(['start', '--port', '0', '--log-file', join(dir, 'no', 'such', 'folder', 'log')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot open the log file');
    expect(r.stdout).toBe('');
    const bad = await runCli(['start', '--port', '0', '--log', 'xml'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--log.*xml/);
  });

  it('on a terminal the log is coloured; NO_COLOR turns it off', async () => {
    for (const noColor of [false, true]) {
      const t = new PtyCli(['start', '--port', '0', '--time-scale', '0'], { cwd: dir, env: noColor ? { NO_COLOR: '1' } : { NO_COLOR: undefined, FORCE_COLOR: undefined } });
      try {
        await t.expect('Ctrl-C to stop');
        const ucsp = /UCSP (http:\/\/127\.0\.0\.1:\d+)/.exec(t.text)![1]!;
        await fetch(`${ucsp}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
        await t.expect(/refused: .*\n/);
        const raw = t.raw.slice(t.raw.indexOf('Ctrl-C to stop'));
        // eslint-disable-next-line no-control-regex
        expect(/\u001b\[\d+m/.test(raw)).toBe(!noColor);
      } finally {
        t.type('\u0003');
        expect(await t.exitCode()).toBe(130);
      }
    }
  });
});
