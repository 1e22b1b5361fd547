import type { Rule } from '../src/model/policy.js';
import { ANY_NON_WAN } from '../src/site/evidence.js';
import { membersOf, uncertainWhy } from './doubt.js';
import type { LintRule } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';
import type { RuleContext } from '../src/lint/context.js';
import { stepKey } from '../src/lint/finding.js';
import type { Evidence } from '../src/model/report.js';
import { passed, stepEvidence } from '../src/verdicts/record.js';
import { reportBlockedFlows } from './blocked.js';
import { describeFlow, evaluatedFlows, type EvaluatedFlow } from './required-flows.js';

/** FWL001: a flow the provider requires is blocked, by a rule or by a default policy. */
export const missingRequiredAllow: LintRule = {
  meta: {
    id: 'FWL001',
    name: 'missing-required-allow',
    shortDescription: 'A flow the provider requires is blocked.',
    fullDescription:
      'Evaluates each flow the provider document requires (protocol, ports, provider networks) through ' +
      'the firewall as it would run it — rule order, defaults, jumps — and reports the rule or default ' +
      'policy that blocks any part of it.',
    defaultLevel: 'error',
    securitySeverity: 5.0,
    precision: 'very-high',
    tags: ['voip', 'reachability', 'availability'],
    help: {
      what:
        'Part of a flow that the provider requires (for example SIP or RTP from the phones to the provider ' +
        'networks) is dropped by the firewall.',
      why:
        'Phones fail to register, calls have one-way or no audio, or provisioning and firmware updates ' +
        'fail when a required flow is blocked.',
      fix: {
        generic:
          'Allow the reported protocol, ports and networks from the phone network before the blocking ' +
          'rule, or change the blocking rule so it no longer covers them.',
        pfsense:
          'Firewall > Rules > (phone interface): add a pass rule for the protocol, ports and provider ' +
          'alias above the blocking rule (interface rules are first-match; a floating block without "Quick" ' +
          'loses to a quick pass anywhere or to a later pass, so against one add a floating pass rule with "Quick" ticked).',
        opnsense:
          'Firewall > Rules > (phone interface): add a pass rule above the blocking rule (check its sequence ' +
          'number; a floating block without "Quick" loses to a quick pass anywhere or to a later pass, so against ' +
          'one add a floating pass rule with "Quick" ticked).',
        fortigate:
          'config firewall policy: add an accept policy from the phone interface to the WAN for the provider ' +
          'address and service, then `move <new id> before <blocking id>` (policies match in file order, not by id).',
        mikrotik:
          '/ip firewall filter add chain=forward src-address=<phones> dst-address=<provider> protocol=udp ' +
          'dst-port=<ports> action=accept place-before=<blocking rule>',
        nftables:
          'Add an accept rule (e.g. `ip saddr <phones> ip daddr <provider> udp dport <ports> accept`) ' +
          'before the drop, and make sure no other base chain on the forward hook drops it.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const byReq = new Map<string, EvaluatedFlow[]>();
    for (const ev of evaluatedFlows(ctx)) byReq.set(ev.req.id, [...(byReq.get(ev.req.id) ?? []), ev]);
    for (const evs of byReq.values()) {
      const req = evs[0]?.req;
      if (!req) continue;
      recordPass(ctx, evs);
      if (evs.some((ev) => ev.hostnamesOnly)) continue; // FWL012 speaks for hostname-only requirements
      const fromLabels = [...new Set(evs.map((ev) => ev.flow.from.label))].join(', ');
      out.push(
        ...reportBlockedFlows(
          this.meta,
          ctx,
          evs.map((ev) => ({
            parts: ev.parts,
            whole: ev.flow.box,
            text: describeFlow(ev.flow),
            ingressUnknown: ev.flow.from.iface === ANY_NON_WAN,
          })),
          {
            subject: `Required flow "${req.description}"`,
            fixRule: { allow: 'allow it', narrow: true },
            fixDefault: `Nothing allows it, so the default applies: add a rule on ${fromLabels} that allows it.`,
            requirement: req.id,
            level: req.severity,
            key: [],
          },
        ),
      );
    }
    return out;
  },
};

/** A requirement every part of which is accepted, with no hostname doubt, passes: the accepting rules are the evidence. */
function recordPass(ctx: RuleContext, evs: EvaluatedFlow[]): void {
  const parts = evs.flatMap((ev) => ev.parts.map((p) => ({ ev, p })));
  if (parts.length === 0 || parts.some(({ p }) => p.verdict !== 'accept')) return;
  const req = evs[0]?.req;
  if (!req) return;
  const evidence = new Map<string, Evidence>();
  for (const { ev, p } of parts) {
    const k = stepKey(p.decidedBy);
    if (!evidence.has(k)) evidence.set(k, stepEvidence(p.decidedBy, describeFlow(ev.flow)));
  }
  const doubt = parts.flatMap(({ p }) => p.maybe);
  const flows = evs.map((ev) => describeFlow(ev.flow)).join('; ');
  const hostnames = evs.some((ev) => ev.hostnamesOnly)
    ? ' (the destination is a hostname: allowed to every Internet address, so it holds whatever it resolves to)'
    : '';
  passed(
    ctx,
    req.id,
    `Allowed: ${flows}${hostnames}.`,
    [...evidence.values()],
    doubt.length ? `unless ${[...new Set(doubt.map(mightMatch))].join(', ')}` : undefined,
  );
}

/** How a rule the engine could not decide might still match: its uncertain matches, else its run-time members. */
function mightMatch(r: Rule): string {
  const why = uncertainWhy(r);
  return why ? `${r.label} matches (${why})` : `${r.label} matches through its ${membersOf(r)}`;
}
