/** Small value helpers the readers share (typed replacements for `x!` and string `||` chains). */

/** The value, or undefined for the empty string: `nonEmpty(a) ?? b` reads like `a || b` for strings. */
export function nonEmpty(s: string | undefined): string | undefined {
  return s === '' ? undefined : s;
}

/** A value parsed from a literal in fwlint's own source: its absence is a bug in fwlint, never bad input. */
export function literal<T>(v: T | undefined, text: string): T {
  if (v === undefined) throw new Error(`fwlint bug: the literal ${text} does not parse`);
  return v;
}
