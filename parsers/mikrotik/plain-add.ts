import { BANG, DQ, EQ } from '../toolkit/chars.js';
import type { StatementCursor } from './lexer.js';
import { C_BLANK, C_WORD, CHAR, afterBreak, closingQuote, endsAt, startsValue } from './plain-text.js';

/**
 * Plain `add` commands of the deferred menus (commands.ts DEFERRED_MENUS): every argument
 * `name=value`, nothing that changes the entry after it is read (copy-from, place-before) or fills
 * an address list at run time. Such an entry is kept as its command's offset and read again when its
 * rules or lists are built (store.ts Item.deferred).
 */

export const NOT_PLAIN = -1;
export const ENABLED = 0;
export const DISABLED = 1;

/** Lowercase property-name characters: a-z, 0-9, `.`, `-`, `_`. */
const NAME_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789.-_') NAME_CHAR[c.charCodeAt(0)] = 1;

/**
 * Whether the arguments of an `add` are all `name=value` with lowercase plain names, none of them
 * copy-from or place-before, and an action that is plainly not add-src/dst-to-address-list (which
 * fills a list at run time: address-lists.ts reads it before the rules are built): then the entry is
 * what its command says and can be read again later. NOT_PLAIN, or whether it is disabled.
 */
export function plainAdd(st: StatementCursor, from: number): number {
  let state = ENABLED;
  const text = st.text;
  for (let k = from; k < st.count; k++) {
    const joined = st.joined(k);
    const w =
      joined === undefined ? plainWord(text, st.wordStart(k), st.wordEnd(k)) : plainWord(joined, 0, joined.length);
    if (w === NOT_PLAIN) return NOT_PLAIN;
    if (w !== OTHER) state = w === DISABLED_YES ? DISABLED : ENABLED;
  }
  return state;
}

const OTHER = 0;
const DISABLED_YES = 1;
const DISABLED_NO = 2;

/** One word of plainAdd: NOT_PLAIN, OTHER, DISABLED_YES or DISABLED_NO. */
function plainWord(src: string, s: number, e: number): number {
  let i = s;
  while (i < e && NAME_CHAR[src.charCodeAt(i)] === 1) i++;
  if (i === s || i >= e || src.charCodeAt(i) !== EQ) return NOT_PLAIN;
  return plainProperty(src, s, i, i + 1, e);
}

/** The property `src[s, keyEnd)` = `src[v, e)` (its value as written) of plainAdd: NOT_PLAIN, OTHER, DISABLED_YES or DISABLED_NO. */
function plainProperty(src: string, s: number, keyEnd: number, v: number, e: number): number {
  const len = keyEnd - s;
  if (len === 8 && src.startsWith('disabled', s)) {
    const n = e - v;
    if ((n === 3 && src.startsWith('yes', v)) || (n === 4 && src.startsWith('true', v))) return DISABLED_YES;
    if ((n === 2 && src.startsWith('no', v)) || (n === 5 && src.startsWith('false', v))) return DISABLED_NO;
    return NOT_PLAIN;
  }
  if (len === 6 && src.startsWith('action', s)) {
    if (src.startsWith('add-', v)) return NOT_PLAIN;
    for (let j = v; j < e; j++) {
      const c = src.charCodeAt(j);
      if (c === 33 /* ! */ || c === 34 /* " */ || c === 92 /* \ */) return NOT_PLAIN;
    }
    return OTHER;
  }
  if ((len === 9 && src.startsWith('copy-from', s)) || (len === 12 && src.startsWith('place-before', s)))
    return NOT_PLAIN;
  return OTHER;
}

/**
 * No word of the statement is broken by a continuation except right after its `=` (`key=\` + newline:
 * where RouterOS wraps a line before a long value), so args.ts readPlainView may read it; a
 * continuation between words may join its lines. Words reaching here passed plainWord: `name=…`.
 */
export function unbroken(st: StatementCursor): boolean {
  if (!st.continued) return true;
  const text = st.text;
  for (let k = 0; k < st.count; k++) {
    const joined = st.joined(k);
    if (joined === undefined) continue;
    const at = st.wordStart(k) + joined.indexOf('=');
    if (text.charCodeAt(at) !== EQ || text.charCodeAt(at + 1) !== 92 /* \ */) return false;
  }
  return true;
}

/** What scanPlainAdd found besides where the command ends: the end of its last word, and whether it is disabled. */
export const scanned = { end: 0, disabled: false };

/**
 * The arguments of an `add` from `i` on (just past its verb), scanned straight from the text in the
 * first pass, without the lexer: when they are plain as plainAdd says, and plain as args.ts
 * readPlainView reads them (words joined only by continuations between words or right after a
 * `key=`), the offset of the newline that ends the command (where lexer.ts would stop), with
 * `scanned` filled; else -1, and the lexer reads the command as usual. A command that ends the file
 * is left to the lexer (it reports a file ending inside a continuation).
 */
export function scanPlainAdd(text: string, i: number): number {
  const n = text.length;
  let state = ENABLED;
  let end = -1;
  for (;;) {
    // Blanks, and continuations between words (`\`, blanks, a newline, the next line's blanks).
    for (;;) {
      const c = text.charCodeAt(i);
      if (c < 128 && CHAR[c] === C_BLANK) i++;
      else if (c === 92 /* \ */) {
        const j = afterBreak(text, i);
        if (j < 0 || j >= n) return -1;
        i = j;
      } else break;
    }
    if (i >= n) return -1;
    if (endsAt(text, i)) break;
    // `name=`: lowercase plain characters.
    const ks = i;
    let c = 0;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c >= 128 || NAME_CHAR[c] !== 1) break;
      i++;
    }
    if (i === ks || c !== EQ) return -1;
    const keyEnd = i;
    const vs0 = afterBreak(text, i + 1);
    if (vs0 < 0 || (vs0 !== i + 1 && !startsValue(text, vs0))) return -1;
    const vs = vs0;
    i = vs;
    if (text.charCodeAt(i) === BANG) i++;
    if (text.charCodeAt(i) === DQ) {
      // `"text"` without escapes or line ends, then the word's end.
      const q = closingQuote(text, i + 1);
      if (q < 0) return -1;
      i = q + 1;
    } else {
      while (i < n) {
        c = text.charCodeAt(i);
        if (c < 128 && CHAR[c] !== C_WORD) break;
        i++;
      }
    }
    // The word ends at a blank or the command's newline (a `\` here would join the next line to the word).
    if (i >= n) return -1;
    c = text.charCodeAt(i);
    if (!((c < 128 && CHAR[c] === C_BLANK) || endsAt(text, i))) return -1;
    end = i;
    const w = plainProperty(text, ks, keyEnd, vs, i);
    if (w === NOT_PLAIN) return -1;
    if (w !== OTHER) state = w === DISABLED_YES ? DISABLED : ENABLED;
  }
  if (end < 0) return -1;
  scanned.end = end;
  scanned.disabled = state === DISABLED;
  return i;
}
