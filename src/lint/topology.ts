import { ANY_V4, NON_INTERNET, NO_ADDR, type AddrSet } from '../model/address.js';
import type { NameSet } from '../model/name-set.js';
import type { Policy } from '../model/policy.js';
import { egressFor as egressOn, insideInternal } from '../engine/route.js';

/** Public IPv4 space: what "from/to the Internet" means in flows we build. */
export const INTERNET: AddrSet = ANY_V4.subtract(NON_INTERNET);

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
