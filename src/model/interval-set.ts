/**
 * Immutable sets of integers stored as sorted, disjoint, non-adjacent closed intervals.
 * One implementation serves ports and protocols (number) and addresses (bigint).
 *
 * Cost: operations between a small set (s intervals) and a large one (b intervals) gallop through the
 * large one (exponential then binary search), so tests (overlaps, isSubsetOf) and results no larger
 * than the small side (intersect, small.subtract(large)) cost O(s × log b), not O(s + b). A large
 * result of a small change (large.subtract(small), large.intersect(small)) is kept in chunks of at
 * most CHUNK intervals and shares the chunks the change did not touch with its input, so a chain of
 * 100k rules cutting one network each out of an address list of 10k entries never copies the list.
 * `bounds` joins the chunks into one flat list when a reader asks for it (once per set).
 *
 * A set of one interval (a host, a network, a port, a range: nearly every set a rule holds) keeps its
 * two bounds in fields, with no list behind it: the list cost two more objects and about 64 bytes
 * per set, which the collector copied for every rule of a large model. Its `bounds` is a new
 * two-element list on each read (not kept), so `bounds` stays read-only and any reader works as before.
 *
 * Bigint sets (addresses) keep their bounds inside as numbers where they can: a bigint is a heap
 * object, compared and stepped by a call, while IPv4 addresses fit in small integers. Inside, a
 * bigint set's value v is kept as v − 2^31 (every IPv4 address then lies in V8's small-integer range,
 * [−2^31, 2^31), stored in place with no object), as a number when that is at most LIM (2^53 − 1 −
 * 2^31, so the number is exact and v + 2^31 is too) and as a bigint above (IPv6). Each value has one
 * form (canonical), so `===` between bounds still means equal values, and `<` between a number and a
 * bigint compares exactly. Bounds are converted at the edges only: what a caller passes in (statics,
 * `has`) and reads out (`bounds`, `first`, `last`, `intervals`, `min`, `max`) is bigint as before.
 * Number sets (ports, protocols) keep their values as they are; their bounds must be at most LIM.
 */
type Num = number | bigint;
type Flat<T> = readonly T[];

/** The largest value kept as a number inside a set (2^53 − 1 − 2^31); larger ones are bigints. */
const LIM = Number.MAX_SAFE_INTEGER - 2 ** 31;
const LIM_BIG = BigInt(LIM);
/** A bigint set's values are kept shifted down by this, so that IPv4 addresses are small integers. */
const OFF = 2 ** 31;
const OFF_BIG = BigInt(OFF);
/** The values kept as numbers: v − 2^31 within ±LIM, so v within [2^31 − LIM, 2^53 − 1]. */
const LOW = OFF - LIM;

/** A bigint set's value in its inside form (number when at most LIM after the shift, else bigint). */
function inside(v: bigint): Num {
  // Number() rounds monotonically and both limits are exact doubles, so testing the double decides
  // exactly (a bigint beyond a limit never rounds back inside it); one conversion, no bigint compare.
  const n = Number(v);
  return n <= Number.MAX_SAFE_INTEGER && n >= LOW ? n - OFF : v - OFF_BIG;
}

/** A bigint set's value from its inside form. */
function outside(x: Num): bigint {
  return typeof x === 'number' ? BigInt(x + OFF) : x + OFF_BIG;
}

/**
 * The type a set's values have (number or bigint) and the bounds of its universe, in both forms;
 * one object per (min, max), shared by every set of that universe (one field per set, not four).
 */
class Universe {
  constructor(
    readonly min: Num,
    readonly max: Num,
    /** Values are bigints outside and shifted inside. */
    readonly big: boolean,
    readonly imin: Num,
    readonly imax: Num,
  ) {}

  in(v: Num): Num {
    return this.big ? inside(v as bigint) : v;
  }

  out(x: Num): Num {
    return this.big ? outside(x) : x;
  }
}

/** Every universe made so far (a handful: addresses, ports, protocols, ICMP types), most recent first. */
const UNIVERSES: Universe[] = [];

function universe(min: Num, max: Num): Universe {
  // A short scan: parsers alternate between a few universes (addresses, ports) rule after rule.
  for (let i = 0; i < UNIVERSES.length; i++) {
    const u = at(UNIVERSES, i);
    if (u.max === max && u.min === min) return u;
  }
  const big = typeof min === 'bigint';
  if (typeof min === 'bigint' && typeof max === 'bigint') {
    const u = new Universe(min, max, true, inside(min), inside(max));
    UNIVERSES.unshift(u);
    return u;
  }
  if (typeof min !== 'number' || typeof max !== 'number' || big)
    throw new TypeError('interval-set: min and max of different types');
  if (max > LIM || min < -LIM) throw new RangeError(`interval-set: number sets hold values within ±${String(LIM)}`);
  const u = new Universe(min, max, false, min, max);
  UNIVERSES.unshift(u);
  return u;
}

/** `bounds` of bigint sets of several intervals, converted (bigints) on the first read. */
const OUTSIDE = new WeakMap<object, readonly bigint[]>();

/** Shared one-interval number sets by (max, lo, hi); cleared when full (a directory run meets many configs). */
const SMALL = new Map<number, IntervalSet<number>>();
const SMALL_MAX = 16384;

/**
 * Shared one-value number sets (a port, a protocol) of the universes [0, max ≤ 0xffff], per max in a
 * list indexed by the value, made at its full size when first asked (512 KB for ports) and never
 * cleared (at most one set per value). SMALL took them before, keyed by a heap number per entry, and a
 * chain of many distinct ports (the bench's huge chain at 100k: about 65,000) filled it four times
 * over: its storage and keys, grown and copied to the old generation on the way, were about 2 MB of
 * what the young generation's collector copied. Not a member of the universe: sets refer to their
 * universe, which must not refer back (the model is serialized as JSON).
 */
const SINGLES = new Map<number, (IntervalSet<number> | undefined)[]>();

/** ofSmallBounds' scratch list of shifted bounds (copied out at its size), for at most SHIFTED_MAX. */
const SHIFTED: number[] = [];
const SHIFTED_MAX = 64;

/** smallRange's largest bound, 2^32. */
const SMALL_TOP = 1n << 32n;
const SMALL_TOP_NUM = 2 ** 32;

/** unionOf of more bounds than this gathers them in a list made at its size (unionLarge). */
const LARGE_UNION = 4096;

/** The chunks of a set of other than one interval that has none (IntervalSet `b`): never read as chunks. */
const NO_PARTS: readonly Flat<Num>[] = Object.freeze([]);

/** Bounds per chunk (2 per interval); a set larger than twice this is split into chunks when cut. */
let CHUNK = 256;

export class IntervalSet<T extends Num> {
  /** The universe: the value type and [min, max]. */
  private readonly u: Universe;
  /**
   * A set of exactly one interval: its low bound (inside form). Else the flat list: lo0, hi0, lo1, hi1,
   * ... (inclusive bounds, inside form), joined from the chunks on demand; or, for a set kept as chunks
   * only, its number of bounds. One member for both (and `b` for the high bound or the chunks) where
   * there were four, since a set has one form or the other: 16 bytes less a set (the nftables ruleset
   * at 100k keeps 181,000 sets).
   */
  private a: Num | Flat<Num>;
  /**
   * One interval: its high bound (a number or bigint: `b` tells the forms apart). Else the consecutive
   * pieces of the flat list (each a whole number of intervals) when the set is large; or NO_PARTS.
   */
  private b: Num | readonly Flat<Num>[];

  /**
   * A list of exactly two bounds (or chunks of two bounds in all) becomes the one-interval form (every
   * set of one interval has it). The number of bounds is not a member of its own (8 bytes a set: the
   * huge chain at 100k keeps 265,000 sets): it is 2 in the one-interval form, else the flat list's
   * length, or `a` itself when the set has only its chunks.
   */
  private constructor(u: Universe, flat: Flat<Num> | undefined, parts?: readonly Flat<Num>[], lo?: Num, hi?: Num) {
    this.u = u;
    if (lo !== undefined && hi !== undefined) {
      this.a = lo;
      this.b = hi;
      return;
    }
    let n = flat?.length ?? 0;
    if (!flat && parts) for (const p of parts) n += p.length;
    const one = n === 2 ? (flat ?? parts?.find((p) => p.length === 2)) : undefined;
    if (one !== undefined) {
      this.a = at(one, 0);
      this.b = at(one, 1);
      return;
    }
    this.a = flat ?? n;
    this.b = parts ?? NO_PARTS;
  }

