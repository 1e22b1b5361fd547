import { ANY_ADDR, formatAddrSet, type AddrSet } from './address.js';
import { NameSet } from './name-set.js';
import {
  ANY_PORT,
  ANY_PROTO,
  PROTO,
  formatPortSet,
  formatProtoSet,
  protoSet,
  type PortSet,
  type ProtoSet,
} from './ports.js';
import { ANY_ICMP_TYPE, ECHO_REQUEST, formatIcmpTypes, type IcmpTypeSet } from './icmp.js';
import type { Match } from './policy.js';

/**
 * A flow class: the product of one set per dimension. The engine splits boxes exactly
 * (intersection and difference per dimension), never enumerating addresses or ports.
 */
export interface Box {
  src: AddrSet;
  dst: AddrSet;
  proto: ProtoSet;
  sport: PortSet;
  dport: PortSet;
  iif: NameSet;
  oif: NameSet;
  state: NameSet;
  /** 'dnat' once a port-forward translated the packet, else 'none' (see Match.nat). */
  nat: NameSet;
  /** ICMP message type (icmp.ts): meaningful for ICMP packets only, full for the others. */
  icmpType: IcmpTypeSet;
}

type Dim = keyof Box;
// icmpType last: few matches restrict it, and the order of the others decides how subtract splits.
const DIMS: readonly Dim[] = ['iif', 'oif', 'state', 'nat', 'proto', 'dport', 'sport', 'dst', 'src', 'icmpType'];

export const ANY_BOX: Box = {
  src: ANY_ADDR,
  dst: ANY_ADDR,
  proto: ANY_PROTO,
  sport: ANY_PORT,
  dport: ANY_PORT,
  iif: NameSet.ANY,
  oif: NameSet.ANY,
  state: NameSet.ANY,
  nat: NameSet.ANY,
  icmpType: ANY_ICMP_TYPE,
};

const NOT_NATED = NameSet.of(['none']);

/**
 * A copy of a box with every member written out: the engine copies boxes to change a dimension or
 * two, and a spread (`{ ...b, dst }`) is a slow path in Node 20 and leaves boxes in many shapes.
 */
export function copyBox(b: Box): Box {
  return {
    src: b.src,
    dst: b.dst,
    proto: b.proto,
    sport: b.sport,
    dport: b.dport,
    iif: b.iif,
    oif: b.oif,
    state: b.state,
    nat: b.nat,
    icmpType: b.icmpType,
  };
}

/** The box with dimension d replaced by v. */
function withDim(b: Box, d: Dim, v: SetLike): Box {
  const out = copyBox(b);
  (out as unknown as Record<Dim, SetLike>)[d] = v;
  return out;
}

/**
 * A flow class; unless it says otherwise it has not been destination-NATed (port-forwards translate),
 * and its ICMP part is echo requests (ping, the ICMP traffic fwlint's checks send).
 */
export function box(parts: Partial<Box>): Box {
  return { ...ANY_BOX, nat: NOT_NATED, icmpType: ECHO_REQUEST, ...parts };
}

// The set classes share intersect/subtract/overlaps/isEmpty, so one untyped view serves all dims.
interface SetLike {
  isEmpty: boolean;
  isFull: boolean;
  overlaps(o: SetLike): boolean;
  intersect(o: SetLike): SetLike;
  subtract(o: SetLike): SetLike;
  union(o: SetLike): SetLike;
  equals(o: SetLike): boolean;
}

function dim(m: Match, d: Dim): SetLike | undefined {
  return (m as Record<string, unknown>)[d] as SetLike | undefined;
}

/** Every dimension of a box is set. */
function boxDim(b: Box, d: Dim): SetLike {
  return b[d];
}

/**
 * Cheap test without allocation: does the match cover any part of the box? Named reads, interfaces
 * first: a chain walk asks this of every candidate rule, and most differ in an interface or a port.
 */
export function overlaps(b: Box, m: Match): boolean {
  if (!overlapsBesidesConntrack(b, m)) return false;
  const { state, nat } = m;
  if (state && !b.state.overlaps(state)) return false;
  if (nat && !b.nat.overlaps(nat)) return false;
  return true;
}

