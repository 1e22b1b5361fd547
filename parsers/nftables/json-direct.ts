import { detach } from '../toolkit/detach.js';
import { emptyList } from '../toolkit/scratch.js';
import { RangeInterner } from '../toolkit/intern.js';
import { RANGE_HASH_BASIS, RangeTable, rangeHashStep } from '../toolkit/range-table.js';
import type { PositionIndex } from '../toolkit/positions.js';
import { directFlat, knownValues, plainVerdict, type Cond, type Flat, type FlatVerdict } from './expand.js';
import type { Match } from '../../src/model/policy.js';
import { DirectMatch, type DirectAlt } from './direct-match.js';
import type { IfaceFacts } from './interfaces.js';
import type { Expr, NRule, Pos } from './ir.js';
import { sharedKey, sharedPayload, sharedPrefix, sharedRange } from './json-shared.js';
import { printExpr, printedPrefix } from './print.js';

/**
 * The common rule element of an `nft -j` listing read straight from the text, without JSON.parse, the
 * position pass, statement objects, expansion and printing (as text-direct.ts does for the text form):
 *
 *   {"rule": {"family": F, "table": T, "chain": C, "handle": N, ["comment": S,] "expr": [ … ]}}
 *
 * with statements `match` (op, left, right in that order; left a `meta`/`ct` key or a `payload`
 * protocol and field; right a string, number, prefix, range or an anonymous set of those), `accept`,
 * `drop`, `continue`, `return`, `reject` (null or type and expr), `counter` (null or packets and
 * bytes), `jump`/`goto` (target). It yields what the generic path (json-stream.ts → json-reader.ts →
 * prepare.ts: printRule, expand) yields for the same element: the same canonical text, the same
 * alternative with the same conditions (selectors, prefixes and ranges shared through the same table,
 * json-shared.ts), the rule's position and its statements' spans, which stmtPos reads as it reads the
 * statements' positions. The common conditions (direct-match.ts: interfaces, addresses, ports, `meta
 * l4proto`, `ct state`, `icmp type` with literal values) go straight into the rule's match as they are
 * read, as the text reader does (text-direct.ts); a rule with any other condition or a verdict map gets
 * its alternatives with condition objects instead, for the general conversion (prepare.ts convert).
 *
 * Anything else — other keys or key orders, escapes or control characters in a string, a string
 * starting with `@` (a named set), numbers other than plain integers of up to 15 digits, other
 * statements and expressions, an empty `expr` — makes read() return undefined, and the element is
 * read the generic way (which also gives any error exactly as before).
 */

/** Thrown where the reader gives up; caught in read(). */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp('not a common rule element');

const Q = 34; // "
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const BACKSLASH = 92;

/**
 * Strings up to this length are interned: names, keys, operators and values repeat across thousands of
 * rules, and JSON.parse, which the generic path uses, keeps one string for each short value too. Longer
 * ones are copied (toolkit/detach.ts): a slice would keep the whole text alive.
 */
const INTERN_MAX = 32;

/** Longest selector, prefix or range text looked up as written, and how many are kept. */
const CACHED_MAX = 96;
const CACHED = 4096;

/** How nft writes selectors and prefixes, up to the opening quote of their first string (or the length). */
const PAYLOAD_HEAD = '{"payload": {"protocol": "';
const FIELD_HEAD = ', "field": "';
const META_HEAD = '{"meta": {"key": "';
const CT_HEAD = '{"ct": {"key": "';
const PREFIX_HEAD = '{"prefix": {"addr": "';
const LEN_HEAD = ', "len": ';
const EQ_HEAD = '{"op": "==", "left": ';
/** Longest prefix text (after the address's opening quote) looked up whole. */
const PREFIX_TEXT_MAX = 64;
/** Longest selector text looked up whole. */
const SELECTOR_TEXT_MAX = 96;

/** The statements of a rule read here: none are built (stmtPos reads the spans), one shared empty list. */
const NO_STMTS: NRule['stmts'] = [];

/** Not a position: a rule's own is set once its closing brace is read. */
const NO_POS: Pos = { file: '', line: 0, column: 0, endLine: 0 };

export interface DirectRule {
  /** Offset of the element's closing brace. */
  end: number;
  family: string;
  table: string;
  chain: string;
  /**
   * The rule (position, spans, comment) the conditions point at; statements are not built. Undefined for
   * a rule on one line read with its match or its verdict map's matches (`match`, `alts`): no condition
   * points at it, and its caller makes the model rule from `line`, `column`, `endColumn` and `comment`.
   */
  rule: NRule | undefined;
  /** Where the rule's body is written (as `rule.pos` gives it, when there is a rule). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The rule's `"comment"`. */
  comment: string | undefined;
  /** printRule's canonical text. */
  text: string;
  /** expand()'s alternatives (none when `direct`). */
  flats: readonly Flat[];
  /**
   * The rule's match, when every condition was applied as read (direct-match.ts), with its one
   * alternative (without conditions) and interface facts: prepare.ts convertDirect keeps them.
   */
  match: Match | undefined;
  flat: Flat | undefined;
  facts: IfaceFacts | undefined;
  /**
   * A verdict map's alternatives (one per element, without conditions) with their matches and facts,
   * when every condition was applied as read: prepare.ts convertDirectAlts keeps them.
   */
  alts: readonly DirectAlt[] | undefined;
}

/**
 * The reader's one result, refilled for every rule read: its caller (json-reader.ts directRule) reads it
 * before the next read and keeps none of it but its parts (a record a rule was 11 MB of garbage at 100k).
 */
class Result implements DirectRule {
  end = 0;
  family = '';
  table = '';
  chain = '';
  rule: NRule | undefined = undefined;
  line = 0;
  column = 0;
  endLine = 0;
  endColumn = 0;
  comment: string | undefined = undefined;
  text = '';
  flats: readonly Flat[] = NO_FLATS;
  match: Match | undefined = undefined;
  flat: Flat | undefined = undefined;
  facts: IfaceFacts | undefined = undefined;
  alts: readonly DirectAlt[] | undefined = undefined;

