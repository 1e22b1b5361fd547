import type { AddrSet } from '../../src/model/address.js';
import type { Action, Match } from '../../src/model/policy.js';
import { Hasher, hashHigh, hashLow, joinHash } from '../toolkit/hash.js';
import type { ParseOptions } from '../types.js';
import { isPattern } from './context.js';
import { Expander, withoutConds, type Effect, type Flat } from './expand.js';
import { factsOf, type IfaceFacts } from './interfaces.js';
import { RareParts, type ChainRule, type NRule, type NTable, type ReadRule } from './ir.js';
import { CondInterpreter, type InterpEnv } from './match.js';
import { printRule } from './print.js';
import { matchOf, ruleHash } from './rules.js';
import type { DirectAlt } from './direct-match.js';
import { EntryRule, headRow, lineRow, notesOf, ReadEntries, readEntry, type ChainLabels } from './entry-rule.js';

/** The action of a model rule made while reading, until buildChain gives it (rules.ts actionOf). */
const UNDECIDED: Action = { kind: 'continue' };

/**
 * Rules converted while the text is read. A large ruleset read whole into the intermediate form and
 * converted afterwards keeps every statement alive until the end: V8's young generation copies all
 * of it, then the old generation holds it next to the model. Most rules depend on nothing but
 * themselves, so the reader converts each one as soon as it is parsed (text, hash, alternatives,
 * matches, what interface inference reads) and drops its statements while they are young garbage.
 *
 * What the rest of the file decides is left to the passes in index.ts, which read the converted parts
 * and do the rest in file order as before: the rule's id (occurrences of its hash), its action (a jump
 * needs the target chain), FWL900 reports, timeouts, helpers and notes. A rule is left as read (and
 * converted by those passes, exactly as before) when any part of it does depend on the file: a named
 * set or map (`@s`: elements and `flags dynamic` can come later in the file), an interface pattern
 * (`eth*` matches the names the whole file uses), `fib` (the local addresses), or anything that would
 * write a note.
 */

export interface PreparedAlt {
  /** The alternative without its conditions (NO_CONDS), as the model's entries keep it. */
  readonly flat: Flat;
  readonly match: Match;
  /** Conditions the model cannot express: the alternative's own and the interpreter's. */
  readonly opaque: readonly Effect[];
  readonly facts: IfaceFacts;
}

interface PreparedHead {
  /** The chain the rule was read in (`inet fw forward`): the hash includes it. */
  readonly ref: string;
  /**
   * printRule's canonical text, or the source slice it is without its `"` (`unquoted`: rule-text.ts);
   * with `to` not negative, that slice is `text` (the whole source) from `from` to `to`, not made.
   */
  readonly text: string;
  readonly from: number;
  readonly to: number;
  readonly unquoted: boolean;
  /** contentId's hash of ref and the canonical text (rules.ts ruleHash). */
  readonly hash: number;
}

/** A rule with one alternative (most rules): the record holds it, without a list and a record per alternative. */
export interface PreparedOne extends PreparedHead, PreparedAlt {
  readonly alts?: undefined;
}

/** A rule with several alternatives, or none (it can never match). */
export interface PreparedMany extends PreparedHead {
  readonly alts: readonly PreparedAlt[];
}

export type Prepared = PreparedOne | PreparedMany;

/** PreparedHead's `from` and `to` of a text kept itself (not a slice of the source). */
const WHOLE_FROM = 0;
const WHOLE_TO = -1;
/** PreparedHead's `unquoted` of a text kept with its quotes (`nft -j`: always). */
const WITH_QUOTES = false;

/*
 * The records are made by `new`, not as literals: they live until the model is built, and V8 would
 * switch a literal's allocation site to the old generation mid-parse, throwing away the compiled
 * convert() and the reader around it (toolkit/location.ts).
 */

/**
 * A rule of one alternative (most rules) whose text is kept itself (`nft -j`, the general path; the
 * text reader's own rules are entry-rule.ts ReadEntry). It holds its alternative's interface facts
 * itself and is its own `facts` (IfaceFacts' six members, not a record of its own: one object less per
 * rule kept until the model is built).
 */
