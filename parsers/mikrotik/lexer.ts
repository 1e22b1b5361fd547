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
  const sink: Statement[] | { push(st: Statement): void } = onStatement ? { push: onStatement } : statements;
  let firstStatement = -1;
  const comments: Comment[] = [];
  const n = text.length;
  const fail = (offset: number, message: string): never => {
    const p = lines.position(offset);
    throw new ParseError(file, p.line, p.column, message);
  };

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
    i = readStatement(text, i, sink, fail);
  }
  return { statements, comments, lines, firstStatement: firstStatement < 0 ? text.length : firstStatement };
}

/** Reads one statement starting at `i`; returns the offset where the next one may start. */
function readStatement(
  text: string,
  i: number,
  out: { push(st: Statement): void },
  fail: (offset: number, message: string) => never,
): number {
  const n = text.length;
  const first = text.charCodeAt(i);
  const script = first === COLON || first === LBRACE;
  const words: Word[] = [];
  /** Pieces of the current word, split by continuations: [start, end) pairs. */
  const pieces: number[] = [];
  let pieceStart = -1;
  let wordStart = -1;
  let inQuote = false;
  let quoteAt = -1;
  const stack: number[] = [];
  const stackAt: number[] = [];
  let damaged: string | undefined;

  const flushWord = (end: number): void => {
    if (wordStart < 0) return;
    if (pieceStart >= 0 && end > pieceStart) pieces.push(pieceStart, end);
    let raw: string;
    if (pieces.length === 2) raw = text.slice(pieces[0], pieces[1]);
    else {
      raw = '';
      for (let k = 0; k < pieces.length; k += 2) raw += text.slice(pieces[k], pieces[k + 1]);
    }
    words.push({ raw, start: wordStart, end });
    pieces.length = 0;
    pieceStart = -1;
    wordStart = -1;
  };
  const startWord = (at: number): void => {
    if (wordStart < 0) {
      wordStart = at;
      pieceStart = at;
    } else if (pieceStart < 0) pieceStart = at;
  };
  /** A newline at `at`: length of the newline sequence when the text has one there, else 0. */
  const newlineAt = (at: number): number => {
    const c = text.charCodeAt(at);
    if (c === LF) return 1;
    if (c === CR && text.charCodeAt(at + 1) === LF) return 2;
    return 0;
  };

  let lastEnd = i;
  while (true) {
    if (i >= n) {
      if (inQuote) fail(quoteAt, 'the file ends inside a quoted string opened here (truncated export?)');
      if (stack.length > 0)
        fail(
          stackAt[stackAt.length - 1]!,
          `the file ends inside "${String.fromCharCode(stack[stack.length - 1]!)}" opened here (truncated export?)`,
        );
      flushWord(i);
      break;
    }
    const c = text.charCodeAt(i);
    if (c === BSL) {
      // Continuation: `\` + newline (outside quotes also `\` + trailing blanks + newline).
      let j = i + 1;
      if (!inQuote) while (j < n && (text.charCodeAt(j) === SP || text.charCodeAt(j) === TAB)) j++;
      const nl = newlineAt(j);
      if (nl > 0 || (j >= n && !inQuote) || (inQuote && j >= n)) {
        if (nl === 0) fail(i, 'the file ends with a line continuation "\\" (truncated export?)');
        const backslash = i;
        if (wordStart >= 0 && pieceStart >= 0 && i > pieceStart) pieces.push(pieceStart, i);
        i = j + nl;
        while (i < n && (text.charCodeAt(i) === SP || text.charCodeAt(i) === TAB)) i++;
        if (i >= n) fail(backslash, 'the file ends after a line continuation "\\" (truncated export?)');
        // The word (or quoted string) goes on with the next line's first non-blank character.
        pieceStart = wordStart >= 0 ? i : -1;
        continue;
      }
      // An escape: the backslash and the escaped character belong to the word.
      startWord(i);
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
      if (newlineAt(i) > 0) {
        damaged = 'unterminated quoted string';
        inQuote = false;
        stack.length = 0;
        flushWord(lastEnd);
        break;
      }
      i++;
      lastEnd = i;
      continue;
    }
    if (c === DQ) {
      startWord(i);
      inQuote = true;
      quoteAt = i;
      i++;
      lastEnd = i;
      continue;
    }
    if (c === 91 /* [ */ || c === LBRACE || c === 40 /* ( */) {
      startWord(i);
      stack.push(c === 91 ? 93 : c === LBRACE ? 125 : 41);
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
      startWord(i);
      i++;
      lastEnd = i;
      continue;
    }
    const nl = newlineAt(i);
    if (nl > 0) {
      if (stack.length > 0) {
        // Script blocks `{ … }` span lines; any other open bracket at a line end is damage.
        if (script && stack.includes(125)) {
          startWord(i);
          i += nl;
          lastEnd = i;
          continue;
        }
        damaged = `unbalanced "${String.fromCharCode(stack[0] === 93 ? 91 : stack[0] === 125 ? 123 : 40)}"`;
        stack.length = 0;
      }
      flushWord(lastEnd);
      break;
    }
    if (c === SP || c === TAB || c === CR || c === 12) {
      if (stack.length > 0) {
        i++;
        lastEnd = i;
        continue;
      }
      flushWord(lastEnd);
      i++;
      continue;
    }
    startWord(i);
    i++;
    lastEnd = i;
  }
  if (words.length > 0) {
    const st: Statement = { words, start: words[0]!.start, end: words[words.length - 1]!.end, script };
    if (damaged) st.damaged = damaged;
    out.push(st);
  }
  return i;
}

/** Splits `key=value` at the first `=` outside quotes and brackets; undefined for bare words. */
export function splitParam(raw: string): { key: string; value: string } | undefined {
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
    else if (c === 61 /* = */ && depth === 0) {
      if (k === 0) return undefined;
      return { key: raw.slice(0, k), value: raw.slice(k + 1) };
    }
  }
  return undefined;
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
  if (raw.indexOf('"') < 0 && raw.indexOf('\\') < 0) return raw;
  let out = '';
  let bytes: number[] = [];
  const flush = (): void => {
    if (bytes.length) {
      out += Buffer.from(bytes).toString('utf8');
      bytes = [];
    }
  };
  for (let k = 0; k < raw.length; k++) {
    const ch = raw[k]!;
    if (ch === '"') continue;
    if (ch === '\\' && k + 1 < raw.length) {
      const a = raw[k + 1]!;
      const b = raw[k + 2];
      if (/[0-9A-F]/.test(a) && b !== undefined && /[0-9A-F]/.test(b)) {
        bytes.push(parseInt(a + b, 16));
        k += 2;
        continue;
      }
      flush();
      out += SIMPLE_ESCAPES[a] ?? a;
      k++;
      continue;
    }
    flush();
    out += ch;
  }
  flush();
  return out;
}