  fill(
    end: number,
    family: string,
    table: string,
    chain: string,
    rule: NRule | undefined,
    comment: string | undefined,
    text: string,
  ): this {
    this.end = end;
    this.family = family;
    this.table = table;
    this.chain = chain;
    this.rule = rule;
    this.comment = comment;
    this.text = text;
    this.flats = NO_FLATS;
    this.match = undefined;
    this.flat = undefined;
    this.facts = undefined;
    this.alts = undefined;
    return this;
  }
}

/**
 * A verdict map as read: its key's selectors, the statement's index, and each element's values (one per
 * part of the key) and verdict. The elements' alternatives with condition objects (vmapPairs) are made
 * only when the rule leaves the direct path: when every condition is applied as read (vmapAlts), only
 * the values are read again.
 */
interface VmapRead {
  readonly keys: readonly Expr[];
  readonly at: number;
  readonly values: readonly (readonly (string | number)[])[];
  readonly verdicts: readonly FlatVerdict[];
}

/** The alternatives of a rule read with its match (DirectRule.direct): none besides it. */
const NO_FLATS: readonly Flat[] = Object.freeze([]);

const VERDICT_KEYS = new Set(['accept', 'drop', 'continue', 'return']);

/** The statement kinds read here, with their quotes and colon as nft writes them, by their first letter. */
const STMT_KEYS: (readonly { name: string; quoted: string }[] | undefined)[] = [];
for (const name of ['match', 'accept', 'drop', 'continue', 'return', 'reject', 'counter', 'jump', 'goto', 'vmap']) {
  const c = name.charCodeAt(0);
  STMT_KEYS[c] = [...(STMT_KEYS[c] ?? []), { name, quoted: `"${name}":` }];
}

/** expand.ts MAX_ALTERNATIVES: beyond it the generic path describes the statement instead. */
const MAX_ALTERNATIVES = 50_000;

/** One alternative while a rule is read (expand.ts Delta, with only conditions and a verdict). */
interface Alt {
  conds?: Cond[] | undefined;
  verdict?: FlatVerdict;
}

function setVerdict(alts: Alt[], v: FlatVerdict): void {
  for (const a of alts) a.verdict = v;
}

/** expand.ts mergeInto for conditions and a verdict: `b`'s conditions after `a`'s. */
function mergeAlt(a: Alt, b: Alt): Alt {
  if (b.conds?.length) a.conds = a.conds ? a.conds.concat(b.conds) : b.conds.slice();
  if (b.verdict) a.verdict = b.verdict;
  return a;
}

export class DirectRules {
  private readonly text: string;
  private readonly file: string;
  private readonly lines: PositionIndex;
  private i = 0;
  private readonly strings = new RangeInterner(4096, detach, 1 << 16);
  /** Selectors, prefixes and ranges by their text as written (raws: one string per distinct text). */
  private readonly raws = new RangeInterner(1024, undefined, 1 << 14);
  private readonly objects = new Map<string, Expr>();
  /** The text of the last rule's body up to its handle, and the names read from it. */
  private head: { text: string; family: string; table: string; chain: string } | undefined;
  /** Selectors and prefixes by their interned parts (the objects json-shared.ts gives). */
  private readonly payloads = new Map<string, Map<string, Expr>>();
  private readonly metas = new Map<string, Expr>();
  private readonly cts = new Map<string, Expr>();
  /**
   * Prefixes by their text after the address's opening quote (`10.1.2.0", "len": 24}}`). Kept for the whole
   * listing: sources cycle through tens of thousands of networks (the bench's 32,768 come back every
   * 32,768 rules), and a table emptied sooner missed nearly every time.
   */
  private readonly prefixes = new RangeTable<Expr>(1024, 1 << 17);
  /** The hash of the text closed() went over last. */
  private hash = 0;
  /** The values of the condition value() read last when they are a set's (else undefined: the value alone). */
  private vals: Expr[] | undefined;
  /** Their text as written when the set has several (Elements.key). */
  private valsKey: string | undefined;
  /** The conditions of the rule being read, applied as read (unless the reader was made without). */
  private readonly dm = new DirectMatch();
  /** Alternatives without conditions by their verdict (bare()). */
  private readonly bares = new Map<FlatVerdict | undefined, Flat>();
  /** Whether conditions go into the rule's match as they are read (else every rule gives its alternatives). */
  private readonly direct: boolean;
  /** A one-value list for DirectMatch.add. */
  private readonly one: Expr[] = [null];
  /**
   * The conditions read while every one was applied as read, made into condition objects only when one
   * is not (or a verdict map follows): selector, operator, right side, values (undefined: the right side
   * alone), key, statement.
   */
  private readonly pLeft: Expr[] = [];
  private readonly pOp: string[] = [];
  private readonly pRight: Expr[] = [];
  private readonly pVals: (Expr[] | undefined)[] = [];
  private readonly pKey: (string | undefined)[] = [];
  private readonly pAt: number[] = [];
  /**
   * How many conditions wait in the p-lists. The lists are written by index and never emptied: an array
   * whose length is set to 0 drops its backing store, and the next push allocates a new one.
   */
  private pn = 0;
  /** The spans of the rule being read (4 numbers a statement), written by index: the rule gets a copy only when it keeps them. */
  private readonly spanBuf: number[] = [];
  /** The elements of the set value() reads, written by index. */
  private readonly setBuf: Expr[] = [];
  private sn = 0;
  /** printExpr of the condition value value() read last, when it worked it out on the way (else undefined). */
  private shown: string | undefined;
  /** What read() gives (one record, refilled). */
  private readonly out = new Result();
  /**
   * The rule a rule read with its match is while it is read (its spans the scratch list, its file the
   * reader's): what the match's positions are read from (stmtPos), reused, as no condition points at it.
   */
  private readonly scratch: NRule;
  /**
   * The rule's own record, made when a condition object is (it points at its rule) or the rule leaves the
   * one-line direct path: most rules need none (a record and a position object a rule of young garbage).
   */
  private own: NRule | undefined;
  /** The parts of the rule's canonical text (joined by spaces), a scratch list emptied for each rule. */
  private readonly parts: string[] = [];
  /**
   * The selector last read in each slot (recentSlot) and its text as written, up to its `}}`: a ruleset
   * uses a few selectors thousands of times each, and one comparison of the whole text in place costs
   * less than hashing it and comparing it again in the table below.
   */
  private readonly recentText: (string | undefined)[] = new Array<string | undefined>(RECENT_SLOTS).fill(undefined);
  private readonly recentValue: Expr[] = new Array<Expr>(RECENT_SLOTS).fill(null);
  /** Their printed texts (printExpr). */
  private readonly recentShown: string[] = new Array<string>(RECENT_SLOTS).fill('');
  /** printExpr of the selector selector() read last. */
  private selectorShown = '';
  /** The printed texts of the elements of the set value() reads, a scratch list. */
  private readonly setShown: string[] = [];
  /** Selectors by their text as written (up to the closing `}}`): a ruleset writes a few thousands of times. */
  private readonly selectors = new RangeTable<Expr>(64, 1024);

