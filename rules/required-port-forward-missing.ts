import { box, hull, subtract, type Box } from '../src/engine/box.js';
import { tracePath, type Part } from '../src/engine/evaluate.js';
import type { LintRule } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import { capitalize, describeAddresses } from '../src/lint/wording.js';
import { arrivingDestinations, byForward, dnatOf, type DnatTranslation } from '../src/lint/nat.js';
import { INTERNET_V4 } from '../src/lint/topology.js';
import { inScope, portsOf, protocolsOf } from '../src/lint/flows.js';
import { formatPortSet, formatProtoSet, portSet } from '../src/model/ports.js';
import { NO_ADDR, formatAddrSet, type AddrSet } from '../src/model/address.js';
import { NameSet } from '../src/model/name-set.js';
import type { Finding } from '../src/model/finding.js';
import { headline, reportBlocked } from './blocked.js';

/** FWL011: a port-forward the provider requires to the PBX is missing, points elsewhere, or is filtered. */
export const requiredPortForwardMissing: LintRule = {
  meta: {
    id: 'FWL011',
    name: 'required-port-forward-missing',
    shortDescription: 'A port-forward the provider requires to the PBX is missing or blocked.',
    fullDescription:
      'For each port-forward the provider requires (e.g. OpenScape Business device@home), checks ' +
      'that traffic arriving on the WAN address is translated to the PBX given with --pbx and that ' +
      'the filter then accepts it. A forward (or its filter rule) that admits some Internet sources only ' +
      'is uncertain, not a pass: the profile names no source, and remote devices connect from their own, ' +
      'often dynamic, addresses.',
    defaultLevel: 'error',
    securitySeverity: 3.0,
    precision: 'high',
    tags: ['voip', 'nat', 'port-forward', 'reachability'],
    help: {
      what: 'Traffic the provider sends to the WAN address is not forwarded to the PBX, or is forwarded and then dropped.',
      why: 'Remote devices (device@home) cannot register with or send media to the PBX.',
      fix: {
        generic:
          'Add a port-forward of the listed protocol and ports on the WAN address to the PBX, with a filter rule that allows it.',
        pfsense:
          'Firewall > NAT > Port Forward: add the forward to the PBX with "Filter rule association: Add associated filter rule" (or Pass).',
        opnsense: 'Firewall > NAT > Port Forward: add the forward to the PBX with a filter rule.',
        fortigate:
          'config firewall vip: edit "<name>" set extintf "<wan>" set portforward enable set mappedip ' +
          '<pbx> ...; then an accept policy from WAN with the VIP as dstaddr.',
        mikrotik:
          '/ip firewall nat add chain=dstnat in-interface-list=WAN protocol=udp dst-port=<ports> action=dst-nat ' +
          'to-addresses=<pbx> to-ports=<pbx ports>',
        nftables:
          'nat prerouting: `iifname "<wan>" udp dport <ports> dnat to <pbx>`; forward: accept `ct status dnat`.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const reqs = (ctx.profile.portForwards ?? []).filter((r) => inScope(r, ctx));
    if (reqs.length === 0) return out;
    // Without --pbx, src/site/coverage.ts records them as not checked (one note, read by the verdicts).
    if (!ctx.pbx) return out;
    const self = arrivingDestinations(ctx);
    const natLoc = ctx.policy.nat.dnatLoc ?? ctx.policy.nat.mode?.loc ?? ctx.policy.root;
    for (const req of reqs) {
      const arriving = box({
        src: INTERNET_V4,
        dst: self.isEmpty ? INTERNET_V4 : self,
        proto: protocolsOf(req.protocol),
        dport: portsOf(req.ports),
        iif: NameSet.of(ctx.wan),
        state: NameSet.of(['new']),
      });
      const traced = tracePath(ctx.policy, arriving, { wan: ctx.wan });
      const pbx = ctx.pbx.addr;
      // A forward on any public address satisfies the requirement: what is missing are the
      // protocol/port combinations no address forwards to the PBX.
      const reaching = traced.filter((p) => dnatOf(p) && p.out.dst.overlaps(pbx));
      let missing = traced
        .filter((p) => !reaching.includes(p))
        .map((p) => ({ box: p.box, dnat: dnatOf(p), to: p.out.dst }));
      for (const r of reaching) {
        missing = missing.flatMap((m) =>
          subtract(m.box, { proto: r.box.proto, dport: r.box.dport }).map((box) => ({ ...m, box })),
        );
      }
      const h = hull(missing.map((m) => m.box));
      if (h) {
        const elsewhere = missing.find((m) => m.dnat);
        const wrong = elsewhere?.dnat?.rule;
        const what = `${formatProtoSet(h.proto)} ${formatPortSet(h.dport)}`;
        const subject = `Required port-forward "${req.description}"`;
        out.push(
          finding(this.meta, ctx, {
            level: req.severity,
            requirement: req.id,
            loc: wrong?.loc ?? natLoc,
            ...(elsewhere && wrong
              ? {
                  message: headline(subject, `goes to ${formatAddrSet(elsewhere.to)}, not to the PBX.`),
                  details:
                    `${capitalize(wrong.label)} (line ${wrong.loc.line}) forwards ${what} there. ` +
                    `Forward it to the PBX ${ctx.pbx.text} instead.`,
                }
              : {
                  message: headline(subject, 'does not exist.'),
                  details: `Add a port-forward of ${what} on the WAN address to the PBX ${ctx.pbx.text}.`,
                }),
            key: [wrong?.id ?? 'none', formatPortSet(h.dport)],
          }),
        );
      }
      // A forward that only some Internet sources reach (a source address on the port-forward): the
      // profile names no source, and remote devices connect from wherever they are, so the sources left
      // out may be theirs. That is a doubt, not a failure (as FWL007 does for ICMP from some sources).
      const restricted = restrictedSources(arriving, reaching);
      if (restricted) {
        const { d, from, blocked } = restricted;
        const where = `${d.rule.label}, line ${d.rule.loc.line}`;
        out.push(
          finding(this.meta, ctx, {
            level: req.severity === 'error' ? 'warning' : req.severity,
            requirement: req.id,
            loc: d.rule.loc,
            uncertain: true,
            message: `Required port-forward "${req.description}" reaches the PBX only from ${describeAddresses(from, 2)}.`,
            details:
              `${formatProtoSet(restricted.box.proto)} ${formatPortSet(restricted.box.dport)} from ` +
              `${describeAddresses(blocked, 3)} is not forwarded to the PBX ${ctx.pbx.text}: ${where} forwards it ` +
              `only from ${describeAddresses(from)}. The profile names no source for this forward, and remote ` +
              'devices connect from their own Internet connections, whose addresses are often dynamic: this ' +
              'fails if they connect from elsewhere. Remove the source restriction from the port-forward (and ' +
              'from its filter rule) unless every device connects from the addresses it allows.',
            key: [d.rule.id, 'sources'],
          }),
        );
      }
      const wantPorts = portsOf(req.targetPorts ?? req.ports);
      // Per port-forward: the target port, then the filter's verdict on the translated packets.
      for (const { d, items: parts } of byForward(reaching, dnatOf)) {
        const ports = parts.reduce((acc, p) => acc.union(p.out.dport), portSet([]));
        if (!ports.isSubsetOf(wantPorts)) {
          out.push(
            finding(this.meta, ctx, {
              level: req.severity,
              requirement: req.id,
              loc: d.rule.loc,
              message: headline(
                `Required port-forward "${req.description}"`,
                `reaches the PBX on port ${formatPortSet(ports)}, not ${formatPortSet(wantPorts)}.`,
              ),
              details:
                `The PBX listens on ${formatPortSet(wantPorts)}: set the target port of ${d.rule.label} ` +
                `(line ${d.rule.loc.line}) to ${formatPortSet(wantPorts)}.`,
              key: [d.rule.id, 'target-port'],
            }),
          );
          continue;
        }
        const flow = hull(parts.map((p) => p.box));
        if (!flow) continue;
        out.push(
          ...reportBlocked(this.meta, ctx, parts, flow, {
            subject:
              `Forwarded "${req.description}" to the PBX (${formatProtoSet(flow.proto)} ${formatPortSet(flow.dport)} ` +
              `forwarded by ${d.rule.label} (line ${d.rule.loc.line}))`,
            fixRule: { allow: 'allow the forwarded traffic to the PBX' },
            fixDefault: 'Add the filter rule associated with the port-forward.',
            requirement: req.id,
            level: req.severity,
            key: [d.rule.id],
            // The filter lets the forwarded traffic in from some sources only: as for the forward
            // itself (restrictedSources), the sources left out may be the remote devices'.
            someSources: {
              headline: (from) => `Forwarded "${req.description}" reaches the PBX only from ${from}.`,
              blockedHeadline: (blocked) =>
                `Forwarded "${req.description}" from ${blocked} is blocked: this fails if devices connect from there.`,
              fixRule: {
                asks: 'The profile names no source for this forward, and remote devices connect from addresses that are often dynamic',
                allow:
                  'allow the forwarded traffic to the PBX from every address the devices may use (or from any address)',
              },
              fixDefault:
                'The profile names no source for this forward, and remote devices connect from addresses that are ' +
                'often dynamic: let the filter rule of the port-forward allow any source, unless every device ' +
                'connects from the addresses it allows.',
            },
          }),
        );
      }
    }
    return out;
  },
};

/**
 * The Internet sources a required forward does not reach the PBX from, for ports it does reach it on
 * from other sources: undefined when every source that reaches the PBX on some port reaches it on all
 * of them (or none is left out). `d` is the forward that lets the others in, for the location.
 */
function restrictedSources(
  arriving: Box,
  reaching: readonly Part[],
): { box: Box; from: AddrSet; blocked: AddrSet; d: DnatTranslation } | undefined {
  let left: Box[] = [];
  for (const r of reaching) left.push({ ...arriving, proto: r.box.proto, dport: r.box.dport });
  for (const r of reaching)
    left = left.flatMap((b) => subtract(b, { src: r.box.src, proto: r.box.proto, dport: r.box.dport }));
  const h = hull(left);
  const first = reaching.map(dnatOf).find((d) => d !== undefined);
  if (!h || !first) return undefined;
  const from = reaching.reduce((acc, r) => acc.union(r.box.src), NO_ADDR);
  return { box: h, from, blocked: h.src, d: first };
}
