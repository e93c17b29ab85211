/** The JSON Schema documents published in `schemas/` (for editors' `$schema` and other tools). */
import { Envelope } from './envelope.js';
import { MESSAGES, MSG_TYPES } from './messages.js';

/** File name → JSON Schema document. */
export function publishedMessageSchemas(): Record<string, object> {
  const out: Record<string, object> = { 'envelope.schema.json': Envelope };
  for (const t of MSG_TYPES) {
    out[`${t}.request.schema.json`] = MESSAGES[t].request;
    const r = MESSAGES[t].response;
    if (r) out[`${t}.response.schema.json`] = r;
  }
  return out;
}

/** Serialises a schema as published: draft 2020-12 tag, stable 2-space JSON. */
export function serialiseSchema(schema: object): string {
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, null, 2)}\n`;
}
