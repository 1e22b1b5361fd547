import { describe, expect, it } from 'vitest';
import { addrSet, parseAddressSpec } from '../../src/model/address.js';
import { parseRouterOS } from '../../parsers/mikrotik/index.js';

/**
 * address-lists.ts: a list of IPv4 entries is sorted as numbers and merged by IntervalSet.ofSmallBounds;
 * the set must be the one addrSet makes of every entry (overlaps, adjacent and repeated entries, any order).
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function entries(count: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    // A few /8s so entries overlap, touch and repeat.
    const a = `10.${String(Math.floor(r() * 4))}.${String(Math.floor(r() * 256))}.${String(Math.floor(r() * 256))}`;
    const k = r();
    out.push(
      k < 0.5 ? a : k < 0.8 ? `${a}/${String(20 + Math.floor(r() * 13))}` : `${a}/${String(Math.floor(r() * 33))}`,
    );
  }
  return out;
}

describe('RouterOS address lists (address-lists.ts)', () => {
  it.each([
    [1, 1],
    [2, 2],
    [50, 3],
    [3000, 4],
  ])('makes the set addrSet makes of %i entries', (count, seed) => {
    const list = entries(count, seed);
    const text = [
      '# 2025-04-20 16:18:22 by RouterOS 7.18.2',
      ...list.map((a) => `/ip firewall address-list add address=${a} list=x`),
      '',
    ].join('\n');
    const policy = parseRouterOS(text, 't.rsc');
    const x = policy.inventory?.objects.find((o) => o.name === 'x');
    const expected = addrSet(list.flatMap((a) => [...(parseAddressSpec(a)?.intervals() ?? [])]));
    expect(x?.addresses.bounds).toEqual(expected.bounds);
    expect(x?.members).toEqual(list);
  });
});
