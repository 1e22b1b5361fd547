import { box, type Box } from '../engine/box.js';
import { ANY_V4, ANY_V6, NO_ADDR, parseAddressSpec, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import {
  ANY_PORT,
  ANY_PROTO,
  PROTO,
  parsePortRange,
  portSet,
  protocolNumber,
  protoSet,
  type PortSet,
  type ProtoSet,
} from '../model/ports.js';
import type { Endpoint, FlowRequirement, Profile } from '../model/profile.js';
import type { Endpoints, RuleContext } from './context.js';
import { ingressOf } from '../site/evidence.js';
import { INTERNET, egressFor } from './topology.js';

const FAMILIES = [
  { space: ANY_V4, v6: false },
  { space: ANY_V6, v6: true },
];

/** The protocol numbers of a requirement; ICMP means ICMPv6 towards IPv6 destinations. */
export function protocolsOf(protocol: string, v6 = false): ProtoSet {
  if (protocol.toLowerCase() === 'any') return ANY_PROTO;
  if (v6 && protocol.toLowerCase() === 'icmp') return protoSet([PROTO.ipv6icmp]);
  const names = protocol.toLowerCase() === 'tcp/udp' ? ['tcp', 'udp'] : [protocol];
  return protoSet(names.map((n) => protocolNumber(n)).filter((n): n is number => n !== undefined));
}

export function portsOf(ports: readonly string[] | undefined): PortSet {
  if (!ports || ports.length === 0) return ANY_PORT;
  return portSet(ports.map((p) => parsePortRange(p)).filter((r): r is [number, number] => r !== undefined));
}

/** The site networks an endpoint's roles and servers stand for (empty when the site does not know them). */
export function siteEndpoints(ep: Endpoint, ctx: Pick<RuleContext, 'site' | 'phones'>): Endpoints[] {
  const out: Endpoints[] = [];
  for (const r of ep.roles ?? []) out.push(...(r === 'phones' ? ctx.phones : ctx.site[r]));
  for (const s of ep.servers ?? []) out.push(...(ctx.site.servers[s] ?? []));
  return out;
}

const UNKNOWN_RANGE = 'fwlint cannot know which range is configured';

/**
 * Why a requirement cannot be checked on this site: an end whose role or server the site does not
 * know, or ports the document leaves to the site. Undefined when it can be checked.
 */
export function missingEndpoints(req: FlowRequirement, ctx: RuleContext): string | undefined {
  if (req.siteDefinedPorts)
    return (
      `the document leaves the port range to the site (at least ${req.siteDefinedPorts.minConsecutive} ` +
      `consecutive ports); ${UNKNOWN_RANGE}`
    );
  const missing: string[] = [];
  for (const ep of [req.remote, ...(req.local ? [req.local] : [])]) {
    for (const r of ep.roles ?? [])
      if ((r === 'phones' ? ctx.phones : ctx.site[r]).length === 0)
        missing.push(
          r === 'phones' ? 'the phones (pass --phones)' : r === 'pcs' ? 'the PCs (pass --pcs)' : 'the PBX (pass --pbx)',
        );
    for (const s of ep.servers ?? [])
      if (!ctx.site.servers[s]?.length) missing.push(`the server "${s}" (pass --server ${s}=CIDR|interface|object)`);
  }
  if (req.remote.pbx && !ctx.pbx) missing.push('the PBX (pass --pbx)');
  if (!req.local && audienceOf(req, ctx).length === 0 && (req.audience === 'phones' || req.audience === 'pbx'))
    missing.push(req.audience === 'phones' ? 'the phones (pass --phones)' : 'the PBX (pass --pbx)');
  return missing.length ? `the site does not know ${[...new Set(missing)].join(' and ')}` : undefined;
}

/** The concrete addresses of an endpoint; hostnames are never resolved. */
export function addressesOf(
  profile: Profile,
  ep: Endpoint,
  ctx: Pick<RuleContext, 'pbx'> & Partial<Pick<RuleContext, 'site' | 'phones'>>,
): AddrSet {
  let acc = NO_ADDR;
  if (ctx.site && ctx.phones)
    for (const e of siteEndpoints(ep, { site: ctx.site, phones: ctx.phones })) acc = acc.union(e.networks);
  for (const name of ep.networks ?? []) for (const c of profile.networks[name]?.cidrs ?? []) acc = acc.union(cidr(c));
  for (const c of ep.cidrs ?? []) acc = acc.union(cidr(c));
  if (ep.any) acc = acc.union(INTERNET);
  if (ep.pbx && ctx.pbx) acc = acc.union(ctx.pbx.addr);
  return acc;
}

/** All addresses the profile names for its provider: what "from the provider" means. */
export function providerAddresses(profile: Profile): AddrSet {
  let acc = NO_ADDR;
  for (const n of Object.values(profile.networks)) for (const c of n.cidrs) acc = acc.union(cidr(c));
  return acc;
}

/** A profile's CIDR (nothing when it does not parse), parsed once: every firewall asks for the same few. */
function cidr(text: string): AddrSet {
  let a = cidrs.get(text);
  if (!a) cidrs.set(text, (a = parseAddressSpec(text) ?? NO_ADDR));
  return a;
}

const cidrs = new Map<string, AddrSet>();

/** Which networks a requirement applies to: phones, or the internal networks for other audiences. */
export function audienceOf(req: { audience?: string }, ctx: RuleContext): Endpoints[] {
  // A home router's requirements are about the remote phones behind it (OpenScape System Device@Home).
  if (!req.audience || req.audience === 'phones' || req.audience === 'home-router') return ctx.phones;
  if (req.audience === 'pbx') {
    const pbx = ctx.pbx;
    if (!pbx) return [];
    const iface = ctx.policy.interfaces.find((i) => i.networks.overlaps(pbx.addr));
    return iface ? [{ label: `PBX ${pbx.text}`, networks: pbx.addr, iface: iface.name }] : [];
  }
  return ctx.clients;
}

export interface BuiltFlow {
  from: Endpoints;
  box: Box;
}

/** The flow classes (one per source network) a required outbound or inbound flow stands for. */
export function buildFlows(req: FlowRequirement, remote: AddrSet, ctx: RuleContext): BuiltFlow[] {
  const dport = portsOf(req.ports);
  const state = NameSet.of(['new']);
  // A flow never mixes address families: IPv4 sources talk to IPv4 destinations, IPv6 to IPv6.
  const near = req.local ? siteEndpoints(req.local, ctx) : audienceOf(req, ctx);
  return near.flatMap((all) =>
    FAMILIES.flatMap(({ space, v6 }) => {
      const local = all.networks.intersect(space);
      const far = remote.intersect(space);
      if (local.isEmpty || far.isEmpty || far.isSubsetOf(local)) return []; // same subnet: the firewall is not in the path
      const from = { ...all, networks: local };
      const proto = protocolsOf(req.protocol, v6);
      const farIf = egressFor(ctx.policy, ctx.wan, far);
      const nearIf = ingressOf(from.iface, ctx.wan);
      return [
        req.direction === 'outbound'
          ? { from, box: box({ src: local, dst: far, proto, dport, iif: nearIf, oif: farIf, state }) }
          : {
              from,
              box: box({ src: far, dst: local, proto, dport, iif: farIf, oif: nearIf, state }),
            },
      ];
    }),
  );
}

/** Whether a requirement is in scope for this run (audience and device family opt-ins). */
export function inScope(req: { audience?: string; devices?: string[] }, ctx: RuleContext): boolean {
  if (req.audience && req.audience !== 'phones' && !ctx.audiences.has(req.audience as never)) return false;
  if (req.devices && req.devices.length > 0 && !req.devices.some((d) => ctx.devices.has(d.toLowerCase()))) return false;
  return true;
}
