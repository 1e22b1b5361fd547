import { ParseError } from '../../src/model/errors.js';
import {
  FAMILIES,
  isObject,
  type CtHelper,
  keyOf,
  newTable,
  posOf,
  str as scalar,
  tableKey,
  type CtTimeout,
  type Expr,
  type ExprObject,
  type Family,
  type NChain,
  type NDocument,
  type ChainRule,
  type NRule,
  type NSet,
  type NTable,
  type Pos,
  type Stmt,
} from './ir.js';
import { DirectRules, type DirectRule } from './json-direct.js';
import { fastRules, memberPos, scanJson } from './json-scanner.js';
import { ElementStream } from './json-stream.js';
import { Preparer, RuleTexts } from './prepare.js';
import { ChainLabels, EntryRule, ReadEntries } from './entry-rule.js';
import type { DirectAlt } from './direct-match.js';
import type { IfaceFacts } from './interfaces.js';
import { ReadRuns } from './read-facts.js';
import { RuleRows } from './rule-rows.js';
import { priorityValue } from './priorities.js';
import { chainRef } from './rules.js';
import { Location } from '../toolkit/location.js';
import type { ParseOptions } from '../types.js';

/**
 * `nft -j list ruleset` (libnftables JSON schema, docs/semantics.md#nft-json): `{"nftables": [ {metainfo},
 * {table}, {chain}, {rule}, {set}, {map}, {"ct helper"}, {"ct timeout"} … ]}`, and the command form
 * (`{"add": {"rule": …}}`) that `nft -j -f` reads. Rule statements are kept as they are: they are
 * already the intermediate form. Every rule keeps the position of its object.
 *
 * The elements of the `nftables` list are parsed and read one at a time (json-stream.ts). With
 * `options`, each rule is also converted as soon as it is read (prepare.ts, as the text reader does),
 * so its statements become garbage while they are young. Whatever the stream gives up on (a document
 * shaped otherwise, invalid JSON, an element the reader refuses) is read again the whole-document way,
 * which gives the same document or the same error as before.
 */
export function readJson(text: string, file: string, options?: ParseOptions): NDocument {
  const rootPos = rootPosOf(text, file);
  try {
    return streamed(text, file, rootPos, options);
  } catch {
    // Bail, a changed nft version (JsonPreparer), or the reader's own error: the whole-document read
    // below reports exactly what it always did (a JSON error before any later element's error).
  }
  return readWhole(text, file, rootPos);
}

/** The whole-document read (json-scanner.ts): the tree first, then its elements. */
function readWhole(text: string, file: string, rootPos: Pos): NDocument {
  const root = scanJson(text, file);
  if (!isObject(root) || !Array.isArray(root.nftables)) {
    const p = posOf(root, rootPos);
    throw new ParseError(file, p.line, p.column, 'not an `nft -j` document: expected {"nftables": [ … ]}');
  }
  const r = new JsonReader(file, rootPos);
  for (const item of root.nftables) r.item(item, false);
  return r.done();
}

/** The document read the whole-document way only, without the stream (tests compare both). */
export function readJsonWhole(text: string, file: string): NDocument {
  return readWhole(text, file, rootPosOf(text, file));
}

function rootPosOf(text: string, file: string): Pos {
  const firstLine = text.includes('\n') ? text.slice(0, text.indexOf('\n')) : text;
  return { file, line: 1, column: 1, endLine: 1, endColumn: Math.max(2, Math.min(firstLine.length, 200) + 1) };
}

function streamed(text: string, file: string, rootPos: Pos, options: ParseOptions | undefined): NDocument {
  const stream = new ElementStream(text, fastRules(file));
  const r = new JsonReader(file, rootPos);
  if (options) r.prep = new JsonPreparer(options, r.doc);
  // Rules of the common form are read and converted straight from the text (json-direct.ts).
  const direct = options ? new DirectRules(text, file, stream.lines) : undefined;
  for (let at = stream.advance(); at >= 0; at = stream.advance()) {
    const d = direct?.read(at);
    if (d && r.directRule(d)) {
      stream.skip(d.end);
      continue;
    }
    const item = stream.parse();
    r.refs = stream.refs;
    // Any other element may change the tables (`flush ruleset`): the next direct rule looks its chain up.
    r.lastDirect = undefined;
    r.item(item, false);
  }
  return r.done();
}

