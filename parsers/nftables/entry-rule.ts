import type { SourceLocation } from '../../src/model/location.js';
import type { Action, Match, Rule } from '../../src/model/policy.js';
import { hashHigh, hashLow, joinHash } from '../toolkit/hash.js';
import { hashId } from '../toolkit/ids.js';
import { Location } from '../toolkit/location.js';
import { withoutDirective } from '../toolkit/labels.js';
import type { AddrSet } from '../../src/model/address.js';
import { directFlat, plainVerdict, type Effect, type Flat } from './expand.js';
import { NO_FACTS, type IfaceFacts } from './interfaces.js';
import { ReadRuleBase, type NRule, type RareParts, type Stmt } from './ir.js';
import type { Prepared, PreparedAlt, PreparedMany, PreparedOne, RuleTexts } from './prepare.js';
import { canonicalText } from './rule-text.js';
import { AT, COLUMN, END_COLUMN, HASH_LO, HI_LINES, NTH, TEXT, TO, type RuleRows } from './rule-rows.js';

const EXCERPT = 60;

/**
 * What a released ReadEntry, or a model rule whose alternative is released (EntryRule.flat), gives as its
 * alternative (nothing reads it then): an empty one.
 */
const RELEASED: Flat = Object.freeze(directFlat(undefined, undefined, undefined));

/**
 * Verdicts without arguments as model actions: one shared (never modified) object each, not one per rule
 * (rules.ts actionOf gives them).
 */
export const PLAIN_ACTIONS = {
  accept: { kind: 'accept' },
  drop: { kind: 'drop' },
  reject: { kind: 'reject' },
  continue: { kind: 'continue' },
  return: { kind: 'return' },
} as const satisfies Record<string, Action>;

/** The action of a model rule made while reading whose alternative has no verdict (RELEASED), until buildChain. */
const NO_VERDICT: Action = { kind: 'continue' };

/**
 * The alternatives that are only a plain verdict (or nothing: RELEASED) and the action buildChain gives
 * each, both ways: a model rule made while reading with such an alternative holds the action from the
 * start and gives the alternative back from it (EntryRule.flat), with no field for it (8 bytes a rule).
 */
const ACTION_OF_FLAT = new Map<Flat, Action>([
  [RELEASED, NO_VERDICT],
  ...(['accept', 'drop', 'reject', 'continue', 'return'] as const).map((k): [Flat, Action] => [
    directFlat(undefined, plainVerdict(k), undefined),
    PLAIN_ACTIONS[k],
  ]),
]);
const FLAT_OF_ACTION = new Map<Action, Flat>([...ACTION_OF_FLAT].map(([f, a]) => [a, f]));

/** In a jump kept in its row (EntryRule.keepJump): the goto bit, and the columns' 15 bits each. */
const GOTO = 1 << 30;
const COLUMN_BITS = 15;
const COLUMN_MAX = (1 << COLUMN_BITS) - 1;

/**
 * The kind and columns of `flat` as one number when it is only a jump or goto (no conditions left, NAT,
 * effects, helpers or timeouts) whose statement is on `line` of `file` at columns that fit, with a
 * position of stmtPos's members in its order (made again the same: EntryRule.flat); else undefined.
 */
function jumpColumns(flat: Flat, file: string, line: number): number | undefined {
  const v = flat.verdict;
  if (v === undefined || (v.kind !== 'jump' && v.kind !== 'goto')) return undefined;
  if (flat.conds.length || flat.opaque.length || flat.nat || flat.helpers.length || flat.timeouts.length)
    return undefined;
  if (flat.effects.length) return undefined;
  const p = v.pos;
  if (p.file !== file || p.line !== line || p.endLine !== line || typeof p.endColumn !== 'number') return undefined;
  if (p.column < 0 || p.column > COLUMN_MAX || p.endColumn < 0 || p.endColumn > COLUMN_MAX) return undefined;
  const keys = Object.keys(p);
  if (keys.length !== 5 || keys.join() !== 'file,line,column,endLine,endColumn') return undefined;
  return (v.kind === 'goto' ? GOTO : 0) + p.column * (1 << COLUMN_BITS) + p.endColumn;
}

