/**
 * The built CLI serves the control API's OpenAPI document (its module is loaded on first use from
 * dist) and the index pages: `start`, then GET /control/openapi.json, /control/openapi.yaml,
 * /control, and the channel app's /. The document served is the one shipped in the package, with
 * the sandbox's own URL as its server.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { spawnSandbox, type SpawnedSandbox } from '../support/spawn-sandbox.js';
import { tempDir } from '../support/tmp.js';

let sb: SpawnedSandbox;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  sb = await spawnSandbox([], { cwd: t.dir });
});
afterAll(async () => {
  await sb?.stop();
  await cleanup?.();
});

describe('start serves the control API document and the index pages', () => {
  it('GET /control/openapi.json and .yaml: the shipped document, naming this sandbox', async () => {
    const shipped = parseYaml(await readFile(new URL('../../openapi/control-api.yaml', import.meta.url), 'utf8')) as { servers: { url: string }[] };
    const res = await fetch(`${sb.ready.ucsp}/control/openapi.json`);
    expect(res.status).toBe(200);
    const served = (await res.json()) as typeof shipped & { openapi: string };
    expect(served.openapi).toBe('3.1.0');
    expect(served.servers[0]!.url).toBe(sb.ready.ucsp);
    expect({ ...served, servers: shipped.servers }).toEqual(shipped);
    const yaml = await fetch(`${sb.ready.ucsp}/control/openapi.yaml`);
    expect(yaml.status).toBe(200);
    expect(parseYaml(await yaml.text())).toEqual(served);
  });

  it('GET /control answers its index; / of UCSP links the document; / of the channel app is a page', async () => {
    const index = (await (await fetch(`${sb.ready.ucsp}/control`)).json()) as { openapi: string };
    expect(index.openapi).toBe(`${sb.ready.ucsp}/control/openapi.json`);
    expect(((await (await fetch(`${sb.ready.ucsp}/`)).json()) as { openapi: string }).openapi).toBe(`${sb.ready.ucsp}/control/openapi.json`);
    const page = await fetch(`${sb.ready.channel}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('href="/channel/users"');
  });
});
