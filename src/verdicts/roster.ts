import type { Policy } from '../model/policy.js';
import type { Profile, SettingKind, Severity } from '../model/profile.js';
import type { Notification, PassRecord, RequirementKind } from '../model/report.js';

/** The `checkedBy` of a requirement no rule checks (Profile.notModelled). */
export const NOT_MODELLED = 'none';

/** The rule that checks each kind of setting requirement. */
export const SETTING_RULE: Record<SettingKind, string> = {
  'sip-alg-off': 'FWL002',
  'udp-timeout': 'FWL003',
  'no-port-forward-to-phones': 'FWL004',
  'nat-required': 'FWL005',
  'source-port-preservation': 'FWL006',
  'icmp-from-wan': 'FWL007',
  'return-traffic': 'FWL008',
  dns: 'FWL009',
};

/**
 * One requirement of one profile on one firewall, before its verdict: what the rules recorded
 * (a pass with evidence, or the reasons it was not checked). Plain data, so workers can return it.
 */
export interface RosterEntry {
  id: string;
  profile: string;
  file: string;
  firewall?: string;
  /** The firewall name findings carry (set only when a file holds several firewalls). */
  matchFirewall?: string;
  kind: RequirementKind;
  description: string;
  severity: Severity;
  checkedBy: string;
  source?: { section: string; quote: string };
  pass?: PassRecord;
  notChecked: string[];
}

const SETTING_TEXT: Record<SettingKind, string> = {
  'sip-alg-off': 'SIP ALG / SIP helper off',
  'udp-timeout': 'UDP timeout',
  'no-port-forward-to-phones': 'No port-forward to the phones',
  'nat-required': 'Phones behind source NAT',
  'source-port-preservation': 'Source ports kept by NAT',
  'icmp-from-wan': 'ICMP to the WAN address allowed',
  'return-traffic': 'Reply traffic allowed back in',
  dns: 'DNS available to the phones',
};

/** Who a setting is for, when not the phones: two requirements of one kind must not read the same. */
const AUDIENCE_TEXT: Partial<Record<string, string>> = { pbx: 'the PBX', 'home-router': 'the home router' };

function settingText(kind: SettingKind, min?: number, max?: number, audience?: string): string {
  const whose = audience ? AUDIENCE_TEXT[audience] : undefined;
  if (whose && kind === 'dns') return `DNS available to ${whose}`;
  const base = whose ? `${SETTING_TEXT[kind]} (${whose})` : SETTING_TEXT[kind];
  if (kind !== 'udp-timeout') return base;
  if (min !== undefined && max !== undefined) return `${base} between ${min} and ${max} s`;
  if (min !== undefined) return `${base} at least ${min} s`;
  return max !== undefined ? `${base} at most ${max} s` : base;
}

/** Every requirement of `profile` on `policy`, with the passes and not-checked notes the rules left. */
export function rosterFor(
  policy: Policy,
  profile: Profile,
  notes: readonly Notification[],
  hostnameOnly: (id: string) => boolean,
): RosterEntry[] {
  // Each entry is one object literal: a spread followed by more members (`{ ...base, id }`) takes
  // a slow path in V8 (several µs an object), and a run builds an entry per requirement per file.
  const entry = (
    id: string,
    kind: RequirementKind,
    description: string,
    severity: Severity,
    checkedBy: string,
    source: RosterEntry['source'],
  ): RosterEntry => ({
    profile: profile.id,
    file: policy.file,
    firewall: policy.name,
    id,
    kind,
    description,
    severity,
    checkedBy,
    source,
    notChecked: [],
  });
  const byId = new Map<string, RosterEntry>();
  for (const f of profile.flows)
    byId.set(f.id, entry(f.id, 'flow', f.description, f.severity, hostnameOnly(f.id) ? 'FWL012' : 'FWL001', f.source));
  for (const s of profile.settings)
    byId.set(
      s.id,
      entry(s.id, 'setting', settingText(s.kind, s.min, s.max, s.audience), s.severity, SETTING_RULE[s.kind], s.source),
    );
  for (const p of profile.portForwards ?? [])
    byId.set(p.id, entry(p.id, 'port-forward', p.description, p.severity, 'FWL011', p.source));
  // No rule checks these (checkedBy "none"); src/verdicts/unmodelled.ts notes each as not checked.
  for (const n of profile.notModelled ?? [])
    byId.set(n.id, entry(n.id, 'not-modelled', n.description, n.severity, NOT_MODELLED, n.source));
  for (const n of notes) {
    if (n.passed?.profile === profile.id) {
      const e = byId.get(n.passed.requirement);
      if (e) e.pass = n.passed;
    }
    if (n.notChecked?.profile === profile.id)
      for (const id of n.notChecked.requirements) {
        const e = byId.get(id);
        if (e && !e.notChecked.includes(n.message)) e.notChecked.push(n.message);
      }
  }
  return [...byId.values()];
}
