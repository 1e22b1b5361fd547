import { describe, expect, it } from 'vitest';
import { ADDR_MAX, ADDR_MIN, AddrUnion, parseAddressSpec, unionAddrs, type AddrSet } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';

/** AddrUnion and IntervalSet.ofSmallBounds build the sets unionAddrs builds from the members' own sets. */

function expected(specs: readonly string[]): AddrSet {
  const sets: AddrSet[] = [];
  for (const s of specs) {
    const set = parseAddressSpec(s);
    if (set) sets.push(set);
  }
  return unionAddrs(sets);
}

function viaUnion(specs: readonly string[], hint?: number): AddrSet {
  const u = new AddrUnion(hint);
  for (const s of specs) {
    if (u.addV4Spec(s)) continue;
    const set = parseAddressSpec(s);
    if (set) u.add(set);
  }
  return u.done();
}

describe('AddrUnion', () => {
  it('unions IPv4 specs, prefixes with host bits, other forms and IPv6 as unionAddrs does', () => {
    const cases: string[][] = [
      [],
      ['10.0.0.1'],
      ['10.0.0.0/24', '10.0.1.0/24', '10.0.3.7/24'],
      ['192.168.1.5/16', '10.0.0.0/8', '0.0.0.0/0'],
      ['255.255.255.255', '255.255.255.254/31', '0.0.0.0'],
      ['10.0.0.1-10.0.0.9', '10.0.0.10', ' 10.0.0.20 ', '10.1.0.0/255.255.0.0', 'fe80::/10', '2001:db8::1'],
      ['10.0.0.0/33', '300.1.1.1', 'host.example', '10.0.0.8/29'],
      Array.from(
        { length: 3000 },
        (_, i) => `100.${String((i * 7919) % 251)}.${String((i * 31) % 256)}.0/${String(20 + (i % 13))}`,
      ),
    ];
    for (const specs of cases) {
      const want = expected(specs);
      for (const got of [viaUnion(specs), viaUnion(specs, 1), viaUnion(specs, specs.length)]) {
        expect([...got.intervals()]).toEqual([...want.intervals()]);
        expect(got.equals(want)).toBe(true);
      }
    }
  });

  it('reads `addr` and `len` as the text addr/len', () => {
    const u = new AddrUnion();
    expect(u.addV4Prefix('10.0.0.77', 30)).toBe(true);
    expect(u.addV4Prefix('10.0.0.1', 33)).toBe(false);
    expect(u.addV4Prefix('10.0.0.1', 1.5)).toBe(false);
    expect(u.addV4Prefix('10.0.0.1 ', 8)).toBe(false);
    expect(u.addV4Prefix('fe80::', 10)).toBe(false);
    expect(u.done().equals(expected(['10.0.0.76/30']))).toBe(true);
  });
});

describe('AddrUnion.isV4Spec', () => {
  it('takes what addV4Spec takes, and nothing else', () => {
    for (const spec of [
      '10.0.0.1',
      '10.0.0.0/8',
      '10.0.0.0/008',
      '0.0.0.0/0',
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.1-10.0.0.9',
      '10.0.0.256',
      '10.0.0',
      'fe80::1',
      'host.example',
      ' 10.0.0.1',
      '10.0.0.1 ',
      '10.0.0.0/8x',
    ]) {
      expect(AddrUnion.isV4Spec(spec), spec).toBe(new AddrUnion().addV4Spec(spec));
    }
  });
});

describe('IntervalSet.ofSmallBounds', () => {
  it('sorts and merges the bounds it is given, as ofBounds does', () => {
    const flat = [300, 400, 10, 20, 401, 500, 21, 21, 2 ** 32 - 2, 2 ** 32 - 1, 600, 600];
    const got = IntervalSet.ofSmallBounds(ADDR_MIN, ADDR_MAX, Float64Array.from([...flat, 7, 7]), flat.length);
    const want = IntervalSet.ofBounds(
      ADDR_MIN,
      ADDR_MAX,
      flat.map((v) => BigInt(v)),
    );
    expect([...got.intervals()]).toEqual([...want.intervals()]);
    expect(got.equals(want)).toBe(true);
  });

  it('refuses bounds outside [0, 2^32) and universes that do not hold them', () => {
    expect(() => IntervalSet.ofSmallBounds(ADDR_MIN, ADDR_MAX, Float64Array.from([0, 2 ** 32]), 2)).toThrow(RangeError);
    expect(() => IntervalSet.ofSmallBounds(ADDR_MIN, ADDR_MAX, Float64Array.from([-1, 2]), 2)).toThrow(RangeError);
    expect(() => IntervalSet.ofSmallBounds(0n, 1000n, Float64Array.from([1, 2]), 2)).toThrow(RangeError);
  });
});
