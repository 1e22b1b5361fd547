import { ParseError } from '../../src/model/errors.js';
import { BSL, COLON, CR, DQ, HASH, LBRACE, LF, SP, TAB } from '../toolkit/chars.js';
import { PositionIndex } from '../toolkit/positions.js';

/**
 * RouterOS `/export` text → statements of words, keeping exact source offsets.
 *
 * docs/semantics.md#ros-syntax: a trailing `\` joins the next line, and the break may fall inside a value
 * or a quoted string; the join is "remove `\` + newline + the next line's leading whitespace".
 * Comments are lines whose first non-blank character is `#`. Quoted strings use backslash escapes
 * (`\"`, `\\`, `\n`, hex `\C8`); exports never put a raw newline inside a string, so a string that
 * reaches the end of its line unclosed marks the statement as damaged, and one that reaches the
 * end of the file is a truncated export (ParseError).
 */

/** One whitespace-separated token of a statement. */
export interface Word {
  /** The token as written with continuation sequences removed (quotes and escapes kept). */
  raw: string;
  /** Offset of its first character in the original text. */
  start: number;
  /** Offset just past its last character. */
  end: number;
}

export interface Statement {
  words: Word[];
  start: number;
  end: number;
  /** Starts with `:` or `{`: a RouterOS script statement rather than a menu command. */
  script: boolean;
  /** Set when the statement is damaged (unterminated string or bracket inside the file). */
  damaged?: string;
}

export interface Comment {
  start: number;
  end: number;
  text: string;
}

export interface Lexed {
  /** The statements, unless a callback took them one by one. */
  statements: Statement[];
  comments: Comment[];
  lines: PositionIndex;
  /** Offset of the first statement (comments before it are the export header). */
  firstStatement: number;
}

/**
 * Splits the text into statements and comments; throws ParseError when the file ends mid-construct.
 * With `onStatement`, each statement is handed over as soon as it is read and not kept (large
 * exports stay light).
 */
export function lex(
  text: string,
  file: string,
  onStatement?: (st: Statement) => void,
  lines = new PositionIndex(text),
): Lexed {
  const statements: Statement[] = [];
  const sink = onStatement ?? ((st: Statement): void => void statements.push(st));
  return lexCursor(
    text,
    file,
    (cur) => {
      sink(cur.toStatement());
    },
    lines,
    statements,
  );
}

/**
 * As `lex`, but each statement is handed over as the reader itself (a StatementCursor), valid until
 * the callback returns: word offsets without a Word object or a string per word (the parser's path).
 * `fast`, when given, is offered each statement's offset first: it may take the statement itself and
 * return where it ends (commands.ts plainAddLine), or return -1 to have it read and handed over.
 */
export function lexCursor(
  text: string,
  file: string,
  onStatement: (cur: StatementCursor) => void,
  lines = new PositionIndex(text),
  statements: Statement[] = [],
  fast?: (at: number) => number,
): Lexed {
  let firstStatement = -1;
  const comments: Comment[] = [];
  const n = text.length;
  const reader = new StatementReader(text, (offset, message) => {
    const p = lines.position(offset);
    return new ParseError(file, p.line, p.column, message);
  });

  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === SP || c === TAB || c === CR || c === LF || c === 12 || c === 0xfeff) {
      i++;
      continue;
    }
    if (c === HASH) {
      let e = text.indexOf('\n', i);
      if (e < 0) e = n;
      const end = e > i && text.charCodeAt(e - 1) === CR ? e - 1 : e;
      comments.push({ start: i, end, text: text.slice(i, end) });
      i = e;
      continue;
    }
    if (firstStatement < 0) firstStatement = i;
    const taken = fast === undefined ? -1 : fast(i);
    if (taken >= 0) {
      i = taken;
      continue;
    }
    i = reader.read(i);
    if (reader.count > 0) onStatement(reader);
  }
  return { statements, comments, lines, firstStatement: firstStatement < 0 ? text.length : firstStatement };
}

/**
 * The statement just read, valid until the next one is read: its words as offsets into the text, the
 * raw text of a word made on request. A word broken by a continuation has its joined text ready.
 */
export interface StatementCursor {
  readonly text: string;
  /** Number of words (at least 1 when handed over). */
  readonly count: number;
  readonly start: number;
  readonly end: number;
  readonly script: boolean;
  readonly damaged: string | undefined;
  /** A line continuation (`\` + newline) joins lines of the statement: it spans more than one line. */
  readonly continued: boolean;
  wordStart(k: number): number;
  wordEnd(k: number): number;
  /** The joined text of word k when a continuation breaks it, else undefined (it is text[start, end)). */
  joined(k: number): string | undefined;
  /** Word k as written, continuations removed. */
  raw(k: number): string;
  /** Words from `from` on, as Word objects. */
  words(from?: number): Word[];
  /** A copy that outlives the cursor. */
  toStatement(): Statement;
}