class One implements PreparedOne, IfaceFacts {
  declare readonly ref: string;
  declare readonly text: string;
  declare readonly unquoted: boolean;
  /** The hash as two small integers (toolkit/hash.ts hashHigh): no heap number per rule. */
  declare private readonly hashHi: number;
  declare private readonly hashLo: number;
  declare readonly flat: Flat;
  declare readonly match: Match;
  declare readonly opaque: readonly Effect[];
  declare readonly seen: readonly string[];
  declare readonly iif: readonly string[];
  declare readonly oif: readonly string[];
  declare readonly dnatHost: AddrSet | undefined;
  declare readonly srcNets: AddrSet | undefined;
  declare readonly dstNets: AddrSet | undefined;

  constructor(ref: string, text: string, unquoted: boolean, hash: number, alt: Alt) {
    this.ref = ref;
    this.text = text;
    this.unquoted = unquoted;
    this.hashHi = hashHigh(hash);
    this.hashLo = hashLow(hash);
    // Set here, not by a shared helper: V8 sizes a class's objects by the members its constructors set,
    // and members set elsewhere go to a separate property array (one more object per rule).
    this.flat = alt.flat;
    this.match = alt.match;
    this.opaque = alt.opaque;
    const f = alt.facts;
    this.seen = f.seen;
    this.iif = f.iif;
    this.oif = f.oif;
    this.dnatHost = f.dnatHost;
    this.srcNets = f.srcNets;
    this.dstNets = f.dstNets;
  }

  get hash(): number {
    return joinHash(this.hashHi, this.hashLo);
  }

  get facts(): IfaceFacts {
    return this;
  }

  /** The text is kept itself (PreparedHead): no slice ends, and no member per rule saying so. */
  get from(): number {
    return WHOLE_FROM;
  }

  get to(): number {
    return WHOLE_TO;
  }
}

class Many implements PreparedMany {
  declare readonly ref: string;
  declare readonly text: string;
  declare readonly from: number;
  declare readonly to: number;
  declare readonly unquoted: boolean;
  /** The hash as two small integers (toolkit/hash.ts hashHigh): no heap number per rule. */
  declare private readonly hashHi: number;
  declare private readonly hashLo: number;
  declare readonly alts: readonly PreparedAlt[];

  constructor(
    ref: string,
    text: string,
    from: number,
    to: number,
    unquoted: boolean,
    hash: number,
    alts: readonly PreparedAlt[],
  ) {
    this.ref = ref;
    this.text = text;
    this.from = from;
    this.to = to;
    this.unquoted = unquoted;
    this.hashHi = hashHigh(hash);
    this.hashLo = hashLow(hash);
    this.alts = alts;
  }

  get hash(): number {
    return joinHash(this.hashHi, this.hashLo);
  }
}

/**
 * The canonical texts of the one-line rules an `nft -j` listing reads (convertJson, convertJsonAlts),
 * one after another in strings of about a megabyte (TextChunk): a model rule made while reading keeps
 * its text as its place across them (place; entry-rule.ts ChainLabels.texts), instead of a string of
 * its own (about 130 bytes a rule that the young generation's collector copied twice and
 * the model kept). The texts are written as Latin-1 bytes into a buffer of at most a megabyte, which
 * the chunk keeps when it is full (a new one is made for the next) and makes a string of when a text
 * in it is first read: one buffer for all of them, grown by doubling, would leave each smaller buffer
 * in memory until a full collection, which a parse does not have. A text with another character, or
 * longer than the buffer, is not taken (add gives -1).
 */
export class RuleTexts {
  /** Grown by doubling up to TEXT_CHUNK (a small listing does not get a megabyte); a sealed chunk keeps it. */
  private bytes = new Uint8Array(0);
  private n = 0;
  /** The chunk the texts being written go to (add: the chunk of the text it took). */
  chunk = new TextChunk(this);
  /** Every chunk, in order: a text's place across them is `TEXT_CHUNK * index + start` (place). */
  private readonly chunks: TextChunk[] = [this.chunk];

