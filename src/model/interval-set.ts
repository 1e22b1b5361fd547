/**
 * Immutable sets of integers stored as sorted, disjoint, non-adjacent closed intervals.
 * One implementation serves ports and protocols (number) and addresses (bigint).
 *
 * Cost: operations between a small set (s intervals) and a large one (b intervals) gallop through the
 * large one (exponential then binary search), so tests (overlaps, isSubsetOf) and results no larger
 * than the small side (intersect, this.subtract(large)) cost O(s × log b), not O(s + b). A rule's
 * one network against an address list of 100k entries is a few dozen comparisons. Results that
 * contain the large side (union, large.subtract(small)) copy it, which is linear in it.
 */
type Num = number | bigint;

export class IntervalSet<T extends Num> {
  /** Flat list: lo0, hi0, lo1, hi1, ... (inclusive bounds). */
  readonly bounds: readonly T[];
  readonly min: T;
  readonly max: T;

  private constructor(bounds: readonly T[], min: T, max: T) {
    this.bounds = bounds;
    this.min = min;
    this.max = max;
  }

  static empty<T extends Num>(min: T, max: T): IntervalSet<T> {
    return new IntervalSet<T>([], min, max);
  }

  static full<T extends Num>(min: T, max: T): IntervalSet<T> {
    return new IntervalSet<T>([min, max], min, max);
  }

  /** One interval [lo, hi] clamped to [min, max] (empty when nothing is left): no list of pairs to build. */
  static range<T extends Num>(min: T, max: T, lo: T, hi: T): IntervalSet<T> {
    const l = lo < min ? min : lo;
    const h = hi > max ? max : hi;
    return new IntervalSet<T>(l > h ? EMPTY : [l, h], min, max);
  }

  static of<T extends Num>(min: T, max: T, ranges: Iterable<readonly [T, T]>): IntervalSet<T> {
    // Clamp into a flat list; sort only when the input is not already in order (the usual case is
    // one range, or ranges a parser read in order).
    const flat: T[] = [];
    let sorted = true;
    for (const [lo, hi] of ranges) {
      const l = lo < min ? min : lo;
      const h = hi > max ? max : hi;
      if (l > h) continue;
      if (flat.length > 0 && l < at(flat, flat.length - 2)) sorted = false;
      flat.push(l, h);
    }
    if (!sorted) {
      const idx = Array.from({ length: flat.length / 2 }, (_, i) => 2 * i);
      idx.sort((x, y) => {
        const a = at(flat, x);
        const b = at(flat, y);
        return a < b ? -1 : a > b ? 1 : 0;
      });
      const copy = flat.slice();
      for (const [i, k] of idx.entries()) {
        flat[2 * i] = at(copy, k);
        flat[2 * i + 1] = at(copy, k + 1);
      }
    }
    return IntervalSet.fromSorted(min, max, flat);
  }

  /**
   * From a flat list lo0, hi0, lo1, hi1, … already ordered by lo (bounds within [min, max], lo <= hi):
   * one pass merging overlapping and adjacent intervals. The list may be reused as the result.
   */
  static fromSorted<T extends Num>(min: T, max: T, flat: T[]): IntervalSet<T> {
    let n = 0;
    for (let i = 0; i < flat.length; i += 2) {
      const lo = at(flat, i);
      const hi = at(flat, i + 1);
      if (n > 0 && lo <= succ(at(flat, n - 1))) {
        if (hi > at(flat, n - 1)) flat[n - 1] = hi;
      } else {
        flat[n++] = lo;
        flat[n++] = hi;
      }
    }
    flat.length = n;
    return new IntervalSet<T>(exact(flat), min, max);
  }

  get isEmpty(): boolean {
    return this.bounds.length === 0;
  }

  get isFull(): boolean {
    return this.bounds.length === 2 && this.bounds[0] === this.min && this.bounds[1] === this.max;
  }

  get intervalCount(): number {
    return this.bounds.length / 2;
  }

  *intervals(): IterableIterator<[T, T]> {
    const b = this.bounds;
    for (let i = 0; i < b.length; i += 2) yield [at(b, i), at(b, i + 1)];
  }

  has(v: T): boolean {
    const b = this.bounds;
    const k = seek(b, 0, v);
    return k < b.length && at(b, k) <= v;
  }

