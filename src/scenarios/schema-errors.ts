/**
 * Ajv's errors for a document, as one line per real problem: `/path/in/file: what is wrong`.
 *
 * Ajv reports every branch of every union (anyOf) that failed. For each union only the branch the
 * data meant is kept: an object by its tag key (a step's `drive`, `user`…, an expectation's kind),
 * otherwise by JSON type (one value or a list). Where the data fits no branch, or several (a value
 * of a closed set or a `${…}` reference), the union is said once, with the values it allows.
 */
import type { ErrorObject } from 'ajv';
import { nearestNames } from '../errors/index.js';

type Node = Record<string, unknown>;

const isObject = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
const decode = (seg: string) => seg.replace(/~1/g, '/').replace(/~0/g, '~');
const segments = (pointer: string) => pointer.replace(/^#/, '').split('/').filter(Boolean).map(decode);

function walk(root: unknown, segs: string[]): unknown {
  let cur = root;
  for (const s of segs) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, s)) return undefined;
    cur = (cur as Node)[s];
  }
  return cur;
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** Whether a branch accepts a value of this JSON type (its type, const, enum or sub-branches). */
function acceptsType(branch: unknown, v: unknown): boolean {
  if (!isObject(branch)) return true;
  const t = jsonType(v);
  const fits = (want: string) => want === t || (want === 'number' && t === 'integer');
  if (branch.type !== undefined) return ([] as unknown[]).concat(branch.type).some((x) => fits(String(x)));
  if ('const' in branch) return fits(jsonType(branch.const));
  if (Array.isArray(branch.enum)) return branch.enum.some((x) => fits(jsonType(x)));
  if (Array.isArray(branch.anyOf)) return branch.anyOf.some((b) => acceptsType(b, v));
  return true;
}

/** A branch's tag keys: required keys that no other branch of the union declares. */
function tagsOf(branches: unknown[], i: number): string[] {
  const req = (isObject(branches[i]) && Array.isArray(branches[i].required) ? branches[i].required : []) as string[];
  return req.filter((k) => branches.every((b, j) => j === i || !(isObject(b) && isObject(b.properties) && Object.hasOwn(b.properties, k))));
}

/** The branch the value means, or undefined when it fits none or several. */
function chooseBranch(branches: unknown[], v: unknown): number | undefined {
  let fit = branches.map((_, i) => i).filter((i) => acceptsType(branches[i], v));
  if (fit.length > 1 && isObject(v)) fit = fit.filter((i) => tagsOf(branches, i).some((k) => Object.hasOwn(v, k)));
  return fit.length === 1 ? fit[0] : undefined;
}

const show = (v: unknown): string => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
};
const article = (t: string) => `${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`;

/** What a union (or a single schema) allows, for "is not one of …": its values, then other forms. */
function allowed(schema: unknown): { values: unknown[]; forms: string[] } {
  if (!isObject(schema)) return { values: [], forms: [] };
  if (Array.isArray(schema.anyOf)) {
    const parts = schema.anyOf.map(allowed);
    return { values: parts.flatMap((p) => p.values), forms: parts.flatMap((p) => p.forms) };
  }
  if (Array.isArray(schema.enum)) return { values: schema.enum, forms: [] };
  if ('const' in schema) return { values: [schema.const], forms: [] };
  if (typeof schema.description === 'string') return { values: [], forms: [schema.description] };
  if (typeof schema.pattern === 'string') return { values: [], forms: [`a string matching ${schema.pattern}`] };
  if (schema.type === 'array') {
    const item = allowed(schema.items);
    return { values: [], forms: [item.values.length ? 'a list of them' : 'a list'] };
  }
  return { values: [], forms: typeof schema.type === 'string' ? [article(schema.type)] : [] };
}

function notOneOf(schema: unknown, v: unknown): string {
  const { values, forms } = allowed(schema);
  const quoted = typeof v === 'number' ? [String(v), String(v).padStart(2, '0')].find((x) => values.includes(x)) : undefined;
  if (values.length === 0) return `must be ${forms.join(' or ')} (got ${show(v)})`;
  return `${show(v)} is not one of ${values.map(String).join(', ')}${forms.map((f) => ` or ${f}`).join('')}${quoted ? ` (write it in quotes: "${quoted}")` : ''}`;
}

/** The JSON types a schema accepts, as words ("a string", "a list"…). */
function typeWords(schema: unknown): string[] {
  if (!isObject(schema)) return [];
  if (Array.isArray(schema.anyOf)) return [...new Set(schema.anyOf.flatMap(typeWords))];
  const t = schema.type ?? ('const' in schema ? jsonType(schema.const) : Array.isArray(schema.enum) ? jsonType(schema.enum[0]) : undefined);
  return ([] as unknown[]).concat(t ?? []).map((x) => (x === 'array' ? 'a list' : article(String(x))));
}

