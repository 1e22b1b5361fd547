/**
 * IntervalSet records which large sets are disjoint (what is left once a large set is cut out, and
 * every large set cut or intersected from that) and answers overlaps, intersect and isSubsetOf from
 * the record: every answer must still be the brute-force one, along chains of operations like a
 * chain walk's, with chunks small enough that the sets here count as large.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';

const MAX = 400;

const range = fc
  .tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 5 }))
  .map(([a, w]): [number, number] => [a, Math.min(MAX, a + w)]);
const many = fc.array(range, { minLength: 10, maxLength: 90 });
const step = fc.tuple(fc.constantFrom('subtract', 'intersect', 'union'), fc.array(range, { maxLength: 60 }));

function members(s: IntervalSet<bigint>): Set<number> {
  const out = new Set<number>();
  for (const [lo, hi] of s.intervals()) for (let v = Number(lo); v <= Number(hi); v++) out.add(v);
  return out;
}

const big = (rs: [number, number][]): IntervalSet<bigint> =>
  IntervalSet.of(
    0n,
    BigInt(MAX),
    rs.map(([l, h]): [bigint, bigint] => [BigInt(l), BigInt(h)]),
  );

afterAll(() => {
  IntervalSet.setChunkIntervals(128);
});

describe('IntervalSet: answers from recorded disjointness', () => {
  it('overlaps, intersect, isSubsetOf and subtract agree with brute force along chains of operations', () => {
    IntervalSet.setChunkIntervals(2);
    fc.assert(
      fc.property(many, many, fc.array(step, { maxLength: 6 }), (start, list, steps) => {
        const l = big(list);
        const L = members(l);
        // What is left once the list is cut out (recorded as lying outside it), then cut further.
        let s = big(start).subtract(l);
        const seen: IntervalSet<bigint>[] = [l, s];
        for (const [op, rs] of steps) {
          const o = big(rs);
          s = op === 'subtract' ? s.subtract(o) : op === 'intersect' ? s.intersect(o) : s.union(o);
          seen.push(o, s);
        }
        for (const a of seen)
          for (const b of [l, s]) {
            const A = members(a);
            const B = members(b);
            const common = [...A].filter((v) => B.has(v));
            expect(a.overlaps(b)).toBe(common.length > 0);
            expect(b.overlaps(a)).toBe(common.length > 0);
            expect(members(a.intersect(b))).toEqual(new Set(common));
            expect(a.isSubsetOf(b)).toBe([...A].every((v) => B.has(v)));
            expect(members(a.subtract(b))).toEqual(new Set([...A].filter((v) => !B.has(v))));
          }
        // The record's first fact, explicitly: nothing of the list is left.
        expect([...members(big(start).subtract(l))].some((v) => L.has(v))).toBe(false);
      }),
      { numRuns: 400 },
    );
  });
});
