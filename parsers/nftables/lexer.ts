import ipaddr from 'ipaddr.js';
import { ParseError } from '../../src/model/errors.js';

/**
 * Tokens of the nft text grammar (nft's scanner.l, simplified). Newlines are tokens: in nft they
 * end statements, except inside `{ … }` of anonymous sets and after a `\` line continuation.
 */
export type TokKind = 'word' | 'string' | 'var' | 'ref' | 'raw' | 'punct' | 'nl' | 'eof';

export interface Token {
  kind: TokKind;
  /** word: as written; string: without quotes; var/ref: the name without `$`/`@`; punct: the operator. */
  text: string;
  file: string;
  line: number;
  col: number;
  endLine: number;
  /** Exclusive, as SARIF counts. */
  endCol: number;
}

/** Character codes the scanners test (this lexer and text-direct.ts). */
export const C = {
  TAB: 9,
  NL: 10,
  CR: 13,
  SPACE: 32,
  BANG: 33,
  DQUOTE: 34,
  HASH: 35,
  DOLLAR: 36,
  PERCENT: 37,
  AMP: 38,
  LPAREN: 40,
  RPAREN: 41,
  STAR: 42,
  PLUS: 43,
  COMMA: 44,
  MINUS: 45,
  DOT: 46,
  SLASH: 47,
  COLON: 58,
  SEMI: 59,
  LT: 60,
  EQ: 61,
  GT: 62,
  AT: 64,
  LBRACKET: 91,
  BACKSLASH: 92,
  RBRACKET: 93,
  CARET: 94,
  UNDERSCORE: 95,
  LBRACE: 123,
  PIPE: 124,
  RBRACE: 125,
  TILDE: 126,
} as const;

export function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Characters a bare word may contain: identifiers, numbers, addresses, prefixes, ranges, units. */
export function isWordChar(c: number): boolean {
  return (
    isAlnum(c) ||
    c === C.UNDERSCORE ||
    c === C.DOT ||
    c === C.SLASH ||
    c === C.COLON ||
    c === C.MINUS ||
    c === C.STAR ||
    c === C.PERCENT
  );
}

function isNameChar(c: number): boolean {
  return isAlnum(c) || c === C.UNDERSCORE || c === C.DOT || c === C.MINUS || c === C.SLASH;
}

const HEXISH = /^[0-9a-fA-F:.]+$/;

function isV6(s: string): boolean {
  const bare = s.replace(/%[\w.-]+$/, '');
  return bare.includes(':') && HEXISH.test(bare) && ipaddr.IPv6.isValid(bare);
}

/** Words with colons that stay whole: IPv6 addresses, prefixes and ranges, MAC addresses. */
export function keepsColons(w: string): boolean {
  if (/^[0-9a-fA-F]{1,2}(:[0-9a-fA-F]{1,2}){5}$/.test(w)) return true; // MAC
  const slash = w.indexOf('/');
  const body = slash >= 0 ? w.slice(0, slash) : w;
  if (slash >= 0 && !/^\d{1,3}$/.test(w.slice(slash + 1))) return false;
  if (isV6(body)) return true;
  const dash = body.indexOf('-');
  return slash < 0 && dash > 0 && isV6(body.slice(0, dash)) && isV6(body.slice(dash + 1));
}

/** The longest word with colons kept whole: an IPv6 range with prefix and zone fits well within it. */
export const MAX_COLON_WORD = 128;

const TWO_CHAR = new Set(['!=', '==', '<=', '>=', '<<', '>>']);

export class Lexer {
  readonly file: string;
  /** Text after `#` of every line that holds only a comment, by line number. */
  readonly commentLines = new Map<number, string>();
  private readonly s: string;
  private i = 0;
  private line = 1;
  private lineStart = 0;
  /** The last token next() returned and the offset where it starts (text-direct.ts reads on from there). */
  lastTok: Token | undefined;
  lastStart = 0;

  constructor(text: string, file: string) {
    this.s = text;
    this.file = file;
  }

