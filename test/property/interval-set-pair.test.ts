/**
 * The one-interval form (interval-set.ts keeps a set of one interval as two bounds, no list): every
 * operation between such sets, and with sets of several intervals, is the set operation; `bounds`,
 * `first` and `last` read the same values whatever the form. Bigint bounds on a small domain, where
 * every member can be enumerated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';

const MAX = 23n;
const ALL = Array.from({ length: Number(MAX) + 1 }, (_, i) => BigInt(i));
const one = fc
  .tuple(fc.bigInt({ min: 0n, max: MAX }), fc.bigInt({ min: 0n, max: MAX }))
  .map(([a, b]) => (a <= b ? IntervalSet.range(0n, MAX, a, b) : IntervalSet.range(0n, MAX, b, a)));
const several = fc
  .array(fc.tuple(fc.bigInt({ min: 0n, max: MAX }), fc.bigInt({ min: 0n, max: 3n })), { maxLength: 5 })
  .map((rs) =>
    IntervalSet.of(
      0n,
      MAX,
      rs.map(([a, d]): [bigint, bigint] => [a, a + d > MAX ? MAX : a + d]),
    ),
  );
const anySet = fc.oneof(one, several);
const members = (s: IntervalSet<bigint>): bigint[] => ALL.filter((v) => s.has(v));

describe('IntervalSet one-interval form (bigint domain 0..23)', () => {
  it('reads the same through bounds, intervals, first, last, size, isFull and isEmpty', () => {
    fc.assert(
      fc.property(anySet, (a) => {
        const m = members(a);
        const listed = [...a.intervals()].flatMap(([lo, hi]) => ALL.filter((v) => v >= lo && v <= hi));
        expect(listed).toEqual(m);
        expect(a.bounds).toEqual([...a.intervals()].flat());
        expect(a.intervalCount).toBe(a.bounds.length / 2);
        if (m.length > 0) {
          expect(a.first).toBe(m[0]);
          expect(a.last).toBe(m[m.length - 1]);
        } else expect(() => a.first).toThrow(RangeError);
        expect(a.size()).toBe(BigInt(m.length));
        expect(a.isEmpty).toBe(m.length === 0);
        expect(a.isFull).toBe(m.length === ALL.length);
      }),
      { numRuns: 400 },
    );
  });

  it('union, intersect, subtract, complement, overlaps, isSubsetOf and equals are the set operations', () => {
    fc.assert(
      fc.property(anySet, anySet, (a, b) => {
        const A = new Set(members(a));
        const B = new Set(members(b));
        expect(members(a.union(b))).toEqual(ALL.filter((v) => A.has(v) || B.has(v)));
        expect(members(a.intersect(b))).toEqual(ALL.filter((v) => A.has(v) && B.has(v)));
        expect(members(a.subtract(b))).toEqual(ALL.filter((v) => A.has(v) && !B.has(v)));
        expect(members(a.complement())).toEqual(ALL.filter((v) => !A.has(v)));
        expect(a.overlaps(b)).toBe(ALL.some((v) => A.has(v) && B.has(v)));
        expect(a.isSubsetOf(b)).toBe(ALL.every((v) => !A.has(v) || B.has(v)));
        expect(a.equals(b)).toBe(ALL.every((v) => A.has(v) === B.has(v)));
        // Results are canonical whatever form they take: sorted, disjoint, never adjacent.
        for (const z of [a.union(b), a.intersect(b), a.subtract(b), a.complement()]) {
          const bs = z.bounds;
          for (let i = 0; i < bs.length; i += 2) expect((bs[i] ?? 0n) <= (bs[i + 1] ?? -1n)).toBe(true);
          for (let i = 0; i + 2 < bs.length; i += 2) expect((bs[i + 2] ?? 0n) > (bs[i + 1] ?? 0n) + 1n).toBe(true);
        }
      }),
      { numRuns: 600 },
    );
  });

  it('a one-interval set hands out a new bounds list on each read, so a reader cannot change it', () => {
    const s = IntervalSet.range(0n, MAX, 3n, 9n);
    const b = s.bounds as bigint[];
    b[0] = 0n;
    expect(s.bounds).toEqual([3n, 9n]);
    expect(s.has(0n)).toBe(false);
  });
});