  /**
   * Number of bounds (twice the intervals); 2 exactly when the set has the one-interval form, which
   * has its high bound in `b` (one test tells the forms apart: the other form has a list there).
   */
  private get n(): number {
    if (typeof this.b !== 'object') return 2;
    const a = this.a;
    return typeof a === 'object' ? a.length : (a as number);
  }

  /** The bounds of a one-interval set (then flat and parts are undefined), inside form; else undefined. */
  private get lo(): Num | undefined {
    return typeof this.b !== 'object' ? (this.a as Num) : undefined;
  }

  private get hi(): Num | undefined {
    const b = this.b;
    return typeof b !== 'object' ? b : undefined;
  }

  /** The flat list of a set of other than one interval, when it has one (a large set may have only its chunks). */
  private get flat(): Flat<Num> | undefined {
    const a = this.a;
    return typeof this.b !== 'object' || typeof a !== 'object' ? undefined : a;
  }

  /** Set only on a set of other than one interval (inner() joins the chunks once): as many bounds. */
  private set flat(v: Flat<Num> | undefined) {
    if (v !== undefined) this.a = v;
  }

  private get parts(): readonly Flat<Num>[] | undefined {
    const b = this.b;
    return typeof b !== 'object' || b === NO_PARTS ? undefined : b;
  }

  /** Set only on a set of other than one interval (chunks() cuts the flat list once). */
  private set parts(v: readonly Flat<Num>[] | undefined) {
    this.b = v ?? NO_PARTS;
  }

  /** Test hook: the chunk size in intervals (small values exercise the chunked paths). */
  static setChunkIntervals(intervals: number): void {
    CHUNK = Math.max(1, Math.floor(intervals)) * 2;
  }

  get min(): T {
    return this.u.min as T;
  }

  get max(): T {
    return this.u.max as T;
  }

  static empty<T extends Num>(min: T, max: T): IntervalSet<T> {
    return new IntervalSet<T>(universe(min, max), EMPTY);
  }

  static full<T extends Num>(min: T, max: T): IntervalSet<T> {
    const u = universe(min, max);
    return new IntervalSet<T>(u, undefined, undefined, u.imin, u.imax);
  }

  /** One interval [lo, hi] clamped to [min, max] (empty when nothing is left): no list of pairs to build. */
  static range<T extends Num>(min: T, max: T, lo: T, hi: T): IntervalSet<T> {
    const l = lo < min ? min : lo;
    const h = hi > max ? max : hi;
    const u = universe(min, max);
    if (l > h) return new IntervalSet<T>(u, EMPTY);
    if (!u.big) return IntervalSet.one(u, l, l === h ? l : h);
    const il = inside(l as bigint);
    return IntervalSet.one(u, il, l === h ? il : inside(h as bigint));
  }

  /**
   * range() of a bigint universe that holds [0, 2^32], for bounds given as numbers: integers with
   * 0 <= lo <= hi <= 2^32 (IPv4 addresses), kept as they are inside (no bigint made). Other bounds or
   * universes go through range().
   */
  static smallRange(min: bigint, max: bigint, lo: number, hi: number): IntervalSet<bigint> {
    const u = universe(min, max);
    const fits =
      u.big &&
      min <= 0n &&
      max >= SMALL_TOP &&
      Number.isInteger(lo) &&
      Number.isInteger(hi) &&
      lo >= 0 &&
      hi <= 2 ** 32;
    if (!fits || lo > hi) return IntervalSet.range(min, max, BigInt(lo), BigInt(hi));
    // v − 2^31 is a small integer for every such v: inside() of BigInt(v), without the bigint.
    return IntervalSet.one(u, lo - OFF, hi - OFF);
  }

  /**
   * smallRange of bounds given less 2^31 (32-bit integers with lo <= hi: IPv4 addresses shifted as a
   * bigint set keeps them inside), in a bigint universe that holds [0, 2^32]: the bounds are passed and
   * kept as small integers, with no heap number made for them (callers are per rule, inlining is off).
   */
  static shiftedRange(min: bigint, max: bigint, lo: number, hi: number): IntervalSet<bigint> {
    const u = universe(min, max);
    if (!u.big || min > 0n || max < SMALL_TOP || (lo | 0) !== lo || (hi | 0) !== hi || lo > hi)
      throw new RangeError('interval-set: shiftedRange needs 32-bit bounds in a universe that holds [0, 2^32]');
    return IntervalSet.one(u, lo, hi);
  }

  /**
   * The set of one interval (lo <= hi within [min, max], inside form). Sets never change, so small
   * number sets (a port, a port range, a protocol: parsers make one per rule) are shared, and a
   * one-member set (a host address) holds its value once.
   */
  private static one<T extends Num>(u: Universe, lo: Num, hi: Num): IntervalSet<T> {
    const h0 = lo === hi ? lo : hi;
    const max = u.max;
    if (u.big || u.min !== 0 || typeof max !== 'number' || max > 0xffff)
      return new IntervalSet<T>(u, undefined, undefined, lo, h0);
    const l = lo as number;
    const h = hi as number;
    if ((l | 0) !== l || (h | 0) !== h) return new IntervalSet<T>(u, undefined, undefined, lo, h0);
    if (l === h && l >= 0 && l <= max) {
      let byValue = SINGLES.get(max);
      if (byValue === undefined) SINGLES.set(max, (byValue = new Array<undefined>(max + 1).fill(undefined)));
      let one = byValue[l];
      if (one === undefined) {
        one = new IntervalSet<number>(u, undefined, undefined, l, l);
        byValue[l] = one;
      }
      return one as unknown as IntervalSet<T>;
    }
    const key = (max * 0x10000 + l) * 0x10000 + h;
    let s = SMALL.get(key);
    if (!s) {
      if (SMALL.size >= SMALL_MAX) SMALL.clear();
      s = new IntervalSet<number>(u, undefined, undefined, l, h);
      SMALL.set(key, s);
    }
    return s as unknown as IntervalSet<T>;
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
    if (!sorted) sortPairs(flat);
    return IntervalSet.fromSorted(min, max, flat);
  }

  /**
   * `of` from a flat list lo0, hi0, lo1, hi1, … in any order, without a pair object per interval
   * (parsers collect the bounds of many small sets). The list is reused (clamped and sorted in place).
   */
  static ofBounds<T extends Num>(min: T, max: T, flat: T[]): IntervalSet<T> {
    const u = universe(min, max);
    if (!u.big) return IntervalSet.ofNumberBounds(u, flat as number[]) as unknown as IntervalSet<T>;
    let n = 0;
    let sorted = true;
    for (let i = 0; i < flat.length; i += 2) {
      const lo = at(flat, i);
      const hi = at(flat, i + 1);
      const l = lo < min ? min : lo;
      const h = hi > max ? max : hi;
      if (l > h) continue;
      if (n > 0 && l < at(flat, n - 2)) sorted = false;
      flat[n++] = l;
      flat[n++] = h;
    }
    flat.length = n;
    if (!sorted) sortPairs(flat);
    return IntervalSet.fromSorted(min, max, flat);
  }

  /**
   * ofBounds in a number universe (ports, protocols: a rule's list of them), bounds read in place with
   * no call per bound: clamped, sorted (a few pairs by insertion) and merged in the list, the successor
   * of a bound being the next number (number sets' values are at most LIM).
   */
  private static ofNumberBounds(u: Universe, flat: number[]): IntervalSet<number> {
    const min = u.min as number;
    const max = u.max as number;
    let n = 0;
    let sorted = true;
    for (let i = 0; i < flat.length; i += 2) {
      const lo = flat[i] ?? 0;
      const hi = flat[i + 1] ?? 0;
      const l = lo < min ? min : lo;
      const h = hi > max ? max : hi;
      if (l > h) continue;
      if (n > 0 && l < (flat[n - 2] ?? 0)) sorted = false;
      flat[n++] = l;
      flat[n++] = h;
    }
    flat.length = n;
    if (!sorted) {
      if (n <= 32) insertionSortNumbers(flat);
      else sortPairs(flat);
    }
    // mergeSortedPairs' merge, on a plain list (see insertionSortNumbers).
    let m = 0;
    let last = 0;
    for (let i = 0; i < n; i += 2) {
      const lo = flat[i] ?? 0;
      const hi = flat[i + 1] ?? 0;
      if (m > 0 && lo <= last + 1) {
        if (hi > last) flat[m - 1] = last = hi;
      } else {
        last = hi;
        flat[m++] = lo;
        flat[m++] = hi;
      }
    }
    flat.length = m;
    if (m === 2) return IntervalSet.one(u, flat[0] ?? 0, flat[1] ?? 0);
    return new IntervalSet<number>(u, exact(flat));
  }

