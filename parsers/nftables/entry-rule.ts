import type { SourceLocation } from '../../src/model/location.js';
import type { Action, Match, Rule } from '../../src/model/policy.js';
import { hashHigh, hashLow, joinHash } from '../toolkit/hash.js';
import { hashId } from '../toolkit/ids.js';
import { Location } from '../toolkit/location.js';
import { ReadRule } from './ir.js';
import { canonicalText } from './rule-text.js';

const EXCERPT = 60;

/** What the model rules of one chain share: the chain's model name and the endings of their labels. */
export class ChainLabels {
  readonly ref: string;
  /** The ruleset's file: the rules written there keep their location as numbers (EntryRule.loc). */
  readonly file: string;
  private readonly tails = new Map<string, string>();

  constructor(ref: string, file: string) {
    this.ref = ref;
    this.file = file;
  }

  /**
   * `rule "EXCERPT" in REF`, EXCERPT being the text on one line, cut at 60 characters with `…`. Built
   * as two rope nodes over the text (or its slice) and a tail shared by the chain's rules (`" in REF`
   * or `…" in REF`), not a template literal's four nodes and a fifth for the `…`.
   */
  label(s: string): string {
    const one = /\s\s|[\t\n\r]/.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
    const cut = one.length > EXCERPT;
    const key = cut ? `…${this.ref}` : this.ref;
    let tail = this.tails.get(key);
    if (tail === undefined) {
      tail = cut ? `…" in ${this.ref}` : `" in ${this.ref}`;
      this.tails.set(key, tail);
    }
    return 'rule "' + (cut ? one.slice(0, EXCERPT - 1) : one) + tail;
  }
}

/** The comments of an nft rule: `comment "…"` (`said`) and the `#` lines above it (`remark`). */
export interface RuleNotes {
  readonly said: string | undefined;
  readonly remark: string | undefined;
}

/**
 * Where an nft rule is written and what it says, as its model rules keep it: the location as four
 * numbers when the rule is written in the chain's file with an end column (every rule the readers make;
 * `at` is then the line), else the location object itself in `at`; the text as `src` from `from` to
 * `to` (a slice of the source, not made: the model holds the source anyway), or `src` itself when `to`
 * is negative (a text that was built). Made once per nft rule; its model rules copy the fields.
 */
export class RuleHead {
  readonly at: number | SourceLocation;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;

  constructor(
    readonly chain: ChainLabels,
    /** The rule's position, or the read rule that keeps it as numbers. */
    pos: SourceLocation | ReadRule,
    readonly src: string,
    readonly from: number,
    readonly to: number,
    /** The text is the slice without its `"` (rule-text.ts). */
    readonly unquoted: boolean,
    /** contentId's hash of the chain and the text (rules.ts ruleHash). */
    readonly hash: number,
    /** The occurrence of the hash in the file. */
    readonly nth: number,
    readonly notes: RuleNotes | undefined,
  ) {
    // A rule the text reader read keeps its numbers (no location object made here).
    if (pos instanceof ReadRule && pos.endColumn >= 0 && pos.given === undefined && pos.file === chain.file) {
      this.at = pos.line;
      this.column = pos.column;
      this.endLine = pos.line;
      this.endColumn = pos.endColumn;
      return;
    }
    const p = pos instanceof ReadRule ? pos.pos : pos;
    const packed = p.file === chain.file && p.endColumn !== undefined;
    this.at = packed ? p.line : p;
    this.column = packed ? p.column : 0;
    this.endLine = packed ? p.endLine : 0;
    this.endColumn = packed ? (p.endColumn ?? 0) : 0;
  }

  /** The canonical text (print.ts printRule). */
  text(): string {
    return ruleText(this.src, this.from, this.to, this.unquoted);
  }

  /** The model rule's label (made once here only when a note needs it). */
  label(): string {
    return this.chain.label(this.notes?.said ?? this.text());
  }
}

/** The canonical text kept as `src` from `from` to `to`, or `src` itself when `to` is negative (RuleHead). */
function ruleText(src: string, from: number, to: number, unquoted: boolean): string {
  return canonicalText(to < 0 ? src : src.slice(from, to), unquoted);
}

/**
 * A model rule whose id, label, vendor comment, location and text are made when read (a finding,
 * explain), from what the rule keeps anyway: numbers for its location and its text's place in the
 * source, its content hash and occurrence, its chain's labels. A 100k-rule ruleset then holds no 100k
 * ids, labels, location objects and text slices (about 230 bytes and three objects a rule, each one
 * copied by the young generation's collector) and builds none while parsing; a lint reads a few.
 * Values are those buildChain gave before: `hashId('nft', hash, n)`, ChainLabels.label of the
 * `comment "…"` or else the text, a location with the same members in the same order (a new object
 * at each read: nothing compares locations by identity or changes them). The private fields begin
 * with `_`; the Rule fields (id, loc, label, text, comment) are read through getters, so a copy must
 * read them by name (src/model/rule-copy.ts ruleWith), not spread the object.
 */
export class EntryRule implements Rule {
  match: Match;
  action: Action;
  declare udpTimeout?: Rule['udpTimeout'];
  declare helperTimeout?: Rule['helperTimeout'];
  private readonly _chain: ChainLabels;
  /** RuleHead.at: the line (the location's numbers follow), or the location. */
  private readonly _at: number | SourceLocation;
  private readonly _column: number;
  private readonly _endLine: number;
  private readonly _endColumn: number;
  /** RuleHead's text: the source (or the built text), the slice's ends, and whether it drops its `"`. */
  private readonly _src: string;
  private readonly _from: number;
  private readonly _to: number;
  private readonly _unquoted: boolean;
  /**
   * contentId's hash of the chain and the text (rules.ts ruleHash), a 48-bit number, as its high 16 and
   * low 32 bits (signed): two small integers the object holds in place, where the number was a heap
   * number of its own per rule (110k more objects for the collector to copy at 100k rules).
   */
  private readonly _hashHi: number;
  private readonly _hashLo: number;
  /** The occurrence of the hash in the file. */
  private readonly _nth: number;
  /** Absent for most rules (no comment). */
  private readonly _notes: RuleNotes | undefined;

  constructor(head: RuleHead, match: Match, action: Action) {
    this.match = match;
    this.action = action;
    this._chain = head.chain;
    this._at = head.at;
    this._column = head.column;
    this._endLine = head.endLine;
    this._endColumn = head.endColumn;
    this._src = head.src;
    this._from = head.from;
    this._to = head.to;
    this._unquoted = head.unquoted;
    this._hashHi = hashHigh(head.hash);
    this._hashLo = hashLow(head.hash);
    this._nth = head.nth;
    this._notes = head.notes;
  }

  get id(): string {
    return hashId('nft', joinHash(this._hashHi, this._hashLo), this._nth);
  }

  get loc(): SourceLocation {
    const at = this._at;
    return typeof at === 'number'
      ? new Location(this._chain.file, at, this._column, this._endLine, this._endColumn)
      : at;
  }

  get label(): string {
    return this._chain.label(this._notes?.said ?? this.text);
  }

  get text(): string {
    return ruleText(this._src, this._from, this._to, this._unquoted);
  }

  /** The vendor comment, verbatim (inline suppressions): the `#` lines above, then `comment "…"`. */
  get comment(): string | undefined {
    const n = this._notes;
    if (n === undefined) return undefined;
    const c = n.remark !== undefined && n.said !== undefined ? `${n.remark}\n${n.said}` : (n.remark ?? n.said);
    // An empty comment was never set on the rule.
    return c === '' ? undefined : c;
  }
}
