import type { LintRule } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import { forwardsTo } from '../src/lint/nat.js';
import { unionNetworks } from '../src/lint/topology.js';
import { formatAddrSet } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import { formatPortSet, formatProtoSet } from '../src/model/ports.js';
import { cite, settingsOf } from './settings.js';

/** FWL004: a destination NAT (port-forward, VIP, dst-nat) sends Internet traffic to a phone. */
export const portForwardToPhone: LintRule = {
  meta: {
    id: 'FWL004',
    name: 'port-forward-to-phone',
    shortDescription: 'A port-forward points at a phone.',
    fullDescription:
      'Reports destination NAT rules (port-forwards, virtual IPs, dst-nat) whose target lies in a phone network.',
    defaultLevel: 'warning',
    securitySeverity: 6.5,
    precision: 'very-high',
    tags: ['voip', 'nat', 'security', 'exposure'],
    help: {
      what: 'Traffic from the Internet is forwarded to an IP phone.',
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
    }
    return out;
  },
};
