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
 * The interface columns are built with the index; an interval column only once the queries have
 * asked it for enough candidates (chainIndexing.buildAfter): reading 100k rules' address sets costs
 * more than testing the candidates of the few flow classes a lint traces (measured, issue 15).
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
   * An address, port or protocol column is built once queries would have filtered more than this
   * many times the chain's rules with it: a few queries test their candidates exactly for less.
   */
  buildAfter: 3,
};

type Num = number | bigint;
type IntervalDim = 'proto' | 'dport' | 'sport' | 'dst' | 'src';
type NameDim = 'iif' | 'oif';
const INTERVAL_DIMS: readonly IntervalDim[] = ['proto', 'dport', 'dst', 'src', 'sport'];
const NAME_DIMS: readonly NameDim[] = ['iif', 'oif'];
/** Queries remembered per chain. */
const RECENT = 8;
/** A query set with more intervals than this is tested by this many hulls of consecutive intervals. */
const MAX_QUERY_PARTS = 64;
/** A query with more interface names than this does not narrow that dimension. */
const MAX_QUERY_NAMES = 64;
/** A rule's set with more intervals is indexed by this many hulls of consecutive intervals. */
const MAX_SET_PARTS = 8;

const NONE = new Float64Array(0);
const ruleHulls = new WeakMap<IntervalSet<Num>, Float64Array>();
const queryHulls = new WeakMap<IntervalSet<Num>, Float64Array>();

/**
 * At most `max` hulls of consecutive intervals of a set, as flat doubles lo0, hi0, lo1, hi1, …
 * (ascending; rounding may make neighbours touch). Cached per set: address lists are shared.
 */
function hulls(s: IntervalSet<Num>, max: number, cache: WeakMap<IntervalSet<Num>, Float64Array>): Float64Array {
  let h = cache.get(s);
  if (h) return h;
  const b = s.bounds;
  const count = b.length / 2;
  const step = Math.max(1, Math.ceil(count / max));
  h = new Float64Array(2 * Math.ceil(count / step));
  let j = 0;
  for (let k = 0; k < count; k += step) {
    const last = Math.min(k + step, count) - 1;
    h[j++] = Number(at(b, 2 * k));
    h[j++] = Number(at(b, 2 * last + 1));
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
  private readonly los: number[] = [];
  private readonly his: number[] = [];
  lo: Float64Array = NONE;
  hi: Float64Array = NONE;
  restricts = false;

  constructor(
    readonly dim: IntervalDim,
    n: number,
  ) {
    this.off = new Int32Array(n + 1);
  }

  /** Adds rule i's set (rules are added in order). */
  add(i: number, s: IntervalSet<Num> | undefined): void {
    if (!s) {
      this.los.push(Number.NEGATIVE_INFINITY);
      this.his.push(Number.POSITIVE_INFINITY);
    } else {
      const b = s.bounds;
      if (b.length === 2) {
        // One interval (the usual case): no hull to cache; the full range requires nothing.
        const lo = at(b, 0);
        const hi = at(b, 1);
        const full = lo === s.min && hi === s.max;
        if (!full) this.restricts = true;
        this.los.push(full ? Number.NEGATIVE_INFINITY : Number(lo));
        this.his.push(full ? Number.POSITIVE_INFINITY : Number(hi));
      } else {
        this.restricts = true;
        const h = b.length === 0 ? NONE : hulls(s, MAX_SET_PARTS, ruleHulls);
        for (let k = 0; k < h.length; k += 2) {
          this.los.push(at(h, k));
          this.his.push(at(h, k + 1));
        }
      }
    }
    this.off[i + 1] = this.los.length;
  }

  /** Done adding: the hulls as typed arrays. */
  seal(): void {
    this.lo = Float64Array.from(this.los);
    this.hi = Float64Array.from(this.his);
    this.los.length = 0;
    this.his.length = 0;
  }

  matches(i: number, q: Float64Array): boolean {
    return overlapsAny(this.lo, this.hi, at(this.off, i), at(this.off, i + 1), q);
  }
}

/** Two ascending lists without common elements, merged. */
function merge(a: readonly number[], b: readonly number[]): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < a.length && j < b.length) out[w++] = at(a, i) < at(b, j) ? at(a, i++) : at(b, j++);
  while (i < a.length) out[w++] = at(a, i++);
  while (j < b.length) out[w++] = at(b, j++);
  return out;
}

