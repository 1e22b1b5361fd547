import { BSL, CR, DQ, FF, LBRACE, LBRACKET, LF, LPAREN, RBRACE, RBRACKET, RPAREN, SP, TAB } from '../toolkit/chars.js';

/**
 * Character classes and scans of RouterOS command text for the one-pass readers (args.ts
 * readPlainView, plain-add.ts scanPlainAdd): plain `key=value` words, blanks, continuations between
 * words and right after a `key=`; anything else (escapes, brackets, quotes inside a word) is left
 * to the full reader (lexer.ts), which these scans never contradict.
 */

/** What readPlainView makes of a character below 128 (those above are word characters, as in the lexer). */
export const C_WORD = 0;
export const C_BLANK = 1;
export const C_QUOTE = 2;
/** A newline, a lone CR, an escape or a bracket: the statement's end, or a case for the full reader. */
export const C_OTHER = 3;
export const CHAR = new Uint8Array(128).fill(C_OTHER);
for (let c = 33; c < 127; c++) CHAR[c] = C_WORD;
for (const c of [BSL, LBRACKET, RBRACKET, LBRACE, RBRACE, LPAREN, RPAREN]) CHAR[c] = C_OTHER;
CHAR[DQ] = C_QUOTE;
for (const c of [SP, TAB, FF]) CHAR[c] = C_BLANK;

/** Where the statement ends at `i` (end of the text, LF or CR LF); any other C_OTHER character does not. */
export function endsAt(text: string, i: number): boolean {
  if (i >= text.length) return true;
  const c = text.charCodeAt(i);
  return c === LF || (c === CR && text.charCodeAt(i + 1) === LF);
}

/**
 * The first offset from `i` on that is not a blank, nor a continuation between words (`\`, blanks, a
 * newline and the next line's leading blanks: what the lexer skips there, as no word is in progress).
 */
export function skipBlanks(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SP || c === TAB || c === FF) i++;
    else if (c === BSL) {
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === SP || text.charCodeAt(j) === TAB)) j++;
      const nl = text.charCodeAt(j) === LF ? 1 : text.charCodeAt(j) === CR && text.charCodeAt(j + 1) === LF ? 2 : 0;
      if (nl === 0) return i;
      i = j + nl;
      while (i < n && (text.charCodeAt(i) === SP || text.charCodeAt(i) === TAB)) i++;
    } else return i;
  }
  return i;
}

/** Where a word ends when it starts at `i`, or -1 when it holds what only the lexer reads (escapes, brackets). */
export function skipWord(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CHAR[c] : C_WORD;
    if (k === C_WORD) i++;
    else if (k === C_QUOTE) {
      i = closingQuote(text, i + 1);
      if (i < 0) return -1;
      i++;
    } else if (k === C_BLANK || endsAt(text, i)) return i;
    else return -1;
  }
  return i;
}

/** The closing quote of a string whose text starts at `i`, or -1 when an escape or a line end comes first. */
export function closingQuote(text: string, i: number): number {
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === DQ) return i;
    if (c === BSL || c === LF || c === CR) return -1;
  }
  return -1;
}

/**
 * Where the value of a `key=` word starts when a continuation follows its `=` at `i` (`key=\` + newline
 * + the next line's leading blanks: how RouterOS wraps a line before a long value, so the value lies
 * whole on the next line); `i` itself when none does; -1 when a `\` there is not a continuation.
 */
export function afterBreak(text: string, i: number): number {
  if (text.charCodeAt(i) !== BSL) return i;
  const n = text.length;
  let j = i + 1;
  while (j < n && (text.charCodeAt(j) === SP || text.charCodeAt(j) === TAB)) j++;
  const nl = text.charCodeAt(j) === LF ? 1 : text.charCodeAt(j) === CR && text.charCodeAt(j + 1) === LF ? 2 : 0;
  if (nl === 0) return -1;
  j += nl;
  while (j < n && (text.charCodeAt(j) === SP || text.charCodeAt(j) === TAB)) j++;
  return j;
}

/** A word character or a quote at `i`: what may start a value on the line after `key=\`. */
export function startsValue(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c >= 128 || CHAR[c] === C_WORD || CHAR[c] === C_QUOTE;
}