/**
 * The statement starting at `start` (a statement the reader met before, read again on demand: the
 * text is valid there, so no error can arise).
 */
export function statementAt(text: string, start: number): StatementCursor {
  const reader = new StatementReader(text, (_offset, message) => new ParseError('', 0, 0, message));
  reader.read(start);
  return reader;
}

/**
 * As statementAt, with one reader for many statements of the same text (entries read again one by
 * one while rules are built): the cursor returned is valid until the next call.
 */
export function statementsAt(text: string): (start: number) => StatementCursor {
  const reader = new StatementReader(text, (_offset, message) => new ParseError('', 0, 0, message));
  return (start) => {
    reader.read(start);
    return reader;
  };
}

/** ASCII characters with no meaning to the reader (1): not blank, newline, quote, backslash or bracket. */
const PLAIN = new Uint8Array(128);
for (let c = 33; c < 127; c++) PLAIN[c] = 1;
for (const c of [DQ, BSL, 91, 93, LBRACE, 125, 40, 41]) PLAIN[c] = 0;

/**
 * What a character below 128 is to the reader's first test: WORD (a plain character, PLAIN), BLANK
 * (space, tab, form feed), or OTHER (newlines, CR, quote, backslash, brackets, control characters).
 */
const OTHER = 0;
const WORD = 1;
const BLANK = 2;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) CLASS[c] = PLAIN[c] === 1 ? WORD : OTHER;
for (const c of [SP, TAB, 12]) CLASS[c] = BLANK;

const CLOSER: Readonly<Record<number, number>> = { 91: 93, [LBRACE]: 125, 40: 41 };
const OPENER: Readonly<Record<number, string>> = { 93: '[', 125: '{', 41: '(' };

/**
 * Reads statements one at a time. One reader serves a whole file, so its scratch lists (word offsets,
 * pieces of the current word, open brackets) are allocated once rather than per statement.
 */
class StatementReader implements StatementCursor {
  readonly text: string;
  private readonly error: (offset: number, message: string) => ParseError;
  count = 0;
  start = 0;
  end = 0;
  script = false;
  damaged: string | undefined;
  continued = false;
  /** Word k spans [bounds[2k], bounds[2k + 1]). */
  private bounds = new Int32Array(64);
  /** Joined text of words broken by continuations (k where `broken[k]` is 1). */
  private readonly joinedText: string[] = [];
  private broken = new Uint8Array(32);
  /** Pieces of the current word, split by continuations: [start, end) pairs. */
  private pieces = new Int32Array(16);
  /** Numbers used in `pieces` (a typed list: emptying a JS array drops its storage, so every broken word reallocated it). */
  private piecesUsed = 0;
  private pieceStart = -1;
  private wordStart0 = -1;
  /** Closing brackets expected, innermost last, and where each was opened. */
  private readonly stack: number[] = [];
  private readonly stackAt: number[] = [];

  constructor(text: string, error: (offset: number, message: string) => ParseError) {
    this.text = text;
    this.error = error;
  }

  wordStart(k: number): number {
    return this.bounds[2 * k] ?? 0;
  }

  wordEnd(k: number): number {
    return this.bounds[2 * k + 1] ?? 0;
  }

  joined(k: number): string | undefined {
    return this.broken[k] === 1 ? this.joinedText[k] : undefined;
  }

  raw(k: number): string {
    return this.joined(k) ?? this.text.slice(this.wordStart(k), this.wordEnd(k));
  }

  words(from = 0): Word[] {
    const out: Word[] = [];
    for (let k = from; k < this.count; k++)
      out.push({ raw: this.raw(k), start: this.wordStart(k), end: this.wordEnd(k) });
    return out;
  }

  toStatement(): Statement {
    const st: Statement = { words: this.words(), start: this.start, end: this.end, script: this.script };
    if (this.damaged) st.damaged = this.damaged;
    return st;
  }

  private flushWord(end: number): void {
    if (this.wordStart0 < 0) return;
    const k = this.count;
    if (2 * k + 2 > this.bounds.length) {
      const bigger = new Int32Array(this.bounds.length * 2);
      bigger.set(this.bounds);
      this.bounds = bigger;
      const b = new Uint8Array(this.broken.length * 2);
      b.set(this.broken);
      this.broken = b;
    }
    this.bounds[2 * k] = this.wordStart0;
    this.bounds[2 * k + 1] = end;
    if (this.piecesUsed > 0 || this.pieceStart !== this.wordStart0) {
      // Broken by a continuation: the pieces joined (one flat string).
      if (this.pieceStart >= 0 && end > this.pieceStart) this.addPiece(this.pieceStart, end);
      const pieces = this.pieces;
      const text = this.text;
      if (this.piecesUsed === 4) {
        // The usual break: two pieces, concatenated without a list (the reader's first scan flattens it).
        this.joinedText[k] = text.slice(pieces[0], pieces[1]) + text.slice(pieces[2], pieces[3]);
      } else {
        const parts: string[] = [];
        for (let p = 0; p + 1 < this.piecesUsed; p += 2) parts.push(text.slice(pieces[p], pieces[p + 1]));
        this.joinedText[k] = parts.join('');
      }
      this.broken[k] = 1;
      this.piecesUsed = 0;
    } else this.broken[k] = 0;
    this.count = k + 1;
    this.pieceStart = -1;
    this.wordStart0 = -1;
  }

