import { readFile, readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { publishedMessageSchemas, serialiseSchema } from './published.js';

const dir = new URL('../../schemas/messages/', import.meta.url);

describe('published JSON Schemas', () => {
  it('schemas/messages matches the TypeBox definitions (run npm run gen:schemas after a change)', async () => {
    const expected = publishedMessageSchemas();
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(expected).sort());
    for (const [name, schema] of Object.entries(expected)) {
      expect(await readFile(new URL(name, dir), 'utf8'), name).toBe(serialiseSchema(schema));
    }
  });

  it('publishes a request schema for all 11 message types and a response for the 10 with answers', () => {
    const names = Object.keys(publishedMessageSchemas());
    expect(names.filter((n) => n.endsWith('.request.schema.json'))).toHaveLength(11);
    expect(names.filter((n) => n.endsWith('.response.schema.json'))).toHaveLength(10);
  });
});
