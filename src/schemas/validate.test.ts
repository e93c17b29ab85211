/**
 * validateMessage against the message fixtures of fixtures/messages: every valid example of
 * PROFILE §6 passes (role inferred and given), every known-bad message fails with the rule and the
 * field path recorded in invalid/expected.json.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { maskMobile } from './mask.js';
import { MESSAGES, MSG_TYPES, isMsgType, type MsgType, type Role } from './messages.js';
import { FIELD_MEANINGS } from './field-meanings.js';
import { formatDiagnostics, inferRole, validateMessage, type Diagnostic } from './validate.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/messages/', import.meta.url));
const VALID_DIR = `${FIXTURES}valid/`;
const INVALID_DIR = `${FIXTURES}invalid/`;

type Json = Record<string, any>;
const load = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;
const clone = <T>(v: T): T => structuredClone(v);

interface ValidFixture {
  file: string;
  msgType: MsgType;
  role: Role;
  msg: Json;
}

/** `TYPE[.variant].role.json` → msgType and role from the name. */
const validFixtures: ValidFixture[] = readdirSync(VALID_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => {
    const parts = file.split('.');
    const msgType = parts[0];
    const role = parts[parts.length - 2];
    if (!isMsgType(msgType)) throw new Error(`${file}: ${String(msgType)} is not a msgType`);
    if (role !== 'request' && role !== 'response') throw new Error(`${file}: role ${String(role)}`);
    return { file, msgType, role, msg: load(VALID_DIR + file) };
  });

const valid = (name: string): Json => {
  const f = validFixtures.find((v) => v.file === name);
  if (!f) throw new Error(`no valid fixture ${name}`);
  return clone(f.msg);
};

interface InvalidExpectation {
  file: string;
  role: Role;
  code: string;
  rule: string;
  path: string;
  why: string;
}
const expectations = load(`${INVALID_DIR}expected.json`) as unknown as InvalidExpectation[];

const brief = (errors: Diagnostic[]) => errors.map((e) => `${e.path} [${e.rule}]`);