  private addPiece(start: number, end: number): void {
    const used = this.piecesUsed;
    if (used + 2 > this.pieces.length) {
      const bigger = new Int32Array(this.pieces.length * 2);
      bigger.set(this.pieces);
      this.pieces = bigger;
    }
    this.pieces[used] = start;
    this.pieces[used + 1] = end;
    this.piecesUsed = used + 2;
  }

  private startWord(at: number): void {
    if (this.wordStart0 < 0) {
      this.wordStart0 = at;
      this.pieceStart = at;
    } else if (this.pieceStart < 0) this.pieceStart = at;
  }

  /** A newline at `at`: length of the newline sequence when the text has one there, else 0. */
  private newlineAt(at: number): number {
    const c = this.text.charCodeAt(at);
    if (c === LF) return 1;
    if (c === CR && this.text.charCodeAt(at + 1) === LF) return 2;
    return 0;
  }

  /** Reads one statement starting at `i`; returns the offset where the next one may start. */
  read(start: number): number {
    const text = this.text;
    const n = text.length;
    const stack = this.stack;
    const stackAt = this.stackAt;
    let i = start;
    const first = text.charCodeAt(i);
    this.script = first === COLON || first === LBRACE;
    this.count = 0;
    this.damaged = undefined;
    this.continued = false;
    // Cleared only when used: setting an array's length is a call into the runtime, twice per statement.
    this.piecesUsed = 0;
    this.pieceStart = -1;
    this.wordStart0 = -1;
    if (stack.length > 0) stack.length = 0;
    if (stackAt.length > 0) stackAt.length = 0;
    let inQuote = false;
    let quoteAt = -1;
    let lastEnd = i;
    for (;;) {
      if (i >= n) {
        if (inQuote) throw this.error(quoteAt, 'the file ends inside a quoted string opened here (truncated export?)');
        const open = stack.length - 1;
        if (open >= 0) {
          const opener = OPENER[stack[open] ?? 0] ?? '?';
          throw this.error(stackAt[open] ?? i, `the file ends inside "${opener}" opened here (truncated export?)`);
        }
        this.flushWord(i);
        break;
      }
      const c = text.charCodeAt(i);
      if (!inQuote) {
        // The two usual cases first, by one table lookup: a plain character starts (or goes on with) a
        // word, a blank ends it. Everything else (and a CR, which may start a newline) takes the branches below.
        const k = c < 128 ? CLASS[c] : WORD;
        if (k === WORD) {
          this.startWord(i);
          i++;
          while (i < n && PLAIN[text.charCodeAt(i)] === 1) i++;
          lastEnd = i;
          continue;
        }
        if (k === BLANK) {
          if (stack.length > 0) {
            i++;
            lastEnd = i;
            continue;
          }
          this.flushWord(lastEnd);
          i++;
          continue;
        }
      }
      if (c === BSL) {
        // Continuation: `\` + newline (outside quotes also `\` + trailing blanks + newline).
        let j = i + 1;
        if (!inQuote) while (j < n && (text.charCodeAt(j) === SP || text.charCodeAt(j) === TAB)) j++;
        const nl = this.newlineAt(j);
        if (nl > 0 || j >= n) {
          if (nl === 0) throw this.error(i, 'the file ends with a line continuation "\\" (truncated export?)');
          const backslash = i;
          this.continued = true;
          if (this.wordStart0 >= 0 && this.pieceStart >= 0 && i > this.pieceStart) this.addPiece(this.pieceStart, i);
          i = j + nl;
          while (i < n && (text.charCodeAt(i) === SP || text.charCodeAt(i) === TAB)) i++;
          if (i >= n) throw this.error(backslash, 'the file ends after a line continuation "\\" (truncated export?)');
          // The word (or quoted string) goes on with the next line's first non-blank character.
          this.pieceStart = this.wordStart0 >= 0 ? i : -1;
          continue;
        }
        // An escape: the backslash and the escaped character belong to the word.
        this.startWord(i);
        i += 2;
        lastEnd = Math.min(i, n);
        continue;
      }
      if (inQuote) {
        if (c === DQ) {
          inQuote = false;
          i++;
          lastEnd = i;
          continue;
        }
        if (this.newlineAt(i) > 0) {
          this.damaged = 'unterminated quoted string';
          stack.length = 0;
          this.flushWord(lastEnd);
          break;
        }
        // Inside quotes only `"`, `\\` and a line end matter.
        i++;
        for (let q = text.charCodeAt(i); i < n && q !== DQ && q !== BSL && q !== LF && q !== CR; q = text.charCodeAt(i))
          i++;
        lastEnd = i;
        continue;
      }
      if (c === DQ) {
        this.startWord(i);
        inQuote = true;
        quoteAt = i;
        i++;
        lastEnd = i;
        continue;
      }
      const closer = CLOSER[c];
      if (closer !== undefined) {
        this.startWord(i);
        stack.push(closer);
        stackAt.push(i);
        i++;
        lastEnd = i;
        continue;
      }
      if ((c === 93 || c === 125 || c === 41) && stack.length > 0) {
        if (stack[stack.length - 1] === c) {
          stack.pop();
          stackAt.pop();
        }
        this.startWord(i);
        i++;
        lastEnd = i;
        continue;
      }
      const nl = this.newlineAt(i);
      if (nl > 0) {
        if (stack.length > 0) {
          // Script blocks `{ … }` span lines; any other open bracket at a line end is damage.
          if (this.script && stack.includes(125)) {
            this.startWord(i);
            i += nl;
            lastEnd = i;
            continue;
          }
          this.damaged = `unbalanced "${OPENER[stack[0] ?? 0] ?? '?'}"`;
          stack.length = 0;
        }
        this.flushWord(lastEnd);
        break;
      }
      if (c === SP || c === TAB || c === CR || c === 12) {
        if (stack.length > 0) {
          i++;
          lastEnd = i;
          continue;
        }
        this.flushWord(lastEnd);
        i++;
        continue;
      }
      this.startWord(i);
      // The rest of a plain run at once: characters that end, quote, escape or bracket nothing.
      i++;
      while (i < n && PLAIN[text.charCodeAt(i)] === 1) i++;
      lastEnd = i;
    }
    if (this.count > 0) {
      this.start = this.wordStart(0);
      this.end = this.wordEnd(this.count - 1);
    }
    return i;
  }
}

