/** Finds, reads and validates scenario files (YAML, JSON, or JS modules exporting defineScenario). */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { RESPONSE_CODES, UcspError, packageRoot } from '../errors/index.js';
import { getAjv } from '../schemas/validate.js';
import { ScenarioSchema, type Scenario } from './scenario-schema.js';
import { explainSchemaErrors } from './schema-errors.js';
import { WHOLE_REFERENCE } from './template.js';

export const builtinScenariosDir = (): string => join(packageRoot(), 'scenarios');

let validator: ReturnType<ReturnType<typeof getAjv>['compile']> | undefined;

/** Every problem of one scenario (none when it is valid), as `/path/in/file: what is wrong`. */
export function scenarioProblems(value: unknown): string[] {
  validator ??= getAjv().compile(ScenarioSchema);
  if (!validator(value)) return explainSchemaErrors(validator.errors ?? [], ScenarioSchema, value);
  const s = value as Scenario;
  const ids = s.steps.flatMap((st) => ('check' in st ? [st.check] : []));
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  const problems = dup.map((d) => `check id "${d}" is used twice`);
  if (!s.id.startsWith(`${s.capability}/`)) problems.push(`id must start with its capability "${s.capability}/"`);
  s.steps.forEach((st, i) => {
    if (!('check' in st) || !('result' in st.expect) || st.expect.result.from.split('.').at(-1) !== 'responseCode') return;
    // a kept responseCode is compared with response codes
    const is = st.expect.result.is;
    for (const [j, code] of (Array.isArray(is) ? is : [is]).entries()) {
      if (!(RESPONSE_CODES as readonly string[]).includes(code) && !WHOLE_REFERENCE.test(code)) {
        problems.push(`/steps/${i}/expect/result/is${Array.isArray(is) ? `/${j}` : ''}: ${JSON.stringify(code)} is not one of ${RESPONSE_CODES.join(', ')} or a \${name.field} reference`);
      }
    }
  });
  return problems;
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const out: string[] = [];
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (['.yaml', '.yml', '.json', '.mjs', '.js'].includes(extname(e.name))) out.push(p);
  }
  return out.sort();
}

export interface LoadedScenario {
  scenario: Scenario;
  file: string;
}

/** Loads every scenario under the folders; one error lists every bad file. */
export async function loadScenarios(dirs: string[] = [builtinScenariosDir()]): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  const problems: string[] = [];
  for (const dir of dirs) {
    let files: string[];
    try {
      files = await walk(dir);
    } catch (e) {
      throw new UcspError('usage', `cannot read scenarios in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    for (const file of files) {
      const name = relative(dir, file).split(sep).join('/');
      let values: unknown[];
      try {
        const ext = extname(file);
        if (ext === '.mjs' || ext === '.js') {
          const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
          values = Array.isArray(mod.default) ? mod.default : [mod.default];
        } else {
          const text = await readFile(file, 'utf8');
          values = [ext === '.json' ? JSON.parse(text) : parseYaml(text)];
        }
      } catch (e) {
        problems.push(`${name}: cannot read: ${(e as Error).message}`);
        continue;
      }
      for (const v of values) {
        const p = scenarioProblems(v);
        if (p.length) problems.push(...p.map((x) => `${name}: ${x}`));
        else loaded.push({ scenario: v as Scenario, file });
      }
    }
  }
  const seen = new Map<string, string>();
  for (const l of loaded) {
    const other = seen.get(l.scenario.id);
    if (other) problems.push(`${l.file}: scenario id ${l.scenario.id} is also used by ${other}`);
    seen.set(l.scenario.id, l.file);
  }
  if (problems.length) throw new UcspError('config', `invalid scenario files`, { details: problems });
  return loaded;
}

/** `*` matches within a path segment, `**` across; an id without wildcards matches itself or a prefix folder. */
export function matchesFilter(id: string, filters: string[]): boolean {
  if (filters.length === 0) return true;
  return filters.some((f) => {
    if (!f.includes('*')) return id === f || id.startsWith(f.endsWith('/') ? f : `${f}/`);
    const re = new RegExp(`^${f.split('**').map((part) => part.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')).join('.*')}$`);
    return re.test(id);
  });
}