/**
 * overlaps without the state and NAT-mark dimensions: the only ones a piece can leave the box it
 * entered a chain with (notrack rewrites them), so what a walk may test against that box
 * (engine/hull.ts, engine/chain-index.ts).
 */
export function overlapsBesidesConntrack(b: Box, m: Match): boolean {
  const { iif, oif, proto, dport, dst, src, sport, icmpType } = m;
  if (iif && !b.iif.overlaps(iif)) return false;
  if (oif && !b.oif.overlaps(oif)) return false;
  if (proto && !b.proto.overlaps(proto)) return false;
  if (dport && !b.dport.overlaps(dport)) return false;
  if (dst && !b.dst.overlaps(dst)) return false;
  if (src && !b.src.overlaps(src)) return false;
  if (sport && !b.sport.overlaps(sport)) return false;
  if (icmpType && !b.icmpType.overlaps(icmpType)) return false;
  return true;
}

export function intersect(b: Box, m: Match): Box | undefined {
  if (!overlaps(b, m)) return undefined;
  const { iif, oif, proto, dport, dst, src, sport, state, nat, icmpType } = m;
  return {
    src: src && !src.isFull ? b.src.intersect(src) : b.src,
    dst: dst && !dst.isFull ? b.dst.intersect(dst) : b.dst,
    proto: proto && !proto.isFull ? b.proto.intersect(proto) : b.proto,
    sport: sport && !sport.isFull ? b.sport.intersect(sport) : b.sport,
    dport: dport && !dport.isFull ? b.dport.intersect(dport) : b.dport,
    iif: iif && !iif.isFull ? b.iif.intersect(iif) : b.iif,
    oif: oif && !oif.isFull ? b.oif.intersect(oif) : b.oif,
    state: state && !state.isFull ? b.state.intersect(state) : b.state,
    nat: nat && !nat.isFull ? b.nat.intersect(nat) : b.nat,
    icmpType: icmpType && !icmpType.isFull ? b.icmpType.intersect(icmpType) : b.icmpType,
  };
}

/**
 * b minus m as disjoint boxes: for each restricted dimension, the part of b outside m in that
 * dimension and inside m in the dimensions already handled. At most one box per dimension.
 */
export function subtract(b: Box, m: Match): Box[] {
  if (!overlaps(b, m)) return [b];
  const out: Box[] = [];
  let rest = { ...b } as Record<Dim, SetLike>;
  for (const d of DIMS) {
    const ms = dim(m, d);
    if (!ms || ms.isFull) continue;
    const outside = rest[d].subtract(ms);
    if (!outside.isEmpty) {
      out.push({ ...rest, [d]: outside } as unknown as Box);
      rest = { ...rest, [d]: rest[d].intersect(ms) };
    }
  }
  return out;
}

/**
 * subtract(b, m) when intersect(b, m) is already known (`inside`, not undefined): the same boxes in the
 * same order, without testing the overlap again or intersecting each dimension a second time.
 */
export function subtractKnown(b: Box, m: Match, inside: Box): Box[] {
  const out: Box[] = [];
  let rest: Box | undefined;
  for (const d of DIMS) {
    const ms = dim(m, d);
    if (!ms || ms.isFull) continue;
    const cur = rest ?? b;
    const outside = boxDim(cur, d).subtract(ms);
    if (!outside.isEmpty) {
      out.push(withDim(cur, d, outside));
      rest = withDim(cur, d, boxDim(inside, d));
    }
  }
  return out;
}

export function isEmptyBox(b: Box): boolean {
  for (const d of DIMS) if (boxDim(b, d).isEmpty) return true;
  return false;
}

/** The smallest box holding all the given boxes (per-dimension union); for summaries only. */
export function hull(boxes: readonly Box[]): Box | undefined {
  const [first, ...rest] = boxes;
  if (!first) return undefined;
  if (rest.length === 0) return first;
  const out = { ...first } as Record<Dim, SetLike>;
  for (const d of DIMS) out[d] = unionAll(boxes.map((b) => boxDim(b, d)));
  return out as unknown as Box;
}

