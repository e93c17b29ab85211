/**
 * Loads `ucsp-sandbox.config.json`: finds it, reads it strictly, validates it against the schema and
 * the rules a schema cannot express, and fills every default. Precedence: defaults < file <
 * overrides (command-line flags). Every problem is reported at once in one UcspError('config');
 * nothing is half-loaded. Reading a configuration has no side effects (it creates no keys or folders).
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { UcspError, nearestNames } from '../errors/index.js';
import { zoneOffsetMinutes } from '../protocol/time.js';
import { maskMobile } from '../schemas/mask.js';
import { parseStrictJson } from '../schemas/strict-json.js';
import { getAjv } from '../schemas/validate.js';
import { precompiled, precompiledAvailable } from '../schemas/precompiled.js';
import type { DeepPartial, SandboxConfig } from './config-schema.js';
import { readFileSync } from 'node:fs';
import { packageRoot } from '../errors/index.js';

/** The TypeBox schema only where the build's precompiled validator is absent (running from src/). */
const schemaModule = precompiledAvailable ? undefined : await import('./config-schema.js');

/** The schema document, for naming known keys in error messages: TypeBox's, or the published file. */
function schemaDocument(): unknown {
  if (schemaModule) return schemaModule.SandboxConfigFileSchema;
  return JSON.parse(readFileSync(join(packageRoot(), 'schemas', 'config.schema.json'), 'utf8')) as unknown;
}
import { CONFIG_FILE_NAME, DEFAULT_CONFIG, DEFAULT_PARTNER_CERTIFICATE_FILE } from './defaults.js';

export interface LoadConfigOptions {
  /** Folder to look for `ucsp-sandbox.config.json` in, and to resolve `configPath` and override paths against. */
  cwd: string;
  /** An explicit config file (`--config`); a missing file is an error. */
  configPath?: string;
  /** Values that beat the file, typically from flags. Relative paths in them resolve against `cwd`. */
  overrides?: DeepPartial<SandboxConfig>;
  /** With `partners`: the insID of the one that `partner` (and `overrides.partner`) stands for; default the first. */
  partner?: string;
}

export interface LoadedConfig {
  /** Fully resolved: every default filled, `keysDir` and `partner.certificate` absolute. */
  config: SandboxConfig;
  /** Absolute path of the config file used, if any. */
  file?: string;
  /** True when no config file was used: everything not overridden is a default. */
  usedDefaults: boolean;
}

/** One problem in a configuration: the dotted path (`partner.merId`, `users.1.userId`) and what is wrong. */
export interface ConfigProblem {
  path: string;
  message: string;
}

/** `partner.merId: must match ^[0-9A-Za-z]{15}$ (got "123")`. */
export function formatConfigProblem(p: ConfigProblem): string {
  return `${p.path}: ${p.message}`;
}

/**
 * Finds, reads, validates and resolves the configuration.
 * @throws UcspError('config') when the file named by `configPath` is missing, a file is not strict
 *   JSON, or the configuration (file or overrides) has problems — all of them listed in `details`.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const cwd = resolve(options.cwd);
  let file: string | undefined;
  let raw: unknown;
  if (options.configPath !== undefined) {
    file = resolve(cwd, options.configPath);
    raw = await readConfigFile(file, true);
  } else {
    const candidate = join(cwd, CONFIG_FILE_NAME);
    raw = await readConfigFile(candidate, false);
    if (raw !== NO_FILE) file = candidate;
  }
  const config = resolveConfig(file === undefined ? undefined : raw, {
    baseDir: file === undefined ? cwd : dirname(file),
    cwd,
    source: file,
    overrides: options.overrides,
    ...(options.partner !== undefined ? { partner: options.partner } : {}),
  });
  return file === undefined ? { config, usedDefaults: true } : { config, file, usedDefaults: false };
}

export interface ResolveConfigOptions {
  /** Folder that relative paths in `raw` resolve against (the config file's folder). */
  baseDir: string;
  /** Folder that relative paths in `overrides` resolve against; defaults to `baseDir`. */
  cwd?: string;
  /** Where `raw` came from, for the error message (a file path); absent when there is no file. */
  source?: string;
  /** Where `overrides` came from, for the error message. Default "command-line options". */
  overridesSource?: string;
  overrides?: DeepPartial<SandboxConfig>;
  /** With `partners`: the insID of the one that `partner` (and `overrides.partner`) stands for; default the first. */
  partner?: string;
}

