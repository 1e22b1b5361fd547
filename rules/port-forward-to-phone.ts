import { box, type Box } from '../src/engine/box.js';
import { tracePath, type Step } from '../src/engine/evaluate.js';
import type { LintRule, RuleContext } from '../src/lint/context.js';
import { describeStep, finding, stepIsDefault, stepKey, stepLoc, unfiltered } from '../src/lint/finding.js';
import { capitalize } from '../src/lint/wording.js';
import { dnatOf, forwardsTo, natedFamilies } from '../src/lint/nat.js';
import { INTERNET_V6, unionNetworks } from '../src/lint/topology.js';
import { ANY_V6, formatAddrSet, NON_INTERNET, NO_ADDR } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import type { SettingRequirement } from '../src/model/profile.js';
import { NameSet } from '../src/model/name-set.js';
import { formatPortSet, formatProtoSet, NO_PORT, protoSet } from '../src/model/ports.js';
import { ingressOf } from '../src/site/evidence.js';
import { denies } from './doubt.js';
import { cite, settingsOf } from './settings.js';

/** FWL004: a destination NAT (port-forward, VIP, dst-nat) sends Internet traffic to a phone. */
export const portForwardToPhone: LintRule = {
  meta: {
    id: 'FWL004',
    name: 'port-forward-to-phone',
    shortDescription: 'A port-forward points at a phone.',
    fullDescription:
      'Reports destination NAT rules (port-forwards, virtual IPs, dst-nat) whose target lies in a phone network, ' +
      'and, for IPv6 phone prefixes (routed, not translated: no forward is needed to reach them), the filter ' +
      'rules or defaults that accept new connections from the Internet to them.',
    defaultLevel: 'warning',
    securitySeverity: 6.5,
    precision: 'very-high',
    tags: ['voip', 'nat', 'security', 'exposure'],
    help: {
      what:
        'Traffic from the Internet is forwarded to an IP phone, or (IPv6) new connections from the Internet are ' +
        "let through to the phones' routed prefix.",
      why:
        "Providers register phones outbound through NAT; a port-forward exposes the phone's SIP stack " +
        "to scanners and toll fraud, and breaks the provider's NAT traversal.",
      fix: {
        generic: 'Delete the port-forward; phones need no inbound forwards when they register outbound.',
        pfsense: 'Firewall > NAT > Port Forward: delete the rule (and its associated filter rule).',
        opnsense: 'Firewall > NAT > Port Forward: delete the rule.',
        fortigate: 'Remove the VIP from the policies that use it, then `config firewall vip` / `delete "<vip name>"`.',
        mikrotik: '/ip firewall nat remove [find chain=dstnat to-addresses=<phone>]',
        nftables: 'Delete the `dnat to <phone>` rule from the prerouting chain.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const phoneNets = unionNetworks(ctx.phones);
    if (phoneNets.isEmpty) return out;
    for (const req of settingsOf(ctx, 'no-port-forward-to-phones')) {
      // Every destination NAT the path applies to new connections from the Internet on the WAN.
      for (const { d, to, proto: forwarded, dport } of forwardsTo(ctx, phoneNets)) {
        // What the rule forwards, less what an earlier exempting rule (pf `no rdr`) keeps from it.
        const proto = forwarded.isFull ? 'all protocols' : formatProtoSet(forwarded);
        const ports = !dport.isFull ? ` port ${formatPortSet(dport)}` : '';
        out.push(
          finding(this.meta, ctx, {
            level: req.severity,
            requirement: req.id,
            loc: d.rule.loc,
            message:
              `${d.rule.label} forwards ${proto}${ports} from the Internet ` +
              `to the phone address ${formatAddrSet(to.intersect(phoneNets))}; ` +
              `${cite(req, ctx)} says phones must not be port-forwarded. Remove the forward.`,
            key: [d.rule.id, formatAddrSet(d.target.addr ?? to)],
          }),
        );
      }
      out.push(...routedV6(this.meta, ctx, req));
    }
    return out;
  },
};

/**
 * IPv6 phones need no port-forward to be reached from the Internet: their prefixes are routed, so a
 * filter rule (or default) that accepts new connections from the Internet to them does what a
 * port-forward does for IPv4. One finding per deciding step. Not when the IPv6 prefixes are translated
 * (NAT66), nor for unique-local or link-local prefixes the Internet cannot reach.
 */
function routedV6(meta: LintRule['meta'], ctx: RuleContext, req: SettingRequirement): Finding[] {
  if (natedFamilies(ctx).v6) return [];
  const groups = new Map<string, { step: Step; boxes: Box[]; maybe: boolean }>();
  for (const p of ctx.phones) {
    const dst = p.networks.intersect(ANY_V6).subtract(NON_INTERNET);
    if (dst.isEmpty) continue;
    const flow = box({
      src: INTERNET_V6,
      dst,
      iif: NameSet.of(ctx.wan),
      oif: ingressOf(p.iface, ctx.wan),
      state: NameSet.of(['new']),
    });
    for (const part of tracePath(ctx.policy, flow, { path: 'forward', wan: ctx.wan })) {
      if (part.verdict !== 'accept' || dnatOf(part)) continue;
      const k = stepKey(part.decidedBy);
      const g = groups.get(k) ?? { step: part.decidedBy, boxes: [], maybe: true };
      g.boxes.push(part.box);
      if (!part.maybe.some(denies)) g.maybe = false;
      groups.set(k, g);
    }
  }
  return [...groups.entries()].map(([k, { step, boxes, maybe }]) => {
    const proto = boxes.reduce((a, b) => a.union(b.proto), protoSet([]));
    const dport = boxes.reduce((a, b) => a.union(b.dport), NO_PORT);
    const to = boxes.reduce((a, b) => a.union(b.dst), NO_ADDR);
    const what = `${proto.isFull ? 'all protocols' : formatProtoSet(proto)}${!dport.isFull ? ` port ${formatPortSet(dport)}` : ''}`;
    const none = unfiltered(step);
    const via = none ? `${capitalize(none)}.` : `Accepted by ${describeStep(step)}.`;
    return finding(meta, ctx, {
      level: req.severity,
      requirement: req.id,
      loc: stepLoc(step, ctx.policy.root),
      fromDefault: stepIsDefault(step),
      ...(maybe ? { uncertain: true } : {}),
      message: `New connections from the Internet reach the phone addresses ${formatAddrSet(to)} over IPv6 (${what}).`,
      details:
        `${via} IPv6 prefixes are routed, not translated, so this does what a port-forward does for IPv4; ` +
        `${cite(req, ctx)} says phones must not be port-forwarded. ${
          none
            ? 'Filter it: add a chain that sees IPv6 and accepts only replies (established, related) to the phones from the Internet.'
            : stepIsDefault(step) || !step.rule
              ? "Add a rule before the chain's end that drops new connections from the Internet to the phones."
              : 'Accept only replies (established, related) to the phones from the Internet, or remove the rule.'
        }`,
      key: ['ipv6', k],
    });
  });
}