  /**
   * From a flat list lo0, hi0, lo1, hi1, … already ordered by lo (bounds within [min, max], lo <= hi):
   * one pass merging overlapping and adjacent intervals. The list may be reused as the result (bigint
   * bounds are converted in place to the inside form).
   */
  static fromSorted<T extends Num>(min: T, max: T, flat: T[]): IntervalSet<T> {
    const u = universe(min, max);
    const list = flat as Num[];
    if (u.big) for (let i = 0; i < list.length; i++) list[i] = inside(at(list, i) as bigint);
    return IntervalSet.merged(u, list);
  }

  /**
   * fromSorted of a bigint set whose bounds are given as numbers (safe integers, such as IPv4 addresses
   * a parser read as numbers): no bigint is made for a bound that is kept as a number inside. The list
   * is reused (converted in place).
   */
  static fromSortedNumbers(min: bigint, max: bigint, flat: number[]): IntervalSet<bigint> {
    const u = universe(min, max);
    if (!u.big) throw new TypeError('interval-set: fromSortedNumbers makes bigint sets');
    const list = flat as Num[];
    for (let i = 0; i < list.length; i++) {
      const n = at(flat, i);
      if (!Number.isSafeInteger(n)) throw new RangeError(`interval-set: bound ${String(n)} is not a safe integer`);
      list[i] = n >= LOW ? n - OFF : BigInt(n) - OFF_BIG;
    }
    return IntervalSet.merged(u, list);
  }

  /**
   * The set of the first `count` bounds of `flat` (lo0, hi0, lo1, hi1, … in any order; integers in
   * [0, 2^32), IPv4 addresses) in a bigint universe that holds [0, 2^32]: no bigint, no list of
   * numbers grown to build it. The bounds are sorted and merged in `flat` (a typed array: its storage
   * is outside the heap, so neither it nor its copies are garbage the collector copies), and the set
   * keeps them as unionOf keeps such sets' bounds (small integers).
   */
  static ofSmallBounds(min: bigint, max: bigint, flat: Float64Array, count: number): IntervalSet<bigint> {
    const u = universe(min, max);
    if (!u.big || min > 0n || max < SMALL_TOP || count > flat.length || count % 2 !== 0)
      throw new RangeError('interval-set: ofSmallBounds needs a universe that holds [0, 2^32] and pairs of bounds');
    // The bounds are read and written in place, with no call per bound: with inlining off (cli/inlining.ts)
    // a helper returning a bound above 2^31 boxed it (a heap number a bound), and a rule's anonymous set
    // of addresses goes through here.
    let sorted = true;
    let prev = 0;
    for (let i = 0; i < count; i++) {
      const v = flat[i] ?? Number.NaN;
      if (!Number.isInteger(v) || v < 0 || v >= SMALL_TOP_NUM)
        throw new RangeError(`interval-set: bound ${String(v)} is not within [0, 2^32)`);
      if ((i & 1) === 0) {
        if (i >= 2 && v < prev) sorted = false;
        prev = v;
      }
    }
    if (!sorted) {
      if (count <= 32) insertionSortPairs(flat, count);
      else {
        const list: number[] = Array.from(flat.subarray(0, count));
        sortPairs(list);
        flat.set(list);
      }
    }
    const n = mergeSortedPairs(flat, count);
    if (n === 0) return new IntervalSet<bigint>(u, EMPTY);
    if (n === 2) return IntervalSet.one(u, (flat[0] ?? 0) - OFF, (flat[1] ?? 0) - OFF);
    // v − 2^31 is a 32-bit integer for every such v: `| 0` keeps the list one of small integers. A few
    // bounds (a rule's anonymous set) are written into a scratch list and copied at their size (a list
    // made at its size by a call per element cost an iterator step and the call each); many (a named
    // set's union) into a list made at its size, with no scratch grown to it and kept.
    if (n > SHIFTED_MAX)
      return new IntervalSet<bigint>(
        u,
        Array.from({ length: n }, (_, i) => ((flat[i] ?? 0) - OFF) | 0),
      );
    const out = SHIFTED;
    out.length = 0;
    for (let i = 0; i < n; i++) out.push(((flat[i] ?? 0) - OFF) | 0);
    return new IntervalSet<bigint>(u, out.slice());
  }

  /** The set of a flat list in the inside form, ordered by lo: overlapping and adjacent intervals merged. */
  private static merged<T extends Num>(u: Universe, list: Num[]): IntervalSet<T> {
    const merged = merge(list);
    if (merged.length === 2) return IntervalSet.one(u, at(merged, 0), at(merged, 1));
    return new IntervalSet<T>(u, exact(merged));
  }

  /**
   * The union of many sets of the universe [min, max] in one sort and merge, from their bounds as
   * they are kept (no bigint made or converted): for parsers that collected every member set's
   * `bounds` into one list for ofBounds (an anonymous set of addresses).
   */
  static unionOf<T extends Num>(min: T, max: T, sets: Iterable<IntervalSet<T>>): IntervalSet<T> {
    const u = universe(min, max);
    const all = Array.isArray(sets) ? (sets as readonly IntervalSet<T>[]) : [...sets];
    let total = 0;
    for (const s of all) total += s.n;
    if (total > LARGE_UNION) return IntervalSet.unionLarge(u, all, total);
    const flat: Num[] = [];
    for (const s of all) {
      if (s.u !== u) throw new TypeError('interval-set: unionOf a set of another universe');
      if (s.lo !== undefined && s.hi !== undefined) flat.push(s.lo, s.hi);
      else for (const b of s.pieces()) for (const v of b) flat.push(v);
    }
    let sorted = true;
    for (let i = 2; i < flat.length && sorted; i += 2) if (at(flat, i) < at(flat, i - 2)) sorted = false;
    if (!sorted) sortPairs(flat);
    return IntervalSet.merged(u, flat);
  }

  /**
   * The bounds of `all` written to numberUnion's typed array (`total` of them), or undefined as soon as
   * one is a bigint, before any list is made.
   */
  private static gatherNumbers(u: Universe, all: readonly IntervalSet<Num>[], total: number): number | undefined {
    if (unioned.length < total) unioned = new Float64Array(Math.max(total, 2 * unioned.length));
    const flat = unioned;
    let j = 0;
    for (const s of all) {
      if (s.u !== u) throw new TypeError('interval-set: unionOf a set of another universe');
      const lo = s.lo;
      const hi = s.hi;
      if (lo !== undefined && hi !== undefined) {
        if (typeof lo !== 'number' || typeof hi !== 'number') return undefined;
        flat[j++] = lo;
        flat[j++] = hi;
        continue;
      }
      for (const b of s.pieces())
        for (let i = 0; i < b.length; i++) {
          const v = at(b, i);
          if (typeof v !== 'number') return undefined;
          flat[j++] = v;
        }
    }
    return j;
  }

  /**
   * unionOf of `total` bounds, many: gathered in a list made at its size (a list grown by push to
   * hundreds of thousands of bounds left twice its size in copies, large objects that stay until a full
   * collection: the internal networks of the nftables sets shape at 100k, 3-5 MB of the lint's peak),
   * sorted and merged in it, and kept as an exact copy (not holey: the model's lists all are packed).
   */
  private static unionLarge<T extends Num>(u: Universe, all: readonly IntervalSet<T>[], total: number): IntervalSet<T> {
    const count = IntervalSet.gatherNumbers(u, all, total);
    if (count !== undefined) {
      const numbers = numberUnion(count);
      if (numbers.length === 2) return IntervalSet.one(u, at(numbers, 0), at(numbers, 1));
      return new IntervalSet<T>(u, numbers);
    }
    const flat = new Array<Num>(total);
    let j = 0;
    for (const s of all) {
      if (s.u !== u) throw new TypeError('interval-set: unionOf a set of another universe');
      if (s.lo !== undefined && s.hi !== undefined) {
        flat[j++] = s.lo;
        flat[j++] = s.hi;
      } else for (const b of s.pieces()) for (let i = 0; i < b.length; i++) flat[j++] = at(b, i);
    }
    let sorted = true;
    for (let i = 2; i < total && sorted; i += 2) if (at(flat, i) < at(flat, i - 2)) sorted = false;
    if (!sorted) sortPairs(flat);
    const merged = merge(flat);
    if (merged.length === 2) return IntervalSet.one(u, at(merged, 0), at(merged, 1));
    const n = merged.length;
    return new IntervalSet<T>(u, n === 0 ? EMPTY : Array.from({ length: n }, (_, i) => at(merged, i)));
  }