describe('valid fixtures', () => {
  it('cover every msgType: a request each, and a response each except INDUSTRY_LOGIN_INFO', () => {
    for (const t of MSG_TYPES) {
      expect(validFixtures.some((f) => f.msgType === t && f.role === 'request'), `${t} request`).toBe(true);
      const hasResponse = validFixtures.some((f) => f.msgType === t && f.role === 'response');
      expect(hasResponse, `${t} response`).toBe(MESSAGES[t].response !== undefined);
    }
    expect(validFixtures.length).toBeGreaterThanOrEqual(21);
  });

  it('include the variants where the rules differ', () => {
    const names = validFixtures.map((f) => f.file);
    for (const n of [
      'PAYMENT_RESULT_NOTICE.request.json',
      'PAYMENT_RESULT_NOTICE.refund.request.json',
      'PAYMENT_RESULT_NOTICE.cancel.request.json',
      'SIGN_AUTO_DEBIT_NOTICE.request.json',
      'SIGN_AUTO_DEBIT_NOTICE.refused.request.json',
      'PAYMENT_RESULT_INQUIRY.05.response.json',
    ]) {
      expect(names).toContain(n);
    }
    expect(valid('PAYMENT_RESULT_NOTICE.request.json').trxInfo).toMatchObject({ txnType: 'PAY', tn: expect.any(String) });
    expect(valid('PAYMENT_RESULT_NOTICE.refund.request.json').trxInfo).toMatchObject({ txnType: 'REFUND', origQryId: expect.any(String) });
    expect(valid('SIGN_AUTO_DEBIT_NOTICE.request.json').msgResponse.responseCode).toBe('00');
    expect(valid('SIGN_AUTO_DEBIT_NOTICE.request.json').trxInfo.contractId).toEqual(expect.any(String));
    expect(valid('SIGN_AUTO_DEBIT_NOTICE.refused.request.json').msgResponse.responseCode).toBe('01');
    expect(valid('SIGN_AUTO_DEBIT_NOTICE.refused.request.json').trxInfo).not.toHaveProperty('contractId');
    expect(valid('PAYMENT_RESULT_INQUIRY.05.response.json').msgResponse.responseCode).toBe('05');
    expect(valid('PAYMENT_RESULT_INQUIRY.05.response.json').trxInfo).not.toHaveProperty('queryId');
  });

  describe.each(validFixtures)('$file', ({ msgType, role, msg }) => {
    it('is valid with the role inferred', () => {
      const r = validateMessage(msg);
      expect(brief(r.errors)).toEqual([]);
      expect(r).toEqual({ valid: true, msgType, role, errors: [] });
      expect(inferRole(msg)).toBe(role);
    });

    it('is valid with the role (and msgType) given explicitly', () => {
      expect(validateMessage(msg, { role })).toEqual({ valid: true, msgType, role, errors: [] });
      expect(validateMessage(msg, { role, msgType })).toEqual({ valid: true, msgType, role, errors: [] });
    });

    it('keeps the key order of PROFILE §3 and the placeholder signature', () => {
      const top = Object.keys(msg);
      expect(top).toEqual(
        msg.msgResponse === undefined
          ? ['msgInfo', 'trxInfo', 'certificateSignature']
          : ['msgInfo', 'trxInfo', 'msgResponse', 'certificateSignature'],
      );
      expect(Object.keys(msg.msgInfo)).toEqual(['versionNo', 'msgID', 'timeStamp', 'msgType', 'insID']);
      expect(msg.certificateSignature).toEqual({ signCertID: '4096', signature: '00000000' });
      expect(Object.keys(msg.certificateSignature)).toEqual(['signCertID', 'signature']);
      // Requests carry no msgResponse; responses and notices do (PROFILE §3).
      const isNotice = MESSAGES[msgType].direction === 'ucsp-to-partner' && MESSAGES[msgType].response !== undefined;
      expect(msg.msgResponse !== undefined).toBe(role === 'response' || isNotice);
    });

    it('uses the sandbox identifiers consistently', () => {
      expect(msg.msgInfo.insID).toBe('12345678');
      if ('merId' in msg.trxInfo) expect(msg.trxInfo.merId).toBe('123456789012345');
      if ('acqIIN' in msg.trxInfo) expect(msg.trxInfo.acqIIN).toBe('00010344');
      if ('currencyCode' in msg.trxInfo) expect(msg.trxInfo.currencyCode).toBe('344');
      // Every scalar in trxInfo is a JSON string (PROFILE §3).
      for (const v of Object.values(msg.trxInfo)) expect(typeof v).toBe('string');
    });
  });

  it('pair every response with its request: the same msgInfo, echoed unchanged (PROFILE §3)', () => {
    for (const res of validFixtures.filter((f) => f.role === 'response')) {
      const requests = validFixtures.filter((f) => f.msgType === res.msgType && f.role === 'request');
      expect(
        requests.some((q) => JSON.stringify(q.msg.msgInfo) === JSON.stringify(res.msg.msgInfo)),
        `${res.file} echoes a request's msgInfo`,
      ).toBe(true);
    }
  });

  it('partner requests validated as responses fail: msgResponse is required', () => {
    for (const f of validFixtures.filter((v) => v.role === 'request' && MESSAGES[v.msgType].direction === 'partner-to-ucsp')) {
      const r = validateMessage(f.msg, { role: 'response' });
      expect(r.valid, f.file).toBe(false);
      expect(r.errors).toContainEqual({ path: 'msgResponse', rule: 'required', message: 'is required' });
    }
  });

  it('INDUSTRY_LOGIN_INFO has no response role', () => {
    const r = validateMessage(valid('INDUSTRY_LOGIN_INFO.request.json'), { role: 'response' });
    expect(r.valid).toBe(false);
    expect(r.errors).toEqual([{ path: '(root)', rule: 'role', message: 'INDUSTRY_LOGIN_INFO has no response message' }]);
  });

  it('ignores unknown fields (PROFILE §3)', () => {
    const m = valid('SUBMIT_PAYMENT_ORDER.request.json');
    m.trxInfo.futureField = 'x';
    m.msgInfo.extra = { nested: true };
    m.extraTopLevel = [1, 2];
    expect(validateMessage(m).valid).toBe(true);
  });
});