/** What the model rules of one chain share: the chain's model name and the endings of their labels. */
export class ChainLabels {
  readonly ref: string;
  /** The ruleset's file: the rules written there keep their location as numbers (EntryRule.loc). */
  readonly file: string;
  /**
   * The source the chain's rules are slices of (the first one's): they keep their text as its ends in
   * it (EntryRule.text). A rule sliced from another source (an included file) keeps its own slice.
   */
  source: string | undefined = undefined;
  /**
   * The `nft -j` listing's rule texts (prepare.ts RuleTexts), when the chain's rules made while reading
   * keep their text as its place there (EntryRule.text: the start, `to` the end, both in RuleTexts'
   * numbering across its chunks), not as a slice of `source`.
   */
  readonly texts: RuleTexts | undefined;
  /** Made at the first label asked for (a lint reads a few): not a map per chain (9,000 in the chains shape). */
  private tails: Map<string, string> | undefined = undefined;
  /** Where the chain's model rules keep their numbers (a row each: headRow), shared by the reader's chains. */
  readonly rows: RuleRows;

  constructor(ref: string, file: string, rows: RuleRows, texts?: RuleTexts) {
    this.ref = ref;
    this.file = file;
    this.rows = rows;
    this.texts = texts;
  }

  /**
   * `rule "EXCERPT" in REF`, EXCERPT being the text on one line, cut at 60 characters with `…`. Built
   * as two rope nodes over the text (or its slice) and a tail shared by the chain's rules (`" in REF`
   * or `…" in REF`), not a template literal's four nodes and a fifth for the `…`.
   */
  label(said: string): string {
    const s = withoutDirective(said);
    const one = /\s\s|[\t\n\r]/.test(s) ? s.replace(/\s+/g, ' ').trim() : s.trim();
    const cut = one.length > EXCERPT;
    const key = cut ? `…${this.ref}` : this.ref;
    const tails = (this.tails ??= new Map<string, string>());
    let tail = tails.get(key);
    if (tail === undefined) {
      tail = cut ? `…" in ${this.ref}` : `" in ${this.ref}`;
      tails.set(key, tail);
    }
    return 'rule "' + (cut ? one.slice(0, EXCERPT - 1) : one) + tail;
  }
}

/** The comments of an nft rule: `comment "…"` (`said`) and the `#` lines above it (`remark`). */
export interface RuleNotes {
  readonly said: string | undefined;
  readonly remark: string | undefined;
}

class Notes implements RuleNotes {
  constructor(
    readonly said: string | undefined,
    readonly remark: string | undefined,
  ) {}
}

/** A rule's notes (its `comment "…"` and the `#` lines above it), or undefined when it has neither (most rules). */
export function notesOf(comment: string | undefined, remark: string | undefined): RuleNotes | undefined {
  return remark !== undefined || comment !== undefined ? new Notes(comment, remark) : undefined;
}

/** The most lines a rule's location may span and keep its numbers in the model rule (headRow's HI_LINES). */
const MAX_LINES = 0x3fff;

/**
 * Where an nft rule is written and what it says, as its model rules keep it: a row of its chain's
 * RuleRows (ChainLabels.rows), worked out once per nft rule (its model rules share it), no object:
 * - the location as numbers when the rule is written in the chain's file with an end column and on at
 *   most MAX_LINES lines (every rule the readers make): AT is the line, `lines` the lines after it;
 *   else the location object itself at AT;
 * - the text as its start in the chain's source (TEXT a number; ChainLabels.source) when it is a slice
 *   of it, not made (the model holds the source anyway), else the text itself; TO the slice's end,
 *   as `-(end + 1)` when the text is the slice without its `"` (rule-text.ts), and for a text kept
 *   itself 0, or -1 when it is without its `"`;
 * - the 48-bit content hash as its high 16 bits (with `lines` above them, HI_LINES) and its low 32 bits
 *   (signed, HASH_LO).
 * Gives the row's place (EntryRule's `row`).
 */
