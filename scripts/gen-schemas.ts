/**
 * Writes schemas/messages/*.json, schemas/config.schema.json, schemas/scenario.schema.json and the
 * control API's OpenAPI document (openapi/control-api.yaml) from their TypeScript definitions.
 * Run: npm run gen:schemas
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { CONFIG_SCHEMA_FILE, publishedConfigSchema } from '../src/config/published-config.js';
import { publishedMessageSchemas, serialiseSchema } from '../src/schemas/published.js';
import { ScenarioSchema } from '../src/scenarios/scenario-schema.js';
import { CONTROL_API_FILE, controlApiYaml } from '../src/servers/openapi/control-api.js';

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

const openapiFile = fileURLToPath(new URL(`../${CONTROL_API_FILE}`, import.meta.url));
await mkdir(fileURLToPath(new URL('../openapi/', import.meta.url)), { recursive: true });
await writeFile(openapiFile, controlApiYaml());
console.log(`wrote ${openapiFile}`);