/** Thrown when a later `metainfo` changes the nft version a converted rule already read. */
class VersionChanged extends Error {}

/**
 * The preparer of a JSON document: the nft version a rule's conversion reads (match.ts, `ct state !=`)
 * is the document's `metainfo` version, which nft prints first. A rule converted before the version is
 * known or changed is caught by VersionChanged (and the document read the whole-document way).
 */
class JsonPreparer extends Preparer {
  override readonly doc: VersionView;

  constructor(options: ParseOptions, source: NDocument) {
    super(options, false);
    this.doc = new VersionView(source);
  }

  /** A metainfo item sets the version to `v`. */
  setVersion(v: string): void {
    if (this.doc.used && v !== this.doc.source.version) throw new VersionChanged();
  }
}

/** The document's version as the preparer reads it, remembering that it did. */
class VersionView {
  readonly source: NDocument;
  used = false;

  constructor(source: NDocument) {
    this.source = source;
  }

  get version(): string | undefined {
    this.used = true;
    return this.source.version;
  }
}

class JsonReader {
  private readonly tables = new Map<string, NTable>();
  readonly doc: NDocument;
  /** Converts rules as they are read (streamed documents only). */
  prep: JsonPreparer | undefined;
  /** The element being read names a set or map (`@name`): its rules are left to the passes. */
  refs = true;
  /** The chain the last rule was read in, its table and model name (rules come chain by chain). */
  private place: { chain: NChain; table: NTable; ref: string; labels: ChainLabels } | undefined;
  /** Where the model rules made while reading keep their numbers (one store for all chains). */
  private readonly rows = new RuleRows();
  /**
   * The names the last direct rule was read under (directRule) and where it went: rules come chain by
   * chain, so the next one most often has the same (the direct reader gives the same strings again).
   * Cleared by the reader loop when any other element is read.
   */
  lastDirect: { family: string; table: string; chain: string } | undefined;
  /** The canonical texts of the one-line rules read straight from the text (prepare.ts RuleTexts). */
  readonly texts: RuleTexts;

  constructor(file: string, root: Pos) {
    this.texts = new RuleTexts();
    this.doc = { file, format: 'json', tables: [], unsupported: [], notes: [], root };
  }

  done(): NDocument {
    this.texts.seal();
    this.doc.tables = [...this.tables.values()];
    return this.doc;
  }

  private fail(at: object, msg: string): never {
    const p = posOf(at, this.doc.root);
    throw new ParseError(this.doc.file, p.line, p.column, msg);
  }

  private str(o: ExprObject, key: string, at: object): string {
    const v = o[key];
    if (typeof v !== 'string' || v === '') this.fail(at, `"${key}" must be a non-empty string`);
    return v;
  }

  private table(o: ExprObject, pos: Pos, tableKeyName = 'table'): NTable {
    const family = this.str(o, 'family', o);
    if (!(FAMILIES as readonly string[]).includes(family)) this.fail(o, `unknown family "${family}"`);
    const name = this.str(o, tableKeyName, o);
    const key = tableKey(family, name);
    let t = this.tables.get(key);
    if (!t) {
      t = newTable(family as Family, name, pos);
      this.tables.set(key, t);
    }
    return t;
  }

  private chainOf(t: NTable, name: string, pos: Pos): NChain {
    let c = t.chains.get(name);
    if (!c) {
      c = { family: t.family, table: t.name, name, pos, rules: [], labels: undefined, jumpedFrom: undefined };
      t.chains.set(name, c);
    }
    return c;
  }