export function headRow(
  chain: ChainLabels,
  /** The rule's position, or the read rule that keeps it as numbers. */
  pos: SourceLocation | ReadRuleBase,
  /**
   * The text, or the source it is `src.slice(from, to)` of (`to` not negative), or with `chain.texts`
   * and `to` not negative, unused: `from` and `to` are the text's place in those texts.
   */
  src: string,
  from: number,
  to: number,
  /** The text is that without its `"` (rule-text.ts). */
  unquoted: boolean,
  /** contentId's hash of the chain and the text (rules.ts ruleHash). */
  hash: number,
  /** The occurrence of the hash in the file. */
  nth: number,
  notes: RuleNotes | undefined,
): number {
  let lines = 0;
  let at: number | SourceLocation;
  let column: number;
  let endColumn: number;
  // A rule the text reader read keeps its numbers (no location object made here).
  if (pos instanceof ReadRuleBase && pos.endColumn >= 0 && pos.given === undefined && pos.file === chain.file) {
    at = pos.line;
    column = pos.column;
    endColumn = pos.endColumn;
  } else {
    const p = pos instanceof ReadRuleBase ? pos.pos : pos;
    const span = p.endLine - p.line;
    const packed = p.file === chain.file && p.endColumn !== undefined && span >= 0 && span <= MAX_LINES;
    at = packed ? p.line : p;
    column = packed ? p.column : 0;
    endColumn = packed ? (p.endColumn ?? 0) : 0;
    if (packed) lines = span;
  }
  let text: string | number;
  let end: number;
  if (to < 0) {
    text = src;
    end = unquoted ? -1 : 0;
  } else if (chain.texts !== undefined) {
    // `from` and `to` are the text's place in the listing's RuleTexts (`src` unused): kept as they are.
    text = from;
    end = to;
  } else {
    chain.source ??= src;
    text = src === chain.source ? from : src.slice(from, to);
    const e = src === chain.source ? to : 0;
    end = unquoted ? -(e + 1) : e;
  }
  return chain.rows.row(at, column, endColumn, text, end, hashHigh(hash) + lines * 0x10000, hashLow(hash), nth, notes);
}

/** The canonical text a row keeps as TEXT and TO. */
function ruleText(chain: ChainLabels, text: string | number, to: number): string {
  const unquoted = to < 0;
  if (typeof text === 'string') return canonicalText(text, unquoted);
  if (chain.texts !== undefined) return chain.texts.slice(text, to);
  return canonicalText((chain.source ?? '').slice(text, unquoted ? -to - 1 : to), unquoted);
}

/**
 * A model rule whose id, label, vendor comment, location and text are made when read (a finding,
 * explain), from what the rule keeps anyway: numbers for its location and its text's place in the
 * source, its content hash and occurrence, in its row of its chain's labels (headRow says how). A
 * 100k-rule ruleset then holds no 100k ids, labels, location objects and text slices (about 230 bytes
 * and three objects a rule, each one copied by the young generation's collector) and builds none while
 * parsing; a lint reads a few. Values are those buildChain gave before: `hashId('nft', hash, n)`,
 * ChainLabels.label of the `comment "…"` or else the text, a location with the same members in the same
 * order (a new object at each read: nothing compares locations by identity or changes them). The private
 * fields begin with `_`; the Rule fields (id, loc, label, text, comment) are read through getters, so a
 * copy must read them by name (src/model/rule-copy.ts ruleWith), not spread the object.
 */
export class EntryRule implements Rule {
  match: Match;
  action: Action;
  declare udpTimeout?: Rule['udpTimeout'];
  declare helperTimeout?: Rule['helperTimeout'];
  private readonly _chain: ChainLabels;
  /** The rule's row in `_chain` (headRow). */
  private readonly _row: number;
  /**
   * A model rule made while reading (prepare.ts convertRead): `flat`, the alternative without its
   * conditions (expand.ts withoutConds) it was made of, which buildChain reads (and then keeps in its
   * entries, and releases). Not in a field: a plain verdict (most rules) is the action itself, given
   * now (ACTION_OF_FLAT); another alternative is held by the chain's rows (RuleRows.hold) until released.
   * A model rule buildChain makes has no `flat`.
   */
  constructor(chain: ChainLabels, row: number, match: Match, action: Action, flat?: Flat) {
    this.match = match;
    this._chain = chain;
    this._row = row;
    const plain = flat === undefined ? undefined : ACTION_OF_FLAT.get(flat);
    this.action = plain ?? action;
    if (flat !== undefined && plain === undefined) chain.rows.hold(this, flat);
  }

