import { describe, expect, it } from 'vitest';
import {
  ANY_ADDR,
  ANY_V4,
  ANY_V6,
  NON_INTERNET,
  dynamicAddress,
  formatAddrSet,
  parseAddress,
  parseAddressSpec,
  unknownOwnAddress,
} from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';
import { formatPortSet, parsePortRange, portSet } from '../../src/model/ports.js';

const a = (s: string) => parseAddressSpec(s)!;

describe('IntervalSet', () => {
  it('normalizes overlapping and adjacent intervals', () => {
    const s = IntervalSet.of(0, 100, [
      [10, 20],
      [21, 30],
      [5, 12],
      [50, 60],
    ]);
    expect([...s.intervals()]).toEqual([
      [5, 30],
      [50, 60],
    ]);
  });
  it('intersects, subtracts and complements exactly', () => {
    const s = portSet([[10000, 65000]]);
    const t = portSet([
      [5060, 5061],
      [20000, 30000],
    ]);
    expect(formatPortSet(s.intersect(t))).toBe('20000-30000');
    expect(formatPortSet(s.subtract(t))).toBe('10000-19999,30001-65000');
    expect([...t.complement().intervals()]).toEqual([
      [0, 5059],
      [5062, 19999],
      [30001, 65535],
    ]);
    expect(formatPortSet(t.complement())).toBe('any port except 5060-5061,20000-30000');
    expect(
      formatPortSet(
        portSet([
          [1, 5],
          [9, 9],
        ]),
      ),
    ).toBe('1-5,9');
    expect(t.complement().complement().equals(t)).toBe(true);
    expect(portSet([]).complement().isFull).toBe(true);
    expect(portSet([[0, 65535]]).complement().isEmpty).toBe(true);
    expect(
      portSet([[0, 10]])
        .complement()
        .equals(portSet([[11, 65535]])),
    ).toBe(true);
    expect(
      portSet([[65000, 65535]])
        .complement()
        .equals(portSet([[0, 64999]])),
    ).toBe(true);
  });
  it('answers membership and overlap without enumerating', () => {
    const s = portSet([
      [1, 5],
      [10, 20],
      [30, 40],
    ]);
    expect(s.has(15)).toBe(true);
    expect(s.has(25)).toBe(false);
    expect(s.overlaps(portSet([[21, 29]]))).toBe(false);
    expect(s.overlaps(portSet([[29, 30]]))).toBe(true);
    expect(s.size()).toBe(5n + 11n + 11n);
  });
});

