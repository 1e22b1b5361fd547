import { lookupSet } from './context.js';
import { shapeWords } from './set-words.js';
import {
  isObject,
  keyOf,
  str,
  stmtPos,
  positions,
  type Expr,
  type ExprObject,
  type NRule,
  type NSet,
  type NTable,
  type Pos,
  type Stmt,
} from './ir.js';
import { printExpr, printStmt } from './print.js';

/**
 * One nft rule as the alternatives it stands for. A rule whose match is a concatenation looked up
 * in a set (`ip protocol . th dport { tcp . 22, udp . 53 }`), a verdict map (`iifname vmap { lo :
 * accept, br0 : jump lan }`) or a map in a statement (`ct helper set udp dport map { 5060 : "sip" }`,
 * `dnat to ip saddr map { … }`) becomes one flat rule per element: a conjunction of single-field
 * conditions with one outcome. Map keys are disjoint, so the alternatives never overlap.
 */
export interface Cond {
  left: Expr;
  op: string;
  right: Expr;
  /** The rule and the index of the statement the condition comes from: its position is built only when asked (condPos). */
  rule: NRule;
  at: number;
  /** The values of `right`, when its reader knows them (text-direct.ts): condValues reads them instead. */
  vals?: Elements;
}

/** The values a condition compares with: elementsOf its right side, or what its reader recorded. */
export function condValues(c: Cond, table: NTable): Elements {
  return c.vals ?? elementsOf(c.right, table);
}

/** Where a condition's statement is written (while its rule still has its statements: see rules.ts). */
export function condPos(c: Cond): Pos {
  return stmtPos(c.rule, c.at);
}

export interface Effect {
  pos: Pos;
  what: string;
  why: string;
}

export type VerdictKind = 'accept' | 'drop' | 'reject' | 'continue' | 'return' | 'jump' | 'goto' | 'queue';

/**
 * A rule's verdict. Only a jump or goto keeps its statement's position (rules.ts reports a missing
 * target chain there); the others are one shared object per kind (VERDICTS), not one per rule.
 */
export type FlatVerdict =
  | { readonly kind: 'jump' | 'goto'; readonly target: string; readonly pos: Pos }
  | { readonly kind: Exclude<VerdictKind, 'jump' | 'goto'> };

/** The verdicts without a position or target: shared, never modified. */
const VERDICTS = {
  accept: Object.freeze({ kind: 'accept' }),
  drop: Object.freeze({ kind: 'drop' }),
  reject: Object.freeze({ kind: 'reject' }),
  continue: Object.freeze({ kind: 'continue' }),
  return: Object.freeze({ kind: 'return' }),
  queue: Object.freeze({ kind: 'queue' }),
} as const satisfies Record<Exclude<VerdictKind, 'jump' | 'goto'>, FlatVerdict>;

export interface NatSpec {
  kind: 'snat' | 'dnat' | 'masquerade' | 'redirect';
  /** Target address expressions (several when a load-balancing map picks one at run time). */
  addrs: Expr[];
  port?: Expr;
  flags: string[];
  pos: Pos;
  /** Targets are picked at run time (numgen/jhash): any of `addrs`. */
  balanced?: boolean;
}

/** Read-only once built: flats with nothing in a list share one empty array. */
export interface Flat {
  /** Emptied (NO_CONDS) once buildChain has put them in the model. */
  conds: readonly Cond[];
  /** Conditions fwlint cannot evaluate; rules.ts decides how the rule is approximated. */
  readonly opaque: readonly Effect[];
  readonly verdict?: FlatVerdict;
  readonly nat?: NatSpec;
  readonly helpers: readonly { name: string; pos: Pos }[];
  readonly timeouts: readonly { name: string; pos: Pos }[];
  /** Statements with effects the model cannot express (notrack, queue, fwd...). */
  readonly effects: readonly Effect[];
}

/** One alternative while a rule is expanded: it owns its arrays. */
interface Delta {
  conds?: Cond[];
  opaque?: Effect[];
  verdict?: Flat['verdict'];
  nat?: NatSpec;
  helpers?: { name: string; pos: Pos }[];
  timeouts?: { name: string; pos: Pos }[];
  effects?: Effect[];
}

const NONE: readonly never[] = Object.freeze([]);
/** The conditions of a flat once they are in the model (rules.ts). */
export const NO_CONDS: readonly Cond[] = NONE;

