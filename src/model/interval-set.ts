/**
 * Immutable sets of integers stored as sorted, disjoint, non-adjacent closed intervals.
 * One implementation serves ports and protocols (number) and addresses (bigint);
 * every operation is linear in the number of intervals, never in the size of the set.
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

  static of<T extends Num>(min: T, max: T, ranges: Iterable<readonly [T, T]>): IntervalSet<T> {
    // Clamp into a flat list; sort only when the input is not already in order (the usual case is
    // one range, or ranges a parser read in order).
    const flat: T[] = [];
    let sorted = true;
    for (const [lo, hi] of ranges) {
      const l = lo < min ? min : lo;
      const h = hi > max ? max : hi;
      if (l > h) continue;
      if (flat.length && l < (flat[flat.length - 2] as T)) sorted = false;
      flat.push(l, h);
    }
    if (!sorted) {
      const idx = Array.from({ length: flat.length / 2 }, (_, i) => 2 * i);
      idx.sort((x, y) => {
        const a = flat[x] as T;
        const b = flat[y] as T;
        return a < b ? -1 : a > b ? 1 : 0;
      });
      const copy = flat.slice();
      for (let i = 0; i < idx.length; i++) {
        const k = idx[i] as number;
        flat[2 * i] = copy[k] as T;
        flat[2 * i + 1] = copy[k + 1] as T;
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
      const lo = flat[i] as T;
      const hi = flat[i + 1] as T;
      if (n > 0 && lo <= succ(flat[n - 1] as T)) {
        if (hi > (flat[n - 1] as T)) flat[n - 1] = hi;
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
    for (let i = 0; i < this.bounds.length; i += 2) yield [this.bounds[i] as T, this.bounds[i + 1] as T];
  }

  has(v: T): boolean {
    // binary search over interval starts
    let lo = 0;
    let hi = this.bounds.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const a = this.bounds[2 * mid] as T;
      const b = this.bounds[2 * mid + 1] as T;
      if (v < a) hi = mid - 1;
      else if (v > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** Number of members, as a bigint (address sets can be 2^128 large). */
  size(): bigint {
    let n = 0n;
    for (let i = 0; i < this.bounds.length; i += 2) n += BigInt(this.bounds[i + 1]!) - BigInt(this.bounds[i]!) + 1n;
    return n;
  }

  union(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isFull) return this;
    if (this.isEmpty || o.isFull) return o;
    // Linear merge of two sorted lists.
    const a = this.bounds;
    const b = o.bounds;
    const flat: T[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && (a[i] as T) <= (b[j] as T))) {
        flat.push(a[i] as T, a[i + 1] as T);
        i += 2;
      } else {
        flat.push(b[j] as T, b[j + 1] as T);
        j += 2;
      }
    }
    return IntervalSet.fromSorted(this.min, this.max, flat);
  }

  intersect(o: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || o.isFull) return this;
    if (o.isEmpty || this.isFull) return o;
    // No allocation when one set already lies inside the other (a family universe, a port range).
    if (this.isSubsetOf(o)) return this;
    if (o.isSubsetOf(this)) return o;
    const a = this.bounds;
    const b = o.bounds;
    const out: T[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      const lo = (a[i]! > b[j]! ? a[i] : b[j]) as T;
      const hi = (a[i + 1]! < b[j + 1]! ? a[i + 1] : b[j + 1]) as T;
      if (lo <= hi) out.push(lo, hi);
      if (a[i + 1]! < b[j + 1]!) i += 2;
      else j += 2;
    }
    return new IntervalSet<T>(exact(out), this.min, this.max);
  }

  /** True when the sets share at least one member; no allocation. */
  overlaps(o: IntervalSet<T>): boolean {
    const a = this.bounds;
    const b = o.bounds;
    let i = 0;
    let j = 0;
    while (i < a.length && j < b.length) {
      if (a[i + 1]! < b[j]!) i += 2;
      else if (b[j + 1]! < a[i]!) j += 2;
      else return true;
    }
    return false;
  }

  complement(): IntervalSet<T> {
    const out: T[] = [];
    let next: T = this.min;
    let open = true;
    for (let i = 0; i < this.bounds.length; i += 2) {
      const lo = this.bounds[i] as T;
      const hi = this.bounds[i + 1] as T;
      if (lo > next) out.push(next, pred(lo));
      if (hi === this.max) {
        open = false;
        break;
      }
      next = succ(hi);
    }
    if (open && (this.bounds.length === 0 || (this.bounds[this.bounds.length - 1] as T) < this.max))
      out.push(next, this.max);
    return new IntervalSet<T>(exact(out), this.min, this.max);
  }

  subtract(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isEmpty) return this;
    if (!this.overlaps(o)) return this;
    // One pass over both lists: each interval of this set minus the intervals of o it meets.
    const a = this.bounds;
    const b = o.bounds;
    const out: T[] = [];
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      let lo = a[i] as T;
      const hi = a[i + 1] as T;
      while (j < b.length && (b[j + 1] as T) < lo) j += 2;
      let k = j;
      let open = true;
      while (k < b.length && (b[k] as T) <= hi) {
        const blo = b[k] as T;
        const bhi = b[k + 1] as T;
        if (blo > lo) out.push(lo, pred(blo));
        if (bhi >= hi) {
          open = false;
          break;
        }
        lo = succ(bhi);
        k += 2;
      }
      if (open) out.push(lo, hi);
    }
    return new IntervalSet<T>(exact(out), this.min, this.max);
  }

  /** True when every member of this set is in o. */
  isSubsetOf(o: IntervalSet<T>): boolean {
    // o is canonical (disjoint, non-adjacent), so each interval of this set lies inside one of o's.
    const a = this.bounds;
    const b = o.bounds;
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      while (j < b.length && (b[j + 1] as T) < (a[i] as T)) j += 2;
      if (j >= b.length || (b[j] as T) > (a[i] as T) || (b[j + 1] as T) < (a[i + 1] as T)) return false;
    }
    return true;
  }

  equals(o: IntervalSet<T>): boolean {
    if (this.bounds.length !== o.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) if (this.bounds[i] !== o.bounds[i]) return false;
    return true;
  }
}

/**
 * A list grown by push keeps spare capacity (a 2-element list can hold 17); sets live as long as the
 * model, so they keep an exact copy. Copying is linear, like building the list was.
 */
function exact<T>(list: T[]): T[] {
  return list.length === 0 ? EMPTY : list.slice();
}
const EMPTY: never[] = [];

function succ<T extends Num>(v: T): T {
  return (typeof v === 'bigint' ? v + 1n : (v as number) + 1) as T;
}

function pred<T extends Num>(v: T): T {
  return (typeof v === 'bigint' ? v - 1n : (v as number) - 1) as T;
}
