import {
  BANG,
  BSL,
  CR,
  DQ,
  EQ,
  FF,
  LBRACE,
  LBRACKET,
  LF,
  LPAREN,
  RBRACE,
  RBRACKET,
  RPAREN,
  SP,
  TAB,
} from '../toolkit/chars.js';
import { RANGE_HASH_BASIS, RANGE_HASH_PRIME } from '../toolkit/range-table.js';
import { paramEquals, unquote, type StatementCursor, type Word } from './lexer.js';
import { Props } from './store.js';
import { WordTable, wordHash } from './word-table.js';

/**
 * The arguments of a command (`key=value`, `key=!value`, `!key`, bare words) → Props. Read from the
 * text by offsets: a `key=value` word costs no string for the word, none for a key or a short value
 * already seen (one shared string each), and one slice for a new value (docs/semantics.md#ros-syntax).
 */

export interface Args {
  props: Props;
  /** `!key` in verbose exports: "not set", not negation (docs/semantics.md#ros-syntax). */
  unset: readonly string[];
  /** Bare words (flags such as `blackhole`, or targets). */
  bare: readonly Word[];
}

/**
 * Property names repeat on every line: one string each (RouterOS names are lowercase already), the
 * engine's own copy of the name (an object key is one), so comparing it with a name in the code
 * (`get('chain')`) compares two references rather than the characters.
 */
const keyNames = new Map<string, string>();
export function keyName(raw: string): string {
  let k = keyNames.get(raw);
  if (k === undefined) {
    k = internalized(raw.toLowerCase());
    if (keyNames.size < 4096) keyNames.set(raw, k);
  }
  return k;
}

function internalized(name: string): string {
  const o: Record<string, true> = {};
  o[name] = true;
  return Object.keys(o)[0] ?? name;
}

const KEY = /^[a-z0-9.\-_]+$/i;
/** The characters of KEY, for a scan without a regular expression. */
const KEY_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_') KEY_CHAR[c.charCodeAt(0)] = 1;
/** `key` of a `key=value` word as a property name (lowercase, shared), or null when it is not one. */
const paramKeys = new Map<string, string | null>();
function paramKey(raw: string): string | null {
  let k = paramKeys.get(raw);
  if (k === undefined) {
    k = KEY.test(raw) ? keyName(raw) : null;
    if (paramKeys.size < 4096) paramKeys.set(raw, k);
  }
  return k;
}

/**
 * Plain keys by their characters, lowercased once (keyName), each marked UNIQUE when its values are
 * mostly unique (UNIQUE_VALUES).
 */
const keys = new WordTable(1024);
const UNIQUE = 1;

/** The slot of `keys` holding the plain key `src[s, e)` (hash `h`), added when new. */
function keySlot(src: string, s: number, e: number, h: number): number {
  const slot = keys.find(src, s, e, h);
  if (slot >= 0) return slot;
  const k = keyName(src.slice(s, e));
  return keys.add(k, h, UNIQUE_VALUES.has(k) ? UNIQUE : 0);
}

/**
 * Short values repeat too (accept, forward, tcp, LAN, 443): one string each, so big exports stay light.
 * Addresses and comments are mostly unique: they are not looked up, so an address list of 50k
 * entries before the filter rules cannot crowd the repeated words out of the table.
 */
const shortValues = new WordTable(16384);
const UNIQUE_VALUES = new Set(['address', 'src-address', 'dst-address', 'comment', 'to-addresses', 'mac-address']);
/** Longest value shared; port lists and state lists (`established,related,untracked`) repeat too. */
const SHORT = 32;

/** The shared string of the short value `src[s, e)` (hash `h`). */
function shortValue(src: string, s: number, e: number, h: number): string {
  let slot = shortValues.find(src, s, e, h);
  if (slot < 0) slot = shortValues.add(src.slice(s, e), h, 0);
  return shortValues.words[slot] ?? '';
}

/** The value `src[s, e)` of `key`: unquoted, shared when short. */
function valueOf(key: string, src: string, s: number, e: number): string {
  let special = -1;
  for (let i = s; i < e; i++) {
    const c = src.charCodeAt(i);
    if (c === DQ || c === BSL) {
      special = i;
      break;
    }
  }
  const unique = UNIQUE_VALUES.has(key);
  if (special < 0) return e - s > SHORT || unique ? src.slice(s, e) : shortValue(src, s, e, wordHash(src, s, e));
  // `"text"` without escapes or inner quotes: the inside as it is.
  if (special === s && e - s >= 2 && src.charCodeAt(e - 1) === DQ && plainInside(src, s + 1, e - 1))
    return e - s - 2 > SHORT || unique
      ? src.slice(s + 1, e - 1)
      : shortValue(src, s + 1, e - 1, wordHash(src, s + 1, e - 1));
  const v = unquote(src.slice(s, e));
  return v.length > SHORT || unique ? v : shortValue(v, 0, v.length, wordHash(v, 0, v.length));
}

function plainInside(src: string, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = src.charCodeAt(i);
    if (c === DQ || c === BSL) return false;
  }
  return true;
}

