import { NO_ADDR, allV4, allV6, inFamily, type AddrSet } from '../model/address.js';
import type { Box } from '../model/box.js';
import { NameSet } from '../model/name-set.js';
import type { DnatTarget, Interface, Match, SnatTarget } from '../model/policy.js';
import { ANY_PORT, portSet } from '../model/ports.js';
import { rewrite, shiftPorts, type Maps, type Piece } from './piece.js';

/**
 * Transformations of a part of a flow class, on sets (docs/semantics.md#pf-nat, #fgt-nat, #ros-nat,
 * #nft-nat). Every rewrite is recorded as a map per dimension so the original part of the flow
 * stays known (piece.ts): the new address does not depend on the old one; a port range keeps its
 * offset when a port-forward maps a range onto a range.
 */

const DNATED = NameSet.of(['dnat']);
const UNTRACKED = NameSet.of(['untracked']);

/** Addresses of the named interfaces (a masquerade source, a redirect destination). */
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

export function applyDnat(p: Piece, to: DnatTarget, match: Match, ifaces: readonly Interface[]): Piece {
  const dst = sameFamily(to.addr ?? addressesOn(ifaces, p.cur.iif), p.cur.dst);
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
