import {
  directFlat,
  knownValues,
  plainVerdict,
  type Cond,
  type Flat,
  type FlatVerdict,
  type NatSpec,
} from './expand.js';
import { stmtPos, type Expr, type NRule, type ReadRule } from './ir.js';
import { C, MAX_COLON_WORD, isAlnum, isWordChar, keepsColons, type Token } from './lexer.js';
import { keepPrinted, printExpr } from './print.js';
import { flat } from '../toolkit/labels.js';
import { DirectMatch, type DirectAlt } from './direct-match.js';
import {
  NAT_FLAGS,
  PAYLOAD,
  STATEMENT_ONLY,
  UNQUALIFIED_META,
  metaSelector,
  payloadSelector,
  elementValue,
  wordValue,
} from './text-rules.js';
import { emptyList } from '../toolkit/scratch.js';
import { OTHER, UNQUOTED, sourceForm } from './rule-text.js';
import { wordElement } from './set-words.js';

/**
 * The common rule forms of the nft text grammar read straight from the source, without tokens,
 * statement objects, expansion and printing: one line of `iifname`/`oifname`, `ip saddr|daddr`,
 * `meta l4proto`, `ip protocol`, `tcp|udp|th dport|sport`, `icmp type`, `ct state` matches with
 * values, anonymous sets and comma lists, then `counter`, `log`, a verdict (`accept`, `drop`,
 * `reject`, `jump`, `goto`, `return`, `continue`), `masquerade`, `snat|dnat to ADDR[:PORT]`,
 * `comment "…"`. The reader yields what the generic path (lexer → text-rules.ts → expand.ts →
 * print.ts) yields for the same rule: the same conditions (same selector and value objects), the
 * same verdict and NAT, the same canonical text, positions and spans; prepare.ts then converts it.
 *
 * Anything else — a line break inside the rule, `\`, `@sets`, concatenations, maps, bit operations,
 * element options, IPv6 words with colons, other statements — makes read() return undefined before
 * anything is consumed, and the generic path reads the rule.
 */

const enum K {
  END,
  WORD,
  /** A word of decimal digits nft reads as a number (at most 15 digits, as text-rules.ts wordValue). */
  NUM,
  STRING,
  PUNCT,
}

/** The byte-order mark, which the lexer skips like a blank. */
const BOM = 0xfeff;

/** Word characters the direct reader accepts: names, numbers, IPv4 addresses, prefixes and ranges (by code, below 128). */
const PLAIN_WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++)
  PLAIN_WORD[c] = isAlnum(c) || c === C.UNDERSCORE || c === C.DOT || c === C.SLASH || c === C.MINUS ? 1 : 0;

function isNameChar(c: number): boolean {
  return isAlnum(c) || c === C.UNDERSCORE || c === C.DOT || c === C.MINUS || c === C.SLASH;
}

/** Selectors that start a payload match the reader takes (others go the generic way). */
const DIRECT_PAYLOAD = new Set(['ip', 'ip6', 'tcp', 'udp', 'th', 'sctp', 'dccp', 'udplite', 'icmp', 'icmpv6']);
/** Words after a payload protocol that start another expression (`tcp option`, `sctp chunk`). */
const SPECIAL_FIELDS = new Set(['option', 'chunk']);
/** The match operators written as punctuation (text-rules.ts OPS). */
const PUNCT_OPS = new Set(['==', '!=', '<', '>', '<=', '>=']);
/** Words text-rules.ts reads as operators (OPS, BINOPS) after a selector: the generic path. */
const WORD_OPS = new Set(['eq', 'ne', 'lt', 'gt', 'le', 'ge', 'and', 'or', 'xor', 'lshift', 'rshift']);
const LOG_KEYS = new Set(['prefix', 'level', 'group', 'snaplen', 'queue-threshold']);
/** Words that start an element option (text-rules.ts skipElementOptions). */
const ELEMENT_OPTIONS = new Set(['timeout', 'expires', 'comment', 'counter', 'limit', 'quota', 'last', 'ct']);

/** `ct state`, `ct status`: the selectors text-rules.ts builds for them, shared. */
const CT_KEYS = new Map<string, Expr>(
  ['state', 'status'].map((key): [string, Expr] => [key, keepPrinted({ ct: { key } })]),
);

/** Thrown where the reader gives up; caught in read(). */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('not a direct rule');

function giveUp(): never {
  throw GIVE_UP;
}

/** What read() found besides what it wrote on the rule. */
export interface DirectRule {
  /** Offset after the last token of the rule (the lexer goes on there). */
  readonly end: number;
  /**
   * printRule's canonical text, or the source slice it is without its `"` (`unquoted`: rule-text.ts):
   * with `to` not negative, that slice is `text` (the source) from `from` to `to`, not made.
   */
  readonly text: string;
  readonly from: number;
  readonly to: number;
  readonly unquoted: boolean;
  /** The rule's alternatives: one, or one per element of a verdict map (none when `direct`). */
  readonly flats: readonly Flat[];
  /**
   * The rule's one alternative (without conditions), match and interface facts, when every condition
   * was applied as read (direct-match.ts): prepare.ts convertDirect keeps them.
   */
  readonly direct?: DirectAlt;
  /**
   * A verdict map's alternatives (one per element, without conditions), each with its match and facts,
   * when every condition was applied as read: prepare.ts convertDirectAlts keeps them.
   */
  readonly alts?: readonly DirectAlt[];
}

type Lookup = (name: string) => Token[] | undefined;

/** An answer of read() the reader fills again for the next rule. */
type Reused<T> = { -readonly [K in keyof T]: T[K] };

