import { NO_ADDR, unionAddrs, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import type { Interface } from '../model/policy.js';

/**
 * Where a routed packet to `dst` leaves: the internal interfaces whose subnets hold it,
 * else the WAN interfaces (the firewall's default route).
 */
export function egressFor(interfaces: readonly Interface[], wan: readonly string[], dst: AddrSet): NameSet {
  const internal = interfaces.filter((i) => i.role !== 'wan' && i.networks.overlaps(dst)).map((i) => i.name);
  if (internal.length > 0 && insideInternal(interfaces, dst)) return NameSet.of(internal);
  return NameSet.of(internal.length ? [...internal, ...wan] : [...wan]);
}

export function internalNetworksOf(interfaces: readonly Interface[]): AddrSet {
  // One sort and merge of every network: folding union() copied the growing set once per interface
  // (nftables at 100k rules: 40 interfaces of ~1,250 networks each, 64 MB of garbage per lint).
  return remembered(INTERNAL, interfaces, () =>
    unionAddrs(interfaces.filter((i) => i.role !== 'wan').map((i) => i.networks)),
  );
}

/**
 * Whether every address of `set` lies in the subnets of the non-WAN interfaces: internalNetworksOf(…)
 * .isSubsetOf, without the union. The callers ask it of a few small sets per lint, and the union
 * sorts every subnet of every interface (nftables at 100k rules: 40 interfaces of ~1,250 subnets,
 * about a fifth of the `nft -j` evaluation); cutting each interface's subnets from the set is a
 * few binary searches an interface.
 */
export function insideInternal(interfaces: readonly Interface[], set: AddrSet): boolean {
  let rest = set;
  for (const i of interfaces) {
    if (rest.isEmpty) return true;
    if (i.role !== 'wan') rest = rest.subtract(i.networks);
  }
  return rest.isEmpty;
}

/** The firewall's own addresses: what the input path is for. */
export function selfAddresses(interfaces: readonly Interface[]): AddrSet {
  return remembered(SELF, interfaces, () => interfaces.reduce((acc, i) => acc.union(i.addresses), NO_ADDR));
}

/**
 * A union over a firewall's interfaces, asked for every piece a trace routes: remembered per interface
 * list with what it was made of (each interface's role and sets), and made again if any of that changed.
 */
interface Union {
  of: { role: Interface['role']; networks: AddrSet; addresses: AddrSet }[];
  set: AddrSet;
}
const INTERNAL = new WeakMap<readonly Interface[], Union>();
const SELF = new WeakMap<readonly Interface[], Union>();

function remembered(
  table: WeakMap<readonly Interface[], Union>,
  interfaces: readonly Interface[],
  make: () => AddrSet,
): AddrSet {
  const u = table.get(interfaces);
  if (u?.of.length === interfaces.length && u.of.every((x, k) => sameParts(x, interfaces[k]))) return u.set;
  const set = make();
  table.set(interfaces, {
    of: interfaces.map((i) => ({ role: i.role, networks: i.networks, addresses: i.addresses })),
    set,
  });
  return set;
}

function sameParts(x: Union['of'][number], i: Interface | undefined): boolean {
  return x.role === i?.role && x.networks === i.networks && x.addresses === i.addresses;
}

export function wanNames(interfaces: readonly Interface[]): string[] {
  return interfaces.filter((i) => i.role === 'wan').map((i) => i.name);
}