const MAX_ALTERNATIVES = 50_000;

/** The one alternative of a statement that adds nothing (read-only: mergeInto reads it, never writes it). */
const NOTHING: Delta[] = [Object.freeze({})];

/** `accept`, `drop`, `reject`, `continue`, `return`: their one alternative (read-only, like NOTHING). */
const PLAIN_VERDICTS = new Map<string, Delta[]>(
  (['accept', 'drop', 'reject', 'continue', 'return'] as const).map((k) => [
    k,
    [Object.freeze({ verdict: VERDICTS[k] })],
  ]),
);

/** Statements that only observe or annotate (no effect on verdicts or on what later rules see). */
/** `set`/`map`: a rule adds to or updates a set or map (`add @s { ip saddr }`); the packet is untouched. */
const HARMLESS = new Set(['counter', 'log', 'last', 'ct expectation', 'secmark', 'reset', 'set', 'map', 'comment']);
/** Keys whose `set` changes what the firewall does with the packet beyond marks and priorities. */
const MANGLE_HARMLESS_META = new Set(['mark', 'priority', 'nftrace', 'secmark', 'pkttype']);

export interface Elements {
  readonly values: readonly Expr[];
  readonly dynamic: readonly string[];
  readonly missing: readonly string[];
  /**
   * Set by the direct reader (text-direct.ts) for a list of several literal values: their printed
   * text, which names the list (match.ts shares the sets built from it between the rules that write it).
   */
  readonly key?: string;
}

interface Collected {
  values: Expr[];
  dynamic: string[];
  missing: string[];
}

const ELEMENTS = Symbol('elements');

/**
 * Elements of a set value: anonymous sets, flag lists and named sets flattened; `{elem: {val}}`
 * unwrapped. Memoized on the value object (sets are complete once the document is read), since
 * several passes look at the same conditions.
 */
export function elementsOf(v: Expr, table: NTable): Elements {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'string' && v.startsWith('@')) {
      const set = lookupSet(table, v);
      if (!set) return { values: NONE, dynamic: NONE, missing: [v] };
      const memo = set as { [ELEMENTS]?: Elements };
      const hit = memo[ELEMENTS];
      if (hit) return hit;
      shapeWords(set);
      return (memo[ELEMENTS] = plainElements(set) ?? collect(v, table, { values: [], dynamic: [], missing: [] }, 0));
    }
    return { values: [v], dynamic: NONE, missing: NONE };
  }
  const memo = v as { [ELEMENTS]?: Elements };
  return (memo[ELEMENTS] ??= collect(v, table, { values: [], dynamic: [], missing: [] }, 0));
}

/**
 * The elements of a named set filled when loaded whose elements are all single values (what collect
 * keeps as they are): the set's own list, not a copy grown element by element (the sets shape at
 * 100k: 50,000 elements, copies of their list promoted and dropped). Undefined for any other set.
 */
function plainElements(set: NSet): Elements | undefined {
  if (set.dynamic) return undefined;
  const els = set.elements;
  for (const x of els) {
    if (Array.isArray(x)) return undefined;
    if (typeof x === 'string' ? x.startsWith('@') : isObject(x) && ('set' in x || 'elem' in x)) return undefined;
  }
  return { values: els, dynamic: NONE, missing: NONE };
}

function collect(v: Expr, table: NTable, out: Collected, depth: number): Collected {
  if (depth > 16) return out;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, table, out, depth + 1);
  } else if (isObject(v) && 'set' in v && Array.isArray(v.set)) {
    for (const x of v.set) collect(x, table, out, depth + 1);
  } else if (isObject(v) && 'elem' in v && isObject(v.elem)) {
    collect(v.elem.val ?? null, table, out, depth + 1);
  } else if (typeof v === 'string' && v.startsWith('@')) {
    const set = lookupSet(table, v);
    if (!set) out.missing.push(v);
    else {
      if (set.dynamic) out.dynamic.push(v);
      shapeWords(set);
      for (const x of set.elements) collect(x, table, out, depth + 1);
    }
  } else out.values.push(v);
  return out;
}

/** A map element's key and data; its position, when read, is the pair's (positions). */
type Pair = readonly [Expr, Expr];