/** One interface dimension: posting lists per name, the rules that name none (wild), and each rule's names. */
class NameColumn {
  readonly wild: number[] = [];
  /** Per name id, the rules naming it (ascending). */
  private readonly postings: number[][] = [];
  /** Per rule: 1 when it does not restrict this dimension (absent or negated list). */
  readonly isWild: Uint8Array;
  private readonly off: Int32Array;
  private readonly idOf = new Map<string, number>();

  private readonly idList: number[] = [];
  private ids: Int32Array = new Int32Array(0);
  private mark: Uint8Array = new Uint8Array(0);

  constructor(
    readonly dim: NameDim,
    n: number,
  ) {
    this.isWild = new Uint8Array(n);
    this.off = new Int32Array(n + 1);
  }

  /** Adds rule i's list of names (rules are added in order). */
  add(i: number, s: NameSet | undefined): void {
    // A negated list ("any interface except wan") overlaps almost anything: a candidate always.
    if (!s || s.negated) {
      this.isWild[i] = 1;
      this.wild.push(i);
    } else
      for (const name of s.names) {
        let id = this.idOf.get(name);
        let rules = id === undefined ? undefined : this.postings[id];
        if (id === undefined || !rules) {
          id = this.idOf.size;
          this.idOf.set(name, id);
          this.postings.push((rules = []));
        }
        rules.push(i);
        this.idList.push(id);
      }
    this.off[i + 1] = this.idList.length;
  }

  /** Done adding. */
  seal(): void {
    this.ids = Int32Array.from(this.idList);
    this.idList.length = 0;
    this.mark = new Uint8Array(this.idOf.size);
  }

  /** Whether some rule restricts this dimension. */
  get restricts(): boolean {
    return this.wild.length < this.isWild.length;
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
    if (lists.length === 1) return Int32Array.from(this.wild);
    // One interface (the usual query): the wild rules and its own, two disjoint ascending lists merged.
    if (lists.length === 2 && wild && one) return merge(wild, one);
    const seen = new Uint8Array(this.isWild.length);
    for (const l of lists) for (const i of l) seen[i] = 1;
    const out = new Int32Array(seen.length);
    let w = 0;
    for (let i = 0; i < seen.length; i++) if (seen[i] === 1) out[w++] = i;
    return out.subarray(0, w);
  }

  /** Keeps the rules of `cand` that can overlap q. */
  filter(cand: Int32Array, q: NameSet): Int32Array {
    this.mark.fill(0);
    for (const name of q.names) {
      const id = this.idOf.get(name);
      if (id !== undefined) this.mark[id] = 1;
    }
    let w = 0;
    for (const i of cand) {
      let ok = this.isWild[i] === 1;
      for (let k = at(this.off, i); !ok && k < at(this.off, i + 1); k++) ok = this.mark[at(this.ids, k)] === 1;
      if (ok) cand[w++] = i;
    }
    return cand.subarray(0, w);
  }
}

export class ChainIndex {
  readonly n: number;
  private readonly names: NameColumn[] = [];
  /** Interval columns built so far (null: built, and no rule restricts the dimension). */
  private readonly built = new Map<IntervalDim, IntervalColumn | null>();
  /** Per interval dimension, the candidates queries would have filtered had its column existed. */
  private readonly demand = new Map<IntervalDim, number>();
  /** The last few queries and their answers: several checks trace the same flow class. */
  private readonly recent: { box: Box; out: number[] | undefined }[] = [];

