import { ingressOf } from '../src/site/evidence.js';
import { box, hull, type Box } from '../src/engine/box.js';
import { tracePath, type Part, type Step } from '../src/engine/evaluate.js';
import type { LintRule } from '../src/lint/context.js';
import { describeStep, finding, stepKey, stepLoc, unfiltered } from '../src/lint/finding.js';
import { arrivingDestinations, dnatOf, portForwarded, type DnatTranslation } from '../src/lint/nat.js';
import { INTERNET, unionNetworks } from '../src/lint/topology.js';
import { ANY_V4, formatAddrSet } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import { NameSet } from '../src/model/name-set.js';
import { PROTO, formatPortSet, portSet, protoSet } from '../src/model/ports.js';
import { providerAddresses } from '../src/lint/flows.js';
import { describeAddresses } from '../src/lint/wording.js';

const SIP = { proto: protoSet([PROTO.tcp, PROTO.udp]), dport: portSet([[5060, 5061]]) };

/** FWL010: new SIP connections from arbitrary Internet sources reach a phone (routed or port-forwarded). */
export const sipExposedToInternet: LintRule = {
  meta: {
    id: 'FWL010',
    name: 'sip-exposed-to-internet',
    shortDescription: 'Phones accept SIP from any Internet source.',
    fullDescription:
      'Evaluates new SIP connections (tcp/udp 5060-5061) from the Internet to the phones, both routed ' +
      "and through port-forwards, and reports the rules that let sources outside the provider's networks in.",
    defaultLevel: 'warning',
    securitySeverity: 7.5,
    precision: 'high',
    tags: ['voip', 'sip', 'security', 'exposure', 'toll-fraud'],
    help: {
      what: 'SIP from arbitrary Internet hosts can reach the phones.',
      why: 'SIP scanners find exposed phones within minutes; they are used for toll fraud and denial of service.',
      fix: {
        generic: "Remove the rule or forward, or restrict its source to the provider's networks.",
        pfsense:
          'Firewall > Rules > WAN (and NAT > Port Forward): restrict the source to the provider alias or delete the rule.',
        opnsense: 'Firewall > Rules > WAN: restrict the source to the provider alias or delete the rule.',
        fortigate: 'Set srcaddr of the policy to the provider address group instead of "all", or remove the VIP.',
        mikrotik:
          '/ip firewall nat set <rule> src-address-list=<provider> (or /ip firewall filter set <rule> ' +
          'src-address-list=<provider>), or remove the rule',
        nftables: 'Match `ip saddr @provider` in the accept/dnat rule, or remove it.',
      },
    },
  },
  check(ctx) {
    const phones = unionNetworks(ctx.phones);
    if (phones.isEmpty) return [];
    const allowedSources = providerAddresses(ctx.profile);
    const out: Finding[] = [];
    const report = (
      accepted: Box[],
      via: string,
      step: Parameters<typeof stepLoc>[0] | undefined,
      loc: Finding['loc'],
      key: string[],
    ) => {
      const h = hull(accepted);
      if (!h) return;
      const outside = h.src.subtract(allowedSources);
      if (outside.isEmpty) return;
      const targets = h.dst.intersect(phones).isEmpty ? h.dst : h.dst.intersect(phones);
      const sources = INTERNET.isSubsetOf(outside.union(allowedSources))
        ? "any Internet address outside the provider's networks"
        : describeAddresses(outside);
      out.push(
        finding(this.meta, ctx, {
          loc,
          message:
            `SIP (${formatPortSet(h.dport)}) to the phones ${formatAddrSet(targets)} ` +
            `is accepted from ${sources}${via}${step ? decider(step) : ''}. ` +
            (step && unfiltered(step)
              ? "Filter it: add a chain that sees this traffic and accepts SIP to the phones only from the provider's networks."
              : "Restrict the source to the provider's networks or remove it."),
          key,
        }),
      );
    };
    // Routed straight to the phones (no NAT in between).
    for (const p of ctx.phones) {
      const flow = box({
        src: INTERNET,
        dst: p.networks.intersect(ANY_V4),
        ...SIP,
        iif: NameSet.of(ctx.wan),
        oif: ingressOf(p.iface, ctx.wan),
        state: NameSet.of(['new']),
      });
      // Parts destination NAT redirects are judged with the port-forwards below.
      const parts = tracePath(ctx.policy, flow, { path: 'forward', wan: ctx.wan }).filter((p) => !dnatOf(p));
      for (const group of groupAccepted(parts))
        report(group.boxes, '', group.step, stepLoc(group.step, ctx.policy.root), ['routed', stepKey(group.step)]);
    }
    // Through port-forwards on the WAN address: the engine's destination NAT, then the filter on the translated packet.
    const self = arrivingDestinations(ctx);
    if (!self.isEmpty) {
      const groups = new Map<string, { d: DnatTranslation; step?: Step; boxes: Box[] }>();
      for (const { part, dnat } of portForwarded(ctx, SIP, self)) {
        if (part.verdict !== 'accept' || !part.out.dst.overlaps(phones)) continue;
        const pass = dnat.rule.action.kind === 'dnat' && dnat.rule.action.pass === true;
        const k = pass ? `${dnat.rule.id}|pass` : `${dnat.rule.id}|${stepKey(part.decidedBy)}`;
        const g = groups.get(k) ?? { d: dnat, step: pass ? undefined : part.decidedBy, boxes: [] };
        g.boxes.push({ ...part.out, src: part.box.src });
        groups.set(k, g);
      }
      for (const { d, step, boxes } of groups.values()) {
        if (!step) {
          report(boxes, ` through ${d.rule.label} (rdr pass: no filter rule applies)`, undefined, d.rule.loc, [
            'dnat',
            d.rule.id,
          ]);
          continue;
        }
        report(boxes, ` through ${d.rule.label} (line ${d.rule.loc.line})`, step, d.rule.loc, [
          'dnat',
          d.rule.id,
          stepKey(step),
        ]);
      }
    }
    return out;
  },
};

/** " by <the rule>", or ": <why nothing filters it>" when no filter decided (nftables: no chain sees IPv4). */
function decider(step: Step): string {
  const none = unfiltered(step);
  return none ? `: ${none}` : ` by ${describeStep(step)}`;
}

function groupAccepted(parts: Part[]) {
  const m = new Map<string, { step: (typeof parts)[number]['decidedBy']; boxes: Box[] }>();
  for (const p of parts) {
    if (p.verdict !== 'accept') continue;
    const k = stepKey(p.decidedBy);
    const g = m.get(k) ?? { step: p.decidedBy, boxes: [] };
    g.boxes.push(p.box);
    m.set(k, g);
  }
  return [...m.values()];
}
