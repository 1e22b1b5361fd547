/**
 * The two helpers the schema validators compiled ahead by scripts/gen-validators.mjs call (Ajv's
 * standalone code would require them from Ajv's runtime, which fwlint does not load at run time).
 */

/** Length in code points, as JSON Schema counts minLength/maxLength (a surrogate pair is one). */
export function ucs2length(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/** Equality of JSON values, for uniqueItems, enum and const. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  return keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && deepEqual(x[k], y[k]));
}

/** What a validator reports per violation (the members of Ajv's ErrorObject that fwlint reads). */
export interface ValidationError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  parentSchema?: unknown;
}

/** A generated validator: true when the data is valid; otherwise `errors` says why. */
export interface GeneratedValidator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}
