import type { ChainLabels, EntryRule } from './entry-rule.js';
import type { SeenRun } from './read-facts.js';
import type { SourceLocation } from '../../src/model/location.js';
import type { Unsupported } from '../../src/model/policy.js';
import { Location } from '../toolkit/location.js';
import type { Flat } from './expand.js';
import type { Prepared, PreparedAlt } from './prepare.js';
import type { ChainInfo } from './rules.js';

/**
 * The intermediate form both readers produce: the ruleset as nft itself holds it (tables, chains,
 * rules, sets, stateful objects), with rule statements and expressions shaped like the libnftables
 * JSON schema (`{"match": {"left", "op", "right"}}`, `{"payload": {...}}`, `{"set": [...]}`...).
 * The text reader translates `nft` syntax into that shape; the JSON reader keeps `nft -j` output
 * as is. One semantic layer (rules.ts, chains.ts, nat.ts, sessions.ts) then builds the model.
 */

export type Pos = SourceLocation;

/** JSON values: literals, arrays (anonymous sets / flag lists) and one-key objects. */
export type Expr = string | number | boolean | null | Expr[] | { [key: string]: Expr };
export type ExprObject = Record<string, Expr>;
export type Stmt = ExprObject;

/**
 * Positions of statements and expressions (objects and arrays only), shared by both readers. Kept
 * in a symbol-keyed property: invisible to Object.keys/entries and JSON, and far cheaper than a
 * WeakMap for the millions of objects a large ruleset has.
 */
const POS = Symbol('pos');

interface Positioned {
  [POS]?: Pos;
}

export const positions = {
  get(e: object): Pos | undefined {
    return (e as Positioned)[POS];
  },
  set(e: object, pos: Pos): void {
    (e as Positioned)[POS] = pos;
  },
};

export function posOf(e: unknown, fallback: Pos): Pos {
  return (typeof e === 'object' && e !== null ? (e as Positioned)[POS] : undefined) ?? fallback;
}

/** Where statement `i` of `rule` is written (its span, its own position, or the rule's). */
/** The alternatives of a prepared rule (NRule.pre), in order. */
export function altsOf(pre: Prepared): readonly PreparedAlt[] {
  return pre.alts ?? [pre];
}

export function stmtPos(rule: NRule, i: number): Pos {
  const sp = rule.spans;
  const line = sp?.[4 * i];
  if (sp === undefined || line === undefined) return posOf(rule.stmts[i], rule.pos);
  return {
    // A read rule's file without making its position (ReadRule.pos).
    file: rule instanceof ReadRuleBase ? rule.file : rule.pos.file,
    line,
    column: sp[4 * i + 1] ?? 1,
    endLine: sp[4 * i + 2] ?? line,
    endColumn: sp[4 * i + 3],
  };
}

export function at<T extends object>(e: T, pos: Pos): T {
  positions.set(e, pos);
  return e;
}

export type Family = 'ip' | 'ip6' | 'inet' | 'arp' | 'bridge' | 'netdev';
export const FAMILIES: readonly Family[] = ['ip', 'ip6', 'inet', 'arp', 'bridge', 'netdev'];

export interface BaseSpec {
  type: string;
  hook: string;
  priority: number;
  /** As written (`filter`, `dstnat + 10`, `-150`), for messages. */
  priorityText: string;
  devices: string[];
  /** The `type … hook … priority …` statement: where a `policy` would be written. */
  pos: Pos;
  policy?: { value: string; pos: Pos };
}

export interface NRule {
  pos: Pos;
  stmts: Stmt[];
  /**
   * Text reader: where statement i is written, in `pos.file`: line, column, end line and end column
   * at 4i … 4i+3 (stmtPos). The JSON reader keeps positions on the statement objects instead.
   */
  spans?: number[] | undefined;
  /** The rule's alternatives (expand.ts), from the first pass that asks until the model is built. */
  flats?: Flat[] | undefined;
  /**
   * Text reader: the rule converted as it was read (prepare.ts), when nothing of it depends on the rest
   * of the file; its statements are then released (NO_STMTS) and the passes read this instead.
   */
  pre?: Prepared | undefined;
  /** The rule's own `comment "…"` (JSON: "comment"). */
  comment?: string;
  /** The `#` lines directly above the rule (text form only). */
  remark?: string;
  /** Set when the rule's syntax is valid but fwlint cannot interpret it; the rule is then not evaluated. */
  unreadable?: { pos: Pos; what: string; why: string };
}