/** Collects the arguments of one command; one instance serves every command (one command at a time). */
class ArgReader {
  /** Flat key, value, start, end of the properties so far (Props layout). */
  private readonly d: (string | number)[] = [];
  private n = 0;
  private unset: string[] | undefined;
  private bare: Word[] | undefined;

  begin(): void {
    this.n = 0;
    this.unset = undefined;
    this.bare = undefined;
  }

  /** One word: `src[s, e)` is its text (continuations removed), [ws, we) where it is in the file. */
  word(src: string, s: number, e: number, ws: number, we: number): void {
    let eq = s;
    while (eq < e && KEY_CHAR[src.charCodeAt(eq)] === 1) eq++;
    let key: string | null;
    // The usual word, `name=value` with a plain name, needs no scan for quotes and brackets.
    if (eq > s && eq < e && src.charCodeAt(eq) === EQ)
      key = keys.words[keySlot(src, s, eq, wordHash(src, s, eq))] ?? '';
    else {
      const raw = src.slice(s, e);
      const k = paramEquals(raw);
      key = k > 0 ? paramKey(raw.slice(0, k)) : null;
      eq = s + k;
    }
    if (key !== null) {
      const neg = eq + 1 < e && src.charCodeAt(eq + 1) === BANG;
      this.put(key, valueOf(key, src, neg ? eq + 2 : eq + 1, e), neg ? ~ws : ws, we);
      return;
    }
    const raw = src.slice(s, e);
    if (/^![a-z0-9.\-_]+$/i.test(raw)) (this.unset ??= []).push(raw.slice(1).toLowerCase());
    else (this.bare ??= []).push({ raw, start: ws, end: we });
  }

  put(key: string, value: string, start: number, end: number): void {
    const d = this.d;
    for (let i = 0; i < this.n; i += 4) {
      if (d[i] === key) {
        d[i + 1] = value;
        d[i + 2] = start;
        d[i + 3] = end;
        return;
      }
    }
    const i = this.n;
    d[i] = key;
    d[i + 1] = value;
    d[i + 2] = start;
    d[i + 3] = end;
    this.n = i + 4;
  }

  end(): Args {
    return { props: Props.fromFlat(this.d.slice(0, this.n)), unset: this.unset ?? NONE, bare: this.bare ?? NONE };
  }

  /** The properties read so far as a view of the scratch list (no copy): valid until the next command. */
  view(into: Props): Props {
    return into.viewOf(this.d, this.n);
  }
}

const reader = new ArgReader();
/** The empty list of Args without `!key` or bare words (shared: Args lists are only read). */
const NONE: readonly never[] = Object.freeze([]);

/** The arguments among `words`. */
export function readArgs(words: readonly Word[]): Args {
  reader.begin();
  for (const w of words) reader.word(w.raw, 0, w.raw.length, w.start, w.end);
  return reader.end();
}

/** Starts the reader on the words of the statement under the cursor, from word `from` on. */
function readWordsAt(cur: StatementCursor, from: number): void {
  reader.begin();
  const text = cur.text;
  for (let k = from; k < cur.count; k++) {
    const ws = cur.wordStart(k);
    const we = cur.wordEnd(k);
    const joined = cur.joined(k);
    if (joined === undefined) reader.word(text, ws, we, ws, we);
    else reader.word(joined, 0, joined.length, ws, we);
  }
}

/** The arguments of the statement under the cursor, from word `from` on. */
export function readArgsAt(cur: StatementCursor, from: number): Args {
  readWordsAt(cur, from);
  return reader.end();
}

/** The one Props readPropsView hands out. */
const scratchProps = new Props();

/**
 * The `key=value` arguments of the statement under the cursor, from word `from` on, as a Props valid
 * until the next command is read (never changed or kept): for entries read again only to build their
 * rules or lists (commands.ts plainAdd: every argument is `name=value`, so there are no bare words).
 */
export function readPropsView(cur: StatementCursor, from: number): Props {
  readWordsAt(cur, from);
  return reader.view(scratchProps);
}

/** What readPlainView makes of a character below 128 (those above are word characters, as in the lexer). */
const C_WORD = 0;
const C_BLANK = 1;
const C_QUOTE = 2;
/** A newline, a lone CR, an escape or a bracket: the statement's end, or a case for the full reader. */
const C_OTHER = 3;
const CHAR = new Uint8Array(128).fill(C_OTHER);
for (let c = 33; c < 127; c++) CHAR[c] = C_WORD;
for (const c of [BSL, LBRACKET, RBRACKET, LBRACE, RBRACE, LPAREN, RPAREN]) CHAR[c] = C_OTHER;
CHAR[DQ] = C_QUOTE;
for (const c of [SP, TAB, FF]) CHAR[c] = C_BLANK;

