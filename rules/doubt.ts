import type { Rule } from '../src/model/policy.js';

/** Whether a rule ends a packet's path by refusing it. */
export const denies = (r: Rule): boolean => r.action.kind === 'drop' || r.action.kind === 'reject';

/**
 * Why a rule's match is not exact for every packet (Match.uncertain, e.g. an nft-release-dependent
 * flag list), in the parser's words; undefined when its only doubt is hostname/URL-table members.
 */
export function uncertainWhy(r: Rule): string | undefined {
  const u = r.match.uncertain ?? [];
  return u.length > 0 ? u.map((x) => x.why).join('; ') : undefined;
}