interface RuleState {
  /** The words of the canonical text: joined by single spaces, it is the rule's text (without its comment). */
  pieces: string[];
  /**
   * Per piece, where the source holds it as written (a value's text sliced from the source, or read from
   * it character by character), or -1: sourceForm need not compare those again.
   */
  pieceAt: number[];
  spans: number[];
  conds: Cond[];
  verdict: FlatVerdict | undefined;
  jump: { kind: 'jump' | 'goto'; target: string; at: number } | undefined;
  nat: { kind: NatSpec['kind']; addr?: Expr; port?: Expr; at: number } | undefined;
  comment: string | undefined;
  /** A verdict map (the last statement): its key and elements, one alternative each. */
  vmap: { keys: readonly Expr[]; elements: readonly VmapElement[]; at: number } | undefined;
  /** Statements so far (the index of the next one). */
  stmts: number;
  /** Every condition so far was applied as read (direct-match.ts). */
  fast: boolean;
  /**
   * How many entries of the lists below are this rule's: they are written at that index and not emptied
   * between rules (six lists emptied a rule cost more than the few stale entries they keep).
   */
  n: number;
  /**
   * The conditions read, made into condition objects only when one of them is not applied as read:
   * selector, operator, right side, values (undefined: the right side is the one value), key, statement.
   */
  pLeft: Expr[];
  pOp: string[];
  pRight: Expr[];
  pVals: (readonly Expr[] | undefined)[];
  pKey: (string | undefined)[];
  pAt: number[];
}

interface VmapElement {
  /** One value per part of the key. */
  readonly values: readonly Expr[];
  readonly verdict: FlatVerdict;
}

/** The most elements of a verdict map read here; larger ones go the generic way (expand.ts limits them). */
const MAX_VMAP = 1000;

/**
 * The reader's one rule state, emptied for each rule: its lists keep their room from rule to rule.
 * Nothing of it outlives the rule's conversion (prepare.ts convert, right after read()): the spans are
 * read into positions and dropped, the conditions are dropped once in the model, and a rule that is not
 * converted is read again by the generic path. A list per rule grew by copying 17, then 41 slots.
 */
function fresh(): RuleState {
  return {
    pieces: [],
    pieceAt: [],
    spans: [],
    conds: [],
    verdict: undefined,
    jump: undefined,
    nat: undefined,
    comment: undefined,
    vmap: undefined,
    stmts: 0,
    fast: true,
    n: 0,
    pLeft: [],
    pOp: [],
    pRight: [],
    pVals: [],
    pKey: [],
    pAt: [],
  };
}

function reset(r: RuleState): RuleState {
  emptyList(r.pieces);
  emptyList(r.pieceAt);
  emptyList(r.spans);
  // Conditions are made only for a rule the direct match does not take (few): no call for an empty list.
  if (r.conds.length !== 0) emptyList(r.conds);
  r.verdict = undefined;
  r.jump = undefined;
  r.nat = undefined;
  r.comment = undefined;
  r.vmap = undefined;
  r.stmts = 0;
  r.fast = true;
  r.n = 0;
  return r;
}

export class DirectReader {
  private s = '';
  private line = 0;
  private lineStart = 0;
  private lookup: Lookup = () => undefined;
  /** Where the next token is looked for. */
  private i = 0;
  /** Where the token scan() found was looked for (-1: none): scan() at the same place finds it again. */
  private scannedAt = -1;

  // The token scan() found (not consumed until take()).
  private kind: K = K.END;
  /** WORD, STRING, PUNCT: the text (a word's as written, a string's without quotes). */
  private text = '';
  /** NUM: the value. */
  private num = 0;
  private col = 0;
  private endCol = 0;
  private after = 0;
  /** The line of the scanned token and where it starts (past line breaks in element lists). */
  private tLine = 0;
  private tLineStart = 0;
  /** Reading an element list (readElements): line breaks are blanks. */
  private multiline = false;
  /**
   * Reading a named set's elements as words (set-words.ts): a word is kept as written, its value made
   * when a pass asks for it. Off from the first element that is not a plain value (a quoted string, a
   * map's pair), the words read before it then given their values.
   */
  private words = false;
  /** The list elementsBody fills, and how many elements it holds. */
  private list: Expr[] = NO_LIST;
  private count = 0;

  /** End column of the last token taken, and the offset past it. */
  private lastEnd = 0;
  private lastAt = 0;
  /** The printed text (print.ts printExpr) of the last value read. */
  private printed = '';
  /** Where the source holds `printed` as written (a slice of it, or compared with it), or -1. */
  private printedAt = -1;
  /** Where the digits of the last number read start, when its printed text was left there (primaryValue). */
  private digitsAt = -1;

  /** The rule being read. */
  private readonly r: RuleState = fresh();
  /** Scratch: the values of the list or set being read, and the pieces of its printed text. */
  private readonly items: Expr[] = [];
  private readonly parts: string[] = [];
  private rule: NRule | undefined;
  /** The conditions of the rule being read, applied as read. */
  private readonly dm = new DirectMatch();
  /** A one-value list for DirectMatch.add. */
  private readonly one: Expr[] = [null];
  /** read()'s answer for a rule read with its match, and its `direct`, reused (made at the first). */
  private out: Reused<DirectRule> | undefined = undefined;
  private alt: Reused<DirectAlt> | undefined = undefined;

