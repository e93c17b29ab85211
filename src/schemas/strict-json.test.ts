/**
 * The strict reader of received bodies: good JSON parses exactly as JSON.parse would, and every
 * hostile body of fixtures/messages/hostile is a format error (response code 10).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { UcspError, isUcspError } from '../errors/index.js';
import { MAX_DEPTH, decodeUtf8, parseStrictJson, readJsonBody, readStrictly } from './strict-json.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/messages/', import.meta.url));
const HOSTILE_DIR = `${FIXTURES}hostile/`;
const enc = (s: string) => new TextEncoder().encode(s);

/** Runs fn and returns the UcspError it throws; fails the test if it does not throw one. */
function formatError(fn: () => unknown): UcspError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a throw').toBeDefined();
  expect(isUcspError(caught)).toBe(true);
  const e = caught as UcspError;
  expect(e.kind).toBe('format');
  expect(e.responseCode).toBe('10');
  return e;
}

describe('parseStrictJson on good input', () => {
  it.each([
    'null',
    'true',
    'false',
    '0',
    '-0',
    '1234',
    '-1.5e3',
    '2E-2',
    '"text"',
    '""',
    '[]',
    '{}',
    ' \t\r\n{ "a" : [ 1 , { "b" : null } ] } \n',
    '{"a":{"b":{"c":[true,false,null,"x",1.25]}}}',
    '"\\u00e9\\u4e2d\\ud83d\\ude00"',
    '"\\"\\\\\\/\\b\\f\\n\\r\\t"',
    '{"value":"__proto__","other":"constructor"}',
    '{"停车":"parking ✓"}',
    '{"a":"1","A":"2"}',
  ])('%s parses like JSON.parse', (text) => {
    expect(parseStrictJson(text)).toEqual(JSON.parse(text));
  });

  it("reads '\\/' as '/' in values and keys", () => {
    expect(parseStrictJson('"http:\\/\\/127.0.0.1:3000\\/ucsp\\/notify"')).toBe('http://127.0.0.1:3000/ucsp/notify');
    expect(parseStrictJson('{"a\\/b":"x\\/y"}')).toEqual({ 'a/b': 'x/y' });
    const sig = 'ab+/cd/==';
    expect(parseStrictJson(JSON.stringify({ signature: sig }).replaceAll('/', '\\/'))).toEqual({ signature: sig });
  });

  it(`accepts nesting up to MAX_DEPTH (${MAX_DEPTH}) and no deeper`, () => {
    const arrays = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const objects = (n: number) => '{"a":'.repeat(n - 1) + '{}' + '}'.repeat(n - 1);
    expect(parseStrictJson(arrays(MAX_DEPTH))).toEqual(JSON.parse(arrays(MAX_DEPTH)));
    expect(parseStrictJson(objects(MAX_DEPTH))).toEqual(JSON.parse(objects(MAX_DEPTH)));
    expect(formatError(() => parseStrictJson(arrays(MAX_DEPTH + 1))).message).toContain('nesting deeper than');
    expect(formatError(() => parseStrictJson(objects(MAX_DEPTH + 1))).message).toContain('nesting deeper than');
  });

  it('returns plain objects whose prototype was not touched', () => {
    const v = parseStrictJson('{"toString":"x","hasOwnProperty":"y"}') as Record<string, unknown>;
    expect(v).toEqual({ toString: 'x', hasOwnProperty: 'y' });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
  });
});

