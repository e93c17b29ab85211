/**
 * Headless Chromium for the browser tests: Debian's `chromium` (found on PATH, or CHROMIUM_PATH),
 * driven by playwright-core, with a fresh user-data-dir in a temporary folder and no network
 * beyond loopback. In CI (CI or UCSP_REQUIRE_BROWSER set; `.ci/run` sets the latter and installs
 * Chromium) a missing Chromium is an error, never a skip. Locally without it the tests are skipped
 * with a loud message.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { tempDir } from './tmp.js';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Where screenshots go (git-ignored): test-artifacts/screenshots. */
export const SCREENSHOTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts', 'screenshots');

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive: CHROMIUM_PATH, else `chromium` (or `chromium-browser`) on PATH. */
export function findChromium(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  if (given) return executable(given) ? given : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    for (const name of ['chromium', 'chromium-browser']) {
      const p = join(dir, name);
      if (dir && executable(p)) return p;
    }
  }
  return undefined;
}

/** The Chromium path, or undefined after saying loudly why the browser tests are skipped. Throws in CI. */
export function chromiumOrSkip(): string | undefined {
  const path = findChromium();
  if (path) return path;
  if (process.env.CI || process.env.UCSP_REQUIRE_BROWSER) {
    throw new Error('no Chromium found (PATH or CHROMIUM_PATH), and CI or UCSP_REQUIRE_BROWSER is set: the browser tests must run here. .ci/run installs it with apt-get install -y chromium');
  }
  console.warn(
    '\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!!! SKIPPING the browser tests (test/browser): no Chromium found on PATH or in CHROMIUM_PATH.\n' +
      '!!! Install it (Debian/Ubuntu: apt-get install -y chromium) to run them; CI never skips them.\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
  return undefined;
}

export interface Browser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  /** Writes test-artifacts/screenshots/<name>.png (the whole page, or the window with fullPage false). */
  shot(page: Page, name: string, o?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** A headless Chromium with a fresh profile in a temporary folder, on a laptop-sized window. */
export async function launchChromium(executablePath: string): Promise<Browser> {
  const { dir, cleanup } = await tempDir('ucsp-chromium-');
  const context = await chromium.launchPersistentContext(dir, { executablePath, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1366, height: 800 } });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    newPage: () => context.newPage(),
    shot: async (page, name, o = {}) => {
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: o.fullPage ?? true });
      return path;
    },
    close: async () => {
      await context.close();
      await cleanup();
    },
  };
}
