/**
 * The inspector's files over HTTP (no browser): served from the package's inspector/ folder with a
 * strict Content-Security-Policy, behind the pages' Host check but not the control token (they hold
 * no data), and UCSP's `/` as a page for browsers and the same JSON as before for scripts.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/errors/package-root.js';
import { ISSUER_BEHAVIOURS, TEST_CARDS } from '../../src/protocol/issuer-rules.js';
import { INSPECTOR_CSP, INSPECTOR_FILES } from '../../src/servers/inspector-routes.js';
import { ownSandbox, rawRequest, type OwnSandbox } from '../support/own-sandbox.js';

describe('the inspector is served by the sandbox, offline', () => {
  let own: OwnSandbox;
  let U: string;
  beforeAll(async () => {
    own = await ownSandbox({ controlToken: 'a-token-for-the-inspector-test' });
    U = own.sandbox.localUrls.ucsp;
  });
  afterAll(() => own?.close());

  it('every file of inspector/ is served, and only those', () => {
    const onDisk = readdirSync(join(packageRoot(), 'inspector')).sort();
    expect(Object.keys(INSPECTOR_FILES).sort()).toEqual(onDisk);
  });

  it('serves the page and each file with its type and a CSP that allows nothing but its own origin', async () => {
    for (const [name, type] of Object.entries(INSPECTOR_FILES)) {
      const r = await rawRequest(`${U}/inspector/${name === 'index.html' ? '' : name}`);
      expect(r.status, name).toBe(200);
      expect(r.headers['content-type']).toBe(type);
      expect(r.headers['content-security-policy']).toBe(INSPECTOR_CSP);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(INSPECTOR_CSP).toContain("script-src 'self'");
    expect(INSPECTOR_CSP).toContain("connect-src 'self'");
  });

  it('references nothing outside the sandbox: no http(s) URL, no innerHTML, no inline script or handler', async () => {
    for (const name of Object.keys(INSPECTOR_FILES)) {
      const text = (await rawRequest(`${U}/inspector/${name === 'index.html' ? '' : name}`)).body;
      expect(text, name).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
      expect(text, name).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
      if (name === 'index.html') expect(text).not.toMatch(/<script(?![^>]*\bsrc=)|\son[a-z]+=/i);
    }
  });

  it('/inspector goes to /inspector/; an unknown file is 404', async () => {
    const r = await rawRequest(`${U}/inspector`);
    expect(r.status).toBe(301);
    expect(r.headers.location).toBe('/inspector/');
    expect((await rawRequest(`${U}/inspector/secrets.js`)).status).toBe(404);
    expect((await rawRequest(`${U}/inspector/..%2fpackage.json`)).status).toBe(404);
  });

  it('needs no token (it holds no data), while the control API it reads does', async () => {
    expect((await rawRequest(`${U}/inspector/`)).status).toBe(200);
    expect((await rawRequest(`${U}/control/status`)).status).toBe(401);
  });

  it('answers only to the sandbox own names (DNS rebinding)', async () => {
    const r = await rawRequest(`${U}/inspector/`, { headers: { host: 'evil.example' } });
    expect(r.status).toBe(403);
  });

  it('offers in its forms the values the control API accepts', async () => {
    const v = JSON.parse((await rawRequest(`${U}/inspector/vocabulary.json`)).body) as Record<string, unknown>;
    expect(v.testCards).toEqual(TEST_CARDS);
    expect(v.issuerBehaviours).toEqual(ISSUER_BEHAVIOURS);
    expect((v.requestTypes as { msgType: string; codes: string[] }[]).find((t) => t.msgType === 'SUBMIT_PAYMENT_ORDER')?.codes).toContain('00');
  });

  it('UCSP / is a page linking the inspector for a browser, the same JSON as before for scripts', async () => {
    const page = await rawRequest(`${U}/`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain(`href="${U}/inspector/"`);
    for (const accept of [undefined, '*/*', 'application/json']) {
      const r = await rawRequest(`${U}/`, accept ? { headers: { accept } } : {});
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(JSON.parse(r.body) as object)).toEqual(['service', 'api', 'authorize', 'control', 'controlApi', 'openapi', 'inspector']);
    }
  });
});
