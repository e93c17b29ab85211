/**
 * The inspector in headless Chromium (when there is one: `chromium` on PATH or CHROMIUM_PATH):
 * first paint of `{ucsp}/inspector/` on loopback, then, with 10,000 orders held, how long until the
 * whole list is loaded and shown, and how long one filter over it takes in the page.
 */
import { accessSync, constants } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium } from 'playwright-core';
import { fromArray, runLoad, type AnswerChecker } from './load.js';
import { ROOT, log, median, stop } from './proc.js';
import type { SignPool } from './sign-pool.js';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface InspectorResult {
  inspector_first_paint_ms: number;
  inspector_first_paint_runs: number;
  inspector_orders: number;
  inspector_list_loaded_ms: number;
  inspector_filter_ms: number;
}

function findChromium(): string | undefined {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : (process.env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((d) => [join(d, 'chromium'), join(d, 'chromium-browser')]);
  for (const p of candidates) {
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not this one
    }
  }
  return undefined;
}

export async function measureInspector(
  start: () => Promise<{ ucsp: string; api: string; child: ChildProcess }>,
  o: { pool: SignPool; checker: AnswerChecker; connections: number; orders: number; runs: number },
): Promise<InspectorResult | { inspector_skipped: string }> {
  const executablePath = findChromium();
  if (!executablePath) {
    log('inspector: no chromium on PATH (or CHROMIUM_PATH); skipped');
    return { inspector_skipped: 'no chromium' };
  }
  const { ucsp, api, child } = await start();
  const profile = await mkdtemp(join(tmpdir(), 'ucsp-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: ARGS, viewport: { width: 1366, height: 800 } });
  try {
    // first paint of an empty sandbox's inspector, each in a fresh tab (the browser itself warm)
    const paints: number[] = [];
    for (let i = 0; i < o.runs + 1; i++) {
      const page = await context.newPage();
      await page.goto(`${ucsp}/inspector/`);
      await page.locator('body[data-ready="1"]').waitFor();
      const fcp = await page.evaluate<number>(`performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1`);
      if (i > 0) paints.push(fcp); // the first warms the browser's own caches and processes
      await page.close();
    }
    const firstPaint = median(paints);
    log(`inspector: first contentful paint ${firstPaint.toFixed(0)} ms (median of ${paints.length}: ${paints.map((p) => p.toFixed(0)).join(', ')})`);

    const msgs = await o.pool.sign(o.orders);
    const r = await runLoad({ url: api, connections: o.connections, next: fromArray(msgs), checker: o.checker });
    if (r.errors) throw new Error(`inspector: ${r.errors} of ${o.orders} orders failed: ${JSON.stringify(r.errorKinds)}`);
    const page = await context.newPage();
    await mkdir(join(ROOT, 'bench', 'out'), { recursive: true });
    const t0 = Date.now();
    await page.goto(`${ucsp}/inspector/`);
    const want = `${o.orders.toLocaleString('en')} of ${o.orders.toLocaleString('en')}`;
    await page.locator('[data-testid="count"]', { hasText: new RegExp(`^${want}$`) }).waitFor({ timeout: 120_000 });
    const loaded = Date.now() - t0;
    // one filter over every order, measured in the page: the input event until the rows are drawn
    const filterMs = await page.evaluate<number>(`(() => {
      const input = document.querySelector('[data-testid="filter"]');
      input.value = 'user-001';
      const t = performance.now();
      input.dispatchEvent(new Event('input'));
      return performance.now() - t;
    })()`);
    log(`inspector: ${o.orders} orders listed ${loaded} ms after navigation; a filter over them ${filterMs.toFixed(1)} ms`);
    // to look at: the list far down, after a scroll (bench/out is not committed)
    await page.locator('[data-testid="filter"]').fill('');
    await page.locator('[data-testid="table-payments"]').evaluate((el: { scrollTop: number }) => void (el.scrollTop = 150_000));
    await page.screenshot({ path: join(ROOT, 'bench', 'out', 'inspector-10k.png') });
    return {
      inspector_first_paint_ms: Math.round(firstPaint),
      inspector_first_paint_runs: paints.length,
      inspector_orders: o.orders,
      inspector_list_loaded_ms: loaded,
      inspector_filter_ms: Math.round(filterMs * 10) / 10,
    };
  } finally {
    await context.close();
    await rm(profile, { recursive: true, force: true });
    await stop(child);
  }
}
