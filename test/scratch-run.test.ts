import { it } from 'vitest';
import { startExampleWorld } from '../examples/partner/with-sandbox.js';
import { runConformance } from '../src/scenarios/run-conformance.js';
it('scratch', async () => {
  const filters = (process.env.SCR_FILTER ?? '').split(',');
  const bugs = process.env.SCR_BUG ? { [process.env.SCR_BUG]: true } : {};
  const world = await startExampleWorld({ bugs });
  try {
    const s = await runConformance({ config: world.config, sandboxUrl: world.sandbox.urls.ucsp, filters });
    for (const r of s.scenarios) {
      console.log(r.id, r.status, r.reason ?? '');
      for (const c of r.checks) console.log('  ', c.status, c.id, c.message);
    }
  } finally { await world.close(); }
}, 120000);
