import { box } from '../src/engine/box.js';
import { tracePath, type Part } from '../src/engine/evaluate.js';
import type { LintRule } from '../src/lint/context.js';
import { INTERNET_V4, wanAddresses } from '../src/lint/topology.js';
import { describeAddresses } from '../src/lint/wording.js';
import { ANY_V4 } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import { NameSet } from '../src/model/name-set.js';
import { PROTO, protoSet } from '../src/model/ports.js';
import { reportBlocked } from './blocked.js';
import { acceptedPassed, cite, settingsOf } from './settings.js';

/** FWL007: the provider's monitoring cannot ping the firewall's WAN address. */
export const wanIcmpBlocked: LintRule = {
  meta: {
    id: 'FWL007',
    name: 'wan-icmp-blocked',
    shortDescription: 'ICMP from the Internet to the WAN address is blocked.',
    fullDescription:
      "Evaluates ICMP from any Internet source to the firewall's own WAN addresses along the whole path of traffic " +
      'to the firewall itself, destination NAT included (an echo a VIP or dnat hands to a host that answers is ' +
      'answered). ICMP blocked from every source is a failure; ICMP allowed from some sources only ' +
      "is uncertain, since the provider's document does not say where it monitors from.",
    defaultLevel: 'warning',
    securitySeverity: 1.0,
    precision: 'high',
    tags: ['voip', 'monitoring', 'icmp'],
    help: {
      what: 'The firewall drops ICMP (ping) sent from the Internet to its WAN address.',
      why: "Providers monitor the customer's Internet connection with ping; without it they cannot tell a line fault from a phone fault.",
      fix: {
        generic: "Allow ICMP echo requests to the WAN address (optionally only from the provider's networks).",
        pfsense:
          'Firewall > Rules > WAN: add a pass rule, protocol ICMP, ICMP subtypes Echo request, destination "WAN address".',
        opnsense: 'Firewall > Rules > WAN: pass ICMP echo request to "WAN address".',
        fortigate:
          'config system interface\n    edit "<wan>"\n        append allowaccess ping\n    next\nend\n(or ' +
          'an accept entry in config firewall local-in-policy with service PING, above any deny)',
        mikrotik:
          '/ip firewall filter add chain=input in-interface-list=WAN protocol=icmp action=accept place-before=<drop rule>',
        nftables: 'In the input chain: `iifname "<wan>" icmp type echo-request accept` before the drop.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    // The provider monitors the IPv4 WAN address (ICMP, not ICMPv6).
    const self = wanAddresses(ctx.policy, ctx.wan).intersect(ANY_V4);
    // No address to ping: not checked, never a pass without evidence; src/verdicts/scope.ts says why
    // (and src/site/coverage.ts when there is no WAN at all).
    if (self.isEmpty) {
      return out;
    }
    for (const req of settingsOf(ctx, 'icmp-from-wan')) {
      const flow = box({
        src: INTERNET_V4,
        dst: self,
        proto: protoSet([PROTO.icmp]),
        iif: NameSet.of(ctx.wan),
        state: NameSet.of(['new']),
      });
      // The whole input path with the firewall's interfaces: destination NAT (a DMZ host, a 1:1 VIP) can
      // send the echo on to a host that answers, and the forward rules then see its egress interface.
      const parts = tracePath(ctx.policy, flow, { path: 'input', wan: ctx.wan });
      const asks = `${cite(req, ctx)} requires ICMP from WAN`;
      out.push(
        ...reportBlocked(this.meta, ctx, parts, flow, {
          subject: `ICMP from the Internet to the WAN address (${ctx.wan.join(', ')})`,
          fixRule: { asks, allow: 'allow ICMP echo to the WAN address' },
          fixDefault: `${asks}: add a rule on the WAN interface that allows ICMP echo to the firewall.`,
          requirement: req.id,
          level: req.severity,
          key: ['icmp'],
          reportMaybe: true,
          // The document does not say where the provider monitors from: ICMP accepted from some
          // Internet sources may be the provider's, so the rest is not a certain failure.
          someSources: {
            headline: (from) =>
              `ICMP reaches the WAN address only from ${from}: a provider pinging from elsewhere is blocked.`,
            blockedHeadline: (blocked) =>
              `ICMP from ${blocked} to the WAN address is blocked: this fails only if the provider pings from there.`,
            fixRule: {
              asks: `${asks} and does not say from where`,
              allow:
                'ask the provider for its monitoring addresses and allow ICMP echo from them (or from any ' +
                'address) to the WAN address',
            },
            fixDefault:
              `${asks} and does not say from where: ask the provider for its monitoring addresses and add a rule ` +
              'on the WAN interface that allows ICMP echo from them (or from any address) to the firewall.',
          },
        }),
      );
      const what = `ICMP echo from the Internet to the WAN address (${ctx.wan.join(', ')})`;
      acceptedPassed(
        ctx,
        req,
        out,
        'ICMP echo from the Internet reaches the WAN address.',
        parts.map((part) => ({ part, what: what + forwardedBy(part) })),
      );
    }
    return out;
  },
};

/** `, sent on to 192.168.1.50 by rule "…" (line 12)`: an echo destination NAT hands to a host that answers. */
function forwardedBy(part: Part): string {
  const t = part.translations.find((x) => x.kind === 'dnat');
  if (t?.kind !== 'dnat') return '';
  const to = t.target.addr ? describeAddresses(t.target.addr) : (t.target.symbolic ?? 'another address');
  return `, sent on to ${to} by ${t.rule.label} (line ${String(t.rule.loc.line)})`;
}
