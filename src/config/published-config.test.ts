import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { getAjv } from '../schemas/validate.js';
import { serialiseSchema } from '../schemas/published.js';
import { DEFAULT_CONFIG } from './defaults.js';
import { CONFIG_SCHEMA_FILE, publishedConfigSchema } from './published-config.js';

const file = new URL(`../../schemas/${CONFIG_SCHEMA_FILE}`, import.meta.url);

describe('published config JSON Schema', () => {
  it('schemas/config.schema.json matches the TypeBox definition (run npm run gen:schemas after a change)', async () => {
    expect(await readFile(file, 'utf8')).toBe(serialiseSchema(publishedConfigSchema()));
  });

  it('is closed at every level, documents defaults, and accepts the defaults themselves', async () => {
    const doc = JSON.parse(await readFile(file, 'utf8')) as {
      additionalProperties: boolean;
      properties: Record<string, { default?: unknown; additionalProperties?: boolean; properties?: Record<string, { default?: unknown }> }>;
    };
    expect(doc.additionalProperties).toBe(false);
    for (const k of ['partner', 'notices', 'skew']) expect(doc.properties[k]?.additionalProperties, k).toBe(false);
    expect(doc.properties.port?.default).toBe(7300);
    expect(doc.properties.partner?.properties?.merId?.default).toBe('123456789012345');
    const validate = getAjv().compile(publishedConfigSchema());
    expect(validate(JSON.parse(JSON.stringify(DEFAULT_CONFIG))), JSON.stringify(validate.errors)).toBe(true);
  });
});
