/**
 * The control API's OpenAPI document against real answers: a sandbox runtime in this process, its
 * UCSP and channel apps on loopback, a bare backUrl for notices, the manual clock. Each call's
 * status must be one the document lists for it and its body must validate against the document's
 * schema for that status (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses) — schema drift, not only
 * path drift (src/servers/openapi/control-api.test.ts walks the routes). Also: the document and the
 * index pages as served.
 */
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Ajv2020 as Ajv2020Type } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { isUcspTime } from '../../src/schemas/patterns.js';
import { createChannelApp } from '../../src/servers/channel-app.js';
import { controlApiDocument } from '../../src/servers/openapi/control-api.js';
import { createUcspApp } from '../../src/servers/ucsp-app.js';
import { makeHarness, PARTNER, type Harness } from '../support/harness.js';
import { startMiniPartner, type MiniPartner } from '../support/mini-partner.js';
import { rawRequest } from '../support/own-sandbox.js';

const require = createRequire(import.meta.url);
type Doc = { paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: Record<string, unknown> }> }>> };

function listen(app: (req: never, res: never) => void): Promise<{ server: Server; url: string }> {
  return new Promise((resolve) => {
    const server = (app as unknown as { listen: (p: number, h: string, cb: () => void) => Server }).listen(0, '127.0.0.1', () => {
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
}

/** Checks answers against the document: ajv with the document added as a schema, answers checked by JSON pointer into it. */
function documentChecker(doc: Doc) {
  const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: typeof Ajv2020Type };
  const addFormats = require('ajv-formats') as (ajv: Ajv2020Type, list: string[]) => void;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv, ['uri']);
  ajv.addFormat('ucsp-time', { type: 'string', validate: isUcspTime });
  ajv.addSchema(doc, 'control-api');
  const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
  const checked: string[] = [];
  return {
    checked,
    /** The status is one the call lists, and the JSON body validates against its schema (a body-less status has none). */
    check(method: string, path: string, status: number, body: unknown): void {
      const call = doc.paths[path]?.[method];
      expect(call, `${method.toUpperCase()} ${path} is in the document`).toBeDefined();
      const answer = call!.responses[String(status)];
      expect(answer, `${method.toUpperCase()} ${path} answered ${status}, which the document does not list`).toBeDefined();
      const at = answer!.$ref ? `${answer!.$ref.slice(1)}` : `/${pointer('paths', path, method, 'responses', String(status))}`;
      const target = at.split('/').slice(1).reduce<Record<string, unknown>>((o, k) => o[k.replace(/~1/g, '/').replace(/~0/g, '~')] as Record<string, unknown>, doc as unknown as Record<string, unknown>);
      if (!target.content) {
        expect(body, `${method.toUpperCase()} ${path} ${status} has no body`).toBe('');
      } else {
        const validate = ajv.compile({ $ref: `control-api#${at}/content/${pointer('application/json')}/schema` });
        const ok = validate(body);
        expect(ok ? [] : validate.errors, `${method.toUpperCase()} ${path} ${status}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
      }
      checked.push(`${method.toUpperCase()} ${path} ${status}`);
    },
  };
}

let h: Harness;
let mini: MiniPartner;
let ucsp: { server: Server; url: string };
let channel: { server: Server; url: string };
let doc: Doc;
let checker: ReturnType<typeof documentChecker>;

beforeAll(async () => {
  h = makeHarness();
  mini = await startMiniPartner(h.partner);
  ucsp = await listen(createUcspApp(h.runtime));
  channel = await listen(createChannelApp(h.runtime));
  h.runtime.urls = { ucsp: ucsp.url, channel: channel.url, issuer: 'http://127.0.0.1:9' };
  doc = controlApiDocument() as Doc;
  checker = documentChecker(doc);
});
afterAll(async () => {
  for (const s of [ucsp.server, channel.server]) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  await mini.close();
  h.close();
});

/** A call of the control API, checked against the document; its JSON body. */
async function call<T = Record<string, unknown>>(method: string, path: string, o: { body?: unknown; query?: string; params?: Record<string, string>; status?: number } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const url = ucsp.url + path.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(o.params![k]!)) + (o.query ? `?${o.query}` : '');
  const res = await fetch(url, { method: method.toUpperCase(), ...(o.body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(o.body) }) });
  const text = await res.text();
  const body = text === '' ? '' : (JSON.parse(text) as unknown);
  checker.check(method, path, res.status, body);
  if (o.status !== undefined) expect(res.status, `${method} ${path}: ${text.slice(0, 300)}`).toBe(o.status);
  return { status: res.status, body: body as T, headers: res.headers };
}

const settle = () => call('post', '/control/settle', { body: { timeoutMs: 15_000 }, status: 200 });

async function submitPayment(o: Record<string, string> = {}) {
  const trx = h.orderTrx({ backUrl: mini.url, frontUrl: 'http://127.0.0.1:9/front', ...o });
  expect(h.send('SUBMIT_PAYMENT_ORDER', trx).code).toBe('00');
  return trx.orderId;
}

describe('real answers of the control API validate against its OpenAPI document', () => {
  it('reading: index, status, cards, clock, an empty journal and lists', async () => {
    await call('get', '/control', { status: 200 });
    await call('get', '/control/status', { status: 200 });
    await call('get', '/control/issuer/cards', { status: 200 });
    await call('get', '/control/clock', { status: 200 });
    await call('get', '/control/journal', { query: 'since=0&limit=5', status: 200 });
    await call('get', '/control/orders', { status: 200 });
    await call('get', '/control/contracts', { status: 200 });
    await call('get', '/control/notices/faults', { status: 200 });
    await call('get', '/control/api/faults', { status: 200 });
  });

  it('a frontend payment: login, the order with its links, a held notice released, resent, the journal', async () => {
    await call('post', '/control/login', { body: { userId: 'user-001' }, status: 200 });
    await call('post', '/control/login', { body: { tamper: 'stale' }, status: 200 });
    const orderId = await submitPayment();
    const detail = await call('get', '/control/orders/{orderId}', { params: { orderId }, status: 200 });
    expect(detail.body).toMatchObject({ kind: 'PAY', status: 'AWAITING_USER', paymentUrl: expect.stringContaining('/ucsp/cashier/') as unknown, expiresAt: expect.any(Number) as unknown });
    await call('post', '/control/notices/faults', { body: { action: 'hold', orderId }, status: 201 });
    await call('get', '/control/notices/faults', { status: 200 });
    await call('post', '/control/issuer/outcome', { body: { behaviour: 'approve', orderId }, status: 200 });
    const paid = await call<{ order: { status: string } }>('post', '/control/pay', { body: { orderId }, status: 200 });
    expect(paid.body.order.status).toBe('APPROVED');
    await settle();
    const notices = await call<{ id: string; status: string }[]>('get', '/control/notices', { query: `orderId=${orderId}`, status: 200 });
    expect(notices.body.map((n) => n.status)).toEqual(['HELD']);
    const id = notices.body[0]!.id;
    await call('post', '/control/notices/{id}/release', { params: { id }, status: 200 });
    await settle();
    const delivered = await call<{ status: string; attempts: unknown[] }>('get', '/control/notices/{id}', { params: { id }, status: 200 });
    expect(delivered.body.status).toBe('DELIVERED');
    await call('post', '/control/notices/{id}/send', { params: { id }, body: {}, status: 200 });
    await call('post', '/control/notices/{id}/send', { params: { id }, body: { tamper: 'amount' }, status: 200 });
    await call('post', '/control/notices/{id}/drop', { params: { id }, status: 409 });
    await call('post', '/control/notices/{id}/delay', { params: { id }, body: { ms: 1000 }, status: 409 });
    const journal = await call<{ entries: { channel: string; signature?: unknown }[] }>('get', '/control/journal', { query: `orderId=${orderId}`, status: 200 });
    expect(journal.body.entries.some((e) => e.channel === 'notice' && e.signature !== undefined)).toBe(true);
    await call('get', '/control/orders/{orderId}', { params: { orderId }, status: 200 });
    await call('get', '/control/notices', { status: 200 });
  });

  it('a payment the issuer fails (502), an abandoned one, a refund, a signing and its contract', async () => {
    const failing = await submitPayment();
    await call('post', '/control/issuer/outcome', { body: { behaviour: 'error' }, status: 200 });
    await call('post', '/control/pay', { body: { orderId: failing }, status: 502 });
    await call('post', '/control/abandon', { body: { orderId: failing }, status: 200 });
    await call('post', '/control/abandon', { body: { orderId: failing }, status: 409 });
    await settle();

    const paidId = await submitPayment();
    await call('post', '/control/pay', { body: { orderId: paidId }, status: 200 });
    await settle();
    const queryId = h.runtime.ledger.payment(paidId)!.queryId!;
    const refund = h.send('PAYMENT_REFUND', { orderId: h.newOrderId('RFD'), origQryId: queryId, merId: PARTNER.merId, txnAmt: '100', currencyCode: '344', txnTime: h.wireNow(), backUrl: mini.url });
    expect(['00', '05']).toContain(refund.code);
    await settle();

    const signId = h.newOrderId('SGN');
    expect(h.send('SIGN_AUTO_DEBIT', { orderId: signId, merId: PARTNER.merId, userId: 'user-001', frontUrl: 'http://127.0.0.1:9/front', backUrl: mini.url }).code).toBe('00');
    const signing = await call('get', '/control/orders/{orderId}', { params: { orderId: signId }, status: 200 });
    expect(signing.body).toMatchObject({ kind: 'SIGN', signUrl: expect.stringContaining('/ucsp/sign/') as unknown });
    await call('post', '/control/sign', { body: { orderId: signId, decision: 'agree' }, status: 200 });
    await call('post', '/control/sign', { body: { orderId: signId, decision: 'agree' }, status: 409 });
    await settle();

    const orders = await call<{ kind: string }[]>('get', '/control/orders', { status: 200 });
    expect(new Set(orders.body.map((o) => o.kind))).toEqual(new Set(['PAY', 'REFUND', 'SIGN']));
    const contracts = await call<unknown[]>('get', '/control/contracts', { status: 200 });
    expect(contracts.body).toHaveLength(1);
    // a page: X-Next-Cursor and Link when more follow
    const page = await call<unknown[]>('get', '/control/orders', { query: 'limit=1', status: 200 });
    expect(page.body).toHaveLength(1);
    expect(page.headers.get('x-next-cursor')).toMatch(/^k:/);
    expect(page.headers.get('link')).toMatch(/rel="next"/);
    await call('get', '/control/status', { status: 200 });
  });

  it('faults, forced answers, the clock, settling, reset', async () => {
    await call('post', '/control/api/answer', { body: { code: '99', msgType: 'SUBMIT_PAYMENT_ORDER' }, status: 201 });
    await call('post', '/control/api/faults', { body: { fault: 'content', msgType: 'PAYMENT_RESULT_INQUIRY', code: '00', times: 2 }, status: 201 });
    await call('get', '/control/api/faults', { status: 200 });
    await call('delete', '/control/api/faults', { status: 204 });
    await call('post', '/control/notices/faults', { body: { action: 'delay', delayMs: 60_000 }, status: 201 });
    await call('post', '/control/notices/faults', { body: { action: 'tamper', tamper: 'amount', msgType: 'PAYMENT_RESULT_NOTICE' }, status: 201 });
    const hold = await call<{ holder: string }>('post', '/control/clock/hold', { body: { ttlMs: 60_000 }, status: 200 });
    await call('post', '/control/clock/hold', { body: {}, status: 409 });
    await call('get', '/control/clock', { status: 200 });
    await call('post', '/control/clock/advance', { body: { ms: 1000 }, status: 200 });
    await call('post', '/control/clock/release', { body: { holder: hold.body.holder }, status: 200 });
    await call('post', '/control/clock/release', { body: { holder: hold.body.holder }, status: 404 });
    await settle();
    await call('post', '/control/reset', { status: 204 });
    await call('get', '/control/status', { status: 200 });
  });

  it('refusals: 400, 404, 413, 415 (and 401, 403 from the doors) are {"error": …} as documented', async () => {
    await call('get', '/control/orders/{orderId}', { params: { orderId: 'NOSUCHORDER1' }, status: 404 });
    await call('get', '/control/notices/{id}', { params: { id: 'N99999999' }, status: 404 });
    await call('post', '/control/pay', { body: {}, status: 400 });
    await call('post', '/control/clock/advance', { body: { ms: -1 }, status: 400 });
    await call('get', '/control/journal', { query: 'waitMs=600000', status: 400 });
    await call('get', '/control/orders', { query: 'limit=0', status: 400 });
    const big = await fetch(`${ucsp.url}/control/clock/advance`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: 1, pad: 'x'.repeat(20_000) }) });
    checker.check('post', '/control/clock/advance', big.status, await big.json());
    expect(big.status).toBe(413);
    const plain = await fetch(`${ucsp.url}/control/reset`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    checker.check('post', '/control/reset', plain.status, await plain.json());
    expect(plain.status).toBe(415);
    const foreign = await rawRequest(`${ucsp.url}/control/status`, { headers: { host: 'evil.example' } });
    checker.check('get', '/control/status', foreign.status, JSON.parse(foreign.body));
    expect(foreign.status).toBe(403);

    const t = makeHarness({ controlToken: 'a-control-token-for-this-test-0123' });
    const locked = await listen(createUcspApp(t.runtime));
    try {
      const res = await fetch(`${locked.url}/control/openapi.json`);
      checker.check('get', '/control/openapi.json', res.status, await res.json());
      expect(res.status).toBe(401);
      expect((await fetch(`${locked.url}/control/openapi.json`, { headers: { authorization: 'Bearer a-control-token-for-this-test-0123' } })).status).toBe(200);
    } finally {
      locked.server.closeAllConnections();
      await new Promise((r) => locked.server.close(r));
      t.close();
    }
  });

  it('checked calls of every tag, and every error status', () => {
    const statuses = new Set(checker.checked.map((c) => c.split(' ')[2]));
    for (const s of ['200', '201', '204', '400', '401', '403', '404', '409', '413', '415', '502']) expect(statuses, s).toContain(s);
    expect(new Set(checker.checked.map((c) => c.split(' ').slice(0, 2).join(' '))).size).toBeGreaterThanOrEqual(28);
  });
});

describe('the document and the index pages, as served', () => {
  it('GET /control/openapi.json and .yaml: the document, naming this sandbox', async () => {
    const json = await fetch(`${ucsp.url}/control/openapi.json`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const served = (await json.json()) as { servers: { url: string }[] };
    expect(served).toEqual(controlApiDocument(ucsp.url));
    expect(served.servers[0]!.url).toBe(ucsp.url);
    const yaml = await fetch(`${ucsp.url}/control/openapi.yaml`);
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(parseYaml(await yaml.text())).toEqual(served);
  });

  it('GET /control: JSON for scripts, a page with links for a browser', async () => {
    const index = (await (await fetch(`${ucsp.url}/control`)).json()) as { openapi: string; calls: { method: string; path: string }[] };
    expect(index.openapi).toBe(`${ucsp.url}/control/openapi.json`);
    expect(index.calls).toContainEqual(expect.objectContaining({ method: 'GET', path: '/control/journal' }));
    expect((await fetch(`${ucsp.url}/control/`)).status).toBe(200);
    const page = await fetch(`${ucsp.url}/control`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('vary')).toMatch(/Accept/i);
    const html = await page.text();
    expect(html).toContain(`href="${ucsp.url}/control/openapi.json"`);
    expect(html).toContain(`href="${ucsp.url}/control/status"`);
  });

  it("UCSP's / keeps its fields and links the document; the channel app's / is a page with its links", async () => {
    const home = (await (await fetch(`${ucsp.url}/`)).json()) as Record<string, string>;
    expect(home).toMatchObject({ service: 'ucsp-sandbox mock UCSP', api: `${ucsp.url}/ucsp/api`, control: `${ucsp.url}/control/status`, openapi: `${ucsp.url}/control/openapi.json` });
    expect(home.authorize).toContain('/ucsp/authorize?industryCode=');
    const res = await fetch(`${channel.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('href="/channel/users"');
    expect(html).toContain('href="/channel/open?userId=user-001"');
    expect(html).toContain(`href="${ucsp.url}/control"`);
  });
});