  constructor(text: string, file: string, lines: PositionIndex, direct = true) {
    this.text = text;
    this.file = file;
    this.lines = lines;
    this.direct = direct;
    this.scratch = {
      pos: { file, line: 0, column: 0, endLine: 0 },
      stmts: NO_STMTS,
      spans: this.spanBuf,
      pre: undefined,
      comment: undefined,
    };
  }

  /** The rule element opening at `from` (its `{`), or undefined when it is not of the common form. */
  read(from: number): DirectRule | undefined {
    this.i = from;
    try {
      return this.element();
    } catch (e) {
      if (e === GIVE_UP) return undefined;
      throw e;
    }
  }

  private element(): DirectRule {
    this.char(LBRACE);
    this.key('"rule"');
    this.space();
    const open = this.i;
    this.char(LBRACE);
    // Rules come chain by chain: the text up to the handle is most often the previous rule's.
    const t = this.text;
    const last = this.head;
    let family: string;
    let table: string;
    let chain: string;
    if (last !== undefined && t.startsWith(last.text, this.i)) {
      this.i += last.text.length;
      ({ family, table, chain } = last);
    } else {
      const from = this.i;
      this.key('"family"');
      family = this.name();
      this.next('"table"');
      table = this.name();
      this.next('"chain"');
      chain = this.name();
      this.next('"handle"');
      this.head = { text: t.slice(from, this.i), family, table, chain };
    }
    this.int();
    this.char(COMMA);
    this.space();
    let comment: string | undefined;
    if (this.text.startsWith('"comment"', this.i)) {
      this.key('"comment"');
      comment = this.string();
      this.char(COMMA);
    }
    this.key('"expr"');
    this.char(LBRACKET);
    const spans = this.spanBuf;
    this.sn = 0;
    this.own = undefined;
    const parts = this.parts;
    emptyList(parts);
    // The alternatives as expand() builds them: a condition joins every one, a verdict map multiplies them.
    // None while every condition so far was applied as read (direct-match.ts): the conditions wait in the
    // p-lists and the verdict in `verdict`, and become the one alternative once a condition is not taken
    // or a verdict map comes.
    let alts: Alt[] | undefined;
    let verdict: FlatVerdict | undefined;
    let fast = this.direct;
    /** A verdict map read after conditions all applied as read (its elements' matches are made at the end). */
    let vmapRead: VmapRead | undefined;
    const dm = this.dm;
    dm.reset();
    this.pn = 0;
    for (let at = 0; ; at++) {
      if (at > 0) {
        if (this.space() === RBRACKET) break;
        this.char(COMMA);
      }
      const sOpen = this.space();
      if (sOpen !== LBRACE) throw GIVE_UP;
      if (vmapRead) {
        alts = this.withVmap([this.pending(verdict)], vmapPairs(this.rule(), vmapRead));
        vmapRead = undefined;
      }
      const start = this.i++;
      const k = this.stmtKey();
      let target: string | undefined;
      if (k === 'match') {
        let op: string;
        // `{"op": "==", "left": ` as nft writes it (most conditions), else read part by part.
        if (this.space() === LBRACE && t.startsWith(EQ_HEAD, this.i)) {
          this.i += EQ_HEAD.length;
          op = '==';
        } else {
          this.char(LBRACE);
          this.key('"op"');
          op = this.string();
          this.next('"left"');
        }
        const left = this.selector();
        const leftShown = this.selectorShown;
        this.next('"right"');
        const right = this.value(true);
        const vals = this.vals;
        const key = this.valsKey;
        const shown = this.shown ?? (typeof right === 'number' ? String(right) : printExpr(right));
        this.char(RBRACE);
        if (fast) {
          let vs = vals;
          if (vs === undefined) {
            this.one[0] = right;
            vs = this.one;
          }
          try {
            // An empty set (`{"set": []}`) goes the general way: the text reader never gives one.
            fast = vs.length > 0 && dm.add(left, op, vs, false, key, at);
          } catch {
            // As prepare.ts convert: whatever fails here, the general path converts (and reports) instead.
            fast = false;
          }
        }
        if (fast) {
          const n = this.pn++;
          this.pLeft[n] = left;
          this.pOp[n] = op;
          this.pRight[n] = right;
          this.pVals[n] = vals;
          this.pKey[n] = key;
          this.pAt[n] = at;
        } else {
          alts ??= [this.pending(verdict)];
          const cond: Cond = { left, op, right, rule: this.rule(), at, vals: knownValues(vals ?? [right], key) };
          for (const a of alts) (a.conds ??= []).push(cond);
        }
        // `LEFT RIGHT` (`LEFT OP RIGHT`) as parts of the list joined by spaces: no string made per condition.
        parts.push(leftShown);
        if (op !== '==' && op !== 'in') parts.push(op);
        parts.push(shown);
      } else if (VERDICT_KEYS.has(k)) {
        this.null();
        if (alts) setVerdict(alts, plainVerdict(k as 'accept'));
        else verdict = plainVerdict(k as 'accept');
        parts.push(k);
      } else if (k === 'reject') {
        if (alts) setVerdict(alts, plainVerdict('reject'));
        else verdict = plainVerdict('reject');
        if (this.space() === LBRACE) {
          this.i++;
          this.key('"type"');
          const type = this.string();
          this.next('"expr"');
          const expr = this.string();
          this.char(RBRACE);
          parts.push(`reject with ${type} ${expr}`);
        } else {
          this.null();
          parts.push('reject');
        }
      } else if (k === 'counter') {
        if (this.space() === LBRACE) {
          this.i++;
          this.key('"packets"');
          this.int();
          this.next('"bytes"');
          this.int();
          this.char(RBRACE);
        } else this.null();
        parts.push('counter');
      } else if (k === 'jump' || k === 'goto') {
        this.char(LBRACE);
        this.key('"target"');
        target = this.string();
        this.char(RBRACE);
        parts.push(`${k} ${target}`);
      } else if (k === 'vmap') {
        const map = this.vmap(at, parts);
        // After conditions all applied as read and no verdict: kept aside, each element's match made at the
        // end (vmapAlts), unless another statement follows.
        if (fast && verdict === undefined) vmapRead = map;
        else alts = this.withVmap((alts ??= [this.pending(verdict)]), vmapPairs(this.rule(), map));
        fast = false;
      } else throw GIVE_UP;
      this.space();
      const end = this.i;
      this.char(RBRACE);
      this.span(spans, start, end);
      if (target !== undefined) {
        const line = spans[4 * at] ?? 0;
        const pos: Pos = {
          file: this.file,
          line,
          column: spans[4 * at + 1] ?? 1,
          endLine: spans[4 * at + 2] ?? line,
          endColumn: spans[4 * at + 3],
        };
        const v: FlatVerdict = { kind: k as 'jump', target, pos };
        if (alts) setVerdict(alts, v);
        else verdict = v;
      }
    }
    this.i++; // the `]`
    this.space();
    const close = this.i;
    this.char(RBRACE);
    const end = this.space();
    if (end !== RBRACE) throw GIVE_UP;
    const body = parts.join(' ');
    const text = comment === undefined ? body : `${body} comment ${JSON.stringify(comment)}`;
    const lines = this.lines;
    const line = lines.lineIndexOf(open);
    const endLine = lines.lineIndexOf(close);
    // On one line (nft writes the whole listing on one), a rule read with its match(es) is given by its
    // numbers alone (json-reader.ts directRule): no record or position object is made for it.
    const oneLine = line === endLine;
    if (fast) {
      // Every condition is in the match already: no condition objects, one alternative without them.
      const match = dm.finish(this.scratch, verdict);
      const facts = dm.facts;
      // The spans were read (the match's positions, the jump's): the scratch list is not the rule's.
      const out = this.done(
        family,
        table,
        chain,
        oneLine ? undefined : this.settle(open, close, comment, false),
        comment,
        text,
      );
      out.match = match;
      out.flat = this.bare(verdict);
      out.facts = facts;
      return this.placed(out, line, open, endLine, close);
    }
    if (vmapRead) {
      const read = this.vmapAlts(this.scratch, vmapRead);
      if (read) {
        this.pn = 0;
        const out = this.done(
          family,
          table,
          chain,
          oneLine ? undefined : this.settle(open, close, comment, false),
          comment,
          text,
        );
        out.alts = read;
        return this.placed(out, line, open, endLine, close);
      }
      alts = this.withVmap([this.pending(verdict)], vmapPairs(this.rule(), vmapRead));
    }
    alts ??= [this.pending(verdict)];
    const out = this.done(family, table, chain, this.settle(open, close, comment, true), comment, text);
    out.flats = alts.map((a) => directFlat(a.conds, a.verdict, undefined));
    return this.placed(out, line, open, endLine, close);
  }