describe('parseStrictJson on bad input', () => {
  it.each([
    ['', 'unexpected end'],
    ['   ', 'unexpected end'],
    ['{', 'expected a key'],
    ['{"a":1', 'expected "," or "}"'],
    ['[1,2', 'expected "," or "]"'],
    ['{"a":1,}', 'expected a key'],
    ['[1,]', 'unexpected character "]"'],
    ['{"a" 1}', 'expected ":"'],
    ["{'a':1}", 'expected a key'],
    ['{a:1}', 'expected a key'],
    ['"abc', 'unterminated string'],
    ['"abc\\', 'unterminated string'],
    ['"a\nb"', 'control character in string'],
    ['"a\tb"', 'control character in string'],
    ['"\\x41"', 'bad escape in string'],
    ['"\\u12"', 'bad escape in string'],
    ['NaN', 'unexpected character'],
    ['Infinity', 'unexpected character'],
    ['undefined', 'unexpected character'],
    ['tru', 'unexpected token'],
    ['nul', 'unexpected token'],
    ['+1', 'unexpected character "+"'],
    ['-', 'bad number'],
    ['01', 'unexpected data after the JSON value'],
    ['1.', 'unexpected data after the JSON value'],
    ['.5', 'unexpected character "."'],
    ['0x10', 'unexpected data after the JSON value'],
    ['{} {}', 'unexpected data after the JSON value'],
    ['{}x', 'unexpected data after the JSON value'],
    ['{}\u00a0', 'unexpected data after the JSON value'],
    ['\ufeff{}', 'unexpected character'],
    ['{"a":1,"a":1}', 'duplicate key "a"'],
    ['{"a":1,"\\u0061":2}', 'duplicate key "a"'],
    ['{"x":{"__proto__":{"polluted":true}}}', 'forbidden key "__proto__"'],
    ['{"__pro\\u0074o__":{}}', 'forbidden key "__proto__"'],
    ['{"constructor":{"prototype":{}}}', 'forbidden key "constructor"'],
    ['{"prototype":1}', 'forbidden key "prototype"'],
    ['[{"__proto__":1}]', 'forbidden key "__proto__"'],
  ])('%j is rejected: %s', (text, reason) => {
    const e = formatError(() => parseStrictJson(text));
    expect(e.message).toContain('invalid JSON');
    expect(e.message).toContain(reason);
    expect(e.message).toMatch(/at offset [0-9]+$/);
  });

  it('names the offset of the problem', () => {
    // The duplicate "a" spans offsets 7–9; the parser reports where it stopped, right after it.
    const m = /duplicate key "a" at offset ([0-9]+)$/.exec(formatError(() => parseStrictJson('{"a":1,"a":2}')).message);
    expect(Number(m?.[1])).toBeGreaterThanOrEqual(7);
    expect(Number(m?.[1])).toBeLessThanOrEqual(10);
    expect(formatError(() => parseStrictJson('{}x')).message).toMatch(/at offset 2$/);
  });

  it('does not pollute Object.prototype', () => {
    expect(() => parseStrictJson('{"__proto__":{"polluted":"yes"}}')).toThrow(UcspError);
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('decodeUtf8 and readJsonBody', () => {
  it('decode valid UTF-8, multi-byte characters included', () => {
    const text = '{"orderDesc":"停车 2h — café 🚗"}';
    expect(decodeUtf8(enc(text))).toBe(text);
    expect(readJsonBody(enc(text))).toEqual({ text, value: JSON.parse(text) });
    expect(readJsonBody(Buffer.from(text, 'utf8'))).toEqual({ text, value: JSON.parse(text) });
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x80, 0x7d], 'not valid UTF-8'],
    ['0xC3 0x28', [0x22, 0xc3, 0x28, 0x22], 'not valid UTF-8'],
    ['an overlong "/"', [0x22, 0xc0, 0xaf, 0x22], 'not valid UTF-8'],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22], 'not valid UTF-8'],
    ['a truncated sequence', [0x22, 0xe4, 0xb8], 'not valid UTF-8'],
    ['0xFF', [0xff], 'not valid UTF-8'],
    ['a byte-order mark', [0xef, 0xbb, 0xbf, 0x7b, 0x7d], 'byte-order mark'],
  ])('reject %s', (_name, bytes, reason) => {
    const e = formatError(() => decodeUtf8(Uint8Array.from(bytes)));
    expect(e.message).toContain(reason);
    expect(formatError(() => readJsonBody(Uint8Array.from(bytes))).message).toContain(reason);
  });

  it('readJsonBody returns the decoded text unchanged next to the value', () => {
    const text = '{ "a" : "x\\/y" }';
    const r = readJsonBody(enc(text));
    expect(r.text).toBe(text);
    expect(r.value).toEqual({ a: 'x/y' });
  });
});

describe('message fixtures', () => {
  for (const dir of ['valid', 'invalid']) {
    const files = readdirSync(`${FIXTURES}${dir}/`).filter((f) => f.endsWith('.json'));

    it(`every ${dir} fixture (${files.length} files) parses to the same value as JSON.parse`, () => {
      expect(files.length).toBeGreaterThan(20);
      for (const f of files) {
        const bytes = readFileSync(`${FIXTURES}${dir}/${f}`);
        const text = bytes.toString('utf8');
        const r = readJsonBody(bytes);
        expect(r.text, f).toBe(text);
        expect(r.value, f).toEqual(JSON.parse(text));
        const compact = JSON.stringify(JSON.parse(text));
        expect(parseStrictJson(compact), f).toEqual(JSON.parse(compact));
        // Same value when every '/' is written as '\/' (PROFILE §4 verification accepts both).
        expect(parseStrictJson(compact.replaceAll('/', '\\/')), f).toEqual(JSON.parse(compact));
      }
    });
  }
});

interface HostileExpectation {
  file: string;
  reason: string;
  why?: string;
}
const hostile = JSON.parse(readFileSync(`${HOSTILE_DIR}expected.json`, 'utf8')) as HostileExpectation[];

