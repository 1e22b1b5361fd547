import type { Box } from '../model/box.js';
import type { Match } from '../model/policy.js';

/** Bits of the dimensions a match can widen: the fields of Match.symbolic and Match.uncertain. */
const WIDE = { src: 1, dst: 2, state: 4, proto: 8, dport: 16, nat: 32 } as const;

/**
 * Does the rule's match, with the dimensions it cannot know exactly widened to anything, overlap the
 * box? Those are hostname/URL/geo members (Match.symbolic) and uncertain dimensions (Match.uncertain):
 * a packet the widened match overlaps but the exact one does not might still match the rule, so its
 * verdict is uncertain. Tested in place, without building the widened match: a chain walk asks this
 * of every rule with such members that a piece passes.
 */
export function overlapsWidened(b: Box, m: Match): boolean {
  const { iif, oif, proto, dport, dst, src, sport, state, nat, icmpType, symbolic, uncertain } = m;
  let wide = 0;
  if (symbolic) for (const s of symbolic) wide |= WIDE[s.field];
  if (uncertain) for (const u of uncertain) wide |= WIDE[u.field];
  if (iif && !b.iif.overlaps(iif)) return false;
  if (oif && !b.oif.overlaps(oif)) return false;
  if (proto && (wide & WIDE.proto) === 0 && !b.proto.overlaps(proto)) return false;
  if (dport && (wide & WIDE.dport) === 0 && !b.dport.overlaps(dport)) return false;
  if (dst && (wide & WIDE.dst) === 0 && !b.dst.overlaps(dst)) return false;
  if (src && (wide & WIDE.src) === 0 && !b.src.overlaps(src)) return false;
  if (sport && !b.sport.overlaps(sport)) return false;
  if (state && (wide & WIDE.state) === 0 && !b.state.overlaps(state)) return false;
  if (nat && (wide & WIDE.nat) === 0 && !b.nat.overlaps(nat)) return false;
  if (icmpType && !b.icmpType.overlaps(icmpType)) return false;
  return true;
}