describe('invalid fixtures', () => {
  it('are at least 25, every one listed in expected.json with code 10, and every file listed once', () => {
    expect(expectations.length).toBeGreaterThanOrEqual(25);
    const files = readdirSync(INVALID_DIR).filter((f) => f.endsWith('.json') && f !== 'expected.json').sort();
    expect(expectations.map((e) => e.file).sort()).toEqual(files);
    for (const e of expectations) {
      expect(e.code, e.file).toBe('10');
      expect(['request', 'response'], e.file).toContain(e.role);
      expect(e.why.length, e.file).toBeGreaterThan(0);
    }
  });

  it('cover the rules required, pattern, enum, const, type, format, maxLength', () => {
    const rules = new Set(expectations.map((e) => e.rule));
    for (const r of ['required', 'pattern', 'enum', 'const', 'type', 'format', 'maxLength']) expect(rules).toContain(r);
  });

  describe.each(expectations)('$file', (e) => {
    const msg = load(INVALID_DIR + e.file);

    it(`fails with ${e.rule} at ${e.path}`, () => {
      const r = validateMessage(msg, { role: e.role });
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
      expect(brief(r.errors)).toContain(`${e.path} [${e.rule}]`);
    });

    it('has only that one defect (every diagnostic names the same field)', () => {
      const r = validateMessage(msg, { role: e.role });
      for (const d of r.errors) expect(d.path).toBe(e.path);
    });

    it('fails the same way with the role inferred', () => {
      expect(inferRole(msg)).toBe(e.role);
      const r = validateMessage(msg);
      expect(r.valid).toBe(false);
      expect(brief(r.errors)).toContain(`${e.path} [${e.rule}]`);
    });
  });
});

