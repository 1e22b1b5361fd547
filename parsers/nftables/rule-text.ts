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
/** No part known in place (sourceForm's `known`). */
const NONE_KNOWN: readonly number[] = [];
const SPACE = 32;

/**
 * Whether `parts` joined by single spaces is `s` from `start` to `end`, or that text without its `"`,
 * compared without joining: a part is found in place (most), or between quotes (a name nft prints
 * bare), or else character by character skipping quotes. A part with a `"` of its own never equals
 * the unquoted source (which has none): UNQUOTED is given only when no part has one. `known`: per part,
 * where `s` holds it as written (the reader sliced it there or compared it), or anything else.
 */
export function sourceForm(
  parts: readonly string[],
  s: string,
  start: number,
  end: number,
  known: readonly number[] = NONE_KNOWN,
): SourceForm {
  let k = start;
  let quotes = false;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] ?? '';
    if (p > 0) {
      if (k >= end || s.charCodeAt(k) !== SPACE) return OTHER;
      k++;
    }
    const n = part.length;
    // A part the reader knows the source holds here (`known`: its offset in s) is not compared again.
    if (known[p] === k && k + n <= end) {
      k += n;
      continue;
    }
    // s.startsWith(part, k), compared here (a builtin's call a part cost more than its few characters).
    let q = 0;
    if (k + n <= end) while (q < n && s.charCodeAt(k + q) === part.charCodeAt(q)) q++;
    if (k + n <= end && q === n) {
      k += n;
      continue;
    }
    quotes = true;
    if (
      k + n + 2 <= end &&
      s.charCodeAt(k) === QUOTE &&
      s.charCodeAt(k + n + 1) === QUOTE &&
      s.startsWith(part, k + 1)
    ) {
      k += n + 2;
      continue;
    }
    k = unquotedEnd(part, s, k, end);
    if (k < 0) return OTHER;
  }
  if (k !== end) return OTHER;
  if (!quotes) return SAME;
  for (const part of parts) if (part.includes('"')) return OTHER;
  return UNQUOTED;
}

/** Where `part` ends in `s` read from `k` skipping `"` (up to `end`, closing quotes included), or -1 where they differ. */
function unquotedEnd(part: string, s: string, k: number, end: number): number {
  for (let j = 0; j < part.length; j++) {
    while (k < end && s.charCodeAt(k) === QUOTE) k++;
    if (k >= end || s.charCodeAt(k) !== part.charCodeAt(j)) return -1;
    k++;
  }
  while (k < end && s.charCodeAt(k) === QUOTE) k++;
  return k;
}

/** The canonical text of a rule kept as `text` (unquoted: a source slice whose `"` the text drops). */
export function canonicalText(text: string, unquoted: boolean): string {
  return unquoted ? text.replaceAll('"', '') : text;
}