  constructor(readonly rules: readonly Rule[]) {
    const n = (this.n = rules.length);
    // Interfaces are never among the dimensions a hostname or an uncertain member widens (widen.ts).
    for (const dim of NAME_DIMS) {
      const col = new NameColumn(dim, n);
      for (let i = 0; i < n; i++) col.add(i, at(rules, i).match[dim]);
      col.seal();
      if (col.restricts) this.names.push(col);
    }
  }

  /**
   * The column of an interval dimension once queries have asked it for more than
   * chainIndexing.buildAfter × n candidates in all (building it reads every rule once); before, the
   * dimension is not filtered on (the answer stays a superset).
   */
  private column(dim: IntervalDim, asked: number): IntervalColumn | undefined {
    const have = this.built.get(dim);
    if (have !== undefined) return have ?? undefined;
    const demand = (this.demand.get(dim) ?? 0) + asked;
    this.demand.set(dim, demand);
    if (demand <= chainIndexing.buildAfter * this.n) return undefined;
    const col = new IntervalColumn(dim, this.n);
    for (let i = 0; i < this.n; i++) col.add(i, certain(at(this.rules, i).match, dim));
    col.seal();
    this.built.set(dim, col.restricts ? col : null);
    return col.restricts ? col : undefined;
  }

  /**
   * The indices, ascending, of the rules whose loose match can overlap `box` in the indexed
   * dimensions; undefined when no dimension narrows the choice (every rule is a candidate).
   */
  candidates(box: Box): number[] | undefined {
    for (const r of this.recent) if (sameBox(r.box, box)) return r.out;
    const out = this.query(box);
    if (this.recent.length >= RECENT) this.recent.shift();
    this.recent.push({ box, out });
    return out;
  }

  private query(box: Box): number[] | undefined {
    let cand: Int32Array | undefined;
    const few = (): boolean => cand !== undefined && cand.length <= chainIndexing.few;
    // Interfaces first: the posting lists of the box's interfaces, without looking at other rules.
    for (const col of this.names) {
      const q: NameSet = box[col.dim];
      if (!col.narrows(q)) continue;
      if (few()) break;
      cand = cand ? col.filter(cand, q) : col.rulesFor(q);
    }
    for (const dim of INTERVAL_DIMS) {
      const s = box[dim] as IntervalSet<Num>;
      if (s.isFull) continue;
      if (few()) break;
      const col = this.column(dim, cand ? cand.length : this.n);
      if (!col) continue;
      const q = hulls(s, MAX_QUERY_PARTS, queryHulls);
      let w = 0;
      if (!cand) {
        cand = new Int32Array(this.n);
        for (let i = 0; i < this.n; i++) if (col.matches(i, q)) cand[w++] = i;
      } else for (const i of cand) if (col.matches(i, q)) cand[w++] = i;
      cand = cand.subarray(0, w);
    }
    return cand ? Array.from(cand) : undefined;
  }
}

/**
 * The set a rule certainly requires in one dimension: none when hostname/URL/geo or uncertain members
 * widen the dimension to anything (widen.ts), without building the widened match.
 */
function certain(m: Match, dim: IntervalDim): IntervalSet<Num> | undefined {
  const s = m[dim];
  if (!s) return undefined;
  if (m.symbolic?.some((x) => x.field === dim) || m.uncertain?.some((u) => u.field === dim)) return undefined;
  return s;
}

const cache = new WeakMap<Chain, ChainIndex>();

/**
 * The rules of `chain` a walk entering it with `box` must visit, as indices in rule order, or
 * undefined for all of them (small chains, or nothing to filter on).
 */
export function chainCandidates(chain: Chain, box: Box): number[] | undefined {
  if (chain.rules.length < chainIndexing.minRules) return undefined;
  let ix = cache.get(chain);
  // Rebuilt if the chain's rule list was replaced or grew since it was compiled.
  if (ix?.rules !== chain.rules || ix.n !== chain.rules.length) cache.set(chain, (ix = new ChainIndex(chain.rules)));
  return ix.candidates(box);
}
