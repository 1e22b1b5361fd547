import { copyBox, type Box } from '../model/box.js';
import type { Match } from '../model/policy.js';
import { at } from './at.js';

/**
 * The smallest box holding each of the boxes (not empty): what a walk of several pieces asks the
 * chain index for, and tests each rule against before testing it against every piece.
 */
export function hullOf(boxes: readonly Box[]): Box {
  let h = copyBox(at(boxes, 0));
  for (let i = 1; i < boxes.length; i++) {
    const b = at(boxes, i);
    h = {
      src: h.src === b.src ? h.src : h.src.union(b.src),
      dst: h.dst === b.dst ? h.dst : h.dst.union(b.dst),
      proto: h.proto === b.proto ? h.proto : h.proto.union(b.proto),
      sport: h.sport === b.sport ? h.sport : h.sport.union(b.sport),
      dport: h.dport === b.dport ? h.dport : h.dport.union(b.dport),
      iif: h.iif === b.iif ? h.iif : h.iif.union(b.iif),
      oif: h.oif === b.oif ? h.oif : h.oif.union(b.oif),
      state: h.state === b.state ? h.state : h.state.union(b.state),
      nat: h.nat === b.nat ? h.nat : h.nat.union(b.nat),
      icmpType: h.icmpType === b.icmpType ? h.icmpType : h.icmpType.union(b.icmpType),
    };
  }
  return h;
}

/**
 * Whether the match overlaps the hull in every dimension but state and nat: false when no piece
 * inside the hull can overlap the match. Within a chain walk state and nat are the only dimensions
 * a piece can leave the box it entered with (notrack rewrites the state; chain-index.ts), so they
 * are not tested. Named reads, as box.ts overlaps.
 */
export function mayOverlap(hull: Box, m: Match): boolean {
  const { iif, oif, proto, dport, dst, src, sport, icmpType } = m;
  if (iif && !hull.iif.overlaps(iif)) return false;
  if (oif && !hull.oif.overlaps(oif)) return false;
  if (proto && !hull.proto.overlaps(proto)) return false;
  if (dport && !hull.dport.overlaps(dport)) return false;
  if (dst && !hull.dst.overlaps(dst)) return false;
  if (src && !hull.src.overlaps(src)) return false;
  if (sport && !hull.sport.overlaps(sport)) return false;
  if (icmpType && !hull.icmpType.overlaps(icmpType)) return false;
  return true;
}