/**
 * `[key, data]` pairs of a map value (anonymous or named): the elements themselves, not a new triple
 * each (a verdict map of 10,000 elements: 10,000 triples promoted and dropped), except where a key
 * is unwrapped (`{elem: {val}}`), whose new pair gets the element's position.
 */
function pairsOf(v: Expr, table: NTable): { pairs: Pair[]; dynamic: string[]; missing: string[] } {
  const out = { pairs: [] as Pair[], dynamic: [] as string[], missing: [] as string[] };
  const visit = (x: Expr, depth: number): void => {
    if (depth > 16) return;
    if (typeof x === 'string' && x.startsWith('@')) {
      const set = lookupSet(table, x);
      if (!set) out.missing.push(x);
      else {
        if (set.dynamic) out.dynamic.push(x);
        shapeWords(set);
        for (const e of set.elements) visit(e, depth + 1);
      }
    } else if (isObject(x) && 'set' in x && Array.isArray(x.set)) {
      for (const e of x.set) visit(e, depth + 1);
    } else if (Array.isArray(x) && x.length === 2 && !(Array.isArray(x[0]) && x[0].length === 2)) {
      const [k = null, data = null] = x;
      if (isObject(k) && 'elem' in k && isObject(k.elem)) {
        const pair: Pair = [k.elem.val ?? null, data];
        const p = positions.get(x);
        if (p) positions.set(pair, p);
        out.pairs.push(pair);
      } else if (x[0] === undefined || x[1] === undefined) out.pairs.push([k, data]);
      else out.pairs.push(x as unknown as Pair);
    } else if (Array.isArray(x)) {
      for (const e of x) visit(e, depth + 1);
    }
  };
  visit(v, 0);
  return out;
}

function concatParts(e: Expr): Expr[] | undefined {
  return isObject(e) && 'concat' in e && Array.isArray(e.concat) ? e.concat : undefined;
}

/** Keys that are not fields of the packet: a map keyed by them picks any of its values. */
function isChoiceKey(e: Expr): boolean {
  const k = keyOf(e);
  return k === 'numgen' || k === 'jhash' || k === 'symhash';
}

function verdictOf(v: Expr, pos: Pos): FlatVerdict | undefined {
  const k = keyOf(v);
  if (k === 'accept' || k === 'drop' || k === 'continue' || k === 'return') return VERDICTS[k];
  if ((k === 'jump' || k === 'goto') && isObject(v)) {
    const t = (v[k] as ExprObject | null)?.target;
    if (typeof t === 'string') return { kind: k, target: t, pos };
  }
  return undefined;
}

/** Conditions meaning `key == value`, component-wise for concatenations. */
function keyConds(key: Expr, value: Expr, rule: NRule, at: number): Cond[] | undefined {
  const kp = concatParts(key);
  if (!kp) return [{ left: key, op: '==', right: value, rule, at }];
  const vp = concatParts(value);
  if (vp?.length !== kp.length) return undefined;
  return kp.map((k, i) => ({ left: k, op: '==', right: vp[i] ?? null, rule, at }));
}

/** The condition of a match on one field (no concatenation): match() without its wrapping. */
function singleCond(body: Expr, rule: NRule, at: number): Cond | undefined {
  if (!isObject(body)) return undefined;
  const left = body.left ?? null;
  if (concatParts(left)) return undefined;
  return { left, op: typeof body.op === 'string' ? body.op : '==', right: body.right ?? null, rule, at };
}

export class Expander {
  /** The alternatives of one rule; [] when it can never match (e.g. a verdict map without elements). */
  expand(rule: NRule, table: NTable): Flat[] {
    const alts = this.alternatives(rule, table, rule.stmts.length);
    return alts.map(toFlat);
  }

