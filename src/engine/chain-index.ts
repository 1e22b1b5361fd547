import type { Box } from '../model/box.js';
import type { IntervalSet } from '../model/interval-set.js';
import type { NameSet } from '../model/name-set.js';
import type { Chain, Match, Rule } from '../model/policy.js';
import { at } from './at.js';
import { sameBox } from './piece.js';

/**
 * A compiled form of a chain (issue 15): for each dimension rules restrict, a column over the rules,
 * so a flow class entering the chain visits only the rules it can overlap instead of every rule.
 * Built on first use, each column in one pass over the rules (no sorting), and cached per Chain.
 *
 * The index answers a superset: `candidates(box)` lists, in rule order, every rule whose loose match
 * (the match with hostname/URL/geo dimensions widened to anything, see evaluate.ts noteMaybe) overlaps
 * the box in the indexed dimensions. The engine still tests each candidate exactly; a rule left out
 * cannot overlap the box, so the plain walk would have passed the box through it unchanged.
 *
 * Columns: iif and oif as posting lists (the rules naming each interface, and those naming none), so
 * the query starts from the rules of the box's interfaces without looking at the others; proto,
 * dport, dst, src and sport as a few hulls per rule in doubles. Number() of a bigint address is
 * monotone, so a rounded overlap test never misses an exact overlap: the columns stay a superset.
 * The interface columns are built with the index. Interval columns are built per interface query
 * (a Base: the rules of the box's interfaces), over those rules only, and only once walks have
 * tested enough of them without the column (chainIndexing.buildAfter): most walks end after a few
 * candidates, because every piece got its verdict, and then reading the address sets of 100k rules
 * costs far more than the walk (measured, issue 15: it was most of the evaluation of the RouterOS and
 * nftables benches); a walk that tests every candidate again and again (FortiGate) gets its columns.
 *
 * Not indexed: state and nat. Within a chain walk they are the only dimensions a piece can widen
 * (notrack sets the state); every other dimension of every piece stays inside the box that entered
 * the chain, so one query per chain walk serves all the pieces the walk splits off.
 */

export const chainIndexing = {
  /** Chains with fewer rules are walked plainly (the query would cost more than it saves). */
  minRules: 24,
  /** Once this few candidates are left, the remaining dimensions are not queried. */
  few: 16,
  /**
   * An address, port or protocol column over a base is built once walks have tested this many times
   * the base's rules without it: testing a candidate costs more than reading a rule's set.
   */
  buildAfter: 1,
};

type Num = number | bigint;
type IntervalDim = 'proto' | 'dport' | 'sport' | 'dst' | 'src';
type NameDim = 'iif' | 'oif';
const INTERVAL_DIMS: readonly IntervalDim[] = ['proto', 'dport', 'dst', 'src', 'sport'];
/** Queries remembered per chain. */
const RECENT = 8;
/** Interface queries (with their columns) remembered per chain. */
const MAX_BASES = 8;
/** A query set with more intervals than this is tested by this many hulls of consecutive intervals. */
const MAX_QUERY_PARTS = 64;
/** A query with more interface names than this does not narrow that dimension. */
const MAX_QUERY_NAMES = 64;
/** A rule's set with more intervals is indexed by this many hulls of consecutive intervals. */
const MAX_SET_PARTS = 8;

const ruleHulls = new WeakMap<IntervalSet<Num>, Float64Array>();
const queryHulls = new WeakMap<IntervalSet<Num>, Float64Array>();

/**
 * At most `max` hulls of consecutive intervals of a set, as flat doubles lo0, hi0, lo1, hi1, …
 * (ascending; rounding may make neighbours touch). Cached per set: address lists are shared.
 */
