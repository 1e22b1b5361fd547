import type { Box } from '../model/box.js';
import type { IntervalSet } from '../model/interval-set.js';
import type { NameSet } from '../model/name-set.js';
import type { Chain, Match, Rule } from '../model/policy.js';
import { at } from './at.js';
import { widened } from './widen.js';

/**
 * A compiled form of a chain (issue 15): for each dimension rules restrict, which rules can overlap
 * a given value, so a flow class entering the chain visits only the rules it can overlap instead of
 * every rule. Built once per chain, on first use, and cached per Chain object.
 *
 * The index answers a superset: `candidates(box)` lists, in rule order, every rule whose loose match
 * (the match with hostname/URL/geo dimensions widened to anything, see evaluate.ts noteMaybe) overlaps
 * the box in the indexed dimensions. The engine still tests each candidate exactly; a rule left out
 * cannot overlap the box, so the plain walk would have passed the box through it unchanged.
 *
 * Indexed dimensions: iif, oif (names), proto, dport, sport, dst, src (intervals). Not state and
 * nat: within a chain walk they are the only dimensions a piece can widen (notrack sets the state),
 * every other dimension of every piece stays inside the box that entered the chain, so one query per
 * chain walk serves all the pieces the walk splits off.
 */

export const chainIndexing = {
  /** Chains with fewer rules are walked plainly (the query would cost more than it saves). */
  minRules: 24,
  /** Once this few candidates are left, the remaining dimensions are not queried. */
  few: 16,
};

type Num = number | bigint;
type IntervalDim = 'proto' | 'dport' | 'sport' | 'dst' | 'src';
type NameDim = 'iif' | 'oif';
const INTERVAL_DIMS: readonly IntervalDim[] = ['proto', 'dport', 'dst', 'src', 'sport'];
const NAME_DIMS: readonly NameDim[] = ['iif', 'oif'];
/** A query set with more intervals (or names) than this is not worth filtering on in that dimension. */
const MAX_QUERY_PARTS = 64;
/** A rule's set with more intervals is indexed by this many hulls of consecutive intervals. */
const MAX_SET_PARTS = 16;

type Bits = Uint32Array;

function and(acc: Bits | undefined, b: Bits): Bits {
  if (!acc) return b;
  for (let w = 0; w < acc.length; w++) acc[w] = (acc[w] ?? 0) & (b[w] ?? 0);
  return acc;
}