  /**
   * The alternatives expand gives, one by one to `visit` without a list of them, for a rule whose last
   * statement is a verdict map of several elements that all give an alternative (no catch-all) and
   * whose other statements give one: how many it gave. Undefined, with nothing given, for any other
   * rule (expand then). Each is made when given, so a caller that drops it keeps none: the sets shape's
   * `ip daddr vmap @zones` made 10,000 alternatives, about 3 MB kept from buildInterfaces to buildChain
   * and promoted (index.ts buildPolicy expands such a rule once for each of them instead).
   */
  eachAlternative(rule: NRule, table: NTable, visit: (f: Flat) => void): number | undefined {
    const stmts = rule.stmts;
    const last = stmts.length - 1;
    const stmt = stmts[last];
    if (stmt === undefined || keyOf(stmt) !== 'vmap') return undefined;
    const body = stmt.vmap ?? null;
    if (!isObject(body)) return undefined;
    const m = pairsOf(body.data ?? null, table);
    const n = m.pairs.length;
    if (m.missing.length || m.dynamic.length || n < 2 || n > MAX_ALTERNATIVES) return undefined;
    const key = body.key ?? null;
    const kp = concatParts(key);
    // The elements vmap() would give an alternative each, not one alternative saying why it cannot.
    for (const [k] of m.pairs) {
      if (k === '*' || (kp && concatParts(k)?.length !== kp.length)) return undefined;
    }
    const before = this.alternatives(rule, table, last);
    const [head] = before;
    if (before.length !== 1 || head === undefined) return undefined;
    const pos = stmtPos(rule, last);
    const verdicts: FlatVerdict[] = [];
    for (const pair of m.pairs) {
      const verdict = verdictOf(pair[1], positions.get(pair) ?? pos);
      if (!verdict) return undefined;
      verdicts.push(verdict);
    }
    const bare = isBare(head);
    for (let i = 0; i < n; i++) {
      const pair = m.pairs[i];
      const verdict = verdicts[i];
      const conds = pair && keyConds(key, pair[0], rule, last);
      if (!conds || !verdict) throw new Error('expand: a verdict map element changed while it was expanded');
      // As expand: the option itself after a bare alternative (owned), else merged into a copy of it.
      const o: Delta = { conds, verdict };
      visit(toFlat(bare ? owned(o) : mergeInto(clone(head), o)));
    }
    return n;
  }

  /** The alternatives of the first `end` statements of `rule` (expand); [] when it can never match. */
  private alternatives(rule: NRule, table: NTable, end: number): Delta[] {
    let alts: Delta[] = [{}];
    const stmts = rule.stmts;
    for (let i = 0; i < end; i++) {
      const stmt = stmts[i];
      if (stmt === undefined) continue;
      // A match builds no position (its conditions point at the statement); other statements need one.
      const isMatch = keyOf(stmt) === 'match';
      const single = isMatch ? singleCond(stmt.match ?? null, rule, i) : undefined;
      if (single) {
        // The common case: one condition joins every alternative (as mergeInto would add it).
        for (const a of alts) (a.conds ??= []).push(single);
        continue;
      }
      let opts = isMatch ? this.match(stmt.match ?? null, table, rule, i) : this.options(stmt, table, rule, i);
      if (opts.length > 1 && alts.length * opts.length > MAX_ALTERNATIVES) {
        const pos = stmtPos(rule, i);
        opts = [
          {
            opaque: [
              {
                pos,
                what: printStmt(stmt),
                why:
                  `the rule stands for more than ${String(MAX_ALTERNATIVES)} combinations of map elements; ` +
                  'fwlint does not evaluate this statement',
              },
            ],
          },
        ];
      }
      if (opts.length === 0) return [];
      const [only] = opts;
      if (opts.length === 1 && only) for (const a of alts) mergeInto(a, only);
      else if (alts.length === 1 && isBare(alts[0])) alts = opts.map(owned);
      else alts = alts.flatMap((a) => opts.map((o) => mergeInto(clone(a), o)));
    }
    return alts;
  }