/**
 * A rule the text reader reads straight from the source (text-parser.ts directRule), made by `new`
 * with every member it can get: a literal's allocation site would be switched to the old generation
 * mid-parse, throwing away the reader's compiled code (toolkit/location.ts says why). It lives until
 * the model is built, so it holds only what most rules have: its position as numbers (a one-line rule:
 * `line`, `column`, `endColumn` in `file`; made when read, and the model rule keeps the numbers too:
 * entry-rule.ts headRow). What few rules have (a position set from outside by `add rule`, statements,
 * alternatives, comments) is in one record made when first set (about 40 bytes less a rule for the
 * young generation's collector to copy). ReadRule adds the spans and converted form of a rule being
 * read; a one-alternative rule either reader converts becomes entry-rule.ts ReadEntry (its model rule made
 * as it is read), and an `nft -j` verdict-map rule read on one line entry-rule.ts ReadEntries.
 */
export abstract class ReadRuleBase {
  /** Set again only by ReadRule.reuse. */
  declare file: string;
  declare line: number;
  declare column: number;
  /** -1 until the reader has read the rule (the position then has no end column). */
  declare endColumn: number;
  declare private rest: RareParts | undefined;

  constructor(file: string, line: number, column: number, endColumn: number, rest: RareParts | undefined) {
    this.file = file;
    this.line = line;
    this.column = column;
    this.endColumn = endColumn;
    this.rest = rest;
  }

  /** The position set from outside (`add rule`), which wins over the numbers. */
  get given(): Pos | undefined {
    return this.rest?.given;
  }

  get pos(): Pos {
    const given = this.rest?.given;
    if (given !== undefined) return given;
    const line = this.line;
    return this.endColumn < 0
      ? { file: this.file, line, column: this.column, endLine: line }
      : new Location(this.file, line, this.column, line, this.endColumn);
  }

  set pos(p: Pos) {
    this.more().given = p;
  }

  /** A read rule has no statements (the direct reader makes none), unless one is set. */
  get stmts(): Stmt[] {
    return this.rest?.stmts ?? NONE_READ;
  }

  set stmts(v: Stmt[]) {
    if (this.rest !== undefined || v.length > 0) this.more().stmts = v;
  }

  get flats(): Flat[] | undefined {
    return this.rest?.flats;
  }

  set flats(v: Flat[] | undefined) {
    if (this.rest !== undefined || v !== undefined) this.more().flats = v;
  }

  get comment(): string | undefined {
    return this.rest?.comment;
  }

  set comment(v: string | undefined) {
    if (this.rest !== undefined || v !== undefined) this.more().comment = v;
  }

  get remark(): string | undefined {
    return this.rest?.remark;
  }

  set remark(v: string | undefined) {
    if (this.rest !== undefined || v !== undefined) this.more().remark = v;
  }

  /** What few rules have, for a record made from this read rule (entry-rule.ts ReadEntry). */
  protected rare(): RareParts | undefined {
    return this.rest;
  }

  /** Drops what few rules have (ReadRule.reuse). */
  protected forget(): void {
    this.rest = undefined;
  }

  private more(): RareParts {
    return (this.rest ??= new RareParts());
  }
}

/** A rule being read by the text reader (ReadRuleBase), with its spans and converted form. */
export class ReadRule extends ReadRuleBase implements NRule {
  declare spans: number[] | undefined;
  declare pre: Prepared | undefined;

  constructor(file: string, line: number, column: number) {
    super(file, line, column, -1, undefined);
    this.spans = undefined;
    this.pre = undefined;
  }

  /** What ReadRuleBase.rare gives, for the record the rule becomes once converted (entry-rule.ts ReadEntry). */
  rareParts(): RareParts | undefined {
    return this.rare();
  }

  /**
   * This read rule as `new ReadRule(file, line, column)` gives it, for the next rule read (text-parser.ts
   * directRule's spare, once nothing keeps this one: 80 bytes a rule not made).
   */
  reuse(file: string, line: number, column: number): this {
    this.file = file;
    this.line = line;
    this.column = column;
    this.endColumn = -1;
    this.forget();
    this.spans = undefined;
    this.pre = undefined;
    return this;
  }
}