describe('diagnostics', () => {
  it('reports ALL errors at once', () => {
    const m = valid('SUBMIT_PAYMENT_ORDER.request.json');
    m.trxInfo.txnAmt = '12.34';
    m.trxInfo.currencyCode = 'HKD';
    m.trxInfo.backUrl = 'ftp://x';
    delete m.trxInfo.userId;
    m.msgInfo.insID = '1234567';
    const r = validateMessage(m);
    expect(r.valid).toBe(false);
    expect(r.errors.length).toBeGreaterThanOrEqual(5);
    expect(brief(r.errors)).toEqual(
      expect.arrayContaining([
        'trxInfo.txnAmt [pattern]',
        'trxInfo.currencyCode [pattern]',
        'trxInfo.backUrl [pattern]',
        'trxInfo.userId [required]',
        'msgInfo.insID [pattern]',
      ]),
    );
  });

  it('reports three broken fields as three or more diagnostics on three paths', () => {
    const m = valid('PAYMENT_REFUND.request.json');
    m.trxInfo.txnAmt = 0;
    m.trxInfo.origQryId = 'short';
    m.trxInfo.txnTime = '20261332250000';
    const r = validateMessage(m);
    expect(r.errors.length).toBeGreaterThanOrEqual(3);
    expect(new Set(r.errors.map((d) => d.path))).toEqual(new Set(['trxInfo.txnAmt', 'trxInfo.origQryId', 'trxInfo.txnTime']));
  });

  it('says each problem once (no duplicates)', () => {
    const m = valid('PAYMENT_RESULT_NOTICE.request.json');
    m.trxInfo.txnType = 'CAPTURE';
    m.msgResponse.responseCode = '99';
    const r = validateMessage(m);
    const keys = r.errors.map((d) => `${d.path}|${d.rule}|${d.message}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(r.errors.filter((d) => d.path === 'trxInfo.txnType')).toEqual([
      { path: 'trxInfo.txnType', rule: 'enum', message: 'is not one of the allowed values', meaning: 'PAY, CANCEL or REFUND', value: 'CAPTURE' },
    ]);
    expect(brief(r.errors)).toContain('msgResponse.responseCode [enum]');
  });

  it('carries the offending value, and none for a missing field', () => {
    const m = valid('SUBMIT_PAYMENT_ORDER.request.json');
    m.trxInfo.txnAmt = '12.34';
    delete m.trxInfo.currencyCode;
    const r = validateMessage(m);
    expect(r.errors).toContainEqual({ path: 'trxInfo.txnAmt', rule: 'pattern', message: 'must match ^[1-9][0-9]{0,11}$', meaning: FIELD_MEANINGS.txnAmt, value: '12.34' });
    const missing = r.errors.find((d) => d.path === 'trxInfo.currencyCode');
    expect(missing).toEqual({ path: 'trxInfo.currencyCode', rule: 'required', message: 'is required', meaning: FIELD_MEANINGS.currencyCode });
    expect(missing).not.toHaveProperty('value');
  });

  it('masks a mobile number in the diagnostic value and in the formatted lines', () => {
    for (const mobile of ['+8529000000A', '+852900000011112222333', '+85-290000001']) {
      const m = valid('INDUSTRY_LOGIN_INFO.request.json');
      m.trxInfo.mobile = mobile;
      const r = validateMessage(m);
      expect(r.valid).toBe(false);
      const d = r.errors.find((e) => e.path === 'trxInfo.mobile');
      expect(d).toBeDefined();
      expect(d?.rule).toBe('pattern');
      expect(d?.value).toBe(maskMobile(mobile));
      expect(String(d?.value)).not.toContain(mobile);
      expect(String(d?.value)).toContain('*');
      expect(String(d?.value)).toHaveLength(mobile.length);
      const text = JSON.stringify(r) + formatDiagnostics(r.errors).join('\n');
      expect(text).not.toContain(mobile);
      expect(text).not.toContain(mobile.slice(3, -2));
    }
  });

  it('formats one line per diagnostic: path, the field in plain words, the value, then the rule', () => {
    const m = valid('SUBMIT_PAYMENT_ORDER.request.json');
    m.trxInfo.currencyCode = 'HKD';
    delete m.trxInfo.backUrl;
    const lines = formatDiagnostics(validateMessage(m).errors);
    expect(lines).toHaveLength(2);
    expect(lines).toContain('trxInfo.currencyCode: the ISO 4217 numeric currency code, 3 digits ("344" for HKD) — got "HKD" (must match ^[0-9]{3}$ [pattern])');
    expect(lines).toContain('trxInfo.backUrl: is required — an absolute http(s) URL of at most 512 characters [required]');
  });

  it.each([
    ['txnAmt', '12.34', 'trxInfo.txnAmt: minor units, a whole number without a dot or leading zero ("1234" for 12.34 HKD) — got "12.34" (must match ^[1-9][0-9]{0,11}$ [pattern])'],
    ['txnAmt', 1234, 'trxInfo.txnAmt: minor units, a whole number without a dot or leading zero ("1234" for 12.34 HKD) — got 1234 (must be a string [type])'],
    ['orderId', 'A-1', 'trxInfo.orderId: the order number, 8–40 letters and digits, new for every payment, cancellation and refund — got "A-1"'],
    ['merId', '123', 'trxInfo.merId: the merchant ID, 15 letters and digits — got "123"'],
    ['acqIIN', '1234', 'trxInfo.acqIIN: the acquirer IIN, 8 digits — got "1234"'],
    ['currencyCode', 'HKD', 'trxInfo.currencyCode: the ISO 4217 numeric currency code, 3 digits'],
    ['txnTime', '20261301000000', 'trxInfo.txnTime: the transaction time: a real date and time as 14 digits yyyyMMddHHmmss'],
    ['userId', '', "trxInfo.userId: the channel app's user ID, 1–64 printable ASCII characters — got \"\""],
    ['backUrl', 'ftp://x', 'trxInfo.backUrl: an absolute http(s) URL of at most 512 characters — got "ftp://x" (must match ^https?://[^\\s]+$ [pattern])'],
  ])('says what %s means beside the rule it broke', (field, value, line) => {
    const m = valid('SUBMIT_PAYMENT_ORDER.request.json');
    m.trxInfo[field] = value;
    const lines = formatDiagnostics(validateMessage(m).errors);
    expect(lines.some((l) => l.startsWith(line)), lines.join('\n')).toBe(true);
  });

  it('names the envelope fields in plain words too (msgID, timeStamp, versionNo)', () => {
    const m = valid('PAYMENT_RESULT_INQUIRY.request.json');
    m.msgInfo.msgID = 'P-1';
    m.msgInfo.timeStamp = '2026-11-30';
    m.msgInfo.versionNo = '2.0';
    const text = formatDiagnostics(validateMessage(m).errors).join('\n');
    expect(text).toContain('msgInfo.msgID: a new ID for every message, 1–64 letters and digits — got "P-1"');
    expect(text).toContain('msgInfo.timeStamp: when the message was sent: a real date and time as 14 digits yyyyMMddHHmmss');
    expect(text).toContain('msgInfo.versionNo: the protocol version, always "1.0.0" — got "2.0" (must be "1.0.0" [const])');
  });

  it('reports an unknown msgType as enum whether or not the role is given', () => {
    const m = valid('PAYMENT_RESULT_INQUIRY.request.json');
    m.msgInfo.msgType = 'PAYMENT_STATUS';
    for (const r of [validateMessage(m), validateMessage(m, { role: 'request' }), validateMessage(m, { role: 'response' })]) {
      expect(r.valid).toBe(false);
      expect(r.msgType).toBeUndefined();
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ path: 'msgInfo.msgType', rule: 'enum', value: 'PAYMENT_STATUS' });
    }
  });

  it('checks a message against an explicitly given msgType', () => {
    const m = valid('PAYMENT_RESULT_INQUIRY.request.json');
    const r = validateMessage(m, { msgType: 'REFUND_RESULT_INQUIRY', role: 'request' });
    expect(r.valid).toBe(false);
    expect(r.msgType).toBe('REFUND_RESULT_INQUIRY');
    expect(brief(r.errors)).toEqual(['msgInfo.msgType [const]']);
  });

  it('does not throw on values that are not messages', () => {
    for (const v of [[], 'text', 42, true, {}, { msgInfo: 5 }]) {
      const r = validateMessage(v);
      expect(r.valid).toBe(false);
      expect(r.errors.length).toBeGreaterThan(0);
    }
    expect(brief(validateMessage([]).errors)).toEqual(['(root) [type]']);
    expect(brief(validateMessage({}).errors)).toEqual(['msgInfo [required]', 'trxInfo [required]', 'certificateSignature [required]']);
  });

  it('checks calendar validity of times, not only their shape', () => {
    for (const [t, ok] of [
      ['20240229235959', true], // leap day
      ['20260229120000', false],
      ['20261231000000', true],
      ['20260431120000', false],
      ['20261125240000', false],
      ['20261125236000', false],
      ['20261125235960', false],
      ['20261300000000', false],
      ['20260001000000', false],
    ] as const) {
      const m = valid('SUBMIT_AUTO_DEBIT.request.json');
      m.trxInfo.txnTime = t;
      m.msgInfo.timeStamp = t;
      const r = validateMessage(m);
      expect(r.valid, t).toBe(ok);
      if (!ok) expect(brief(r.errors)).toEqual(['msgInfo.timeStamp [format]', 'trxInfo.txnTime [format]']);
    }
  });

  it('accepts the boundaries of §5 and rejects one past them', () => {
    const cases: Array<[string, string, boolean]> = [
      ['txnAmt', '1', true],
      ['txnAmt', '999999999999', true],
      ['txnAmt', '1000000000000', false],
      ['orderId', 'A'.repeat(8), true],
      ['orderId', 'A'.repeat(40), true],
      ['userId', 'u', true],
      ['userId', '~'.repeat(64), true],
      ['userId', 'x'.repeat(65), false],
      ['userId', '', false],
      ['userId', 'usér', false],
      ['backUrl', `https://127.0.0.1/${'a'.repeat(512 - 'https://127.0.0.1/'.length)}`, true],
      ['backUrl', `https://127.0.0.1/${'a'.repeat(513 - 'https://127.0.0.1/'.length)}`, false],
      ['backUrl', 'http://127.0.0.1/a b', false],
      ['backUrl', '/relative/notify', false],
      ['orderDesc', 'é'.repeat(128), true],
      ['orderDesc', '', true],
    ];
    for (const [field, value, ok] of cases) {
      const m = valid('SUBMIT_PAYMENT_ORDER.request.json');
      m.trxInfo[field] = value;
      const r = validateMessage(m);
      expect(r.valid, `${field}=${value.slice(0, 30)}`).toBe(ok);
      if (!ok) for (const d of r.errors) expect(d.path).toBe(`trxInfo.${field}`);
    }
  });
});
