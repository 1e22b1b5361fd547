import type { Match } from '../model/policy.js';

/**
 * The rule's match with the dimensions it cannot know exactly widened to anything: hostname/URL/geo
 * members (Match.symbolic) and uncertain dimensions (Match.uncertain). A packet the widened match
 * overlaps but the exact one does not might still match the rule: its verdict is uncertain.
 */
export function widened(match: Match): Match {
  if (!match.symbolic?.length && !match.uncertain?.length) return match;
  const drop = new Set<string>([
    ...(match.symbolic ?? []).map((s) => s.field),
    ...(match.uncertain ?? []).map((u) => u.field),
  ]);
  if (drop.size === 0) return match;
  const { src, dst, state, proto, dport, ...rest } = match;
  return {
    ...rest,
    ...(dport && !drop.has('dport') ? { dport } : {}),
    ...(src && !drop.has('src') ? { src } : {}),
    ...(dst && !drop.has('dst') ? { dst } : {}),
    ...(state && !drop.has('state') ? { state } : {}),
    ...(proto && !drop.has('proto') ? { proto } : {}),
  };
}