function hulls(s: IntervalSet<Num>, max: number, cache: WeakMap<IntervalSet<Num>, Float64Array>): Float64Array {
  let h = cache.get(s);
  if (h) return h;
  const b = s.approxBounds();
  const count = b.length / 2;
  const step = Math.max(1, Math.ceil(count / max));
  h = new Float64Array(2 * Math.ceil(count / step));
  let j = 0;
  for (let k = 0; k < count; k += step) {
    const last = Math.min(k + step, count) - 1;
    h[j++] = at(b, 2 * k);
    h[j++] = at(b, 2 * last + 1);
  }
  cache.set(s, h);
  return h;
}

/** Does any hull [lo[k], hi[k]] for k in [from, to) overlap the ascending flat intervals q? */
function overlapsAny(lo: Float64Array, hi: Float64Array, from: number, to: number, q: Float64Array): boolean {
  const n = q.length >>> 1;
  for (let k = from; k < to; k++) {
    const a = at(lo, k);
    const b = at(hi, k);
    // The first query interval ending at or after a; it overlaps [a, b] if it starts by b.
    let l = 0;
    let r = n;
    while (l < r) {
      const m = (l + r) >>> 1;
      if (at(q, 2 * m + 1) < a) l = m + 1;
      else r = m;
    }
    if (l < n && at(q, 2 * l) <= b) return true;
  }
  return false;
}

/** One interval dimension: per rule, the hulls of the set it requires (one infinite hull when it requires nothing). */
class IntervalColumn {
  readonly off: Int32Array;
  lo: Float64Array;
  hi: Float64Array;
  /** Hulls written so far. */
  private w = 0;
  restricts = false;

  constructor(
    readonly dim: IntervalDim,
    n: number,
  ) {
    this.off = new Int32Array(n + 1);
    // One hull per rule is the usual case; grown when sets of several intervals need more.
    this.lo = new Float64Array(n);
    this.hi = new Float64Array(n);
  }

  private hull(lo: number, hi: number): void {
    if (this.w === this.lo.length) {
      const size = Math.max(16, this.w * 2);
      const l = new Float64Array(size);
      const h = new Float64Array(size);
      l.set(this.lo);
      h.set(this.hi);
      this.lo = l;
      this.hi = h;
    }
    this.lo[this.w] = lo;
    this.hi[this.w] = hi;
    this.w++;
  }

  /** Adds rule i's set (rules are added in order). */
  add(i: number, s: IntervalSet<Num> | undefined): void {
    if (!s) this.hull(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
    else {
      if (s.intervalCount === 1) {
        // One interval (the usual case): no hull to cache; the full range requires nothing.
        if (s.isFull) this.hull(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        else {
          this.restricts = true;
          this.hull(s.approxFirst, s.approxLast);
        }
      } else {
        const b = s.approxBounds();
        this.restricts = true;
        if (b.length <= 2 * MAX_SET_PARTS)
          // A few intervals: each its own hull, read directly (no hull list to build and keep).
          for (let k = 0; k < b.length; k += 2) this.hull(at(b, k), at(b, k + 1));
        else {
          const h = hulls(s, MAX_SET_PARTS, ruleHulls);
          for (let k = 0; k < h.length; k += 2) this.hull(at(h, k), at(h, k + 1));
        }
      }
    }
    this.off[i + 1] = this.w;
  }

  /** Done adding: the hulls cut to size. */
  seal(): void {
    this.lo = this.lo.slice(0, this.w);
    this.hi = this.hi.slice(0, this.w);
  }

  /**
   * Keeps the rules of `cand` (all rules when undefined) whose hulls overlap the query q, writing
   * them to `out` from the start; returns how many. A one-interval query (the usual case) is tested
   * without a search.
   */
  keep(cand: Int32Array | undefined, q: Float64Array, out: Int32Array): number {
    const n = cand ? cand.length : this.off.length - 1;
    const off = this.off;
    const lo = this.lo;
    const hi = this.hi;
    let w = 0;
    if (q.length === 2) {
      const qlo = at(q, 0);
      const qhi = at(q, 1);
      if (this.w === off.length - 1) {
        // One hull per rule: rule i's is hull i.
        for (let j = 0; j < n; j++) {
          const i = cand ? at(cand, j) : j;
          if (at(lo, i) <= qhi && at(hi, i) >= qlo) out[w++] = i;
        }
        return w;
      }
      for (let j = 0; j < n; j++) {
        const i = cand ? at(cand, j) : j;
        const end = at(off, i + 1);
        for (let k = at(off, i); k < end; k++)
          if (at(lo, k) <= qhi && at(hi, k) >= qlo) {
            out[w++] = i;
            break;
          }
      }
      return w;
    }
    for (let j = 0; j < n; j++) {
      const i = cand ? at(cand, j) : j;
      if (overlapsAny(lo, hi, at(off, i), at(off, i + 1), q)) out[w++] = i;
    }
    return w;
  }
}

/** Two ascending lists without common elements, merged. */
function merge(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < a.length && j < b.length) out[w++] = at(a, i) < at(b, j) ? at(a, i++) : at(b, j++);
  while (i < a.length) out[w++] = at(a, i++);
  while (j < b.length) out[w++] = at(b, j++);
  return out;
}

/**
 * One interface dimension: per rule the name list it requires (rules share lists: a parser makes one
 * per interface or zone), posting lists per name, and the rules that name none (wild). Built in two
 * passes into typed arrays: pushing 100k rule numbers into growing lists cost most of the index.
 */
class NameColumn {
  /** Rules that do not restrict this dimension (absent or negated list), ascending. */
  readonly wild: Int32Array;
  /** Per rule: the index of its name list in `lists`, or -1 when it is wild. */
  private readonly listOf: Int32Array;
  /** Per distinct name list: its names' ids. */
  private readonly lists: number[][] = [];
  /** Per name id, the rules naming it (ascending). */
  private readonly postings: Int32Array[] = [];
  private readonly idOf = new Map<string, number>();