  /** Appends `s` to the current chunk (a new one when it is full) and gives where it starts there, or -1. */
  add(s: string): number {
    const len = s.length;
    if (len > TEXT_CHUNK) return -1;
    if (this.n + len > TEXT_CHUNK) this.seal();
    if (this.n + len > this.bytes.length) {
      const grown = new Uint8Array(Math.min(TEXT_CHUNK, Math.max(1 << 12, 2 * (this.n + len))));
      grown.set(this.bytes.subarray(0, this.n));
      this.bytes = grown;
    }
    const from = this.n;
    const bytes = this.bytes;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c > 255) return -1;
      bytes[from + i] = c;
    }
    this.n = from + len;
    return from;
  }

  /**
   * Makes the current chunk's string (the reader is done, the chunk is full, or its text is read) and
   * starts a new chunk: a text added afterwards never goes to a chunk already made.
   */
  seal(): void {
    // The chunk keeps its bytes, made a string when a text in it is first read (most are never read:
    // a lint reads the texts of the rules it reports), and a full buffer is not reused but replaced.
    const full = this.bytes.length === TEXT_CHUNK;
    this.chunk.sealed(this.bytes, this.n);
    if (full) this.bytes = new Uint8Array(TEXT_CHUNK);
    else this.bytes = new Uint8Array(0);
    this.n = 0;
    this.chunk = new TextChunk(this);
    this.chunks.push(this.chunk);
  }

  /**
   * Where a text add just took at `from` of the current chunk is across all chunks: one number the model
   * rule keeps (entry-rule.ts headRow, with ChainLabels.texts), not the chunk and its start.
   */
  place(from: number): number {
    return (this.chunks.length - 1) * TEXT_CHUNK + from;
  }

  /** The text from `at` to `end` (place's numbers). */
  slice(at: number, end: number): string {
    const { text, from, to } = this.parts(at, end);
    return text.slice(from, to);
  }

  /**
   * The text from `at` to `end` (place's numbers) as PreparedHead gives it: a string with the text, and
   * its ends there (the text alone, or the chunk's string once it is made).
   */
  parts(at: number, end: number): { text: string; from: number; to: number; unquoted: boolean } {
    const k = Math.floor(at / TEXT_CHUNK);
    const base = k * TEXT_CHUNK;
    const chunk = this.chunks[k];
    if (chunk === undefined) return { text: '', from: 0, to: 0, unquoted: WITH_QUOTES };
    return chunk.part(at - base, end - base);
  }
}

/** How many characters of texts a RuleTexts chunk holds. */
const TEXT_CHUNK = 1 << 20;

/** How many texts a chunk gives alone before it makes its string (TextChunk.part). */
const ALONE_READS = 64;

/**
 * Where `text` is kept in the listing's RuleTexts (place's numbers) when the chain `labels` keeps its
 * rules' texts there and RuleTexts takes it, else -1: the model rule keeps the text itself.
 */
function placed(labels: ChainLabels, texts: RuleTexts, text: string): number {
  const from = labels.texts === texts ? texts.add(text) : -1;
  return from >= 0 ? texts.place(from) : -1;
}

/**
 * One string of texts of RuleTexts: its bytes when it is full or the reader is done, made a string when
 * first read (the Latin-1 conversion of every chunk was 1–2% of a 100k `nft -j` parse, for texts a lint
 * mostly never reads).
 */
export class TextChunk {
  private owner: RuleTexts | undefined;
  private bytes: Uint8Array | undefined = undefined;
  private n = 0;
  private whole = '';

  constructor(owner: RuleTexts) {
    this.owner = owner;
  }

  /** Texts read from the chunk while it is still bytes (part). */
  private reads = 0;

  /** The texts (the chunk is sealed first if the reader has not). */
  get text(): string {
    this.owner?.seal();
    const bytes = this.bytes;
    if (bytes !== undefined) {
      this.whole = Buffer.from(bytes.buffer, bytes.byteOffset, this.n).toString('latin1');
      this.bytes = undefined;
    }
    return this.whole;
  }