  /** The result of the rule read, with its caller's parts to fill in (refilled: see Result). */
  private done(
    family: string,
    table: string,
    chain: string,
    rule: NRule | undefined,
    comment: string | undefined,
    text: string,
  ): Result {
    return this.out.fill(this.i, family, table, chain, rule, comment, text);
  }

  /** `out` with the position of the body opening at `open` (line index `line`) and closing at `close` (`endLine`). */
  private placed(out: Result, line: number, open: number, endLine: number, close: number): Result {
    const lines = this.lines;
    out.line = line + 1;
    out.column = open - lines.lineStart(line) + 1;
    out.endLine = endLine + 1;
    out.endColumn = close - lines.lineStart(endLine) + 2;
    return out;
  }

  /** The rule's own record (made on first need: rule()), with its position, comment and, when `spans`, a copy of its spans. */
  private settle(open: number, close: number, comment: string | undefined, spans: boolean): NRule {
    const rule = this.rule();
    rule.pos = this.pos(open, close);
    if (comment !== undefined) rule.comment = comment;
    rule.spans = spans ? this.spanBuf.slice(0, this.sn) : undefined;
    return rule;
  }

  /** The rule's own record (`own`), made the first time it is asked for while the rule is read. */
  private rule(): NRule {
    // Every member the rule gets later (its position, comment, prepare.ts's `pre`) is in the literal: a
    // member added to an object made without it goes to a separate property array (one more object per rule).
    return (this.own ??= { pos: NO_POS, stmts: NO_STMTS, spans: this.spanBuf, pre: undefined, comment: undefined });
  }

  /**
   * The alternative of a rule without conditions whose verdict is `v`: one per verdict without a
   * position (prepare.ts convertDirect keeps it as expand.ts withoutConds gives it, unmodified), a new
   * one for a jump.
   */
  private bare(v: FlatVerdict | undefined): Flat {
    if (v !== undefined && (v.kind === 'jump' || v.kind === 'goto')) return directFlat(undefined, v, undefined);
    let f = this.bares.get(v);
    if (f === undefined) this.bares.set(v, (f = directFlat(undefined, v, undefined)));
    return f;
  }