/** Where the statement ends at `i` (end of the text, LF or CR LF); any other C_OTHER character does not. */
function endsAt(text: string, i: number): boolean {
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
function skipWord(text: string, i: number): number {
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
function closingQuote(text: string, i: number): number {
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
function afterBreak(text: string, i: number): number {
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
function startsValue(text: string, i: number): boolean {
  if (i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c >= 128 || CHAR[c] === C_WORD || CHAR[c] === C_QUOTE;
}

/**
 * readPropsView of a plain entry none of whose words a continuation breaks except right after a
 * `key=` (one line, or lines joined between words: `… chain=input \` + newline + `    comment=…`, or
 * before a value: `dst-address=\` + newline + `    10.1.2.3`), read straight from the text in one
 * pass: each key and short value is hashed as it is scanned and interned by that hash, where the
 * lexer, the key scan, the quote scan and the interner would each go over it again. The same
 * properties as readPropsView gives; undefined when a word holds an escape, a bracket, a quote inside
 * it or any other continuation (the full reader then reads the entry).
 * `argsAt`: where word `argsFrom` starts when the caller knows it (the path words are not read again), else -1.
 */
export function readPlainView(text: string, start: number, argsFrom: number, argsAt = -1): Props | undefined {
  const d = plainList;
  let count = 0;
  const n = text.length;
  let i = argsAt >= 0 ? argsAt : start;
  for (let k = argsAt >= 0 ? argsFrom : 0; ; k++) {
    // skipBlanks and endsAt, their usual case (one space between words) without a call.
    let c = text.charCodeAt(i);
    while (c === SP || c === TAB) c = text.charCodeAt(++i);
    if (c === BSL || c === FF) {
      i = skipBlanks(text, i);
      c = text.charCodeAt(i);
    }
    if (i >= n || c === LF || (c === CR && text.charCodeAt(i + 1) === LF)) return scratchProps.viewOf(d, count);
    const ws = i;
    if (k < argsFrom) {
      i = skipWord(text, i);
      if (i < 0) return undefined;
      continue;
    }
    // `key=`: the name's characters, hashed as the interner would.
    let h = RANGE_HASH_BASIS;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c >= 128 || KEY_CHAR[c] !== 1) break;
      h = Math.imul(h ^ c, RANGE_HASH_PRIME);
      i++;
    }
    if (i === ws || i >= n || c !== EQ) return undefined;
    // The tables are looked up by calls made for every word: code an entry takes only now and then (a
    // new word) is left out of the optimized reader, which would start over each time one came.
    const slot = keySlot(text, ws, i, h);
    const key = keys.words[slot] ?? '';
    const unique = keys.marks[slot] === UNIQUE;
    i++;
    c = text.charCodeAt(i);
    if (c === BSL) {
      // After a break the value must follow (a blank, a newline or the end there: the full reader's case).
      const vs0 = afterBreak(text, i);
      if (vs0 < 0 || !startsValue(text, vs0)) return undefined;
      i = vs0;
      c = text.charCodeAt(i);
    }
    const neg = c === BANG;
    i += neg ? 1 : 0;
    c = text.charCodeAt(i);
    let value: string;
    h = RANGE_HASH_BASIS;
    if (c === DQ) {
      // `"text"` without escapes, then the word's end: the inside as it is (valueOf).
      const vs = i + 1;
      const q = closingQuote(text, vs);
      // A blank or the end after it, tested in an order that does the same tests for a quote that ends
      // the line (an address list's comment) as for one that does not (see above).
      const after = text.charCodeAt(q + 1);
      if (q < 0 || !(after === SP || after === TAB || after === FF || endsAt(text, q + 1))) return undefined;
      if (q - vs > SHORT || unique) value = text.slice(vs, q);
      else {
        for (let j = vs; j < q; j++) h = Math.imul(h ^ text.charCodeAt(j), RANGE_HASH_PRIME);
        value = shortValue(text, vs, q, h);
      }
      i = q + 1;
    } else {
      const vs = i;
      if (unique) {
        // A value of its own (an address, a comment): sliced, not looked up, so not hashed.
        while (i < n) {
          c = text.charCodeAt(i);
          if (c < 128 && CHAR[c] !== C_WORD) break;
          i++;
        }
      } else {
        while (i < n) {
          c = text.charCodeAt(i);
          if (c < 128 && CHAR[c] !== C_WORD) break;
          h = Math.imul(h ^ c, RANGE_HASH_PRIME);
          i++;
        }
      }
      if (i < n && CHAR[c] !== C_BLANK && !endsAt(text, i)) return undefined;
      value = i - vs > SHORT || unique ? text.slice(vs, i) : shortValue(text, vs, i, h);
    }
    // ArgReader.put: a key written twice keeps its first place and its last value.
    let at = 0;
    while (at < count && d[at] !== key) at += 4;
    d[at] = key;
    d[at + 1] = value;
    // ~ws when negated, as an operation made for every word (see above).
    d[at + 2] = ws ^ (neg ? -1 : 0);
    d[at + 3] = i;
    if (at === count) count += 4;
  }
}

/** readPlainView's list of properties (Props layout), reused: its Props is a view valid until the next read. */
const plainList: (string | number)[] = [];