/** A read rule's statements when none were set: shared, never added to (the direct reader makes none). */
const NONE_READ: Stmt[] = [];

/** What few read rules have (ReadRuleBase). */
export class RareParts {
  given: Pos | undefined = undefined;
  stmts: Stmt[] = NONE_READ;
  flats: Flat[] | undefined = undefined;
  comment: string | undefined = undefined;
  remark: string | undefined = undefined;
}

export interface NChain {
  family: Family;
  table: string;
  name: string;
  pos: Pos;
  base?: BaseSpec;
  /**
   * The rules in order: a rule the text reader kept as its model rule alone (entry-rule.ts EntryRule:
   * prepare.ts convertRead) or a read rule.
   */
  rules: ChainRule[];
  /** What the chain's rules kept as model rules alone show interface inference (read-facts.ts), by `at`. */
  runs?: SeenRun[] | undefined;
  /**
   * The labels (and model name: ChainLabels.ref) of the chain's model rules made while reading, from the
   * first such rule on: kept on the chain, not in a map of the reader's (9,000 chains in the chains
   * shape at 100k), and read by buildChain for the chain's model name and its jumps' targets' names.
   */
  labels?: ChainLabels | undefined;
  /** The chain whose model buildChain listed this one as a target last (rules.ts ChainInfo.targets). */
  jumpedFrom?: ChainInfo | undefined;
}

/** A rule of a chain (NChain.rules). */
export type ChainRule = NRule | EntryRule;

export interface NSet {
  name: string;
  kind: 'set' | 'map';
  pos: Pos;
  /** Key type as written (`ipv4_addr`, `ipv4_addr . inet_service`, `typeof ip saddr`). */
  keyType: string;
  /** Map data type (`verdict`, `ipv4_addr`, `ct helper`...). */
  dataType?: string;
  flags: string[];
  /** Set: element expressions; map: `[key, data]` pairs. */
  elements: Expr[];
  /** Filled at run time: `flags dynamic`/`timeout`, or a rule adds elements (`add @s {…}`). */
  dynamic: boolean;
}

export interface CtHelper {
  name: string;
  helperType: string;
  protocol?: string;
  l3proto?: string;
  pos: Pos;
}

export interface CtTimeout {
  name: string;
  protocol?: string;
  l3proto?: string;
  /** State → seconds, with where each value is written. */
  policy: Map<string, { seconds: number; pos: Pos }>;
  /** The `policy = { … }` statement, when present. */
  policyPos?: Pos;
  pos: Pos;
}

export interface NTable {
  family: Family;
  name: string;
  pos: Pos;
  flags: string[];
  chains: Map<string, NChain>;
  sets: Map<string, NSet>;
  helpers: Map<string, CtHelper>;
  timeouts: Map<string, CtTimeout>;
  flowtables: Map<string, Pos>;
}

/** What a reader hands to the semantic layer. */
export interface NDocument {
  file: string;
  format: 'text' | 'json';
  tables: NTable[];
  /** Constructs the reader met and does not model (unreadable includes, commands...). */
  unsupported: Unsupported[];
  notes: string[];
  version?: string;
  /** The whole first line: the fallback location. */
  root: Pos;
}

export function tableKey(family: string, name: string): string {
  return `${family} ${name}`;
}

export function newTable(family: Family, name: string, pos: Pos): NTable {
  return {
    family,
    name,
    pos,
    flags: [],
    chains: new Map(),
    sets: new Map(),
    helpers: new Map(),
    timeouts: new Map(),
    flowtables: new Map(),
  };
}

/** `{"accept": null}` → 'accept'; the single key of a one-key object. */
export function keyOf(e: Expr): string | undefined {
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  let first: string | undefined;
  for (const k in e) {
    if (first !== undefined) return undefined;
    first = k;
  }
  return first;
}

export function isObject(e: Expr | undefined): e is ExprObject {
  return typeof e === 'object' && e !== null && !Array.isArray(e);
}

/** A value as text in messages and keys: scalars as String() writes them, anything else as JSON. */
export function str(e: Expr | undefined): string {
  return typeof e === 'object' && e !== null ? JSON.stringify(e) : String(e);
}

/** The value, which the caller knows is there; a clear error (never a silent undefined) if it is not. */
export function must<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`nftables parser: ${what} is missing`);
  return v;
}