  /**
   * The text from `from` to `to` of the chunk, as parts gives it. A lint reads a few texts (those of the
   * rules its findings and verdicts name: 13 in a 100k `nft -j` lint), from chunks all over the listing:
   * the string of each whole chunk they are in was about 20 ms of that lint's evaluation (a Latin-1
   * string of a megabyte takes about 4 ms). So the first texts read are made alone from the bytes, and
   * the chunk's string only once many are read from it.
   */
  part(from: number, to: number): { text: string; from: number; to: number; unquoted: boolean } {
    this.owner?.seal();
    const bytes = this.bytes;
    if (bytes !== undefined && this.reads < ALONE_READS && from >= 0 && from <= to && to <= this.n) {
      this.reads++;
      const text = Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1');
      return { text, from: 0, to: text.length, unquoted: WITH_QUOTES };
    }
    return { text: this.text, from, to, unquoted: WITH_QUOTES };
  }

  /** The chunk's bytes, its first `n` (its own from now on: RuleTexts writes no more to them). */
  sealed(bytes: Uint8Array, n: number): void {
    this.bytes = bytes;
    this.n = n;
    this.owner = undefined;
  }
}

/** The rare parts of a read rule whose only rare part is its comment (`nft -j`), if it has one. */
function commentOnly(comment: string | undefined): RareParts | undefined {
  if (comment === undefined) return undefined;
  const rest = new RareParts();
  rest.comment = comment;
  return rest;
}

class Alt implements PreparedAlt {
  declare readonly flat: Flat;
  declare readonly match: Match;
  declare readonly opaque: readonly Effect[];
  declare readonly facts: IfaceFacts;

  constructor(flat: Flat, match: Match, opaque: readonly Effect[], facts: IfaceFacts) {
    this.flat = flat;
    this.match = match;
    this.opaque = opaque;
    this.facts = facts;
  }
}

/** Thrown by the preparer's environment where the rest of the file decides: the rule is left as read. */
class Deferred extends Error {}
const DEFER = new Deferred('depends on the rest of the file');

/** The statements of a prepared rule: one shared empty list. */
export const NO_STMTS: NRule['stmts'] = [];

export class Preparer implements InterpEnv {
  readonly options: ParseOptions;
  /** Text rulesets record no nft version (only `nft -j` output does). */
  readonly doc: { readonly version?: string } = {};
  private readonly expander = new Expander();
  private readonly interp = new CondInterpreter(this);
  private readonly hasher = new Hasher();

  /** Whether the text reader may read the common rule forms straight from the source (text-direct.ts). */
  readonly direct: boolean;

  constructor(options: ParseOptions, direct = true) {
    this.options = options;
    this.direct = direct;
  }

  namesMatching(pattern: string): string[] {
    if (isPattern(pattern)) throw DEFER;
    // A name without a backslash has no `\*` to unescape: no regular expression per rule.
    return [pattern.includes('\\') ? pattern.replace(/\\\*/g, '*') : pattern];
  }

  note(): void {
    throw DEFER;
  }

  localAddresses(): AddrSet {
    throw DEFER;
  }

  /**
   * Converts `rule` of chain `ref` in `table` when nothing of it depends on the rest of the file, and
   * releases its statements; otherwise leaves it untouched. `refs`: the rule names a set or map (`@s`).
   */
  prepare(rule: NRule, table: NTable, ref: string, refs: boolean): void {
    if (refs || rule.unreadable) return;
    let text: string;
    let flats: Flat[];
    try {
      text = printRule(rule.stmts, rule.comment);
      flats = this.expander.expand(rule, table);
    } catch {
      return;
    }
    this.convert(rule, table, ref, text, flats);
  }

  /**
   * Converts a rule whose canonical text and alternatives are known (prepare above, or the direct
   * reader of text-direct.ts, which gives a rule with spans but without statements). False, and the
   * rule untouched, when any part of it depends on the rest of the file. `unquoted`: `text` is the
   * source slice the canonical text is without its `"` (rule-text.ts).
   */
  convert(rule: NRule, table: NTable, ref: string, text: string, flats: readonly Flat[], unquoted = false): boolean {
    const [only] = flats;
    try {
      if (flats.length === 1 && only !== undefined) {
        // One alternative (most rules): its record is the rule's, without a list and a record of its own.
        rule.pre = new One(ref, text, unquoted, ruleHash(this.hasher, ref, text, unquoted), this.alt(only, table));
      } else {
        // map(), not a list literal filled by push: a literal's allocation site would be switched to the
        // old generation (the lists live until the model is built) and take convert's compiled code with it.
        const alts = flats.map((flat) => this.alt(flat, table));
        rule.pre = new Many(
          ref,
          text,
          WHOLE_FROM,
          WHOLE_TO,
          unquoted,
          ruleHash(this.hasher, ref, text, unquoted),
          alts,
        );
      }
    } catch {
      // Deferred, or anything else: the passes convert the rule as before (and report what fails there).
      return false;
    }
    rule.stmts = NO_STMTS;
    rule.spans = undefined;
    return true;
  }