  constructor(
    readonly dim: NameDim,
    sets: readonly (NameSet | undefined)[],
  ) {
    // Indexed loops over locals, rules counted per name list rather than per name: the column is built
    // once per chain, mostly before the compiler has optimised this code, where each `for…of` over a
    // list and each call costs far more than the work (about 1.5 µs a rule on the pfSense bench).
    const n = sets.length;
    const listOf = (this.listOf = new Int32Array(n));
    const lists = this.lists;
    const index = new Map<NameSet, number>();
    const counts: number[] = [];
    /** Rules per name list. */
    const perList: number[] = [];
    let wild = 0;
    let last: NameSet | undefined;
    let lastList = -1;
    for (let i = 0; i < n; i++) {
      const s = sets[i];
      // A negated list ("any interface except wan") overlaps almost anything: a candidate always.
      if (s === undefined || s.negated) {
        listOf[i] = -1;
        wild++;
        continue;
      }
      if (s !== last) {
        let l = index.get(s);
        if (l === undefined) {
          l = lists.length;
          index.set(s, l);
          lists.push(this.idsFor(s, counts));
          perList.push(0);
        }
        last = s;
        lastList = l;
      }
      listOf[i] = lastList;
      perList[lastList] = (perList[lastList] ?? 0) + 1;
    }
    /** Per list: its one name's id, or -1 when it has several (or none). */
    const single = new Int32Array(lists.length);
    for (let l = 0; l < lists.length; l++) {
      const ids = at(lists, l);
      single[l] = ids.length === 1 ? at(ids, 0) : -1;
      for (let t = 0; t < ids.length; t++) counts[at(ids, t)] = (counts[at(ids, t)] ?? 0) + (perList[l] ?? 0);
    }
    const wilds = (this.wild = new Int32Array(wild));
    const postings = this.postings;
    for (const c of counts) postings.push(new Int32Array(c));
    const fill = new Int32Array(counts.length);
    let w = 0;
    for (let i = 0; i < n; i++) {
      const l = listOf[i] ?? -1;
      if (l < 0) {
        wilds[w++] = i;
        continue;
      }
      const one = single[l] ?? -1;
      if (one >= 0) {
        const k = fill[one] ?? 0;
        at(postings, one)[k] = i;
        fill[one] = k + 1;
        continue;
      }
      const ids = at(lists, l);
      for (let t = 0; t < ids.length; t++) {
        const id = at(ids, t);
        const k = fill[id] ?? 0;
        at(postings, id)[k] = i;
        fill[id] = k + 1;
      }
    }
  }