/**
 * The union of many sets by pairs, so each interval is merged about log n times: folding them one
 * by one into a growing accumulator costs n² when the parts are many small pieces (thousands of
 * set elements).
 */
function unionAll(sets: SetLike[]): SetLike {
  let level = sets;
  while (level.length > 1) {
    const next: SetLike[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const a = level[i];
      const b = level[i + 1];
      if (a) next.push(b ? a.union(b) : a);
    }
    level = next;
  }
  const [only] = level;
  if (!only) throw new Error('unionAll: no sets');
  return only;
}

/** Union of one dimension over several boxes. */
export function unionOf<D extends Dim>(boxes: readonly Box[], d: D): Box[D] {
  if (boxes.length === 0) throw new Error('unionOf: no boxes');
  return unionAll(boxes.map((b) => boxDim(b, d))) as unknown as Box[D];
}

/** Human description of the dimensions of `part` that are narrower than in `whole`. */
const ICMP_PROTOS = protoSet([PROTO.icmp, PROTO.ipv6icmp]);

/** `addresses`: how a set of addresses is written (the lint layer names the Internet in words). */
export function describeBox(part: Box, whole?: Box, addresses: (s: AddrSet) => string = formatAddrSet): string {
  const bits: string[] = [];
  const narrower = (d: Dim) => !whole || !boxDim(part, d).equals(boxDim(whole, d));
  if (narrower('proto')) bits.push(formatProtoSet(part.proto));
  const ports = (s: Box['dport']) => {
    const text = formatPortSet(s);
    return text.startsWith('any ') ? text : `port ${text}`;
  };
  if (narrower('dport') && !part.dport.isFull) bits.push(ports(part.dport));
  if (narrower('sport') && !part.sport.isFull) bits.push(`source ${ports(part.sport)}`);
  if (narrower('src')) bits.push(`from ${addresses(part.src)}`);
  if (narrower('dst')) bits.push(`to ${addresses(part.dst)}`);
  if (narrower('iif') && !part.iif.isFull) bits.push(`in on ${part.iif.toString()}`);
  if (narrower('oif') && !part.oif.isFull) bits.push(`out on ${part.oif.toString()}`);
  if (narrower('state') && !part.state.isFull) bits.push(`state ${part.state.toString()}`);
  if (narrower('nat') && part.nat.has('dnat') && !part.nat.has('none')) bits.push('after port-forward');
  // Every box has ICMP types (echo requests unless it says otherwise): words only for ICMP traffic.
  if (narrower('icmpType') && !part.icmpType.isFull && part.proto.overlaps(ICMP_PROTOS))
    bits.push(formatIcmpTypes(part.icmpType));
  return bits.join(' ');
}

/** Size of the numeric dimensions of a box (addresses × protocols × ports), for exactness checks. */
function volume(b: Box): bigint {
  return b.src.size() * b.dst.size() * b.proto.size() * b.sport.size() * b.dport.size() * b.icmpType.size();
}

function sameNames(a: Box, b: Box): boolean {
  return a.iif.equals(b.iif) && a.oif.equals(b.oif) && a.state.equals(b.state) && a.nat.equals(b.nat);
}

/**
 * Exact human description of the union of disjoint boxes, relative to `whole`: the hull when the
 * boxes fill it, else the boxes one by one (a hull would overstate what they cover).
 * Returns "" when the boxes make up all of `whole`.
 */
export function describeParts(
  boxes: readonly Box[],
  whole: Box,
  limit = 3,
  addresses: (s: AddrSet) => string = formatAddrSet,
): string {
  const h = hull(boxes);
  if (!h) throw new Error('describeParts: no boxes');
  const exact = boxes.every((b) => sameNames(b, h)) && boxes.reduce((n, b) => n + volume(b), 0n) === volume(h);
  if (exact) return describeBox(h, whole, addresses);
  const listed = boxes.slice(0, limit).map((b) => describeBox(b, whole, addresses) || 'the rest');
  return listed.join('; ') + (boxes.length > limit ? `; and ${boxes.length - limit} more part(s)` : '');
}
