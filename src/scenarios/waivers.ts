/**
 * Expected failures (`--expected-failures FILE`): checks known to fail. A listed check that fails
 * is waived; a listed check that no longer fails fails the run, so waivers cannot go stale. An
 * entry that names no check of the loaded scenarios, or is listed twice, is an error before the run.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { UcspError, nearestNames } from '../errors/index.js';
import type { ScenarioResult, StaleWaiver } from './results.js';
import type { Scenario } from './scenario-schema.js';

export interface Waiver {
  /** `<scenario id>#<check id>` */
  check: string;
  reason?: string;
}

const KEY = /^[a-z0-9-]+\/[a-z0-9-]+#[a-z0-9-]+$/;

/** Reads the file; every entry must be { check, reason? } (whether its check exists is checked against the scenarios). */
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
  const top = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.keys(raw).filter((k) => k !== 'expectedFailures') : [];
  if (top.length) throw new UcspError('config', `${file}: unknown key ${top.join(', ')}; expected a list of { check: "<scenario>#<check>", reason }, or { expectedFailures: [...] }`);
  const list = Array.isArray(raw) ? raw : (raw as { expectedFailures?: unknown } | null)?.expectedFailures;
  if (!Array.isArray(list)) throw new UcspError('config', `${file}: expected a list of { check: "<scenario>#<check>", reason }`);
  const problems: string[] = [];
  const out: Waiver[] = [];
  list.forEach((w: unknown, i) => {
    const at = `entry ${i + 1}`;
    if (w === null || typeof w !== 'object' || Array.isArray(w)) {
      problems.push(`${at}: must be { check: "<scenario>#<check>", reason }`);
      return;
    }
    const x = w as { check?: unknown; reason?: unknown };
    const extra = Object.keys(w).filter((k) => k !== 'check' && k !== 'reason');
    const before = problems.length;
    if (typeof x.check !== 'string' || !KEY.test(x.check)) problems.push(`${at}: check must look like "login/valid-handoff#session-opened"${x.check === undefined ? '' : ` (got ${JSON.stringify(x.check)})`}`);
    if (x.reason !== undefined && typeof x.reason !== 'string') problems.push(`${at}: reason must be a string`);
    if (extra.length) problems.push(`${at}: unknown key ${extra.join(', ')} (an entry has check and reason)`);
    if (problems.length === before) out.push({ check: x.check as string, ...(typeof x.reason === 'string' ? { reason: x.reason } : {}) });
  });
  if (problems.length) throw new UcspError('config', `invalid expected-failures file ${file}`, { details: problems });
  return out;
}

/** Every key a waiver may name: each check (`<scenario>#<check>`) and each other step's failure (`<scenario>#step-N`). */
export function waivableKeys(scenarios: readonly Scenario[]): Set<string> {
  return new Set(scenarios.flatMap((s) => s.steps.map((st, i) => `${s.id}#${'check' in st ? st.check : `step-${i + 1}`}`)));
}

/** The checks an id most likely meant: those containing it (or contained in it), else the nearest by edit distance. */
function nearChecks(id: string, checks: string[]): string[] {
  const within = checks.filter((c) => c.includes(id) || id.includes(c));
  return within.length ? within.slice(0, 3) : nearestNames(id, checks, Math.max(2, Math.floor(id.length / 3)));
}

/** Why this entry names nothing in the scenarios, with the nearest names that exist. */
function unknownEntry(key: string, scenarios: readonly Scenario[]): string {
  const [scenarioId = '', checkId = ''] = key.split('#');
  const ids = scenarios.map((s) => s.id);
  let scenario = scenarios.find((s) => s.id === scenarioId);
  if (!scenario) {
    const guess = nearestNames(scenarioId, ids, Math.max(2, Math.floor(scenarioId.length / 4)), 1)[0];
    scenario = scenarios.find((s) => s.id === guess);
    if (!scenario) {
      const folder = scenarioId.split('/')[0];
      const same = ids.filter((id) => id.startsWith(`${folder}/`));
      return `no scenario ${scenarioId}; ${same.length ? `the scenarios in ${folder}/: ${same.join(', ')}` : `the capabilities: ${[...new Set(ids.map((id) => id.split('/')[0]))].join(', ')}`}`;
    }
  } else {
    const step = /^step-(\d+)$/.exec(checkId);
    const st = step ? scenario.steps[Number(step[1]) - 1] : undefined;
    if (step && !st) return `${scenarioId} has ${scenario.steps.length} steps, no step ${step[1]}`;
    if (st && 'check' in st) return `step ${step![1]} of ${scenarioId} is the check ${st.check}: name it ${scenarioId}#${st.check}`;
  }
  const checks = scenario.steps.flatMap((st) => ('check' in st ? [st.check] : []));
  const near = checks.includes(checkId) ? [checkId] : nearChecks(checkId, checks);
  const said = scenario.id === scenarioId ? `${scenarioId} has no check ${checkId}` : `no scenario ${scenarioId}`;
  return near.length ? `${said}; did you mean ${near.map((c) => `${scenario.id}#${c}`).join(', ')}?` : `${said}; the checks of ${scenario.id}: ${checks.join(', ')}`;
}

/**
 * What is wrong with the waivers for these scenarios (all that were loaded, not only those selected):
 * entries naming no check or step of any scenario, and entries listed twice. Empty when all is well.
 */
export function waiverProblems(waivers: readonly Waiver[], scenarios: readonly Scenario[]): string[] {
  const known = waivableKeys(scenarios);
  const first = new Map<string, number>();
  const problems: string[] = [];
  waivers.forEach((w, i) => {
    const at = `entry ${i + 1} (${w.check})`;
    const earlier = first.get(w.check);
    if (earlier !== undefined) problems.push(`${at}: listed twice (also entry ${earlier + 1})`);
    else {
      first.set(w.check, i);
      if (!known.has(w.check)) problems.push(`${at}: ${unknownEntry(w.check, scenarios)}`);
    }
  });
  return problems;
}

/** Throws a usage-level error (exit 2) listing every bad entry, before anything runs. */
export function assertWaiversExist(waivers: readonly Waiver[], scenarios: readonly Scenario[]): void {
  const problems = waiverProblems(waivers, scenarios);
  if (problems.length) throw new UcspError('config', `expected failures that name no check of the loaded scenarios (${problems.length} of ${waivers.length} entries)`, { details: problems });
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
