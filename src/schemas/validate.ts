/**
 * The one ajv instance and the compiled validators of every message. Errors become Diagnostics
 * that name the field path, the rule broken and the offending value (mobile masked).
 */
import { createRequire } from 'node:module';
import type { Ajv as AjvType, ErrorObject, ValidateFunction } from 'ajv';
import { precompiled, precompiledAvailable } from './precompiled.js';
import { fieldMeaning } from './field-meanings.js';
import { isUcspTime } from './patterns.js';
import { maskField } from './mask.js';
import { DIRECTIONS, MSG_TYPES, isMsgType, type MsgType, type Role } from './message-types.js';

/**
 * The schema objects (TypeBox) are needed only to compile validators, i.e. where the build's
 * precompiled ones are absent (running from src/): then they are loaded here, before first use.
 * Built, the server never loads TypeBox — a good part of its start-up time.
 */
const schemaDefs = precompiledAvailable ? undefined : await import('./schema-defs.js');

export interface Diagnostic {
  /** Dotted path of the field, e.g. `trxInfo.txnAmt`; `(root)` for the message itself. */
  path: string;
  /** The JSON Schema rule that failed: required, pattern, type, const, enum, maxLength… */
  rule: string;
  message: string;
  /** What the field means and looks like, in plain words (PROFILE §5), when it is a known field. */
  meaning?: string;
  /** The offending value, masked where it is personal data; absent for a missing field. */
  value?: unknown;
}

export interface ValidationResult {
  valid: boolean;
  msgType?: MsgType;
  role?: Role;
  errors: Diagnostic[];
}

const require = createRequire(import.meta.url);
let instance: AjvType | undefined;

/** The one ajv instance, made on first use (loading ajv costs start-up time a server does not need yet). */
export function getAjv(): AjvType {
  if (instance) return instance;
  const { Ajv } = require('ajv') as typeof import('ajv');
  // ajv-formats is CommonJS with a default export
  const formats = require('ajv-formats') as { default?: unknown };
  const addFormats = (formats.default ?? formats) as (ajv: AjvType, list: string[]) => AjvType;
  instance = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  addFormats(instance, ['uri']);
  instance.addFormat('ucsp-time', { type: 'string', validate: isUcspTime });
  return instance;
}

// Compiled on first use: compiling all 21 schemas up front costs ~300 ms of start-up.
let envelopeCompiled: ValidateFunction | undefined;
function envelopeValidator(msg: unknown): boolean {
  envelopeCompiled ??= precompiled('envelope') ?? getAjv().compile(schemaDefs!.Envelope);
  return envelopeCompiled(msg) as boolean;
}
const validators = new Map<string, ValidateFunction>();
function validatorFor(msgType: MsgType, role: Role): ValidateFunction | undefined {
  const key = `${msgType}.${role}`;
  let v = validators.get(key);
  if (!v) {
    if (role === 'response' && msgType === 'INDUSTRY_LOGIN_INFO') return undefined; // no answer message
    v = precompiled(`${msgType}__${role}`);
    if (!v) {
      const def = schemaDefs!.MESSAGES[msgType];
      const schema = role === 'request' ? def.request : def.response;
      if (!schema) return undefined;
      v = getAjv().compile(schema);
    }
    validators.set(key, v);
  }
  return v;
}

function pathOf(e: ErrorObject): string {
  const base = e.instancePath.split('/').filter(Boolean).join('.');
  const missing = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty : undefined;
  const full = missing ? (base ? `${base}.${missing}` : missing) : base;
  return full || '(root)';
}

