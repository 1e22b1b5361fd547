/**
 * Subtraction of lists of thousands of intervals (flatSubtract's typed-array path for number bounds,
 * above 4,096 bounds): the result is the canonical list of the brute-force set, for number sets, for
 * IPv4 address sets (whose bounds are kept as numbers) and for IPv6 ones (bigints: the path gives way).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addrSet } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { canonicalBounds } from '../helpers/bounds.js';

const MAX = 40_000;

const range = fc
  .tuple(fc.integer({ min: 0, max: MAX }), fc.integer({ min: 0, max: 5 }))
  .map(([a, w]): [number, number] => [a, Math.min(MAX, a + w)]);
const many = fc.array(range, { minLength: 2500, maxLength: 4000 });
const wide = fc.array(range, { minLength: 1, maxLength: 40 });

function canonical(has: (v: number) => boolean): number[] {
  return canonicalBounds(MAX, has);
}

function mask(rs: [number, number][]): Uint8Array {
  const m = new Uint8Array(MAX + 1);
  for (const [lo, hi] of rs) m.fill(1, lo, hi + 1);
  return m;
}

describe('IntervalSet subtract of thousands of intervals', () => {
  it('number sets: the canonical list of the difference', () => {
    fc.assert(
      fc.property(many, many, wide, (x, y, w) => {
        const a = IntervalSet.of(0, MAX, x);
        const b = IntervalSet.of(0, MAX, y);
        // Wide intervals minus a long list (the Internet minus a block list), and list minus list.
        const c = IntervalSet.of(
          0,
          MAX,
          w.map(([lo, hi]): [number, number] => [lo, Math.min(MAX, hi * 40)]),
        );
        const A = mask(x);
        const B = mask(y);
        const C = mask(w.map(([lo, hi]): [number, number] => [lo, Math.min(MAX, hi * 40)]));
        expect([...a.subtract(b).bounds]).toEqual(canonical((v) => A[v] === 1 && B[v] !== 1));
        expect([...c.subtract(b).bounds]).toEqual(canonical((v) => C[v] === 1 && B[v] !== 1));
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });

  it('address sets: the canonical list of the difference', () => {
    fc.assert(
      fc.property(many, wide, (y, w) => {
        const base = 167_772_160; // 10.0.0.0
        const big = (rs: [number, number][]): [bigint, bigint][] =>
          rs.map(([lo, hi]) => [BigInt(base + lo), BigInt(base + hi)]);
        const wideRs = w.map(([lo, hi]): [number, number] => [lo, Math.min(MAX, hi * 40)]);
        const diff = addrSet(big(wideRs)).subtract(addrSet(big(y)));
        const C = mask(wideRs);
        const B = mask(y);
        expect(diff.bounds.map((v) => Number(v) - base)).toEqual(canonical((v) => C[v] === 1 && B[v] !== 1));
      }),
      { numRuns: 12, endOnFailure: true },
    );
  });

  it('IPv6 address sets (bounds kept as bigints): the canonical list of the difference', () => {
    fc.assert(
      fc.property(many, wide, (y, w) => {
        const base = 0x2001_0db8n << 96n;
        const big = (rs: [number, number][]): [bigint, bigint][] =>
          rs.map(([lo, hi]) => [base + BigInt(lo), base + BigInt(hi)]);
        const wideRs = w.map(([lo, hi]): [number, number] => [lo, Math.min(MAX, hi * 40)]);
        const diff = addrSet(big(wideRs)).subtract(addrSet(big(y)));
        const C = mask(wideRs);
        const B = mask(y);
        expect(diff.bounds.map((v) => Number(v - base))).toEqual(canonical((v) => C[v] === 1 && B[v] !== 1));
      }),
      { numRuns: 6, endOnFailure: true },
    );
  });
});
