/**
 * A rule's canonical text (print.ts printRule) kept as the slice of the source it was read from when
 * the two agree. Most rules of a listing are written as nft prints them but for the quotes around
 * names (`iifname "lan3"` prints as `iifname lan3`): such a rule keeps the source slice and a flag,
 * and its text is the slice without its `"` when read (a finding, explain, a copy), not a joined copy
 * per rule that the collector copies twice and the model keeps (about 100 bytes a rule, and the
 * joins' garbage while reading).
 */

/** How a rule's text relates to its source slice (sourceForm): the text is the slice. */
export const SAME = 0;
/** The text is the slice without its `"` characters. */
export const UNQUOTED = 1;
/** Neither: the text is built. */
export const OTHER = 2;
export type SourceForm = typeof SAME | typeof UNQUOTED | typeof OTHER;

const QUOTE = 34;
const SPACE = 32;

/**
 * Whether `parts` joined by single spaces is `s` from `start` to `end`, or that text without its `"`:
 * compared character by character, without joining. A part with a `"` of its own never equals the
 * unquoted source (which has none), so UNQUOTED is given only when the joined text is exactly it.
 */
export function sourceForm(parts: readonly string[], s: string, start: number, end: number): SourceForm {
  let k = start;
  let quotes = false;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] ?? '';
    if (p > 0) {
      while (k < end && s.charCodeAt(k) === QUOTE) {
        k++;
        quotes = true;
      }
      if (k >= end || s.charCodeAt(k) !== SPACE) return OTHER;
      k++;
    }
    for (let j = 0; j < part.length; j++) {
      while (k < end && s.charCodeAt(k) === QUOTE) {
        k++;
        quotes = true;
      }
      if (k >= end || s.charCodeAt(k) !== part.charCodeAt(j)) return OTHER;
      k++;
    }
  }
  while (k < end && s.charCodeAt(k) === QUOTE) {
    k++;
    quotes = true;
  }
  if (k !== end) return OTHER;
  return quotes ? UNQUOTED : SAME;
}

/** The canonical text of a rule kept as `text` (unquoted: a source slice whose `"` the text drops). */
export function canonicalText(text: string, unquoted: boolean): string {
  return unquoted ? text.replaceAll('"', '') : text;
}
