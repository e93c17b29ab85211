/** A closed set of strings as a schema. */
import { Type, type TUnsafe } from '@sinclair/typebox';

/** A string enum as `{ type: string, enum: [...] }` (clearer in editors and error messages than anyOf). */
export const stringEnum = <T extends string>(values: readonly T[], options: Record<string, unknown> = {}): TUnsafe<T> =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