function count(b: Bits): number {
  let n = 0;
  for (let x of b) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    n += (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return n;
}

function setBit(b: Bits, i: number): void {
  b[i >>> 5] = (b[i >>> 5] ?? 0) | (1 << (i & 31));
}

/**
 * Rules restricting one interval dimension, as a static interval tree: the distinct sets the rules
 * use (an address list referenced by many rules is indexed once), their intervals sorted by start, an
 * implicit balanced tree over the sorted array, each node holding the largest end below it. A set of
 * many intervals is indexed by at most MAX_SET_PARTS hulls of consecutive intervals: a superset.
 */
class IntervalIndex {
  private readonly lo: Num[] = [];
  private readonly hi: Num[] = [];
  private readonly set: number[] = [];
  private readonly maxHi: Num[] = [];
  /** Per distinct set, the rules that use it. */
  private readonly rulesOf: number[][] = [];
  /** Per distinct set, the query that last marked it (so a set hit by several intervals is marked once). */
  private readonly seen: Uint32Array;
  private query = 0;

  constructor(
    readonly dim: IntervalDim,
    /** Rules that do not restrict this dimension: candidates whatever the query. */
    readonly wild: Bits,
    sets: Map<IntervalSet<Num>, number[]>,
  ) {
    const entries: { lo: Num; hi: Num; set: number }[] = [];
    for (const [s, rules] of sets) {
      const id = this.rulesOf.length;
      this.rulesOf.push(rules);
      const count = s.bounds.length / 2;
      const step = Math.ceil(count / MAX_SET_PARTS);
      for (let k = 0; k < count; k += step) {
        const last = Math.min(k + step, count) - 1;
        entries.push({ lo: at(s.bounds, 2 * k), hi: at(s.bounds, 2 * last + 1), set: id });
      }
    }
    this.seen = new Uint32Array(this.rulesOf.length);
    entries.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    for (const e of entries) {
      this.lo.push(e.lo);
      this.hi.push(e.hi);
      this.set.push(e.set);
      this.maxHi.push(e.hi);
    }
    this.build(0, entries.length);
  }

  private build(l: number, r: number): Num | undefined {
    if (l >= r) return undefined;
    const mid = (l + r) >> 1;
    let m = at(this.hi, mid);
    const a = this.build(l, mid);
    const b = this.build(mid + 1, r);
    if (a !== undefined && a > m) m = a;
    if (b !== undefined && b > m) m = b;
    this.maxHi[mid] = m;
    return m;
  }

  /** Candidates in this dimension for the query set q: the wild rules and those whose set overlaps q. */
  candidates(q: IntervalSet<Num>): Bits {
    const out = this.wild.slice();
    this.query++;
    for (let k = 0; k < q.bounds.length; k += 2)
      this.mark(0, this.lo.length, at(q.bounds, k), at(q.bounds, k + 1), out);
    return out;
  }

  /** Marks in `out` the rules of every set with an indexed interval overlapping [a, b]. */
  private mark(l: number, r: number, a: Num, b: Num, out: Bits): void {
    while (l < r) {
      const mid = (l + r) >> 1;
      if (at(this.maxHi, mid) < a) return;
      this.mark(l, mid, a, b, out);
      if (at(this.lo, mid) > b) return;
      const id = at(this.set, mid);
      if (at(this.hi, mid) >= a && this.seen[id] !== this.query) {
        this.seen[id] = this.query;
        for (const i of at(this.rulesOf, id)) setBit(out, i);
      }
      l = mid + 1;
    }
  }
}

/** Rules restricting an interface dimension to a list of names. */
interface NameIndex {
  dim: NameDim;
  wild: Bits;
  byName: Map<string, Bits>;
}

export class ChainIndex {
  readonly n: number;
  private readonly words: number;
  private readonly intervals: IntervalIndex[] = [];
  private readonly names: NameIndex[] = [];

  constructor(readonly rules: readonly Rule[]) {
    this.n = rules.length;
    this.words = (this.n + 31) >>> 5;
    const matches = rules.map(indexedMatch);
    for (const dim of INTERVAL_DIMS) {
      const wild = this.bits();
      const sets = new Map<IntervalSet<Num>, number[]>();
      matches.forEach((m, i) => {
        const s = m[dim] as IntervalSet<Num> | undefined;
        if (!s || s.isFull) setBit(wild, i);
        else {
          const rules = sets.get(s);
          if (rules) rules.push(i);
          else sets.set(s, [i]);
        }
      });
      if (sets.size > 0) this.intervals.push(new IntervalIndex(dim, wild, sets));
    }
    for (const dim of NAME_DIMS) {
      const wild = this.bits();
      const byName = new Map<string, Bits>();
      matches.forEach((m, i) => {
        const s = m[dim];
        // A negated list ("any interface except wan") overlaps almost anything: a candidate always.
        if (!s || s.negated) setBit(wild, i);
        else
          for (const name of s.names) {
            let b = byName.get(name);
            if (!b) byName.set(name, (b = this.bits()));
            setBit(b, i);
          }
      });
      if (byName.size > 0) this.names.push({ dim, wild, byName });
    }
  }

  private bits(): Bits {
    return new Uint32Array(this.words);
  }

  /**
   * The indices, ascending, of the rules whose loose match can overlap `box` in the indexed
   * dimensions; undefined when no dimension narrows the choice (every rule is a candidate).
   */
  candidates(box: Box): number[] | undefined {
    let acc: Bits | undefined;
    // Interfaces and ports first (cheap); once few candidates are left the engine's exact test is
    // cheaper than querying the address dimensions.
    for (const ix of this.names) {
      if (acc && count(acc) <= chainIndexing.few) break;
      const q: NameSet = box[ix.dim];
      if (q.negated || q.names.size > MAX_QUERY_PARTS) continue;
      const b = ix.wild.slice();
      for (const name of q.names) {
        const m = ix.byName.get(name);
        if (m) for (let w = 0; w < this.words; w++) b[w] = at(b, w) | at(m, w);
      }
      acc = and(acc, b);
    }
    for (const ix of this.intervals) {
      if (acc && count(acc) <= chainIndexing.few) break;
      const q = box[ix.dim] as IntervalSet<Num>;
      if (q.isFull || q.bounds.length > 2 * MAX_QUERY_PARTS) continue;
      acc = and(acc, ix.candidates(q));
    }
    if (!acc) return undefined;
    const out: number[] = [];
    for (let w = 0; w < this.words; w++) {
      let x = at(acc, w);
      while (x !== 0) {
        const low = x & -x;
        out.push((w << 5) + 31 - Math.clz32(low));
        x ^= low;
      }
    }
    return out;
  }
}

/** The dimensions a rule certainly restricts: hostname/URL/geo and uncertain members widen theirs to anything. */
function indexedMatch(rule: Rule): Match {
  return widened(rule.match);
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
