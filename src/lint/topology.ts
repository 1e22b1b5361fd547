import { ANY_V4, NON_INTERNET, NO_ADDR, parseAddressSpec, type AddrSet } from '../model/address.js';
import type { NameSet } from '../model/name-set.js';
import type { Policy } from '../model/policy.js';
import { egressFor as egressOn, insideInternal } from '../engine/route.js';

/**
 * Public IPv4 space: what "from/to the Internet" means where the concept is IPv4-only (source and
 * destination NAT, port-forwards, ICMP echo to the WAN address).
 */
export const INTERNET_V4: AddrSet = ANY_V4.subtract(NON_INTERNET);

/**
 * IPv6 ranges inside the global unicast space 2000::/3 that are no Internet host's (IANA IPv6
 * Special-Purpose Address Registry, docs/semantics.md#address-families): Teredo, benchmarking, the
 * deprecated ORCHID, both documentation prefixes, 6to4 relays and SRv6 SIDs.
 */
const V6_SPECIAL = [
  '2001::/32', // Teredo (RFC 4380): a tunnel, not a destination
  '2001:2::/48', // benchmarking (RFC 5180): not globally reachable
  '2001:10::/28', // ORCHID (RFC 4843, deprecated)
  '2001:db8::/32', // documentation (RFC 3849)
  '2002::/16', // 6to4 (RFC 3056)
  '3fff::/20', // documentation (RFC 9637)
  '5f00::/16', // SRv6 SIDs (RFC 9602): not globally reachable
];

/**
 * Public IPv6 space: global unicast 2000::/3 (RFC 4291 2.4; everything else is loopback, link-local,
 * unique-local, multicast or reserved) without the special-purpose ranges above.
 */
export const INTERNET_V6: AddrSet = V6_SPECIAL.reduce(
  (acc, c) => {
    const s = parseAddressSpec(c);
    if (!s) throw new Error(`topology.ts: ${c} is not an address spec`);
    return acc.subtract(s);
  },
  parseAddressSpec('2000::/3') ?? NO_ADDR,
).subtract(NON_INTERNET);

/** "Any Internet address" in both families: what the far end of a requirement on the Internet stands for. */
export const INTERNET: AddrSet = INTERNET_V4.union(INTERNET_V6);

/**
 * Where a routed packet to `dst` leaves: the internal interfaces whose subnets hold it,
 * else the WAN interfaces (the firewall's default route).
 */
export function egressFor(policy: Policy, wan: string[], dst: AddrSet): NameSet {
  return egressOn(policy.interfaces, wan, dst);
}

/** Whether every address of `set` lies in the subnets of the non-WAN interfaces (no union built: route.ts insideInternal). */
export function insideInternalNetworks(policy: Policy, set: AddrSet): boolean {
  return insideInternal(policy.interfaces, set);
}

/** The firewall's own addresses on the WAN interfaces (placeholders when dynamic). */
export function wanAddresses(policy: Policy, wan: string[]): AddrSet {
  return policy.interfaces.filter((i) => wan.includes(i.name)).reduce((acc, i) => acc.union(i.addresses), NO_ADDR);
}

export function unionNetworks(eps: readonly { networks: AddrSet }[]): AddrSet {
  return eps.reduce((acc, e) => acc.union(e.networks), NO_ADDR);
}
