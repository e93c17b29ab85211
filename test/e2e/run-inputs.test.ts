/**
 * The real CLI: what `run` reads besides the wire (the expected-failures file, scenario files) is
 * validated at load, before any sandbox starts or the partner is contacted: exit 2 with every problem.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/tmp.js';

let dir: string;
let cleanup: () => Promise<void>;
/** Stands where the partner would be: every request it gets is a request the runner should not have made yet. */
let partner: Server;
let partnerUrl: string;
const partnerRequests: string[] = [];

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('ucsp-inputs-'));
  partner = createServer((req, res) => {
    partnerRequests.push(`${req.method ?? '?'} ${req.url ?? '?'}`);
    res.statusCode = 500;
    res.end();
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
  partnerUrl = `http://127.0.0.1:${(partner.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => partner.close(() => resolve()));
  await cleanup();
});

const run = (...args: string[]) => runCli(['run', '--driver-url', `${partnerUrl}/driver`, '--index-url', `${partnerUrl}/ucsp/login`, '--port', '0', ...args], { cwd: dir });

describe('--expected-failures', () => {
  it('an entry naming no check of the loaded scenarios exits 2 at load, with the nearest names; a valid entry outside the filter is no error', async () => {
    await writeFile(
      join(dir, 'known.yaml'),
      [
        '- check: frontend-payment/happy-path#notice-answered-00', // valid, though not selected by the filter
        '  reason: fine',
        '- check: frontend-payment/happy-path#order-paid', // shortened
        '- check: login/valid-handof#session-opened', // typo in the scenario
        '- check: frontend-payment/happy-path#notice-answered-00', // twice
        '',
      ].join('\n'),
    );
    const r = await run('--expected-failures', 'known.yaml', '--filter', 'login/stale');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('expected failures that name no check of the loaded scenarios (3 of 4 entries)');
    expect(r.stderr).toContain('entry 2 (frontend-payment/happy-path#order-paid): frontend-payment/happy-path has no check order-paid; did you mean frontend-payment/happy-path#order-paid-after-notice?');
    expect(r.stderr).toContain('entry 3 (login/valid-handof#session-opened): no scenario login/valid-handof; the checks of login/valid-handoff: ');
    expect(r.stderr).toContain('entry 4 (frontend-payment/happy-path#notice-answered-00): listed twice (also entry 1)');
    expect(r.stderr).not.toContain('entry 1 ');
    expect(r.stdout).toBe('');
    expect(partnerRequests).toEqual([]);
  });

  it('an entry with an unknown key exits 2', async () => {
    await writeFile(join(dir, 'typo.yaml'), '- check: frontend-payment/happy-path#notice-answered-00\n  reasn: typo\n');
    const r = await run('--expected-failures', 'typo.yaml');
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('entry 1: unknown key reasn (an entry has check and reason)');
    expect(partnerRequests).toEqual([]);
  });
});

describe('--scenarios', () => {
  it('a status that is not one of the allowed values exits 2 at load, naming the file, the path, the value and the allowed values', async () => {
    const folder = join(dir, 'mine', 'frontend-payment');
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, 'x.yaml'),
      `id: frontend-payment/x
title: a typo in a status
capability: frontend-payment
refs: ["PROFILE §7"]
steps:
  - drive: submitPaymentOrder
    with: { txnAmt: "1234", currencyCode: "344", userId: user-001 }
    as: order
  - user: pay
    with: { orderId: "\${order.orderId}" }
  - world: advance
    with: { ms: 1000 }
  - check: paid
    title: paid
    ref: PROFILE §7
    hint: mark it paid
    expect: { orderStatus: { orderId: "\${order.orderId}", is: CREATD } }
  - check: answered
    title: answered
    ref: PROFILE §6.3
    hint: answer it
    expect: { noticeAnswer: { orderId: "\${order.orderId}", code: 00 } }
`,
    );
    const r = await run('--scenarios', join(dir, 'mine'));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('frontend-payment/x.yaml: /steps/3/expect/orderStatus/is: "CREATD" is not one of CREATED, PAID, FAILED, CANCELLED, PARTIALLY_REFUNDED, REFUNDED, PENDING, SUCCEEDED or a ${name.field} reference');
    // YAML reads 00 as the number 0
    expect(r.stderr).toMatch(/frontend-payment\/x\.yaml: \/steps\/4\/expect\/noticeAnswer\/code: 0 is not one of 00, .*\(write it in quotes: "00"\)/);
    expect(partnerRequests).toEqual([]);
  });
});