/**
 * Validates a parsed configuration (as written in a file; `undefined` for none) plus overrides and
 * returns the resolved configuration. Used by `loadConfig`, and by `init` to check what it is about
 * to write with the very same rules.
 */
export function resolveConfig(raw: unknown, options: ResolveConfigOptions): SandboxConfig {
  const cwd = options.cwd ?? options.baseDir;
  const overrides = absolutiseOverridePaths(stripUndefined(options.overrides ?? {}), cwd);
  const fileProblems = raw === undefined ? [] : schemaProblems(raw);
  const overrideProblems = schemaProblems(overrides);
  const merged = asObject(merge(merge(structuredClone(DEFAULT_CONFIG), raw), overrides));
  const known = [...fileProblems, ...overrideProblems];
  const semantic = [...semanticProblems(merged), ...partnersProblems(asObject(raw), merged, options.partner)].filter((p) => !known.some((k) => overlaps(k.path, p.path)));
  // Semantic problems come from the merge; blame the file when there is one.
  const blameFile = fileProblems.length > 0 || (semantic.length > 0 && options.source !== undefined);
  const blameOverrides = overrideProblems.length > 0 || (semantic.length > 0 && options.source === undefined);
  const problems = [...fileProblems, ...overrideProblems, ...semantic];
  if (problems.length > 0) {
    const where = [
      ...(blameFile ? [options.source ?? 'the configuration'] : []),
      ...(blameOverrides ? [options.overridesSource ?? 'command-line options'] : []),
    ];
    throw new UcspError('config', `invalid configuration in ${where.join(' and ')}`, { details: problems.map(formatConfigProblem) });
  }
  delete merged.$schema;
  const config = merged as unknown as SandboxConfig;
  config.keysDir = resolve(options.baseDir, config.keysDir);
  if (config.dataDir !== undefined) config.dataDir = resolve(options.baseDir, config.dataDir);
  const certificateOf = (cert: string | undefined) => (cert === undefined ? join(config.keysDir, DEFAULT_PARTNER_CERTIFICATE_FILE) : resolve(options.baseDir, cert));
  if (config.partners) {
    // each partner is the default partner with its own keys; flags (overrides.partner) apply to
    // the one `partner` stands for
    const list = config.partners.map((p) => merge(structuredClone(DEFAULT_CONFIG.partner), p) as SandboxConfig['partner']);
    const at = options.partner === undefined ? 0 : list.findIndex((p) => p.insID === options.partner);
    if (overrides.partner) list[at] = merge(list[at], overrides.partner) as SandboxConfig['partner'];
    for (const p of list) p.certificate = certificateOf(p.certificate);
    config.partners = list;
    config.partner = list[at]!;
  } else {
    if (options.partner !== undefined && options.partner !== config.partner.insID) {
      throw new UcspError('config', `no partner ${options.partner} in ${options.source ?? 'the configuration'}: its partner is ${config.partner.insID}`);
    }
    config.partner.certificate = certificateOf(config.partner.certificate);
  }
  return config;
}

/**
 * `partners`: not beside `partner` in the file, insID, industryCode and token unique, a token for
 * each when there are several (the admin token, controlToken, is another), and the partner chosen
 * (`--partner`) among them.
 */