  /**
   * Keeps a rule the direct reader read with its match and interface facts (text-direct.ts
   * DirectRule.direct, json-direct.ts): what convert gives for it, without the conditions.
   */
  convertDirect(
    rule: NRule,
    ref: string,
    text: string,
    unquoted: boolean,
    flat: Flat,
    match: Match,
    facts: IfaceFacts,
  ): void {
    const alt = new Alt(withoutConds(flat), match, flat.opaque, facts);
    rule.pre = new One(ref, text, unquoted, ruleHash(this.hasher, ref, text, unquoted), alt);
    rule.stmts = NO_STMTS;
    rule.spans = undefined;
  }

  /**
   * convertDirect of a rule the text reader read, in the chain `labels` names: the rule in the chain is
   * then its model rule alone (EntryRule, with the alternative without its conditions), made now, its
   * occurrence and action left to buildChain; the reader gives its interface facts to the chain's runs
   * (read-facts.ts). Not `rule` with a record beside it and a model rule made later from both. A rule
   * whose position was set from outside (`add rule`) or that translates is one record with its facts
   * (ReadEntry), as interface inference reads its position and NAT from the record.
   */
  convertRead(
    rule: ReadRule,
    labels: ChainLabels,
    text: string,
    unquoted: boolean,
    flat: Flat,
    match: Match,
    facts: IfaceFacts,
    from: number,
    to: number,
  ): ChainRule {
    const hash = ruleHash(this.hasher, labels.ref, text, unquoted, from, to);
    const row = headRow(labels, rule, text, from, to, unquoted, hash, 0, notesOf(rule.comment, rule.remark));
    // The action is buildChain's (a jump needs the table's chains): a placeholder until then.
    const entry = new EntryRule(labels, row, match, UNDECIDED, withoutConds(flat));
    if (rule.given === undefined && flat.nat === undefined && facts.dnatHost === undefined) {
      // A row of its own: a jump's target and place kept there until buildChain (EntryRule.keepJump).
      entry.keepJump();
      return entry;
    }
    return readEntry(entry, entry.flat, facts, rule.rareParts());
  }

  /**
   * convertDirect of a one-line rule the `nft -j` reader read (json-direct.ts), at `line`, `column` to
   * `endColumn` of the listing (`labels.file`), in the chain `labels` names (its texts: the listing's
   * RuleTexts): as convertRead, the rule in the chain is its model rule alone (or, when it translates,
   * one record with it: entry-rule.ts ReadEntry), made now, its text kept as its place in the RuleTexts;
   * not a read rule with its converted form (about 170 bytes a rule, promoted and then dropped when
   * buildChain made the model rule from it). A text RuleTexts does not take is kept itself. The model
   * rule is made from the numbers (entry-rule.ts lineRow), without a location object.
   */
  convertJson(
    line: number,
    column: number,
    endColumn: number,
    comment: string | undefined,
    labels: ChainLabels,
    text: string,
    flat: Flat,
    match: Match,
    facts: IfaceFacts,
    texts: RuleTexts,
  ): ChainRule {
    const hash = ruleHash(this.hasher, labels.ref, text, false);
    const at = placed(labels, texts, text);
    // The action is buildChain's (a jump needs the table's chains): a placeholder until then.
    const notes = notesOf(comment, undefined);
    const row = lineRow(labels, line, column, endColumn, text, at, hash, notes);
    const entry = new EntryRule(labels, row, match, UNDECIDED, withoutConds(flat));
    // As convertRead: the model rule alone (its facts to the chain's runs, json-reader.ts), unless it translates.
    if (flat.nat === undefined && facts.dnatHost === undefined) return entry;
    return readEntry(entry, entry.flat, facts, commentOnly(comment));
  }

