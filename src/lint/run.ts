import { RULES } from '../../rules/index.js';
import { NO_ADDR, parseAddressSpec } from '../model/address.js';
import type { Finding } from '../model/finding.js';
import type { Policy } from '../model/policy.js';
import type { Audience, Profile } from '../model/profile.js';
import type { Notification, SiteReport } from '../model/report.js';
import { siteToReport } from '../site/describe.js';
import type { RuleContext } from './context.js';
import type { Site } from '../site/types.js';
import { internalEndpoints, resolveEndpoints } from './endpoints.js';
import { siteCoverage } from '../site/coverage.js';
import { jumpLimits } from '../engine/limits.js';
import { evaluatedFlows } from '../../rules/required-flows.js';
import { rosterFor, type RosterEntry } from '../verdicts/roster.js';
import { noteScope } from '../verdicts/scope.js';
import { noteUnmodelled } from '../verdicts/unmodelled.js';
import { unsupportedStatement } from '../../rules/unsupported-statement.js';
import { passWithDoubts, withDoubts } from './doubts.js';

export interface LintOptions {
  /** CIDR, CIDR@interface, interface or address-object names; `all-internal` for every internal network. */
  phones: string[];
  pcs?: string[];
  pbx?: string;
  /** `NAME=SPEC` values of --server. */
  servers?: string[];
  /** The file holds several firewalls (VDOMs): flag values another firewall holds are no error here. */
  multiFirewall?: boolean;
  /** The other firewalls of the file that hold the phones (see phoneHolders). */
  phonesElsewhere?: readonly string[];
  wan: string[];
  audiences: Audience[];
  devices: string[];
}

/** Runs every rule for every profile on one firewall. Pure: the model and options in, findings out. */
export function lintPolicy(
  policy: Policy,
  profiles: readonly Profile[],
  opts: LintOptions,
): { findings: Finding[]; notifications: Notification[]; site: SiteReport; roster: RosterEntry[] } {
  // What the parser guessed about the WAN does not hold when --wan chose it.
  const chosen = opts.wan.length > 0 && policy.wanNotes?.length ? new Set(policy.wanNotes) : undefined;
  const notifications: Notification[] = (chosen ? policy.notes.filter((m) => !chosen.has(m)) : policy.notes).map(
    (message) => ({
      level: 'note' as const,
      message: message.startsWith(policy.file) ? message : `${policy.file}: ${message}`,
    }),
  );
  // A pass that rests on a reading no vendor source confirms holds only if it is right (Policy.doubts).
  const notify = (n: Notification) => notifications.push(passWithDoubts(policy, n));
  addJumpLimits(policy);
  const site = resolveEndpoints(
    policy,
    profiles,
    {
      phones: opts.phones,
      pcs: opts.pcs,
      pbx: opts.pbx,
      servers: opts.servers,
      wan: opts.wan,
      multi: opts.multiFirewall,
      phonesElsewhere: (opts.phonesElsewhere ?? []).filter((n) => n !== policy.name),
    },
    notify,
  );
  const wan = site.wan.map((w) => w.iface);
  const pbx = pbxOf(site, opts.pbx);
  const elsewhere = site.phones.length === 0 ? (opts.phonesElsewhere ?? []).filter((n) => n !== policy.name) : [];
  const base = {
    policy,
    phones: site.phones,
    ...(elsewhere.length ? { phonesElsewhere: elsewhere } : {}),
    clients: internalEndpoints(policy, wan),
    pbx,
    wan,
    site,
    // The PBX audience needs an address; giving --pbx opts in to its requirements.
    audiences: new Set<Audience>(['phones', ...opts.audiences, ...(opts.pbx ? (['pbx'] as const) : [])]),
    devices: new Set(opts.devices.map((d) => d.toLowerCase())),
    notify,
  };
  const findings: Finding[] = [];
  const roster: RosterEntry[] = [];
  profiles.forEach((profile, i) => {
    const ctx: RuleContext = { ...base, profile };
    const start = notifications.length;
    siteCoverage(ctx);
    noteScope(ctx);
    noteUnmodelled(ctx);
    for (const rule of RULES)
      if (!rule.perPolicy || i === 0)
        for (const f of rule.check(ctx)) findings.push(withDoubts(policy, f, STATES_DOUBT));
    const hostnameOnly = new Set(
      evaluatedFlows(ctx)
        .filter((e) => e.hostnamesOnly)
        .map((e) => e.req.id),
    );
    roster.push(...rosterFor(policy, profile, notifications.slice(start), (id) => hostnameOnly.has(id)));
  });
  // Passes are evidence for verdicts, not messages for the reader.
  return { findings, notifications: notifications.filter((n) => !n.passed), site: siteToReport(site), roster };
}

/**
 * The names of the firewalls (VDOMs) of one file whose site holds phones. A firewall without phones
 * in such a file is not on the phones' path: its phone requirements are not checked there (a guest
 * VDOM's SIP ALG says nothing about the voice VDOM's phones), rather than judged on its settings.
 */
export function phoneHolders(policies: readonly Policy[], profiles: readonly Profile[], opts: LintOptions): string[] {
  if (policies.length < 2) return [];
  const names: string[] = [];
  for (const policy of policies) {
    const site = resolveEndpoints(
      policy,
      profiles,
      { phones: opts.phones, pcs: opts.pcs, pbx: opts.pbx, servers: opts.servers, wan: opts.wan, multi: true },
      () => undefined,
    );
    if (site.phones.length > 0 && policy.name) names.push(policy.name);
  }
  return names;
}

/** The PBX address: --pbx as given (an address outside the firewall's subnets included), else the detected PBX. */
function pbxOf(site: Site, flag: string | undefined): RuleContext['pbx'] {
  const flagged = flag ? parseAddressSpec(flag) : undefined;
  if (flag && flagged) return { addr: flagged, text: flag };
  const addr = site.pbx.reduce((a, n) => a.union(n.networks), NO_ADDR);
  if (addr.isEmpty) return undefined;
  return { addr, text: flag ?? site.pbx.map((n) => n.label).join(', ') };
}

/** FWL900 names what fwlint does not model, or models on an unconfirmed reading: it states the doubt itself. */
const STATES_DOUBT: ReadonlySet<string> = new Set([unsupportedStatement.meta.id]);

const limited = new WeakSet<Policy>();

/** Jumps the engine does not follow (loops, nesting beyond its one depth limit) are FWL900 at the jump. */
function addJumpLimits(policy: Policy): void {
  if (limited.has(policy)) return;
  limited.add(policy);
  policy.unsupported.push(...jumpLimits(policy.ruleset));
}
