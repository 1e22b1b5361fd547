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
    const list: [T, T][] = [];
    for (const [lo, hi] of ranges) {
      const l = lo < min ? min : lo;
      const h = hi > max ? max : hi;
      if (l <= h) list.push([l, h]);
    }
    list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const out: T[] = [];
    for (const [lo, hi] of list) {
      const n = out.length;
      if (n > 0 && lo <= succ(out[n - 1] as T)) {
        if (hi > (out[n - 1] as T)) out[n - 1] = hi;
      } else {
        out.push(lo, hi);
      }
    }
    return new IntervalSet<T>(out, min, max);
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
    const pairs: [T, T][] = [];
    for (const p of this.intervals()) pairs.push(p);
    for (const p of o.intervals()) pairs.push(p);
    return IntervalSet.of(this.min, this.max, pairs);
  }

  intersect(o: IntervalSet<T>): IntervalSet<T> {
    if (this.isEmpty || o.isFull) return this;
    if (o.isEmpty || this.isFull) return o;
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
    return new IntervalSet<T>(out, this.min, this.max);
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
    return new IntervalSet<T>(out, this.min, this.max);
  }

  subtract(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isEmpty) return this;
    if (!this.overlaps(o)) return this;
    return this.intersect(o.complement());
  }

  /** True when every member of this set is in o. */
  isSubsetOf(o: IntervalSet<T>): boolean {
    return this.subtract(o).isEmpty;
  }

  equals(o: IntervalSet<T>): boolean {
    if (this.bounds.length !== o.bounds.length) return false;
    for (let i = 0; i < this.bounds.length; i++) if (this.bounds[i] !== o.bounds[i]) return false;
    return true;
  }
}

function succ<T extends Num>(v: T): T {
  return (typeof v === 'bigint' ? v + 1n : (v as number) + 1) as T;
}

function pred<T extends Num>(v: T): T {
  return (typeof v === 'bigint' ? v - 1n : (v as number) - 1) as T;
}