function partnersProblems(raw: Record<string, unknown>, c: Record<string, unknown>, chosen: string | undefined): ConfigProblem[] {
  const list = c.partners;
  if (!Array.isArray(list)) return [];
  const out: ConfigProblem[] = [];
  if (raw.partner !== undefined && raw.partners !== undefined) out.push({ path: 'partner', message: 'give one partner (partner) or several (partners), not both' });
  out.push(...duplicates(list, 'partners', 'insID'), ...duplicates(list, 'partners', 'industryCode'), ...duplicates(list, 'partners', 'token'));
  list.forEach((p: unknown, i) => {
    const token = asObject(p).token;
    if (list.length > 1 && token === undefined) {
      out.push({ path: `partners.${i}.token`, message: "required when several partners share the sandbox: each partner's control API, inspector and CLI are reached with its own token" });
    }
    if (typeof token === 'string' && token === c.controlToken) out.push({ path: `partners.${i}.token`, message: 'must differ from controlToken, the admin token' });
  });
  if (chosen !== undefined && !list.some((p: unknown) => asObject(p).insID === chosen)) {
    out.push({ path: 'partners', message: `no partner with insID ${JSON.stringify(chosen)} (registered: ${list.map((p: unknown) => String(asObject(p).insID)).join(', ')})` });
  }
  return out;
}

/**
 * Every problem of a configuration as written (schema rules and the rules across fields), without
 * throwing. `init` uses it to validate prompt answers.
 */
export function checkConfig(raw: unknown): ConfigProblem[] {
  const schema = schemaProblems(raw);
  const merged = asObject(merge(structuredClone(DEFAULT_CONFIG), raw));
  return [...schema, ...semanticProblems(merged).filter((p) => !schema.some((k) => overlaps(k.path, p.path)))];
}

// ---------------------------------------------------------------------------------------------
// reading

const NO_FILE = Symbol('no config file');

async function readConfigFile(file: string, required: boolean): Promise<unknown> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !required) return NO_FILE;
    if (code === 'ENOENT') throw new UcspError('config', `config file not found: ${file}`, { cause: e });
    if (code === 'EISDIR') throw new UcspError('config', `${file} is a folder, not a config file`, { cause: e });
    throw new UcspError('config', `cannot read config file ${file}: ${code ?? (e as Error).message}`, { cause: e });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (e) {
    throw new UcspError('config', `${file} is not valid UTF-8`, { cause: e });
  }
  // Tolerate the byte-order mark some Windows editors write; it carries no content.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return parseStrictJson(text);
  } catch (e) {
    const reason = (e as Error).message.replace(/^invalid JSON: /, '');
    const offset = /at offset ([0-9]+)$/.exec(reason)?.[1];
    let where = '';
    if (offset !== undefined) {
      const before = text.slice(0, Number(offset));
      const line = before.split('\n').length;
      const column = Number(offset) - before.lastIndexOf('\n');
      where = ` (line ${line}, column ${column})`;
    }
    throw new UcspError('config', `invalid JSON in ${file}: ${reason}${where}`, { cause: e });
  }
}

// ---------------------------------------------------------------------------------------------
// schema validation

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= precompiled('config') ?? getAjv().compile(schemaModule!.SandboxConfigFileSchema);
  return compiled;
}

const SECRET_KEYS = new Set(['controlToken', 'certificatePassword', 'token']);

