import { describe, expect, it } from 'vitest';
import { DIRECTIONS, MSG_TYPES, allowedResponseCodes } from './message-types.js';
import { MESSAGES } from './messages.js';
import { PATTERNS } from './patterns.js';
import { F } from './fields.js';

/** The codes a schema allows, read from the TypeBox definition itself. */
function schemaCodes(schema: unknown): string[] {
  const rc = (schema as { properties?: { msgResponse?: { properties?: { responseCode?: { anyOf?: { const?: string }[] } } } } } | undefined)?.properties?.msgResponse?.properties?.responseCode;
  return (rc?.anyOf ?? []).map((x) => x.const!).filter(Boolean);
}

describe('the plain message table agrees with the schemas', () => {
  it.each(MSG_TYPES.map((t) => [t]))('%s: direction and response codes', (t) => {
    expect(DIRECTIONS[t]).toBe(MESSAGES[t].direction);
    expect(allowedResponseCodes(t)).toEqual(schemaCodes(MESSAGES[t].response));
    expect(allowedResponseCodes(t, 'request')).toEqual(schemaCodes(MESSAGES[t].request));
  });
  it('field patterns are the schemas’ patterns', () => {
    for (const [k, p] of Object.entries(PATTERNS)) expect((F as Record<string, { pattern?: string }>)[k]!.pattern, k).toBe(p);
  });
});