  /**
   * The rule's one alternative so far (the reader leaves the direct path: a condition not taken, or a
   * verdict map): the conditions waiting in the p-lists as condition objects, and the verdict.
   */
  private pending(verdict: FlatVerdict | undefined): Alt {
    const n = this.pn;
    this.pn = 0;
    const alt: Alt = verdict === undefined ? {} : { verdict };
    if (n === 0) return alt;
    const conds: Cond[] = [];
    alt.conds = conds;
    const rule = this.rule();
    for (let i = 0; i < n; i++) {
      const right = this.pRight[i] ?? null;
      conds.push({
        left: this.pLeft[i] ?? null,
        op: this.pOp[i] ?? '==',
        right,
        rule,
        at: this.pAt[i] ?? 0,
        vals: knownValues(this.pVals[i] ?? [right], this.pKey[i]),
      });
    }
    return alt;
  }

  /**
   * `{"key": KEY, "data": {"set": [[K, VERDICT], …]}}` after `"vmap":`, KEY a selector or a `concat` of
   * selectors, K a value or a `concat` of values of as many parts, VERDICT accept, drop, continue,
   * return, jump or goto: each element's values and verdict (vmapPairs makes the alternatives expand.ts
   * vmap gives), each pair's position for its jump (json-fast.ts positions `[key, data]` pairs).
   */
  private vmap(at: number, parts: string[]): VmapRead {
    this.char(LBRACE);
    this.key('"key"');
    this.space();
    const keys: Expr[] = [];
    const from = this.i;
    this.char(LBRACE);
    const concat = this.keyName() === 'concat';
    if (concat) {
      this.char(LBRACKET);
      for (;;) {
        keys.push(this.selector());
        if (this.space() === RBRACKET) break;
        this.char(COMMA);
      }
      this.i++;
      this.char(RBRACE);
    } else {
      this.i = from;
      keys.push(this.selector());
    }
    this.next('"data"');
    this.char(LBRACE);
    this.key('"set"');
    this.char(LBRACKET);
    const verdicts: FlatVerdict[] = [];
    const pairValues: (string | number)[][] = [];
    // printExpr's text of the elements, made on the way: `K : VERDICT, …` (K's parts joined by ` . `).
    let shown = '';
    for (;;) {
      this.space();
      const open = this.i;
      this.char(LBRACKET);
      const vals: (string | number)[] = [];
      if (concat) {
        this.char(LBRACE);
        this.key('"concat"');
        this.char(LBRACKET);
        for (;;) {
          vals.push(this.scalar());
          if (this.space() === RBRACKET) break;
          this.char(COMMA);
        }
        this.i++;
        this.char(RBRACE);
      } else vals.push(this.scalar());
      if (vals.length !== keys.length || vals[0] === '*') throw GIVE_UP;
      this.char(COMMA);
      this.char(LBRACE);
      const k = this.keyName();
      let target: string | undefined;
      if (VERDICT_KEYS.has(k)) this.null();
      else if (k === 'jump' || k === 'goto') {
        this.char(LBRACE);
        this.key('"target"');
        target = this.string();
        this.char(RBRACE);
      } else throw GIVE_UP;
      this.char(RBRACE);
      this.space();
      const close = this.i;
      this.char(RBRACKET);
      verdicts.push(
        target === undefined ? plainVerdict(k as 'accept') : { kind: k as 'jump', target, pos: this.pos(open, close) },
      );
      pairValues.push(vals);
      if (verdicts.length > 1) shown += ', ';
      for (let v = 0; v < vals.length; v++)
        shown += v > 0 ? ` . ${scalarText(vals[v] ?? '')}` : scalarText(vals[v] ?? '');
      shown += target === undefined ? ` : ${k}` : ` : ${k} ${target}`;
      if (this.space() === RBRACKET) break;
      this.char(COMMA);
    }
    this.i++;
    this.char(RBRACE);
    this.char(RBRACE);
    parts.push(`${keys.map((x) => printExpr(x)).join(' . ')} vmap { ${shown} }`);
    return { keys, at, values: pairValues, verdicts };
  }

  /** The alternatives `alts` and a verdict map's elements make (expand.ts vmap): one per element. */
  private withVmap(alts: Alt[], pairs: readonly Alt[]): Alt[] {
    if (pairs.length === 1) {
      const [only] = pairs;
      if (only) for (const a of alts) mergeAlt(a, only);
      return alts;
    }
    if (alts.length * pairs.length > MAX_ALTERNATIVES) throw GIVE_UP;
    // A copy of `a` per element, member by member (an Alt has these two).
    return alts.flatMap((a) => pairs.map((p) => mergeAlt({ conds: a.conds?.slice(), verdict: a.verdict }, p)));
  }

  /**
   * The match and facts of each element of a verdict map read after conditions all applied as read (in
   * the p-lists): the conditions applied again, then one per part of the element's key; undefined when
   * one is not taken (the general path then converts the rule's alternatives).
   */
  private vmapAlts(rule: NRule, map: VmapRead): DirectAlt[] | undefined {
    const dm = this.dm;
    const alts: DirectAlt[] = [];
    try {
      for (let e = 0; e < map.verdicts.length; e++) {
        const verdict = map.verdicts[e];
        const values = map.values[e];
        if (verdict === undefined || values === undefined) return undefined;
        dm.reset();
        for (let i = 0; i < this.pn; i++) {
          let vs = this.pVals[i];
          if (vs === undefined) {
            this.one[0] = this.pRight[i] ?? null;
            vs = this.one;
          }
          if (
            vs.length === 0 ||
            !dm.add(this.pLeft[i] ?? null, this.pOp[i] ?? '==', vs, false, this.pKey[i], this.pAt[i] ?? 0)
          )
            return undefined;
        }
        for (let k = 0; k < map.keys.length; k++) {
          this.one[0] = values[k] ?? null;
          if (!dm.add(map.keys[k] ?? null, '==', this.one, false, undefined, map.at)) return undefined;
        }
        const match = dm.finish(rule, verdict);
        const facts = dm.facts;
        alts.push({ flat: this.bare(verdict), match, facts });
      }
    } catch {
      // As prepare.ts convert: whatever fails here, the general path converts (and reports) instead.
      return undefined;
    }
    return alts;
  }

