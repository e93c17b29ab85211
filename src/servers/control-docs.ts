/**
 * The control API about itself: `GET /control` (an index: JSON, or a page for a browser) and its
 * OpenAPI document (`/control/openapi.json`, `.yaml`). The document's module (TypeBox, yaml) is
 * loaded on the first of these calls only: a sandbox that never serves it never pays for it.
 */
import type { Router } from 'express';
import type { SandboxRuntime } from '../sandbox/runtime.js';
import { esc, page } from './pages/html.js';

type DocModule = typeof import('./openapi/control-api.js');
let loaded: Promise<DocModule> | undefined;
const docModule = () => (loaded ??= import('./openapi/control-api.js'));

export const CONTROL_README = 'README.md, section "Control API"';

interface IndexCall {
  method: string;
  path: string;
  summary: string;
}

function calls(m: DocModule): IndexCall[] {
  return Object.entries(m.CONTROL_CALLS).flatMap(([path, methods]) => Object.entries(methods).map(([method, c]) => ({ method: method.toUpperCase(), path, summary: c!.summary })));
}

function indexPage(base: string, list: IndexCall[]): string {
  const row = (c: IndexCall) => {
    const link = c.method === 'GET' && !c.path.includes('{') ? `<a href="${esc(base + c.path)}">${esc(c.path)}</a>` : esc(c.path);
    return `<tr><td>${esc(c.method)}</td><td><code>${link}</code></td><td>${esc(c.summary)}</td></tr>`;
  };
  return page(
    'Control API',
    'UnionPay UCSP · Control API',
    `<h1>Control API</h1>
<p>JSON over HTTP, for scripts, the conformance runner and people. Described once in OpenAPI 3.1:
<a href="${esc(base)}/control/openapi.json" data-testid="openapi-json">openapi.json</a> ·
<a href="${esc(base)}/control/openapi.yaml">openapi.yaml</a>. An example of each call: ${esc(CONTROL_README)}.</p>
<table>${list.map(row).join('')}</table>`,
  );
}

/** Registers the index and the document on the control router (behind its doors). */
export function controlDocRoutes(r: Router, runtime: SandboxRuntime): void {
  r.get('/', async (req, res) => {
    const m = await docModule();
    const base = runtime.urls.ucsp;
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/html']) === 'text/html') {
      res.type('html').send(indexPage(base, calls(m)));
      return;
    }
    res.json({ service: 'ucsp-sandbox control API', openapi: `${base}/control/openapi.json`, openapiYaml: `${base}/control/openapi.yaml`, readme: CONTROL_README, calls: calls(m) });
  });
  r.get('/openapi.json', async (_req, res) => {
    res.json((await docModule()).controlApiDocument(runtime.urls.ucsp));
  });
  r.get('/openapi.yaml', async (_req, res) => {
    res.type('application/yaml; charset=utf-8').send((await docModule()).controlApiYaml(runtime.urls.ucsp));
  });
}
