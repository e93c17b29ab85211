import { describe, expect, it } from 'vitest';
import { PartnerRouter, insIDOf, type RequestHead, type Route, type Tenant } from './partner-router.js';
import type { SandboxRuntime } from './runtime.js';

/** A partner as the router reads it: its identifiers, token, the pages it holds. */
function tenant(insID: string, industryCode: string, token: string, pages: { tn?: string; key?: string; signId?: string }[]): Tenant {
  const noop = () => {};
  const runtime = {
    config: { partner: { insID, industryCode, merId: `M${insID}0000000`.slice(0, 15), token } },
    ledger: {
      paymentByTn: (tn: string) => (pages.some((p) => p.tn === tn) ? { tn } : undefined),
      bySignId: new Map(pages.flatMap((p) => (p.signId ? [[p.signId, 'order']] : []))),
      orders: new Map(),
    },
    pageKeys: { matches: (_kind: string, tn: string, key: unknown) => pages.some((p) => p.tn === tn && p.key === key) },
    partnerSummary: () => ({ insID, merId: 'x', industryCode, orders: 0 }),
  } as unknown as SandboxRuntime;
  return { runtime, ucsp: noop, channel: noop, issuer: noop };
}

// the same tn at both partners, each with its own key: the key tells them apart
const A = tenant('11111111', 'PARKING01', 'token-of-a-0000000000', [{ tn: '20261130120000000001', key: 'keyA' }, { signId: 'sigA' }]);
const B = tenant('22222222', 'TRANSIT01', 'token-of-b-0000000000', [{ tn: '20261130120000000001', key: 'keyB' }, { signId: 'sigB' }]);
const router = new PartnerRouter([A, B], () => 'admin-token-000000000');

const req = (url: string, headers: Record<string, string> = {}, method = 'GET'): RequestHead => ({ method, url, headers });
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const who = (r: Route): string => ('tenant' in r ? r.tenant.runtime.config.partner.insID : `HTTP ${r.status}`);

describe('PartnerRouter', () => {
  it.each([
    // control API: by token; the admin names the partner
    ['partner A token', req('/control/orders', bearer('token-of-a-0000000000')), '11111111'],
    ['partner B token', req('/control/orders', bearer('token-of-b-0000000000')), '22222222'],
    ['B token naming B', req('/control/orders', { ...bearer('token-of-b-0000000000'), 'x-ucsp-partner': '22222222' }), '22222222'],
    ['A token naming B', req('/control/orders', { ...bearer('token-of-a-0000000000'), 'x-ucsp-partner': '22222222' }), 'HTTP 403'],
    ['A token naming B in the query', req('/control/orders?partner=22222222', bearer('token-of-a-0000000000')), 'HTTP 403'],
    ['admin naming B (header)', req('/control/orders', { ...bearer('admin-token-000000000'), 'x-ucsp-partner': '22222222' }), '22222222'],
    ['admin naming B (query)', req('/control/journal?partner=22222222&limit=5', bearer('admin-token-000000000')), '22222222'],
    ['admin naming nobody', req('/control/orders', bearer('admin-token-000000000')), 'HTTP 400'],
    ['admin naming an unknown insID', req('/control/orders', { ...bearer('admin-token-000000000'), 'x-ucsp-partner': '99999999' }), 'HTTP 404'],
    ['admin: the list of partners', req('/control/partners', bearer('admin-token-000000000')), 'HTTP 200'],
    ['admin: the documents', req('/control/openapi.json', bearer('admin-token-000000000')), '11111111'],
    ['no token: the first partner refuses it', req('/control/orders'), '11111111'],
    ['a wrong token: the first partner refuses it', req('/control/orders', bearer('nope')), '11111111'],
    // pages: by tn and key, by signId; login by industryCode
    ["A's cashier", req('/ucsp/cashier/20261130120000000001/keyA'), '11111111'],
    ["B's cashier (same tn)", req('/ucsp/cashier/20261130120000000001/keyB'), '22222222'],
    ["B's result page", req('/ucsp/result/20261130120000000001/keyB'), '22222222'],
    ['a cashier nobody has', req('/ucsp/cashier/20261130120000000001/keyC'), '11111111'],
    ["B's signing hand-over", req('/ucsp/sign/sigB'), '22222222'],
    ["B's login", req('/ucsp/authorize?industryCode=TRANSIT01&channelCode=UPWALLET'), '22222222'],
    ['an unknown industryCode', req('/ucsp/authorize?industryCode=NOPE&channelCode=UPWALLET'), '11111111'],
    ['the inspector', req('/inspector/main.js'), '11111111'],
  ])('UCSP: %s', (_name, r, expected) => {
    expect(who(router.routeUcsp(r))).toBe(expected);
  });

  it.each([
    ["B's payment page", req('/channel/pay?tn=20261130120000000001&key=keyB'), undefined, '22222222'],
    ["B's payment confirmed (form)", req('/channel/pay/confirm', {}, 'POST'), { tn: '20261130120000000001', key: 'keyB' }, '22222222'],
    ["A's payment cancelled (form)", req('/channel/pay/cancel', {}, 'POST'), { tn: '20261130120000000001', key: 'keyA' }, '11111111'],
    ["B's signing page", req('/channel/sign/sigB'), undefined, '22222222'],
    ["B's user entry", req('/channel/open?industryCode=TRANSIT01'), undefined, '22222222'],
    ['the channel home', req('/'), undefined, '11111111'],
  ])('channel app: %s', (_name, r, form, expected) => {
    expect(who(router.routeChannel(r, form))).toBe(expected);
  });

  it("routes the issuer's transaction list by token", () => {
    expect(who(router.routeIssuer(req('/issuer/transactions', bearer('token-of-b-0000000000'))))).toBe('22222222');
    expect(who(router.routeIssuer(req('/issuer/transactions', bearer('admin-token-000000000'))))).toBe('HTTP 400');
    expect(who(router.routeIssuer(req('/issuer/cards')))).toBe('11111111');
  });

  it('lists every partner to the admin, and says how to name one', () => {
    const r = router.routeUcsp(req('/control/status', bearer('admin-token-000000000')));
    expect(r).toMatchObject({ status: 400, body: { partners: [{ insID: '11111111' }, { insID: '22222222' }] } });
    expect((r as { body: { error: string } }).body.error).toMatch(/X-UCSP-Partner/i);
  });

  it('reads msgInfo.insID of a wire body, and nothing of what is not one', () => {
    expect(insIDOf(Buffer.from('{"msgInfo":{"insID":"22222222"},"trxInfo":{}}'))).toBe('22222222');
    expect(insIDOf(Buffer.from('{"msgInfo":{"insID":22222222}}'))).toBeUndefined();
    expect(insIDOf(Buffer.from('{"msgInfo":null}'))).toBeUndefined();
    expect(insIDOf(Buffer.from('not json'))).toBeUndefined();
    expect(insIDOf(Buffer.from('[1,2]'))).toBeUndefined();
    expect(router.tenantOfMessage(Buffer.from('{"msgInfo":{"insID":"22222222"}}'))).toBe(B);
    expect(router.tenantOfMessage(Buffer.from('{"msgInfo":{"insID":"33333333"}}'))).toBeUndefined();
  });
});
