/**
 * Property tests (fast-check) of the interval-set algebra against a brute-force reference: sets of
 * numbers on a small domain [0, 15], where every member can be enumerated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
