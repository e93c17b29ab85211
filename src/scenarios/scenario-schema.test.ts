import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serialiseSchema } from '../schemas/published.js';
import { loadScenarios } from './load-scenarios.js';
import { CAPABILITY_NAMES, ScenarioSchema } from './scenario-schema.js';

describe('scenario schema and the built-in suite', () => {
  it('schemas/scenario.schema.json matches the TypeBox definition (npm run gen:schemas)', async () => {
    expect(await readFile(new URL('../../schemas/scenario.schema.json', import.meta.url), 'utf8')).toBe(serialiseSchema(ScenarioSchema));
  });

  it('every built-in scenario is valid, with a unique id in its capability folder, and every capability has scenarios', async () => {
    const loaded = await loadScenarios();
    expect(loaded.length).toBeGreaterThanOrEqual(40);
    for (const { scenario, file } of loaded) expect(file.replaceAll('\\', '/')).toContain(`scenarios/${scenario.id}.`);
    for (const cap of CAPABILITY_NAMES) expect(loaded.filter((l) => l.scenario.capability === cap).length, cap).toBeGreaterThanOrEqual(3);
    for (const { scenario } of loaded) {
      for (const st of scenario.steps) if ('check' in st) expect(st.hint.length, `${scenario.id}#${st.check}`).toBeGreaterThan(20);
    }
  });
});
