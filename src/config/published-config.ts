/** The JSON Schema of `ucsp-sandbox.config.json`, published as `schemas/config.schema.json`. */
import { SandboxConfigFileSchema } from './config-schema.js';

/** File name of the published schema inside `schemas/`. */
export const CONFIG_SCHEMA_FILE = 'config.schema.json';

/** The `$schema` value `init` writes into a config file next to `node_modules`. */
export { CONFIG_SCHEMA_REF } from './defaults.js';

/** The configuration file's JSON Schema document (serialise it with `serialiseSchema`). */
export function publishedConfigSchema(): object {
  return SandboxConfigFileSchema;
}
