import { ANY_V4, ANY_V6 } from '../../src/model/address.js';
import type { SourceLocation } from '../../src/model/location.js';
import type { Rule } from '../../src/model/policy.js';

/**
 * The platform rule at the head of a base chain that sees one address family only (an nftables `ip`/`ip6`
 * table, a RouterOS `/ip` or `/ipv6 firewall` chain): packets of the other family pass it untouched.
 * It decides nothing (Rule.unseen), so the engine names it only when no chain of their family is on the way.
 */
export function familyGuard(g: {
  id: string;
  loc: SourceLocation;
  label: string;
  /** The family the chain sees. */
  sees: 'IPv4' | 'IPv6';
  /** Why, with the docs/semantics.md section that says so. */
  implicit: string;
  text: string;
}): Rule {
  const v4 = g.sees === 'IPv4';
  return {
    id: g.id,
    loc: g.loc,
    label: g.label,
    match: { src: v4 ? ANY_V6 : ANY_V4 },
    action: { kind: 'accept' },
    implicit: g.implicit,
    unseen: v4 ? 'IPv6' : 'IPv4',
    text: g.text,
  };
}