  /** The alternative it was made of until buildChain releases it (not a member of the model's Rule). */
  get flat(): Flat {
    const f = this._chain.rows.held(this);
    if (f === undefined) return FLAT_OF_ACTION.get(this.action) ?? RELEASED;
    if (typeof f !== 'string') return f;
    const c = this._chain;
    const line = c.rows.num(this._row + AT);
    const n = c.rows.num(this._row + NTH);
    const pos = {
      file: c.file,
      line,
      column: (n >>> COLUMN_BITS) & COLUMN_MAX,
      endLine: line,
      endColumn: n & COLUMN_MAX,
    };
    return directFlat(undefined, { kind: n & GOTO ? 'goto' : 'jump', target: f, pos }, undefined);
  }

  /**
   * Keeps the alternative, when it is only a jump or goto written on the rule's line, as its target
   * and its kind and columns in the row's occurrence (NTH, given by numbered, which makes the alternative
   * again first if it was not read). Only for a rule with a row of its own (prepare.ts convertRead): the
   * alternative, its verdict and its position (about 190 bytes a jump, promoted and then dropped; the
   * chains shape at 100k has 9,000 jumps) are not kept until buildChain.
   */
  keepJump(): void {
    const c = this._chain;
    const f = c.rows.held(this);
    if (f === undefined || typeof f === 'string' || f.verdict === undefined || !('target' in f.verdict)) return;
    const at = c.rows.get(this._row + AT);
    if (typeof at !== 'number') return;
    const n = jumpColumns(f, c.file, at);
    if (n === undefined) return;
    c.rows.putNumber(this._row + NTH, n);
    c.rows.hold(this, f.verdict.target);
  }

  /** Whether `other` keeps its numbers in the same row (the model rules of one nft rule: headRow). */
  sameRow(other: EntryRule): boolean {
    return other._chain === this._chain && other._row === this._row;
  }

  /** Drops the alternative (buildChain's entries keep it): a model rule does not keep it to the model's end. */
  releaseFlat(): void {
    this._chain.rows.release(this);
  }

  get id(): string {
    return hashId('nft', this.contentHash, this._chain.rows.num(this._row + NTH));
  }

  /** contentId's hash of the chain and the text (rules.ts ruleHash). */
  get contentHash(): number {
    const c = this._chain;
    return joinHash(c.rows.num(this._row + HI_LINES) & 0xffff, c.rows.num(this._row + HASH_LO));
  }

  /** The labels of the chain the rule was made for. */
  get labels(): ChainLabels {
    return this._chain;
  }

  /**
   * The occurrence of the rule's hash in the file, for a rule made while reading (prepare.ts ReadEntry):
   * buildChain counts the occurrences in the model's order, which the reader does not know.
   */
  numbered(nth: number): void {
    // A jump kept in the row (keepJump) made again before its place is taken.
    const rows = this._chain.rows;
    if (typeof rows.held(this) === 'string') rows.hold(this, this.flat);
    this._chain.rows.putNumber(this._row + NTH, nth);
  }

  /** The text as prepare.ts PreparedHead keeps it (made when asked; buildChain reads the rule instead). */
  textParts(): { text: string; from: number; to: number; unquoted: boolean } {
    const c = this._chain;
    const t = c.rows.get(this._row + TEXT);
    const to = c.rows.num(this._row + TO);
    if (typeof t === 'string') return { text: t, from: 0, to: -1, unquoted: to === -1 };
    const from = typeof t === 'number' ? t : 0;
    const texts = c.texts;
    if (texts !== undefined) return texts.parts(from, to);
    return { text: c.source ?? '', from, to: to < 0 ? -to - 1 : to, unquoted: to < 0 };
  }

