import { ANY_BOX, copyBox, overlapsBesidesConntrack, type Box } from '../model/box.js';
import type { Match } from '../model/policy.js';
import { at } from './at.js';

/**
 * A box holding each of the boxes (not empty): in each dimension the set they all share, else
 * anything. What a walk of several pieces asks the chain index for, and tests each rule against
 * before testing it against every piece. Not their union: pieces a NAT stage split can be many, with
 * large address sets (RouterOS: the Internet minus block lists), and uniting them costs more than the
 * walk; the pieces entering a chain together mostly differ in a dimension or two.
 */
export function hullOf(boxes: readonly Box[]): Box {
  const h = copyBox(at(boxes, 0));
  for (let i = 1; i < boxes.length; i++) {
    const b = at(boxes, i);
    if (h.src !== b.src) h.src = ANY_BOX.src;
    if (h.dst !== b.dst) h.dst = ANY_BOX.dst;
    if (h.proto !== b.proto) h.proto = ANY_BOX.proto;
    if (h.sport !== b.sport) h.sport = ANY_BOX.sport;
    if (h.dport !== b.dport) h.dport = ANY_BOX.dport;
    if (h.iif !== b.iif) h.iif = ANY_BOX.iif;
    if (h.oif !== b.oif) h.oif = ANY_BOX.oif;
    if (h.state !== b.state) h.state = ANY_BOX.state;
    if (h.nat !== b.nat) h.nat = ANY_BOX.nat;
    if (h.icmpType !== b.icmpType) h.icmpType = ANY_BOX.icmpType;
  }
  return h;
}

/**
 * Whether the match overlaps the hull in every dimension but state and nat: false when no piece
 * inside the hull can overlap the match. Within a chain walk state and nat are the only dimensions
 * a piece can leave the box it entered with (notrack rewrites the state; chain-index.ts), so they
 * are not tested.
 */
export function mayOverlap(hull: Box, m: Match): boolean {
  return overlapsBesidesConntrack(hull, m);
}
