import { ingressOf } from '../src/site/evidence.js';
import { box } from '../src/engine/box.js';
import { tracePath } from '../src/engine/evaluate.js';
import type { LintRule } from '../src/lint/context.js';
import { audienceOf, familyEndpoints } from '../src/lint/flows.js';
import { INTERNET_V4, INTERNET_V6, egressFor } from '../src/lint/topology.js';
import { ANY_V4, ANY_V6 } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import { NameSet } from '../src/model/name-set.js';
import { PROTO, portSet, protoSet } from '../src/model/ports.js';
import { reportBlocked, shortCause } from './blocked.js';
import { mightMatchRule } from './doubt.js';
import { describeStep, finding, stepKey, stepLoc } from '../src/lint/finding.js';
import { siteInternet } from '../src/lint/nat.js';
import { describeAddresses } from '../src/lint/wording.js';
import { NO_ADDR, type AddrSet } from '../src/model/address.js';
import type { RuleContext } from '../src/lint/context.js';
import type { SettingRequirement } from '../src/model/profile.js';
import type { RuleMeta } from '../src/model/report.js';
import type { Part } from '../src/engine/evaluate.js';
import { acceptedPassed, cite, settingsOf } from './settings.js';

/**
 * FWL009: the requirement's audience (the phones, or the PBX for a PBX requirement) can reach no DNS
 * server: neither the firewall's resolver nor Internet resolvers.
 */