  /** Flat list: lo0, hi0, lo1, hi1, ... (inclusive bounds). Read-only; a one-interval or bigint set makes a new one. */
  get bounds(): Flat<T> {
    const b = this.inner();
    if (!this.u.big) return b as Flat<T>;
    if (this.n <= 2) return b.map(outside) as unknown as Flat<T>;
    // Parsers read a large list's ends through bounds once per rule: converted once, kept with the set.
    let out = OUTSIDE.get(this);
    if (!out) OUTSIDE.set(this, (out = b.map(outside)));
    return out as unknown as Flat<T>;
  }

  /** The flat list in the inside form (joined from the chunks once and kept; a new pair for one interval). */
  private inner(): Flat<Num> {
    if (this.lo !== undefined && this.hi !== undefined) return [this.lo, this.hi];
    this.flat ??= this.parts ? join(this.parts) : EMPTY;
    return this.flat;
  }

  /**
   * The bounds as doubles, ascending (exact below 2^53, rounded above as Number() rounds): for
   * indexes that need only an order-preserving approximation, without a bigint per bound.
   */
  approxBounds(): Float64Array {
    const out = new Float64Array(this.n);
    let j = 0;
    if (this.lo !== undefined && this.hi !== undefined) {
      out[0] = this.approx(this.lo);
      out[1] = this.approx(this.hi);
      return out;
    }
    for (const b of this.pieces()) for (const x of b) out[j++] = this.approx(x);
    return out;
  }

  /** The smallest member as a double (approxBounds' rounding; a RangeError on an empty set). */
  get approxFirst(): number {
    return this.approx(this.firstInner());
  }

  /** The largest member as a double (approxBounds' rounding; a RangeError on an empty set). */
  get approxLast(): number {
    return this.approx(this.lastInner());
  }

  private approx(x: Num): number {
    if (typeof x === 'number') return this.u.big ? x + OFF : x;
    return Number(this.u.big ? x + OFF_BIG : x);
  }

  /** The smallest member (a RangeError on an empty set). */
  get first(): T {
    return this.u.out(this.firstInner()) as T;
  }

  /** The largest member (a RangeError on an empty set). */
  get last(): T {
    return this.u.out(this.lastInner()) as T;
  }

  private firstInner(): Num {
    if (this.lo !== undefined) return this.lo;
    return at(this.flat ?? (this.parts ? at(this.parts, 0) : EMPTY), 0);
  }

  private lastInner(): Num {
    if (this.hi !== undefined) return this.hi;
    const b = this.flat ?? (this.parts ? at(this.parts, this.parts.length - 1) : EMPTY);
    return at(b, b.length - 1);
  }

  get isEmpty(): boolean {
    const a = this.a;
    // The one-interval form is never empty; the other has its list (or, chunks only, its count) in `a`.
    return typeof this.b === 'object' && (typeof a === 'object' ? a.length === 0 : a === 0);
  }

  get isFull(): boolean {
    const b = this.b;
    return typeof b !== 'object' && this.a === this.u.imin && b === this.u.imax;
  }

  get intervalCount(): number {
    return this.n / 2;
  }

  *intervals(): IterableIterator<[T, T]> {
    const u = this.u;
    if (this.lo !== undefined && this.hi !== undefined) {
      yield [u.out(this.lo) as T, u.out(this.hi) as T];
      return;
    }
    for (const b of this.pieces())
      for (let i = 0; i < b.length; i += 2) yield [u.out(at(b, i)) as T, u.out(at(b, i + 1)) as T];
  }

  has(value: T): boolean {
    if (this.n === 0) return false;
    const v = this.u.in(value);
    if (this.lo !== undefined && this.hi !== undefined) return this.lo <= v && v <= this.hi;
    let b = this.flat;
    if (!b) {
      const cs = this.pieces();
      const c = findChunk(cs, 0, v);
      if (c >= cs.length) return false;
      b = chunk(cs, c);
    }
    const k = seek(b, 0, v);
    return k < b.length && at(b, k) <= v;
  }

  /** Number of members, as a bigint (address sets can be 2^128 large; the shift cancels out). */
  size(): bigint {
    if (this.lo !== undefined && this.hi !== undefined) return BigInt(this.hi) - BigInt(this.lo) + 1n;
    let n = 0n;
    for (const b of this.pieces())
      for (let i = 0; i < b.length; i += 2) n += BigInt(at(b, i + 1)) - BigInt(at(b, i)) + 1n;
    return n;
  }