  get loc(): SourceLocation {
    const c = this._chain;
    const r = this._row;
    const at = c.rows.get(r + AT);
    if (typeof at !== 'number') return at as SourceLocation;
    const lines = c.rows.num(r + HI_LINES) >>> 16;
    return new Location(c.file, at, c.rows.num(r + COLUMN), at + lines, c.rows.num(r + END_COLUMN));
  }

  get label(): string {
    return this._chain.label(this._chain.rows.notesAt(this._row)?.said ?? this.text);
  }

  get text(): string {
    const c = this._chain;
    const t = c.rows.get(this._row + TEXT);
    return ruleText(c, typeof t === 'object' ? '' : t, c.rows.num(this._row + TO));
  }

  /** The vendor comment, verbatim (inline suppressions): the `#` lines above, then `comment "…"`. */
  get comment(): string | undefined {
    const n = this._chain.rows.notesAt(this._row);
    if (n === undefined) return undefined;
    const c = n.remark !== undefined && n.said !== undefined ? `${n.remark}\n${n.said}` : (n.remark ?? n.said);
    // An empty comment was never set on the rule.
    return c === '' ? undefined : c;
  }
}

/**
 * The row of the model rule(s) of an nft rule written on one line of the chain's file (`line`, `column`
 * to `endColumn`) whose canonical text `text` is kept as its place in the chain's RuleTexts (from `at`,
 * ChainLabels.texts), or itself (when `at` is negative): headRow's values without a location object made
 * for them. The model rules of one nft rule (its alternatives) share it.
 */
export function lineRow(
  chain: ChainLabels,
  line: number,
  column: number,
  endColumn: number,
  text: string,
  at: number,
  hash: number,
  notes: RuleNotes | undefined,
): number {
  // As headRow keeps them: a text kept itself with its quotes has TO 0; one line is no line after it.
  const kept = at >= 0;
  return chain.rows.row(
    line,
    column,
    endColumn,
    kept ? at : text,
    kept ? at + text.length : 0,
    hashHigh(hash),
    hashLow(hash),
    0,
    notes,
  );
}

/** A read rule's statements: none (the direct reader makes none), shared and never added to. */
const NO_STMTS: Stmt[] = [];

/**
 * What ReadEntry and ReadEntries share: a read rule whose model rule (one per alternative) was made as
 * it was read. Its text and hash are its model rule's, and so is its position unless one was given
 * (`add rule`); it keeps none of the passes' statements, spans or alternatives.
 */
abstract class ReadModel {
  declare protected rest: RareParts | undefined;

  /** The model rule (the first alternative's) its text, hash and position are read from. */
  protected abstract get head(): EntryRule;

  /** PreparedHead's members, from the model rule (buildChain reads the model rule itself). */
  get ref(): string {
    return this.head.labels.ref;
  }

  get hash(): number {
    return this.head.contentHash;
  }

  get text(): string {
    return this.head.textParts().text;
  }

  get from(): number {
    return this.head.textParts().from;
  }

  get to(): number {
    return this.head.textParts().to;
  }

  get unquoted(): boolean {
    return this.head.textParts().unquoted;
  }

  /** The position set from outside (`add rule`, given when read), else the model rule's. */
  get pos(): SourceLocation {
    return this.rest?.given ?? this.head.loc;
  }

  set pos(p: SourceLocation) {
    throw new Error(`nftables: a read rule with its model rule keeps its position (${p.file})`);
  }

  get stmts(): Stmt[] {
    return NO_STMTS;
  }

  set stmts(v: Stmt[]) {
    if (v.length > 0) throw new Error('nftables: a read rule with its model rule keeps no statements');
  }

  get spans(): number[] | undefined {
    return undefined;
  }

  set spans(v: number[] | undefined) {
    if (v !== undefined) throw new Error('nftables: a read rule with its model rule keeps no spans');
  }

  get flats(): Flat[] | undefined {
    return undefined;
  }

  set flats(v: Flat[] | undefined) {
    if (v !== undefined) throw new Error('nftables: a read rule with its model rule keeps no alternatives');
  }