  private err(msg: string, line = this.line, col = this.i - this.lineStart + 1): never {
    throw new ParseError(this.file, line, col, msg);
  }

  /** The text being read. */
  get source(): string {
    return this.s;
  }

  /** The offset where the current line starts. */
  get lineOffset(): number {
    return this.lineStart;
  }

  /**
   * Goes on reading at `offset`, on the current line: the direct reader (text-direct.ts) has read the
   * rule that starts at the last token up to there, without a line break.
   */
  resume(offset: number): void {
    this.i = offset;
    this.lastTok = undefined;
  }

  /** Where the next token is looked for, and its line: the direct reader starts there. */
  get offset(): number {
    return this.i;
  }

  get lineNo(): number {
    return this.line;
  }

  /**
   * Goes past blanks and line breaks (what next() gives as `nl` tokens, without them) and gives the
   * offset reached; stops at anything else (a comment, a `\`, the end), which next() reads as before.
   */
  skipBlankLines(): number {
    const s = this.s;
    let i = this.i;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === C.SPACE || c === C.TAB || c === C.CR || c === 0xfeff) i++;
      else if (c === C.NL) {
        i++;
        this.line++;
        this.lineStart = i;
      } else break;
    }
    this.i = i;
    return i;
  }

  /** Goes on reading at `offset` of line `line` (starting at `lineStart`): after an element list read directly. */
  resumeAt(offset: number, line: number, lineStart: number): void {
    this.i = offset;
    this.line = line;
    this.lineStart = lineStart;
    this.lastTok = undefined;
  }

  private tok(kind: TokKind, text: string, start: number, line: number, lineStart: number): Token {
    this.lastStart = start;
    return (this.lastTok = {
      kind,
      text,
      file: this.file,
      line,
      col: start - lineStart + 1,
      endLine: this.line,
      endCol: this.i - this.lineStart + 1,
    });
  }

  next(): Token {
    const s = this.s;
    for (;;) {
      if (this.i >= s.length) {
        const start = this.i;
        return this.tok('eof', '', start, this.line, this.lineStart);
      }
      const c = s.charCodeAt(this.i);
      if (c === C.SPACE || c === C.TAB || c === C.CR || c === 0xfeff) {
        this.i++;
        continue;
      }
      if (c === C.HASH) {
        const nl = s.indexOf('\n', this.i);
        const end = nl < 0 ? s.length : nl;
        if (s.slice(this.lineStart, this.i).trim() === '')
          this.commentLines.set(this.line, s.slice(this.i + 1, end).replace(/\r$/, ''));
        this.i = end;
        continue;
      }
      if (c === C.BACKSLASH) {
        // Line continuation: a backslash, optional blanks, then the end of the line.
        let j = this.i + 1;
        while (j < s.length && (s.charCodeAt(j) === C.SPACE || s.charCodeAt(j) === C.TAB || s.charCodeAt(j) === C.CR))
          j++;
        if (j < s.length && s.charCodeAt(j) === C.NL) {
          this.i = j + 1;
          this.line++;
          this.lineStart = this.i;
          continue;
        }
        this.err("syntax error, unexpected '\\'");
      }
      break;
    }
    const start = this.i;
    const line = this.line;
    const ls = this.lineStart;
    const c = s.charCodeAt(this.i);
    if (c === C.NL) {
      this.i++;
      const t = this.tok('nl', '\n', start, line, ls);
      t.endLine = line;
      t.endCol = start - ls + 2;
      this.line++;
      this.lineStart = this.i;
      return t;
    }
    if (c === C.DQUOTE) {
      let j = this.i + 1;
      let out = '';
      let from = j;
      for (;;) {
        if (j >= s.length) this.err('unterminated string', line, start - ls + 1);
        const d = s.charCodeAt(j);
        if (d === C.DQUOTE) break;
        if (d === C.NL) this.err('unterminated string', line, start - ls + 1);
        if (d === C.BACKSLASH && j + 1 < s.length && s.charCodeAt(j + 1) !== C.NL) {
          out += s.slice(from, j);
          // nft keeps `\*` (a literal asterisk in interface names) as is.
          out += s.charCodeAt(j + 1) === C.STAR ? '\\*' : s.charAt(j + 1);
          j += 2;
          from = j;
          continue;
        }
        j++;
      }
      out += s.slice(from, j);
      this.i = j + 1;
      return this.tok('string', out, start, line, ls);
    }
    if (c === C.DOLLAR || c === C.AT) {
      let j = this.i + 1;
      while (j < s.length && isNameChar(s.charCodeAt(j))) j++;
      const name = s.slice(this.i + 1, j);
      if (!name) this.err(`syntax error, unexpected '${s.charAt(this.i)}'`);
      if (c === C.AT && j < s.length && s.charCodeAt(j) === C.COMMA && /^(ll|nh|th|ih)$/.test(name)) {
        // Raw payload expression: @nh,16,16
        while (j < s.length && (isAlnum(s.charCodeAt(j)) || s.charCodeAt(j) === C.COMMA)) j++;
        this.i = j;
        return this.tok('raw', s.slice(start, j), start, line, ls);
      }
      this.i = j;
      return this.tok(c === C.DOLLAR ? 'var' : 'ref', name, start, line, ls);
    }
    if (c === C.LBRACKET) {
      // A bracketed IPv6 address: [c0::1a]:4242
      const close = s.slice(this.i, this.i + 60).indexOf(']') + this.i;
      if (close > this.i && isV6(s.slice(this.i + 1, close))) {
        this.i = close + 1;
        return this.tok('word', s.slice(start + 1, close), start, line, ls);
      }
      this.i++;
      return this.tok('punct', '[', start, line, ls);
    }
    if (
      (isWordChar(c) && c !== C.MINUS && c !== C.DOT && c !== C.COLON && c !== C.SLASH) ||
      (c === C.COLON && s.charCodeAt(this.i + 1) === C.COLON)
    ) {
      // Up to the first colon; past it only as far as an address with colons can reach (IPv6 ranges,
      // MACs): a long run like `aa:bb:cc:…` is cut at its first colon without being rescanned, so
      // lexing stays linear.
      let j = this.i + (c === C.COLON ? 0 : 1);
      while (j < s.length && isWordChar(s.charCodeAt(j)) && s.charCodeAt(j) !== C.COLON) j++;
      const colon = j < s.length && s.charCodeAt(j) === C.COLON ? j - this.i : -1;
      if (colon >= 0) {
        let k = j;
        while (k < s.length && k - this.i <= MAX_COLON_WORD && isWordChar(s.charCodeAt(k))) k++;
        const whole = k - this.i <= MAX_COLON_WORD && keepsColons(s.slice(this.i, k));
        if (whole) j = k;
        else if (colon === 0) {
          this.i++;
          return this.tok('punct', ':', start, line, ls);
        }
      }
      this.i = j;
      return this.tok('word', s.slice(start, j), start, line, ls);
    }
    const two = s.slice(this.i, this.i + 2);
    if (TWO_CHAR.has(two)) {
      this.i += 2;
      return this.tok('punct', two, start, line, ls);
    }
    switch (c) {
      case C.LBRACE:
      case C.RBRACE:
      case C.LPAREN:
      case C.RPAREN:
      case C.SEMI:
      case C.COMMA:
      case C.EQ:
      case C.BANG:
      case C.LT:
      case C.GT:
      case C.AMP:
      case C.PIPE:
      case C.CARET:
      case C.TILDE:
      case C.DOT:
      case C.COLON:
      case C.MINUS:
      case C.PLUS:
      case C.SLASH:
      case C.RBRACKET:
      case C.STAR:
        this.i++;
        return this.tok('punct', s.charAt(start), start, line, ls);
    }
    const ch = s.codePointAt(this.i) ?? c;
    const shown =
      ch < 32 || ch > 126 ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(ch)}'`;
    this.err(`syntax error, unexpected character ${shown}`);
  }
}
