import type { LintRule } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';
import { reportBlocked } from './blocked.js';
import { describeFlow, evaluatedFlows } from './required-flows.js';

/** FWL001: a flow the provider requires is blocked, by a rule or by a default policy. */
export const missingRequiredAllow: LintRule = {
  meta: {
    id: 'FWL001',
    name: 'missing-required-allow',
    shortDescription: 'A flow the provider requires is blocked.',
    fullDescription:
      'Evaluates each flow the provider document requires (protocol, ports, provider networks) through the firewall as it would run it — rule order, defaults, jumps — and reports the rule or default policy that blocks any part of it.',
    defaultLevel: 'error',
    securitySeverity: 5.0,
    precision: 'very-high',
    tags: ['voip', 'reachability', 'availability'],
    help: {
      what: 'Part of a flow that the provider requires (for example SIP or RTP from the phones to the provider networks) is dropped by the firewall.',
      why: 'Phones fail to register, calls have one-way or no audio, or provisioning and firmware updates fail when a required flow is blocked.',
      fix: {
        generic:
          'Allow the reported protocol, ports and networks from the phone network before the blocking rule, or change the blocking rule so it no longer covers them.',
        pfsense:
          'Firewall > Rules > (phone interface): add a pass rule for the protocol, ports and provider alias above the blocking rule (interface rules are first-match).',
        opnsense:
          'Firewall > Rules > (phone interface): add a pass rule above the blocking rule (check its sequence number).',
        fortigate:
          'config firewall policy: add an accept policy from the phone interface to the WAN for the provider address and service, then `move <new id> before <blocking id>` (policies match in file order, not by id).',
        mikrotik:
          '/ip firewall filter add chain=forward src-address=<phones> dst-address=<provider> protocol=udp dst-port=<ports> action=accept place-before=<blocking rule>',
        nftables:
          'Add an accept rule (e.g. `ip saddr <phones> ip daddr <provider> udp dport <ports> accept`) before the drop, and make sure no other base chain on the forward hook drops it.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const ev of evaluatedFlows(ctx)) {
      if (ev.hostnamesOnly) continue; // FWL012 speaks for hostname-only requirements
      out.push(
        ...reportBlocked(this.meta, ctx, ev.parts, ev.flow.box, {
          subject: `Required flow "${ev.req.description}" (${describeFlow(ev.flow)})`,
          fixRule: 'Allow it before this rule or narrow this rule.',
          fixDefault: `Nothing allows it, so the default applies: add a rule on ${ev.flow.from.label} that allows it.`,
          requirement: ev.req.id,
          level: ev.req.severity,
          key: [ev.flow.from.label],
        }),
      );
    }
    return out;
  },
};
