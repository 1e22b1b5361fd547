import { describe, expect, it } from 'vitest';
import { ADDR_MAX, ADDR_MIN, AddrUnion, parseAddressSpec, v4PrefixSet } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';

/**
 * The IPv4 paths that keep addresses less 2^31 (32-bit integers, no heap number a call) build the sets
 * the general paths build: v4PrefixSet as parseAddressSpec of `addr/len`, shiftedRange as smallRange.
 */

/** Addresses across the space, the top bit set and not: both halves of the shift. */
const ADDRESSES = [
  '0.0.0.0',
  '0.0.0.1',
  '10.100.7.9',
  '127.255.255.255',
  '128.0.0.0',
  '172.16.5.4',
  '198.51.100.7',
  '203.0.113.200',
  '255.255.255.255',
];

describe('v4PrefixSet', () => {
  it('gives parseAddressSpec of the prefix text for every length', () => {
    for (const addr of ADDRESSES)
      for (let len = 0; len <= 32; len++) {
        const got = v4PrefixSet(addr, len);
        const expected = parseAddressSpec(`${addr}/${String(len)}`);
        expect(got && expected && got.equals(expected), `${addr}/${String(len)}`).toBe(true);
        expect(got?.bounds, `${addr}/${String(len)}`).toEqual(expected?.bounds);
      }
  });

  it('declines what is not an IPv4 address and a length of 0-32', () => {
    for (const [addr, len] of [
      ['10.0.0.1', 33],
      ['10.0.0.1', -1],
      ['10.0.0.1', 8.5],
      ['10.0.0.1 ', 8],
      ['10.0.0', 8],
      ['10.0.0.256', 8],
      ['fe80::1', 64],
      ['10.0.0.1x', 8],
    ] as const)
      expect(v4PrefixSet(addr, len), `${addr}/${String(len)}`).toBeUndefined();
  });

  it('adds to a union as parseAddressSpec does (addV4Prefix, addV4Spec)', () => {
    const u = new AddrUnion();
    for (const addr of ADDRESSES) expect(u.addV4Prefix(addr, 20)).toBe(true);
    const v = new AddrUnion();
    for (const addr of ADDRESSES) expect(v.addV4Spec(`${addr}/20`)).toBe(true);
    let expected = IntervalSet.empty(ADDR_MIN, ADDR_MAX);
    for (const a of ADDRESSES) expected = expected.union(parseAddressSpec(`${a}/20`) ?? expected);
    expect(u.done().equals(expected)).toBe(true);
    expect(v.done().equals(expected)).toBe(true);
  });

  it('empties a union for reuse (reset)', () => {
    const u = new AddrUnion(1);
    u.addV4Spec('10.0.0.0/8');
    u.add(parseAddressSpec('fe80::/10') ?? IntervalSet.empty(ADDR_MIN, ADDR_MAX));
    u.done();
    u.reset();
    expect(u.done().isEmpty).toBe(true);
    u.addV4Spec('192.0.2.1');
    expect(u.done().equals(parseAddressSpec('192.0.2.1') ?? IntervalSet.empty(ADDR_MIN, ADDR_MAX))).toBe(true);
  });
});

describe('IntervalSet.shiftedRange', () => {
  it('gives smallRange of the bounds plus 2^31', () => {
    for (const [lo, hi] of [
      [0, 0],
      [-(2 ** 31), 2 ** 31 - 1],
      [-5, 7],
      [1000, 2 ** 31 - 1],
    ] as const) {
      const got = IntervalSet.shiftedRange(ADDR_MIN, ADDR_MAX, lo, hi);
      const expected = IntervalSet.smallRange(ADDR_MIN, ADDR_MAX, lo + 2 ** 31, hi + 2 ** 31);
      expect(got.equals(expected)).toBe(true);
      expect(got.bounds).toEqual(expected.bounds);
    }
  });

  it('refuses bounds that are not 32-bit integers in order', () => {
    expect(() => IntervalSet.shiftedRange(ADDR_MIN, ADDR_MAX, 5, 4)).toThrow(RangeError);
    expect(() => IntervalSet.shiftedRange(ADDR_MIN, ADDR_MAX, 0, 2 ** 31)).toThrow(RangeError);
    expect(() => IntervalSet.shiftedRange(ADDR_MIN, ADDR_MAX, 0.5, 1)).toThrow(RangeError);
  });
});
