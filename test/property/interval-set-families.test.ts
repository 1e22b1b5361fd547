/**
 * Address sets keep their bounds inside as numbers (shifted by 2^31) up to 2^53 − 1 and as bigints
 * above: every operation must stay exact where a set's intervals cross that boundary, the IPv4/IPv6
 * boundary (2^32), the small-integer boundary of the shifted form (2^31) and the ends of the space.
 * Bounds are drawn near those points; the reference cuts the space into the segments between all
 * bounds of both operands (each segment lies wholly inside or outside each set) and merges them.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';
import { ADDR_MAX, ADDR_MIN, V6_BASE } from '../../src/model/address.js';

const P53 = 1n << 53n;
const POINTS = [
  0n,
  1n,
  255n,
  (1n << 31n) - 1n,
  1n << 31n,
  (1n << 32n) - 1n,
  V6_BASE,
  V6_BASE + 1n,
  P53 - (1n << 31n),
  P53 - 1n,
  P53,
  P53 + (1n << 31n),
  V6_BASE + (1n << 64n),
  ADDR_MAX - 1n,
  ADDR_MAX,
];

const clamp = (v: bigint): bigint => (v < ADDR_MIN ? ADDR_MIN : v > ADDR_MAX ? ADDR_MAX : v);
const value = fc
  .tuple(fc.constantFrom(...POINTS), fc.integer({ min: -3, max: 3 }))
  .map(([p, d]) => clamp(p + BigInt(d)));
const range = fc.tuple(value, value).map(([a, b]): [bigint, bigint] => (a <= b ? [a, b] : [b, a]));
const ranges = fc.array(range, { maxLength: 8 });

type Ranges = [bigint, bigint][];

/** Canonical bounds of the members of `op(inA, inB)`, over the segments between the operands' bounds. */
function reference(a: Ranges, b: Ranges, op: (x: boolean, y: boolean) => boolean): bigint[] {
  const cuts = new Set<bigint>([ADDR_MIN]);
  for (const [lo, hi] of [...a, ...b]) {
    cuts.add(lo);
    if (hi < ADDR_MAX) cuts.add(hi + 1n);
  }
  const starts = [...cuts].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const has = (rs: Ranges, v: bigint): boolean => rs.some(([lo, hi]) => lo <= v && v <= hi);
  const out: bigint[] = [];
  starts.forEach((s, i) => {
    const next = starts[i + 1];
    const end = next === undefined ? ADDR_MAX : next - 1n;
    if (!op(has(a, s), has(b, s))) return;
    if (out.length > 0 && out[out.length - 1] === s - 1n) out[out.length - 1] = end;
    else out.push(s, end);
  });
  return out;
}

const set = (rs: Ranges): IntervalSet<bigint> => IntervalSet.of(ADDR_MIN, ADDR_MAX, rs);

function check(a: Ranges, b: Ranges): void {
  const x = set(a);
  const y = set(b);
  const union = reference(a, b, (p, q) => p || q);
  const inter = reference(a, b, (p, q) => p && q);
  const diff = reference(a, b, (p, q) => p && !q);
  const own = reference(a, [], (p) => p);
  expect([...x.bounds]).toEqual(own);
  expect([...x.union(y).bounds]).toEqual(union);
  expect([...y.union(x).bounds]).toEqual(union);
  expect([...x.intersect(y).bounds]).toEqual(inter);
  expect([...x.subtract(y).bounds]).toEqual(diff);
  expect([...x.complement().bounds]).toEqual(reference(a, [], (p) => !p));
  // Results equal the sets built from their bounds: each value has one form inside, whichever way it was reached.
  const built = (bs: bigint[]): IntervalSet<bigint> => IntervalSet.ofBounds(ADDR_MIN, ADDR_MAX, bs.slice());
  for (const [r, bs] of [
    [x.union(y), union],
    [x.intersect(y), inter],
    [x.subtract(y), diff],
    [y.subtract(x), reference(a, b, (p, q) => q && !p)],
    [x.complement(), reference(a, [], (p) => !p)],
    [x.complement().complement(), own],
  ] as const) {
    expect(r.equals(built(bs))).toBe(true);
    expect(built(bs).equals(r)).toBe(true);
    expect(r.isFull).toBe(bs.length === 2 && bs[0] === ADDR_MIN && bs[1] === ADDR_MAX);
  }
  expect(x.overlaps(y)).toBe(inter.length > 0);
  expect(x.isSubsetOf(y)).toBe(diff.length === 0);
  expect(x.equals(y)).toBe(union.length === inter.length && union.every((v, i) => v === inter[i]));
  expect(x.equals(set(a))).toBe(true);
  expect([...x.intervals()].flat()).toEqual(own);
  expect(x.isEmpty).toBe(own.length === 0);
  expect(x.isFull).toBe(own.length === 2 && own[0] === ADDR_MIN && own[1] === ADDR_MAX);
  if (own.length > 0) {
    expect(x.first).toBe(own[0]);
    expect(x.last).toBe(own[own.length - 1]);
    expect(x.approxFirst).toBe(Number(own[0]));
    expect(x.approxLast).toBe(Number(own[own.length - 1]));
  }
  expect([...x.approxBounds()]).toEqual(own.map(Number));
  let size = 0n;
  for (let i = 0; i < own.length; i += 2) size += (own[i + 1] ?? 0n) - (own[i] ?? 0n) + 1n;
  expect(x.size()).toBe(size);
  for (const p of POINTS)
    for (const v of [p - 1n, p, p + 1n].map(clamp))
      expect(x.has(v)).toBe(own.some((_, i) => i % 2 === 0 && (own[i] ?? 0n) <= v && v <= (own[i + 1] ?? 0n)));
}