  /**
   * convertDirectAlts of a one-line rule the `nft -j` reader read (json-direct.ts; `read`: at least one),
   * as convertJson: a model rule per alternative made now, all with the rule's text kept as its place in
   * the RuleTexts (or itself) and sharing its row, which the chain keeps themselves (as readAlts); one
   * record with them and their facts (entry-rule.ts ReadEntries) when an alternative translates.
   */
  convertJsonAlts(
    line: number,
    column: number,
    endColumn: number,
    comment: string | undefined,
    labels: ChainLabels,
    text: string,
    read: readonly DirectAlt[],
    texts: RuleTexts,
  ): ReadEntries | readonly EntryRule[] {
    const hash = ruleHash(this.hasher, labels.ref, text, false);
    const at = placed(labels, texts, text);
    // One notes record for the rule's model rules, as buildChain gave them one.
    const notes = notesOf(comment, undefined);
    // One row for the rule's model rules (buildChain tells them one nft rule by it, as readAlts's).
    const row = lineRow(labels, line, column, endColumn, text, at, hash, notes);
    const entries = read.map((a) => new EntryRule(labels, row, a.match, UNDECIDED, withoutConds(a.flat)));
    // As readAlts: the model rules alone (their facts to the chain's runs), unless one translates.
    if (read.every((a) => a.flat.nat === undefined && a.facts.dnatHost === undefined)) return entries;
    return new ReadEntries(
      entries,
      read.map((a) => a.facts),
      commentOnly(comment),
    );
  }

  /**
   * convertDirectAlts of a verdict-map rule the text reader read (`read`: at least one alternative, none
   * translating), in the chain `labels` names: as convertRead, a model rule per alternative made now, all
   * sharing the rule's row (as buildChain gives them one, and by which it tells them one nft rule), and
   * the reader gives the alternatives' interface facts to the chain's runs (read-facts.ts). The chain
   * keeps the model rules themselves, one after another; one record with them (entry-rule.ts ReadEntries)
   * for a rule whose position was set from outside (`add rule`), which interface inference reads from it.
   * Not the read rule with its converted form (Many, an Alt per alternative) of which buildChain made the
   * model rules.
   */
  readAlts(
    rule: ReadRule,
    labels: ChainLabels,
    text: string,
    unquoted: boolean,
    read: readonly DirectAlt[],
    from: number,
    to: number,
  ): ReadEntries | readonly EntryRule[] {
    const hash = ruleHash(this.hasher, labels.ref, text, unquoted, from, to);
    const row = headRow(labels, rule, text, from, to, unquoted, hash, 0, notesOf(rule.comment, rule.remark));
    // The actions are buildChain's (a jump needs the table's chains): a placeholder until then.
    const entries = read.map((a) => new EntryRule(labels, row, a.match, UNDECIDED, withoutConds(a.flat)));
    return rule.given === undefined ? entries : new ReadEntries(entries, undefined, rule.rareParts());
  }

  /**
   * Keeps a rule whose alternatives the direct reader read with their matches and interface facts (a
   * verdict map: text-direct.ts DirectRule.alts): what convert gives for it, without the conditions.
   */
  convertDirectAlts(
    rule: NRule,
    ref: string,
    text: string,
    unquoted: boolean,
    read: readonly DirectAlt[],
    from = 0,
    to = -1,
  ): void {
    const alts = read.map((a) => new Alt(withoutConds(a.flat), a.match, a.flat.opaque, a.facts));
    const hash = ruleHash(this.hasher, ref, text, unquoted, from, to);
    rule.pre = new Many(ref, text, from, to, unquoted, hash, alts);
    rule.stmts = NO_STMTS;
    rule.spans = undefined;
  }

  /** One alternative converted: its interface facts, its match, and the alternative without its conditions. */
  private alt(flat: Flat, table: NTable): Alt {
    const facts = factsOf(flat, table);
    const { match, opaque } = matchOf(this.interp, flat, table);
    return new Alt(withoutConds(flat), match, opaque, facts);
  }
}
