import { describe, expect, it } from 'vitest';
import { insideInternal, internalNetworksOf, selfAddresses } from '../../src/engine/route.js';
import { iface, net } from './fixtures.js';

describe('route: unions over the interfaces (remembered per interface list)', () => {
  it('give the same sets when asked again, and follow a change of an interface', () => {
    const lan = iface('lan', 'lan', '10.0.0.0/24', '10.0.0.1');
    const wan = iface('wan', 'wan', '192.0.2.0/24', '192.0.2.1');
    const list = [lan, wan];
    expect(internalNetworksOf(list).equals(net('10.0.0.0/24'))).toBe(true);
    expect(internalNetworksOf(list)).toBe(internalNetworksOf(list));
    expect(selfAddresses(list).equals(net('10.0.0.1').union(net('192.0.2.1')))).toBe(true);
    // An interface changed after a trace: the unions are made again.
    lan.networks = net('10.1.0.0/16');
    lan.addresses = net('10.1.0.1');
    expect(internalNetworksOf(list).equals(net('10.1.0.0/16'))).toBe(true);
    expect(selfAddresses(list).equals(net('10.1.0.1').union(net('192.0.2.1')))).toBe(true);
    wan.role = 'lan';
    expect(internalNetworksOf(list).equals(net('10.1.0.0/16').union(net('192.0.2.0/24')))).toBe(true);
  });
});

describe('route: insideInternal', () => {
  it("answers as the union's isSubsetOf, also for a set only several interfaces' subnets cover together", () => {
    const a = iface('lan', 'lan', '10.0.0.0/25', '10.0.0.1');
    const b = iface('dmz', 'lan', '10.0.0.128/25', '10.0.0.129');
    const wan = iface('wan', 'wan', '192.0.2.0/24', '192.0.2.1');
    const list = [a, wan, b];
    for (const spec of ['10.0.0.0/24', '10.0.0.0/25', '10.0.0.64/26', '10.0.0.0/23', '192.0.2.0/28', '0.0.0.0/0']) {
      expect(insideInternal(list, net(spec))).toBe(net(spec).isSubsetOf(internalNetworksOf(list)));
    }
    expect(insideInternal(list, net('10.0.0.0/24'))).toBe(true);
    expect(insideInternal(list, net('192.0.2.0/28'))).toBe(false);
    expect(insideInternal(list, net('10.0.0.0/24').subtract(net('10.0.0.0/24')))).toBe(true);
    expect(insideInternal([], net('10.0.0.0/24'))).toBe(false);
  });
});