  /** As json-fast.ts Walk positions a container opening at `open` and closing at `close`. */
  private pos(open: number, close: number): Pos {
    const lines = this.lines;
    const line = lines.lineIndexOf(open);
    const endLine = lines.lineIndexOf(close);
    return {
      file: this.file,
      line: line + 1,
      column: open - lines.lineStart(line) + 1,
      endLine: endLine + 1,
      endColumn: close - lines.lineStart(endLine) + 2,
    };
  }

  /** The same numbers into a rule's spans (ir.ts stmtPos). */
  private span(spans: number[], open: number, close: number): void {
    const lines = this.lines;
    const line = lines.lineIndexOf(open);
    const endLine = lines.lineIndexOf(close);
    const n = this.sn;
    spans[n] = line + 1;
    spans[n + 1] = open - lines.lineStart(line) + 1;
    spans[n + 2] = endLine + 1;
    spans[n + 3] = close - lines.lineStart(endLine) + 2;
    this.sn = n + 4;
  }

  /**
   * `{"meta": {"key": K}}`, `{"ct": {"key": K}}`, `{"payload": {"protocol": P, "field": F}}`: shared.
   * A selector written exactly as one read before (up to its `}}`) is that one again.
   */
  private selector(): Expr {
    this.space();
    const t = this.text;
    const from = this.i;
    // First the recent selector in this one's slot, compared whole in one call: no hash over the text.
    const slot = recentSlot(t, from);
    const recent = this.recentText[slot];
    if (recent !== undefined && t.startsWith(recent, from)) {
      this.i = from + recent.length;
      this.selectorShown = this.recentShown[slot] ?? '';
      return this.recentValue[slot] ?? null;
    }
    // The text up to the first `}}` (its hash folded on the way), looked up whole before any is read.
    const end = this.closed(from, SELECTOR_TEXT_MAX);
    const h = this.hash;
    let e: Expr | undefined;
    if (end > 0) e = this.selectors.get(t, from, end, h);
    if (e !== undefined) this.i = end;
    else {
      e = this.writtenSelector(from);
      if (this.i === end) this.selectors.set(detach(t.slice(from, end)), h, e);
    }
    const shown = printExpr(e);
    this.selectorShown = shown;
    if (this.i === end) {
      // The text read is the whole selector (up to its `}}`): the same text is the same selector.
      this.recentText[slot] = detach(t.slice(from, end));
      this.recentValue[slot] = e;
      this.recentShown[slot] = shown;
    }
    return e;
  }

  /** selector() for a selector not among the recent ones. */
  private writtenSelector(from: number): Expr {
    const t = this.text;
    // As nft writes them: the parts read in place (their strings are interned) and looked up by them.
    if (t.startsWith(PAYLOAD_HEAD, from)) {
      this.i = from + PAYLOAD_HEAD.length - 1;
      const protocol = this.string();
      if (t.startsWith(FIELD_HEAD, this.i)) {
        this.i += FIELD_HEAD.length - 1;
        const field = this.string();
        if (t.startsWith('}}', this.i)) {
          this.i += 2;
          return this.payload(protocol, field);
        }
      }
    } else if (t.startsWith(META_HEAD, from) || t.startsWith(CT_HEAD, from)) {
      const meta = t.charCodeAt(from + 2) === 109; // m
      this.i = from + (meta ? META_HEAD : CT_HEAD).length - 1;
      const key = this.string();
      if (t.startsWith('}}', this.i)) {
        this.i += 2;
        return this.keyed(meta ? this.metas : this.cts, meta ? 'meta' : 'ct', key);
      }
    }
    this.i = from;
    return this.cached('}}', false);
  }

  /**
   * Where the first `}}` from `start` ends (after it), with the hash of the text up to there in `hash`;
   * -1 when there is none in the next `max` characters.
   */
  private closed(start: number, max: number): number {
    const t = this.text;
    const last = Math.min(t.length - 1, start + max);
    let h = RANGE_HASH_BASIS;
    for (let i = start; i < last; i++) {
      const c = t.charCodeAt(i);
      h = rangeHashStep(h, c);
      if (c === RBRACE && t.charCodeAt(i + 1) === RBRACE) {
        this.hash = rangeHashStep(h, RBRACE);
        return i + 2;
      }
    }
    return -1;
  }

  /** sharedPayload, looked up by the interned strings first. */
  private payload(protocol: string, field: string): Expr {
    let byField = this.payloads.get(protocol);
    if (byField === undefined) this.payloads.set(protocol, (byField = new Map<string, Expr>()));
    let e = byField.get(field);
    if (e === undefined) byField.set(field, (e = sharedPayload(protocol, field)));
    return e;
  }

  /** sharedKey, looked up by the interned key first. */
  private keyed(byKey: Map<string, Expr>, kind: 'meta' | 'ct', key: string): Expr {
    let e = byKey.get(key);
    if (e === undefined) byKey.set(key, (e = sharedKey(kind, key)));
    return e;
  }

