import type { SourceLocation } from '../../src/model/location.js';
import type { Action, Match, Rule } from '../../src/model/policy.js';
import { hashId } from '../toolkit/ids.js';
import { canonicalText } from './rule-text.js';

const EXCERPT = 60;

/** What the model rules of one chain share: the chain's model name and the endings of their labels. */
export class ChainLabels {
  readonly ref: string;
  private readonly tails = new Map<string, string>();

  constructor(ref: string) {
    this.ref = ref;
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
 * A model rule whose id, label and vendor comment are made when read (a finding, explain), from what
 * the rule keeps anyway: its text, its content hash and occurrence, its chain's labels. A 100k-rule
 * ruleset then holds no 100k id strings and labels (about 130 bytes a rule) and builds none while
 * parsing; a lint reads a few. Values are those buildChain gave before: `hashId('nft', hash, n)` and
 * ChainLabels.label of the `comment "…"` or else the text. The private fields begin with `_`; the
 * Rule fields (id, loc, label, text, comment) are read through getters, so a copy must read them by
 * name (src/model/rule-copy.ts ruleWith), not spread the object.
 */
export class EntryRule implements Rule {
  match: Match;
  action: Action;
  declare udpTimeout?: Rule['udpTimeout'];
  declare helperTimeout?: Rule['helperTimeout'];
  private readonly _loc: SourceLocation;
  /** The canonical text, or the source slice it is without its `"` (`_unquoted`: rule-text.ts). */
  private readonly _text: string;
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
  private readonly _chain: ChainLabels;
  /** Absent for most rules (no comment). */
  private readonly _notes: RuleNotes | undefined;

  constructor(
    chain: ChainLabels,
    loc: SourceLocation,
    text: string,
    unquoted: boolean,
    hash: number,
    nth: number,
    notes: RuleNotes | undefined,
    match: Match,
    action: Action,
  ) {
    this.match = match;
    this.action = action;
    this._loc = loc;
    this._text = text;
    this._unquoted = unquoted;
    this._hashHi = Math.floor(hash / 0x100000000);
    this._hashLo = hash | 0;
    this._nth = nth;
    this._chain = chain;
    this._notes = notes;
  }

  get id(): string {
    return hashId('nft', this._hashHi * 0x100000000 + (this._hashLo >>> 0), this._nth);
  }

  get loc(): SourceLocation {
    return this._loc;
  }

  get label(): string {
    return this._chain.label(this._notes?.said ?? this.text);
  }

  get text(): string {
    return canonicalText(this._text, this._unquoted);
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
