import type { AddrSet } from '../model/address.js';
import type { Finding } from '../model/finding.js';
import type { SourceLocation } from '../model/location.js';
import type { Policy } from '../model/policy.js';
import type { Audience, Profile } from '../model/profile.js';
import type { Notification, RuleMeta } from '../model/report.js';
import type { Site } from '../site/types.js';

/** One network of phones (or another audience) and the interface it sits behind. */
export interface Endpoints {
  label: string;
  networks: AddrSet;
  /** The network as the flag or evidence gives it, when `networks` leaves some of it out (the PBX, the phones). */
  written?: AddrSet;
  iface: string;
}

/** Everything a rule may read. Rules never import parsers; they see only the model and the profile. */
export interface RuleContext {
  policy: Policy;
  profile: Profile;
  phones: Endpoints[];
  /**
   * Networks for audiences other than phones (PC software, Wi-Fi calling...): the internal networks, without the
   * firewall's own addresses.
   */
  clients: Endpoints[];
  pbx?: { addr: AddrSet; text: string };
  wan: string[];
  audiences: ReadonlySet<Audience>;
  devices: ReadonlySet<string>;
  /** The site model of this firewall: roles, their networks and the evidence (src/site/). */
  site: Site;
  /**
   * When this firewall holds no phones, the other firewalls of its file (VDOMs) that do: the phones'
   * requirements are theirs, so none is judged here (src/site/coverage.ts says so).
   */
  phonesElsewhere?: readonly string[];
  /** Run-level notes (skipped requirements, assumptions). */
  notify(n: Notification): void;
}

/** Records that requirements of the context's profile were not checked on this firewall, and why. */
export function notChecked(
  ctx: Pick<RuleContext, 'notify' | 'profile' | 'policy'>,
  requirements: readonly string[],
  reason: string,
): void {
  if (requirements.length === 0) return;
  ctx.notify({
    level: 'note',
    message: reason,
    notChecked: { profile: ctx.profile.id, requirements: [...requirements], firewall: ctx.policy.name },
  });
}

export interface LintRule {
  meta: RuleMeta;
  /** Runs once per firewall instead of once per profile (findings independent of the provider). */
  perPolicy?: boolean;
  check(ctx: RuleContext): Finding[];
}

export type { SourceLocation };
