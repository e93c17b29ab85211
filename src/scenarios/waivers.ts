/**
 * Expected failures (`--expected-failures FILE`): checks known to fail. A listed check that fails
 * is waived; a listed check that no longer fails fails the run, so waivers cannot go stale.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UcspError } from '../errors/index.js';
import type { ScenarioResult, StaleWaiver } from './results.js';

export interface Waiver {
  /** `<scenario id>#<check id>` */
  check: string;
  reason?: string;
}

export async function loadWaivers(file: string): Promise<Waiver[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new UcspError('io', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new UcspError('config', `${file} is not YAML or JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(raw) ? raw : (raw as { expectedFailures?: unknown } | null)?.expectedFailures;
  if (!Array.isArray(list)) throw new UcspError('config', `${file}: expected a list of { check: "<scenario>#<check>", reason }`);
  const problems: string[] = [];
  const out: Waiver[] = [];
  list.forEach((w: unknown, i) => {
    const x = w as { check?: unknown; reason?: unknown };
    if (typeof x?.check !== 'string' || !/^[a-z0-9-]+\/[a-z0-9-]+#[a-z0-9-]+$/.test(x.check)) problems.push(`${i}: check must look like "login/valid-handoff#session-opened"`);
    else out.push({ check: x.check, ...(typeof x.reason === 'string' ? { reason: x.reason } : {}) });
  });
  if (problems.length) throw new UcspError('config', `invalid expected-failures file ${file}`, { details: problems });
  return out;
}

/** Waivers whose check ran and did not fail (or whose scenario ran and has no such check). */
export function staleWaivers(waivers: Waiver[], results: ScenarioResult[]): StaleWaiver[] {
  const ran = new Map(results.filter((r) => r.status !== 'SKIPPED').map((r) => [r.id, r]));
  const stale: StaleWaiver[] = [];
  for (const w of waivers) {
    const [scenarioId] = w.check.split('#');
    const r = ran.get(scenarioId!);
    if (!r) continue; // not run this time: neither used nor stale
    const c = r.checks.find((x) => x.key === w.check);
    if (!c || c.status !== 'waived') stale.push({ key: w.check, ...(w.reason ? { reason: w.reason } : {}) });
  }
  return stale;
}

/** The entry to paste into the expected-failures file for a failing check. */
export function waiverEntry(key: string): string {
  return `- check: ${key}\n  reason: <why this is known to fail>`;
}