/** ` (got …)`, with a reminder that YAML reads 00 as a number where a string was meant. */
function got(v: unknown, words: string[]): string {
  return ` (got ${show(v)}${typeof v === 'number' && words.includes('a string') ? '; put it in quotes' : ''})`;
}

/** A union the value fits no branch of, or several: one line. */
function unionMessage(branches: unknown[], v: unknown): string {
  if (!branches.some((b) => acceptsType(b, v))) {
    if (allowed({ anyOf: branches }).values.length) return notOneOf({ anyOf: branches }, v);
    const words = typeWords({ anyOf: branches });
    return `must be ${words.join(' or ')}${got(v, words)}`;
  }
  if (isObject(v)) {
    const tags = branches.flatMap((_, i) => tagsOf(branches, i).slice(0, 1));
    const present = tags.filter((k) => Object.hasOwn(v, k));
    if (tags.length && present.length > 1) return `has ${present.join(' and ')}: use exactly one of ${tags.join(', ')}`;
    if (tags.length && present.length === 0) {
      const near = Object.keys(v).flatMap((k) => nearestNames(k, tags, 2, 1));
      return `must have one of ${tags.join(', ')}${near.length ? ` (did you mean ${near[0]}?)` : ''}`;
    }
  }
  return notOneOf({ anyOf: branches }, v);
}

function message(e: ErrorObject, schema: unknown, data: unknown): string {
  const v = walk(data, segments(e.instancePath));
  const node = walk(schema, segments(e.schemaPath));
  const parent = walk(schema, segments(e.schemaPath).slice(0, -1));
  switch (e.keyword) {
    case 'required':
      return `${(e.params as { missingProperty: string }).missingProperty} is required`;
    case 'additionalProperties': {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      const known = isObject(parent) && isObject(parent.properties) ? Object.keys(parent.properties) : [];
      const near = nearestNames(key, known, Math.max(1, Math.min(3, Math.floor(key.length / 3))), 1);
      return `unknown key ${show(key)}${near.length ? ` (did you mean ${near[0]}?)` : known.length ? ` (known: ${known.join(', ')})` : ''}`;
    }
    case 'enum':
    case 'const':
      return notOneOf(parent, v);
    case 'type': {
      const words = ([] as unknown[]).concat((e.params as { type: unknown }).type).map((t) => (t === 'array' ? 'a list' : article(String(t))));
      return `must be ${words.join(' or ')}${got(v, words)}`;
    }
    case 'pattern':
      return `${show(v)} must match ${(e.params as { pattern: string }).pattern}`;
    case 'anyOf':
      return unionMessage(Array.isArray(node) ? node : [], v);
    default:
      return (e.message ?? e.keyword).replace(/NOT/g, 'not');
  }
}

const isPrefix = (a: string, b: string) => b === a || b.startsWith(`${a}/`);

/**
 * Problems as `/instance/path: message`, at most `limit`. `schema` is the schema the errors came
 * from (to see each union's branches), `data` the document.
 */
export function explainSchemaErrors(errors: readonly ErrorObject[], schema: unknown, data: unknown, limit = 12): string[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  /** The branch the data meant for the union that failed at this schema path, closest to this instance path. */
  const chosen = (unionSchemaPath: string, instancePath: string): number | undefined => {
    const at = unions.filter((u) => u.schemaPath === unionSchemaPath && isPrefix(u.instancePath, instancePath)).sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    if (!at) return undefined;
    const branches = walk(schema, segments(unionSchemaPath));
    return Array.isArray(branches) ? chooseBranch(branches, walk(data, segments(at.instancePath))) : undefined;
  };
  /** Whether every union the error sits in was failed on the branch the data meant. */
  const onChosenBranches = (e: ErrorObject): boolean => {
    const re = /\/anyOf\/(\d+)(?=\/|$)/g;
    for (let m = re.exec(e.schemaPath); m; m = re.exec(e.schemaPath)) {
      if (chosen(e.schemaPath.slice(0, m.index + '/anyOf'.length), e.instancePath) !== Number(m[1])) return false;
    }
    return true;
  };
  const lines: string[] = [];
  for (const e of errors) {
    if (e.keyword === 'if' || !onChosenBranches(e)) continue;
    // a union the data meant one branch of: that branch's errors say what is wrong
    if (e.keyword === 'anyOf' && chosen(e.schemaPath, e.instancePath) !== undefined) continue;
    // a closed set of strings given a number reports both "type" and "enum": say it once, as enum
    if (e.keyword === 'type' && errors.some((x) => x.keyword === 'enum' && x.instancePath === e.instancePath && onChosenBranches(x))) continue;
    lines.push(`${e.instancePath || '(root)'}: ${message(e, schema, data)}`);
  }
  const unique = [...new Set(lines)];
  if (unique.length === 0) return errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'if').map((e) => `${e.instancePath || '(root)'}: ${e.message ?? e.keyword}`).slice(0, limit);
  return unique.slice(0, limit);
}