  /** Number of members, as a bigint (address sets can be 2^128 large). */
  size(): bigint {
    const b = this.bounds;
    let n = 0n;
    for (let i = 0; i < b.length; i += 2) n += BigInt(at(b, i + 1)) - BigInt(at(b, i)) + 1n;
    return n;
  }

  union(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isFull) return this;
    if (this.isEmpty || o.isFull) return o;
    // Each interval of the smaller side goes where it belongs in the larger; the larger side's runs
    // in between are copied as they are.
    const [small, big] = this.bounds.length <= o.bounds.length ? [this.bounds, o.bounds] : [o.bounds, this.bounds];
    const flat: T[] = [];
    let j = 0;
    for (let i = 0; i < small.length; i += 2) {
      const lo = at(small, i);
      const k = seekStart(big, j, lo);
      for (; j < k; j++) flat.push(at(big, j));
      flat.push(lo, at(small, i + 1));
    }
    for (; j < big.length; j++) flat.push(at(big, j));
    return IntervalSet.fromSorted(this.min, this.max, flat);
  }

  intersect(o: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || o.isFull) return this;
    if (o.isEmpty || this.isFull) return o;
    // No allocation when one set already lies inside the other (a family universe, a port range).
    if (this.isSubsetOf(o)) return this;
    if (o.isSubsetOf(this)) return o;
    // Each interval of the smaller side meets the larger side's intervals from the first that ends
    // at or after its start; those are found by galloping.
    const [small, big] = this.bounds.length <= o.bounds.length ? [this.bounds, o.bounds] : [o.bounds, this.bounds];
    const out: T[] = [];
    let j = 0;
    for (let i = 0; i < small.length && j < big.length; i += 2) {
      const lo = at(small, i);
      const hi = at(small, i + 1);
      j = seek(big, j, lo);
      for (let k = j; k < big.length; k += 2) {
        const blo = at(big, k);
        if (blo > hi) break;
        const bhi = at(big, k + 1);
        out.push(blo > lo ? blo : lo, bhi < hi ? bhi : hi);
        if (bhi >= hi) break;
      }
    }
    return new IntervalSet<T>(exact(out), this.min, this.max);
  }

  /** True when the sets share at least one member; no allocation, O(s × log b). */
  overlaps(o: IntervalSet<T>): boolean {
    const [small, big] = this.bounds.length <= o.bounds.length ? [this.bounds, o.bounds] : [o.bounds, this.bounds];
    let j = 0;
    for (let i = 0; i < small.length; i += 2) {
      j = seek(big, j, at(small, i));
      if (j >= big.length) return false;
      if (at(big, j) <= at(small, i + 1)) return true;
    }
    return false;
  }

  complement(): IntervalSet<T> {
    const b = this.bounds;
    const out: T[] = [];
    let next: T = this.min;
    let open = true;
    for (let i = 0; i < b.length; i += 2) {
      const lo = at(b, i);
      const hi = at(b, i + 1);
      if (lo > next) out.push(next, pred(lo));
      if (hi === this.max) {
        open = false;
        break;
      }
      next = succ(hi);
    }
    if (open) out.push(next, this.max);
    return new IntervalSet<T>(exact(out), this.min, this.max);
  }

  subtract(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isEmpty) return this;
    if (!this.overlaps(o)) return this;
    const a = this.bounds;
    const b = o.bounds;
    const out: T[] = [];
    if (a.length <= b.length) {
      // Each interval of this set minus the intervals of o it meets, found by galloping through o.
      let j = 0;
      for (let i = 0; i < a.length; i += 2) {
        let lo = at(a, i);
        const hi = at(a, i + 1);
        j = seek(b, j, lo);
        let open = true;
        for (let k = j; k < b.length; k += 2) {
          const blo = at(b, k);
          if (blo > hi) break;
          const bhi = at(b, k + 1);
          if (blo > lo) out.push(lo, pred(blo));
          if (bhi >= hi) {
            open = false;
            break;
          }
          lo = succ(bhi);
        }
        if (open) out.push(lo, hi);
      }
    } else {
      // This set is the larger: copy its runs untouched by o, and cut the intervals each of o's meets.
      let i = 0;
      /** Start of the interval at i when an earlier cut left only its upper part. */
      let pendingLo: T | undefined;
      for (let k = 0; k < b.length; k += 2) {
        const blo = at(b, k);
        const bhi = at(b, k + 1);
        const first = seek(a, i, blo);
        if (first > i) {
          if (pendingLo !== undefined) out.push(pendingLo, at(a, i + 1));
          for (let m = pendingLo !== undefined ? i + 2 : i; m < first; m++) out.push(at(a, m));
          pendingLo = undefined;
          i = first;
        }
        for (; i < a.length; i += 2) {
          const lo = pendingLo ?? at(a, i);
          if (lo > bhi) break;
          const hi = at(a, i + 1);
          if (lo < blo) out.push(lo, pred(blo));
          if (hi > bhi) {
            pendingLo = succ(bhi);
            break;
          }
          pendingLo = undefined;
        }
      }
      if (i < a.length) {
        out.push(pendingLo ?? at(a, i), at(a, i + 1));
        for (let m = i + 2; m < a.length; m++) out.push(at(a, m));
      }
    }
    return new IntervalSet<T>(exact(out), this.min, this.max);
  }

  /** True when every member of this set is in o; O(min × log max) in the interval counts. */
  isSubsetOf(o: IntervalSet<T>): boolean {
    // o is canonical (disjoint, non-adjacent), so each interval of this set lies inside one of o's.
    const a = this.bounds;
    const b = o.bounds;
    if (a.length <= b.length) {
      let j = 0;
      for (let i = 0; i < a.length; i += 2) {
        j = seek(b, j, at(a, i));
        if (j >= b.length || at(b, j) > at(a, i) || at(b, j + 1) < at(a, i + 1)) return false;
      }
      return true;
    }
    // This set is the larger: each of o's intervals holds a run of this set's; nothing may fall between.
    let i = 0;
    for (let k = 0; k < b.length && i < a.length; k += 2) {
      if (at(a, i) < at(b, k)) return false;
      const next = seekStart(a, i, succ(at(b, k + 1)));
      if (next > i) {
        if (at(a, next - 1) > at(b, k + 1)) return false;
        i = next;
      }
    }
    return i >= a.length;
  }

  equals(o: IntervalSet<T>): boolean {
    if (this.bounds.length !== o.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) if (this.bounds[i] !== o.bounds[i]) return false;
    return true;
  }
}