  /**
   * Reads the rule that starts at `start` (a token on line `line`, whose first character is at
   * `lineStart`) into `rule` (its position, spans and comment), or gives undefined, with `rule` to be
   * dropped, when it is not one of the forms this reader takes.
   */
  read(
    s: string,
    start: number,
    line: number,
    lineStart: number,
    lookup: Lookup,
    rule: ReadRule,
  ): DirectRule | undefined {
    this.s = s;
    this.line = line;
    this.lineStart = lineStart;
    this.lookup = lookup;
    this.i = start;
    this.scannedAt = -1;
    this.rule = rule;
    const r = reset(this.r);
    this.dm.reset();
    const firstCol = start - lineStart + 1;
    let tokens = false;
    try {
      for (;;) {
        this.scan();
        if (this.scanned() === K.END || (this.scanned() === K.PUNCT && this.text === '}')) break;
        this.statement();
        tokens = true;
      }
    } catch (e) {
      if (e instanceof GiveUp) return undefined;
      throw e;
    } finally {
      this.rule = undefined;
    }
    if (!tokens) return undefined;
    const { comment, conds, jump, nat } = r;
    // Written as printed, or but for the quotes around names (most rules of a listing): the model keeps a
    // slice of the source, which the parse holds anyway, instead of a copy (about 100 bytes less a rule
    // for the collector to copy and the model to keep), compared piece by piece without joining them
    // (rule-text.ts). The model then keeps the source, 11 MB for 100k rules, against 13 MB of copies.
    const end = this.lastAt;
    const form = comment === undefined ? sourceForm(r.pieces, s, start, end, r.pieceAt) : OTHER;
    const unquoted = form === UNQUOTED;
    // The slice is kept as its ends (PreparedHead): no string object per rule until a text is read.
    let text = s;
    let from = start;
    let to = end;
    if (form === OTHER) {
      const body = r.pieces.join(' ');
      text = comment === undefined ? body : `${body} comment ${JSON.stringify(comment)}`;
      from = 0;
      to = -1;
    }
    rule.line = line;
    rule.column = firstCol;
    rule.endColumn = this.lastEnd;
    rule.spans = r.spans;
    if (comment !== undefined) rule.comment = comment;
    const verdict: FlatVerdict | undefined = jump
      ? { kind: jump.kind, target: jump.target, pos: stmtPos(rule, jump.at) }
      : r.verdict;
    let spec: NatSpec | undefined;
    if (nat) {
      const p = stmtPos(rule, nat.at);
      const addrs = nat.addr === undefined ? [] : [nat.addr];
      spec =
        nat.port === undefined
          ? { kind: nat.kind, addrs, flags: [], pos: p }
          : { kind: nat.kind, addrs, flags: [], pos: p, port: nat.port };
    }
    const vmap = r.vmap;
    if (r.fast && !vmap && !spec) {
      // Every condition is in the match already: no condition objects, one alternative without them.
      const match = this.dm.finish(rule, verdict);
      const facts = this.dm.facts;
      // One answer per reader, filled again for each such rule (most rules): the caller reads it at once and
      // keeps neither it nor its `direct` (text-parser.ts directRuleAt), two objects a rule less.
      const flat = directFlat(undefined, verdict, spec);
      let direct = this.alt;
      if (direct === undefined) this.alt = direct = { flat, match, facts };
      else {
        direct.flat = flat;
        direct.match = match;
        direct.facts = facts;
      }
      let out = this.out;
      if (out === undefined) this.out = out = { end: this.i, text, from, to, unquoted, flats: NO_FLATS, direct };
      else {
        out.end = this.i;
        out.text = text;
        out.from = from;
        out.to = to;
        out.unquoted = unquoted;
      }
      return out;
    }
    if (r.fast && vmap && !spec) {
      // A verdict map after conditions all applied as read: one match per element, its conditions applied
      // again before the element's key (what expand.ts vmap and the interpreter give, one alternative each).
      const alts = this.vmapAlts(rule, vmap);
      if (alts) return { end: this.i, text, from, to, unquoted, flats: NO_FLATS, alts };
    }
    for (let i = 0; i < r.n; i++) {
      const right = r.pRight[i] ?? null;
      conds.push({
        left: r.pLeft[i] ?? null,
        op: r.pOp[i] ?? '==',
        right,
        rule,
        at: r.pAt[i] ?? 0,
        vals: knownValues(r.pVals[i] ?? [right], r.pKey[i]),
      });
    }
    if (!vmap)
      return {
        end: this.i,
        text,
        from,
        to,
        unquoted,
        flats: [directFlat(conds.length ? conds : undefined, verdict, spec)],
      };
    // expand.ts vmap: one alternative per element, the conditions before it and one per part of the key.
    const flats: Flat[] = [];
    for (const el of vmap.elements) {
      const cs = conds.slice();
      for (let k = 0; k < vmap.keys.length; k++) {
        const left = vmap.keys[k] ?? null;
        const right = el.values[k] ?? null;
        cs.push({ left, op: '==', right, rule, at: vmap.at, vals: knownValues([right]) });
      }
      flats.push(directFlat(cs, el.verdict, undefined));
    }
    return { end: this.i, text, from, to, unquoted, flats };
  }

  /**
   * The match and facts of each element of the rule's verdict map, its conditions applied in order and
   * then one per part of the element's key; undefined when one is not applied as read (the general
   * path then converts the rule's alternatives).
   */
  private vmapAlts(rule: NRule, vmap: NonNullable<RuleState['vmap']>): DirectAlt[] | undefined {
    const r = this.r;
    const dm = this.dm;
    // At its size (a list grown by push has room for 17).
    const alts = new Array<DirectAlt>(vmap.elements.length);
    try {
      for (let e = 0; e < vmap.elements.length; e++) {
        const el = vmap.elements[e];
        if (el === undefined) return undefined;
        dm.reset();
        for (let i = 0; i < r.n; i++) {
          const right = r.pRight[i] ?? null;
          let values = r.pVals[i];
          if (values === undefined) {
            // One value: the reader's one-value list, as match() gives it.
            this.one[0] = right;
            values = this.one;
          }
          const ok = dm.add(
            r.pLeft[i] ?? null,
            r.pOp[i] ?? '==',
            values,
            Array.isArray(right),
            r.pKey[i],
            r.pAt[i] ?? 0,
          );
          if (!ok) return undefined;
        }
        for (let k = 0; k < vmap.keys.length; k++) {
          // The reader's one-value list (add keeps no list of one value).
          this.one[0] = el.values[k] ?? null;
          if (!dm.add(vmap.keys[k] ?? null, '==', this.one, false, undefined, vmap.at)) return undefined;
        }
        const match = dm.finish(rule, el.verdict);
        const facts = dm.facts;
        alts[e] = { flat: directFlat(undefined, el.verdict, undefined), match, facts };
      }
    } catch {
      // As prepare.ts convert: whatever fails here, the general path converts (and reports) instead.
      return undefined;
    }
    return alts;
  }

  /**
   * The elements of `{ … }` at `start` (a named set's or map's `elements = { … }`, `add element … { … }`)
   * over as many lines as it takes, when they are single values, each with `: accept`, `drop`,
   * `continue` or `return` in a verdict map (no other data, options, `$vars`, comments): what
   * text-rules.ts parseValueTokens gives for them (a set's words kept as written when `words`:
   * set-words.ts; no pair's position), and where the lexer goes on.
   */
  readElements(
    s: string,
    start: number,
    line: number,
    lineStart: number,
  ): { end: number; line: number; lineStart: number; elements: Expr[]; words: boolean } | undefined {
    this.s = s;
    this.line = line;
    this.lineStart = lineStart;
    this.lookup = () => undefined;
    this.i = start;
    this.scannedAt = -1;
    this.multiline = true;
    try {
      this.scan();
      if (!this.isPunct('{')) return undefined;
      this.take();
      const elements = this.elementsBody();
      return { end: this.i, line: this.line, lineStart: this.lineStart, elements, words: this.words };
    } catch (e) {
      if (e instanceof GiveUp) return undefined;
      throw e;
    } finally {
      this.multiline = false;
      this.scannedAt = -1;
      this.words = false;
      this.list = NO_LIST;
    }
  }

