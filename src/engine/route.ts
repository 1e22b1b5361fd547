import { NO_ADDR, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import type { Interface } from '../model/policy.js';

/**
 * Where a routed packet to `dst` leaves: the internal interfaces whose subnets hold it,
 * else the WAN interfaces (the firewall's default route).
 */
export function egressFor(interfaces: readonly Interface[], wan: readonly string[], dst: AddrSet): NameSet {
  const internal = interfaces.filter((i) => i.role !== 'wan' && i.networks.overlaps(dst)).map((i) => i.name);
  if (internal.length > 0 && dst.isSubsetOf(internalNetworksOf(interfaces))) return NameSet.of(internal);
  return NameSet.of(internal.length ? [...internal, ...wan] : [...wan]);
}

export function internalNetworksOf(interfaces: readonly Interface[]): AddrSet {
  return interfaces.filter((i) => i.role !== 'wan').reduce((acc, i) => acc.union(i.networks), NO_ADDR);
}

/** The firewall's own addresses: what the input path is for. */
export function selfAddresses(interfaces: readonly Interface[]): AddrSet {
  return interfaces.reduce((acc, i) => acc.union(i.addresses), NO_ADDR);
}

export function wanNames(interfaces: readonly Interface[]): string[] {
  return interfaces.filter((i) => i.role === 'wan').map((i) => i.name);
}
