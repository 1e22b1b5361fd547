import { ANY_V4, NON_INTERNET, NO_ADDR, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import type { Policy } from '../model/policy.js';

/** Public IPv4 space: what "from/to the Internet" means in flows we build. */
export const INTERNET: AddrSet = ANY_V4.subtract(NON_INTERNET);

/**
 * Where a routed packet to `dst` leaves: the internal interfaces whose subnets hold it,
 * else the WAN interfaces (the firewall's default route).
 */
export function egressFor(policy: Policy, wan: string[], dst: AddrSet): NameSet {
  const internal = policy.interfaces.filter((i) => i.role !== 'wan' && i.networks.overlaps(dst)).map((i) => i.name);
  if (internal.length > 0 && dst.isSubsetOf(internalNetworks(policy))) return NameSet.of(internal);
  return NameSet.of(internal.length ? [...internal, ...wan] : wan);
}

export function internalNetworks(policy: Policy): AddrSet {
  return policy.interfaces.filter((i) => i.role !== 'wan').reduce((acc, i) => acc.union(i.networks), NO_ADDR);
}

/** The firewall's own addresses on the WAN interfaces (placeholders when dynamic). */
export function wanAddresses(policy: Policy, wan: string[]): AddrSet {
  return policy.interfaces.filter((i) => wan.includes(i.name)).reduce((acc, i) => acc.union(i.addresses), NO_ADDR);
}

export function unionNetworks(eps: readonly { networks: AddrSet }[]): AddrSet {
  return eps.reduce((acc, e) => acc.union(e.networks), NO_ADDR);
}
