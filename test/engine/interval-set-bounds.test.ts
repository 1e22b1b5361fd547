import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../src/model/interval-set.js';

/** IntervalSet.ofBounds (a flat list in any order) builds the set `of` builds from the same pairs. */

function pairs(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] ?? 0, flat[i + 1] ?? 0]);
  return out;
}

describe('IntervalSet.ofBounds', () => {
  it('sorts, clamps, merges and drops empty intervals as `of` does', () => {
    const cases: number[][] = [
      [],
      [5, 5],
      [8006, 8006, 7993, 7993, 8000, 8100, 8019, 8019],
      [30, 40, 10, 20, 21, 29, 50, 60, 45, 45],
      [-5, 3, 98, 120, 50, 40, 7, 7],
      Array.from({ length: 80 }, (_, i) => ((i * 37) % 97) + (i % 2 ? 3 : 0)),
    ];
    for (const flat of cases) {
      const expected = IntervalSet.of(0, 100, pairs(flat));
      const got = IntervalSet.ofBounds(0, 100, flat.slice());
      expect([...got.intervals()]).toEqual([...expected.intervals()]);
      expect(got.equals(expected)).toBe(true);
    }
  });

  it('works on bigint bounds (addresses)', () => {
    const got = IntervalSet.ofBounds(0n, 1000n, [300n, 400n, 10n, 20n, 399n, 500n]);
    expect([...got.intervals()]).toEqual([
      [10n, 20n],
      [300n, 500n],
    ]);
  });
});

describe('IntervalSet.fromSortedNumbers', () => {
  it('makes the set fromSorted makes from the same bounds as bigints, equal to it bound for bound', () => {
    const max = 2n ** 129n;
    const cases: number[][] = [
      [],
      [0, 0],
      [0, 10, 12, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1],
      [5, 9, 10, 20, 2 ** 32, 2 ** 40, 2 ** 53 - 2, 2 ** 53 - 1],
      Array.from({ length: 600 }, (_, i) => i * 3 * 2 ** 20 + (i % 2 ? 2 ** 20 : 0)),
    ];
    for (const flat of cases) {
      const expected = IntervalSet.fromSorted(0n, max, flat.map(BigInt));
      const got = IntervalSet.fromSortedNumbers(0n, max, flat.slice());
      expect(got.equals(expected)).toBe(true);
      expect(got.bounds).toEqual(expected.bounds);
      expect(got.intervalCount).toBe(expected.intervalCount);
      // The same inside form: set operations between the two agree.
      expect(got.subtract(expected).isEmpty).toBe(true);
      expect(expected.isSubsetOf(got)).toBe(true);
    }
  });

  it('refuses bounds that are not safe integers', () => {
    expect(() => IntervalSet.fromSortedNumbers(0n, 2n ** 64n, [0, 2 ** 53])).toThrow(RangeError);
    expect(() => IntervalSet.fromSortedNumbers(0n, 2n ** 64n, [0.5, 1])).toThrow(RangeError);
  });
});