  private options(stmt: Stmt, table: NTable, rule: NRule, at: number): Delta[] {
    const key = keyOf(stmt) ?? '';
    // `counter`, `log`…: nothing to add, and no position to build.
    if (HARMLESS.has(key)) return NOTHING;
    // A plain verdict: one shared alternative per kind, no position.
    const plain = PLAIN_VERDICTS.get(key);
    if (plain) return plain;
    const pos = stmtPos(rule, at);
    const body = stmt[key] as Expr;
    switch (key) {
      case 'jump':
      case 'goto': {
        const v = verdictOf(stmt, pos);
        return v
          ? [{ verdict: v }]
          : [{ effects: [{ pos, what: printStmt(stmt), why: 'a jump without a target chain' }] }];
      }
      case 'queue':
        return [
          {
            verdict: VERDICTS.queue,
            effects: [
              {
                pos,
                what: printStmt(stmt),
                why: 'queue hands packets to a user-space program whose verdict is unknown; fwlint assumes it accepts them',
              },
            ],
          },
        ];
      case 'match':
        return this.match(body, table, rule, at);
      case 'vmap':
        return this.vmap(body, table, pos, rule, at);
      case 'ct helper':
      case 'ct timeout':
        return this.objectAssignment(key, body, table, pos, rule, at);
      case 'snat':
      case 'dnat':
      case 'masquerade':
      case 'redirect':
        return this.nat(key, body, table, pos, rule, at);
      case 'limit':
      case 'quota':
      case 'ct count':
      case 'connlimit':
      case 'meter':
        return [{ opaque: [{ pos, what: printStmt(stmt), why: rateWhy(key) }] }];
      case 'mangle': {
        const k = isObject(body) ? body.key : undefined;
        const meta = isObject(k) && isObject(k.meta) ? k.meta.key : undefined;
        const ct = isObject(k) && isObject(k.ct) ? k.ct.key : undefined;
        const harmless =
          (typeof meta === 'string' && MANGLE_HARMLESS_META.has(meta)) ||
          (typeof ct === 'string' && ['mark', 'label', 'zone', 'event', 'secmark'].includes(ct)) ||
          keyOf(k ?? null) === 'tcp option' ||
          (isObject(k) &&
            isObject(k.payload) &&
            ['dscp', 'ecn', 'ttl', 'hoplimit', 'pcp', 'flowlabel'].includes(str(k.payload.field)));
        if (harmless) return [{}];
        return [
          {
            effects: [
              {
                pos,
                what: printStmt(stmt),
                why:
                  'the rule rewrites the packet (stateless translation); ' +
                  'later rules and the routing see other values than fwlint evaluates',
              },
            ],
          },
        ];
      }
      case 'notrack':
        return [
          {
            effects: [
              {
                pos,
                what: 'notrack',
                why:
                  'untracked packets bypass connection tracking: `ct state` rules see them as untracked ' +
                  'and no NAT applies, which fwlint does not model',
              },
            ],
          },
        ];
      case 'fwd':
      case 'dup':
      case 'tproxy':
      case 'synproxy':
      case 'flow':
      case 'xt':
      case 'osf':
        return [{ effects: [{ pos, what: printStmt(stmt), why: effectWhy(key) }] }];
      default:
        return [
          {
            effects: [
              {
                pos,
                what: printStmt(stmt),
                why: 'a statement fwlint does not know; it may change what happens to the packet',
              },
            ],
          },
        ];
    }
  }

  private match(body: Expr, table: NTable, rule: NRule, at: number): Delta[] {
    if (!isObject(body)) return [{ opaque: [{ pos: stmtPos(rule, at), what: 'match', why: 'a malformed match' }] }];
    const left = body.left ?? null;
    const right = body.right ?? null;
    const op = typeof body.op === 'string' ? body.op : '==';
    const parts = concatParts(left);
    if (!parts) return [{ conds: [{ left, op, right, rule, at }] }];
    const pos = stmtPos(rule, at);
    // Printed only when reported: a concatenation's set can be large, and most rules are understood.
    const what = (): string => printStmt({ match: body });
    if (op !== '==' && op !== 'in')
      return [
        { opaque: [{ pos, what: what(), why: 'a negated or ordered comparison of a concatenation is not modeled' }] },
      ];
    const els = elementsOf(right, table);
    if (els.missing.length)
      return [{ opaque: [{ pos, what: what(), why: `set ${els.missing.join(', ')} is not defined in this file` }] }];
    if (els.dynamic.length)
      return [{ opaque: [{ pos, what: what(), why: `set ${els.dynamic.join(', ')} gets its elements at run time` }] }];
    const out: Delta[] = [];
    for (const el of els.values) {
      const conds = keyConds(left, el, rule, at);
      if (!conds)
        return [
          {
            opaque: [
              { pos, what: what(), why: `element ${printExpr(el)} does not have the shape of ${printExpr(left)}` },
            ],
          },
        ];
      out.push({ conds });
    }
    return out;
  }

