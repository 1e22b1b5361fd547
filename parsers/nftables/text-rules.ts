import { prefixLengthAt } from '../../src/model/address.js';
import { ParseError } from '../../src/model/errors.js';
import { at, keyOf, type Expr, type Pos, type Stmt } from './ir.js';
import type { Token } from './lexer.js';
import { Memo } from './memo.js';
import { keepPrinted, printedPrefix, printedRange } from './print.js';

/**
 * Rule statements of the nft text grammar → libnftables JSON shapes (see ir.ts). A rule arrives
 * as its tokens (newlines inside braces already dropped). Syntax errors throw ParseError with the
 * position nft would report; valid syntax fwlint does not know throws Unreadable, which makes the
 * rule an FWL900 finding instead of failing the file.
 */
export class Unreadable extends Error {
  readonly tok: Token;
  constructor(tok: Token, message: string) {
    super(message);
    this.tok = tok;
  }
}

/** Protocol keywords that start a payload expression (`tcp dport`, `ip saddr`...). */
export const PAYLOAD = new Set([
  'ether',
  'vlan',
  'arp',
  'ip',
  'icmp',
  'igmp',
  'ip6',
  'icmpv6',
  'ah',
  'esp',
  'comp',
  'udp',
  'udplite',
  'tcp',
  'dccp',
  'sctp',
  'th',
  'gre',
  'gretap',
  'geneve',
  'vxlan',
  'hbh',
  'rt0',
  'rt2',
  'srh',
  'frag',
  'dst',
  'mh',
  'auth',
]);
/** Meta keys that may be written without `meta`. */
export const UNQUALIFIED_META = new Set([
  'mark',
  'iif',
  'iifname',
  'iiftype',
  'oif',
  'oifname',
  'oiftype',
  'skuid',
  'skgid',
  'nftrace',
  'rtclassid',
  'ibrname',
  'obrname',
  'ibriport',
  'obriport',
  'ibrpvid',
  'ibrvproto',
  'pkttype',
  'cpu',
  'iifgroup',
  'oifgroup',
  'cgroup',
  'random',
  'ipsec',
  'iifkind',
  'oifkind',
  'time',
  'day',
  'hour',
  'l4proto',
  'nfproto',
  'secpath',
  'sdif',
  'sdifname',
]);
const CT_DIRS = new Set(['original', 'reply']);
const SELECTORS = new Set([
  ...PAYLOAD,
  ...UNQUALIFIED_META,
  'meta',
  'ct',
  'fib',
  'numgen',
  'jhash',
  'symhash',
  'rt',
  'socket',
  'osf',
  'exthdr',
  'ipsec',
  'tunnel',
  'inner',
]);
/** Words that end a value: a statement begins there. */
export const STATEMENT_ONLY = new Set([
  'accept',
  'drop',
  'reject',
  'jump',
  'goto',
  'return',
  'continue',
  'queue',
  'counter',
  'log',
  'limit',
  'quota',
  'comment',
  'notrack',
  'masquerade',
  'redirect',
  'fwd',
  'dup',
  'tproxy',
  'synproxy',
  'flow',
  'xt',
  'meter',
  'vmap',
]);
export const OPS: Record<string, string> = {
  '==': '==',
  '!=': '!=',
  '<': '<',
  '>': '>',
  '<=': '<=',
  '>=': '>=',
  eq: '==',
  ne: '!=',
  lt: '<',
  gt: '>',
  le: '<=',
  ge: '>=',
};
export const BINOPS: Record<string, string> = {
  '&': '&',
  '|': '|',
  '^': '^',
  '<<': '<<',
  '>>': '>>',
  and: '&',
  or: '|',
  xor: '^',
  lshift: '<<',
  rshift: '>>',
};
export const NAT_FLAGS = new Set(['random', 'fully-random', 'persistent', 'netmap']);
const VERDICTS = new Set(['accept', 'drop', 'continue', 'return']);
/**
 * Statements without arguments, one shared object each: statements are never modified once read and
 * the text reader keeps their positions in the rule's spans, not on the objects (ir.ts stmtPos).
 */
const VERDICT_STMTS = new Map<string, Stmt>([...VERDICTS].map((v): [string, Stmt] => [v, { [v]: null }]));
const COUNTER_STMT: Stmt = { counter: null };

export function tokPos(a: Token, b: Token = a): Pos {
  return { file: a.file, line: a.line, column: a.col, endLine: b.endLine, endColumn: b.endCol };
}

const NUM = /^\d+$/;
const HEX = /^0x[0-9a-fA-F]+$/;

function isAddrLike(s: string): boolean {
  return isDottedQuad(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/**
 * /^\d{1,3}(\.\d{1,3}){3}$/.test(s) by a scan: four groups of one to three ASCII digits joined by dots (the readers ask it of
 * every prefix, where the regular expression's test was most of the cost).
 */
function isDottedQuad(s: string): boolean {
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return false;
    } else if (c === 46 && digits > 0 && dots < 3) {
      dots++;
      digits = 0;
    } else return false;
  }
  return dots === 3 && digits > 0;
}

/**
 * Ranges as written repeat across rules (`8000-8100`): one shared value each. Values are never modified
 * once read (the memo elementsOf keeps on them does not depend on the table for these shapes).
 */
const SHAPED = new Memo<Expr>();

