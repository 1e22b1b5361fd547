/**
 * unionOf of more than 4,096 bounds (unionLarge): number bounds are gathered, sorted and merged in a
 * typed array (numberUnion), bigint bounds in a list. The result is the canonical list of the
 * brute-force union, for number sets, IPv4 address sets (bounds kept as numbers), sets of several
 * intervals, in any order, and for IPv6 ones (bigints: the typed path gives way).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ADDR_MAX, ADDR_MIN, addrSet } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { canonicalBounds } from '../helpers/bounds.js';

const MAX = 40_000;

const range = fc
  .tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 5 }))
  .map(([a, w]): [number, number] => [a, Math.min(MAX, a + w)]);
/** Sets of one to three intervals, enough of them for more than 4,096 bounds. */
const groups = fc.array(fc.array(range, { minLength: 1, maxLength: 3 }), { minLength: 1500, maxLength: 2500 });

function mask(gs: [number, number][][]): Uint8Array {
  const m = new Uint8Array(MAX + 1);
  for (const g of gs) for (const [lo, hi] of g) m.fill(1, lo, hi + 1);
  return m;
}

describe('IntervalSet.unionOf of thousands of sets', () => {
  it('number sets: the canonical list of the union', () => {
    fc.assert(
      fc.property(groups, (gs) => {
        const u = IntervalSet.unionOf(
          0,
          MAX,
          gs.map((g) => IntervalSet.of(0, MAX, g)),
        );
        const m = mask(gs);
        expect([...u.bounds]).toEqual(canonicalBounds(MAX, (v) => m[v] === 1));
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });

  it('IPv4 and IPv6 address sets: the canonical list of the union', () => {
    for (const base of [167_772_160n /* 10.0.0.0 */, 0x2001_0db8n << 96n]) {
      fc.assert(
        fc.property(groups, (gs) => {
          const sets = gs.map((g) =>
            addrSet(g.map(([lo, hi]): [bigint, bigint] => [base + BigInt(lo), base + BigInt(hi)])),
          );
          const u = IntervalSet.unionOf(ADDR_MIN, ADDR_MAX, sets);
          const m = mask(gs);
          expect(u.bounds.map((v) => Number(v - base))).toEqual(canonicalBounds(MAX, (v) => m[v] === 1));
        }),
        { numRuns: 6, endOnFailure: true },
      );
    }
  });
});