  union(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isFull) return this;
    if (this.isEmpty || o.isFull) return o;
    if (this.lo !== undefined && this.hi !== undefined && o.lo !== undefined && o.hi !== undefined) {
      // One interval each: one merged interval, or both in order.
      const a = this.lo <= o.lo ? this : o;
      const b = a === this ? o : this;
      return a.pairUnion(b);
    }
    // A few intervals into a large set: only the chunks they meet or touch are merged (no join of the set).
    // Only a set already held in chunks: a flat one is copied by runs (slices), cheaper than cutting it.
    let out: IntervalSet<T>;
    if (this.parts && this.isLarge() && o.n * 8 <= this.n) out = this.unionSmall(o.inner());
    else if (o.parts && o.isLarge() && this.n * 8 <= o.n) out = o.unionSmall(this.inner());
    else out = this.make(flatUnion(this.inner(), o.inner()));
    // Both parts lie outside the same large sets: so does their union.
    if (out.isLarge()) {
      const a = DISJOINT.get(this);
      const b = DISJOINT.get(o);
      const both = a && b ? a.filter((x) => b.includes(x)) : [];
      if (both.length > 0) DISJOINT.set(out, both);
    }
    return out;
  }

  /**
   * union() of this large set and the few intervals of the flat list s: each window of consecutive
   * chunks that s's intervals overlap or touch (an interval one below or above a chunk's) is joined,
   * merged with those intervals and cut into chunks again; an interval in a gap between chunks is
   * a piece of its own; every other chunk is shared with this set.
   */
  private unionSmall(s: Flat<Num>): IntervalSet<T> {
    const cs = this.chunks();
    const out: Flat<Num>[] = [];
    /** The first chunk not yet written. */
    let next = 0;
    let i = 0;
    while (i < s.length) {
      // Window [first, last] of the chunks meeting or touching s's interval i (last < first: none, a gap).
      const first = findChunk(cs, next, pred(at(s, i)));
      let last = findChunkStart(cs, first, succ(at(s, i + 1))) - 1;
      let j = i + 2;
      // Following intervals that reach into the window join it (and may widen it).
      while (j < s.length && last >= first && findChunk(cs, first, pred(at(s, j))) <= last) {
        last = Math.max(last, findChunkStart(cs, first, succ(at(s, j + 1))) - 1);
        j += 2;
      }
      for (; next < first; next++) out.push(chunk(cs, next));
      if (last < first) out.push(s.slice(i, j));
      else {
        const window: Flat<Num>[] = [];
        for (let c = first; c <= last; c++) window.push(chunk(cs, c));
        for (const p of split(flatUnion(join(window), s.slice(i, j)))) out.push(p);
        next = last + 1;
      }
      i = j;
    }
    for (; next < cs.length; next++) out.push(chunk(cs, next));
    return this.fromParts(out);
  }

  intersect(o: IntervalSet<T>): IntervalSet<T> {
    const ahi = this.b;
    const bhi = o.b;
    if (typeof ahi !== 'object' && typeof bhi !== 'object') {
      // One interval each (the usual case in a chain walk): compare the bounds.
      const alo = this.a as Num;
      const blo = o.a as Num;
      if (alo >= blo && ahi <= bhi) return this;
      if (blo >= alo && bhi <= ahi) return o;
      if (ahi < blo || bhi < alo) return this.make(EMPTY);
      return this.pair(alo > blo ? alo : blo, ahi < bhi ? ahi : bhi);
    }
    if (this.isEmpty || o.isFull) return this;
    if (o.isEmpty || this.isFull) return o;
    if (knownDisjoint(this, o)) return this.make(EMPTY);
    // No allocation when one set already lies inside the other (a family universe, a port range).
    if (this.isSubsetOf(o)) return this;
    if (o.isSubsetOf(this)) return o;
    let out: IntervalSet<T>;
    if (this.n >= MEMO_MIN || o.n >= MEMO_MIN) {
      const [small, big] = this.n <= o.n ? [this, o] : [o, this];
      out = memo(INTERSECTS, big, small, () => this.intersectLists(o));
    } else out = this.intersectLists(o);
    // The result lies inside both: outside whatever either is known to lie outside.
    if (out.isLarge()) apartFrom(out, DISJOINT.get(this), DISJOINT.get(o));
    return out;
  }

  /** intersect() of two sets of several intervals, neither inside the other. */
  private intersectLists(o: IntervalSet<T>): IntervalSet<T> {
    const [small, big] = this.n <= o.n ? [this, o] : [o, this];
    if (!big.isChunked() && !small.isChunked()) return this.make(flatIntersect(small.inner(), big.inner()));
    // Each interval of the smaller side meets the larger side's intervals from the first that ends
    // at or after its start; a cursor gallops to it. The result is collected in chunks.
    const out = new PartWriter<Num>();
    const cur = new Cursor<Num>(big.pieces());
    for (const p of small.pieces())
      for (let i = 0; i < p.length; i += 2) {
        const lo = at(p, i);
        const hi = at(p, i + 1);
        if (!cur.seek(lo)) return this.fromParts(out.done());
        do {
          const blo = cur.lo();
          if (blo > hi) break;
          const bhi = cur.hi();
          out.push(blo > lo ? blo : lo, bhi < hi ? bhi : hi);
          if (bhi >= hi) break;
        } while (cur.next());
      }
    return this.fromParts(out.done());
  }

  /** True when the sets share at least one member; no allocation, O(s × log b). */
  overlaps(o: IntervalSet<T>): boolean {
    const ahi = this.b;
    const bhi = o.b;
    // One interval each (the usual case in a chain walk): the bounds read once, in place.
    if (typeof ahi !== 'object' && typeof bhi !== 'object') return (this.a as Num) <= bhi && (o.a as Num) <= ahi;
    const [small, big] = this.n <= o.n ? [this, o] : [o, this];
    if (small.lo !== undefined && small.hi !== undefined) {
      if (big.n === 0) return false;
      // One interval against a list: the first of the list's intervals ending at or after its start.
      if (!big.isChunked()) {
        const b = big.inner();
        const j = seek(b, 0, small.lo);
        return j < b.length && at(b, j) <= small.hi;
      }
      const cur = new Cursor<Num>(big.pieces());
      return cur.seek(small.lo) && cur.lo() <= small.hi;
    }
    if (small.isEmpty) return false;
    if (knownDisjoint(small, big)) return false;
    if (!big.isChunked() && !small.isChunked()) return flatOverlaps(small.inner(), big.inner());
    const cur = new Cursor<Num>(big.pieces());
    for (const p of small.pieces())
      for (let i = 0; i < p.length; i += 2) {
        if (!cur.seek(at(p, i))) return false;
        if (cur.lo() <= at(p, i + 1)) return true;
      }
    return false;
  }

  complement(): IntervalSet<T> {
    const b = this.inner();
    const out: Num[] = [];
    let next: Num = this.u.imin;
    let open = true;
    for (let i = 0; i < b.length; i += 2) {
      const lo = at(b, i);
      const hi = at(b, i + 1);
      if (lo > next) out.push(next, pred(lo));
      if (hi === this.u.imax) {
        open = false;
        break;
      }
      next = succ(hi);
    }
    if (open) out.push(next, this.u.imax);
    return this.make(exact(out));
  }

  subtract(o: IntervalSet<T>): IntervalSet<T> {
    if (o.isEmpty || this.isEmpty) return this;
    if (!this.overlaps(o)) return this;
    if (this.lo !== undefined && this.hi !== undefined && o.lo !== undefined && o.hi !== undefined) {
      // One interval each (they overlap): what lies below o, and what lies above it.
      const below = o.lo > this.lo;
      const above = o.hi < this.hi;
      if (below && above) return this.make([this.lo, pred(o.lo), succ(o.hi), this.hi]);
      if (below) return this.pair(this.lo, pred(o.lo));
      if (above) return this.pair(succ(o.hi), this.hi);
      return this.make(EMPTY);
    }
    // One interval spanning the whole set (a flow's rest cut by "any"): nothing is left, no chunk is cut.
    if (o.lo !== undefined && o.hi !== undefined && o.lo <= this.firstInner() && this.lastInner() <= o.hi)
      return this.make(EMPTY);
    // A small set minus a large one (the Internet minus a block list): large results are remembered.
    // A large set minus a small one shares the large one's chunks and is cheap (and is cut anew by every rule).
    const out =
      o.n >= MEMO_MIN && o.n > this.n ? memo(SUBTRACTED, o, this, () => this.subtractLists(o)) : this.subtractLists(o);
    // What is left lies outside o, and inside this set: outside what this set lies outside.
    if (out.isLarge()) apartFrom(out, DISJOINT.get(this), o.isLarge() ? [o] : undefined);
    return out;
  }

  /** subtract() of overlapping sets, not both of one interval. */
  private subtractLists(o: IntervalSet<T>): IntervalSet<T> {
    if (this.n <= o.n) {
      if (!o.isChunked() || this.isLarge()) return this.make(flatSubtract(this.inner(), o.inner()));
      // Each interval of this set minus the chunks of o it meets.
      const cs = o.chunks();
      const a = this.inner();
      const out: Num[] = [];
      let c = 0;
      for (let i = 0; i < a.length; i += 2) {
        const lo = at(a, i);
        const hi = at(a, i + 1);
        c = findChunk(cs, c, lo);
        let rest: Flat<Num> = [lo, hi];
        for (let d = c; d < cs.length && rest.length > 0 && at(chunk(cs, d), 0) <= hi; d++)
          rest = flatSubtract(rest, chunk(cs, d));
        for (const v of rest) out.push(v);
      }
      return this.make(exact(out));
    }
    if (!this.isLarge()) return this.make(flatSubtract(this.inner(), o.inner()));
    // This set is large: the chunks o meets are cut, the others are shared with this set.
    const s = o.inner();
    const cs = this.chunks();
    const hit = touched(cs, s);
    const out: Flat<Num>[] = [];
    let next = 0;
    for (const c of hit) {
      for (; next < c; next++) out.push(chunk(cs, next));
      const piece = flatSubtract(chunk(cs, c), s);
      if (piece.length > 0) for (const p of split(piece)) out.push(p);
      next = c + 1;
    }
    for (; next < cs.length; next++) out.push(chunk(cs, next));
    return this.fromParts(out);
  }

  /** True when every member of this set is in o; O(min × log max) in the interval counts. */
  isSubsetOf(o: IntervalSet<T>): boolean {
    if (this.isEmpty) return true;
    if (this.lo !== undefined && this.hi !== undefined) {
      if (o.lo !== undefined && o.hi !== undefined) return o.lo <= this.lo && this.hi <= o.hi;
      if (o.n === 0) return false;
      // One interval: it lies inside the first of o's intervals ending at or after its start, or nowhere.
      if (!o.isChunked()) {
        const b = o.inner();
        const j = seek(b, 0, this.lo);
        return j < b.length && at(b, j) <= this.lo && at(b, j + 1) >= this.hi;
      }
      const cur = new Cursor<Num>(o.pieces());
      return cur.seek(this.lo) && cur.lo() <= this.lo && cur.hi() >= this.hi;
    }
    if (knownDisjoint(this, o)) return false;
    if (this.n > o.n) {
      // Each of this set's chunks must lie inside o (o has fewer intervals, so it is read flat).
      const b = o.inner();
      for (const a of this.pieces()) if (!flatIsSubset(a, b)) return false;
      return true;
    }
    if (!o.isChunked() && !this.isChunked()) return flatIsSubset(this.inner(), o.inner());
    // Each interval of this set lies inside one interval of o: the first of o's ending at or after its start.
    const cur = new Cursor<Num>(o.pieces());
    for (const p of this.pieces())
      for (let i = 0; i < p.length; i += 2) {
        if (!cur.seek(at(p, i))) return false;
        if (cur.lo() > at(p, i) || cur.hi() < at(p, i + 1)) return false;
      }
    return true;
  }

  equals(o: IntervalSet<T>): boolean {
    if (this === o) return true;
    if (this.n !== o.n) return false;
    if (this.n === 2) return this.lo === o.lo && this.hi === o.hi;
    const a = this.inner();
    const b = o.inner();
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Large enough to work on chunk by chunk. */
  private isLarge(): boolean {
    return this.n > 2 * CHUNK;
  }

  /** Held in chunks and not (yet) as one flat list: read through the chunks rather than joining them. */
  private isChunked(): boolean {
    return this.flat === undefined && this.parts !== undefined;
  }

  /** The set as consecutive sorted pieces, whichever form it has (for reading). */
  private pieces(): readonly Flat<Num>[] {
    return this.parts ?? [this.inner()];
  }

  /** The set as consecutive chunks: its parts, or its flat list cut into CHUNK-sized pieces once (kept for cutting again). */
  private chunks(): readonly Flat<Num>[] {
    if (this.parts) return this.parts;
    // One interval: no list to keep (parts stay undefined in this form).
    if (this.n === 2) return [this.inner()];
    const flat = this.inner();
    this.parts = flat.length > 2 * CHUNK ? split(flat) : [flat];
    return this.parts;
  }

  private make(flat: Flat<Num>): IntervalSet<T> {
    return new IntervalSet<T>(this.u, flat);
  }

  /** The union of this one-interval set and b, one interval starting no lower: one merged interval, or both in order. */
  private pairUnion(b: IntervalSet<T>): IntervalSet<T> {
    const alo = this.lo;
    const ahi = this.hi;
    const blo = b.lo;
    const bhi = b.hi;
    if (alo === undefined || ahi === undefined || blo === undefined || bhi === undefined)
      return this.make(flatUnion(this.inner(), b.inner()));
    if (blo <= succ(ahi)) return this.pair(alo, bhi > ahi ? bhi : ahi);
    return this.make([alo, ahi, blo, bhi]);
  }

  /** The one-interval set lo..hi (lo <= hi) in this set's universe. */
  private pair(lo: Num, hi: Num): IntervalSet<T> {
    return new IntervalSet<T>(this.u, undefined, undefined, lo, lo === hi ? lo : hi);
  }

  /** A set from consecutive chunks; joined into one flat list when the result is small. */
  private fromParts(parts: Flat<Num>[]): IntervalSet<T> {
    let n = 0;
    for (const p of parts) n += p.length;
    if (n > 2 * CHUNK) return new IntervalSet<T>(this.u, undefined, parts);
    return this.make(n === 0 ? EMPTY : join(parts));
  }
}

