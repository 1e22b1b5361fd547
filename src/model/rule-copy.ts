import type { Rule } from './policy.js';

/**
 * A copy of `rule` with `changes` applied, every field read by name: a rule can be a class whose id,
 * label, text, location or comment are worked out when read (parsers/mikrotik/filter.ts,
 * parsers/nftables/entry-rule.ts), which an object spread (`{ ...rule }`) would leave out.
 */
export function ruleWith(rule: Rule, changes: Partial<Rule>): Rule {
  const r: Rule = {
    id: rule.id,
    loc: rule.loc,
    label: rule.label,
    match: rule.match,
    action: rule.action,
  };
  if (rule.quick !== undefined) r.quick = rule.quick;
  if (rule.keepState !== undefined) r.keepState = rule.keepState;
  if (rule.udpTimeout !== undefined) r.udpTimeout = rule.udpTimeout;
  if (rule.helperTimeout !== undefined) r.helperTimeout = rule.helperTimeout;
  if (rule.implicit !== undefined) r.implicit = rule.implicit;
  if (rule.unseen !== undefined) r.unseen = rule.unseen;
  if (rule.text !== undefined) r.text = rule.text;
  if (rule.comment !== undefined) r.comment = rule.comment;
  return Object.assign(r, changes);
}