  private vmap(body: Expr, table: NTable, pos: Pos, rule: NRule, at: number): Delta[] {
    if (!isObject(body)) return [{ effects: [{ pos, what: 'vmap', why: 'a malformed verdict map' }] }];
    const key = body.key ?? null;
    const what = (): string => printStmt({ vmap: body }); // printed only when reported
    const m = pairsOf(body.data ?? null, table);
    if (m.missing.length || m.dynamic.length) {
      return [
        {
          effects: [
            {
              pos,
              what: what(),
              why: m.missing.length
                ? `map ${m.missing.join(', ')} is not defined in this file`
                : `map ${m.dynamic.join(', ')} gets its elements at run time, so its verdicts are unknown`,
            },
          ],
        },
      ];
    }
    const out: Delta[] = [];
    for (const pair of m.pairs) {
      const [k, v] = pair;
      const epos = positions.get(pair) ?? pos;
      const verdict = verdictOf(v, epos);
      if (!verdict) return [{ effects: [{ pos, what: what(), why: `verdict ${printExpr(v)} is not understood` }] }];
      if (k === '*') {
        if (concatParts(key))
          return [
            {
              effects: [{ pos, what: what(), why: 'a catch-all element of a concatenated verdict map is not modeled' }],
            },
          ];
        // The other keys, listed only for a map that has a catch-all.
        const concrete = m.pairs.filter(([c]) => c !== '*').map(([c]) => c);
        out.push({
          conds: concrete.length ? [{ left: key, op: '!=', right: { set: concrete }, rule, at }] : [],
          verdict,
        });
        continue;
      }
      const conds = keyConds(key, k, rule, at);
      if (!conds)
        return [
          {
            effects: [
              { pos, what: what(), why: `element ${printExpr(k)} does not have the shape of ${printExpr(key)}` },
            ],
          },
        ];
      out.push({ conds, verdict });
    }
    return out;
  }

  private objectAssignment(
    key: 'ct helper' | 'ct timeout',
    body: Expr,
    table: NTable,
    pos: Pos,
    rule: NRule,
    at: number,
  ): Delta[] {
    const field = key === 'ct helper' ? 'helpers' : 'timeouts';
    if (typeof body === 'string') return [{ [field]: [{ name: body, pos }] }];
    const map = isObject(body) && isObject(body.map) ? body.map : undefined;
    if (!map)
      return [
        { effects: [{ pos, what: printStmt({ [key]: body }), why: `a ${key} assignment fwlint does not understand` }] },
      ];
    const m = pairsOf(map.data ?? null, table);
    if (m.missing.length || m.dynamic.length)
      return [
        { effects: [{ pos, what: printStmt({ [key]: body }), why: `the ${key} comes from a map filled at run time` }] },
      ];
    const mkey = map.key ?? null;
    if (isChoiceKey(mkey))
      return [
        { [field]: m.pairs.filter(([, v]) => typeof v === 'string').map(([, v]) => ({ name: v as string, pos })) },
      ];
    const out: Delta[] = [];
    for (const [k, v] of m.pairs) {
      if (typeof v !== 'string') continue;
      const conds = k === '*' ? [] : keyConds(mkey, k, rule, at);
      if (!conds)
        return [
          {
            effects: [
              {
                pos,
                what: printStmt({ [key]: body }),
                why: `element ${printExpr(k)} does not have the shape of ${printExpr(mkey)}`,
              },
            ],
          },
        ];
      out.push({ conds, [field]: [{ name: v, pos }] });
    }
    return out;
  }