  /** The ids of a list's names, new names getting the next ids (and a count of 0). */
  private idsFor(s: NameSet, counts: number[]): number[] {
    const ids: number[] = [];
    for (const name of s.names) {
      let id = this.idOf.get(name);
      if (id === undefined) {
        id = this.idOf.size;
        this.idOf.set(name, id);
        counts.push(0);
      }
      ids.push(id);
    }
    return ids;
  }

  /** Whether some rule restricts this dimension. */
  get restricts(): boolean {
    return this.wild.length < this.listOf.length;
  }

  /** Whether the query narrows this dimension: a plain list of names, not too many. */
  narrows(q: NameSet): boolean {
    return !q.negated && q.names.size <= MAX_QUERY_NAMES;
  }

  /** The rules that can overlap q, ascending (a rule naming several of q's names once). */
  rulesFor(q: NameSet): Int32Array {
    const lists = [this.wild];
    for (const name of q.names) {
      const id = this.idOf.get(name);
      const p = id === undefined ? undefined : this.postings[id];
      if (p?.length) lists.push(p);
    }
    const [wild, one] = lists;
    if (lists.length === 1) return this.wild.slice();
    // One interface (the usual query): the wild rules and its own, two disjoint ascending lists merged.
    if (lists.length === 2 && wild && one) return merge(wild, one);
    const seen = new Uint8Array(this.listOf.length);
    for (const l of lists) for (const i of l) seen[i] = 1;
    const out = new Int32Array(seen.length);
    let w = 0;
    for (let i = 0; i < seen.length; i++) if (seen[i] === 1) out[w++] = i;
    return out.subarray(0, w);
  }

  /** Keeps the rules of `cand` that can overlap q (in place). */
  filter(cand: Int32Array, q: NameSet): Int32Array {
    const mark = new Uint8Array(this.idOf.size);
    for (const name of q.names) {
      const id = this.idOf.get(name);
      if (id !== undefined) mark[id] = 1;
    }
    // Per name list: does it name one of q's names? Lists are few, rules many.
    const ok = new Uint8Array(this.lists.length);
    for (let l = 0; l < ok.length; l++) for (const id of at(this.lists, l)) if (mark[id] === 1) ok[l] = 1;
    let w = 0;
    for (const i of cand) {
      const l = at(this.listOf, i);
      if (l < 0 || ok[l] === 1) cand[w++] = i;
    }
    return cand.subarray(0, w);
  }
}

/**
 * The rules a walk entering a chain with some box must visit, in rule order (undefined: every rule),
 * and where to report how far the walk got: that decides which columns are worth building.
 */
export class Candidates {
  constructor(
    readonly rules: Int32Array | undefined,
    private readonly base: Base,
    /** Some dimension the query restricts has no column over the base yet. */
    private readonly unfiltered: boolean,
  ) {}

  /** The walk tested the first k candidates (it stops early once every piece has a verdict). */
  visited(k: number): void {
    if (this.unfiltered) this.base.demand += k;
  }

  /** A column this answer lacks is due: asking again builds it and gives fewer candidates. */
  get stale(): boolean {
    return this.unfiltered && this.base.due();
  }
}

/**
 * The rules one interface query leaves (the box's interfaces; every rule when no interface narrows),
 * with the interval columns built over just those rules: a walk from one interface to another never
 * pays for reading the rules of other interfaces.
 */
class Base {
  /** Interval columns built so far (null: built, and no rule of the base restricts the dimension). */
  readonly columns = new Map<IntervalDim, IntervalColumn | null>();
  /** Candidates walks tested since the last column was built, while their query had a dimension without one. */
  demand = 0;