  /** `{"prefix": {"addr": A, "len": N}}` as nft writes it, shared (sharedPrefix); undefined, nothing read, otherwise. */
  private prefix(from: number): Expr | undefined {
    const t = this.text;
    // The text from the address to the first `}}` (its hash folded on the way), looked up whole.
    const start = from + PREFIX_HEAD.length;
    const end = this.closed(start, PREFIX_TEXT_MAX);
    const h = this.hash;
    if (end > 0) {
      const hit = this.prefixes.get(t, start, end, h);
      if (hit !== undefined) {
        this.i = end;
        return hit;
      }
    }
    this.i = start - 1;
    // Not interned: the prefix is kept by its text below (a miss is a prefix not read before), and 32,000
    // distinct addresses at 100k rules filled the interner, which then started over.
    const addr = this.string(false);
    if (t.startsWith(LEN_HEAD, this.i)) {
      this.i += LEN_HEAD.length;
      const len = this.int();
      if (t.startsWith('}}', this.i)) {
        this.i += 2;
        if (this.i !== end) return sharedPrefix(addr, len);
        // Kept in the table above, by its text as written, for the whole listing: not also in json-shared's
        // table by an id made for it (a string and an entry per distinct prefix, most written a few times).
        // The general path's object for the same prefix is another, equal one (nothing compares them by identity).
        const e = printedPrefix(addr, len);
        this.prefixes.set(detach(t.slice(start, end)), h, e);
        return e;
      }
    }
    this.i = from;
    return undefined;
  }

  /**
   * The object opening here (a selector, or a prefix or range when `value`), which ends at the first
   * `closing`: an object written exactly as one read before is that one again (they are shared anyway,
   * json-shared.ts), without reading it and looking it up by its parts.
   */
  private cached(closing: string, value: boolean): Expr {
    const t = this.text;
    const from = this.i;
    const close = t.indexOf(closing, from) + 2;
    const raw = close > 1 && close - from <= CACHED_MAX ? this.raws.get(t, from, close) : undefined;
    if (raw !== undefined) {
      const hit = this.objects.get(raw);
      if (hit !== undefined) {
        this.i = close;
        return hit;
      }
    }
    const out = value ? this.sharedValue() : this.readSelector();
    if (raw !== undefined && this.i === close) {
      if (this.objects.size >= CACHED) this.objects.clear();
      this.objects.set(raw, out);
    }
    return out;
  }

  private readSelector(): Expr {
    this.char(LBRACE);
    const k = this.keyName();
    this.char(LBRACE);
    let out: Expr;
    if (k === 'payload') {
      this.key('"protocol"');
      const protocol = this.string();
      this.next('"field"');
      out = sharedPayload(protocol, this.string());
    } else if (k === 'meta' || k === 'ct') {
      this.key('"key"');
      out = sharedKey(k, this.string());
    } else throw GIVE_UP;
    this.char(RBRACE);
    this.char(RBRACE);
    return out;
  }

  /**
   * A string, a number, a prefix, a range, or (when `set`) an anonymous set of those. With `set`, `vals`
   * is then the values, as elementsOf would give them; a list of several is named by its text as written
   * (Elements.key: match.ts builds the model's set once per distinct list).
   */
  private value(set: boolean): Expr {
    const c = this.space();
    const from = this.i;
    this.shown = undefined;
    if (c === Q) {
      const s = this.string();
      if (plain(s)) this.shown = s;
      return this.single(s, set);
    }
    if (c >= 48 && c <= 57) {
      const n = this.int();
      // Its digits as written are its printed text (int() takes no other form): a new string that dies with
      // the rule's text, where String(n) went through V8's number-to-string cache, which kept it alive.
      this.shown = this.text.slice(from, this.i);
      return this.single(n, set);
    }
    if (c !== LBRACE) throw GIVE_UP;
    const t = this.text;
    if (t.startsWith(PREFIX_HEAD, from)) return this.single(this.prefix(from) ?? this.cached('}}', true), set);
    if (t.startsWith('{"prefix"', from)) return this.single(this.cached('}}', true), set);
    if (t.startsWith('{"range"', from)) return this.single(this.cached(']}', true), set);
    this.i++;
    const k = this.keyName();
    if (k === 'prefix' || k === 'range') {
      // Written with other whitespace than nft's: read without the cache.
      this.i = from;
      return this.single(this.sharedValue(), set);
    }
    if (k !== 'set' || !set) throw GIVE_UP;
    this.char(LBRACKET);
    // The elements into the scratch list (sets do not nest here), then an exact copy: a list grown by
    // push from empty has room for 17.
    const buf = this.setBuf;
    let n = 0;
    // printExpr's text of the set, made on the way: `{ a, b }`, its elements' texts in a scratch list.
    const shown = this.setShown;
    emptyList(shown);
    if (this.space() !== RBRACKET) {
      for (;;) {
        const x = this.value(false);
        shown.push(this.lastShown() ?? (typeof x === 'number' ? String(x) : printExpr(x)));
        buf[n++] = x;
        if (this.space() === RBRACKET) break;
        this.char(COMMA);
      }
    }
    this.i++;
    this.char(RBRACE);
    const elems = buf.slice(0, n);
    this.vals = elems;
    this.valsKey = elems.length > 1 ? t.slice(from, this.i) : undefined;
    this.shown = `{ ${shown.join(', ')} }`;
    return { set: elems };
  }

  /** The printed text value() left (a method: value() was called since the caller last set it). */
  private lastShown(): string | undefined {
    return this.shown;
  }

  /** A prefix or a range (shared). */
  private sharedValue(): Expr {
    this.i++;
    const k = this.keyName();
    let out: Expr;
    if (k === 'prefix') {
      this.char(LBRACE);
      this.key('"addr"');
      const addr = this.string();
      this.next('"len"');
      out = sharedPrefix(addr, this.int());
      this.char(RBRACE);
    } else if (k === 'range') {
      this.char(LBRACKET);
      const x = this.scalar();
      this.char(COMMA);
      const y = this.scalar();
      this.char(RBRACKET);
      if (typeof x !== typeof y) throw GIVE_UP;
      out = sharedRange(x, y);
    } else throw GIVE_UP;
    this.char(RBRACE);
    return out;
  }

  /** A value that is not a set: `vals` is itself alone (when `set`, a condition's right side). */
  private single(v: Expr, set: boolean): Expr {
    if (set) {
      this.vals = undefined;
      this.valsKey = undefined;
    }
    return v;
  }