  private nat(kind: NatSpec['kind'], body: Expr, table: NTable, pos: Pos, rule: NRule, at: number): Delta[] {
    const o: ExprObject = isObject(body) ? body : {};
    const flags =
      typeof o.flags === 'string'
        ? [o.flags]
        : Array.isArray(o.flags)
          ? o.flags.filter((f): f is string => typeof f === 'string')
          : [];
    const base: NatSpec = { kind, addrs: [], flags, pos };
    const what = (): string => printStmt({ [kind]: body }); // printed only when reported
    const addr = o.addr;
    const port = o.port;
    const withPort = (s: NatSpec, p: Expr | undefined): NatSpec => (p === undefined ? s : { ...s, port: p });
    // The address (or address . port) comes from a map keyed by packet fields: one alternative per element.
    const addrMap = isObject(addr) && isObject(addr.map) ? addr.map : undefined;
    if (addrMap) {
      const m = pairsOf(addrMap.data ?? null, table);
      if (m.missing.length || m.dynamic.length)
        return [
          {
            nat: base,
            effects: [
              {
                pos,
                what: what(),
                why:
                  `the NAT target comes from map ${[...m.missing, ...m.dynamic].join(', ')}, ` +
                  (m.missing.length ? 'which is not defined in this file' : 'which is filled at run time'),
              },
            ],
          },
        ];
      const mkey = addrMap.key ?? null;
      const split = (v: Expr): { a: Expr; p?: Expr } => {
        const parts = concatParts(v);
        const [a, p] = parts ?? [];
        return parts?.length === 2 && a !== undefined && p !== undefined ? { a, p } : { a: v };
      };
      if (isChoiceKey(mkey)) {
        const vals = m.pairs.map(([, v]) => split(v));
        const s: NatSpec = { ...base, addrs: vals.map((v) => v.a), balanced: true };
        return [{ nat: withPort(s, vals[0]?.p ?? port) }];
      }
      const out: Delta[] = [];
      for (const [k, v] of m.pairs) {
        const conds = k === '*' ? [] : keyConds(mkey, k, rule, at);
        if (!conds)
          return [
            {
              nat: base,
              effects: [
                { pos, what: what(), why: `element ${printExpr(k)} does not have the shape of ${printExpr(mkey)}` },
              ],
            },
          ];
        const sv = split(v);
        out.push({ conds, nat: withPort({ ...base, addrs: [sv.a] }, sv.p ?? port) });
      }
      return out;
    }
    const portMap = isObject(port) && isObject(port.map) ? port.map : undefined;
    const s: NatSpec = { ...base, addrs: addr === undefined || addr === null ? [] : [addr] };
    if (portMap) {
      const m = pairsOf(portMap.data ?? null, table);
      const mkey = portMap.key ?? null;
      if (m.missing.length || m.dynamic.length || isChoiceKey(mkey)) {
        const first = m.pairs[0]?.[1];
        return [
          {
            nat: withPort(s, first),
            effects:
              m.pairs.length > 1 || m.missing.length || m.dynamic.length
                ? [{ pos, what: what(), why: 'the translated port is chosen at run time; fwlint uses the first one' }]
                : [],
          },
        ];
      }
      const out: Delta[] = [];
      for (const [k, v] of m.pairs) {
        const conds = keyConds(mkey, k, rule, at);
        if (!conds)
          return [
            {
              nat: s,
              effects: [
                { pos, what: what(), why: `element ${printExpr(k)} does not have the shape of ${printExpr(mkey)}` },
              ],
            },
          ];
        out.push({ conds, nat: withPort(s, v) });
      }
      return out;
    }
    return [{ nat: withPort(s, port ?? undefined) }];
  }
}

function toFlat(a: Delta): Flat {
  const f: { -readonly [K in keyof Flat]: Flat[K] } = {
    // Exact length: an alternative's conditions were pushed statement by statement.
    conds: a.conds ? (a.conds.length > 1 ? a.conds.slice() : a.conds) : NONE,
    opaque: a.opaque ?? NONE,
    helpers: a.helpers ?? NONE,
    timeouts: a.timeouts ?? NONE,
    effects: a.effects ?? NONE,
  };
  if (a.verdict) f.verdict = a.verdict;
  if (a.nat) f.nat = a.nat;
  return f;
}

/** Alternatives that only decide a verdict, once their conditions are in the model: one shared flat per verdict. */
const BARE = new Map<FlatVerdict | undefined, Flat>(
  [undefined, ...Object.values(VERDICTS)].map((verdict) => [
    verdict,
    Object.freeze(verdict ? { ...toFlat({}), verdict } : toFlat({})),
  ]),
);

/**
 * The alternative as the model's entries keep it, without its conditions (NO_CONDS): a shared flat
 * when it has nothing but a verdict other than a jump (less retained heap per rule). Call it once
 * the conditions are converted; `f` may be emptied.
 */
export function withoutConds(f: Flat): Flat {
  const plain =
    !f.nat && !f.opaque.length && !f.helpers.length && !f.timeouts.length && !f.effects.length
      ? BARE.get(f.verdict)
      : undefined;
  if (plain) return plain;
  f.conds = NO_CONDS;
  return f;
}

