/**
 * Issue 10 rows 5, 8, 13 and 14, reproduced over HTTP on loopback: who may reach what (README,
 * "Safety defaults"; src/servers/doors.ts). Requests are sent with node:http so that Host, Origin
 * and Sec-Fetch-Site can be what a browser on another site — or DNS rebinding — would send.
 *
 * "Beyond loopback" is reached here without binding beyond it: a sandbox announced under a name
 * that is not loopback (publicUrl, as behind a port forward or a proxy) is reached beyond loopback
 * and gets the same doors as one bound to 0.0.0.0 (the rule is unit-tested in public-urls.test.ts).
 * Requests then carry that name as Host while going to the loopback address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatUcspTime } from '../../src/protocol/time.js';
import { ownSandbox, rawRequest, type OwnSandbox } from '../support/own-sandbox.js';

const TEXT = { 'content-type': 'text/plain' };
const JSON_TYPE = { 'content-type': 'application/json' };

async function paymentOrder(own: OwnSandbox, frontUrl?: string) {
  const now = formatUcspTime(Date.now(), own.config.zone);
  const { merId, acqIIN } = own.config.partner;
  const orderId = own.orderId();
  const a = await own.wire('SUBMIT_PAYMENT_ORDER', {
    orderId,
    merId,
    acqIIN,
    txnAmt: '1234',
    currencyCode: '344',
    txnTime: now,
    userId: 'user-001',
    backUrl: 'http://127.0.0.1:9/notify',
    ...(frontUrl ? { frontUrl } : {}),
  });
  expect(a.code).toBe('00');
  return { orderId, tn: a.trxInfo.tn!, paymentUrl: a.trxInfo.paymentUrl! };
}

async function signingRequest(own: OwnSandbox) {
  const orderId = own.orderId('SGN');
  const a = await own.wire('SIGN_AUTO_DEBIT', { orderId, merId: own.config.partner.merId, userId: 'user-001', frontUrl: 'http://127.0.0.1:9/front', backUrl: 'http://127.0.0.1:9/notify' });
  expect(a.code).toBe('00');
  return { orderId, signUrl: a.trxInfo.signUrl! };
}

describe('on loopback (no token)', () => {
  let own: OwnSandbox;
  let ucsp: string;
  let channel: string;
  beforeAll(async () => {
    own = await ownSandbox();
    ucsp = own.sandbox.localUrls.ucsp;
    channel = own.sandbox.localUrls.channel;
  });
  afterAll(() => own.close());

  const journalSize = async () => ((await (await fetch(`${ucsp}/control/status`)).json()) as { journal: { size: number } }).journal.size;

  // row 8: POST /control/reset with Origin: http://evil.example, text/plain → 204 wiped the sandbox
  it('a cross-site POST to the control API changes nothing: text/plain, a foreign Origin, Sec-Fetch-Site, a foreign Host', async () => {
    await fetch(`${ucsp}/ucsp/api`, { method: 'POST', body: 'not json' }); // two journal entries
    const before = await journalSize();
    expect(before).toBeGreaterThan(0);
    const attacks: [string, Record<string, string>, string, number][] = [
      ['the simple request of a page of another site', { ...TEXT, origin: 'http://evil.example' }, '', 403],
      ['text/plain without Origin (an old browser)', TEXT, '', 415],
      ['a form', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', 415],
      ['JSON with a foreign Origin', { ...JSON_TYPE, origin: 'http://evil.example' }, '{}', 403],
      ['Origin null (a sandboxed frame)', { ...JSON_TYPE, origin: 'null' }, '{}', 403],
      ['Sec-Fetch-Site: cross-site', { ...JSON_TYPE, 'sec-fetch-site': 'cross-site' }, '{}', 403],
      ['Sec-Fetch-Site: same-site (another port of the host)', { ...JSON_TYPE, 'sec-fetch-site': 'same-site' }, '{}', 403],
      ['DNS rebinding: the attacker’s name as Host', { ...JSON_TYPE, host: `evil.example:${new URL(ucsp).port}` }, '{}', 403],
      ['a Host that is no host name', { ...JSON_TYPE, host: '127.0.0.1@evil.example' }, '{}', 403],
    ];
    for (const [what, headers, body, status] of attacks) {
      const res = await rawRequest(`${ucsp}/control/reset`, { method: 'POST', headers, body });
      expect(res.status, what).toBe(status);
      expect(JSON.parse(res.body), what).toHaveProperty('error');
    }
    expect(await journalSize()).toBe(before);
    // reading through a rebound name is refused too
    expect((await rawRequest(`${ucsp}/control/journal`, { headers: { host: 'evil.example' } })).status).toBe(403);
  });

  it('the sandbox’s own origin, and clients that are no browser, still change state', async () => {
    const own1 = await rawRequest(`${ucsp}/control/issuer/outcome`, { method: 'POST', headers: { ...JSON_TYPE, origin: ucsp, 'sec-fetch-site': 'same-origin' }, body: '{"behaviour":"approve"}' });
    expect(own1.status).toBe(200);
    expect((await rawRequest(`${ucsp}/control/issuer/outcome`, { method: 'POST', headers: { ...JSON_TYPE, host: `localhost:${new URL(ucsp).port}` }, body: '{"behaviour":"approve"}' })).status).toBe(200);
    // curl -XPOST with no body and no type
    expect((await rawRequest(`${ucsp}/control/reset`, { method: 'POST' })).status).toBe(204);
    expect(await journalSize()).toBe(0);
  });

  // row 14: the control API kept the last of duplicate keys; the wire API refuses them
  it('control bodies are read strictly: duplicate keys, trailing data, non-objects are 400 and change nothing', async () => {
    const post = (body: string) => rawRequest(`${ucsp}/control/issuer/outcome`, { method: 'POST', headers: JSON_TYPE, body });
    const dup = await post('{"behaviour":"approve","behaviour":"decline"}');
    expect(dup.status).toBe(400);
    expect(JSON.parse(dup.body).error).toMatch(/^body is not valid JSON: duplicate key "behaviour"/);
    expect((await post('{"behaviour":"decline"} {}')).status).toBe(400);
    expect((await post('["behaviour"]')).status).toBe(400);
    expect((await post('{"__proto__":{"x":1}}')).status).toBe(400);
    // null is no value for an optional text (the document says string): 400, not "absent"
    const nul = await post('{"behaviour":"decline","orderId":null}');
    expect(nul.status).toBe(400);
    expect(JSON.parse(nul.body).error).toMatch(/orderId must be a non-empty string.*null is not one/);
    expect((await rawRequest(`${ucsp}/control/issuer/outcome`, { method: 'POST', headers: { 'content-type': 'application/json; charset=latin1' }, body: '{"behaviour":"decline"}' })).status).toBe(415);
    // nothing was set: the next payment is approved (the default card)
    const o = await paymentOrder(own);
    const paid = await rawRequest(`${ucsp}/control/pay`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ orderId: o.orderId }) });
    expect(JSON.parse(paid.body).behaviour).toBe('approve');
  });

  // row 5: the channel app paid any tn; tn is time + counter, found in 2 GETs
  it('the pages that pay and cancel open only with the key of paymentUrl, never with the tn alone', async () => {
    const o = await paymentOrder(own);
    const key = o.paymentUrl.split('/').pop()!;
    expect(o.paymentUrl).toBe(`${ucsp}/ucsp/cashier/${o.tn}/${key}`);
    expect(key).toMatch(/^[A-Za-z0-9_-]{22}$/); // 132 bits
    const wrongKey = `${key.slice(0, 21)}${key.endsWith('A') ? 'B' : 'A'}`;
    expect((await rawRequest(`${ucsp}/ucsp/cashier/${o.tn}`)).status).toBe(404);
    expect((await rawRequest(`${ucsp}/ucsp/cashier/${o.tn}/${wrongKey}`)).status).toBe(404);
    expect((await rawRequest(`${ucsp}/ucsp/result/${o.tn}/${wrongKey}`)).status).toBe(404);
    expect((await rawRequest(`${channel}/channel/pay?tn=${o.tn}`)).status).toBe(404);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const card = '6212345600000012';
    for (const body of [`tn=${o.tn}&card=${card}`, `tn=${o.tn}&key=${wrongKey}&card=${card}`, `tn=${o.tn}&key=${key}&key=${key}&card=${card}`]) {
      expect((await rawRequest(`${channel}/channel/pay/confirm`, { method: 'POST', headers: form, body })).status, body).toBe(404);
      expect((await rawRequest(`${channel}/channel/pay/cancel`, { method: 'POST', headers: form, body })).status, body).toBe(404);
    }
    expect(own.sandbox.runtime.ledger.payment(o.orderId)!.status).toBe('AWAITING_USER');
    // a page of another site that somehow has the key still cannot make the browser pay
    const cross = await rawRequest(`${channel}/channel/pay/confirm`, { method: 'POST', headers: { ...form, origin: 'http://evil.example' }, body: `tn=${o.tn}&key=${key}&card=${card}` });
    expect(cross.status).toBe(403);
    expect(own.sandbox.runtime.ledger.payment(o.orderId)!.status).toBe('AWAITING_USER');
    // with the key, from the channel app's own page: paid
    expect((await rawRequest(o.paymentUrl)).status).toBe(200);
    expect((await rawRequest(`${channel}/channel/pay?tn=${o.tn}&key=${key}`)).status).toBe(200);
    const paid = await rawRequest(`${channel}/channel/pay/confirm`, { method: 'POST', headers: { ...form, origin: channel }, body: `tn=${o.tn}&key=${key}&card=${card}` });
    expect(paid.status).toBe(303);
    expect(paid.headers.location).toBe(`${ucsp}/ucsp/result/${o.tn}/${key}`);
    expect(own.sandbox.runtime.ledger.payment(o.orderId)!.status).not.toBe('AWAITING_USER');
  });

  it('signing pages have random ids: S00000001… are no pages, and another signId is refused', async () => {
    const s = await signingRequest(own);
    const signId = s.signUrl.split('/').pop()!;
    expect(signId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (let n = 1; n <= 5; n++) {
      const guess = `S${String(n).padStart(8, '0')}`;
      expect((await rawRequest(`${channel}/channel/sign/${guess}`, { method: 'POST', headers: form, body: 'decision=agree' })).status).toBe(404);
    }
    expect(own.sandbox.runtime.ledger.signing(s.orderId)!.status).toBe('AWAITING_USER');
    const viaUcsp = await rawRequest(s.signUrl);
    expect(viaUcsp.status).toBe(302);
    expect(viaUcsp.headers.location).toBe(`${channel}/channel/sign/${signId}`);
    const agreed = await rawRequest(`${channel}/channel/sign/${signId}`, { method: 'POST', headers: { ...form, origin: channel }, body: 'decision=agree' });
    expect(agreed.status).toBe(303);
    expect(own.sandbox.runtime.ledger.signing(s.orderId)!.status).toBe('SIGNED');
  });

  it('pages answer only to the sandbox’s names (DNS rebinding), on loopback too', async () => {
    const port = new URL(channel).port;
    expect((await rawRequest(`${channel}/channel/users`, { headers: { host: `evil.example:${port}` } })).status).toBe(403);
    expect((await rawRequest(`${own.sandbox.localUrls.issuer}/issuer/transactions`, { headers: { host: 'evil.example' } })).status).toBe(403);
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST.:${port}`]) expect((await rawRequest(`${channel}/channel/users`, { headers: { host } })).status, host).toBe(200);
    // the wire API is for the partner's server, whatever name it uses: guarded by signatures
    expect((await rawRequest(`${ucsp}/ucsp/api`, { method: 'POST', headers: { host: 'partner-side-name' }, body: '{}' })).status).toBe(200);
  });
});

describe('with a control token', () => {
  let own: OwnSandbox;
  beforeAll(async () => {
    own = await ownSandbox({ controlToken: 'a-token-of-the-tester-0123456789' });
  });
  afterAll(() => own.close());

  // row 14: the token was accepted without "Bearer "
  it('requires "Bearer " before the token', async () => {
    const status = (authorization?: string) => rawRequest(`${own.sandbox.localUrls.ucsp}/control/status`, { headers: authorization ? { authorization } : {} }).then((r) => r.status);
    expect(await status()).toBe(401);
    expect(await status('a-token-of-the-tester-0123456789')).toBe(401);
    expect(await status('Basic a-token-of-the-tester-0123456789')).toBe(401);
    expect(await status('Bearer a-token-of-the-tester-012345678')).toBe(401);
    expect(await status('Bearer a-token-of-the-tester-0123456789 extra')).toBe(401);
    expect(await status('Bearer a-token-of-the-tester-0123456789')).toBe(200);
    expect(await status('bearer  a-token-of-the-tester-0123456789')).toBe(200); // the scheme is case-insensitive (RFC 7235)
    const res = await rawRequest(`${own.sandbox.localUrls.ucsp}/control/status`, { headers: { authorization: 'a-token-of-the-tester-0123456789' } });
    expect(JSON.parse(res.body).error).toMatch(/Bearer <token>/);
  });

  it('guards the issuer’s transaction list', async () => {
    expect((await rawRequest(`${own.sandbox.localUrls.issuer}/issuer/transactions`)).status).toBe(401);
    expect((await rawRequest(`${own.sandbox.localUrls.issuer}/issuer/transactions`, { headers: { authorization: 'Bearer a-token-of-the-tester-0123456789' } })).status).toBe(200);
    expect((await rawRequest(`${own.sandbox.localUrls.issuer}/issuer/cards`)).status).toBe(200);
  });
});

describe('reached beyond loopback (publicUrl names a remote host)', () => {
  let own: OwnSandbox;
  let port: { ucsp: string; channel: string; issuer: string };
  const PUBLIC = 'sandbox.example.test';
  const remote = (server: 'ucsp' | 'channel' | 'issuer', path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    rawRequest(`${own.sandbox.localUrls[server]}${path}`, { ...o, headers: { host: `${PUBLIC}:${port[server]}`, ...o.headers } });
  beforeAll(async () => {
    own = await ownSandbox({ publicUrl: `http://${PUBLIC}` });
    const p = (u: string) => new URL(u).port;
    port = { ucsp: p(own.sandbox.localUrls.ucsp), channel: p(own.sandbox.localUrls.channel), issuer: p(own.sandbox.localUrls.issuer) };
  });
  afterAll(() => own.close());

  it('a control token is made, and the control API and the issuer’s transactions need it', async () => {
    const token = own.sandbox.generatedToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect((await remote('ucsp', '/control/status')).status).toBe(401);
    expect((await remote('ucsp', '/control/reset', { method: 'POST' })).status).toBe(401);
    expect((await remote('ucsp', '/control/status', { headers: { authorization: token } })).status).toBe(401);
    expect((await remote('ucsp', '/control/status', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await remote('issuer', '/issuer/transactions')).status).toBe(401);
    expect((await remote('issuer', '/issuer/transactions', { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  // row 5: "a remote client found a tn in 2 GETs and paid it"
  it('remote channel-app requests without the token or the capability key are refused; with the key the user pays', async () => {
    const o = await paymentOrder(own);
    const key = o.paymentUrl.split('/').pop()!;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await remote('channel', `/channel/pay?tn=${o.tn}`)).status).toBe(404);
    expect((await remote('channel', '/channel/pay/confirm', { method: 'POST', headers: form, body: `tn=${o.tn}&card=6212345600000012` })).status).toBe(404);
    expect((await remote('channel', '/channel/pay/cancel', { method: 'POST', headers: form, body: `tn=${o.tn}` })).status).toBe(404);
    expect((await remote('ucsp', `/ucsp/cashier/${o.tn}`)).status).toBe(404);
    expect(own.sandbox.runtime.ledger.payment(o.orderId)!.status).toBe('AWAITING_USER');
    const paid = await remote('channel', '/channel/pay/confirm', { method: 'POST', headers: { ...form, origin: `http://${PUBLIC}:${port.channel}` }, body: `tn=${o.tn}&key=${key}&card=6212345600000012` });
    expect(paid.status).toBe(303);
  });

  // row 13: bound to 0.0.0.0, printed URLs, paymentUrl and signUrl used 127.0.0.1
  it('every link uses the public address: paymentUrl, signUrl, page forms, redirects, the result page', async () => {
    const pub = (server: keyof typeof port) => `http://${PUBLIC}:${port[server]}`;
    expect(own.sandbox.urls).toEqual({ ucsp: pub('ucsp'), channel: pub('channel'), issuer: pub('issuer') });
    expect(own.sandbox.localUrls.ucsp).toBe(`http://127.0.0.1:${port.ucsp}`);
    const o = await paymentOrder(own);
    expect(o.paymentUrl.startsWith(`${pub('ucsp')}/ucsp/cashier/${o.tn}/`)).toBe(true);
    const cashier = await remote('ucsp', new URL(o.paymentUrl).pathname);
    expect(cashier.status).toBe(200);
    expect(cashier.body).toContain(`action="${pub('channel')}/channel/pay"`);
    const key = o.paymentUrl.split('/').pop()!;
    const cancelled = await remote('channel', '/channel/pay/cancel', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `tn=${o.tn}&key=${key}` });
    expect(cancelled.headers.location).toBe(`${pub('ucsp')}/ucsp/result/${o.tn}/${key}`);
    const s = await signingRequest(own);
    expect(s.signUrl.startsWith(`${pub('ucsp')}/ucsp/sign/`)).toBe(true);
    expect((await remote('ucsp', new URL(s.signUrl).pathname)).headers.location).toBe(`${pub('channel')}/channel/sign/${s.signUrl.split('/').pop()}`);
    expect((await remote('channel', '/channel/open?userId=user-002')).headers.location).toMatch(new RegExp(`^${pub('ucsp')}/ucsp/authorize\\?`));
    const status = JSON.parse((await remote('ucsp', '/control/status', { headers: { authorization: `Bearer ${own.sandbox.generatedToken}` } })).body) as { urls: unknown };
    expect(status.urls).toEqual(own.sandbox.urls);
    const view = JSON.parse((await remote('ucsp', `/control/orders/${o.orderId}`, { headers: { authorization: `Bearer ${own.sandbox.generatedToken}` } })).body) as { paymentUrl: string };
    expect(view.paymentUrl).toBe(o.paymentUrl);
  });

  it('pages answer to the public name and loopback names, not to others', async () => {
    expect((await remote('channel', '/channel/users')).status).toBe(200);
    expect((await rawRequest(`${own.sandbox.localUrls.channel}/channel/users`)).status).toBe(200);
    expect((await rawRequest(`${own.sandbox.localUrls.channel}/channel/users`, { headers: { host: 'other.example.test' } })).status).toBe(403);
  });
});
