import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { Router } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { makeHarness } from '../../../test/support/harness.js';
import { controlRouter } from '../control-routes.js';
import { CONTROL_API_FILE, controlApiDocument, controlApiYaml } from './control-api.js';

type Doc = { paths: Record<string, Record<string, { operationId: string; parameters?: { name: string; in: string; description: string }[]; responses: Record<string, unknown> }>> };

/**
 * The routes registered on a Router, as `METHOD /control/path` with the path in OpenAPI form
 * (`:id` → `{id}`). Express 5 routes use path-to-regexp 8: any syntax but plain segments and
 * `:name` parameters (`*splat`, `{optional}`, a RegExp, an array) has no OpenAPI form here and is
 * reported as such, so that it is seen rather than compared wrongly.
 */
function registeredRoutes(router: Router, mount = '/control'): string[] {
  const out: string[] = [];
  for (const layer of router.stack as { route?: { path: unknown; methods: Record<string, boolean> } }[]) {
    const route = layer.route;
    if (!route) continue;
    const path = route.path;
    if (typeof path !== 'string' || !/^(\/(?:[A-Za-z0-9._-]+|:[A-Za-z_][A-Za-z0-9_]*))*\/?$/.test(path)) {
      out.push(`UNSUPPORTED ${String(path)}`);
      continue;
    }
    const openapi = mount + (path === '/' ? '' : path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}'));
    for (const [method, on] of Object.entries(route.methods)) if (on) out.push(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${openapi}`);
  }
  return out;
}

function documentedCalls(doc: Doc): string[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
}

describe('the OpenAPI document of the control API', () => {
  const h = makeHarness();
  afterAll(() => h.close());
  const doc = controlApiDocument() as Doc;

  it('is a valid OpenAPI 3.1 document (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(controlApiDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route of controlRouter(), and no call that has none (add a route to CONTROL_CALLS: see its header)', () => {
    const routes = registeredRoutes(controlRouter(h.runtime));
    // a route registered twice would hide behind the first: neither list has duplicates
    expect(new Set(routes).size).toBe(routes.length);
    const documented = documentedCalls(doc);
    const drift = { routesNotInTheDocument: routes.filter((r) => !documented.includes(r)), callsWithNoRoute: documented.filter((d) => !routes.includes(d)) };
    expect(drift).toEqual({ routesNotInTheDocument: [], callsWithNoRoute: [] });
    expect(routes.length).toBeGreaterThanOrEqual(32);
  });

  it('the route walk sees what it must: `:param` paths, every method, and syntax it cannot map', async () => {
    const { Router } = await import('express');
    const r = Router();
    r.use((_q, _s, n) => n());
    r.get('/', () => {});
    r.get('/a/:orderId/b', () => {});
    r.route('/c').post(() => {}).delete(() => {});
    r.get('/d{/:opt}', () => {});
    r.get('/e/*rest', () => {});
    expect(registeredRoutes(r)).toEqual(['GET /control', 'GET /control/a/{orderId}/b', 'POST /control/c', 'DELETE /control/c', 'UNSUPPORTED /d{/:opt}', 'UNSUPPORTED /e/*rest']);
  });

  it('gives each call a unique operationId, a described path parameter for each {name}, and every error it may answer', () => {
    const ids = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((o) => o.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, o] of Object.entries(methods)) {
        const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const params = (o.parameters ?? []).filter((p) => p.in === 'path');
        expect(params.map((p) => p.name), `${method} ${path}`).toEqual(names);
        for (const p of params) expect(p.description, `${method} ${path} {${p.name}}`).not.toBe(p.name);
        const statuses = Object.keys(o.responses);
        for (const s of ['401', '403', '503']) expect(statuses, `${method} ${path}`).toContain(s);
        if (method !== 'get') for (const s of ['400', '413', '415']) expect(statuses, `${method} ${path}`).toContain(s);
      }
    }
  });

  it('resolves every $ref', () => {
    const text = JSON.stringify(doc);
    const refs = new Set([...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!));
    expect(refs.size).toBeGreaterThan(10);
    for (const r of refs) {
      expect(r.startsWith('#/'), r).toBe(true);
      const target = r
        .slice(2)
        .split('/')
        .reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
      expect(target, r).toBeTypeOf('object');
    }
  });

  it(`is shipped as ${CONTROL_API_FILE}, as generated (run npm run gen:schemas after a change)`, async () => {
    const file = await readFile(new URL(`../../../${CONTROL_API_FILE}`, import.meta.url), 'utf8');
    expect(file).toBe(controlApiYaml());
    expect(parseYaml(file)).toEqual(controlApiDocument());
    const pkg = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain(CONTROL_API_FILE.split('/')[0]);
  });

  it('names the sandbox it is served by', () => {
    expect((controlApiDocument('http://127.0.0.1:7400') as { servers: { url: string }[] }).servers).toEqual([{ url: 'http://127.0.0.1:7400', description: 'the mock UCSP of a running sandbox' }]);
  });
});
