import type { Evidence, EvidenceKind } from './types.js';

/**
 * How much each kind of evidence weighs (docs/site-detection.md#ranking). A flag is the user's word;
 * a DHCP server that hands out provisioning options (66/150/160) configures phones; a DHCP server or
 * option set named for phones says what it serves; a named object (alias, address list, address
 * group) is written for rules about phones; an interface or VLAN name or description is a label; a
 * rule that already lets a network reach the provider on 5060/5061 is the weakest hint (PCs with a
 * softphone do that too).
 */
export const RANK: Record<EvidenceKind, number> = {
  flag: 100,
  'dhcp-option': 80,
  'dhcp-name': 70,
  object: 60,
  'interface-name': 40,
  'provider-rule': 20,
  route: 10,
};

/** Names of the kinds, for messages. */
export const KIND_LABEL: Record<EvidenceKind, string> = {
  flag: 'command-line flag',
  'dhcp-option': 'DHCP provisioning option',
  'dhcp-name': 'DHCP server name',
  object: 'named object',
  'interface-name': 'interface name',
  'provider-rule': 'rule to the provider on 5060/5061',
  route: 'route',
};

/** Strongest evidence first; equal ranks keep their order. */
export function byRank(evidence: readonly Evidence[]): Evidence[] {
  return [...evidence].sort((a, b) => RANK[b.kind] - RANK[a.kind]);
}

export function rankOf(evidence: readonly Evidence[]): number {
  return evidence.reduce((m, e) => Math.max(m, RANK[e.kind]), 0);
}