  // ------------------------------------------------------------------ tokens

  /** Looks at the token at `i` (blanks skipped) without taking it. */
  private scan(): void {
    // Most tokens are looked at twice: a statement's reader scans the token after it, and the loop that
    // reads the next statement (or element) scans it again.
    if (this.i === this.scannedAt) return;
    this.scannedAt = this.i;
    const s = this.s;
    let j = this.i;
    let line = this.line;
    let ls = this.lineStart;
    let c = s.charCodeAt(j);
    for (;;) {
      if (c === C.SPACE || c === C.TAB || c === C.CR || c === BOM) c = s.charCodeAt(++j);
      else if (c === C.NL && this.multiline) {
        line++;
        ls = j + 1;
        c = s.charCodeAt(++j);
      } else break;
    }
    this.tLine = line;
    this.tLineStart = ls;
    this.col = j - ls + 1;
    if (j >= s.length || c === C.NL || c === C.SEMI || c === C.HASH) {
      this.kind = K.END;
      this.after = j;
      return;
    }
    // The character tests written out (isAlnum, PLAIN_WORD): the parse runs without inlining in V8's
    // optimising compiler (src/cli/inlining.ts), where a helper is a call per character.
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || c === C.UNDERSCORE) {
      // Digits only: the number itself, without a string. At most 15 digits are read as one: a word
      // is a number when they are all of it.
      let k = j;
      let n = 0;
      let d = c;
      while (d >= 48 && d <= 57 && k - j < 15) {
        n = n * 10 + (d - 48);
        d = s.charCodeAt(++k);
      }
      const digitsEnd = k;
      // Past the end charCodeAt gives NaN, which no test below passes.
      while (d < 128 && PLAIN_WORD[d] === 1) d = s.charCodeAt(++k);
      // `*` and `%` continue a word in the lexer (patterns, zones): not taken here.
      if (d === C.STAR || d === C.PERCENT) giveUp();
      if (d === C.COLON) {
        // The lexer keeps an address with colons whole (IPv6, MAC): not taken here; else the word ends.
        let e = k;
        while (e < s.length && e - j <= MAX_COLON_WORD && isWordChar(s.charCodeAt(e))) e++;
        if (e - j <= MAX_COLON_WORD && keepsColons(s.slice(j, e))) giveUp();
      }
      this.after = k;
      this.endCol = k - ls + 1;
      if (digitsEnd === k && k > j) {
        this.kind = K.NUM;
        this.num = n;
        this.text = '';
        return;
      }
      this.kind = K.WORD;
      this.text = keyword(s, j, k) ?? s.slice(j, k);
      return;
    }
    if (c === C.DQUOTE) {
      let k = j + 1;
      for (;;) {
        if (k >= s.length) giveUp();
        const d = s.charCodeAt(k);
        if (d === C.DQUOTE) break;
        if (d === C.NL || d === C.BACKSLASH) giveUp();
        k++;
      }
      const text = s.slice(j + 1, k);
      if (text.charCodeAt(0) === C.AT) giveUp(); // a string nft reads as a set reference
      this.set(K.STRING, text, k + 1);
      return;
    }
    if (c === C.DOLLAR) {
      let k = j + 1;
      while (k < s.length && isNameChar(s.charCodeAt(k))) k++;
      const value = k > j + 1 ? this.lookup(s.slice(j + 1, k)) : undefined;
      const [v] = value ?? [];
      if (value?.length !== 1 || v === undefined) giveUp();
      if (v.kind === 'word') this.set(K.WORD, v.text, k);
      else if (v.kind === 'string' && v.text.charCodeAt(0) !== C.AT) this.set(K.STRING, v.text, k);
      else giveUp();
      return;
    }
    const c2 = s.charCodeAt(j + 1);
    if (c2 === C.EQ && (c === C.BANG || c === C.EQ || c === C.LT || c === C.GT)) {
      this.set(K.PUNCT, s.slice(j, j + 2), j + 2);
      return;
    }
    switch (c) {
      case 123: // {
        this.set(K.PUNCT, '{', j + 1);
        return;
      case C.RBRACE:
        this.set(K.PUNCT, '}', j + 1);
        return;
      case 44: // ,
        this.set(K.PUNCT, ',', j + 1);
        return;
      case C.LT:
      case C.GT:
        // `<<`, `>>`: shifts, the generic way.
        if (c2 === c) giveUp();
        this.set(K.PUNCT, s.charAt(j), j + 1);
        return;
      case C.BANG:
      case C.DOT:
      case C.MINUS:
      case C.SLASH:
      case 124: // |
        this.set(K.PUNCT, s.charAt(j), j + 1);
        return;
      case C.COLON:
        if (c2 === C.COLON) giveUp();
        this.set(K.PUNCT, ':', j + 1);
        return;
      default:
        giveUp();
    }
  }

  /** The kind of the token scan() found (a call: TypeScript keeps no narrowing of `kind` across it). */
  private scanned(): K {
    return this.kind;
  }

  private set(kind: K, text: string, after: number): void {
    this.kind = kind;
    this.text = text;
    this.after = after;
    this.endCol = after - this.tLineStart + 1;
  }

  /** Takes the token scan() found. */
  private take(): string {
    this.i = this.after;
    this.line = this.tLine;
    this.lineStart = this.tLineStart;
    this.lastEnd = this.endCol;
    this.lastAt = this.after;
    return this.text;
  }

  private isWord(w: string): boolean {
    return this.scanned() === K.WORD && this.text === w;
  }

  private isPunct(p: string): boolean {
    return this.scanned() === K.PUNCT && this.text === p;
  }

  // ------------------------------------------------------------------ statements

  /** One statement, from the word scan() found. */
  private statement(): void {
    if (this.scanned() !== K.WORD) giveUp();
    const startCol = this.col;
    const w = this.text;
    const at = this.r.stmts;
    // A verdict map is read as the rule's last statement (a comment may follow).
    if (this.r.vmap && w !== 'comment') giveUp();
    switch (w) {
      case 'ip':
      case 'ip6':
      case 'tcp':
      case 'udp':
      case 'th':
      case 'iifname':
      case 'oifname':
      case 'meta':
      case 'ct':
        this.match(startCol, at);
        return;
      case 'accept':
      case 'drop':
      case 'continue':
      case 'return':
        this.take();
        this.r.verdict = plainVerdict(w);
        this.r.jump = undefined;
        // The verdict's own name, not the word read: a word the switch compared may have become a thin
        // string, which makes join() build a two-byte text (twice the memory for as long as the model lives).
        this.piece(this.r.verdict.kind, startCol);
        return;
      case 'reject':
        this.take();
        this.scan();
        if (this.isWord('with')) giveUp();
        this.r.verdict = plainVerdict('reject');
        this.r.jump = undefined;
        this.piece('reject', startCol);
        return;
      case 'jump':
      case 'goto': {
        this.take();
        this.scan();
        if (this.scanned() !== K.WORD && this.scanned() !== K.STRING) giveUp();
        const target = this.take();
        this.r.jump = { kind: w, target, at };
        this.r.pieces.push(w);
        this.r.pieceAt.push(-1);
        this.piece(target, startCol);
        return;
      }
      case 'counter':
        this.take();
        this.scan();
        if (this.isWord('name')) giveUp();
        if (this.isWord('packets')) {
          this.take();
          this.number();
          this.scan();
          if (!this.isWord('bytes')) giveUp();
          this.take();
          this.number();
        }
        this.piece('counter', startCol);
        return;
      case 'log':
        this.take();
        for (;;) {
          this.scan();
          if (this.scanned() !== K.WORD) break;
          if (this.text === 'flags') giveUp();
          if (!LOG_KEYS.has(this.text)) break;
          this.take();
          this.scan();
          if (this.scanned() !== K.WORD && this.scanned() !== K.STRING && this.scanned() !== K.NUM) giveUp();
          this.take();
        }
        this.piece('log', startCol);
        return;
      case 'comment':
        this.take();
        this.scan();
        if (this.scanned() !== K.WORD && this.scanned() !== K.STRING) giveUp();
        this.r.comment = this.take();
        return;
      case 'masquerade':
        this.take();
        this.scan();
        if (this.isWord('to') || (this.scanned() === K.WORD && NAT_FLAGS.has(this.text))) giveUp();
        this.r.nat = { kind: 'masquerade', at };
        this.piece('masquerade', startCol);
        return;
      case 'snat':
      case 'dnat':
        this.snatDnat(w, startCol, at);
        return;
      default:
        if (DIRECT_PAYLOAD.has(w) || (UNQUALIFIED_META.has(w) && !PAYLOAD.has(w) && w !== 'ipsec')) {
          this.match(startCol, at);
          return;
        }
        giveUp();
    }
  }

  /**
   * Records a statement: its canonical text (the last of its pieces: those before are pushed first, the
   * text being the pieces joined by spaces) and its span (from `startCol` to the last token taken).
   */
  private piece(text: string, startCol: number, at = -1): void {
    this.r.pieces.push(text);
    this.r.pieceAt.push(at);
    this.r.spans.push(this.line, startCol, this.line, this.lastEnd);
    this.r.stmts++;
  }

  /** A number where text-rules.ts reads one (`packets N`): a word or a string. */
  private number(): void {
    this.scan();
    if (this.scanned() !== K.WORD && this.scanned() !== K.STRING && this.scanned() !== K.NUM) giveUp();
    this.take();
  }

  /** `snat|dnat [ip|ip6] to ADDR[:PORT]` with a single address word and a port or port range. */
  private snatDnat(kind: 'snat' | 'dnat', startCol: number, at: number): void {
    this.take();
    this.scan();
    let family: string | undefined;
    if (this.isWord('ip') || this.isWord('ip6')) {
      // `dnat ip to …`; `prefix`, `addr`, `:port` and syntax errors go the generic way.
      family = this.take();
      this.scan();
      if (!this.isWord('to')) giveUp();
    }
    if (!this.isWord('to')) giveUp();
    this.take();
    this.scan();
    if (this.scanned() !== K.WORD || !V4_HEAD.test(this.text)) giveUp();
    const addr = wordValue(this.take());
    this.scan();
    let port: Expr | undefined;
    if (this.isPunct(':')) {
      this.take();
      this.scan();
      if (this.scanned() === K.NUM) {
        this.take();
        port = this.num;
      } else if (this.scanned() === K.WORD && /^\d/.test(this.text)) port = wordValue(this.take());
      else giveUp();
      this.scan();
    }
    if (this.scanned() === K.WORD && NAT_FLAGS.has(this.text)) giveUp();
    this.r.nat = port === undefined ? { kind, addr, at } : { kind, addr, port, at };
    const fam = family === undefined ? '' : ` ${family}`;
    this.piece(`${kind}${fam} to ${printExpr(addr)}${port === undefined ? '' : `:${printExpr(port)}`}`, startCol);
  }

  /** A match: selector, operator, value (text-rules.ts exprStatement for the forms taken here). */
  private match(startCol: number, at: number): void {
    const left = this.selector();
    this.scan();
    if (this.isPunct('.') || this.isWord('vmap')) {
      this.vmap(left, startCol, at);
      return;
    }
    // Concatenations, bit operations, `set`, `vmap`, word operators: the generic path.
    if (this.scanned() === K.PUNCT) {
      const t = this.text;
      if (t === '.' || t === '|') giveUp();
    } else if (this.scanned() === K.WORD && (this.text === 'set' || this.text === 'vmap' || WORD_OPS.has(this.text)))
      giveUp();
    let op: string | undefined;
    if (this.scanned() === K.PUNCT && PUNCT_OPS.has(this.text)) op = this.take();
    else if (this.isPunct('!')) {
      this.take();
      op = '!=';
    }
    if (op !== undefined) this.scan();
    const first = this.valueTerm(false);
    let right: Expr = first;
    // A list holds no sets (elementsOf would flatten them).
    if (isSet(first) && this.isPunct(',')) giveUp();
    /** undefined: the one value `first`. */
    let values: readonly Expr[] | undefined;
    let shown = this.printed;
    if (this.isPunct(',')) {
      // The list and its text in the reader's scratch lists (no set is read inside a list), copied out once.
      const list = this.items;
      const parts = this.parts;
      emptyList(list);
      emptyList(parts);
      list.push(first);
      parts.push('{ ', shown);
      while (this.isPunct(',')) {
        this.take();
        this.scan();
        list.push(this.valueTerm(true));
        parts.push(', ', this.printed);
      }
      parts.push(' }');
      right = list.slice();
      values = right;
      shown = flat(parts);
    } else values = isSet(first) ? first.set : undefined;
    // Several values: their text names them (a list and a set of the same values mean the same here).
    if (this.isPunct('/')) giveUp();
    const o = op ?? (Array.isArray(right) || isSet(right) ? 'in' : '==');
    if (this.rule === undefined) giveUp();
    const r = this.r;
    const key = values !== undefined && values.length > 1 ? shown : undefined;
    const n = r.n++;
    r.pLeft[n] = left;
    r.pOp[n] = o;
    r.pRight[n] = right;
    r.pVals[n] = values;
    r.pKey[n] = key;
    r.pAt[n] = at;
    if (r.fast) {
      let vs = values;
      if (vs === undefined) {
        this.one[0] = first;
        vs = this.one;
      }
      try {
        r.fast = this.dm.add(left, o, vs, Array.isArray(right), key, at);
      } catch {
        // As prepare.ts convert: whatever fails here, the general path converts (and reports) instead.
        r.fast = false;
      }
    }
    // The statement's words as pieces of their own: joined by spaces they are its text, and compared with
    // the source (rule-text.ts) none is a rope string to flatten first.
    this.r.pieces.push(printExpr(left));
    this.r.pieceAt.push(-1);
    if (o !== '==' && o !== 'in') {
      this.r.pieces.push(o);
      this.r.pieceAt.push(-1);
    }
    // A single value's text as the source holds it (printedAt), which sourceForm then does not compare.
    this.piece(shown, startCol, values === undefined || isSet(first) ? this.printedAt : -1);
  }

  /**
   * `KEY vmap { v : verdict, … }` after the key's first selector (KEY: selectors joined by `.`), with
   * accept, drop, continue or return as data: expand.ts vmap gives one alternative per element.
   */
  private vmap(first: Expr, startCol: number, at: number): void {
    const r = this.r;
    if (r.verdict || r.jump || r.nat) giveUp();
    const keys: Expr[] = [first];
    while (this.isPunct('.')) {
      this.take();
      this.scan();
      if (this.scanned() !== K.WORD || !isSelector(this.text)) giveUp();
      keys.push(this.selector());
      this.scan();
    }
    if (!this.isWord('vmap')) giveUp();
    this.take();
    this.scan();
    if (!this.isPunct('{')) giveUp();
    this.take();
    const elements: VmapElement[] = [];
    let shown = '';
    // No closure per map: a loop over atElement.
    while (this.atElement()) {
      // At its size: a list grown by push has room for 17.
      const values = new Array<Expr>(keys.length);
      let key = '';
      for (let k = 0; k < keys.length; k++) {
        if (k > 0) {
          if (!this.isPunct('.')) giveUp();
          this.take();
          this.scan();
        }
        values[k] = this.primaryValue(true);
        key = k === 0 ? this.printed : `${key} . ${this.printed}`;
        this.scan();
        if (this.scanned() === K.PUNCT && (this.text === '-' || this.text === '|')) giveUp();
      }
      if (!this.isPunct(':')) giveUp();
      this.take();
      this.scan();
      if (this.scanned() !== K.WORD) giveUp();
      const v = this.text;
      if (v !== 'accept' && v !== 'drop' && v !== 'continue' && v !== 'return') giveUp();
      const verdict = plainVerdict(v);
      this.take();
      this.scan();
      if (!this.isPunct(',') && !this.isPunct('}')) giveUp();
      if (elements.length >= MAX_VMAP) giveUp();
      elements.push({ values, verdict });
      shown = elements.length === 1 ? `${key} : ${verdict.kind}` : `${shown}, ${key} : ${verdict.kind}`;
    }
    if (elements.length === 0) giveUp();
    r.vmap = { keys, elements, at };
    const keyText = keys.map((k) => printExpr(k)).join(' . ');
    this.piece(`${keyText} vmap { ${shown} }`, startCol);
  }

  /** The selector at the scanned word; takes it. */
  private selector(): Expr {
    const w = this.take();
    if (w === 'meta') {
      this.scan();
      if (this.scanned() !== K.WORD) giveUp();
      return metaSelector(this.take());
    }
    if (w === 'ct') {
      this.scan();
      const sel = this.scanned() === K.WORD ? CT_KEYS.get(this.text) : undefined;
      if (sel === undefined) giveUp();
      this.take();
      return sel;
    }
    if (!DIRECT_PAYLOAD.has(w)) return metaSelector(w);
    this.scan();
    if (this.scanned() !== K.WORD || SPECIAL_FIELDS.has(this.text)) giveUp();
    return payloadSelector(w, this.take());
  }

  /** A value at the scanned token (its printed text in `printed`); leaves the token after it scanned. */
  private valueTerm(inSet: boolean, inPlace = false): Expr {
    const v = this.primaryValue(inSet, inPlace);
    this.scan();
    if (this.scanned() === K.PUNCT && (this.text === '.' || this.text === '|' || this.text === '-')) giveUp();
    return v;
  }

  /**
   * `inPlace`: a number's printed text, when it is its digits as written, is left in the source
   * (`printed` empty, `digitsAt` where they start; setBody).
   */
  private primaryValue(inSet: boolean, inPlace = false): Expr {
    switch (this.kind) {
      case K.NUM: {
        // The digits as written (a slice: young garbage), not String(n), whose strings V8 keeps in its
        // number-to-string cache until they are copied to the old generation (a chain of many distinct
        // ports: about 2 MB of them at 100k). A leading zero is not what String prints.
        const s = this.s;
        const from = this.tLineStart + this.col - 1;
        const to = this.after;
        this.take();
        const n = this.num;
        const zero = to - from > 1 && s.charCodeAt(from) === 48;
        if (inPlace && !zero) {
          this.printed = '';
          this.digitsAt = from;
        } else this.printed = zero ? String(n) : s.slice(from, to);
        this.printedAt = zero || inPlace ? -1 : from;
        return n;
      }
      case K.WORD: {
        const w = this.text;
        const c = w.charCodeAt(0);
        if (c >= 97 && c <= 122 && STATEMENT_ONLY.has(w)) giveUp();
        this.take();
        // A word holds none of the characters print.ts quotes; shared prefixes and ranges keep their text.
        // A named set's elements (readElements, the only multi-line reading) are each written once: no
        // memo entry for their ranges (10,000 ports at 100k, kept until the table was cleared).
        if (this.multiline) {
          // Nothing reads a named set's elements' printed texts (readElements makes none).
          this.printed = '';
          this.printedAt = -1;
          return this.words ? w : elementValue(w);
        }
        // Where the word starts: `w` is the source from there when it was read from it (a slice, or a
        // keyword scan() compared with it), not a define's value (`$NAME`, scanned at its `$`).
        const from = this.tLineStart + this.col - 1;
        const v = wordValue(w);
        const printed = typeof v === 'string' ? v : printExpr(v);
        this.printed = printed;
        this.printedAt =
          printed === w && this.lastAt - from === w.length && this.s.charCodeAt(from) !== C.DOLLAR ? from : -1;
        return v;
      }
      case K.STRING: {
        // A quoted string is a value as it is, which a word kept as written would not tell apart.
        if (this.words) this.unword();
        const v = this.take();
        this.printed = printExpr(v);
        this.printedAt = -1;
        return v;
      }
      case K.PUNCT:
        // A set inside a set (nft flattens it) goes the generic way, which limits the nesting.
        if (this.text === '{' && !inSet) {
          this.take();
          return this.setBody();
        }
        return giveUp();
      default:
        return giveUp();
    }
  }

  /**
   * The elements of a `{ … }` whose opening brace was taken, through its closing brace: commas are
   * skipped, and `item` reads one element from the scanned token on (it gives up on what it cannot read).
   */
  private eachElement(item: () => void): void {
    while (this.atElement()) item();
  }

  /**
   * Inside `{ … }`, past the separators: true at the next element (scanned, not taken), false after
   * the closing brace (taken). A method, not a closure per list: the sets and maps read with it.
   */
  private atElement(): boolean {
    for (;;) {
      this.scan();
      if (this.kind !== K.PUNCT) return true;
      if (this.text === '}') {
        this.take();
        return false;
      }
      if (this.text !== ',') return true;
      this.take();
    }
  }

  /**
   * A named set's or map's elements after the brace (readElements): single values, and in a verdict
   * map `value : verdict` pairs as text-rules.ts setBody gives them, without their positions (nothing
   * reads a plain verdict's; the sets shape at 100k: 10,000 pairs, each with a position and a property
   * store for it, kept with the document). Read without tokens: a map of 10,000 elements was about
   * 40,000 tokens, kept with the statement until it was parsed (4-5 MB promoted at 100k).
   */
  private elementsBody(): Expr[] {
    // A list at its size (no more elements than commas and one), filled in place: grown by push to
    // 50,000 elements and then copied at its size, its copies were promoted with the document.
    const elems = new Array<Expr>(elementsAtMost(this.s, this.i));
    this.list = elems;
    this.count = 0;
    this.words = true;
    this.eachElement(() => {
      this.digitsAt = -1;
      // A number's digits stay in the source (no printed text: nothing prints it here).
      let v = this.valueTerm(true, true);
      if (this.scanned() === K.WORD && ELEMENT_OPTIONS.has(this.text)) giveUp();
      if (this.isPunct(':')) {
        if (this.words) {
          this.unword();
          v = wordElement(v);
        }
        this.take();
        this.scan();
        const data = this.scanned() === K.WORD ? MAP_VERDICTS.get(this.text) : undefined;
        if (data === undefined) giveUp();
        this.take();
        // No position: a pair's is read only for a jump or goto (expand.ts vmap), which goes the generic way.
        if (this.count >= elems.length) giveUp();
        elems[this.count++] = [v, data];
        this.scan();
      } else {
        if (this.count >= elems.length) giveUp();
        elems[this.count++] = v;
      }
      if (!this.isPunct(',') && !this.isPunct('}')) giveUp();
    });
    this.list = NO_LIST;
    if (this.count === 0) giveUp();
    if (this.count < elems.length) elems.length = this.count;
    return elems;
  }

  /** Gives the elements read so far as words their values, and reads the rest as values (words). */
  private unword(): void {
    this.words = false;
    const elems = this.list;
    for (let i = 0; i < this.count; i++) elems[i] = wordElement(elems[i] ?? null);
  }

  /** `{ a, b, … }` after the brace: single values only. */
  private setBody(): Expr {
    // The reader's scratch lists (a set holds no set or list here), copied out once at their size.
    const elems = this.items;
    emptyList(elems);
    // The printed set, joined at once: it names the set in the memo tables of match.ts (Elements.key),
    // whose lookups would each flatten a rope of one node per element.
    const parts = this.parts;
    emptyList(parts);
    parts.push('{ ');
    // Most sets are written as nft prints them: their printed text is then a slice of the source, not
    // the pieces joined (the text shape at 100k: 140,000 sets, about 17 MB of joined strings), and their
    // numbers' digits are not sliced for it (about 12 MB). `at`: where the printed text goes on in the
    // source, while it is as written (`written`); the brace was taken.
    const s = this.s;
    const open = this.lastAt - 1;
    let at = open + 2;
    const multiline = this.multiline;
    let written = !multiline && s.startsWith('{ ', open);
    // A loop over atElement, without a closure per set, and valueTerm's written out (an element is
    // followed by `,` or `}`, which leaves out everything valueTerm gives up on).
    while (this.atElement()) {
      this.digitsAt = -1;
      const v = this.primaryValue(true, true);
      this.scan();
      if (this.kind !== K.PUNCT || (this.text !== ',' && this.text !== '}')) giveUp();
      if (!multiline) {
        const first = elems.length === 0;
        const sep = first ? '' : ', ';
        // A number whose digits stay in the source has no printed text here: String gives it if needed.
        const p = this.printed;
        const from = first ? at : at + 2;
        // As s.startsWith(sep, at) && s.startsWith(p, from), compared here (two calls a value).
        if (written && !first) written = s.charCodeAt(at) === 44 && s.charCodeAt(at + 1) === 32;
        if (written) {
          if (this.digitsAt >= 0) written = this.digitsAt === from;
          else {
            let q = 0;
            if (from + p.length <= s.length) while (q < p.length && s.charCodeAt(from + q) === p.charCodeAt(q)) q++;
            written = q === p.length;
          }
        }
        at = this.digitsAt >= 0 ? this.lastAt : from + p.length;
        parts.push(sep, p);
      }
      elems.push(v);
    }
    if (elems.length === 0) giveUp();
    parts.push(' }');
    this.printedAt = -1;
    if (written && s.startsWith(' }', at) && at + 2 === this.lastAt) {
      this.printed = s.slice(open, this.lastAt);
      this.printedAt = open;
    } else {
      if (!this.multiline) printNumbers(parts, elems);
      this.printed = flat(parts);
    }
    return { set: elems.slice() };
  }
}