  get comment(): string | undefined {
    return this.rest?.comment;
  }

  get remark(): string | undefined {
    return this.rest?.remark;
  }
}

/**
 * A rule the text reader (text-direct.ts DirectRule.direct) or the `nft -j` reader (prepare.ts
 * convertJson) read and converted with its one alternative (most rules of a listing), with its model
 * rule made as it was read: the EntryRule holds the position, text, hash, notes and match, so this
 * record keeps only what the passes read before the model is built (the alternative and its interface
 * facts) and what few rules have (RareParts). It is its own `pre` until buildChain gives the model
 * rule its occurrence and action (and then releases it). The read rule with its converted form (once
 * prepare.ts ReadOne) held the position, text and hash beside a model rule made later from them: about
 * 45 bytes more a rule for the young generation's collector to copy.
 *
 * This class is the record of a rule whose facts say nothing (no interface name, no network: most rules
 * of a chain that names no interface), which keeps none of their members: 48 bytes a rule, not 96, from
 * reading to buildChain (promoted, then dropped). A rule with facts is a ReadNamed, or a ReadFacts for
 * facts with a dnat host (readEntry chooses).
 */
export class ReadEntry extends ReadModel implements NRule, PreparedOne {
  declare readonly entry: EntryRule;
  /** The alternative until buildChain has given the model rule its occurrence and action (`pre = undefined`). */
  declare private kept: Flat | undefined;

  /** `flat`: the alternative without its conditions (expand.ts withoutConds), which keeps its opaque ones. */
  constructor(entry: EntryRule, flat: Flat, rest: RareParts | undefined) {
    super();
    this.entry = entry;
    this.kept = flat;
    this.rest = rest;
  }

  /** The alternative without its conditions (read only while the rule is its own `pre`). */
  get flat(): Flat {
    return this.kept ?? RELEASED;
  }

  /**
   * The conditions the model cannot express: the alternative's (withoutConds keeps them, and gives a
   * shared flat only to one without any), not a member of their own (8 bytes a rule kept until buildChain).
   */
  get opaque(): readonly Effect[] {
    return this.flat.opaque;
  }

  protected get head(): EntryRule {
    return this.entry;
  }

  /** Facts that say nothing (the subclasses keep theirs). */
  get facts(): IfaceFacts {
    return NO_FACTS;
  }

  get match(): Match {
    return this.entry.match;
  }

  get pre(): Prepared | undefined {
    return this.kept === undefined ? undefined : this;
  }

  /** Only released (buildChain): the rule is converted once. */
  set pre(v: Prepared | undefined) {
    if (v !== undefined) throw new Error('nftables: a read rule with its model rule is its own prepared form');
    this.kept = undefined;
  }
}

/**
 * A ReadEntry whose facts name an interface or a network, without a dnat host (every rule the direct
 * readers read: interfaces.ts directFacts gives none): it holds their members itself and is its own
 * `facts` (no record of their own: one object less per rule).
 */
class ReadNamed extends ReadEntry implements IfaceFacts {
  declare readonly seen: readonly string[];
  declare readonly iif: readonly string[];
  declare readonly oif: readonly string[];
  declare readonly srcNets: AddrSet | undefined;
  declare readonly dstNets: AddrSet | undefined;

  constructor(entry: EntryRule, flat: Flat, facts: IfaceFacts, rest: RareParts | undefined) {
    super(entry, flat, rest);
    // Set here, not by a shared helper: V8 sizes a class's objects by the members its constructors set,
    // and members set elsewhere go to a separate property array (one more object per rule).
    this.seen = facts.seen;
    this.iif = facts.iif;
    this.oif = facts.oif;
    this.srcNets = facts.srcNets;
    this.dstNets = facts.dstNets;
  }

  get dnatHost(): AddrSet | undefined {
    return undefined;
  }

  override get facts(): IfaceFacts {
    return this;
  }
}

/** A ReadEntry with facts that have a dnat host (no direct reader gives one): keeps the facts as given. */
class ReadFacts extends ReadEntry {
  declare private readonly given: IfaceFacts;