  item(item: Expr, insert: boolean): void {
    const key = keyOf(item);
    if (!key || !isObject(item)) {
      if (isObject(item) || Array.isArray(item))
        this.fail(item, 'each element of "nftables" must be an object with one key');
      throw new ParseError(
        this.doc.file,
        this.doc.root.line,
        1,
        'each element of "nftables" must be an object with one key',
      );
    }
    const body = item[key];
    const pos = posOf(isObject(body) ? body : item, this.doc.root);
    switch (key) {
      case 'metainfo':
        if (isObject(body) && typeof body.version === 'string' && body.version !== 'VERSION') {
          this.prep?.setVersion(body.version);
          this.doc.version = body.version;
        }
        return;
      case 'table':
        if (isObject(body)) {
          const t = this.table(body, pos, 'name');
          const flags = body.flags;
          if (typeof flags === 'string') t.flags.push(flags);
          else if (Array.isArray(flags)) for (const f of flags) if (typeof f === 'string') t.flags.push(f);
        }
        return;
      case 'chain':
        if (isObject(body)) this.chain(body, pos);
        return;
      case 'rule':
        if (isObject(body)) this.rule(body, pos, insert);
        return;
      case 'set':
      case 'map':
        if (isObject(body)) this.set(body, key, pos);
        return;
      case 'element':
        if (isObject(body)) {
          const t = this.table(body, pos);
          const name = this.str(body, 'name', body);
          const set = t.sets.get(name) ?? this.set({ ...body, elem: [] }, 'set', pos);
          if (Array.isArray(body.elem)) set.elements.push(...body.elem);
        }
        return;
      case 'ct helper':
        if (isObject(body)) {
          const t = this.table(body, pos);
          const name = this.str(body, 'name', body);
          const h: CtHelper = { name, helperType: typeof body.type === 'string' ? body.type : '', pos };
          if (typeof body.protocol === 'string') h.protocol = body.protocol;
          if (typeof body.l3proto === 'string') h.l3proto = body.l3proto;
          t.helpers.set(name, h);
        }
        return;
      case 'ct timeout':
        if (isObject(body)) this.timeout(body, pos);
        return;
      case 'flowtable':
        if (isObject(body)) this.table(body, pos).flowtables.set(this.str(body, 'name', body), pos);
        return;
      case 'ct expectation':
      case 'counter':
      case 'quota':
      case 'limit':
      case 'secmark':
      case 'synproxy':
      case 'tunnel':
        return; // stateful objects that hold no verdict; statements that use them are judged where used
      case 'add':
      case 'create':
      case 'insert':
        if (isObject(body)) for (const [k, v] of Object.entries(body)) this.item({ [k]: v }, key === 'insert');
        return;
      case 'flush':
        if (isObject(body) && 'ruleset' in body) this.tables.clear();
        else if (isObject(body) && isObject(body.chain)) {
          const t = this.tables.get(tableKey(scalar(body.chain.family), scalar(body.chain.table)));
          const c = t?.chains.get(scalar(body.chain.name));
          if (c) {
            c.rules = [];
            this.runs.flushed(c);
          }
        } else this.doc.unsupported.push({ loc: pos, what: 'flush command', why: 'this `flush` is not modeled' });
        return;
      case 'delete':
      case 'destroy':
      case 'replace':
      case 'rename':
      case 'reset':
        this.doc.unsupported.push({
          loc: pos,
          what: `${key} command`,
          why: `\`${key}\` changes the ruleset as it is loaded; fwlint does not apply it`,
        });
        return;
      case 'list':
        return;
      default:
        this.doc.unsupported.push({
          loc: pos,
          what: `JSON object "${key}"`,
          why: 'an object type fwlint does not know; it may change the ruleset',
        });
    }
  }

  private chain(o: ExprObject, pos: Pos): void {
    const t = this.table(o, pos);
    const c = this.chainOf(t, this.str(o, 'name', o), pos);
    c.pos = pos;
    if (typeof o.hook !== 'string') return;
    const type = typeof o.type === 'string' ? o.type : 'filter';
    const prio =
      typeof o.prio === 'number' ? o.prio : typeof o.prio === 'string' ? priorityValue(o.prio, t.family, o.hook) : 0;
    if (prio === undefined) this.fail(o, `"prio": "${scalar(o.prio)}" is not a priority`);
    const devices: string[] = [];
    for (const k of ['dev', 'devices']) {
      const d = o[k];
      if (typeof d === 'string') devices.push(d);
      else if (Array.isArray(d)) for (const x of d) if (typeof x === 'string') devices.push(x);
    }
    c.base = { type, hook: o.hook, priority: prio, priorityText: scalar(o.prio ?? 0), devices, pos };
    if (typeof o.policy === 'string') c.base.policy = { value: o.policy, pos: memberPos(o, 'policy') ?? pos };
  }

