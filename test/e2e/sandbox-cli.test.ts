/**
 * The commands that act on a running sandbox — status, logs, trigger, notices, orders, clock,
 * reset — as a user runs them: the real CLI against the real sandbox CLI and the example partner,
 * over loopback. Exit codes: 0 done, 1 refused by the sandbox, 2 usage or unreachable, 130 Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli, type CliResult } from '../support/cli.js';
import { freePort, startPartnerWorld, type PartnerWorld } from '../support/partner-world.js';
import { PtyCli } from '../support/pty.js';
import { spawnSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

let w: PartnerWorld;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  w = await startPartnerWorld();
  env = { UCSP_SANDBOX_URL: w.U, UCSP_SANDBOX_TOKEN: undefined };
});
afterAll(() => w?.close());

const cli = (...args: string[]): Promise<CliResult> => runCli(args, { env });
const json = <T = any>(r: CliResult): T => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as T;
};

async function newOrder(): Promise<string> {
  const sub = await w.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
  expect(sub.body.result?.responseCode).toBe('00');
  return sub.body.result!.orderId!;
}

describe('status, orders, clock', () => {
  it('status: the URLs, clock, counts', async () => {
    const r = await cli('status');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`running  UCSP ${w.U}`);
    expect(r.stdout).toMatch(/clock +\S+Z \(manual: moves only when advanced\)/);
    expect(json(await cli('status', '--json'))).toMatchObject({ urls: { ucsp: w.U } });
  });

  it('orders: a page, one order, an unknown one (exit 1)', async () => {
    const a = await newOrder();
    const b = await newOrder();
    const list = await cli('orders');
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`${a} +PAYMENT +AWAITING_USER +1234 \\(344\\) +user-001`));
    const page = json<{ orders: { orderId: string }[]; nextCursor: string | null }>(await cli('orders', '--limit', '1', '--json'));
    expect(page.orders).toHaveLength(1);
    expect(page.nextCursor).toBeTruthy();
    const next = json<{ orders: { orderId: string }[] }>(await cli('orders', '--limit', '1', '--cursor', page.nextCursor!, '--json'));
    expect(next.orders[0]!.orderId).not.toBe(page.orders[0]!.orderId);
    const one = json<{ orderId: string; paymentUrl: string; expiresAt: number }>(await cli('orders', b, '--json'));
    expect(one).toMatchObject({ orderId: b, paymentUrl: expect.stringContaining('/ucsp/cashier/') });
    expect((await cli('orders', b)).stdout).toMatch(new RegExp(`^orderId +${b}$`, 'm'));
    const missing = await cli('orders', 'NOSUCHORDER0001');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no order NOSUCHORDER0001');
    expect((await cli('orders', '--limit', '0')).code).toBe(2);
  });

  it('clock shows the sandbox time; clock advance moves it (durations with units only)', async () => {
    const before = json<{ now: number; timeScale: number }>(await cli('clock', '--json'));
    expect(before.timeScale).toBe(0);
    const r = await cli('clock', 'advance', '90s');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^advanced 1 min 30 s: sandbox time /);
    const after = json<{ advancedMs: number; now: number }>(await cli('clock', 'advance', '1m', '--json'));
    expect(after).toMatchObject({ advancedMs: 60_000, now: before.now + 150_000 });
    expect((await cli('clock')).stdout).toContain(new Date(before.now + 150_000).toISOString());
    const bad = await cli('clock', 'advance', '15');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"15" is not a duration');
  });
});

describe('trigger', () => {
  it('payment.approved picks the latest payment awaiting the user, says which, and shows the notice delivered', async () => {
    await newOrder();
    const latest = await newOrder();
    const r = await cli('trigger', 'payment.approved');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`order ${latest}: the latest frontend payment awaiting the user`);
    expect(r.stdout).toContain(`payment.approved order ${latest} paid; the issuer: approve`);
    expect(r.stdout).toMatch(/notice N\S+ PAYMENT_RESULT_NOTICE: DELIVERED — attempt 1: accepted \(answered 00\)/);
    expect((await w.order(latest)).status).toBe('PAID');
  });

  it('payment.declined, payment.abandoned and order.expired, with --order; --json', async () => {
    const [a, b, c] = [await newOrder(), await newOrder(), await newOrder()];
    const declined = json<{ orderId: string; notices: { status: string }[] }>(await cli('trigger', 'payment.declined', '--order', a, '--json'));
    expect(declined).toMatchObject({ event: 'payment.declined', orderId: a, result: { behaviour: 'decline' }, notices: [{ status: 'DELIVERED' }] });
    expect((await w.order(a)).status).toBe('FAILED');
    expect((await cli('trigger', 'payment.abandoned', '--order', b)).stdout).toContain(`order ${b} abandoned at the cashier`);
    expect((await w.order(b)).status).toBe('FAILED');
    const expired = await cli('trigger', 'order.expired', '--order', c);
    expect(expired.code, expired.stderr).toBe(0);
    expect(expired.stdout).toMatch(/sandbox clock advanced \d+ min.*: order \S+ expired unpaid/);
    expect((await w.control<{ status: string }>(`/orders/${c}`)).json.status).toBe('DECLINED');
    // the sandbox refuses to pay an order that is not awaiting payment: exit 1 with its reason
    const again = await cli('trigger', 'payment.approved', '--order', a);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is DECLINED, not awaiting payment/);
  });

  it('signing.agreed and signing.refused', async () => {
    const s1 = (await w.driver('signAutoDebit', { userId: 'user-002' })).body.result!.orderId!;
    const s2 = (await w.driver('signAutoDebit', { userId: 'user-002' })).body.result!.orderId!;
    const agreed = await cli('trigger', 'signing.agreed', '--order', s1);
    expect(agreed.code, agreed.stderr).toBe(0);
    expect(agreed.stdout).toMatch(new RegExp(`signing ${s1} agreed: contract \\S+`));
    expect(agreed.stdout).toMatch(/SIGN_AUTO_DEBIT_NOTICE: DELIVERED/);
    const refused = await cli('trigger', 'signing.refused');
    expect(refused.stderr).toContain(`order ${s2}: the latest auto-debit signing awaiting the user`);
    expect(refused.stdout).toContain(`signing ${s2} refused`);
    expect((await cli('trigger', 'signing.agreed')).code).toBe(1); // none left awaiting the user
  });

  it('refund.failed sets the issuer outcome for the next transaction; the partner\'s refund then fails', async () => {
    const orderId = await newOrder();
    expect((await cli('trigger', 'payment.approved', '--order', orderId)).code).toBe(0);
    const r = await cli('trigger', 'refund.failed');
    expect(r.stdout).toContain('the issuer will decline the next transaction');
    const refund = await w.driver('refundPayment', { orderId, txnAmt: '100' });
    expect(refund.status).toBe(200);
    await w.settle();
    expect((await w.order(refund.body.result!.orderId!)).status).toMatch(/FAILED|DECLINED/);
    expect(json(await cli('trigger', 'refund.settled', '--order', 'REF0000000001', '--json'))).toMatchObject({ result: { behaviour: 'approve', scope: { orderId: 'REF0000000001' } } });
  });

  it('user.login gives the hand-off URL; an unknown event is a usage error listing the events', async () => {
    const r = await cli('trigger', 'user.login', '--user', 'user-003');
    expect(r.stdout).toMatch(new RegExp(`login hand-off for user-003: open ${w.partnerUrl}/ucsp/login\\?request_data=`));
    const bad = await cli('trigger', 'payment.teleported');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown event "payment.teleported": one of payment.approved, payment.declined');
  });
});

describe('notices', () => {
  it('list, drop, send (a held one goes now), resend (a copy, tampered too)', async () => {
    const orderId = await newOrder();
    await w.control('/notices/faults', { action: 'hold', orderId });
    await w.control('/pay', { orderId });
    await w.settle();
    const list = json<{ notices: { id: string; status: string }[] }>(await cli('notices', 'list', '--order', orderId, '--json'));
    expect(list.notices).toHaveLength(1);
    const id = list.notices[0]!.id;
    expect(list.notices[0]!.status).toBe('HELD');
    expect((await cli('notices', 'list', '--order', orderId)).stdout).toMatch(new RegExp(`^${id} +HELD +PAYMENT_RESULT_NOTICE +${orderId} +0 tried$`, 'm'));
    const sent = await cli('notices', 'send', id);
    expect(sent.code, sent.stderr).toBe(0);
    expect(sent.stdout).toContain(`${id} attempt 1: accepted (answered 00)`);
    expect(sent.stdout).toContain(`${id} is DELIVERED`);
    expect((await cli('notices', 'send', id)).code).toBe(1); // delivered: nothing left to send on its schedule
    const copy = await cli('notices', 'resend', id, '--tamper', 'amount');
    expect(copy.code, copy.stderr).toBe(0);
    expect(copy.stdout).toMatch(new RegExp(`${id} copy \\(attempt 2, amount\\): failed: answered 36 \\(answered 36\\)`));
    expect(json(await cli('notices', 'resend', id, '--json'))).toMatchObject({ attempt: { kind: 'extra', ok: true } });
    expect((await cli('notices', 'resend', id, '--tamper', 'everything')).code).toBe(2); // the control API's 400

    const other = await newOrder();
    await w.control('/notices/faults', { action: 'hold', orderId: other });
    await w.control('/pay', { orderId: other });
    await w.settle();
    const held = json<{ notices: { id: string }[] }>(await cli('notices', 'list', '--order', other, '--json')).notices[0]!.id;
    const dropped = await cli('notices', 'drop', held);
    expect(dropped.stdout).toContain(`${held} is DROPPED`);
    const twice = await cli('notices', 'drop', held);
    expect(twice.code).toBe(1);
    expect((await cli('notices', 'drop', 'N99999999')).code).toBe(1);
  });
});

describe('logs', () => {
  it('the journal, one line per exchange; --filter; --json NDJSON; bad filters exit 2', async () => {
    const orderId = await newOrder();
    const all = await cli('logs', '--filter', `orderId=${orderId}`);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`partner → UCSP +SUBMIT_PAYMENT_ORDER {2}${orderId} {2}→ 00 {2}sig ok`))]);
    const records = (await cli('logs', '--filter', `orderId=${orderId},channel=api`, '--json')).stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toEqual([expect.objectContaining({ orderId, code: '00', from: 'partner', to: 'UCSP', outcome: 'ok' })]);
    const last = await cli('logs', '--limit', '2', '--json');
    expect(last.stdout.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    const bad = await cli('logs', '--filter', 'status=PAID');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"status" is not a filter');
  });

  it('--follow prints exchanges as they happen, and Ctrl-C exits 130', async () => {
    // from the journal's current end: what happens next is shown however soon the stream opens
    const { lastSeq } = json<{ journal: { lastSeq: number } }>(await cli('status', '--json')).journal;
    const child = spawn(process.execPath, [BIN, 'logs', '--follow', '--since', String(lastSeq), '--filter', 'channel=api'], { env: { ...process.env, ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    try {
      const orderId = await newOrder();
      await new Promise<void>((resolve, reject) => {
        child.stdout.setEncoding('utf8').on('data', (d: string) => {
          stdout += d;
          if (stdout.includes(orderId)) resolve();
        });
        void exited.then((code) => reject(new Error(`logs --follow exited (${code}): ${stderr}`)));
      });
      expect(stdout.trimEnd().split('\n')).toEqual([expect.stringMatching(new RegExp(`partner → UCSP +SUBMIT_PAYMENT_ORDER {2}${orderId} {2}→ 00 {2}sig ok`))]);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(130);
  });
});

describe('reset and errors', () => {
  it('reset refuses without --yes off a terminal (exit 2); with --yes it forgets everything', async () => {
    const no = await cli('reset');
    expect(no.code).toBe(2);
    expect(no.stderr).toContain('give --yes');
    const yes = await cli('reset', '--yes');
    expect(yes.code, yes.stderr).toBe(0);
    expect(json<{ orders: number; journal: { size: number } }>(await cli('status', '--json'))).toMatchObject({ orders: 0, journal: { size: 0 } });
  });

  it('reset asks on a terminal; no changes nothing (exit 130)', async () => {
    await newOrder();
    const t = new PtyCli(['reset'], { env });
    await t.expect('Forget every order, contract, notice and journal entry');
    t.type('n\r');
    expect(await t.exitCode()).toBe(130);
    expect(t.text).toContain('nothing changed');
    expect(json<{ orders: number }>(await cli('status', '--json')).orders).toBeGreaterThan(0);
  });

  it('an unreachable sandbox is exit 2 with how to start it; a missing or wrong token exit 2 with where to get one', async () => {
    const port = await freePort();
    const r = await runCli(['status'], { env: { UCSP_SANDBOX_URL: `http://127.0.0.1:${port}` } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach the sandbox at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\): is it running\? Start it with `npx ucsp-sandbox start`/);
    const bad = await runCli(['orders', '--sandbox', 'not a url']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--sandbox must be the sandbox\'s UCSP base URL');
    // reached beyond loopback (announced under another name), the control API needs its token
    const { dir, cleanup } = await tempDir('ucsp-cli-token-');
    try {
      const wide = await spawnSandbox(['--public-url', 'http://sandbox.example.test', '--keys-dir', join(dir, 'keys')], { cwd: dir });
      try {
        const ready = wide.ready as unknown as { controlToken: string; bound: { ucsp: string } };
        const without = await runCli(['status', '--sandbox', ready.bound.ucsp], { env: { UCSP_SANDBOX_TOKEN: undefined } });
        expect(without.code).toBe(2);
        expect(without.stderr).toContain('the sandbox needs its control token');
        expect(without.stderr).toContain('--token or UCSP_SANDBOX_TOKEN');
        const withToken = await runCli(['status', '--sandbox', ready.bound.ucsp, '--json'], { env: { UCSP_SANDBOX_TOKEN: ready.controlToken } });
        expect(withToken.code, withToken.stderr).toBe(0);
        expect((await runCli(['status', '--sandbox', ready.bound.ucsp, '--token', 'wrong'])).code).toBe(2);
      } finally {
        await wide.stop();
      }
    } finally {
      await cleanup();
    }
  });

  it('every command has --help with examples', async () => {
    for (const args of [['status'], ['logs'], ['trigger'], ['notices'], ['notices', 'list'], ['notices', 'send'], ['notices', 'drop'], ['notices', 'resend'], ['orders'], ['clock'], ['clock', 'advance'], ['reset']]) {
      const r = await runCli([...args, '--help']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/Examples:\n {2}\$ npx ucsp-sandbox /);
    }
  });
});