/**
 * A large set known to share no member with a large set (set → that set): what is left of a set
 * once a large one is cut out of it (the Internet minus a block list), and every large set cut or
 * intersected from that. A chain walk asks again and again whether what is left of a flow overlaps
 * the list it was cut by (the next rule naming the list, and checks tracing the same flows): read
 * here, that answer costs nothing, where a walk through both sets' intervals found no overlap at
 * O(n) each time. Only large sets (more than 2 × CHUNK bounds) are recorded; weak keys, so an entry
 * lives no longer than its set, and the set it names is kept alive only as long as that.
 */
const DISJOINT = new WeakMap<IntervalSet<Num>, readonly IntervalSet<Num>[]>();
/** Sets recorded per set: the newest few (a walk cuts one list after another out of a flow). */
const DISJOINT_MAX = 4;

/** Records that `out` lies outside the sets of both lists (the newest first, at most DISJOINT_MAX). */
function apartFrom<T extends Num>(
  out: IntervalSet<T>,
  inherited: readonly IntervalSet<Num>[] | undefined,
  more: readonly IntervalSet<Num>[] | undefined,
): void {
  if (!inherited && !more) return;
  const list = [...(more ?? []), ...(inherited ?? [])];
  const kept = DISJOINT.get(out);
  if (kept) for (const x of kept) if (!list.includes(x)) list.push(x);
  DISJOINT.set(out, list.length > DISJOINT_MAX ? list.slice(0, DISJOINT_MAX) : list);
}

/** Both sets are large and recorded as disjoint (DISJOINT): they share no member. */
function knownDisjoint<T extends Num>(a: IntervalSet<T>, b: IntervalSet<T>): boolean {
  if (a.intervalCount <= CHUNK || b.intervalCount <= CHUNK) return false;
  return DISJOINT.get(a)?.includes(b) === true || DISJOINT.get(b)?.includes(a) === true;
}

/**
 * Large results of operations with a large set (an address list of thousands of entries) are
 * remembered per pair of operands: sets never change, and checks trace the same flow classes through
 * the same lists (RouterOS terse bench: the Internet and the Internet minus a 36k-entry list, three
 * times each). Keyed weakly by the large operand, so a result lives no longer than the set it was cut
 * from; a few results per large set. Only results of at least MEMO_MIN bounds are kept: a small result
 * costs little to compute again, and a chain walk makes many.
 */
const MEMO_MIN = 8192;
const MEMO_PER_SET = 16;
type Memo = WeakMap<IntervalSet<Num>, Map<IntervalSet<Num>, IntervalSet<Num>>>;
/** big ∩ small, by big then small. */
const INTERSECTS: Memo = new WeakMap();
/** other − big, by big then other. */
const SUBTRACTED: Memo = new WeakMap();

function memo<T extends Num>(
  table: Memo,
  big: IntervalSet<T>,
  other: IntervalSet<T>,
  compute: () => IntervalSet<T>,
): IntervalSet<T> {
  let m = table.get(big);
  const hit = m?.get(other);
  if (hit) return hit as IntervalSet<T>;
  const out = compute();
  if (2 * out.intervalCount < MEMO_MIN) return out;
  if (!m) table.set(big, (m = new Map<IntervalSet<Num>, IntervalSet<Num>>()));
  if (m.size >= MEMO_PER_SET) m.clear();
  m.set(other, out);
  return out;
}

/** One flat list from consecutive pieces (memory copies, without a huge argument list). */
function join<T>(parts: readonly Flat<T>[]): Flat<T> {
  const out: T[] = [];
  if (parts.length <= 1024) return out.concat(...parts);
  for (const part of parts) for (const v of part) out.push(v);
  return exact(out);
}

/** Reads a set's intervals in order across its pieces, galloping forward to the one a value needs. */
class Cursor<T extends Num> {
  private c = 0;
  private k = 0;
  private readonly cs: readonly Flat<T>[];

  constructor(cs: readonly Flat<T>[]) {
    this.cs = cs;
  }

  /** Moves (never back) to the first interval ending at or after v; false when there is none. */
  seek(v: T): boolean {
    const cs = this.cs;
    if (this.c >= cs.length) return false;
    let b = chunk(cs, this.c);
    if (b.length === 0 || at(b, b.length - 1) < v) {
      this.c = findChunk(cs, this.c + 1, v);
      if (this.c >= cs.length) return false;
      b = chunk(cs, this.c);
      this.k = 0;
    }
    this.k = seek(b, this.k, v);
    return true;
  }

  /** Moves to the next interval; false at the end. */
  next(): boolean {
    this.k += 2;
    if (this.k < chunk(this.cs, this.c).length) return true;
    this.c++;
    this.k = 0;
    return this.c < this.cs.length;
  }

  lo(): T {
    return at(chunk(this.cs, this.c), this.k);
  }

  hi(): T {
    return at(chunk(this.cs, this.c), this.k + 1);
  }
}

/** Collects bounds into chunks of CHUNK bounds. */
class PartWriter<T> {
  private readonly parts: T[][] = [];
  private cur: T[] = [];

  push(lo: T, hi: T): void {
    this.cur.push(lo, hi);
    if (this.cur.length >= CHUNK) {
      this.parts.push(this.cur);
      this.cur = [];
    }
  }

  done(): Flat<T>[] {
    if (this.cur.length > 0) this.parts.push(this.cur);
    return this.parts.map((p) => (p.length === CHUNK ? p : exact(p)));
  }
}

/** Flat list pieces of at most CHUNK bounds. */
function split<T>(flat: Flat<T>): Flat<T>[] {
  if (flat.length <= CHUNK) return [flat];
  const out: Flat<T>[] = [];
  for (let i = 0; i < flat.length; i += CHUNK) out.push(flat.slice(i, i + CHUNK));
  return out;
}

function chunk<T>(cs: readonly Flat<T>[], c: number): Flat<T> {
  return at(cs, c);
}

