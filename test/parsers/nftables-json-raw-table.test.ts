import { describe, expect, it } from 'vitest';
import { RawTable } from '../../parsers/nftables/json-raw-table.js';
import { RANGE_HASH_BASIS, rangeHashStep } from '../../parsers/toolkit/intern.js';

/** The table of values by their text as written (json-raw-table.ts), as the `nft -j` reader uses it. */

function hashOf(src: string, start: number, end: number): number {
  let h = RANGE_HASH_BASIS;
  for (let i = start; i < end; i++) h = rangeHashStep(h, src.charCodeAt(i));
  return h;
}

describe('RawTable', () => {
  it('finds a value by any range with the same characters, and nothing else', () => {
    const t = new RawTable<number>(16);
    const src = 'xx10.0.0.0", "len": 8}} 10.0.0.0", "len": 8}} 10.0.0.0", "len": 88}}';
    t.set(src, 2, 23, hashOf(src, 2, 23), 1);
    expect(t.get(src, 24, 45, hashOf(src, 24, 45))).toBe(1);
    expect(t.get(src, 46, 68, hashOf(src, 46, 68))).toBeUndefined();
    expect(t.get(src, 2, 22, hashOf(src, 2, 22))).toBeUndefined();
    // The same hash with other characters (a collision) is not a hit.
    expect(t.get(src, 46, 67, hashOf(src, 2, 23))).toBeUndefined();
  });

  it('keeps every value while it grows, and starts over once full', () => {
    const t = new RawTable<number>(16, 64);
    const src = Array.from({ length: 40 }, (_, i) => `k${String(i)};`).join('');
    const ranges: [number, number][] = [];
    for (let i = 0, at = 0; i < 40; i++) {
      const end = src.indexOf(';', at);
      ranges.push([at, end]);
      at = end + 1;
    }
    ranges.slice(0, 32).forEach(([a, b], i) => {
      t.set(src, a, b, hashOf(src, a, b), i);
    });
    ranges.slice(0, 32).forEach(([a, b], i) => {
      expect(t.get(src, a, b, hashOf(src, a, b))).toBe(i);
    });
    const [a, b] = ranges[32] ?? [0, 0];
    t.set(src, a, b, hashOf(src, a, b), 32);
    expect(t.get(src, a, b, hashOf(src, a, b))).toBe(32);
    const [c, d] = ranges[0] ?? [0, 0];
    expect(t.get(src, c, d, hashOf(src, c, d))).toBeUndefined();
  });
});