  /** Walks have tested enough candidates for the next column (chainIndexing.buildAfter). */
  due(): boolean {
    return this.demand >= chainIndexing.buildAfter * this.size;
  }

  constructor(
    readonly iif: NameSet | undefined,
    readonly oif: NameSet | undefined,
    /** Rule indices, ascending; undefined: every rule of the chain. */
    readonly rules: Int32Array | undefined,
    readonly size: number,
  ) {}
}

const sameKey = (a: NameSet | undefined, b: NameSet | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.equals(b));

export class ChainIndex {
  readonly n: number;
  private readonly iif: NameColumn | undefined;
  private readonly oif: NameColumn | undefined;
  /** The last few interface queries' rules and columns. */
  private readonly bases: Base[] = [];
  /** The last few queries and their answers: several checks trace the same flow class. */
  private readonly recent: { box: Box; out: Candidates }[] = [];

  constructor(readonly rules: readonly Rule[]) {
    const n = (this.n = rules.length);
    // Interfaces are never among the dimensions a hostname or an uncertain member widens (widen.ts).
    // Named reads (match.iif, match.oif): rules' matches come in many shapes, so a keyed read is slow.
    const iifs: (NameSet | undefined)[] = new Array<NameSet | undefined>(n);
    const oifs: (NameSet | undefined)[] = new Array<NameSet | undefined>(n);
    for (let i = 0; i < n; i++) {
      const m = at(rules, i).match;
      iifs[i] = m.iif;
      oifs[i] = m.oif;
    }
    const iif = new NameColumn('iif', iifs);
    const oif = new NameColumn('oif', oifs);
    this.iif = iif.restricts ? iif : undefined;
    this.oif = oif.restricts ? oif : undefined;
  }

  /**
   * The rules, ascending, whose loose match can overlap `box` in the indexed dimensions (a superset:
   * undefined rules means every rule), with where to report the walk's progress.
   */
  candidates(box: Box): Candidates {
    const i = this.recent.findIndex((r) => sameBox(r.box, box));
    const hit = this.recent[i];
    if (hit && !hit.out.stale) return hit.out;
    if (hit) this.recent.splice(i, 1);
    const out = this.query(box);
    if (this.recent.length >= RECENT) this.recent.shift();
    this.recent.push({ box, out });
    return out;
  }

  /** The base of the box's interfaces: found among the last few, or computed from the posting lists. */
  private baseFor(box: Box): Base {
    const iq = this.iif?.narrows(box.iif) ? box.iif : undefined;
    const oq = this.oif?.narrows(box.oif) ? box.oif : undefined;
    for (const b of this.bases) if (sameKey(b.iif, iq) && sameKey(b.oif, oq)) return b;
    let rules: Int32Array | undefined;
    if (iq && this.iif) rules = this.iif.rulesFor(iq);
    if (oq && this.oif && !(rules && rules.length <= chainIndexing.few))
      rules = rules ? this.oif.filter(rules, oq) : this.oif.rulesFor(oq);
    // An exact-size copy: a cut of a larger array would keep all of it alive.
    if (rules && rules.byteOffset + rules.byteLength < rules.buffer.byteLength) rules = rules.slice();
    const base = new Base(iq, oq, rules, rules ? rules.length : this.n);
    if (this.bases.length >= MAX_BASES) this.bases.shift();
    this.bases.push(base);
    return base;
  }

