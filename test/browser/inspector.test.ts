/**
 * The inspector and the cashier, channel and signing pages in a real browser (headless Chromium):
 * the example partner and the real sandbox CLI over loopback, a user clicking through the pages,
 * and someone watching and acting in the inspector. Every wait is on DOM state or an event, never
 * a sleep. Screenshots of each page go to test-artifacts/screenshots/.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrSkip, launchChromium, SCREENSHOTS, type Browser } from '../support/chromium.js';
import { startPartnerWorld, type PartnerWorld } from '../support/partner-world.js';
import { spawnSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

const chromiumPath = chromiumOrSkip();

const DECLINING_CARD = '6212345600000020';

describe.skipIf(!chromiumPath)('the inspector and the pages in headless Chromium', () => {
  let w: PartnerWorld;
  let b: Browser;
  let inspector: Page;

  beforeAll(async () => {
    [w, b] = await Promise.all([startPartnerWorld(), launchChromium(chromiumPath!)]);
    inspector = await b.newPage();
  });
  afterAll(async () => {
    await b?.close();
    await w?.close();
  });

  /** The inspector at a tab, once its event stream is live. */
  async function openInspector(page: Page, hash = ''): Promise<void> {
    await page.goto(`${w.U}/inspector/${hash}`);
    await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    await page.locator('body[data-ready="1"]').waitFor();
  }

  const row = (page: Page, id: string) => page.locator(`[data-testid="row-${id}"]`);
  const statusOf = (page: Page, id: string, status: string) => row(page, id).locator('[data-testid="status"]', { hasText: status });

  it('UCSP / gives a browser a page linking the inspector, and scripts the same JSON as before', async () => {
    const json = (await (await fetch(`${w.U}/`)).json()) as Record<string, string>;
    expect(Object.keys(json)).toEqual(['service', 'api', 'authorize', 'control', 'controlApi', 'openapi', 'inspector']);
    const page = await b.newPage();
    await page.goto(`${w.U}/`);
    await b.shot(page, '01-ucsp-home');
    await page.locator('[data-testid="inspector-link"]').click();
    await page.locator('[data-testid="live"][data-state="live"]').waitFor();
    expect(page.url()).toBe(`${w.U}/inspector/`);
    // first paint, measured by the browser: reported, never judged (timing is not a verdict)
    const paint = JSON.parse(await page.evaluate<string>(`JSON.stringify(performance.getEntriesByType('paint').map((p) => ({ name: p.name, startTime: p.startTime })))`)) as { name: string; startTime: number }[];
    await writeFile(join(SCREENSHOTS, 'inspector-first-paint.json'), `${JSON.stringify(paint)}\n`);
    expect(paint.some((p) => p.name === 'first-contentful-paint')).toBe(true);
    await page.close();
  });

  it('a payment from paymentUrl to frontUrl: the inspector shows it APPROVED without a reload, its diagram, and re-sends its notice', async () => {
    await openInspector(inspector);
    await inspector.evaluate('window.noReload = 1');

    const sub = await w.driver('submitPaymentOrder', { txnAmt: '1234', currencyCode: '344', userId: 'user-001' });
    const { orderId, paymentUrl } = sub.body.result!;
    expect(paymentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/ucsp\/cashier\//);
    // the new order appears, live
    await statusOf(inspector, orderId!, 'AWAITING_USER').waitFor();

    // the user: cashier → channel app → Confirm → the partner's frontUrl
    const user = await b.newPage();
    await user.goto(paymentUrl!);
    await user.locator('[data-testid="amount"]', { hasText: 'HKD 12.34' }).waitFor();
    await b.shot(user, '02-cashier');
    await Promise.all([user.waitForURL(/\/channel\/pay\?/), user.locator('[data-testid="pay"]').click()]);
    await b.shot(user, '03-channel-pay');
    await Promise.all([user.waitForURL(`${w.partnerUrl}/ucsp/return?**`), user.locator('[data-testid="confirm"]').click()]);
    expect(user.url()).toBe(`${w.partnerUrl}/ucsp/return?orderId=${orderId}`);
    await b.shot(user, '04-front-url');
    await user.close();

    // the notice (the manual clock runs what is due); the partner marks it PAID on the notice
    await w.settle();
    expect((await w.order(orderId!)).status).toBe('PAID');
    await statusOf(inspector, orderId!, 'APPROVED').waitFor();
    expect(await inspector.evaluate('window.noReload')).toBe(1);
    await b.shot(inspector, '05-inspector-payments', { fullPage: false });
    // printed, the list is a plain table of the rows the filter shows
    await inspector.emulateMedia({ media: 'print' });
    await inspector.locator('table.print-only td', { hasText: orderId! }).waitFor();
    await b.shot(inspector, '05-inspector-payments-print');
    await inspector.emulateMedia({ media: 'screen' });

    // its sequence diagram: every message about it, each arrow opening the message
    await row(inspector, orderId!).click();
    await inspector.locator('[data-testid="order-status"]', { hasText: 'APPROVED' }).waitFor();
    const diagram = inspector.locator('[data-testid="diagram"]');
    const request = diagram.locator('[data-msgtype="SUBMIT_PAYMENT_ORDER"][data-direction="in"]');
    await request.waitFor();
    await request.click();
    await inspector.locator('[data-testid="entry-signature"]', { hasText: 'Signature valid' }).waitFor();
    expect(await inspector.locator('[data-testid="entry-raw"]').textContent()).toContain('"msgType":"SUBMIT_PAYMENT_ORDER"');
    const notice = diagram.locator('[data-msgtype="PAYMENT_RESULT_NOTICE"][data-direction="out"]');
    await notice.first().waitFor();
    const answer = diagram.locator('[data-msgtype="PAYMENT_RESULT_NOTICE"][data-direction="in"]');
    await answer.first().click();
    await inspector.locator('[data-testid="entry-code"]', { hasText: '00' }).waitFor();
    await inspector.locator('[data-testid="entry-signature"]', { hasText: 'Signature valid' }).waitFor();
    for (const lane of ['Partner', 'UCSP', 'Channel app', 'Issuer', 'Browser']) expect(await diagram.locator('.lane-title', { hasText: lane }).count()).toBe(1);
    // the user's payment is on the browser → channel app lane
    expect(await diagram.locator('[data-channel="cashier"]').count()).toBe(1);
    await b.shot(inspector, '06-inspector-order');

    // re-send its notice from the inspector: the partner gets the same bytes and answers 00 again
    const notices = await w.control<{ id: string }[]>(`/notices?orderId=${orderId}`);
    const id = notices.json[0]!.id;
    await inspector.locator(`[data-testid="notice-${id}"] [data-testid="resend"]`).click();
    await inspector.locator('[data-testid="result"]', { hasText: `re-send ${id}` }).locator('.http', { hasText: 'HTTP 200' }).waitFor();
    await answer.nth(1).waitFor();
    expect(await notice.count()).toBe(2);
    const after = await w.control<{ attempts: { kind: string; responseCode: string }[] }>(`/notices/${id}`);
    expect(after.json.attempts.map((a) => [a.kind, a.responseCode])).toEqual([
      ['scheduled', '00'],
      ['extra', '00'],
    ]);
    await b.shot(inspector, '07-inspector-resent');
    // the window a reader of the README sees (docs/inspector.png): the diagram, the re-sent notice's answer open
    await answer.nth(1).click();
    await inspector.locator('[data-testid="entry-pane"] h3', { hasText: 'answer 00' }).waitFor();
    await inspector.evaluate(`window.scrollTo(0, document.querySelector('.split').getBoundingClientRect().top + window.scrollY - 190)`);
    await inspector.screenshot({ path: join(SCREENSHOTS, 'readme-inspector.png'), clip: { x: 0, y: 0, width: 1366, height: 540 } });
    await inspector.emulateMedia({ media: 'print' });
    await b.shot(inspector, '08-inspector-order-print');
    await inspector.emulateMedia({ media: 'screen' });
  });

  it('a signing agreed on the signing page: SIGNED in the inspector, its contract ACTIVE', async () => {
    await openInspector(inspector, '#signings');
    const s = await w.driver('signAutoDebit', { userId: 'user-003' });
    const { orderId, signUrl } = s.body.result!;
    await statusOf(inspector, orderId!, 'AWAITING_USER').waitFor();
    const user = await b.newPage();
    await user.goto(signUrl!);
    expect(user.url()).toMatch(/\/channel\/sign\//);
    await user.locator('[data-testid="contract"]').waitFor();
    await b.shot(user, '09-signing-page');
    await Promise.all([user.waitForURL(`${w.partnerUrl}/**`), user.locator('[data-testid="agree"]').click()]);
    await b.shot(user, '10-signing-front-url');
    await user.close();
    await w.settle();
    await statusOf(inspector, orderId!, 'SIGNED').waitFor();
    const contracts = await w.control<{ contractId: string; signOrderId: string }[]>('/contracts');
    const c = contracts.json.find((x) => x.signOrderId === orderId)!;
    await inspector.locator('[data-testid="tab-contracts"]').click();
    await statusOf(inspector, c.contractId, 'ACTIVE').waitFor();
    await b.shot(inspector, '11-inspector-contracts', { fullPage: false });
    // the user's decision is in the order's diagram, on the browser → channel app lane
    await row(inspector, c.contractId).click();
    await inspector.locator('[data-testid="diagram"] [data-channel="signing"]').click();
    expect(await inspector.locator('[data-testid="entry-raw"]').textContent()).toContain('"decision":"agree"');
  });

  it('a refund appears in Refunds & cancellations, live, and in its payment\'s diagram', async () => {
    await openInspector(inspector, '#refunds');
    const { orderId } = (await w.driver('submitPaymentOrder', { txnAmt: '2000', currencyCode: '344', userId: 'user-002' })).body.result!;
    expect((await w.control('/pay', { orderId })).status).toBe(200);
    await w.settle();
    const refund = (await w.driver('refundPayment', { orderId, txnAmt: '500' })).body.result!;
    await w.settle();
    await statusOf(inspector, refund.orderId!, 'APPROVED').waitFor();
    expect(await row(inspector, refund.orderId!).textContent()).toContain(orderId);
    await b.shot(inspector, '12-inspector-refunds', { fullPage: false });
    // the payment's diagram holds the refund's messages too
    await inspector.goto(`${w.U}/inspector/#order/${orderId}`);
    await inspector.locator('[data-testid="order-status"]').waitFor();
    await inspector.locator('[data-testid="diagram"] [data-msgtype="PAYMENT_REFUND"][data-direction="in"]').waitFor();
    await inspector.locator('a', { hasText: refund.orderId! }).waitFor();
  });

  it('acts from the inspector and shows each result: decline, abandon, refuse, force an answer, a notice fault, the clock, reset', async () => {
    // pay with the declining test card
    const a = (await w.driver('submitPaymentOrder', { txnAmt: '500', currencyCode: '344', userId: 'user-001' })).body.result!;
    await openInspector(inspector, `#order/${a.orderId}`);
    await inspector.locator('[data-testid="order-status"]', { hasText: 'AWAITING_USER' }).waitFor();
    await inspector.locator('[data-testid="card"]').selectOption(DECLINING_CARD);
    await inspector.locator('[data-testid="pay"]').click();
    await inspector.locator('[data-testid="order-status"]', { hasText: 'DECLINED' }).waitFor();
    await inspector.locator('[data-testid="result"]', { hasText: `pay ${a.orderId}` }).locator('.http', { hasText: 'HTTP 200' }).waitFor();
    await w.settle();
    expect((await w.order(a.orderId!)).status).toBe('FAILED');

    // abandon
    const b2 = (await w.driver('submitPaymentOrder', { txnAmt: '600', currencyCode: '344', userId: 'user-002' })).body.result!;
    await inspector.goto(`${w.U}/inspector/#order/${b2.orderId}`);
    await inspector.locator('[data-testid="abandon"]').click();
    await inspector.locator('[data-testid="order-status"]', { hasText: 'DECLINED' }).waitFor();
    await inspector.locator('[data-testid="diagram"] [data-channel="cashier"]').waitFor();

    // refuse a signing
    const sg = (await w.driver('signAutoDebit', { userId: 'user-001' })).body.result!;
    await inspector.goto(`${w.U}/inspector/#order/${sg.orderId}`);
    await inspector.locator('[data-testid="refuse"]').click();
    await inspector.locator('[data-testid="order-status"]', { hasText: 'REFUSED' }).waitFor();

    // an action the sandbox refuses shows its reason
    await inspector.locator('[data-testid="advance-ms"]').fill('99999999999999');
    await inspector.locator('[data-testid="clock-form"] button[type="submit"]').click();
    await inspector.locator('[data-testid="result-error"]', { hasText: 'ms must be a number of milliseconds' }).waitFor();

    // force the next answer to SUBMIT_PAYMENT_ORDER: the partner gets 99
    await inspector.locator('[data-testid="answer-form"] select[name="code"]').selectOption('99');
    await inspector.locator('[data-testid="answer-form"] select[name="msgType"]').selectOption('SUBMIT_PAYMENT_ORDER');
    await inspector.locator('[data-testid="answer-form"] button[type="submit"]').click();
    await inspector.locator('[data-testid="result"]', { hasText: 'force the next answer 99' }).locator('.http', { hasText: 'HTTP 201' }).waitFor();
    const forced = await w.driver('submitPaymentOrder', { txnAmt: '700', currencyCode: '344', userId: 'user-001' });
    expect(JSON.stringify(forced.body)).toContain('99');

    // a fault for the next notice, and the clock
    await inspector.locator('[data-testid="notice-fault-form"]').last().locator('select[name="action"]').selectOption('hold');
    await inspector.locator('[data-testid="notice-fault-form"]').last().locator('button[type="submit"]').click();
    await inspector.locator('[data-testid="result"]', { hasText: 'next notice: hold' }).locator('.http', { hasText: 'HTTP 201' }).waitFor();
    expect((await w.control<{ action: string }[]>('/notices/faults')).json.map((f) => f.action)).toContain('hold');
    const before = (await w.control<{ now: number }>('/clock')).json.now;
    await inspector.locator('[data-testid="advance-900000"]').click();
    await inspector.locator('[data-testid="result"]', { hasText: 'advance the clock +15 min' }).locator('.http', { hasText: 'HTTP 200' }).waitFor();
    expect((await w.control<{ now: number }>('/clock')).json.now).toBe(before + 900_000);
    await b.shot(inspector, '13-inspector-actions');

    // reset: every list empties, live
    await inspector.locator('[data-testid="tab-payments"]').click();
    inspector.once('dialog', (d) => void d.accept());
    await inspector.locator('[data-testid="reset"]').click();
    await inspector.locator('[data-testid="count"]', { hasText: '0 of 0' }).waitFor();
    expect((await w.control<unknown[]>('/orders')).json).toEqual([]);
  });

  it('hostile bodies in the journal are shown as text, never run', async () => {
    await openInspector(inspector, '#messages');
    const hostile = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>';
    await fetch(`${w.U}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: hostile });
    await fetch(`${w.U}/ucsp/api`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ msgInfo: { msgType: '<b onmouseover=alert(1)>x</b>', orderId: '<svg onload=alert(2)>' } }) });
    // newest first: the JSON one, then the text/plain one
    const lines = inspector.locator('[data-testid="msg-list"] .msg-line').filter({ hasText: 'Partner → UCSP' }).filter({ hasText: 'UNKNOWN' });
    await lines.nth(1).waitFor();
    await lines.nth(1).click();
    await inspector.locator('[data-testid="entry-raw"]', { hasText: '<script>window.pwned=2</script>' }).waitFor();
    await lines.nth(0).click();
    await inspector.locator('[data-testid="entry-raw"]', { hasText: '<svg onload=alert(2)>' }).waitFor();
    expect(await inspector.evaluate('window.pwned')).toBeUndefined();
    expect(await inspector.locator('[data-testid="entry-pane"] img, [data-testid="entry-pane"] script, [data-testid="msg-list"] img, [data-testid="msg-list"] svg').count()).toBe(0);
    await b.shot(inspector, '14-inspector-messages', { fullPage: false });
  });
});

describe.skipIf(!chromiumPath)('the inspector behind a control token', () => {
  it('asks for the token once, sends it as Authorization, never in a URL', async () => {
    const { dir, cleanup } = await tempDir('ucsp-token-');
    const token = 'inspector-test-token-0123456789';
    const config = join(dir, 'ucsp-sandbox.config.json');
    await writeFile(config, JSON.stringify({ controlToken: token }));
    const sandbox = await spawnSandbox(['--time-scale', '0', '--config', config], { cwd: dir });
    const b = await launchChromium(chromiumPath!);
    try {
      const page = await b.newPage();
      const urls: string[] = [];
      const auths: (string | undefined)[] = [];
      page.on('request', (r) => {
        urls.push(r.url());
        if (new URL(r.url()).pathname.startsWith('/control/')) auths.push(r.headers().authorization);
      });
      await page.goto(`${sandbox.ready.ucsp}/inspector/`);
      await page.locator('[data-testid="token-form"]').waitFor();
      await b.shot(page, '15-inspector-token', { fullPage: false });
      await page.locator('[data-testid="token-input"]').fill('wrong');
      await page.locator('[data-testid="token-form"] button').click();
      await page.locator('[data-testid="token-form"]', { hasText: 'was refused' }).waitFor();
      await page.locator('[data-testid="token-input"]').fill(token);
      await page.locator('[data-testid="token-form"] button').click();
      await page.locator('[data-testid="live"][data-state="live"]').waitFor();
      await page.locator('[data-testid="count"]', { hasText: '0 of 0' }).waitFor();
      expect(urls.filter((u) => u.includes(token))).toEqual([]);
      expect(auths).toContain(`Bearer ${token}`);
      expect(await page.evaluate('document.cookie')).toBe('');
      // a reload in the same tab keeps it (sessionStorage); the page itself needs no token
      await page.reload();
      await page.locator('[data-testid="live"][data-state="live"]').waitFor();
      expect((await fetch(`${sandbox.ready.ucsp}/inspector/`)).status).toBe(200);
      expect((await fetch(`${sandbox.ready.ucsp}/control/status`)).status).toBe(401);
    } finally {
      await b.close();
      await sandbox.stop();
      await cleanup();
    }
  });
});

describe.skipIf(!chromiumPath)('the inspector of a sandbox shared by several partners', () => {
  it('with the admin token lists the partners to choose from; every call of the chosen page names its partner', async () => {
    const { dir, cleanup } = await tempDir('ucsp-partners-inspector-');
    const admin = 'inspector-admin-token-0123456789';
    const config = join(dir, 'ucsp-sandbox.config.json');
    await writeFile(
      config,
      JSON.stringify({
        controlToken: admin,
        partners: [
          { insID: '12345678', merId: '123456789012345', industryCode: 'PARKING01', token: 'inspector-partner-a-000001' },
          { insID: '87654321', merId: 'MERCHANTB000001', industryCode: 'TRANSIT01', token: 'inspector-partner-b-000002' },
        ],
      }),
    );
    const sandbox = await spawnSandbox(['--time-scale', '0', '--config', config], { cwd: dir });
    const b = await launchChromium(chromiumPath!);
    try {
      const page = await b.newPage();
      const partnerHeaders: (string | undefined)[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname.startsWith('/control/')) partnerHeaders.push(r.headers()['x-ucsp-partner']);
      });
      await page.goto(`${sandbox.ready.ucsp}/inspector/`);
      await page.locator('[data-testid="token-form"]').waitFor();
      await page.locator('[data-testid="token-input"]').fill(admin);
      await page.locator('[data-testid="token-form"] button').click();
      // the admin names no partner: the page offers both
      const links = page.locator('[data-testid="partners"] a');
      await links.first().waitFor();
      expect(await links.allTextContents()).toEqual(['12345678', '87654321']);
      await b.shot(page, '16-inspector-partners', { fullPage: false });
      // choosing one: the page's ?partner= goes with every control call
      await Promise.all([page.waitForURL(/\/inspector\/\?partner=87654321$/), links.nth(1).click()]);
      await page.locator('[data-testid="live"][data-state="live"]').waitFor();
      await page.locator('[data-testid="count"]', { hasText: '0 of 0' }).waitFor();
      expect(partnerHeaders.at(-1)).toBe('87654321');
      await page.locator('.brand', { hasText: 'partner 87654321' }).waitFor();
    } finally {
      await b.close();
      await sandbox.stop();
      await cleanup();
    }
  });
});