/** The first chunk at or after `from` whose last interval ends at or after v, or cs.length. */
function findChunk<T extends Num>(cs: readonly Flat<T>[], from: number, v: T): number {
  let lo = from;
  let hi = cs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const b = chunk(cs, mid);
    if (at(b, b.length - 1) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first chunk at or after `from` whose first interval starts after v, or cs.length. */
function findChunkStart<T extends Num>(cs: readonly Flat<T>[], from: number, v: T): number {
  let lo = from;
  let hi = cs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (at(chunk(cs, mid), 0) <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Indices (ascending, distinct) of the chunks that hold an interval meeting one of the flat list s. */
function touched<T extends Num>(cs: readonly Flat<T>[], s: Flat<T>): number[] {
  const out: number[] = [];
  let c = 0;
  for (let i = 0; i < s.length && c < cs.length; i += 2) {
    const lo = at(s, i);
    const hi = at(s, i + 1);
    c = findChunk(cs, c, lo);
    for (let d = c; d < cs.length && at(chunk(cs, d), 0) <= hi; d++) {
      if (out.length === 0 || at(out, out.length - 1) < d) out.push(d);
      c = d;
    }
  }
  return out;
}

/** Merges overlapping and adjacent intervals of a list ordered by lo, in place. */
function merge<T extends Num>(flat: T[]): T[] {
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
  return flat;
}

/**
 * Each interval of the smaller list goes where it belongs in the larger. Both lists are canonical, so
 * only the larger list's intervals next to one of the smaller's can merge: the runs between are
 * copied whole (slices), without comparing or stepping each bound (a bigint step allocates).
 */
function flatUnion<T extends Num>(x: Flat<T>, y: Flat<T>): Flat<T> {
  const [small, big] = x.length <= y.length ? [x, y] : [y, x];
  const parts: Flat<T>[] = [];
  /** The merged interval not yet written: what comes next may still join it. */
  let lo: T | undefined;
  let hi: T | undefined;
  /** Bounds written since the last flush, before they become a part. */
  let cur: T[] = [];
  const emit = (l: T, h: T): void => {
    if (lo !== undefined && hi !== undefined && l <= succ(hi)) {
      if (h > hi) hi = h;
      return;
    }
    if (lo !== undefined && hi !== undefined) cur.push(lo, hi);
    lo = l;
    hi = h;
  };
  const copyRun = (from: number, to: number): void => {
    if (lo !== undefined && hi !== undefined) cur.push(lo, hi);
    lo = undefined;
    hi = undefined;
    if (cur.length > 0) parts.push(cur);
    cur = [];
    parts.push(big.slice(from, to));
  };
  let j = 0;
  for (let i = 0; i < small.length; i += 2) {
    const l = at(small, i);
    // The larger list's intervals starting before l: they come first.
    const k = seekStart(big, j, l);
    // Those the pending interval reaches merge into it; of the rest, all but the last are untouched
    // (canonical: neither each other's nor the pending one's neighbours) and the last may join l.
    while (j < k && hi !== undefined && at(big, j) <= succ(hi)) {
      emit(at(big, j), at(big, j + 1));
      j += 2;
    }
    if (k - j > 2) copyRun(j, k - 2);
    if (k > j) emit(at(big, k - 2), at(big, k - 1));
    j = k;
    emit(l, at(small, i + 1));
  }
  while (j < big.length && hi !== undefined && at(big, j) <= succ(hi)) {
    emit(at(big, j), at(big, j + 1));
    j += 2;
  }
  if (j < big.length) copyRun(j, big.length);
  if (lo !== undefined && hi !== undefined) cur.push(lo, hi);
  if (cur.length > 0) parts.push(cur);
  return parts.length === 0 ? EMPTY : join(parts);
}

/**
 * Each interval of the smaller list meets the larger list's intervals from the first ending at or
 * after its start: only the first and last of those are cut, the run between is copied whole (a slice).
 */
function flatIntersect<T extends Num>(x: Flat<T>, y: Flat<T>): Flat<T> {
  const [small, big] = x.length <= y.length ? [x, y] : [y, x];
  const parts: Flat<T>[] = [];
  let j = 0;
  for (let i = 0; i < small.length && j < big.length; i += 2) {
    const lo = at(small, i);
    const hi = at(small, i + 1);
    j = seek(big, j, lo);
    if (j >= big.length || at(big, j) > hi) continue;
    // end: the first of the larger list's intervals starting after hi (j's starts by hi).
    const end = seekStart(big, j, succ(hi));
    const first = at(big, j);
    const last = at(big, end - 1);
    if (end - j === 2) parts.push([first > lo ? first : lo, last < hi ? last : hi]);
    else {
      parts.push([first > lo ? first : lo]);
      parts.push(big.slice(j + 1, end - 1));
      parts.push([last < hi ? last : hi]);
    }
    // The last interval met may reach into the next smaller interval too.
    j = end - 2;
  }
  return parts.length === 0 ? EMPTY : join(parts);
}

function flatOverlaps<T extends Num>(x: Flat<T>, y: Flat<T>): boolean {
  const [small, big] = x.length <= y.length ? [x, y] : [y, x];
  let j = 0;
  for (let i = 0; i < small.length; i += 2) {
    j = seek(big, j, at(small, i));
    if (j >= big.length) return false;
    if (at(big, j) <= at(small, i + 1)) return true;
  }
  return false;
}

function flatSubtract<T extends Num>(a: Flat<T>, b: Flat<T>): Flat<T> {
  if (a.length > b.length) return cutRuns(a, b);
  if (a.length + b.length > LARGE_SUBTRACT) {
    const fast = numberSubtract(a, b);
    if (fast) return fast as unknown as Flat<T>;
  }
  // Each interval of a minus the intervals of b it meets, found by galloping through b.
  const out: T[] = [];
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
  return exact(out);
}

/** flatSubtract of lists with more bounds than this goes through numberSubtract. */
const LARGE_SUBTRACT = 4096;

/** Where numberSubtract writes its bounds: kept from call to call, outside the heap, grown when short. */
let subtracted: Float64Array = new Float64Array(1024);

/**
 * flatSubtract written to a typed array and copied out once at its count, for bounds that are numbers
 * (the inside form's values within ±LIM; undefined as soon as it meets another, before any list is
 * made): a list grown by push to tens of thousands of bounds left its copies and itself (exact() keeps
 * another) as large objects until a full collection. The nftables sets shape at 100k cuts the Internet
 * by a block list of 50,000 intervals: 2-3 MB of them at the lint's end.
 */
function numberSubtract(a: Flat<Num>, b: Flat<Num>): Flat<number> | undefined {
  let out = subtracted;
  let n = 0;
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
      if (blo > lo) {
        const p = pred(blo);
        if (typeof lo !== 'number' || typeof p !== 'number') return undefined;
        if (n + 2 > out.length) out = grown(out);
        out[n++] = lo;
        out[n++] = p;
      }
      if (bhi >= hi) {
        open = false;
        break;
      }
      lo = succ(bhi);
    }
    if (open) {
      if (typeof lo !== 'number' || typeof hi !== 'number') return undefined;
      if (n + 2 > out.length) out = grown(out);
      out[n++] = lo;
      out[n++] = hi;
    }
  }
  if (n === 0) return EMPTY;
  // Small integers as such (`| 0`), as push gave them: a list of small integers, not of doubles.
  let small = true;
  for (let i = 0; i < n && small; i++) small = out[i] === ((out[i] ?? 0) | 0);
  const list = out;
  return small
    ? Array.from({ length: n }, (_, i) => (list[i] ?? 0) | 0)
    : Array.from({ length: n }, (_, i) => list[i] ?? 0);
}

/** The scratch of numberUnion, grown to the largest union asked (its bounds are not kept). */
let unioned: Float64Array = new Float64Array(1024);

/**
 * unionLarge of sets whose bounds are all numbers, gathered (IntervalSet.gatherNumbers: the first `j`
 * of `unioned`), sorted and merged in that typed array kept from call to call and copied out once at
 * its count (as numberSubtract). The list unionLarge made at its size, and the index list and copy
 * sorting it took, were garbage the young generation's collector promoted: the internal networks of
 * the nftables sets shape at 100k (40 interfaces of 2,500 networks), 1.6 MB.
 */
function numberUnion(j: number): Num[] {
  const flat = unioned;
  let sorted = true;
  for (let i = 2; i < j && sorted; i += 2) if (word(flat, i) < word(flat, i - 2)) sorted = false;
  if (!sorted) heapSortPairs(flat, j / 2);
  const n = mergeSortedPairs(flat, j);
  if (n === 0) return EMPTY;
  // Small integers as such (`| 0`), as the list unionLarge made held them: a list of small integers.
  let small = true;
  for (let i = 0; i < n && small; i++) small = word(flat, i) === (word(flat, i) | 0);
  return small
    ? Array.from({ length: n }, (_, i) => word(flat, i) | 0)
    : Array.from({ length: n }, (_, i) => word(flat, i));
}

/**
 * merge() in a typed array: the first `count` bounds of `flat`, pairs sorted by lo, with overlapping
 * and adjacent pairs merged in place (the successor of a number bound is the next number). Returns
 * how many bounds are left.
 */
function mergeSortedPairs(flat: Float64Array, count: number): number {
  let n = 0;
  // Bounds read in place (no call per bound: a bound above 2^31 returned by a helper is a heap number).
  let last = 0;
  for (let i = 0; i < count; i += 2) {
    const lo = flat[i] ?? Number.NaN;
    const hi = flat[i + 1] ?? Number.NaN;
    if (n > 0 && lo <= last + 1) {
      if (hi > last) flat[n - 1] = last = hi;
    } else {
      last = hi;
      flat[n++] = lo;
      flat[n++] = hi;
    }
  }
  return n;
}

/**
 * sortPairs of a few number pairs, bounds read in place (no call per bound). insertionSortPairs' loop
 * for a plain list: one function for both would see two kinds of array in its loop (a per-rule path).
 */
function insertionSortNumbers(flat: number[]): void {
  for (let i = 2; i < flat.length; i += 2) {
    const lo = flat[i] ?? 0;
    const hi = flat[i + 1] ?? 0;
    let j = i;
    for (; j > 0 && (flat[j - 2] ?? 0) > lo; j -= 2) {
      flat[j] = flat[j - 2] ?? 0;
      flat[j + 1] = flat[j - 1] ?? 0;
    }
    flat[j] = lo;
    flat[j + 1] = hi;
  }
}

/** Orders the first `count` bounds of a typed list (pairs) by their lower bounds, in place (stable): few pairs. */
function insertionSortPairs(flat: Float64Array, count: number): void {
  for (let i = 2; i < count; i += 2) {
    const lo = flat[i] ?? Number.NaN;
    const hi = flat[i + 1] ?? Number.NaN;
    let j = i;
    for (; j > 0 && (flat[j - 2] ?? Number.NaN) > lo; j -= 2) {
      flat[j] = flat[j - 2] ?? Number.NaN;
      flat[j + 1] = flat[j - 1] ?? Number.NaN;
    }
    flat[j] = lo;
    flat[j + 1] = hi;
  }
}

/**
 * Orders the first `pairs` intervals of a flat typed list by their lower bounds, in place, by heap sort
 * (no index list or copy). Not stable: intervals of one lower bound merge the same in either order.
 */
function heapSortPairs(flat: Float64Array, pairs: number): void {
  for (let i = (pairs >> 1) - 1; i >= 0; i--) siftPair(flat, i, pairs);
  for (let end = pairs - 1; end > 0; end--) {
    swapPairs(flat, 0, end);
    siftPair(flat, 0, end);
  }
}

/** Moves pair `i` down the max-heap of the first `size` pairs (keyed by lower bound). */
function siftPair(flat: Float64Array, i: number, size: number): void {
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) return;
    const r = l + 1;
    const c = r < size && word(flat, 2 * r) > word(flat, 2 * l) ? r : l;
    if (word(flat, 2 * c) <= word(flat, 2 * i)) return;
    swapPairs(flat, i, c);
    i = c;
  }
}