  /**
   * An interval column over the base's rules, once walks have tested more than chainIndexing.buildAfter
   * times the base's rules without one (building reads each of those rules once). One column at a
   * time, in INTERVAL_DIMS order: once built, the walks it shortens bring the next one later or never.
   */
  private column(base: Base, dim: IntervalDim): IntervalColumn | null | undefined {
    const have = base.columns.get(dim);
    if (have !== undefined) return have;
    if (!base.due()) return undefined;
    base.demand = 0;
    const col = new IntervalColumn(dim, base.size);
    const ids = base.rules;
    for (let j = 0; j < base.size; j++) col.add(j, certain(at(this.rules, ids ? at(ids, j) : j).match, dim));
    col.seal();
    const kept = col.restricts ? col : null;
    base.columns.set(dim, kept);
    // Answers given before this column are supersets of what it now gives: ask again.
    this.recent.length = 0;
    return kept;
  }

  private query(box: Box): Candidates {
    const base = this.baseFor(box);
    // Positions in the base of the rules kept so far (undefined: all of them).
    let pos: Int32Array | undefined;
    let unfiltered = false;
    for (const dim of INTERVAL_DIMS) {
      const s = box[dim] as IntervalSet<Num>;
      if (s.isFull) continue;
      // Few candidates left (an interface's few rules, or after a column): no more dimensions.
      if ((pos ? pos.length : base.rules ? base.size : Number.POSITIVE_INFINITY) <= chainIndexing.few) break;
      const col = this.column(base, dim);
      if (col === undefined) unfiltered = true;
      if (!col) continue;
      const q = hulls(s, MAX_QUERY_PARTS, queryHulls);
      const out = pos ?? new Int32Array(base.size);
      pos = out.subarray(0, col.keep(pos, q, out));
    }
    if (!pos) return new Candidates(base.rules, base, unfiltered);
    const ids = base.rules;
    const rules = new Int32Array(pos.length);
    for (let j = 0; j < pos.length; j++) rules[j] = ids ? at(ids, at(pos, j)) : at(pos, j);
    return new Candidates(rules, base, unfiltered);
  }
}

/**
 * The set a rule certainly requires in one dimension: none when hostname/URL/geo or uncertain members
 * widen the dimension to anything (widen.ts), without building the widened match.
 */
function certain(m: Match, dim: IntervalDim): IntervalSet<Num> | undefined {
  const s = setOf(m, dim);
  if (!s) return undefined;
  const { symbolic, uncertain } = m;
  if (symbolic) for (const x of symbolic) if (x.field === dim) return undefined;
  if (uncertain) for (const u of uncertain) if (u.field === dim) return undefined;
  return s;
}

/** m[dim] by named reads: rules' matches come in many shapes, and a keyed read of them is slow. */
function setOf(m: Match, dim: IntervalDim): IntervalSet<Num> | undefined {
  switch (dim) {
    case 'proto':
      return m.proto;
    case 'dport':
      return m.dport;
    case 'sport':
      return m.sport;
    case 'dst':
      return m.dst;
    case 'src':
      return m.src;
  }
}

/** Per chain: its index, or, until walks have tested enough of its rules, the count of those (a Base of all rules). */
const cache = new WeakMap<Chain, { rules: readonly Rule[]; n: number; index?: ChainIndex; plain: Candidates }>();

/**
 * The rules of `chain` a walk entering it with `box` must visit (Candidates.rules, in rule order;
 * undefined for all of them), or undefined for a small chain. The index itself is built only once
 * plain walks of the chain have tested chainIndexing.buildAfter times its rules: most walks end
 * after a few rules, and then reading every rule's interfaces costs more than they do (most chains
 * of the 1,000-config directory, the RouterOS and nftables benches).
 */
export function chainCandidates(chain: Chain, box: Box): Candidates | undefined {
  const rules = chain.rules;
  const n = rules.length;
  if (n < chainIndexing.minRules) return undefined;
  let c = cache.get(chain);
  // Started again if the chain's rule list was replaced or grew since.
  if (c?.rules !== rules || c.n !== n) {
    const all = new Base(undefined, undefined, undefined, n);
    cache.set(chain, (c = { rules, n, plain: new Candidates(undefined, all, true) }));
  }
  if (!c.index) {
    if (!c.plain.stale) return c.plain;
    c.index = new ChainIndex(rules);
  }
  return c.index.candidates(box);
}
