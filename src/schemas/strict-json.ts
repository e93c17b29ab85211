/**
 * Strict reading of a received body: valid UTF-8, one JSON value, no duplicate keys, no
 * prototype-polluting keys, bounded nesting. Anything else is a `format` error (code 10).
 * JSON.parse alone silently keeps the last of duplicate keys, which would let two readers of the
 * same signed bytes see different messages.
 */
import { UcspError } from '../errors/index.js';

export const MAX_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes bytes as strict UTF-8 (no BOM, no invalid sequences). */
export function decodeUtf8(bytes: Uint8Array): string {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new UcspError('format', 'body is not valid UTF-8');
  }
  if (text.charCodeAt(0) === 0xfeff) throw new UcspError('format', 'body starts with a byte-order mark');
  return text;
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new UcspError('format', `invalid JSON: ${what} at offset ${this.i}`);
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  parseDocument(): unknown {
    this.ws();
    const v = this.value(0);
    this.ws();
    if (this.i !== this.s.length) this.fail('unexpected data after the JSON value');
    return v;
  }

  value(depth: number): unknown {
    const c = this.s[this.i];
    if (c === '{') return this.object(depth + 1);
    if (c === '[') return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail(c === undefined ? 'unexpected end' : `unexpected character ${JSON.stringify(c)}`);
  }

  literal<T>(word: string, v: T): T {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return v;
    }
    return this.fail('unexpected token');
  }

  number(): number {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return this.fail('bad number');
    this.i += m[0].length;
    return Number(m[0]);
  }

  string(): string {
    const start = this.i;
    this.i++;
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('unterminated string');
      if (c === 0x22) break;
      if (c < 0x20) this.fail('control character in string');
      if (c === 0x5c) this.i++;
      this.i++;
    }
    this.i++;
    try {
      return JSON.parse(s.slice(start, this.i)) as string;
    } catch {
      this.i = start;
      return this.fail('bad escape in string');
    }
  }

  object(depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const key = this.string();
      if (FORBIDDEN_KEYS.has(key)) this.fail(`forbidden key ${JSON.stringify(key)}`);
      if (Object.hasOwn(out, key)) this.fail(`duplicate key ${JSON.stringify(key)}`);
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      this.ws();
      out[key] = this.value(depth);
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === ',') continue;
      if (c === '}') return out;
      this.i--;
      this.fail('expected "," or "}"');
    }
  }

  array(depth: number): unknown[] {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth));
      this.ws();
      const c = this.s[this.i];
      this.i++;
      if (c === ',') continue;
      if (c === ']') return out;
      this.i--;
      this.fail('expected "," or "]"');
    }
  }
}

/** The strict reader alone: what parseStrictJson answers, always (its reference in tests). */
export function readStrictly(text: string): unknown {
  return new Parser(text).parseDocument();
}

/**
 * Parses JSON text strictly; throws UcspError('format') with the reason and offset.
 *
 * Fast path (the request path parses every body): the native JSON.parse, whose grammar is the
 * strict reader's, plus one scan of the text that counts the members (a colon outside strings is
 * one member) and the nesting. A text whose parsed objects hold as many keys as it has members has
 * no duplicate key; with no forbidden key either and nesting within MAX_DEPTH, the value is the one
 * the strict reader gives. Anything else — invalid JSON, a duplicate, a forbidden key, too deep —
 * is read again by the strict reader, which says exactly what and where.
 */
export function parseStrictJson(text: string): unknown {
  const scanned = scanMembers(text);
  if (scanned !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = NOT_PARSED;
    }
    if (value !== NOT_PARSED && keysIfClean(value) === scanned) return value;
  }
  return readStrictly(text);
}

const NOT_PARSED = Symbol('not parsed');

/** Colons outside strings (one per object member), or undefined when nesting goes past MAX_DEPTH. */
function scanMembers(s: string): number | undefined {
  let members = 0;
  let depth = 0;
  let run = 0; // characters of the number (or literal) being scanned: the strict reader takes 400 at most
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45) {
      if (++run > 400) return undefined;
      continue;
    }
    run = 0;
    if (c === 0x22) {
      // a string: to its closing quote, stepping over escapes
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x3a) members++;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_DEPTH) return undefined;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return members;
}

/** The keys of every object in a parsed value, or -1 when one of them is forbidden. */
function keysIfClean(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) {
      const k = keysIfClean(x);
      if (k < 0) return -1;
      n += k;
    }
    return n;
  }
  for (const key of Object.keys(v)) {
    if (FORBIDDEN_KEYS.has(key)) return -1;
    const k = keysIfClean((v as Record<string, unknown>)[key]);
    if (k < 0) return -1;
    n += k + 1;
  }
  return n;
}

/** Decodes and parses a received body in one step. */
export function readJsonBody(bytes: Uint8Array): { text: string; value: unknown } {
  const text = decodeUtf8(bytes);
  return { text, value: parseStrictJson(text) };
}