  private scalar(): string | number {
    const c = this.space();
    if (c === Q) return this.string();
    if (c >= 48 && c <= 57) return this.int();
    throw GIVE_UP;
  }

  private space(): number {
    const t = this.text;
    let i = this.i;
    let c = t.charCodeAt(i);
    while (c === 32 || c === 10 || c === 13 || c === 9) c = t.charCodeAt(++i);
    this.i = i;
    return c;
  }

  /** The character `c`, after whitespace. */
  private char(c: number): void {
    if (this.space() !== c) throw GIVE_UP;
    this.i++;
  }

  /** `"name"` (quotes included) and its colon. */
  private key(quoted: string): void {
    this.space();
    if (!this.text.startsWith(quoted, this.i)) throw GIVE_UP;
    this.i += quoted.length;
    this.char(COLON);
  }

  /** `, "name":` */
  private next(quoted: string): void {
    this.char(COMMA);
    this.key(quoted);
  }

  /** The statement kind and its colon: the kinds read here by their text as nft writes them, others as any key. */
  private stmtKey(): string {
    const t = this.text;
    const i = this.i;
    const known = STMT_KEYS[t.charCodeAt(i + 1) & 127];
    if (known !== undefined)
      for (const k of known)
        if (t.startsWith(k.quoted, i)) {
          this.i = i + k.quoted.length;
          return k.name;
        }
    return this.keyName();
  }

  /** Any key and its colon: the statement or expression kind. */
  private keyName(): string {
    const k = this.string();
    this.char(COLON);
    return k;
  }

  private null(): void {
    this.space();
    if (!this.text.startsWith('null', this.i)) throw GIVE_UP;
    this.i += 4;
  }

  /**
   * A string without escapes or control characters that does not name a set (`@`); `intern`: a short one
   * is interned (else copied).
   */
  private string(intern = true): string {
    if (this.space() !== Q) throw GIVE_UP;
    const t = this.text;
    const from = this.i + 1;
    let i = from;
    let c = t.charCodeAt(i);
    let h = RANGE_HASH_BASIS;
    while (c !== Q) {
      if (c < 32 || c === BACKSLASH || Number.isNaN(c)) throw GIVE_UP;
      h = rangeHashStep(h, c);
      c = t.charCodeAt(++i);
    }
    this.i = i + 1;
    if (t.charCodeAt(from) === 64) throw GIVE_UP;
    return intern && i - from <= INTERN_MAX ? this.strings.getHashed(t, from, i, h) : detach(t.slice(from, i));
  }

  /** A non-empty string (table, chain and family names; the generic path reports empty ones). */
  private name(): string {
    const s = this.string();
    if (s === '') throw GIVE_UP;
    return s;
  }

  /** A non-negative integer of at most 15 digits, written as JSON writes it. */
  private int(): number {
    const t = this.text;
    let c = this.space();
    let i = this.i;
    if (c < 48 || c > 57) throw GIVE_UP;
    const from = i;
    let v = 0;
    while (c >= 48 && c <= 57) {
      v = v * 10 + (c - 48);
      c = t.charCodeAt(++i);
    }
    const n = i - from;
    if (n > 15 || (n > 1 && t.charCodeAt(from) === 48) || c === 46 || c === 101 || c === 69) throw GIVE_UP;
    this.i = i;
    return v;
  }
}

/**
 * The alternatives of a verdict map's elements (expand.ts vmap): each element's verdict, with a condition
 * per part of its key (the key's selector equal to the element's value).
 */
function vmapPairs(rule: NRule, map: VmapRead): Alt[] {
  const { keys, at } = map;
  return map.verdicts.map((verdict, e) => {
    const vals = map.values[e] ?? [];
    const conds: Cond[] = vals.map((v, i) => ({
      left: keys[i] ?? null,
      op: '==',
      right: v,
      rule,
      at,
      vals: knownValues([v]),
    }));
    return { conds, verdict };
  });
}

/** printExpr of a scalar: a number's digits, a plain string as it is (printExpr otherwise). */
function scalarText(v: string | number): string {
  if (typeof v === 'number') return String(v);
  return plain(v) ? v : printExpr(v);
}

/** How many selectors DirectRules keeps by recentSlot (a power of two). */
const RECENT_SLOTS = 1024;

/**
 * The slot of the selector written at `from`: a hash of a few of its characters, where nft writes what
 * tells selectors apart: the kind (`{"p`, `{"m`, `{"c`), then a payload's protocol and the start of its
 * field (`{"payload": {"protocol": "ip", "field": "saddr"}}`: offsets 26–28 and 41–46), or a meta or
 * ct key's first letters (`{"meta": {"key": "iifname"}}`, `{"ct": {"key": "state"}}`: offsets 16–21).
 * Those offsets lie inside every selector nft writes, so a selector's slot does not depend on what
 * follows it. Any other text gets some slot too (charCodeAt's NaN past the end of the text counts as
 * 0): a selector is only ever taken after its whole text compared equal, so two in one slot only take
 * turns.
 */
function recentSlot(t: string, from: number): number {
  const kind = t.charCodeAt(from + 2);
  let h = rangeHashStep(RANGE_HASH_BASIS, kind);
  if (kind === 112) {
    // p
    h = rangeHashStep(h, t.charCodeAt(from + 26));
    h = rangeHashStep(h, t.charCodeAt(from + 27));
    h = rangeHashStep(h, t.charCodeAt(from + 28));
    for (let o = from + 41; o <= from + 46; o++) h = rangeHashStep(h, t.charCodeAt(o));
  } else for (let o = from + 16; o <= from + 21; o++) h = rangeHashStep(h, t.charCodeAt(o));
  return (h ^ (h >>> 15)) & (RECENT_SLOTS - 1);
}

/** A string printExpr prints as it is (no quotes): not empty, printable ASCII without spaces, braces, quotes, commas or semicolons. */
function plain(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c > 126 || c === 123 || c === 125 || c === 34 || c === 44 || c === 59) return false;
  }
  return true;
}