/**
 * The printed text of a set's numbers whose digits setBody left in the source (`parts`: `{ `, then a
 * separator and a printed text per element of `elems`, then ` }`; such a number's printed text is empty).
 */
function printNumbers(parts: string[], elems: readonly Expr[]): void {
  for (let i = 0; i < elems.length; i++) {
    const v = elems[i];
    if (typeof v === 'number' && parts[2 + 2 * i] === '') parts[2 + 2 * i] = String(v);
  }
}

/** Verdicts and the statements that go with them: keywords, and words a directly read rule may start with. */
const STATEMENT_WORDS = ['accept', 'drop', 'reject', 'return', 'continue', 'jump', 'goto', 'counter', 'log'];

/**
 * The words nearly every rule has (selectors, fields, verdicts), as constants: scan() takes the word as
 * one of them instead of a slice of the source, about nine small strings a rule at 100k rules (20 MB),
 * and the reader's comparisons and table lookups then meet strings whose hash V8 has already. Found by
 * length and first character, then compared character by character; longer words are never keywords.
 */
const KEYWORD_MAX = 15;
const KEYWORDS: (string[] | undefined)[] = Array.from({ length: (KEYWORD_MAX + 1) * 128 }, () => undefined);
for (const w of [
  'ip',
  'ip6',
  'saddr',
  'daddr',
  'sport',
  'dport',
  'iifname',
  'oifname',
  'tcp',
  'udp',
  'th',
  'meta',
  'l4proto',
  'ct',
  'state',
  'new',
  'established',
  'related',
  'invalid',
  'icmp',
  'icmpv6',
  'type',
  'protocol',
  'vmap',
  ...STATEMENT_WORDS,
  'comment',
  'echo-request',
]) {
  const key = keywordKey(w.length, w.charCodeAt(0));
  const list = KEYWORDS[key];
  if (list) list.push(w);
  else KEYWORDS[key] = [w];
}