/** The element at i of a list the caller indexes within bounds (a clear error otherwise, never undefined). */
function at<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw new RangeError(`interval-set: index ${String(i)} outside ${String(list.length)} bounds`);
  return v;
}

/**
 * Galloping search in a flat bounds list: the first even index k >= from whose interval ends at or
 * after v (b[k + 1] >= v), or b.length. Steps double from `from`, then a binary search narrows the
 * last step: O(log d) for a result d intervals away, so a walk through a large list that gallops
 * from its last position costs O(s × log(b / s)) over s searches.
 */
function seek<T extends Num>(b: readonly T[], from: number, v: T): number {
  return gallop(b, from, v, 1);
}

/** As seek, for the first even index k >= from whose interval starts at or after v (b[k] >= v), or b.length. */
function seekStart<T extends Num>(b: readonly T[], from: number, v: T): number {
  return gallop(b, from, v, 0);
}

/** First even k >= from with b[k + side] >= v (b[k + side] ascends with k), or b.length. */
function gallop<T extends Num>(b: readonly T[], from: number, v: T, side: 0 | 1): number {
  const n = b.length;
  if (from >= n || at(b, from + side) >= v) return from;
  // Invariant: b[lo + side] < v; b[hi + side] >= v or hi = n.
  let lo = from;
  let step = 2;
  let hi = from + step;
  while (hi < n && at(b, hi + side) < v) {
    lo = hi;
    step *= 2;
    hi = lo + step;
  }
  if (hi > n) hi = n;
  while (hi - lo > 2) {
    const mid = lo + (((hi - lo) >> 2) << 1);
    if (at(b, mid + side) < v) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * A list grown by push keeps spare capacity (a 2-element list can hold 17); sets live as long as the
 * model, so they keep an exact copy. Copying is linear, like building the list was.
 */
function exact<T>(list: T[]): T[] {
  return list.length === 0 ? EMPTY : list.slice();
}
const EMPTY: never[] = [];

/** The next integer: T is number or bigint, which TypeScript cannot narrow on a type parameter. */
function succ<T extends Num>(v: T): T {
  const n: Num = v;
  return (typeof n === 'bigint' ? n + 1n : n + 1) as T;
}

function pred<T extends Num>(v: T): T {
  const n: Num = v;
  return (typeof n === 'bigint' ? n - 1n : n - 1) as T;
}
