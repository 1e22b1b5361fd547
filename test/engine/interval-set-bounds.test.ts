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