  /**
   * A rule read straight from the text (json-direct.ts), converted and added as rule() would add it;
   * false, with nothing added, when it cannot be (a name rule() would refuse, or a rule that depends on
   * the rest of the file): the element is then read the generic way.
   */
  directRule(d: DirectRule): boolean {
    const prep = this.prep;
    if (!prep) return false;
    const last = this.lastDirect;
    let place = this.place;
    if (
      last === undefined ||
      place === undefined ||
      last.family !== d.family ||
      last.table !== d.table ||
      last.chain !== d.chain
    ) {
      if (!(FAMILIES as readonly string[]).includes(d.family)) return false;
      // The rule's position (a new table or chain is placed at its first rule, as rule() places it).
      const pos = d.rule?.pos ?? new Location(this.doc.file, d.line, d.column, d.endLine, d.endColumn);
      const key = tableKey(d.family, d.table);
      let t = this.tables.get(key);
      if (!t) {
        t = newTable(d.family as Family, d.table, pos);
        this.tables.set(key, t);
      }
      const c = this.chainOf(t, d.chain, pos);
      place = this.placeOf(c, t);
      this.lastDirect = { family: d.family, table: d.table, chain: d.chain };
    }
    const c = place.chain;
    const t = place.table;
    const rule = d.rule;
    if (d.match && d.flat && d.facts) {
      // A one-line rule (nft writes the whole listing on one line): its model rule, from its numbers.
      if (rule === undefined) {
        const one = prep.convertJson(
          d.line,
          d.column,
          d.endColumn,
          d.comment,
          place.labels,
          d.text,
          d.flat,
          d.match,
          d.facts,
          this.texts,
        );
        this.pushRule(c, one, one instanceof EntryRule ? d.facts : undefined);
        return true;
      }
      prep.convertDirect(rule, place.ref, d.text, false, d.flat, d.match, d.facts);
      // The record never held statements (see rule()): the chain keeps it as it is.
      this.pushRule(c, rule);
      return true;
    }
    if (d.alts) {
      // A one-line rule, as above: one object with its model rules (ReadEntries).
      if (rule === undefined) {
        if (d.alts.length === 0) return false;
        const got = prep.convertJsonAlts(
          d.line,
          d.column,
          d.endColumn,
          d.comment,
          place.labels,
          d.text,
          d.alts,
          this.texts,
        );
        if (got instanceof ReadEntries) this.pushRule(c, got);
        else this.pushGroup(c, got, d.alts);
        return true;
      }
      prep.convertDirectAlts(rule, place.ref, d.text, false, d.alts);
      this.pushRule(c, rule);
      return true;
    }
    if (rule === undefined || !prep.convert(rule, t, place.ref, d.text, d.flats)) return false;
    this.pushRule(c, settled(rule));
    return true;
  }

  /** The interface facts of the model rules kept alone in the chains (read-facts.ts). */
  private readonly runs = new ReadRuns();

  /**
   * Appends `rule` to chain `c`: `facts`, the interface facts of a model rule kept alone (prepare.ts
   * convertJson), go to the chain's runs; any other rule keeps its own.
   */
  private pushRule(c: NChain, rule: ChainRule, facts?: IfaceFacts): void {
    c.rules.push(rule);
    if (rule instanceof EntryRule && facts !== undefined) this.runs.appended(c, c.rules.length - 1, rule, facts);
    else this.runs.appended(c, c.rules.length - 1);
  }

  /** Appends the model rules of a verdict map's alternatives (prepare.ts convertJsonAlts), their facts to the runs. */
  private pushGroup(c: NChain, group: readonly EntryRule[], alts: readonly DirectAlt[]): void {
    const at = c.rules.length;
    for (const r of group) c.rules.push(r);
    this.runs.appended(c, at, group[0], alts);
  }