export const dnsBlocked: LintRule = {
  meta: {
    id: 'FWL009',
    name: 'dns-blocked',
    shortDescription: 'Phones (or the PBX) cannot reach a DNS server.',
    fullDescription:
      "Evaluates DNS (udp 53) from each phone network (from the PBX's address for a requirement on the PBX; " +
      'over IPv4, or over IPv6 for a network with no IPv4 addresses) ' +
      "both to the firewall's own address on that interface (its resolver) and to Internet resolvers; " +
      'reports when neither is allowed. DNS allowed to some Internet destinations only (not to every address, ' +
      "and not to the firewall's resolver) is uncertain: fwlint cannot know which resolver the phones are given.",
    defaultLevel: 'error',
    securitySeverity: 2.0,
    precision: 'medium',
    tags: ['voip', 'dns'],
    help: {
      what: 'DNS queries from the phones (or the PBX) are dropped both to the firewall and to the Internet.',
      why:
        "Phones resolve the provider's SIP, provisioning and NTP hostnames; without DNS they cannot register. " +
        'A PBX resolves its trunks, NTP and mail servers the same way.',
      fix: {
        generic:
          "Allow udp/tcp 53 from the phone network (or the PBX) to the firewall's resolver or to an Internet resolver.",
        pfsense:
          'Firewall > Rules > (phone interface): pass TCP/UDP 53 to "<interface> address" (DNS Resolver) or to the DNS servers.',
        opnsense: 'Firewall > Rules > (phone interface): pass TCP/UDP 53 to the interface address (Unbound).',
        fortigate:
          'Add DNS to the service of the phone policy, or serve DNS on the phone interface:\nconfig system ' +
          'dns-server\n    edit "<phone interface>"\n        set mode recursive\n    next\nend',
        mikrotik:
          '/ip dns set allow-remote-requests=yes\n/ip firewall filter add chain=input in-interface=<phones> ' +
          'protocol=udp dst-port=53 action=accept place-before=<drop rule>',
        nftables: 'Input chain: `iifname "<phones>" udp dport 53 accept` (or in forward to the resolver).',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const dns = protoSet([PROTO.udp]);
    const port = portSet([[53, 53]]);
    for (const req of settingsOf(ctx, 'dns')) {
      const accepted: { part: Part; what: string }[] = [];
      // From the requirement's audience: the phone networks, or the PBX's address on its interface.
      // Without them the requirement is not checked (src/site/coverage.ts says why), never judged on others.
      const audience = audienceOf(req, ctx);
      // Interfaces with IPv4 phones: their IPv6 prefix (a dual-stack network given as two --phones) is served
      // by the IPv4 check.
      const withV4 = new Set(audience.filter((e) => !e.networks.intersect(ANY_V4).isEmpty).map((e) => e.iface));
      for (const all of audience) {
        // Resolvers are checked over IPv4 when the network has IPv4 addresses (a resolver answers AAAA
        // queries over either family), else over IPv6 (an IPv6-only phone network).
        const v6 = all.networks.intersect(ANY_V4).isEmpty;
        if (v6 && withV4.has(all.iface)) continue;
        const space = v6 ? ANY_V6 : ANY_V4;
        const INTERNET = v6 ? INTERNET_V6 : INTERNET_V4;
        const from = familyEndpoints(all, space);
        if (from.networks.isEmpty) continue;
        const self = ctx.policy.interfaces.find((i) => i.name === from.iface)?.addresses.intersect(space);
        const state = NameSet.of(['new']);
        const toInternet = box({
          src: from.networks,
          dst: INTERNET,
          proto: dns,
          dport: port,
          iif: ingressOf(from.iface, ctx.wan),
          oif: egressFor(ctx.policy, ctx.wan, INTERNET),
          state,
        });
        // The whole packet path: destination NAT can send the queries to the firewall's resolver (a DNS redirect).
        const fwd = tracePath(ctx.policy, toInternet, { path: 'forward', wan: ctx.wan });
        const open = fwd.filter((p) => p.verdict === 'accept');
        // Internet destinations (not the site's own addresses) DNS is not let through to.
        const closed = fwd
          .filter((p) => p.verdict !== 'accept')
          .reduce((acc, p) => acc.union(p.box.dst), NO_ADDR)
          .intersect(siteInternet(ctx));
        const what = (p: Part) =>
          `DNS (udp 53) from ${from.label} ${p.path === 'input' ? 'redirected to the firewall itself' : 'to Internet resolvers'}`;
        // Open to every Internet address: whatever resolver the phones are given answers.
        if (open.length > 0 && closed.isEmpty) {
          for (const part of open) accepted.push({ part, what: what(part) });
          continue;
        }
        const local =
          self && !self.isEmpty
            ? tracePath(
                ctx.policy,
                box({
                  src: from.networks,
                  dst: self,
                  proto: dns,
                  dport: port,
                  iif: ingressOf(from.iface, ctx.wan),
                  state,
                }),
                { path: 'input', wan: ctx.wan },
              )
            : [];
        const atFirewall = local.find((p) => p.verdict === 'accept');
        if (atFirewall) {
          accepted.push({ part: atFirewall, what: `DNS (udp 53) from ${from.label} to the firewall itself` });
          continue;
        }
        // Why the firewall's own resolver does not answer, when the platform says so (RouterOS
        // allow-remote-requests, docs/semantics.md#ros-dns): a setting, not a rule.
        const silent = local.find((p) => p.decidedBy.rule?.implicit !== undefined)?.decidedBy.rule;
        const noResolver = silent
          ? ` The firewall itself does not answer DNS (${silent.label}, line ${String(silent.loc.line)}).`
          : '';
        if (open.length > 0) {
          out.push(someResolvers(this.meta, ctx, req, from.label, open, closed, fwd, noResolver));
          continue;
        }
        // A rule fwlint cannot decide for may let DNS to the firewall in: the failure is uncertain.
        const mayLocal = [...new Set(local.flatMap((p) => (p.verdict === 'drop' ? p.maybe : [])))];
        const unless = mayLocal.length
          ? ` DNS to the firewall itself is blocked unless ${mayLocal.map((r) => mightMatchRule(r)).join(', ')}.`
          : '';
        const doubtful = mayLocal.length > 0 || fwd.some((p) => p.verdict === 'drop' && p.maybe.length > 0);
        const neither = doubtful
          ? 'Unless a rule fwlint cannot decide for matches, neither Internet resolvers nor the firewall itself can be reached.'
          : 'Neither Internet resolvers nor the firewall itself can be reached.';
        out.push(
          ...reportBlocked(this.meta, ctx, fwd, toInternet, {
            subject: `DNS (udp 53) from ${from.label} to any resolver`,
            fixRule: {
              asks: `${neither} ${cite(req, ctx)} requires a ` + 'working DNS server',
              allow: 'allow udp/tcp 53 to a resolver',
            },
            fixDefault:
              `${neither} ${cite(req, ctx)} requires a ` +
              `working DNS server: allow udp/tcp 53 to the firewall's resolver or an Internet resolver.`,
            requirement: req.id,
            level: req.severity,
            key: [from.label],
            reportMaybe: true,
          }).map((f) =>
            unless
              ? {
                  ...f,
                  level: f.level === 'error' ? ('warning' as const) : f.level,
                  uncertain: true,
                  message: f.message.replace(' is blocked', ' may be blocked'),
                  details: `${f.details ?? ''}${unless}`,
                }
              : noResolver
                ? { ...f, details: `${f.details ?? ''}${noResolver}` }
                : f,
          ),
        );
      }
      const who = req.audience === 'pbx' ? 'the PBX' : 'the phones';
      acceptedPassed(ctx, req, out, `DNS from ${who} reaches a resolver.`, accepted);
    }
    return out;
  },
};

/**
 * DNS let through to some Internet destinations only (the provider's range), and not to the firewall's
 * own resolver: the document asks for a working DNS server, and fwlint cannot know which resolver the
 * phones are given (DHCP, provisioning), so this is uncertain, naming the destinations it is open to.
 */
function someResolvers(
  meta: RuleMeta,
  ctx: RuleContext,
  req: SettingRequirement,
  label: string,
  open: readonly Part[],
  closed: AddrSet,
  fwd: readonly Part[],
  noResolver: string,
): Finding {
  const to = open.reduce((acc, p) => acc.union(p.box.dst), NO_ADDR);
  const [first] = open;
  const steps = [...new Map(open.map((p) => [stepKey(p.decidedBy), p.decidedBy])).values()];
  const blockers = [
    ...new Map(fwd.filter((p) => p.verdict !== 'accept').map((p) => [stepKey(p.decidedBy), p.decidedBy])).values(),
  ];
  return finding(meta, ctx, {
    level: req.severity === 'error' ? 'warning' : req.severity,
    requirement: req.id,
    loc: first ? stepLoc(first.decidedBy, ctx.policy.root) : ctx.policy.root,
    uncertain: true,
    message: `DNS (udp 53) from ${label} is allowed only to ${describeAddresses(to, 2)}, not to any resolver.`,
    details:
      `Allowed to ${describeAddresses(to)} by ${steps.map(describeStep).join(', ')}; blocked to ` +
      `${describeAddresses(closed, 2)} by ${blockers.map(describeStep).join(', ')}.${noResolver} ` +
      `${cite(req, ctx)} requires a working DNS server, and fwlint cannot know which resolver the phones are ` +
      'given (DHCP, provisioning): if it is not among these addresses, they have no DNS. Allow udp/tcp 53 to ' +
      "the resolver they use (or to any address), or serve DNS on the firewall's own address.",
    related: blockers.map((b) => ({ loc: stepLoc(b, ctx.policy.root), message: `${shortCause(b)} blocks the rest` })),
    key: [label, 'some-destinations'],
  });
}
