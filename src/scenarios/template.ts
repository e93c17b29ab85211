/** `${name.field}` references to earlier results, in any string of a step. */

export type Vars = Record<string, unknown>;

export function lookup(vars: Vars, path: string): unknown {
  let cur: unknown = vars;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/**
 * Why a value is missing, when the result it was to come from says so: the partner could not act
 * (`r99: the partner could not act (409): payment ORD… is FAILED`). Only its status and error are
 * shown, never the rest (cookies, URLs with personal data). Empty when there is nothing to say.
 */
export function whyMissing(vars: Vars, path: string): string {
  const name = path.split('.')[0]!;
  const v = Object.hasOwn(vars, name) ? vars[name] : undefined;
  if (v === null || typeof v !== 'object') return '';
  const { status, error } = v as { status?: unknown; error?: unknown };
  return typeof error === 'string' && error ? ` (${name}: the partner could not act${typeof status === 'number' ? ` (${status})` : ''}: ${error})` : '';
}

/** A string that is only a reference: it keeps the value's type. */
export const WHOLE_REFERENCE = /^\$\{([A-Za-z0-9_.]+)\}$/;
const ANY = /\$\{([A-Za-z0-9_.]+)\}/g;

/** Replaces references; a string that is only a reference keeps the value's type. Unknown → error. */
export function resolve<T>(value: T, vars: Vars): T {
  if (typeof value === 'string') {
    const whole = WHOLE_REFERENCE.exec(value);
    if (whole) {
      const v = lookup(vars, whole[1]!);
      if (v === undefined) throw new Error(`\${${whole[1]}} is not known at this step${whyMissing(vars, whole[1]!)}`);
      return v as T;
    }
    return value.replace(ANY, (_m, p: string) => {
      const v = lookup(vars, p);
      if (v === undefined) throw new Error(`\${${p}} is not known at this step${whyMissing(vars, p)}`);
      return String(v);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, vars)])) as T;
  }
  return value;
}