describe('IntervalSet address bounds across the number/bigint and IPv4/IPv6 boundaries', () => {
  afterAll(() => {
    IntervalSet.setChunkIntervals(128);
  });

  it('every operation is the set operation, with bounds at 2^31, 2^32 − 1, 2^53 and the ends', () => {
    fc.assert(
      fc.property(ranges, ranges, (a, b) => {
        check(a, b);
      }),
      { numRuns: 400 },
    );
  });

  it('the same through the chunked paths (chunks of one interval)', () => {
    IntervalSet.setChunkIntervals(1);
    fc.assert(
      fc.property(fc.array(range, { maxLength: 24 }), ranges, (a, b) => {
        // A large set cut by a small one, then operated on: results are chunked and share chunks.
        const big = set(a).subtract(set(b));
        const diff = reference(a, b, (p, q) => p && !q);
        expect([...big.bounds]).toEqual(diff);
        const c = set(b);
        expect([...big.union(c).bounds]).toEqual(reference(a, b, (p, q) => p || q));
        expect([...big.intersect(c).bounds]).toEqual([]);
        expect(big.overlaps(c)).toBe(false);
        expect(c.subtract(big).isSubsetOf(c)).toBe(true);
        check(a, b);
      }),
      { numRuns: 300 },
    );
  });

  it('bounds built from a list (ofBounds, fromSorted) and one range agree with of', () => {
    fc.assert(
      fc.property(ranges, (a) => {
        const flat = a.flat();
        expect([...IntervalSet.ofBounds(ADDR_MIN, ADDR_MAX, flat.slice()).bounds]).toEqual([...set(a).bounds]);
        for (const [lo, hi] of a) {
          const r = IntervalSet.range(ADDR_MIN, ADDR_MAX, lo, hi);
          expect([...r.bounds]).toEqual([lo, hi]);
          expect(r.equals(set([[lo, hi]]))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('unionOf many sets is the union of them all', () => {
    fc.assert(
      fc.property(fc.array(ranges, { maxLength: 6 }), (groups) => {
        const sets = groups.map(set);
        const all = groups.flat();
        expect(IntervalSet.unionOf(ADDR_MIN, ADDR_MAX, sets).equals(set(all))).toBe(true);
        expect([...IntervalSet.unionOf(ADDR_MIN, ADDR_MAX, sets).bounds]).toEqual(reference(all, [], (p) => p));
      }),
      { numRuns: 300 },
    );
    expect(() => IntervalSet.unionOf(ADDR_MIN, ADDR_MAX, [IntervalSet.full(0n, 9n)])).toThrow(TypeError);
  });

  it('unionOf of many bounds (gathered in a list made at its size) is the union of them all', () => {
    // More than 4,096 bounds: unionLarge. Drawn by a fixed linear congruential sequence, out of order,
    // overlapping, adjacent and across the boundaries above; numbers and addresses.
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const groups: Ranges[] = [];
    for (let g = 0; g < 3000; g++) {
      const group: Ranges = [];
      for (let k = next(3); k >= 0; k--) {
        const base = POINTS[next(POINTS.length)] ?? 0n;
        const lo = clamp(base + BigInt(next(4000)) - 2000n);
        group.push([lo, clamp(lo + BigInt(next(40)))]);
      }
      groups.push(group);
    }
    const all = groups.flat();
    expect(all.length * 2).toBeGreaterThan(4096);
    const u = IntervalSet.unionOf(ADDR_MIN, ADDR_MAX, groups.map(set));
    // IntervalSet.of sorts and merges by a path of its own; a fold of union() by another.
    expect([...u.bounds]).toEqual([...set(all).bounds]);
    expect(u.equals(groups.map(set).reduce((x, y) => x.union(y)))).toBe(true);
    // A number universe, and a union that merges into one interval.
    const ports = Array.from({ length: 5000 }, (_, i) =>
      IntervalSet.range(0, 65535, (i * 7919) % 5000, (i * 7919) % 5000),
    );
    expect([...IntervalSet.unionOf(0, 65535, ports).intervals()]).toEqual([[0, 4999]]);
    const spaced = Array.from({ length: 5000 }, (_, i) =>
      IntervalSet.range(0, 65535, ((i * 7919) % 5000) * 3, ((i * 7919) % 5000) * 3),
    );
    expect(IntervalSet.unionOf(0, 65535, spaced).bounds).toEqual(Array.from({ length: 10000 }, (_, i) => (i >> 1) * 3));
    expect(() => IntervalSet.unionOf(0, 65535, [...ports, IntervalSet.full(0, 255)])).toThrow(TypeError);
  });
});