function schemaProblems(raw: unknown): ConfigProblem[] {
  const validate = validator();
  if (validate(raw)) return [];
  const out: ConfigProblem[] = [];
  const seen = new Set<string>();
  const errors = validate.errors ?? [];
  // a value that matches none of several forms is one problem, said once, not one per form
  const anyOf = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  for (const e of errors) {
    if (e.keyword !== 'anyOf' && anyOf.some((a) => e.instancePath === a || e.instancePath.startsWith(`${a}/`))) continue;
    const p = toProblem(e, raw);
    const key = formatConfigProblem(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

function toProblem(e: ErrorObject, data: unknown): ConfigProblem {
  const segments = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const base = segments.join('.');
  const join2 = (k: string) => (base ? `${base}.${k}` : k);
  switch (e.keyword) {
    case 'required':
      return { path: join2((e.params as { missingProperty: string }).missingProperty), message: 'is required' };
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const hint = suggest(key, knownKeys(e.schemaPath));
      return { path: join2(key), message: `unknown key${hint ? ` (did you mean ${hint}?)` : ''}` };
    }
  }
  const path = base || '(root)';
  let message: string;
  switch (e.keyword) {
    case 'pattern':
      message = `must match ${(e.params as { pattern: string }).pattern}`;
      break;
    case 'type': {
      const t = (e.params as { type: string }).type;
      message = `must be ${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`;
      break;
    }
    case 'enum':
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
      break;
    case 'format':
      message = (e.params as { format: string }).format === 'uri' ? 'must be an absolute URL' : `must be a valid ${(e.params as { format: string }).format}`;
      break;
    case 'anyOf': {
      const titles = branchTitles(e.schemaPath);
      message = titles.length ? `must be ${titles.join(' or ')}` : 'matches none of the allowed forms';
      break;
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      message = `must not repeat an item (items ${Math.min(i, j)} and ${Math.max(i, j)} are the same)`;
      break;
    }
    default:
      message = (e.message ?? e.keyword).replace(/NOT/g, 'not');
  }
  return { path, message: message + shown(segments, data) };
}

/** ` (got …)` with the offending value: mobiles masked, secrets hidden, long values cut. */
function shown(segments: string[], data: unknown): string {
  let cur: unknown = data;
  for (const k of segments) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return '';
    cur = (cur as Record<string, unknown>)[k];
  }
  if (segments.length === 0) return ` (got ${cur === null ? 'null' : Array.isArray(cur) ? 'an array' : typeof cur})`;
  const last = segments[segments.length - 1] ?? '';
  if (SECRET_KEYS.has(last)) return '';
  if (last === 'mobile' && typeof cur === 'string') cur = maskMobile(cur);
  let text = JSON.stringify(cur) ?? String(cur);
  if (text.length > 80) text = `${text.slice(0, 77)}...`;
  return ` (got ${text})`;
}

/** The titles of the forms an anyOf rule allows, from the schema itself. */
function branchTitles(schemaPath: string): string[] {
  let node: unknown = schemaDocument();
  for (const seg of schemaPath.replace(/^#\/?/, '').split('/')) {
    if (node === null || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return Array.isArray(node) ? node.map((b) => (b as { title?: unknown }).title).filter((t): t is string => typeof t === 'string') : [];
}

/** The property names allowed where an additionalProperties rule failed, from the schema itself. */
function knownKeys(schemaPath: string): string[] {
  let node: unknown = schemaDocument();
  for (const seg of schemaPath.replace(/^#\/?/, '').split('/').slice(0, -1)) {
    if (node === null || typeof node !== 'object') return [];
    node = (node as Record<string, unknown>)[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  const props = (node as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? Object.keys(props) : [];
}

/** The known key a typo most likely meant: same letters ignoring case, or at most 2 edits away. */
function suggest(key: string, known: string[]): string | undefined {
  return nearestNames(key, known, Math.max(1, Math.min(2, Math.floor(key.length / 3))), 1)[0];
}

// ---------------------------------------------------------------------------------------------
// rules across fields (checked on the merged configuration; written defensively, since the
// schema may already have found the same value wrong)

function semanticProblems(c: Record<string, unknown>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (typeof c.port === 'number' && Number.isInteger(c.port) && c.port > 65533 && c.port <= 65535) {
    out.push({ path: 'port', message: `must be 0 or at most 65533: the channel app and the issuer listen on port+1 and port+2 (got ${c.port})` });
  }
  if (typeof c.zone === 'string') {
    try {
      zoneOffsetMinutes(c.zone);
    } catch {
      out.push({ path: 'zone', message: `must be a zone like +08:00, -05:30 or Z (got ${JSON.stringify(c.zone)})` });
    }
  }
  out.push(...duplicates(c.channels, 'channels', 'channelCode'));
  out.push(...duplicates(c.users, 'users', 'userId'));
  const notices = c.notices;
  if (notices !== null && typeof notices === 'object') {
    out.push(...decreasing((notices as Record<string, unknown>).retryScheduleSeconds, 'notices.retryScheduleSeconds'));
  }
  out.push(...publicUrlProblems(c.publicUrl));
  if (typeof c.store === 'string' && typeof c.dataDir === 'string') out.push({ path: 'store', message: 'state is kept in one place: PostgreSQL (store) or SQLite (dataDir), not both' });
  if (typeof c.store === 'string' && /^postgres(ql)?:\/\//.test(c.store) && !URL.canParse(c.store)) out.push({ path: 'store', message: 'must be a PostgreSQL URL postgres://user:password@host:port/database' });
  // offsets count from the start, so they cannot go back; waits may be any length
  if (c.inquiryScheduleMode === 'offsets') out.push(...decreasing(c.inquiryScheduleSeconds, 'inquiryScheduleSeconds'));
  return out;
}

/** publicUrl: each base URL parses, and one base with a port leaves room for port+1 and port+2. */
function publicUrlProblems(v: unknown): ConfigProblem[] {
  const check = (url: unknown, path: string, base: boolean): ConfigProblem[] => {
    if (typeof url !== 'string') return [];
    if (!URL.canParse(url)) return [{ path, message: `must be an absolute URL http(s)://host[:port] (got ${JSON.stringify(url)})` }];
    const port = new URL(url).port;
    if (base && port !== '' && Number(port) > 65533) return [{ path, message: `port must be at most 65533: the channel app and the issuer are at port+1 and port+2 (got ${port})` }];
    return [];
  };
  if (typeof v === 'string') return check(v, 'publicUrl', true);
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return [];
  return (['ucsp', 'channel', 'issuer'] as const).flatMap((k) => check((v as Record<string, unknown>)[k], `publicUrl.${k}`, false));
}

function duplicates(list: unknown, path: string, key: string): ConfigProblem[] {
  if (!Array.isArray(list)) return [];
  const first = new Map<unknown, number>();
  const out: ConfigProblem[] = [];
  list.forEach((item: unknown, i) => {
    if (item === null || typeof item !== 'object') return;
    const v = (item as Record<string, unknown>)[key];
    if (typeof v !== 'string') return;
    const j = first.get(v);
    if (j === undefined) first.set(v, i);
    else out.push({ path: `${path}.${i}.${key}`, message: `duplicate ${key} ${JSON.stringify(v)} (also ${path}.${j}.${key})` });
  });
  return out;
}

function decreasing(list: unknown, path: string): ConfigProblem[] {
  if (!Array.isArray(list)) return [];
  const out: ConfigProblem[] = [];
  for (let i = 1; i < list.length; i++) {
    const a: unknown = list[i - 1];
    const b: unknown = list[i];
    if (typeof a === 'number' && typeof b === 'number' && b < a) {
      out.push({ path: `${path}.${i}`, message: `must not be less than the entry before it, ${a} (the schedule must be non-decreasing; got ${b})` });
    }
  }
  return out;
}

/** Whether two dotted paths name the same value or one contains the other. */
function overlaps(a: string, b: string): boolean {
  return a === b || a === '(root)' || b.startsWith(`${a}.`) || a.startsWith(`${b}.`);
}

// ---------------------------------------------------------------------------------------------
// merging

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deep merge of plain objects; anything else (arrays included) in `over` replaces `base`. */
function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
    return out;
  }
  return structuredClone(over);
}

function asObject(v: unknown): Record<string, unknown> {
  return isPlainObject(v) ? v : {};
}

function stripUndefined<T>(v: T): T {
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = stripUndefined(x);
  return out as T;
}

/** Flags are typed relative to where the command runs, not to the config file. */
function absolutiseOverridePaths(o: DeepPartial<SandboxConfig>, cwd: string): DeepPartial<SandboxConfig> {
  const out = { ...o };
  if (typeof out.keysDir === 'string' && out.keysDir !== '' && !isAbsolute(out.keysDir)) out.keysDir = resolve(cwd, out.keysDir);
  if (typeof out.dataDir === 'string' && out.dataDir !== '' && !isAbsolute(out.dataDir)) out.dataDir = resolve(cwd, out.dataDir);
  const cert = out.partner?.certificate;
  if (typeof cert === 'string' && cert !== '' && !isAbsolute(cert)) out.partner = { ...out.partner, certificate: resolve(cwd, cert) };
  return out;
}