function swapPairs(flat: Float64Array, a: number, b: number): void {
  const lo = word(flat, 2 * a);
  const hi = word(flat, 2 * a + 1);
  flat[2 * a] = word(flat, 2 * b);
  flat[2 * a + 1] = word(flat, 2 * b + 1);
  flat[2 * b] = lo;
  flat[2 * b + 1] = hi;
}

/** The scratch of numberSubtract at twice its size, its bounds kept (it stays the scratch). */
function grown(out: Float64Array): Float64Array {
  const bigger = new Float64Array(2 * out.length);
  bigger.set(out);
  subtracted = bigger;
  return bigger;
}

/** Every interval of a lies inside one of b's (b is canonical: disjoint, non-adjacent). */
function flatIsSubset<T extends Num>(a: Flat<T>, b: Flat<T>): boolean {
  if (a.length <= b.length) {
    let j = 0;
    for (let i = 0; i < a.length; i += 2) {
      j = seek(b, j, at(a, i));
      if (j >= b.length || at(b, j) > at(a, i) || at(b, j + 1) < at(a, i + 1)) return false;
    }
    return true;
  }
  // a is the larger: each of b's intervals holds a run of a's; nothing may fall between.
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

/**
 * a minus b for a list a larger than b: the runs of a that no interval of b meets are copied whole
 * (slice and concat, which copy memory rather than elements one by one); only the intervals each of
 * b's meets are cut. Galloping finds them, so the work besides the copy is O(|b| × log |a|).
 */
function cutRuns<T extends Num>(a: Flat<T>, b: Flat<T>): Flat<T> {
  const parts: (readonly T[])[] = [];
  let cut: T[] = [];
  const flush = (): void => {
    if (cut.length > 0) parts.push(cut);
    cut = [];
  };
  let i = 0;
  /** Start of the interval at i when an earlier cut left only its upper part. */
  let pendingLo: T | undefined;
  for (let k = 0; k < b.length; k += 2) {
    const blo = at(b, k);
    const bhi = at(b, k + 1);
    const first = seek(a, i, blo);
    if (first > i && pendingLo !== undefined) {
      cut.push(pendingLo, at(a, i + 1));
      pendingLo = undefined;
      i += 2;
    }
    if (first > i) {
      flush();
      parts.push(a.slice(i, first));
      i = first;
    }
    for (; i < a.length; i += 2) {
      const lo = pendingLo ?? at(a, i);
      if (lo > bhi) break;
      const hi = at(a, i + 1);
      if (lo < blo) cut.push(lo, pred(blo));
      if (hi > bhi) {
        pendingLo = succ(bhi);
        break;
      }
      pendingLo = undefined;
    }
  }
  if (i < a.length && pendingLo !== undefined) {
    cut.push(pendingLo, at(a, i + 1));
    i += 2;
  }
  flush();
  if (i < a.length) parts.push(a.slice(i));
  return parts.length === 0 ? EMPTY : join(parts);
}

/** The number at i of a typed array the caller indexes within its length. */
function word(list: Float64Array, i: number): number {
  return list[i] ?? Number.NaN;
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

/** Orders a flat list of intervals by their lower bounds, in place (stable). */
function sortPairs(flat: Num[]): void {
  if (flat.length <= 32) {
    // Small lists (a rule's anonymous set): insertion sort, no index array or comparator calls.
    for (let i = 2; i < flat.length; i += 2) {
      const lo = at(flat, i);
      const hi = at(flat, i + 1);
      let j = i;
      for (; j > 0 && at(flat, j - 2) > lo; j -= 2) {
        flat[j] = at(flat, j - 2);
        flat[j + 1] = at(flat, j - 1);
      }
      flat[j] = lo;
      flat[j + 1] = hi;
    }
    return;
  }
  const idx = Array.from({ length: flat.length / 2 }, (_, i) => 2 * i);
  idx.sort((x, y) => {
    const a = at(flat, x);
    const b = at(flat, y);
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const copy = flat.slice();
  // An index loop: `for (const [i, k] of idx.entries())` made a pair per interval (the internal
  // networks of a 100k ruleset: 100,000 pairs, 6 MB).
  for (let i = 0; i < idx.length; i++) {
    const k = at(idx, i);
    flat[2 * i] = at(copy, k);
    flat[2 * i + 1] = at(copy, k + 1);
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

/**
 * The next integer, in the inside form: a number up to LIM, a bigint beyond (a number set never
 * gets there). T is number or bigint, which TypeScript cannot narrow on a type parameter.
 */
function succ<T extends Num>(v: T): T {
  const n: Num = v;
  if (typeof n === 'number') return (n < LIM ? n + 1 : BigInt(n) + 1n) as T;
  return toCanonical(n + 1n) as T;
}

function pred<T extends Num>(v: T): T {
  const n: Num = v;
  if (typeof n === 'number') return (n > -LIM ? n - 1 : BigInt(n) - 1n) as T;
  return toCanonical(n - 1n) as T;
}

/** A bigint in the inside form: a number when within ±LIM. */
function toCanonical(n: bigint): Num {
  return n <= LIM_BIG && n >= -LIM_BIG ? Number(n) : n;
}
