/** allV4 and allV6 answer from the sets' bounds read as doubles, exactly at the family boundary. */
import { describe, expect, it } from 'vitest';
import {
  ADDR_MAX,
  ANY_ADDR,
  ANY_V4,
  ANY_V6,
  NO_ADDR,
  V6_BASE,
  addrRange,
  allV4,
  allV6,
} from '../../src/model/address.js';

describe('allV4 / allV6', () => {
  it('tell the family at 2^32 − 1 and 2^32, and for sets of both families', () => {
    expect(allV4(ANY_V4)).toBe(true);
    expect(allV6(ANY_V4)).toBe(false);
    expect(allV4(ANY_V6)).toBe(false);
    expect(allV6(ANY_V6)).toBe(true);
    expect(allV4(NO_ADDR)).toBe(true);
    expect(allV6(NO_ADDR)).toBe(true);
    expect(allV4(ANY_ADDR)).toBe(false);
    expect(allV6(ANY_ADDR)).toBe(false);
    expect(allV4(addrRange(V6_BASE - 1n, V6_BASE - 1n))).toBe(true);
    expect(allV4(addrRange(V6_BASE - 1n, V6_BASE))).toBe(false);
    expect(allV6(addrRange(V6_BASE - 1n, V6_BASE))).toBe(false);
    expect(allV6(addrRange(V6_BASE, V6_BASE))).toBe(true);
    expect(allV6(addrRange(ADDR_MAX, ADDR_MAX))).toBe(true);
    expect(allV4(addrRange(0n, 0n).union(addrRange(V6_BASE + 5n, V6_BASE + 9n)))).toBe(false);
    expect(allV4(addrRange(0n, 0n).union(addrRange(V6_BASE - 9n, V6_BASE - 5n)))).toBe(true);
  });
});