function keywordKey(length: number, first: number): number {
  return length * 128 + first;
}

/** The keyword written at s[j, k), if it is one. */
function keyword(s: string, j: number, k: number): string | undefined {
  const first = s.charCodeAt(j);
  if (k - j > KEYWORD_MAX || first >= 128) return undefined;
  const list = KEYWORDS[keywordKey(k - j, first)];
  if (list === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: unoptimised loops)
  for (let n = 0; n < list.length; n++) {
    const w = list[n] ?? '';
    let i = 1;
    while (i < w.length && s.charCodeAt(j + i) === w.charCodeAt(i)) i++;
    if (i === w.length) return w;
  }
  return undefined;
}

/**
 * The first words of the rules a chain block hands to the reader without a token (text-parser.ts
 * directLine): statements read() takes first, none of them a word the block reads itself (`type`,
 * `policy`, `comment`, `flags`, `devices`, `define`…). Other rules come to read() through their tokens.
 */
const FIRST_WORDS: ReadonlySet<string> = new Set([
  'ip',
  'ip6',
  'tcp',
  'udp',
  'th',
  'iifname',
  'oifname',
  'meta',
  'ct',
  'icmp',
  'icmpv6',
  ...STATEMENT_WORDS,
]);

/** Whether the word at `at` of `s` is one of FIRST_WORDS (followed by a character that ends it there). */
export function startsDirectRule(s: string, at: number): boolean {
  let k = at;
  let c = s.charCodeAt(k);
  while (c >= 97 && c <= 122) c = s.charCodeAt(++k);
  if (c >= 48 && c <= 57) c = s.charCodeAt(++k);
  if (c < 128 && PLAIN_WORD[c] === 1) return false;
  const w = keyword(s, at, k);
  return w !== undefined && FIRST_WORDS.has(w);
}

