import { NO_ADDR, allV4, allV6, inFamily, unknownOwnAddress, type AddrSet } from '../model/address.js';
import type { Box } from '../model/box.js';
import { NameSet } from '../model/name-set.js';
import { isRedirect, type DnatTarget, type Interface, type Match, type SnatTarget } from '../model/policy.js';
import { ANY_PORT, portSet } from '../model/ports.js';
import { narrow, rewrite, shiftPorts, type Maps, type Piece } from './piece.js';

/**
 * Transformations of a part of a flow class, on sets (docs/semantics.md#pf-nat, #fgt-nat, #ros-nat,
 * #nft-nat). Every rewrite is recorded as a map per dimension so the original part of the flow
 * stays known (piece.ts): the new address does not depend on the old one; a port range keeps its
 * offset when a port-forward maps a range onto a range.
 */

const DNATED = NameSet.of(['dnat']);
const UNTRACKED = NameSet.of(['untracked']);

/** Addresses of the named interfaces (a masquerade source). */
export function addressesOn(ifaces: readonly Interface[], names: NameSet): AddrSet {
  let acc = NO_ADDR;
  for (const i of ifaces) if (names.has(i.name)) acc = acc.union(i.addresses);
  return acc;
}

/**
 * The part of a translation's addresses in the family of the addresses it replaces: NAT never changes a
 * packet's family (pf refuses a translation address of the other family; an interface's IPv6 address
 * is no masquerade target for IPv4, nor its IPv4 address for IPv6). Mixed `old` (explain's `any`)
 * keeps both.
 */
function sameFamily(target: AddrSet, old: AddrSet): AddrSet {
  if (allV4(old)) return inFamily(target, false);
  if (allV6(old)) return inFamily(target, true);
  return target;
}

/** The firewall's unknown own address (model/address.ts unknownOwnAddress) in the family of `old`. */
function unknownOwn(old: AddrSet): AddrSet {
  if (allV4(old)) return unknownOwnAddress(false);
  if (allV6(old)) return unknownOwnAddress(true);
  return unknownOwnAddress(false).union(unknownOwnAddress(true));
}

/**
 * Where a redirect sends each part of `p`, by the interface it came in on: the firewall's own address
 * there (nf_nat_redirect.c: the first address of the ingress device; loopback only for a packet that
 * arrived on lo, as the firewall's own do), or the unknown own address where the interface's address
 * in the packet's family is not known, or the interface is none the configuration names. Interfaces
 * with the same address go together, so a piece splits only where the destination differs.
 */
function redirectGroups(p: Piece, ifaces: readonly Interface[]): { iif: NameSet; dst: AddrSet }[] {
  const groups: { iif: NameSet; dst: AddrSet }[] = [];
  const add = (iif: NameSet, dst: AddrSet) => {
    const g = groups.find((x) => x.dst.equals(dst));
    if (g) g.iif = g.iif.union(iif);
    else groups.push({ iif, dst });
  };
  let rest = p.cur.iif;
  for (const i of ifaces) {
    if (!p.cur.iif.has(i.name)) continue;
    const one = NameSet.of([i.name]);
    rest = rest.subtract(one);
    const own = sameFamily(i.addresses, p.cur.dst);
    add(one, own.isEmpty ? unknownOwn(p.cur.dst) : own);
  }
  if (!rest.isEmpty) add(rest, unknownOwn(p.cur.dst));
  return groups;
}

/**
 * Destination NAT of a piece: to the target's addresses, or, for a redirect, to the firewall's own
 * address on the ingress interface (one piece per group of interfaces with the same address).
 */
export function applyDnat(p: Piece, to: DnatTarget, match: Match, ifaces: readonly Interface[]): Piece[] {
  if (!isRedirect(to)) return [dnatTo(p, sameFamily(to.addr ?? NO_ADDR, p.cur.dst), to, match)];
  const groups = redirectGroups(p, ifaces);
  if (groups.length === 0) return [dnatTo(p, unknownOwn(p.cur.dst), to, match)];
  if (groups.length === 1 && groups[0]) return [dnatTo(p, groups[0].dst, to, match)];
  return groups.map((g) => dnatTo(narrow(p, { ...p.cur, iif: g.iif }), g.dst, to, match));
}

function dnatTo(p: Piece, dst: AddrSet, to: DnatTarget, match: Match): Piece {
  const changes: Partial<Box> = { nat: DNATED };
  const maps: Maps = { nat: 'const' };
  if (!dst.isEmpty) {
    changes.dst = dst;
    maps.dst = 'const';
  }
  if (to.port !== undefined && !p.cur.dport.isEmpty) {
    const from = match.dport;
    const ranges = from && !from.isFull ? [...from.intervals()] : [];
    const one = ranges.length === 1 ? ranges[0] : undefined;
    if (one && one[1] > one[0]) {
      // A range onto a range: each port keeps its offset from the first (pf `port a:b -> c`, FortiGate mappedport).
      const shift = to.port - one[0];
      changes.dport = shiftPorts(p.cur.dport, shift);
      maps.dport = { shift };
    } else {
      changes.dport = portSet([[to.port, to.port]]);
      maps.dport = 'const';
    }
  }
  return rewrite(p, changes, maps);
}

export function applySnat(p: Piece, to: SnatTarget, ifaces: readonly Interface[]): Piece {
  const src = sameFamily(to.addr ?? addressesOn(ifaces, p.cur.oif), p.cur.src);
  const changes: Partial<Box> = {};
  const maps: Maps = {};
  if (!src.isEmpty) {
    changes.src = src;
    maps.src = 'const';
  }
  if (to.ports === 'random') {
    changes.sport = to.toPorts ?? ANY_PORT;
    maps.sport = 'const';
  } else if (to.toPorts && !to.toPorts.isFull) {
    // Ports inside the range are kept when free; the others are remapped into it (nf_nat_core).
    changes.sport = p.cur.sport.isSubsetOf(to.toPorts) ? p.cur.sport : to.toPorts;
    if (changes.sport !== p.cur.sport) maps.sport = 'const';
  }
  return rewrite(p, changes, maps);
}

export function applyNotrack(p: Piece): Piece {
  return rewrite(p, { state: UNTRACKED }, { state: 'const' });
}