/** Adds `b` to the alternative `a` (which owns its arrays). Field by field: no keyed access by list name. */
function mergeInto(a: Delta, b: Delta): Delta {
  if (b.conds?.length) a.conds = append(a.conds, b.conds);
  if (b.opaque?.length) a.opaque = append(a.opaque, b.opaque);
  if (b.helpers?.length) a.helpers = append(a.helpers, b.helpers);
  if (b.timeouts?.length) a.timeouts = append(a.timeouts, b.timeouts);
  if (b.effects?.length) a.effects = append(a.effects, b.effects);
  if (b.verdict) a.verdict = b.verdict;
  if (b.nat) a.nat = b.nat;
  return a;
}

/** `to` (owned, extended in place) or a copy of `from`. */
function append<T>(to: T[] | undefined, from: readonly T[]): T[] {
  if (!to) return from.slice();
  for (const x of from) to.push(x);
  return to;
}

/** An alternative that nothing was added to yet. */
function isBare(a: Delta | undefined): boolean {
  return a !== undefined && !a.conds && !a.opaque && !a.helpers && !a.timeouts && !a.effects && !a.verdict && !a.nat;
}

/**
 * mergeInto(clone(bare), o) for an option of several (which options() and match() make for this rule
 * alone, its lists its own): the option itself unless it has an empty list, which mergeInto leaves
 * out. A verdict map of 10,000 elements: 10,000 copies and their lists less, made with the alternatives.
 */
function owned(o: Delta): Delta {
  const empty =
    o.conds?.length === 0 ||
    o.opaque?.length === 0 ||
    o.helpers?.length === 0 ||
    o.timeouts?.length === 0 ||
    o.effects?.length === 0;
  return empty ? mergeInto({}, o) : o;
}

function clone(a: Delta): Delta {
  const out: Delta = { ...a };
  if (a.conds) out.conds = a.conds.slice();
  if (a.opaque) out.opaque = a.opaque.slice();
  if (a.helpers) out.helpers = a.helpers.slice();
  if (a.timeouts) out.timeouts = a.timeouts.slice();
  if (a.effects) out.effects = a.effects.slice();
  return out;
}

/** What a rate condition does; how fwlint evaluates the rule follows from its verdict (rules.ts). */
function rateWhy(key: string): string {
  if (key === 'quota') return 'a quota: once used up the rule stops (or starts) matching';
  if (key === 'limit') return 'a rate limit: packets beyond the rate do not match';
  return 'a connection/rate meter: packets beyond the limit do not match';
}

function effectWhy(key: string): string {
  switch (key) {
    case 'fwd':
    case 'dup':
      return `\`${key}\` sends packets out of another interface than routing would; fwlint does not model it`;
    case 'tproxy':
      return 'tproxy delivers the packets to a local socket instead of forwarding them';
    case 'synproxy':
      return 'synproxy answers TCP handshakes itself; fwlint does not model it';
    case 'flow':
      return 'flow offload sends established connections through a flowtable fast path that skips the forward chains';
    case 'xt':
      return 'an iptables (xt) extension: its matching and effect are unknown';
    default:
      return 'not modeled';
  }
}

/**
 * The one alternative of a rule the text reader reads directly (text-direct.ts): its conditions
 * (undefined when none), verdict and NAT, shaped as expand() would build it for the same statements.
 */
export function directFlat(
  conds: Cond[] | undefined,
  verdict: FlatVerdict | undefined,
  nat: NatSpec | undefined,
): Flat {
  // Only a verdict (most rules read with their match): the shared flat withoutConds gives for it anyway.
  if (!conds && !nat) {
    const bare = BARE.get(verdict);
    if (bare) return bare;
  }
  const d: Delta = {};
  if (conds) d.conds = conds;
  if (verdict) d.verdict = verdict;
  if (nat) d.nat = nat;
  return toFlat(d);
}

/** The shared verdict of a statement without arguments (`accept`, `drop`…), as expand() gives it. */
export function plainVerdict(kind: Exclude<VerdictKind, 'jump' | 'goto'>): FlatVerdict {
  return VERDICTS[kind];
}

/** The values of a condition whose reader knows them all (no named set): as elementsOf would give them. */
export function knownValues(values: readonly Expr[], key?: string): Elements {
  return key === undefined ? { values, dynamic: NONE, missing: NONE } : { values, dynamic: NONE, missing: NONE, key };
}