describe('addresses', () => {
  it('parses IPv4, CIDR (host bits ignored), dotted masks and ranges', () => {
    expect(formatAddrSet(a('185.72.209.7/22'))).toBe('185.72.208.0/22');
    expect(formatAddrSet(a('10.0.0.0/255.255.255.0'))).toBe('10.0.0.0/24');
    expect(formatAddrSet(a('10.0.0.5-10.0.0.9'))).toBe('10.0.0.5, 10.0.0.6/31, 10.0.0.8/31');
    expect(parseAddressSpec('300.1.1.1')).toBeUndefined();
    expect(parseAddressSpec('10.0.0.0/33')).toBeUndefined();
    expect(parseAddressSpec('sip.example.net')).toBeUndefined();
  });
  it('writes a network without a few addresses as the network "except" them, when its list is too long', () => {
    const phones = a('10.20.0.0/24').subtract(a('10.20.0.1'));
    expect(formatAddrSet(phones)).toBe('10.20.0.0/24 except 10.20.0.1');
    // Up to three holes; a list that fits is written as it is; more holes keep the cut list.
    const three = phones.subtract(a('10.20.0.10')).subtract(a('10.20.0.200'));
    expect(formatAddrSet(three)).toBe('10.20.0.0/24 except 10.20.0.1, 10.20.0.10, 10.20.0.200');
    expect(formatAddrSet(a('10.0.0.0/24').subtract(a('10.0.0.128/25')))).toBe('10.0.0.0/25');
    const four = three.subtract(a('10.20.0.77'));
    expect(formatAddrSet(four)).toMatch(/^10\.20\.0\.0, 10\.20\.0\.2\/31, .*, …$/);
  });
  it('keeps IPv4 and IPv6 apart in one space', () => {
    const v6 = a('2001:db8::/32');
    expect(v6.isSubsetOf(ANY_V6)).toBe(true);
    expect(v6.overlaps(ANY_V4)).toBe(false);
    expect(formatAddrSet(v6)).toBe('2001:db8::/32');
    expect(a('::ffff:10.0.0.1').overlaps(a('10.0.0.1'))).toBe(false);
    expect(ANY_V4.union(ANY_V6).equals(ANY_ADDR)).toBe(true);
  });
  it('negates within a family', () => {
    const notProvider = ANY_V4.subtract(a('185.72.208.0/22'));
    expect(notProvider.has(parseAddress('185.72.211.255')!)).toBe(false);
    expect(notProvider.has(parseAddress('185.72.212.0')!)).toBe(true);
    expect(notProvider.overlaps(ANY_V6)).toBe(false);
    const notV6Net = ANY_V6.subtract(a('fd00::/8'));
    expect(notV6Net.has(parseAddress('fd12::1')!)).toBe(false);
    expect(notV6Net.has(parseAddress('2001:db8::1')!)).toBe(true);
  });
  it('keeps run-time address placeholders apart from real addresses, loopback included', () => {
    // A config's own ::1 is the loopback, never the first dynamic IPv6 address.
    expect(formatAddrSet(a('::1'))).toBe('::1');
    expect(formatAddrSet(a('::1/128'))).toBe('::1');
    const v6 = dynamicAddress(1, true);
    expect(v6.overlaps(a('::1'))).toBe(false);
    expect(v6.isSubsetOf(ANY_V6)).toBe(true);
    expect(formatAddrSet(v6)).toBe('(dynamic IPv6 address #1)');
    expect(formatAddrSet(dynamicAddress(254, true))).toBe('(dynamic IPv6 address #254)');
    // The last number is no interface's: the firewall's own address no interface of the export holds.
    expect(formatAddrSet(dynamicAddress(255, true))).toBe("(the firewall's own IPv6 address)");
    expect(formatAddrSet(unknownOwnAddress(false))).toBe("(the firewall's own address)");
    expect(formatAddrSet(dynamicAddress(2))).toBe('(dynamic address #2)');
    expect(dynamicAddress(2).isSubsetOf(ANY_V4)).toBe(true);
  });
  it('knows the non-Internet ranges', () => {
    expect(NON_INTERNET.has(parseAddress('192.168.1.10')!)).toBe(true);
    expect(NON_INTERNET.has(parseAddress('fe80::1')!)).toBe(true);
    expect(NON_INTERNET.has(parseAddress('185.72.208.1')!)).toBe(false);
  });
});

describe('ports', () => {
  it('parses ranges with the separator the vendor uses', () => {
    expect(parsePortRange('10000-20000')).toEqual([10000, 20000]);
    expect(parsePortRange('10000:20000', ':')).toEqual([10000, 20000]);
    expect(parsePortRange('10000-20000', ':')).toBeUndefined();
    expect(parsePortRange('70000')).toBeUndefined();
    expect(parsePortRange('20-10')).toBeUndefined();
  });
});

describe('NameSet', () => {
  it('handles cofinite sets', () => {
    const notWan = NameSet.except(['wan']);
    expect(notWan.has('lan')).toBe(true);
    expect(notWan.has('wan')).toBe(false);
    expect(notWan.intersect(NameSet.of(['wan', 'opt1'])).equals(NameSet.of(['opt1']))).toBe(true);
    expect(notWan.overlaps(NameSet.of(['wan']))).toBe(false);
    expect(
      NameSet.of(['a'])
        .union(NameSet.except(['a', 'b']))
        .equals(NameSet.except(['b'])),
    ).toBe(true);
    expect(NameSet.ANY.subtract(NameSet.of(['x'])).equals(NameSet.except(['x']))).toBe(true);
  });
});
