/**
 * Union and intersection of a few intervals with many (the larger list's runs are copied whole, only
 * the intervals next to the smaller list's are merged or cut): the result is the canonical list of
 * the brute-force set, for numbers and bigints, on a domain where every member can be enumerated.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';
import { canonicalBounds } from '../helpers/bounds.js';

const MAX = 300;

const range = fc
  .tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 6 }))
  .map(([a, w]): [number, number] => [a, Math.min(MAX, a + w)]);
const many = fc.array(range, { maxLength: 80 });
const few = fc.array(range, { maxLength: 6 });

function canonical(has: (v: number) => boolean): number[] {
  return canonicalBounds(MAX, has);
}

function member(rs: [number, number][]): (v: number) => boolean {
  return (v) => rs.some(([lo, hi]) => lo <= v && v <= hi);
}

describe('IntervalSet union and intersect of a few intervals with many', () => {
  it('number sets: the canonical list of the set operation', () => {
    fc.assert(
      fc.property(many, few, (m, f) => {
        const a = IntervalSet.of(0, MAX, m);
        const b = IntervalSet.of(0, MAX, f);
        const A = member(m);
        const B = member(f);
        expect([...a.union(b).bounds]).toEqual(canonical((v) => A(v) || B(v)));
        expect([...b.union(a).bounds]).toEqual(canonical((v) => A(v) || B(v)));
        expect([...a.intersect(b).bounds]).toEqual(canonical((v) => A(v) && B(v)));
        expect([...b.intersect(a).bounds]).toEqual(canonical((v) => A(v) && B(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('bigint sets: the canonical list of the set operation', () => {
    const big = (rs: [number, number][]): [bigint, bigint][] => rs.map(([l, h]) => [BigInt(l), BigInt(h)]);
    fc.assert(
      fc.property(many, many, (m, f) => {
        const a = IntervalSet.of(0n, BigInt(MAX), big(m));
        const b = IntervalSet.of(0n, BigInt(MAX), big(f));
        const A = member(m);
        const B = member(f);
        expect(a.union(b).bounds.map(Number)).toEqual(canonical((v) => A(v) || B(v)));
        expect(a.intersect(b).bounds.map(Number)).toEqual(canonical((v) => A(v) && B(v)));
      }),
      { numRuns: 300 },
    );
  });

  it('a few intervals into a large chunked set (windows of chunks merged, the rest shared)', () => {
    IntervalSet.setChunkIntervals(2);
    fc.assert(
      fc.property(many, fc.array(range, { maxLength: 2 }), few, (m, f, g) => {
        // Cut into chunks by a subtraction, then grown by unions of a few intervals, twice.
        const a = IntervalSet.of(0, MAX, m).subtract(IntervalSet.of(0, MAX, g));
        const A = (v: number): boolean => member(m)(v) && !member(g)(v);
        const b = IntervalSet.of(0, MAX, f);
        const B = member(f);
        const ab = a.union(b);
        expect([...ab.bounds]).toEqual(canonical((v) => A(v) || B(v)));
        expect([...b.union(a).bounds]).toEqual(canonical((v) => A(v) || B(v)));
        const C = member(g);
        expect([...ab.union(IntervalSet.of(0, MAX, g)).bounds]).toEqual(canonical((v) => A(v) || B(v) || C(v)));
        expect(
          ab.equals(
            IntervalSet.of(0, MAX, [...m, ...f])
              .subtract(IntervalSet.of(0, MAX, g))
              .union(b),
          ),
        ).toBe(true);
      }),
      { numRuns: 4000 },
    );
  });

  afterAll(() => {
    IntervalSet.setChunkIntervals(128);
  });
});
