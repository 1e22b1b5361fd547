/**
 * Property tests (fast-check) of the interval-set algebra against a brute-force reference: sets of
 * numbers on a small domain [0, 15], where every member can be enumerated.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';

const MIN = 0;
const MAX = 15;
const ALL = Array.from({ length: MAX - MIN + 1 }, (_, i) => i + MIN);

const range = fc
  .tuple(fc.integer({ min: MIN, max: MAX }), fc.integer({ min: MIN, max: MAX }))
  .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));
export const intervalSet = fc.array(range, { maxLength: 5 }).map((rs) => IntervalSet.of(MIN, MAX, rs));

function members(s: IntervalSet<number>): number[] {
  return ALL.filter((v) => s.has(v));
}

function ref(s: IntervalSet<number>): Set<number> {
  const out = new Set<number>();
  for (const [lo, hi] of s.intervals()) for (let v = lo; v <= hi; v++) out.add(v);
  return out;
}

describe('IntervalSet algebra (domain 0..15, brute force)', () => {
  it('has() agrees with the intervals; the form is canonical (sorted, disjoint, not adjacent)', () => {
    fc.assert(
      fc.property(intervalSet, (a) => {
        expect(new Set(members(a))).toEqual(ref(a));
        const b = a.bounds;
        for (let i = 0; i + 1 < b.length; i += 2) {
          expect(b[i]!).toBeLessThanOrEqual(b[i + 1]!);
          if (i + 2 < b.length) expect(b[i + 2]!).toBeGreaterThan(b[i + 1]! + 1);
        }
        expect(a.isEmpty).toBe(members(a).length === 0);
        expect(a.isFull).toBe(members(a).length === ALL.length);
        expect(Number(a.size())).toBe(members(a).length);
      }),
    );
  });

  it('union, intersect, subtract and complement are the set operations', () => {
    fc.assert(
      fc.property(intervalSet, intervalSet, (a, b) => {
        const A = ref(a);
        const B = ref(b);
        expect(members(a.union(b))).toEqual(ALL.filter((v) => A.has(v) || B.has(v)));
        expect(members(a.intersect(b))).toEqual(ALL.filter((v) => A.has(v) && B.has(v)));
        expect(members(a.subtract(b))).toEqual(ALL.filter((v) => A.has(v) && !B.has(v)));
        expect(members(a.complement())).toEqual(ALL.filter((v) => !A.has(v)));
        expect(a.overlaps(b)).toBe(ALL.some((v) => A.has(v) && B.has(v)));
        expect(a.isSubsetOf(b)).toBe(ALL.every((v) => !A.has(v) || B.has(v)));
        expect(a.equals(b)).toBe(ALL.every((v) => A.has(v) === B.has(v)));
      }),
    );
  });

  it('laws: commutative, idempotent, De Morgan, a = (a∩b) ∪ (a∖b)', () => {
    fc.assert(
      fc.property(intervalSet, intervalSet, intervalSet, (a, b, c) => {
        expect(a.union(b).equals(b.union(a))).toBe(true);
        expect(a.intersect(b).equals(b.intersect(a))).toBe(true);
        expect(a.union(a).equals(a)).toBe(true);
        expect(a.intersect(a).equals(a)).toBe(true);
        expect(a.union(b).complement().equals(a.complement().intersect(b.complement()))).toBe(true);
        expect(a.intersect(b).union(a.subtract(b)).equals(a)).toBe(true);
        expect(a.union(b.union(c)).equals(a.union(b).union(c))).toBe(true);
        expect(a.intersect(b.union(c)).equals(a.intersect(b).union(a.intersect(c)))).toBe(true);
      }),
    );
  });
});

/**
 * The galloping paths: a set of a few intervals against one of many (both orders, both number and
 * bigint bounds), on a domain of 0..399 still small enough to enumerate.
 */