describe('hostile fixtures', () => {
  it('are all listed in expected.json, and cover the required attacks', () => {
    const files = readdirSync(HOSTILE_DIR).filter((f) => f !== 'expected.json').sort();
    expect(hostile.map((h) => h.file).sort()).toEqual(files);
    const reasons = hostile.map((h) => h.reason);
    for (const r of [
      'duplicate key',
      'forbidden key "__proto__"',
      'forbidden key "constructor"',
      'nesting deeper than',
      'not valid UTF-8',
      'byte-order mark',
      'unexpected data after the JSON value',
    ]) {
      expect(reasons.some((x) => x.includes(r)), r).toBe(true);
    }
  });

  it('invalid-utf8.json holds a real 0xC3 0x28 sequence and bom.json a real BOM', () => {
    const bad = readFileSync(`${HOSTILE_DIR}invalid-utf8.json`);
    expect(bad.includes(Buffer.from([0xc3, 0x28]))).toBe(true);
    expect([...readFileSync(`${HOSTILE_DIR}bom.json`).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });

  describe.each(hostile)('$file', ({ file, reason }) => {
    it(`is rejected with code 10: ${reason}`, () => {
      const bytes = readFileSync(HOSTILE_DIR + file);
      const e = formatError(() => readJsonBody(bytes));
      expect(e.message).toContain(reason);
    });
  });

  it('include bodies that plain JSON.parse would have accepted', () => {
    for (const f of ['duplicate-key.json', 'proto-key.json', 'constructor-key.json', 'deep-nesting.json']) {
      const text = readFileSync(HOSTILE_DIR + f, 'utf8');
      expect(() => JSON.parse(text), f).not.toThrow();
      expect(() => parseStrictJson(text), f).toThrow(UcspError);
    }
  });
});

describe('parseStrictJson: the fast path gives what the strict reader gives', () => {
  /** The outcome of a parse as comparable text: the value (key order included) or the error message. */
  const outcome = (f: () => unknown): string => {
    try {
      const v = f();
      return `value ${JSON.stringify(v)} ${Object.is(v, -0) ? '-0' : ''}`;
    } catch (e) {
      return `error ${isUcspError(e) ? e.message : `not a UcspError: ${String(e)}`}`;
    }
  };
  const same = (text: string) => expect(outcome(() => parseStrictJson(text)), text.slice(0, 200)).toBe(outcome(() => readStrictly(text)));

  it('on what the fast path must not take: duplicates (also escaped), forbidden keys, deep nesting, long numbers, colons in strings', () => {
    const cases = [
      '{"a":1,"a":2}',
      '{"a":1,"\\u0061":2}',
      '{"x":{"a":1,"b":{"c":2,"c":3}}}',
      '[{"a":1},{"a":1,"a":1}]',
      '{"__proto__":{"x":1}}',
      '{"a":{"constructor":1}}',
      '{"prototype":[]}',
      `${'['.repeat(MAX_DEPTH)}1${']'.repeat(MAX_DEPTH)}`,
      `${'['.repeat(MAX_DEPTH + 1)}1${']'.repeat(MAX_DEPTH + 1)}`,
      `${'{"a":'.repeat(MAX_DEPTH + 1)}1${'}'.repeat(MAX_DEPTH + 1)}`,
      `{"n":${'1'.repeat(400)}}`,
      `{"n":${'1'.repeat(401)}}`,
      `{"n":1${'0'.repeat(398)}e5}`,
      '{"a:b":"c:d","e\\":f":"\\"g:"}',
      '{"a":"\\\\","b":"\\\\\\""}',
      '{"k":"v"} ',
      ' \n\t{"k" : [1, 2.5e-3, -0, true, false, null, "s"]}\r\n',
      '{"1":1,"0":0,"b":2,"a":3}',
      '-0',
      '"lone \\ud800 surrogate"',
      '{"a":1,}',
      '{"a" 1}',
      '{"a":01}',
      '{"a":"\u0001"}',
      '\ufeff{}',
      '{}{}',
      '',
      '[',
      '{"a":"unterminated',
    ];
    for (const c of cases) same(c);
  });

  it('on 20,000 seeded mutations of a signed message (deletions, insertions, swaps of structural characters)', () => {
    const base = JSON.stringify({
      msgInfo: { versionNo: '1.0.0', msgID: 'P1234567820261130120000000001', timeStamp: '20261130120000', msgType: 'SUBMIT_PAYMENT_ORDER', insID: '12345678' },
      trxInfo: { orderId: 'ORD1', merId: '123456789012345', txnAmt: '1234', backUrl: 'http://127.0.0.1:7400/a?b=c:d', nested: [1, { k: 'v' }], esc: 'q\\"u:o' },
      certificateSignature: { signCertID: '1', signature: 'AAAA+/==' },
    });
    const pieces = ['"', ':', ',', '{', '}', '[', ']', '\\', '"a":1', '"msgInfo":{}', '"__proto__":0', ' ', '1e', '-', '"\\u0041"'];
    let seed = 20261130;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % n;
    };
    for (let k = 0; k < 20_000; k++) {
      let t = base;
      for (let m = 1 + rnd(3); m > 0; m--) {
        const at = rnd(t.length + 1);
        const op = rnd(3);
        if (op === 0) t = t.slice(0, at) + t.slice(at + 1 + rnd(4));
        else if (op === 1) t = t.slice(0, at) + pieces[rnd(pieces.length)]! + t.slice(at);
        else {
          // a key repeated: the member at a random place copied after itself
          const m2 = /"[A-Za-z]+":"[^"]*"/.exec(t.slice(at));
          if (m2) t = t.slice(0, at + m2.index + m2[0].length) + ',' + m2[0] + t.slice(at + m2.index + m2[0].length);
        }
      }
      same(t);
    }
  });
});