/** Whether a word starts a selector the reader takes (statement's match cases). */
function isSelector(w: string): boolean {
  return (
    w === 'meta' || w === 'ct' || DIRECT_PAYLOAD.has(w) || (UNQUALIFIED_META.has(w) && !PAYLOAD.has(w) && w !== 'ipsec')
  );
}

/**
 * The data of a verdict map's element as text-rules.ts dataValue reads it (`{ accept: null }`…), one
 * object per verdict: nothing changes or marks such an object once read.
 */
const MAP_VERDICTS = new Map<string, Expr>(
  ['accept', 'drop', 'continue', 'return'].map((v): [string, Expr] => [v, { [v]: null }]),
);

/** A NAT target the reader takes: an IPv4 address, prefix or range. */
const V4_HEAD = /^\d{1,3}(\.\d{1,3}){3}(?:$|[/-])/;

/** No element list being read (DirectReader.list). */
const NO_LIST: Expr[] = [];

/**
 * How many elements the `{ … }` whose brace was taken before `from` can hold at most: its commas and
 * one, up to its closing brace (quoted strings skipped; a brace inside ends the count, and the reader
 * gives up there anyway).
 */
function elementsAtMost(s: string, from: number): number {
  let commas = 0;
  for (let k = from; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c === 44) commas++;
    else if (c === C.RBRACE || c === 123) break;
    else if (c === C.DQUOTE) {
      const close = s.indexOf('"', k + 1);
      if (close < 0) break;
      k = close;
    }
  }
  return commas + 1;
}

/** The alternatives of a rule read with its match (DirectRule.direct): none besides it. */
const NO_FLATS: readonly Flat[] = Object.freeze([]);

function isSet(e: Expr): e is { set: Expr[] } {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && Array.isArray(e.set);
}