describe('IntervalSet algebra, small against large (galloping paths, domain 0..399)', () => {
  const BIG_MAX = 399;
  const BIG_ALL = Array.from({ length: BIG_MAX + 1 }, (_, i) => i);
  const r = (w: number): fc.Arbitrary<[number, number]> =>
    fc
      .tuple(fc.integer({ min: 0, max: BIG_MAX }), fc.integer({ min: 0, max: w }))
      .map(([a, d]): [number, number] => [a, Math.min(BIG_MAX, a + d)]);
  const few = fc.array(r(40), { maxLength: 3 }).map((rs) => IntervalSet.of(0, BIG_MAX, rs));
  const many = fc.array(r(3), { minLength: 20, maxLength: 120 }).map((rs) => IntervalSet.of(0, BIG_MAX, rs));
  const memb = (s: IntervalSet<number>): number[] => BIG_ALL.filter((v) => s.has(v));
  const big = (s: IntervalSet<number>): IntervalSet<bigint> =>
    IntervalSet.of(
      0n,
      BigInt(BIG_MAX),
      [...s.intervals()].map(([lo, hi]): [bigint, bigint] => [BigInt(lo), BigInt(hi)]),
    );

  it('every operation is the set operation, in both orders, for number and bigint bounds', () => {
    fc.assert(
      fc.property(few, many, fc.boolean(), (s, l, swap) => {
        const [a, b] = swap ? [l, s] : [s, l];
        const A = new Set(memb(a));
        const B = new Set(memb(b));
        const expectOps = <T extends number | bigint>(x: IntervalSet<T>, y: IntervalSet<T>, conv: (v: T) => number) => {
          const m = (z: IntervalSet<T>): number[] => [...z.intervals()].flatMap(([lo, hi]) => span(conv(lo), conv(hi)));
          expect(m(x.union(y))).toEqual(BIG_ALL.filter((v) => A.has(v) || B.has(v)));
          expect(m(x.intersect(y))).toEqual(BIG_ALL.filter((v) => A.has(v) && B.has(v)));
          expect(m(x.subtract(y))).toEqual(BIG_ALL.filter((v) => A.has(v) && !B.has(v)));
          expect(x.overlaps(y)).toBe(BIG_ALL.some((v) => A.has(v) && B.has(v)));
          expect(x.isSubsetOf(y)).toBe(BIG_ALL.every((v) => !A.has(v) || B.has(v)));
          expect(y.isSubsetOf(x)).toBe(BIG_ALL.every((v) => !B.has(v) || A.has(v)));
          // Results are canonical: sorted, disjoint, never adjacent.
          for (const z of [x.union(y), x.intersect(y), x.subtract(y)]) {
            const bs = z.bounds.map(conv);
            for (let i = 0; i < bs.length; i += 2) expect(bs[i]).toBeLessThanOrEqual(bs[i + 1] ?? -1);
            for (let i = 0; i + 2 < bs.length; i += 2) expect(bs[i + 2]).toBeGreaterThan((bs[i + 1] ?? 0) + 1);
          }
        };
        expectOps(a, b, (v) => v);
        expectOps(big(a), big(b), (v) => Number(v));
        for (const v of [0, 1, 57, 200, BIG_MAX]) expect(a.has(v)).toBe(A.has(v));
      }),
      { numRuns: 300 },
    );
  });

  it('a subset of a large set, and a large set inside a few wide intervals, are recognised', () => {
    fc.assert(
      fc.property(many, fc.integer({ min: 0, max: 200 }), (l, pick) => {
        const iv = [...l.intervals()];
        const chosen = iv.filter((_, i) => (i * 7 + pick) % 5 === 0);
        const sub = IntervalSet.of(0, BIG_MAX, chosen);
        expect(sub.isSubsetOf(l)).toBe(true);
        expect(l.intersect(sub).equals(sub)).toBe(true);
        expect(l.subtract(sub).union(sub).equals(l)).toBe(true);
        const hull = IntervalSet.of(0, BIG_MAX, iv.length ? [[iv[0]?.[0] ?? 0, iv[iv.length - 1]?.[1] ?? 0]] : []);
        expect(l.isSubsetOf(hull)).toBe(true);
        expect(hull.subtract(hull.subtract(l)).equals(l)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

function span(lo: number, hi: number): number[] {
  return Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
}

/**
 * Large sets are cut chunk by chunk and share the chunks a cut leaves alone. With chunks of 2
 * intervals, sets of 20–120 intervals take those paths: chains of cuts (as a flow walking a chain
 * of rules makes) must equal the flat computation, and every reader sees the same set.
 */
describe('IntervalSet in chunks (chunks of 2 intervals, domain 0..399)', () => {
  beforeAll(() => {
    IntervalSet.setChunkIntervals(2);
  });
  afterAll(() => {
    IntervalSet.setChunkIntervals(128);
  });
  const MAXV = 399;
  const ALLV = Array.from({ length: MAXV + 1 }, (_, i) => i);
  const r = (w: number): fc.Arbitrary<[number, number]> =>
    fc
      .tuple(fc.integer({ min: 0, max: MAXV }), fc.integer({ min: 0, max: w }))
      .map(([a, d]): [number, number] => [a, Math.min(MAXV, a + d)]);
  const few = fc.array(r(30), { minLength: 1, maxLength: 3 }).map((rs) => IntervalSet.of(0, MAXV, rs));
  const many = fc.array(r(3), { minLength: 20, maxLength: 120 }).map((rs) => IntervalSet.of(0, MAXV, rs));

  it('chains of cuts and intersections agree with brute force, read any way', () => {
    fc.assert(
      fc.property(
        many,
        fc.array(fc.tuple(few, fc.boolean()), { minLength: 1, maxLength: 12 }),
        few,
        (l, cuts, probe) => {
          let set = l;
          let ref = new Set(ALLV.filter((v) => l.has(v)));
          for (const [c, keep] of cuts) {
            const C = new Set(ALLV.filter((v) => c.has(v)));
            if (keep && set.overlaps(c) && !c.isSubsetOf(set)) {
              set = set.intersect(c);
              ref = new Set([...ref].filter((v) => C.has(v)));
            } else {
              set = set.subtract(c);
              ref = new Set([...ref].filter((v) => !C.has(v)));
            }
            const P = new Set(ALLV.filter((v) => probe.has(v)));
            expect(ALLV.filter((v) => set.has(v))).toEqual([...ref].sort((a, b) => a - b));
            expect(set.overlaps(probe)).toBe([...P].some((v) => ref.has(v)));
            expect(probe.overlaps(set)).toBe([...P].some((v) => ref.has(v)));
            expect(probe.isSubsetOf(set)).toBe([...P].every((v) => ref.has(v)));
            expect(set.isSubsetOf(probe)).toBe([...ref].every((v) => P.has(v)));
            expect(ALLV.filter((v) => probe.subtract(set).has(v))).toEqual([...P].filter((v) => !ref.has(v)));
            expect(ALLV.filter((v) => probe.intersect(set).has(v))).toEqual([...P].filter((v) => ref.has(v)));
            expect(ALLV.filter((v) => set.union(probe).has(v))).toEqual(ALLV.filter((v) => ref.has(v) || P.has(v)));
            expect(Number(set.size())).toBe(ref.size);
            expect(set.intervalCount).toBe([...set.intervals()].length);
          }
          // The flat list joined from the chunks is canonical and equals the same set built flat.
          const b = set.bounds;
          for (let i = 0; i < b.length; i += 2) expect(b[i]).toBeLessThanOrEqual(b[i + 1] ?? -1);
          for (let i = 0; i + 2 < b.length; i += 2) expect(b[i + 2]).toBeGreaterThan((b[i + 1] ?? 0) + 1);
          const flat = IntervalSet.of(
            0,
            MAXV,
            [...ref].map((v): [number, number] => [v, v]),
          );
          expect(set.equals(flat)).toBe(true);
          expect(flat.equals(set)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