  /** The place of chain `c` of table `t` (the last one again when rules come chain by chain). */
  private placeOf(c: NChain, t: NTable): { chain: NChain; table: NTable; ref: string; labels: ChainLabels } {
    const place = this.place;
    if (place?.chain === c && place.table === t) return place;
    // One labels per chain, however its rules come (NChain.labels), its model name made once.
    let labels = c.labels;
    if (labels === undefined) {
      labels = new ChainLabels(chainRef(t.family, t.name, c.name), this.doc.file, this.rows, this.texts);
      c.labels = labels;
    }
    return (this.place = { chain: c, table: t, ref: labels.ref, labels });
  }

  private rule(o: ExprObject, pos: Pos, insert: boolean): void {
    const t = this.table(o, pos);
    const c = this.chainOf(t, this.str(o, 'chain', o), pos);
    const expr = o.expr;
    if (!Array.isArray(expr)) this.fail(o, '"rule" needs an "expr" array');
    const stmts: Stmt[] = [];
    for (const s of expr) {
      if (!isObject(s) || !keyOf(s))
        this.fail(isObject(s) || Array.isArray(s) ? s : o, 'a rule statement must be an object with one key');
      stmts.push(s);
    }
    let rule: NRule = { pos, stmts };
    if (typeof o.comment === 'string') rule.comment = o.comment;
    if (this.prep) {
      this.prep.prepare(rule, t, this.placeOf(c, t).ref, this.refs);
      // The chain keeps a new record, not the one that held the statements: V8 allocates records that
      // outlive many collections straight in the old generation, and one that ever pointed at a rule's
      // statements kept that rule's whole tree from dying young (measured: 90 MB more promoted at 100k).
      rule = settled(rule);
    }
    if (insert) {
      c.rules.unshift(rule);
      this.runs.inserted(c);
    } else this.pushRule(c, rule);
  }

  private set(o: ExprObject, kind: 'set' | 'map', pos: Pos): NSet {
    const t = this.table(o, pos);
    const name = this.str(o, 'name', o);
    const flags: string[] = [];
    if (typeof o.flags === 'string') flags.push(o.flags);
    else if (Array.isArray(o.flags)) for (const f of o.flags) if (typeof f === 'string') flags.push(f);
    const set: NSet = {
      name,
      kind,
      pos,
      keyType: typeText(o.type),
      flags,
      elements: Array.isArray(o.elem) ? [...o.elem] : [],
      // `flags timeout` alone only allows elements to expire; the elements listed are still the set's (as in text).
      dynamic: flags.includes('dynamic') || 'timeout' in o,
    };
    if (kind === 'map') set.dataType = typeText(o.map);
    const prev = t.sets.get(name);
    if (prev) {
      prev.elements.push(...set.elements);
      prev.dynamic ||= set.dynamic;
      return prev;
    }
    t.sets.set(name, set);
    return set;
  }

  private timeout(o: ExprObject, pos: Pos): void {
    const t = this.table(o, pos);
    const name = this.str(o, 'name', o);
    const to: CtTimeout = { name, policy: new Map(), pos };
    if (typeof o.protocol === 'string') to.protocol = o.protocol;
    if (typeof o.l3proto === 'string') to.l3proto = o.l3proto;
    const pol = o.policy;
    if (isObject(pol)) {
      to.policyPos = memberPos(o, 'policy') ?? posOf(pol, pos);
      for (const [state, v] of Object.entries(pol)) {
        if (typeof v === 'number') to.policy.set(state, { seconds: v, pos: memberPos(pol, state) ?? pos });
      }
    } else if (Array.isArray(o.state)) {
      // libnftables-json.adoc documents "state"/"value"; real output uses "policy" (docs/semantics.md#nft-timeouts).
      to.policyPos = memberPos(o, 'state') ?? pos;
    }
    t.timeouts.set(name, to);
  }
}

function typeText(t: Expr | undefined): string {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(typeText).join(' . ');
  if (isObject(t) && 'typeof' in t) return 'typeof';
  return '';
}

/** A copy of a rule after prepare (JsonReader.rule): the same fields in a record that never held its tree. */
function settled(r: NRule): NRule {
  // Every member in the literal (as ir.ts ReadRule has them): a member added afterwards goes to a property
  // array of its own, one more object per rule for as long as the document lives.
  return { pos: r.pos, stmts: r.stmts, pre: r.pre, comment: r.comment };
}