/** Splits `key=value` at the first `=` outside quotes and brackets; undefined for bare words. */
export function splitParam(raw: string): { key: string; value: string } | undefined {
  const k = paramEquals(raw);
  return k > 0 ? { key: raw.slice(0, k), value: raw.slice(k + 1) } : undefined;
}

/** Offset of the `=` of `key=value` (the first outside quotes and brackets); -1 for bare words and `=value`. */
export function paramEquals(raw: string): number {
  let depth = 0;
  let quote = false;
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    if (quote) {
      if (c === BSL) k++;
      else if (c === DQ) quote = false;
      continue;
    }
    if (c === DQ) quote = true;
    else if (c === 91 || c === LBRACE || c === 40) depth++;
    else if (c === 93 || c === 125 || c === 41) depth--;
    else if (c === 61 /* = */ && depth === 0) return k === 0 ? -1 : k;
  }
  return -1;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  _: ' ',
  '"': '"',
  '\\': '\\',
  $: '$',
  '?': '?',
};

/**
 * The value of a token: quotes removed and escapes resolved (docs/semantics.md#ros-syntax). Hex escapes
 * (`\C3\A9`, capital hex digits as RouterOS writes them) are bytes, decoded as UTF-8.
 */
export function unquote(raw: string): string {
  if (!raw.includes('"') && !raw.includes('\\')) return raw;
  // Runs of plain characters are taken as slices and joined once: one flat string, not a rope per character.
  const parts: string[] = [];
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) {
      parts.push(Buffer.from(bytes).toString('utf8'));
      bytes = [];
    }
  };
  let run = 0;
  const take = (k: number): void => {
    if (k > run) {
      flush();
      parts.push(raw.slice(run, k));
    }
  };
  for (let k = 0; k < raw.length; k++) {
    const c = raw.charCodeAt(k);
    // A backslash at the very end is a plain character.
    if ((c !== DQ && c !== BSL) || (c === BSL && k + 1 >= raw.length)) continue;
    take(k);
    run = k + 1;
    if (c === DQ) continue;
    const a = raw.charAt(k + 1);
    const b = raw[k + 2];
    if (/[0-9A-F]/.test(a) && b !== undefined && /[0-9A-F]/.test(b)) {
      bytes.push(parseInt(a + b, 16));
      k += 2;
    } else {
      flush();
      parts.push(SIMPLE_ESCAPES[a] ?? a);
      k++;
    }
    run = k + 1;
  }
  take(raw.length);
  flush();
  return parts.join('');
}
