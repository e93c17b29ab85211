/** Writes schemas/messages/*.json and schemas/config.schema.json from the TypeBox definitions. Run: npm run gen:schemas */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA_FILE, publishedConfigSchema } from '../src/config/published-config.js';
import { publishedMessageSchemas, serialiseSchema } from '../src/schemas/published.js';
import { ScenarioSchema } from '../src/scenarios/scenario-schema.js';

const dir = fileURLToPath(new URL('../schemas/messages/', import.meta.url));
await mkdir(dir, { recursive: true });
for (const [name, schema] of Object.entries(publishedMessageSchemas())) {
  await writeFile(dir + name, serialiseSchema(schema));
}
console.log(`wrote ${Object.keys(publishedMessageSchemas()).length} schemas to ${dir}`);

const configFile = fileURLToPath(new URL(`../schemas/${CONFIG_SCHEMA_FILE}`, import.meta.url));
await writeFile(configFile, serialiseSchema(publishedConfigSchema()));
console.log(`wrote ${configFile}`);

const scenarioFile = fileURLToPath(new URL('../schemas/scenario.schema.json', import.meta.url));
await writeFile(scenarioFile, serialiseSchema(ScenarioSchema));
console.log(`wrote ${scenarioFile}`);
