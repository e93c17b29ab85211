/**
 * `ucsp-sandbox step` on a real terminal (a pseudo-terminal through python3): the prompts, the
 * notice decisions, what is shown, and Ctrl-C. Every wait is for screen text, never a sleep.
 */
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { KEY, PtyCli } from '../support/pty.js';
import { tempDir } from '../support/tmp.js';

const SCENARIO = 'frontend-payment/happy-path';
const NOTICE_PROMPT = 'What should UCSP do with this notice?';
// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/;

let root: string;
let cleanup: () => Promise<void>;
let n = 0;
const running: PtyCli[] = [];

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir('ucsp-step-'));
});
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
});
afterAll(() => cleanup());

/** The CLI on a terminal, with its own empty TMPDIR (the example partner's keys go there). */
async function step(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<{ cli: PtyCli; tmp: string }> {
  const tmp = join(root, `tmp-${++n}`);
  await mkdir(tmp);
  const cli = new PtyCli(['step', ...args], { env: { NO_COLOR: '1', FORCE_COLOR: undefined, TMPDIR: tmp, VISUAL: undefined, EDITOR: undefined, ...env }, ...(cwd ? { cwd } : {}) });
  running.push(cli);
  return { cli, tmp };
}

/**
 * Answers "Run it?" for step `k` of 3 with Enter — yes (a confirm, or for a step that makes the
 * partner send a request, the first choice of a menu); resolves to what the step line says.
 */
async function runStep(cli: PtyCli, k: number): Promise<string> {
  await cli.expect(`Step ${k} of 3: `);
  const said = await cli.expect('Run it?');
  cli.type(KEY.enter);
  return said;
}

/** Picks choice `k` of a select prompt by its number, once the prompt shows it active. */
async function choose(cli: PtyCli, k: number, name: string): Promise<void> {
  cli.type(String(k));
  await cli.expect(`❯ ${k}. ${name}`);
  cli.type(KEY.enter);
}

async function expectClosed(cli: PtyCli, tmp: string): Promise<void> {
  const pid = await cli.pid();
  expect(() => process.kill(pid, 0)).toThrow(); // the command's process is gone…
  expect(await readdir(tmp)).toEqual([]); // …and it closed the example partner (which removes its keys)
  expect(cli.text).not.toMatch(/\n\s+at .+:\d+:\d+|internal error|Error:/);
}

// each wait gives up after 60 s (PtyCli), with the screen in the error; the test itself after 90 s
describe('ucsp-sandbox step on a terminal', { timeout: 90_000 }, () => {
  it('sending the notice: consecutive step numbers, resolved parameters, every fact once; exit 0', async () => {
    const { cli, tmp } = await step([SCENARIO, '--example']);
    await cli.expect(`${SCENARIO} — `);
    await cli.expect('3 steps');
    expect(await runStep(cli, 1)).toMatch(/^the partner: submitPaymentOrder \(txnAmt: 1234, currencyCode: 344, userId: user-001\)\n/);
    await cli.expect(/answer to #1: 00 Approved/);
    await cli.expect('✓ check order-accepted-00: ');
    // the template ${order.orderId} shown as the order's actual id
    expect(await runStep(cli, 2)).toMatch(/^the user: pay \(orderId: ORD\d{20}\)\n/);
    await cli.expect('▶ UCSP is about to send PAYMENT_RESULT_NOTICE 00 Approved to http://127.0.0.1:');
    await cli.expect(NOTICE_PROMPT);
    cli.type(KEY.enter); // 1. send it (the default)
    await cli.expect(/answer to #\d+: 00 Approved · signature valid/);
    await cli.expect('✓ check notice-answered-00: the partner answered 00');
    await runStep(cli, 3);
    await cli.expect('PASSED frontend-payment/happy-path: 10 of 10 checks passed');
    expect(await cli.exitCode()).toBe(0);
    const text = cli.text;
    expect(text).not.toContain('${');
    expect(text.match(/Step \d+ of \d+/g)).toEqual(['Step 1 of 3', 'Step 2 of 3', 'Step 3 of 3']);
    expect(text).not.toMatch(/answered (\d\d) \(answered \1\)/);
    expect(text).not.toContain(' · drive ');
    expect(cli.raw).not.toMatch(SGR); // NO_COLOR: no colour, from us or from the prompts
    await expectClosed(cli, tmp);
  });

  it('tamper: the tampered copy goes first, its answer is shown and judged, then the notice is decided again', async () => {
    const { cli, tmp } = await step([SCENARIO, '--example']);
    await runStep(cli, 1);
    await runStep(cli, 2);
    await cli.expect(NOTICE_PROMPT);
    await choose(cli, 6, 'tamper');
    await cli.expect('Tamper how?');
    cli.type(KEY.enter); // 1. signature
    await cli.expect(/UCSP → partner PAYMENT_RESULT_NOTICE 00 Approved · tampered copy \(signature\)/);
    await cli.expect(/partner → UCSP answer to #\d+: 11 Signature Verification Fails · signature valid/);
    await cli.expect('→ refused, as PROFILE §6.3 expects');
    await cli.expect(NOTICE_PROMPT); // asked again
    cli.type(KEY.enter); // send it
    await cli.expect(/UCSP → partner PAYMENT_RESULT_NOTICE 00 Approved\n/);
    await cli.expect('✓ check notice-answered-00: the partner answered 00');
    await runStep(cli, 3);
    await cli.expect('PASSED frontend-payment/happy-path');
    expect(await cli.exitCode()).toBe(0);
    await expectClosed(cli, tmp);
  });

  it('edit opens $EDITOR; the edited copy replaces the notice and the check says what the partner answered, once', async () => {
    const tools = join(root, 'tools');
    await mkdir(tools, { recursive: true });
    const editor = join(tools, 'set-amount-1.mjs');
    await writeFile(
      editor,
      `#!${process.execPath}\nimport { readFileSync, writeFileSync } from 'node:fs';\nconst f = process.argv[2];\nconst t = JSON.parse(readFileSync(f, 'utf8'));\nt.txnAmt = '1';\nwriteFileSync(f, JSON.stringify(t));\n`,
    );
    await chmod(editor, 0o755);
    const { cli, tmp } = await step([SCENARIO, '--example'], { EDITOR: editor });
    await runStep(cli, 1);
    await runStep(cli, 2);
    await cli.expect(NOTICE_PROMPT);
    await choose(cli, 2, `edit it — send an edited copy, re-signed by UCSP, instead (opens ${editor})`);
    await cli.expect('Press <enter> to launch your preferred editor.');
    cli.type(KEY.enter);
    await cli.expect(/"txnAmt":"1",/);
    await cli.expect(/answer to #\d+: 36 Order Info is Incorrect · signature valid/);
    await cli.expect('the original notice is dropped: UCSP sends only the edited copy');
    await cli.expect(/✗ check notice-answered-00: the partner answered 36\n/);
    await runStep(cli, 3);
    await cli.expect('FAILED frontend-payment/happy-path: 8 of 10 checks passed, 2 failed');
    await cli.expect('✗ notice-answered-00 — ');
    expect(await cli.exitCode()).toBe(1);
    await expectClosed(cli, tmp);
  });

  it("corrupting UCSP's answer is chosen before the step; the journal says how, and the partner's reaction is judged", async () => {
    const { cli, tmp } = await step([SCENARIO, '--example']);
    await cli.expect('Step 1 of 3: ');
    await cli.expect('Run it?');
    await choose(cli, 2, "yes, and corrupt UCSP's answer to its SUBMIT_PAYMENT_ORDER on the way");
    await cli.expect('Corrupt it how?');
    cli.type(KEY.enter); // 1. signature
    await cli.expect('What should the corrupted answer say?');
    cli.type(KEY.enter); // UCSP's own answer
    await cli.expect(/UCSP → partner answer to #\d+: 00 Approved · answer corrupted on purpose \(control API answer fault "signature"\): one character of the signature changed/);
    // the example partner takes it as no answer; happy-path needs an answer, so it stops there
    await cli.expect('→ the partner could not act: it took the corrupted answer as no answer, as PROFILE §3/§4 expect');
    await cli.expect('FAILED frontend-payment/happy-path');
    await cli.expect('step 1 of 3 could not run');
    expect(await cli.exitCode()).toBe(1);
    await expectClosed(cli, tmp);
  });

  it('answering no to "Run it?" stops without a verdict: exit 130 (and --no-color holds for the prompts too)', async () => {
    const { cli, tmp } = await step([SCENARIO, '--example', '--no-color'], { NO_COLOR: undefined });
    await runStep(cli, 1);
    await cli.expect('Step 2 of 3: ');
    await cli.expect('Run it? (Y/n)');
    cli.type('n');
    cli.type(KEY.enter);
    await cli.expect('stopped before step 2 of 3: the scenario is not judged');
    expect(await cli.exitCode()).toBe(130);
    expect(cli.raw).not.toMatch(SGR);
    await expectClosed(cli, tmp);
  });

  it('Ctrl-C at the notice prompt exits 130 and closes the sandbox and the example partner', async () => {
    const { cli, tmp } = await step([SCENARIO, '--example'], { NO_COLOR: undefined });
    await runStep(cli, 1);
    await runStep(cli, 2);
    await cli.expect(NOTICE_PROMPT);
    cli.type(KEY.ctrlC);
    await cli.expect('interrupted at step 2 of 3: the scenario is not judged');
    expect(await cli.exitCode()).toBe(130);
    expect(cli.raw).toMatch(SGR); // colour on a terminal unless told otherwise (what the NO_COLOR checks rely on)
    await expectClosed(cli, tmp);
  });

  it('Ctrl-C while a step waits for the partner exits 130 at once and closes the sandbox', async () => {
    // a partner whose driver never answers an action: the step is still running when Ctrl-C comes
    // (it does answer the runner's preflight probes as a PROFILE §9 driver would)
    let reached: () => void = () => {};
    const actionReached = new Promise<void>((r) => (reached = r));
    const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.setEncoding('utf8').on('data', (d: string) => (body += d));
      req.on('end', () => {
        if (req.url === '/driver/actions') {
          if (body.includes('"ucspSandboxPreflight"')) return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"unknown action"}');
          return reached();
        }
        if (req.url?.startsWith('/driver/orders/')) return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such order"}');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const cwd = join(root, 'configured');
      await mkdir(cwd);
      const driverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/driver`;
      expect((await runCli(['init', '--yes', '--driver-url', driverUrl], { cwd })).code).toBe(0);
      const { cli, tmp } = await step([SCENARIO, '--port', '0'], {}, cwd);
      await runStep(cli, 1);
      await actionReached;
      cli.type(KEY.ctrlC);
      await cli.expect('interrupted: closing the sandbox (Ctrl-C again to quit at once)');
      expect(await cli.exitCode()).toBe(130);
      await expectClosed(cli, tmp);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