/** A bare word as a JSON value: numbers, prefixes and ranges get their JSON shape, everything else stays a string. */
export function wordValue(w: string): Expr {
  // Numbers and 0x… start with a digit: other words (names, most of them) skip both tests.
  const c = w.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    // NUM.test(w) and HEX.test(w) by their first characters: most such words are addresses.
    if (allDigits(w)) return w.length > 15 ? w : Number(w);
    if (c === 48 && w.charCodeAt(1) === 120 && HEX.test(w)) return w.length > 14 ? w : Number.parseInt(w, 16);
  }
  if (w.includes('/')) {
    // A prefix: its own value, without a memo entry. Prefixes are mostly written once (a named set's
    // elements, a rule per network: 150,000 misses and one hit in the bench's sets shape at 100k, 64,000
    // misses to 78,000 hits in its main shape), and an entry kept the word, the value and its address set
    // until the table filled up and was cleared: long enough to be copied to the old generation.
    return shapedValue(w);
  }
  if (!w.includes('-', 1)) return w;
  return SHAPED.get(w) ?? SHAPED.set(w, shapedValue(w));
}

/** NUM.test(w) for a word that starts with a digit: every character is an ASCII digit. */
function allDigits(w: string): boolean {
  for (let i = 1; i < w.length; i++) {
    const d = w.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

/**
 * wordValue of a word written once (a named set's element): a prefix or range gets its own value, not
 * a memo entry, and without its printed text kept (nothing prints a set's elements but a message, and
 * printExpr gives the same text without it): two members and the word less per element, all of them
 * promoted with the document (the sets shape at 100k: 60,000 elements).
 */
export function elementValue(w: string): Expr {
  const c = w.charCodeAt(0);
  if (c >= 48 && c <= 57 && (NUM.test(w) || HEX.test(w))) return wordValue(w);
  return w.includes('/') || w.includes('-', 1) ? shapedValue(w, false) : w;
}

/**
 * A prefix or range word's value, with its printed text kept (print.ts keepPrinted): the word itself
 * where printExpr would give it back (an address prints as written; a number does unless written with
 * leading zeros), so most are not printed again.
 */
function shapedValue(w: string, kept = true): Expr {
  const slash = w.indexOf('/');
  const len = slash > 0 ? prefixLengthAt(w, slash + 1) : -1;
  if (len >= 0) {
    // The address sliced once, the length read in place (no slices for the tests: about 140,000 prefixes at 100k).
    const addr = w.slice(0, slash);
    // The digits print as written unless they start with a zero (plainNumber).
    const plain = w.length - slash === 2 || w.charCodeAt(slash + 1) !== 48;
    if (isAddrLike(addr)) return kept ? printedPrefix(addr, len, plain ? w : undefined) : { prefix: { addr, len } };
  }
  const dash = w.indexOf('-', 1);
  if (dash > 0 && !w.includes('/')) {
    const a = w.slice(0, dash);
    const b = w.slice(dash + 1);
    if (NUM.test(a) && NUM.test(b)) {
      const lo = Number(a);
      const hi = Number(b);
      if (!kept) return { range: [lo, hi] };
      return printedRange(lo, hi, plainNumber(a) && plainNumber(b) ? w : undefined);
    }
    if (isAddrLike(a) && isAddrLike(b)) return kept ? printedRange(a, b, w) : { range: [a, b] };
  }
  return w;
}

/** Digits that String(Number(d)) gives back: no leading zero, few enough digits to be exact. */
function plainNumber(d: string): boolean {
  return d.length <= 15 && (d.length === 1 || d.charCodeAt(0) !== 48);
}

/** Turns the rules of an anonymous chain (`jump { … }`) into a chain and returns its name. */
export type AnonChainSink = (rules: Token[][], open: Token) => string;

/**
 * How deep sets, parentheses and anonymous chains may nest in one rule. nft's own parser gives up
 * long before real rulesets get near it; the limit keeps hostile input from exhausting the stack.
 */
export const MAX_NESTING = 100;

/** Binary operators by precedence (nft's parser_bison.y: shift > and > xor > or). */
const PREC: Record<string, number> = { '|': 1, '^': 2, '&': 3, '<<': 4, '>>': 4 };

export class RuleParser {
  private readonly t: Token[];
  private i = 0;
  private readonly eofTok: Token;
  private readonly anon: AnonChainSink | undefined;
  /** Sets and parentheses open around the current value. */
  private depth = 0;
  comment?: string;

  constructor(tokens: Token[], end: Token, anon?: AnonChainSink) {
    this.t = tokens;
    this.eofTok = end;
    this.anon = anon;
  }

  private peek(k = 0): Token {
    return this.t[this.i + k] ?? this.eofTok;
  }

  private next(): Token {
    const tok = this.peek();
    if (this.i < this.t.length) this.i++;
    return tok;
  }

  private get done(): boolean {
    return this.i >= this.t.length;
  }

  private syntax(tok: Token, expecting?: string): never {
    const what =
      tok.kind === 'eof'
        ? 'end of rule'
        : tok.kind === 'string'
          ? 'string'
          : tok.kind === 'punct'
            ? `'${tok.text}'`
            : tok.text;
    throw new ParseError(
      tok.file,
      tok.line,
      tok.col,
      `syntax error, unexpected ${what}${expecting ? `, expecting ${expecting}` : ''}`,
    );
  }

  private isWord(k: number, ...words: string[]): boolean {
    const tok = this.peek(k);
    return tok.kind === 'word' && (words.length === 0 || words.includes(tok.text));
  }

  private isPunct(k: number, p: string): boolean {
    const tok = this.peek(k);
    return tok.kind === 'punct' && tok.text === p;
  }

  private word(expecting: string): Token {
    const tok = this.next();
    if (tok.kind !== 'word' && tok.kind !== 'string') this.syntax(tok, expecting);
    return tok;
  }

  private expectPunct(p: string): Token {
    const tok = this.next();
    if (tok.kind !== 'punct' || tok.text !== p) this.syntax(tok, `'${p}'`);
    return tok;
  }

  private unknownVar(tok: Token): never {
    throw new Unreadable(tok, `$${tok.text} is not defined (its define is in an include fwlint could not read)`);
  }

  /**
   * Where each statement of the last statements() call is written, as numbers (ir.ts NRule.spans):
   * a position object and a symbol property per statement were a third of a large ruleset's heap.
   */
  spans: number[] = [];

  /** All statements of the rule. */
  statements(): Stmt[] {
    const out: Stmt[] = [];
    const spans: number[] = [];
    while (!this.done) {
      if (this.isPunct(0, ';')) {
        this.next();
        continue;
      }
      const start = this.peek();
      const s = this.statement();
      if (s) {
        const end = this.t[this.i - 1] ?? start;
        out.push(s);
        spans.push(start.line, start.col, end.endLine, end.endCol);
      }
    }
    // Exact length: the rule keeps these arrays for the whole run, a grown one keeps spare slots.
    this.spans = spans.slice();
    return out.slice();
  }

  private statement(): Stmt | undefined {
    const tok = this.peek();
    if (tok.kind === 'var') this.unknownVar(tok);
    if (tok.kind === 'raw') return this.exprStatement();
    if (tok.kind !== 'word') this.syntax(tok);
    const w = tok.text;
    const verdict = VERDICT_STMTS.get(w);
    if (verdict) {
      this.next();
      return verdict;
    }
    switch (w) {
      case 'jump':
      case 'goto': {
        this.next();
        if (this.isPunct(0, '{')) return { [w]: { target: this.anonChain() } };
        const target = this.word('chain name');
        return { [w]: { target: target.text } };
      }
      case 'reject':
        return this.reject();
      case 'counter':
        return this.counter();
      case 'log':
        return this.log();
      case 'limit':
        return this.limit();
      case 'quota':
        return this.quota();
      case 'comment': {
        this.next();
        this.comment = this.word('string').text;
        return undefined;
      }
      case 'notrack':
        this.next();
        return { notrack: null };
      case 'masquerade':
      case 'redirect':
        return this.masqRedirect(w);
      case 'snat':
      case 'dnat':
        return this.snatDnat(w);
      case 'queue':
        return this.queue();
      case 'fwd':
      case 'dup':
        return this.fwdDup(w);
      case 'tproxy':
        return this.tproxy();
      case 'synproxy':
        return this.synproxy();
      case 'flow': {
        this.next();
        const op = this.isWord(0, 'add', 'offload') ? this.next().text : 'add';
        const ref = this.next();
        if (ref.kind !== 'ref') this.syntax(ref, 'flowtable reference');
        return { flow: { op, flowtable: `@${ref.text}` } };
      }
      case 'xt': {
        this.next();
        const type = this.word('match or target').text;
        const name = this.word('name').text;
        return { xt: { type, name } };
      }
      case 'last': {
        this.next();
        if (this.isWord(0, 'used')) {
          this.next();
          this.next();
        }
        return { last: null };
      }
      case 'meter':
        return this.meter();
      case 'add':
      case 'update':
      case 'delete':
        if (this.peek(1).kind === 'ref') return this.setStatement();
        break;
      case 'set':
        if (this.isWord(1, 'add', 'update', 'delete')) return this.oldSetStatement();
        break;
      case 'ct':
        if (this.isWord(1, 'count')) {
          this.next();
          this.next();
          const inv = this.isWord(0, 'over') ? (this.next(), true) : false;
          const val = this.word('number');
          return { 'ct count': { val: Number(val.text), inv } };
        }
        break;
    }
    if (SELECTORS.has(w)) return this.exprStatement();
    this.syntax(tok);
  }

  private reject(): Stmt {
    this.next();
    if (!this.isWord(0, 'with')) return { reject: null };
    this.next();
    const kind = this.word('icmp, icmpv6, icmpx or tcp').text;
    if (kind === 'tcp') {
      this.word('reset');
      return { reject: { type: 'tcp reset' } };
    }
    if (this.isWord(0, 'type')) this.next();
    const expr = this.word('reject type').text;
    return { reject: { type: kind, expr } };
  }

  private counter(): Stmt {
    this.next();
    if (this.isWord(0, 'name')) {
      this.next();
      return { counter: this.objectName('counter') };
    }
    if (this.isWord(0, 'packets')) {
      this.next();
      const packets = Number(this.word('number').text);
      this.word('bytes');
      const bytes = Number(this.word('number').text);
      return { counter: { packets, bytes } };
    }
    return COUNTER_STMT;
  }

  private log(): Stmt {
    this.next();
    const out: Record<string, Expr> = {};
    for (;;) {
      if (this.isWord(0, 'prefix', 'level', 'group', 'snaplen', 'queue-threshold')) {
        const k = this.next().text;
        out[k] = this.next().text;
      } else if (this.isWord(0, 'flags')) {
        this.next();
        const flags: string[] = [];
        for (;;) {
          const f = this.word('log flag').text;
          flags.push(f);
          if ((f === 'tcp' || f === 'ip') && this.isWord(0)) flags.push(this.next().text);
          if (this.isPunct(0, ',')) this.next();
          else break;
        }
        out.flags = flags;
      } else break;
    }
    return { log: Object.keys(out).length ? out : null };
  }

  private limit(): Stmt {
    this.next();
    if (this.isWord(0, 'name')) {
      this.next();
      return { limit: this.objectName('limit') };
    }
    if (!this.isWord(0, 'rate')) this.syntax(this.peek(), "'rate'");
    this.next();
    const inv = this.isWord(0, 'over') ? (this.next(), true) : false;
    const rate = this.word('rate');
    let text = rate.text;
    // `10 mbytes/second` or `5/second`
    if (NUM.test(text) && this.isWord(0) && /^[kmg]?bytes\//.test(this.peek().text)) text += ` ${this.next().text}`;
    if (!text.includes('/')) this.syntax(this.peek(), 'rate unit');
    if (this.isWord(0, 'burst')) {
      this.next();
      this.word('number');
      if (this.isWord(0, 'packets', 'bytes', 'kbytes', 'mbytes')) this.next();
    }
    return { limit: { rate: text, inv } };
  }

  private quota(): Stmt {
    this.next();
    if (this.isWord(0, 'name')) {
      this.next();
      return { quota: this.objectName('quota') };
    }
    const inv = this.isWord(0, 'over') ? (this.next(), true) : this.isWord(0, 'until') ? (this.next(), false) : false;
    const val = this.word('number').text;
    const unit = this.isWord(0, 'bytes', 'kbytes', 'mbytes', 'gbytes') ? this.next().text : 'bytes';
    if (this.isWord(0, 'used')) {
      this.next();
      this.word('number');
      if (this.isWord(0, 'bytes', 'kbytes', 'mbytes', 'gbytes')) this.next();
    }
    return { quota: { val: Number(val), val_unit: unit, inv } };
  }

  private natFlags(): string[] {
    const flags: string[] = [];
    while (this.isWord(0) && NAT_FLAGS.has(this.peek().text)) {
      flags.push(this.next().text);
      if (this.isPunct(0, ',')) this.next();
    }
    return flags;
  }

  /** A port or port range after `:` in NAT statements, or a port map. */
  private natPort(): Expr {
    if (this.isWord(0) && SELECTORS.has(this.peek().text)) {
      const key = this.lhs();
      this.expectWordTok('map');
      return { map: { key, data: this.primaryValue() } };
    }
    return this.primaryValue();
  }

  private expectWordTok(w: string): Token {
    const tok = this.next();
    if (tok.kind !== 'word' || tok.text !== w) this.syntax(tok, `'${w}'`);
    return tok;
  }

  private masqRedirect(kind: string): Stmt {
    this.next();
    const out: Record<string, Expr> = {};
    if (this.isWord(0, 'to')) {
      this.next();
      if (this.isPunct(0, ':')) this.next();
      out.port = this.natPort();
    }
    const flags = this.natFlags();
    if (flags.length) out.flags = flags;
    return { [kind]: Object.keys(out).length ? out : null };
  }

  private snatDnat(kind: string): Stmt {
    this.next();
    const out: Record<string, Expr> = {};
    if (this.isWord(0, 'ip', 'ip6') && (this.isWord(1, 'to', 'prefix', 'addr') || this.isPunct(1, ':')))
      out.family = this.next().text;
    if (this.isWord(0, 'prefix')) {
      this.next();
      out.type_flags = ['prefix'];
    }
    if (this.isWord(0, 'addr') && this.isPunct(1, '.')) {
      // `dnat ip addr . port to …`: the map yields address and port
      this.next();
      this.next();
      this.expectWordTok('port');
    }
    if (!this.isWord(0, 'to')) this.syntax(this.peek(), "'to'");
    this.next();
    if (this.isPunct(0, ':')) {
      this.next();
      out.port = this.natPort();
    } else {
      if (this.isWord(0) && SELECTORS.has(this.peek().text) && !this.looksLikeAddress(this.peek().text)) {
        const key = this.lhs();
        this.expectWordTok('map');
        out.addr = { map: { key, data: this.primaryValue() } };
      } else out.addr = this.primaryValue();
      if (this.isPunct(0, ':')) {
        this.next();
        out.port = this.natPort();
      }
    }
    const flags = this.natFlags();
    if (flags.length) out.flags = flags;
    return { [kind]: out };
  }

  private looksLikeAddress(w: string): boolean {
    return isAddrLike(w);
  }

  private queue(): Stmt {
    this.next();
    const out: Record<string, Expr> = {};
    for (;;) {
      if (this.isWord(0, 'num', 'to')) {
        const k = this.next().text;
        out[k === 'to' ? 'num' : k] = this.selectorAhead() ? this.mapOf() : wordValue(this.word('queue number').text);
      } else if (this.isWord(0, 'flags')) {
        this.next();
        const flags = [this.word('queue flag').text];
        while (this.isPunct(0, ',')) {
          this.next();
          flags.push(this.word('queue flag').text);
        }
        out.flags = flags;
      } else if (this.isWord(0, 'bypass', 'fanout')) {
        out.flags = [...(Array.isArray(out.flags) ? out.flags : []), this.next().text];
      } else break;
    }
    return { queue: out };
  }

  private fwdDup(kind: string): Stmt {
    this.next();
    const out: Record<string, Expr> = {};
    if (this.isWord(0, 'ip', 'ip6') && this.isWord(1, 'to')) out.family = this.next().text;
    this.expectWordTok('to');
    out.addr = this.primaryValue();
    if (this.isWord(0, 'device')) {
      this.next();
      out.dev = this.primaryValue();
    }
    return { [kind]: out };
  }

  private tproxy(): Stmt {
    this.next();
    const out: Record<string, Expr> = {};
    if (this.isWord(0, 'ip', 'ip6')) out.family = this.next().text;
    this.expectWordTok('to');
    if (this.isPunct(0, ':')) {
      this.next();
      out.port = this.primaryValue();
    } else {
      out.addr = this.primaryValue();
      if (this.isPunct(0, ':')) {
        this.next();
        out.port = this.primaryValue();
      }
    }
    return { tproxy: out };
  }

  private synproxy(): Stmt {
    this.next();
    if (this.isWord(0, 'name')) {
      this.next();
      return { synproxy: this.objectName('synproxy') };
    }
    const out: Record<string, Expr> = {};
    for (;;) {
      if (this.isWord(0, 'mss', 'wscale')) {
        const k = this.next().text;
        out[k] = Number(this.word('number').text);
      } else if (this.isWord(0, 'timestamp', 'sack-perm')) out[this.next().text] = true;
      else break;
    }
    return { synproxy: out };
  }

  private meter(): Stmt {
    this.next();
    const name = this.word('meter name').text;
    if (this.isWord(0, 'size')) {
      this.next();
      this.word('number');
    }
    this.skipBraces();
    return { meter: { name } };
  }

  private skipBraces(): void {
    this.expectPunct('{');
    let depth = 1;
    while (depth > 0) {
      const tok = this.next();
      if (tok.kind === 'eof') this.syntax(tok, "'}'");
      if (tok.kind === 'punct' && tok.text === '{') depth++;
      if (tok.kind === 'punct' && tok.text === '}') depth--;
    }
  }

  /**
   * `add|update|delete @s { elem [options] }` and `… @m { key : data }`, in nft -j's shape:
   * `{"set": {op, elem, set}}` / `{"map": {op, elem, data, map}}`.
   */
  private setStatement(): Stmt {
    const op = this.next().text;
    const ref = this.next();
    this.expectPunct('{');
    const elem = this.concatExpr();
    this.skipElementOptions();
    let data: Expr | undefined;
    if (this.isPunct(0, ':')) {
      this.next();
      data = this.concatExpr();
      this.skipElementOptions();
    }
    this.expectPunct('}');
    const target = `@${ref.text}`;
    return data === undefined ? { set: { op, elem, set: target } } : { map: { op, elem, data, map: target } };
  }

  private oldSetStatement(): Stmt {
    this.next();
    const op = this.next().text;
    this.lhs();
    const ref = this.next();
    if (ref.kind !== 'ref') this.syntax(ref, 'set reference');
    return { set: { op, set: `@${ref.text}` } };
  }

  /** A statement that starts with an expression: a match, a `set` (mangle) or a verdict map. */
  private exprStatement(): Stmt {
    const left = this.lhs();
    if (this.isWord(0, 'set')) {
      this.next();
      const value = this.setValue();
      const ct = ctKey(left);
      if (ct === 'helper') return { 'ct helper': value };
      if (ct === 'timeout') return { 'ct timeout': value };
      if (ct === 'expectation') return { 'ct expectation': value };
      return { mangle: { key: left, value } };
    }
    if (this.isWord(0, 'vmap')) {
      this.next();
      return { vmap: { key: left, data: this.primaryValue(true) } };
    }
    let op: string | undefined;
    const tok = this.peek();
    if (
      (tok.kind === 'punct' || tok.kind === 'word') &&
      OPS[tok.text] &&
      (tok.kind === 'punct' || this.i + 1 < this.t.length)
    ) {
      op = OPS[tok.text];
      this.next();
    } else if (tok.kind === 'punct' && tok.text === '!') {
      op = '!=';
      this.next();
    }
    if (this.done || (this.isWord(0) && STATEMENT_ONLY.has(this.peek().text))) this.syntax(this.peek(), 'a value');
    let right = this.rhs();
    if (this.isPunct(0, '/')) {
      // `tcp flags syn / syn,rst`: the flags under the mask (nft -j: {"&": [left, mask]}).
      this.next();
      return { match: { op: op ?? '==', left: { '&': [left, this.rhs()] }, right } };
    }
    // `fib … oif missing`, `exthdr … exists`: booleans, as nft -j writes them.
    const lk = keyOf(left);
    if (
      (lk === 'fib' || lk === 'exthdr' || lk === 'sctp chunk' || lk === 'tcp option' || lk === 'ip option') &&
      (right === 'missing' || right === 'exists')
    )
      right = right === 'exists';
    return { match: { op: op ?? (Array.isArray(right) || isSet(right) ? 'in' : '=='), left, right } };
  }

  private setValue(): Expr {
    const v = this.concatExpr();
    if (this.isWord(0, 'map')) {
      this.next();
      return { map: { key: v, data: this.primaryValue() } };
    }
    return classid(v, this);
  }

  /** True when the next token starts a selector (`ip saddr`, `meta mark`, `@th,0,8`) rather than a value. */
  private selectorAhead(): boolean {
    const tok = this.peek();
    return tok.kind === 'raw' || (tok.kind === 'word' && SELECTORS.has(tok.text) && !isAddrLike(tok.text));
  }

  /** `ip saddr map { … }` / `… map @m`: a lookup whose result is the statement's argument. */
  private mapOf(): Expr {
    const key = this.lhs();
    this.expectWordTok('map');
    return { map: { key, data: this.primaryValue() } };
  }

  /** `counter name "c"` or `counter name ip saddr map { … : "c" }`. */
  private objectName(kind: string): Expr {
    if (this.selectorAhead() && this.t.slice(this.i).some((x) => x.kind === 'word' && x.text === 'map'))
      return this.mapOf();
    return this.word(`${kind} name`).text;
  }

  /** A selector or a value: operands of binary operations and concatenations. */
  private operand(): Expr {
    return this.selectorAhead() ? this.selector() : this.rangeValue();
  }

  private binopAhead(): string | undefined {
    const tok = this.peek();
    return tok.kind === 'punct' || tok.kind === 'word' ? BINOPS[tok.text] : undefined;
  }

  /** Operands joined by `|`, `^`, `&`, `<<`, `>>` with nft's precedence (left-associative). */
  private binary(min = 1): Expr {
    let left = this.operand();
    for (;;) {
      const op = this.binopAhead();
      const prec = op === undefined ? 0 : (PREC[op] ?? 0);
      if (op === undefined || prec < min) return left;
      this.next();
      left = { [op]: [left, this.binary(prec + 1)] };
    }
  }

  /** Binary expressions joined by `.` (concatenation binds loosest). */
  private concatExpr(): Expr {
    const first = this.binary();
    const parts: Expr[] = [first];
    while (this.isPunct(0, '.')) {
      this.next();
      parts.push(this.binary());
    }
    return parts.length > 1 ? { concat: parts } : first;
  }

  /** Left-hand side: selectors (and constants) joined by `.`, with bitwise operations. */
  lhs(): Expr {
    return this.concatExpr();
  }

  private selector(): Expr {
    const tok = this.next();
    if (tok.kind === 'var') this.unknownVar(tok);
    if (tok.kind === 'raw') {
      const [base, offset, len] = tok.text.slice(1).split(',');
      return { payload: { base: base ?? '', offset: Number(offset), len: Number(len) } };
    }
    if (tok.kind !== 'word') this.syntax(tok);
    const w = tok.text;
    if (w === 'meta') {
      const key = this.word('meta key').text;
      return metaSelector(key);
    }
    if (w === 'ipsec' && this.isWord(0, 'in', 'out')) return this.ipsec();
    if (UNQUALIFIED_META.has(w) && !PAYLOAD.has(w)) return metaSelector(w);
    if (w === 'ct') {
      const out: Record<string, Expr> = {};
      if (this.isWord(0) && CT_DIRS.has(this.peek().text)) out.dir = this.next().text;
      if (this.isWord(0, 'ip', 'ip6') && this.isWord(1)) out.family = this.next().text;
      out.key = this.word('ct key').text;
      return {
        ct: { key: out.key, ...(out.dir ? { dir: out.dir } : {}), ...(out.family ? { family: out.family } : {}) },
      };
    }
    if (w === 'fib') {
      const flags = [this.word('fib flag').text];
      while (this.isPunct(0, '.')) {
        this.next();
        flags.push(this.word('fib flag').text);
      }
      const result = this.word('type, oif or oifname').text;
      return { fib: { result, flags } };
    }
    if (w === 'numgen') {
      const mode = this.word('inc or random').text;
      this.expectWordTok('mod');
      const mod = Number(this.word('number').text);
      let offset = 0;
      if (this.isWord(0, 'offset')) {
        this.next();
        offset = Number(this.word('number').text);
      }
      return { numgen: { mode, mod, offset } };
    }
    if (w === 'jhash' || w === 'symhash') {
      const out: Record<string, Expr> = {};
      if (w === 'jhash') out.expr = this.lhsNoBinop();
      this.expectWordTok('mod');
      out.mod = Number(this.word('number').text);
      while (this.isWord(0, 'seed', 'offset')) {
        const k = this.next().text;
        out[k] = Number(this.word('number').text);
      }
      return { [w]: out };
    }
    if (w === 'rt' && this.isWord(0, 'nexthop', 'classid', 'mtu', 'mss', 'ipsec', 'ip', 'ip6')) {
      const family = this.isWord(0, 'ip', 'ip6') ? this.next().text : undefined;
      const key = this.word('rt key').text;
      return { rt: family ? { key, family } : { key } };
    }
    if (w === 'socket') {
      const key = this.word('socket key').text;
      if (this.isWord(0, 'level')) {
        this.next();
        this.word('number');
      }
      return { socket: { key } };
    }
    if (w === 'osf') {
      if (this.isWord(0, 'ttl')) {
        this.next();
        this.word('ttl mode');
      }
      return { osf: { key: this.word('name or version').text } };
    }
    if (w === 'ipsec') return this.ipsec();
    if (w === 'exthdr') {
      const name = this.word('extension header').text;
      const field = this.isWord(0) && !STATEMENT_ONLY.has(this.peek().text) ? this.next().text : 'exists';
      return { exthdr: { name, field } };
    }
    if (w === 'tunnel' || w === 'inner')
      throw new Unreadable(tok, `${w} expressions (inner headers of tunnels) are not modeled`);
    if (PAYLOAD.has(w)) {
      if ((w === 'tcp' || w === 'ip') && this.isWord(0, 'option')) {
        this.next();
        const name = this.word('option name').text;
        const field = this.isWord(
          0,
          'kind',
          'length',
          'size',
          'value',
          'left',
          'right',
          'count',
          'tsval',
          'tsecr',
          'type',
          'subtype',
          'addr',
          'ptr',
        )
          ? this.next().text
          : undefined;
        return { [`${w} option`]: field ? { name, field } : { name } };
      }
      if (w === 'sctp' && this.isWord(0, 'chunk')) {
        this.next();
        const name = this.word('chunk name').text;
        const field =
          this.isWord(0) &&
          !STATEMENT_ONLY.has(this.peek().text) &&
          !OPS[this.peek().text] &&
          !this.isWord(0, 'exists', 'missing')
            ? this.next().text
            : undefined;
        return { 'sctp chunk': field ? { name, field } : { name } };
      }
      if (w === 'dccp' && this.isWord(0, 'option')) {
        this.next();
        return { 'dccp option': { type: Number(this.word('number').text) } };
      }
      if (['hbh', 'rt0', 'rt2', 'srh', 'frag', 'dst', 'mh'].includes(w)) {
        const field = this.word('header field').text;
        return { exthdr: { name: w, field } };
      }
      const field = this.word(`${w} header field`);
      return payloadSelector(w, field.text);
    }
    if (w === 'rt') {
      const field = this.word('rt field').text;
      return { exthdr: { name: 'rt', field } };
    }
    this.syntax(tok);
  }

  /** `ipsec in|out [spnum N] reqid|spi|ip saddr|…` after the `ipsec` keyword. */
  private ipsec(): Expr {
    const dir = this.word('in or out').text;
    if (this.isWord(0, 'spnum')) {
      this.next();
      this.word('number');
    }
    let key = this.word('ipsec key').text;
    if ((key === 'ip' || key === 'ip6') && this.isWord(0)) key += ` ${this.next().text}`;
    return { ipsec: { dir, key } };
  }

  /**
   * `jump { … }` / `goto { … }`: an anonymous (bound) chain. Its rules arrive separated by `;`
   * (the statement reader turns the newlines inside it into `;`); the sink makes them a chain.
   */
  private anonChain(): string {
    const open = this.next();
    let current: Token[] = [];
    const rules: Token[][] = [current];
    let depth = 1;
    for (;;) {
      const tok = this.next();
      if (tok.kind === 'eof') this.syntax(tok, "'}'");
      if (tok.kind === 'punct' && tok.text === '{' && ++depth > MAX_NESTING) {
        // Refused in this one pass, before the nested chains are parsed level by level.
        const prev = this.t[this.i - 2];
        const what =
          prev?.kind === 'word' && (prev.text === 'jump' || prev.text === 'goto') ? 'anonymous chains' : 'sets';
        throw new ParseError(tok.file, tok.line, tok.col, `${what} nested deeper than ${String(MAX_NESTING)} levels`);
      }
      if (tok.kind === 'punct' && tok.text === '}' && --depth === 0) break;
      if (depth === 1 && tok.kind === 'punct' && tok.text === ';') rules.push((current = []));
      else current.push(tok);
    }
    if (!this.anon) throw new Unreadable(open, 'an anonymous chain outside a chain');
    return this.anon(
      rules.filter((r) => r.length > 0),
      open,
    );
  }

  private lhsNoBinop(): Expr {
    const first = this.selector();
    const parts: Expr[] = [first];
    while (this.isPunct(0, '.')) {
      this.next();
      parts.push(this.selector());
    }
    return parts.length > 1 ? { concat: parts } : first;
  }

  /** Right-hand side of a match: a value, a flag list `a,b`, bit operations `a|b`, a set or a set reference. */
  private rhs(): Expr {
    const first = this.valueTerm();
    if (!this.isPunct(0, ',')) return first;
    const list: Expr[] = [first];
    while (this.isPunct(0, ',')) {
      this.next();
      list.push(this.valueTerm());
    }
    return list;
  }

  private valueTerm(): Expr {
    const first = this.rangeValue();
    const parts: Expr[] = [first];
    while (this.isPunct(0, '.')) {
      this.next();
      parts.push(this.rangeValue());
    }
    let v: Expr = parts.length > 1 ? { concat: parts } : first;
    while (this.isPunct(0, '|')) {
      this.next();
      v = { '|': [v, this.rangeValue()] };
    }
    return v;
  }

  private rangeValue(): Expr {
    const a = this.primaryValue();
    if (this.isPunct(0, '-') && (typeof a === 'number' || typeof a === 'string')) {
      this.next();
      const b = this.primaryValue();
      if (typeof b === 'number' || typeof b === 'string') return { range: [a, b] };
      this.syntax(this.peek());
    }
    return a;
  }

  /** One value: a word, a string, a set `{…}`, a set reference, a parenthesised expression. */
  primaryValue(verdictData = false): Expr {
    const tok = this.next();
    if (tok.kind === 'punct' && (tok.text === '{' || tok.text === '(')) {
      if (this.depth >= MAX_NESTING)
        throw new ParseError(
          tok.file,
          tok.line,
          tok.col,
          `sets or parentheses nested deeper than ${String(MAX_NESTING)} levels`,
        );
      this.depth++;
      try {
        return this.primaryValueAt(tok, verdictData);
      } finally {
        this.depth--;
      }
    }
    return this.primaryValueAt(tok, verdictData);
  }

  private primaryValueAt(tok: Token, verdictData: boolean): Expr {
    switch (tok.kind) {
      case 'word':
        if (STATEMENT_ONLY.has(tok.text)) this.syntax(tok, 'a value');
        return wordValue(tok.text);
      case 'string':
        return tok.text;
      case 'ref':
        return `@${tok.text}`;
      case 'var':
        return this.unknownVar(tok);
      case 'punct':
        if (tok.text === '{') return this.setBody(verdictData);
        if (tok.text === '(') {
          const inner = this.concatExpr();
          this.expectPunct(')');
          return inner;
        }
        if (tok.text === '-' && this.peek().kind === 'word' && NUM.test(this.peek().text))
          return -Number(this.next().text);
        if (tok.text === '*') return '*';
        return this.syntax(tok, 'a value');
      default:
        return this.syntax(tok, 'a value');
    }
  }

  /** `{ a, b : verdict, c . d, … }` after the opening brace. */
  private setBody(_verdictData: boolean): Expr {
    const elems: Expr[] = [];
    for (;;) {
      if (this.isPunct(0, '}')) {
        this.next();
        break;
      }
      if (this.isPunct(0, ',')) {
        this.next();
        continue;
      }
      if (this.done) this.syntax(this.peek(), "'}'");
      const start = this.peek();
      let key: Expr = this.peek().kind === 'punct' && this.peek().text === '*' ? (this.next(), '*') : this.valueTerm();
      this.skipElementOptions();
      if (this.isPunct(0, ':')) {
        this.next();
        const data = this.dataValue();
        key = [key, data];
      }
      this.skipElementOptions();
      if (Array.isArray(key)) at(key, tokPos(start, this.t[this.i - 1] ?? start));
      elems.push(key);
      if (!this.isPunct(0, ',') && !this.isPunct(0, '}')) this.syntax(this.peek(), "',' or '}'");
    }
    // No position on the set itself (nothing reads it); an exact-length copy (a grown array keeps spare slots).
    return { set: elems.slice() };
  }

  private dataValue(): Expr {
    if (this.isWord(0, 'accept', 'drop', 'continue', 'return')) return { [this.next().text]: null };
    if (this.isWord(0, 'jump', 'goto')) {
      const k = this.next().text;
      return { [k]: { target: this.word('chain name').text } };
    }
    return classid(this.valueTerm(), this);
  }

  /** `N:M` written without blanks right after a number: a tc class id (`meta priority set 1:2`). */
  classidTail(): string | undefined {
    const colon = this.peek();
    const minor = this.peek(1);
    const major = this.t[this.i - 1];
    if (!major || colon.kind !== 'punct' || colon.text !== ':' || minor.kind !== 'word') return undefined;
    if (colon.line !== major.line || colon.col !== major.endCol || minor.col !== colon.endCol) return undefined;
    if (!/^[0-9a-fA-F]+$/.test(minor.text)) return undefined;
    this.next();
    this.next();
    return minor.text;
  }

  /**
   * What nft prints after a set element: `timeout 30s`, `expires 10s`, `comment "…"`, `counter
   * packets N bytes N`, `limit rate [over] N/unit [burst N unit]`, `quota [over|until] N unit [used
   * N unit]`, `ct count [over] N`, `last [used never|T]`. Stateful data of the element: ignored.
   */
  private skipElementOptions(): void {
    for (;;) {
      // Most elements have none: one look at the next token (isWord's word list is an array per call).
      const first = this.peek();
      if (first.kind !== 'word' || !ELEMENT_OPTIONS.has(first.text)) return;
      if (this.isWord(0, 'timeout', 'expires', 'comment')) {
        this.next();
        this.next();
      } else if (this.isWord(0, 'counter')) {
        this.next();
        if (this.isWord(0, 'packets')) {
          this.next();
          this.next();
          this.next();
          this.next();
        }
      } else if (this.isWord(0, 'limit')) this.limit();
      else if (this.isWord(0, 'quota')) this.quota();
      else if (this.isWord(0, 'last')) {
        this.next();
        if (this.isWord(0, 'used')) {
          this.next();
          this.next();
        }
      } else if (this.isWord(0, 'ct') && this.isWord(1, 'count')) {
        this.next();
        this.next();
        if (this.isWord(0, 'over')) this.next();
        this.next();
      } else return;
    }
  }
}

/** The words that start an element option (skipElementOptions). */
const ELEMENT_OPTIONS = new Set(['timeout', 'expires', 'comment', 'counter', 'limit', 'quota', 'last', 'ct']);

/** A number followed by `:M` (no blanks): the class id `N:M` as nft -j writes it. */
function classid(v: Expr, p: RuleParser): Expr {
  if (typeof v !== 'number' && !(typeof v === 'string' && /^[0-9a-fA-F]+$/.test(v))) return v;
  const minor = p.classidTail();
  return minor === undefined ? v : `${String(v)}:${minor}`;
}

/**
 * Selectors (`tcp dport`, `iifname`) are immutable and repeat in every rule: one shared object
 * each keeps large rulesets small.
 */
const METAS = new Map<string, Expr>();
const PAYLOADS = new Map<string, Map<string, Expr>>();
const MAX_INTERNED = 4096;

export function metaSelector(key: string): Expr {
  let v = METAS.get(key);
  if (v === undefined) {
    v = keepPrinted({ meta: { key } });
    if (METAS.size < MAX_INTERNED) METAS.set(key, v);
  }
  return v;
}

export function payloadSelector(protocol: string, field: string): Expr {
  let fields = PAYLOADS.get(protocol);
  if (!fields) {
    fields = new Map();
    if (PAYLOADS.size < MAX_INTERNED) PAYLOADS.set(protocol, fields);
  }
  let v = fields.get(field);
  if (v === undefined) {
    v = keepPrinted({ payload: { protocol, field } });
    if (fields.size < MAX_INTERNED) fields.set(field, v);
  }
  return v;
}

function ctKey(e: Expr): string | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e) || !('ct' in e)) return undefined;
  const ct = e.ct as Record<string, Expr>;
  return typeof ct.key === 'string' ? ct.key : undefined;
}

function isSet(e: Expr): boolean {
  return typeof e === 'object' && e !== null && !Array.isArray(e) && 'set' in e;
}

/** Parses standalone value tokens (set elements of a named set, define values used as values). */
export function parseValueTokens(tokens: Token[], end: Token): Expr {
  const p = new RuleParser(tokens, end);
  return p.primaryValue(true);
}