  constructor(entry: EntryRule, flat: Flat, facts: IfaceFacts, rest: RareParts | undefined) {
    super(entry, flat, rest);
    this.given = facts;
  }

  override get facts(): IfaceFacts {
    return this.given;
  }
}

/** Whether facts say nothing: observe (interfaces.ts) does nothing with them. */
function saysNothing(f: IfaceFacts): boolean {
  return (
    f.seen.length === 0 &&
    f.iif.length === 0 &&
    f.oif.length === 0 &&
    f.dnatHost === undefined &&
    f.srcNets === undefined &&
    f.dstNets === undefined
  );
}

/** The ReadEntry of a rule read with its model rule `entry`, the record the size of its `facts`. */
export function readEntry(entry: EntryRule, flat: Flat, facts: IfaceFacts, rest: RareParts | undefined): ReadEntry {
  if (saysNothing(facts)) return new ReadEntry(entry, flat, rest);
  if (facts.dnatHost === undefined) return new ReadNamed(entry, flat, facts, rest);
  return new ReadFacts(entry, flat, facts, rest);
}

/** One alternative of a ReadEntries: its model rule (made while reading), the alternative and its interface facts. */
export class ReadAlt implements PreparedAlt {
  declare readonly entry: EntryRule;
  declare readonly flat: Flat;
  declare readonly facts: IfaceFacts;

  /** `flat`: as ReadEntry's. */
  constructor(entry: EntryRule, flat: Flat, facts: IfaceFacts) {
    this.entry = entry;
    this.flat = flat;
    this.facts = facts;
  }

  get match(): Match {
    return this.entry.match;
  }

  /** As ReadEntry's. */
  get opaque(): readonly Effect[] {
    return this.flat.opaque;
  }
}

/**
 * A verdict-map rule a direct reader read with its alternatives' matches (the `nft -j` reader on one
 * line: json-direct.ts DirectRule.alts; the text reader: prepare.ts readAlts), each alternative's model
 * rule made as it was read (with its alternative: EntryRule.flat), as ReadEntry for a rule of one
 * alternative: buildChain gives them their occurrence (one for the nft rule) and action. Not a read rule
 * with its converted form (prepare.ts Many, a record per alternative) of which buildChain made the model
 * rules. The alternatives' interface facts are kept here, or none when the reader gave them to the
 * chain's runs (read-facts.ts).
 */
export class ReadEntries extends ReadModel implements NRule, PreparedMany {
  /** The model rules, one per alternative, in order. */
  declare readonly entries: readonly EntryRule[];
  /** Each alternative's interface facts, or undefined when the chain's runs have them. */
  declare private readonly facts: readonly IfaceFacts[] | undefined;
  /** Set when buildChain has given the model rules their occurrence and action (`pre = undefined`). */
  declare private released: boolean;

  /** `entries`: at least one; `facts`: one per entry. */
  constructor(entries: readonly EntryRule[], facts: readonly IfaceFacts[] | undefined, rest: RareParts | undefined) {
    super();
    if (entries.length === 0) throw new Error('nftables: a read verdict-map rule without alternatives');
    this.entries = entries;
    this.facts = facts;
    this.rest = rest;
    this.released = false;
  }

  /** Whether the chain's runs have the alternatives' interface facts (interface inference skips the rule). */
  get factsElsewhere(): boolean {
    return this.facts === undefined;
  }

  /** The alternatives as PreparedAlt records, made when asked (interface inference, tests). */
  get alts(): readonly ReadAlt[] {
    return this.entries.map((e, i) => new ReadAlt(e, e.flat, this.facts?.[i] ?? NO_FACTS));
  }

  protected get head(): EntryRule {
    const [first] = this.entries;
    if (first === undefined) throw new Error('nftables: a read verdict-map rule without alternatives');
    return first;
  }

  get pre(): Prepared | undefined {
    return this.released ? undefined : this;
  }

  /** Only released (buildChain): the rule is converted once. */
  set pre(v: Prepared | undefined) {
    if (v !== undefined) throw new Error('nftables: a read rule with its model rule is its own prepared form');
    this.released = true;
  }
}