function valueAt(data: unknown, path: string): unknown {
  if (path === '(root)') return undefined;
  let cur: unknown = data;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function describe(e: ErrorObject): string {
  switch (e.keyword) {
    case 'required':
      return 'is required';
    case 'pattern':
      return `must match ${(e.params as { pattern: string }).pattern}`;
    case 'const':
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    case 'type':
      return `must be a ${(e.params as { type: string }).type}`;
    case 'not':
      return 'must be absent';
    case 'format':
      return `must be a valid ${(e.params as { format: string }).format === 'ucsp-time' ? 'yyyyMMddHHmmss time' : (e.params as { format: string }).format}`;
    default:
      return e.message ?? e.keyword;
  }
}

function toDiagnostics(errors: ErrorObject[] | null | undefined, data: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    // if/anyOf wrappers repeat what the inner rules already say.
    if (e.keyword === 'if' || e.keyword === 'anyOf') continue;
    const path = pathOf(e);
    // A union of literals reports one "const" per member; say it once, as an enum.
    let rule = e.keyword;
    let message = describe(e);
    if (e.keyword === 'const' && e.schemaPath.includes('/anyOf/')) {
      rule = 'enum';
      message = 'is not one of the allowed values';
    }
    const key = `${path}|${rule}|${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const d: Diagnostic = { path, rule, message };
    const meaning = fieldMeaning(path);
    if (meaning) d.meaning = meaning;
    if (e.keyword !== 'required') {
      const v = valueAt(data, path);
      if (v !== undefined) d.value = maskField(path.split('.').pop() ?? '', v);
    }
    out.push(d);
  }
  return out;
}

/**
 * Which role a message plays when the caller does not say: a partner→UCSP message with
 * msgResponse is a response; a notice without its business fields is the partner's answer.
 */
export function inferRole(msg: unknown): Role {
  const m = (msg !== null && typeof msg === 'object' ? msg : {}) as { msgInfo?: { msgType?: unknown }; msgResponse?: unknown; trxInfo?: unknown };
  const t = m.msgInfo?.msgType;
  if (!isMsgType(t)) return m.msgResponse === undefined ? 'request' : 'response';
  if (DIRECTIONS[t] === 'partner-to-ucsp') return m.msgResponse === undefined ? 'request' : 'response';
  if (t === 'INDUSTRY_LOGIN_INFO') return 'request';
  // A notice answer carries at most orderId and merId; anything else makes it the notice itself.
  const trx = m.trxInfo !== null && typeof m.trxInfo === 'object' ? Object.keys(m.trxInfo) : [];
  return trx.every((k) => k === 'orderId' || k === 'merId') ? 'response' : 'request';
}

/**
 * Validates a parsed message against its schema and reports every error at once.
 * `role` defaults to what `inferRole` infers.
 */
export function validateMessage(msg: unknown, options: { role?: Role; msgType?: MsgType } = {}): ValidationResult {
  // Hot path (the gateway knows type and role): a message valid for its own schema — which holds
  // the envelope's rules too — needs no envelope pass. Invalid ones take the full path below.
  if (options.msgType && options.role) {
    const v = validatorFor(options.msgType, options.role);
    if (v && (v(msg) as boolean)) return { valid: true, msgType: options.msgType, role: options.role, errors: [] };
  }
  if (!envelopeValidator(msg)) {
    const errors = toDiagnostics(envelopeCompiled?.errors, msg);
    // Keep going where we can: a known msgType still gets its full, more precise check.
    const t = (msg as { msgInfo?: { msgType?: unknown } } | null)?.msgInfo?.msgType;
    if (!isMsgType(t) && !options.msgType) {
      if (t !== undefined && !errors.some((e) => e.path === 'msgInfo.msgType')) {
        errors.push({ path: 'msgInfo.msgType', rule: 'enum', message: `must be one of ${MSG_TYPES.join(', ')}`, value: t });
      }
      return { valid: false, errors };
    }
  }
  const m = msg as { msgInfo: { msgType: string } };
  const msgType = options.msgType ?? m.msgInfo.msgType;
  if (!isMsgType(msgType)) {
    return {
      valid: false,
      errors: [{ path: 'msgInfo.msgType', rule: 'enum', message: `must be one of ${MSG_TYPES.join(', ')}`, value: msgType }],
    };
  }
  const role = options.role ?? inferRole(msg);
  const validator = validatorFor(msgType, role);
  if (!validator) {
    return {
      valid: false,
      msgType,
      role,
      errors: [{ path: '(root)', rule: 'role', message: `${msgType} has no ${role} message` }],
    };
  }
  const valid = validator(msg) as boolean;
  return { valid, msgType, role, errors: valid ? [] : toDiagnostics(validator.errors, msg) };
}

/**
 * One line per diagnostic, for people: the field's meaning in plain words first, then what was
 * sent, then the rule (regex) it broke — `trxInfo.txnAmt: minor units, a whole number without a dot
 * … — got "12.34" (must match ^[1-9][0-9]{0,11}$ [pattern])`. What `lint` prints and UCSP's reason
 * for a 10.
 */
export function formatDiagnostics(errors: Diagnostic[]): string[] {
  return errors.map((e) => {
    const got = e.value === undefined ? '' : ` (got ${JSON.stringify(e.value)})`;
    if (!e.meaning) return `${e.path}: ${e.message} [${e.rule}]${got}`;
    if (e.value === undefined) return `${e.path}: ${e.message} — ${e.meaning} [${e.rule}]`;
    return `${e.path}: ${e.meaning} — got ${JSON.stringify(e.value)} (${e.message} [${e.rule}])`;
  });
}
