import { describe, expect, it } from 'vitest';
import { RangeTable, rangeHash } from '../../parsers/toolkit/range-table.js';

/** The table of values by their text as written (toolkit/range-table.ts), as the readers use it. */

describe('RangeTable', () => {
  it('finds a value by any range with the same characters, and nothing else', () => {
    const t = new RangeTable<number>(16);
    const src = 'xx10.0.0.0", "len": 8}} 10.0.0.0", "len": 8}} 10.0.0.0", "len": 88}}';
    t.set(src.slice(2, 23), rangeHash(src, 2, 23), 1);
    expect(t.get(src, 24, 45, rangeHash(src, 24, 45))).toBe(1);
    expect(t.get(src, 46, 68, rangeHash(src, 46, 68))).toBeUndefined();
    expect(t.get(src, 2, 22, rangeHash(src, 2, 22))).toBeUndefined();
    // The same hash with other characters (a collision) is not a hit.
    expect(t.get(src, 46, 67, rangeHash(src, 2, 23))).toBeUndefined();
  });

  it('keeps every value while it grows, and starts over once full', () => {
    const t = new RangeTable<number>(16, 64);
    const src = Array.from({ length: 40 }, (_, i) => `k${String(i)};`).join('');
    const ranges: [number, number][] = [];
    for (let i = 0, at = 0; i < 40; i++) {
      const end = src.indexOf(';', at);
      ranges.push([at, end]);
      at = end + 1;
    }
    ranges.slice(0, 32).forEach(([a, b], i) => {
      t.set(src.slice(a, b), rangeHash(src, a, b), i);
    });
    ranges.slice(0, 32).forEach(([a, b], i) => {
      expect(t.get(src, a, b, rangeHash(src, a, b))).toBe(i);
    });
    const [a, b] = ranges[32] ?? [0, 0];
    t.set(src.slice(a, b), rangeHash(src, a, b), 32);
    expect(t.get(src, a, b, rangeHash(src, a, b))).toBe(32);
    const [c, d] = ranges[0] ?? [0, 0];
    expect(t.get(src, c, d, rangeHash(src, c, d))).toBeUndefined();
  });
});
