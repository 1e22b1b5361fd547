import { box, type Box } from '../engine/box.js';
import {
  ANY_V4,
  ANY_V6,
  NON_INTERNET,
  NO_ADDR,
  formatAddrSet,
  parseAddressSpec,
  type AddrSet,
} from '../model/address.js';
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
import { ingressOf, placeText } from '../site/evidence.js';
import { siteInternet } from './nat.js';
import { INTERNET, egressFor } from './topology.js';
import { labelShows, labelWithAddresses } from './wording.js';

const FAMILIES = [
  { space: ANY_V4, v6: false, internet: 'any Internet address' },
  { space: ANY_V6, v6: true, internet: 'any IPv6 Internet address' },
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
  for (const r of ep.roles ?? []) out.push(...roleEndpoints(r, ctx));
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
      if (roleEndpoints(r, ctx).length === 0) missing.push(r === 'pcs' ? pcsUnknown(ctx) : UNKNOWN[r]);
    for (const s of ep.servers ?? [])
      if (!ctx.site.servers[s]?.length) missing.push(`the server "${s}" (pass --server ${s}=CIDR|interface|object)`);
  }
  if (req.remote.pbx && !ctx.pbx) missing.push(UNKNOWN.pbx);
  let other: string | undefined;
  if (!req.local && audienceOf(req, ctx).length === 0) {
    const gap = audienceGap(req.audience, ctx);
    if (gap?.startsWith(KNOWS)) missing.push(gap.slice(KNOWS.length));
    else other = gap;
  }
  const reasons = [
    ...(missing.length ? [`${KNOWS}${[...new Set(missing)].join(' and ')}`] : []),
    ...(other ? [other] : []),
  ];
  return reasons.length ? reasons.join('; ') : undefined;
}

const KNOWS = 'the site does not know ';
const UNKNOWN = {
  phones: 'the phones (pass --phones)',
  pcs: 'the PCs (pass --pcs)',
  pbx: 'the PBX (pass --pbx)',
} as const;

/**
 * The networks a site role stands for in requirements. PCs only assumed (no --pcs, no interface named
 * for PCs: every internal network that is not the phones, the PBX's, management...) are not known
 * PCs: requirements on them are not checked (docs/site-detection.md), as phones are never guessed.
 */
function roleEndpoints(r: 'phones' | 'pcs' | 'pbx', ctx: Pick<RuleContext, 'site' | 'phones'>): Endpoints[] {
  if (r === 'phones') return ctx.phones;
  if (r === 'pcs') return ctx.site.pcs.filter((n) => n.source !== 'assumed');
  return ctx.site[r];
}

/** "the PCs (pass --pcs; …only assumed…)": the assumed networks are named, so the user sees what to confirm. */
function pcsUnknown(ctx: Pick<RuleContext, 'site'>): string {
  const assumed = ctx.site.pcs.filter((n) => n.source === 'assumed');
  if (assumed.length === 0) return UNKNOWN.pcs;
  const nets = assumed.map((n) => labelWithAddresses(n.label, n.networks, n.written)).join(', ');
  return `the PCs (pass --pcs; ${nets} ${assumed.length > 1 ? 'are' : 'is'} only assumed to hold them, with no name saying so)`;
}

/**
 * Why the networks an audience starts from are unknown on this firewall (a requirement without a
 * `local` end, a setting that reads the audience's networks), or undefined when it has some.
 */
export function audienceGap(audience: string | undefined, ctx: RuleContext): string | undefined {
  if (audienceOf({ audience }, ctx).length > 0) return undefined;
  if (!audience || audience === 'phones') return `${KNOWS}${UNKNOWN.phones}`;
  if (audience === 'pbx')
    return ctx.pbx
      ? `the PBX ${ctx.pbx.text} is on no interface of this firewall (it is taken to be reached through the WAN), ` +
          "so the PBX's own requirements are not checked here"
      : `${KNOWS}${UNKNOWN.pbx}`;
  if (NOT_FROM_PHONES.has(audience)) {
    const who = audience === 'servers' ? 'servers' : 'mobile clients';
    return `no internal network but the phones' holds the ${who} (the phone networks do not count for ${audience})`;
  }
  return 'this firewall has no internal network with a known subnet';
}

/** The concrete addresses of an endpoint; hostnames are never resolved. */
export function addressesOf(
  profile: Profile,
  ep: Endpoint,
  ctx: Pick<RuleContext, 'pbx'> & Partial<Pick<RuleContext, 'site' | 'phones' | 'policy' | 'wan'>>,
): AddrSet {
  let acc = NO_ADDR;
  if (ctx.site && ctx.phones)
    for (const e of siteEndpoints(ep, { site: ctx.site, phones: ctx.phones })) acc = acc.union(e.networks);
  for (const name of ep.networks ?? []) for (const c of profile.networks[name]?.cidrs ?? []) acc = acc.union(cidr(c));
  for (const c of ep.cidrs ?? []) acc = acc.union(cidr(c));
  // The Internet of both families, without this firewall's own public addresses (its VIPs) when it is known.
  if (ep.any) acc = acc.union(ctx.policy && ctx.wan ? siteInternet({ policy: ctx.policy, wan: ctx.wan }) : INTERNET);
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

/**
 * Audiences whose clients are not on the phone networks (docs/site-detection.md#audiences): CSTA and
 * other third-party applications run on servers, the mobile client on smartphones, not on desk phones.
 */
const NOT_FROM_PHONES: ReadonlySet<string> = new Set(['servers', 'mobile-app']);

/**
 * Which networks a requirement applies to (docs/site-detection.md#audiences): the phones; the PBX on
 * its interface; for `servers` and `mobile-app` the internal networks without the phones' (unless
 * every internal network was declared phones with --phones all-internal); for the other audiences
 * every internal network.
 */
export function audienceOf(req: { audience?: string }, ctx: RuleContext): Endpoints[] {
  // A home router's requirements are about the remote phones behind it (OpenScape System Device@Home).
  if (!req.audience || req.audience === 'phones' || req.audience === 'home-router') return ctx.phones;
  if (req.audience === 'pbx') return pbxEndpoints(ctx);
  if (NOT_FROM_PHONES.has(req.audience)) return withoutPhones(ctx);
  return ctx.clients;
}

/** The PBX as a source: its address on the interface it sits behind (none when no interface holds it). */
function pbxEndpoints(ctx: Pick<RuleContext, 'pbx' | 'site'>): Endpoints[] {
  const pbx = ctx.pbx;
  if (!pbx) return [];
  const one = ctx.site.pbx.length === 1;
  return ctx.site.pbx.map((n) => ({
    label: `PBX ${one ? pbx.text : formatAddrSet(n.networks)}`,
    networks: n.networks,
    iface: n.iface,
  }));
}

/** The internal networks without the phones' addresses (all of them with --phones all-internal: the user's word). */
function withoutPhones(ctx: Pick<RuleContext, 'clients' | 'site'>): Endpoints[] {
  const declared = ctx.site.phones.filter((n) => n.source !== 'assumed');
  const phones = declared.reduce((a, n) => a.union(n.networks), NO_ADDR);
  if (phones.isEmpty) return ctx.clients;
  return ctx.clients
    .map((c) => ({ ...c, written: c.written ?? c.networks, networks: c.networks.subtract(phones) }))
    .filter((c) => !c.networks.isEmpty);
}

export interface BuiltFlow {
  from: Endpoints;
  box: Box;
  /** The far end in words when it is the whole Internet of the flow's family: "any IPv6 Internet address". */
  farText?: string;
  /** The flow's address family: a flow never mixes IPv4 and IPv6. */
  v6: boolean;
}

/** The flow classes (one per source network) a required outbound or inbound flow stands for. */
export function buildFlows(req: FlowRequirement, remote: AddrSet, ctx: RuleContext): BuiltFlow[] {
  return flowClasses(req, remote, ctx).flows;
}

/**
 * The subnets of the interface a site network sits behind, when they hold all of it: hosts there
 * reach each other directly (one L2 segment), so traffic between them never crosses the firewall's
 * IP filter. Undefined when the network is not wholly on one interface's subnets (nftables networks
 * no rule pairs with an interface, routed networks behind another router).
 */
export function directSubnet(from: Endpoints, policy: RuleContext['policy']): AddrSet | undefined {
  const i = policy.interfaces.find((x) => x.name === from.iface);
  if (!i || i.networks.isEmpty || !from.networks.isSubsetOf(i.networks)) return undefined;
  return i.networks;
}

/**
 * The flow classes of a requirement, and the pairs of ends that share a subnet (`direct`: "10.20.0.0/24
 * on vlan20"), which the firewall never sees: the part of the far end on the near end's subnet is left out.
 */
function flowClasses(
  req: FlowRequirement,
  remote: AddrSet,
  ctx: RuleContext,
): { flows: BuiltFlow[]; direct: string[] } {
  const dport = portsOf(req.ports);
  const state = NameSet.of(['new']);
  const direct: string[] = [];
  // A flow never mixes address families: IPv4 sources talk to IPv4 destinations, IPv6 to IPv6.
  const near = req.local ? siteEndpoints(req.local, ctx) : audienceOf(req, ctx);
  const flows = near.flatMap((all) =>
    FAMILIES.flatMap(({ space, v6, internet: internetText }) => {
      const local = all.networks.intersect(space);
      // Hosts with only unique-local or link-local IPv6 addresses cannot reach the IPv6 Internet (no
      // global source address: RFC 6724 then picks IPv4); only their internal IPv6 peers are theirs.
      const routable = !v6 || !local.isSubsetOf(NON_INTERNET);
      const whole = routable ? remote.intersect(space) : remote.intersect(space).intersect(NON_INTERNET);
      if (local.isEmpty || whole.isEmpty) return [];
      const subnet = directSubnet({ ...all, networks: local }, ctx.policy);
      const far = subnet ? whole.subtract(subnet) : whole;
      if (far.isEmpty || far.isSubsetOf(local)) {
        // Same subnet: the firewall is not in the path.
        direct.push(`${formatAddrSet(subnet ?? local)} ${placeText(all.iface)}`);
        return [];
      }
      const from = familyEndpoints(all, space);
      const proto = protocolsOf(req.protocol, v6);
      const farIf = egressFor(ctx.policy, ctx.wan, far);
      const nearIf = ingressOf(from.iface, ctx.wan);
      const internet = far.equals(siteInternet(ctx).intersect(space)) ? { farText: internetText } : {};
      return [
        req.direction === 'outbound'
          ? { from, v6, ...internet, box: box({ src: local, dst: far, proto, dport, iif: nearIf, oif: farIf, state }) }
          : {
              from,
              v6,
              ...internet,
              box: box({ src: far, dst: local, proto, dport, iif: farIf, oif: nearIf, state }),
            },
      ];
    }),
  );
  return { flows, direct };
}

/**
 * One family's part of a site network, its label showing that family's addresses only: a label that ends
 * with the network's addresses of both families ("VOICE (opt1) 10.20.0.0/24, 2001:db8:20::/64") ends
 * with the family's instead ("VOICE (opt1) 2001:db8:20::/64").
 */
export function familyEndpoints(all: Endpoints, space: AddrSet): Endpoints {
  const networks = all.networks.intersect(space);
  const written = all.written?.intersect(space);
  if (networks.equals(all.networks) && (!all.written || written?.equals(all.written))) return all;
  let label = all.label;
  for (const shown of [all.networks, ...(all.written ? [all.written] : [])])
    if (labelShows(label, shown)) {
      const text = formatAddrSet(shown);
      const rest = label.slice(0, label.length - text.length).trimEnd();
      label = `${rest} ${formatAddrSet(written ?? networks)}`.trim();
      break;
    }
  return { ...all, label, networks, ...(written ? { written } : {}) };
}

/**
 * The address families both ends of a requirement have (the far end of a hostname: the Internet, both):
 * the families its flows can be built in.
 */
export function sharedFamilies(req: FlowRequirement, ctx: RuleContext): { v4: boolean; v6: boolean } {
  const concrete = addressesOf(ctx.profile, req.remote, ctx);
  const remote = concrete.isEmpty ? INTERNET : concrete;
  const near = (req.local ? siteEndpoints(req.local, ctx) : audienceOf(req, ctx)).reduce(
    (acc, e) => acc.union(e.networks),
    NO_ADDR,
  );
  const both = (space: AddrSet) => near.overlaps(space) && remote.overlaps(space);
  return { v4: both(ANY_V4), v6: both(ANY_V6) };
}

/**
 * Why no flow of a requirement can be built: its near end has addresses of one family only and its far
 * end of the other only (IPv6-only phones, a provider that names only IPv4 networks). A flow never changes
 * family on the way (NAT64 is not modelled). Undefined when they share a family.
 */
export function familyGap(req: FlowRequirement, ctx: RuleContext): string | undefined {
  const remote = addressesOf(ctx.profile, req.remote, ctx);
  const near = (req.local ? siteEndpoints(req.local, ctx) : audienceOf(req, ctx)).reduce(
    (acc, e) => acc.union(e.networks),
    NO_ADDR,
  );
  if (remote.isEmpty || near.isEmpty) return undefined;
  const has = (set: AddrSet) => FAMILIES.filter((f) => set.overlaps(f.space)).map((f) => f.v6);
  const nearF = has(near);
  const who = req.local ? 'its near end' : req.audience === 'phones' ? 'the phones' : `the ${req.audience} networks`;
  // IPv6 without a global address (unique-local, link-local) and no IPv4: flowClasses builds no flow
  // to the Internet for it, and says why here instead of "no path".
  const v6Near = near.intersect(ANY_V6);
  if (
    !near.overlaps(ANY_V4) &&
    !v6Near.isEmpty &&
    v6Near.isSubsetOf(NON_INTERNET) &&
    !remote.intersect(ANY_V6).isEmpty &&
    remote.intersect(ANY_V6).isSubsetOf(INTERNET)
  )
    return (
      `${who} (${formatAddrSet(near, 3)}) ${req.local ? 'has' : 'have'} only unique-local or link-local IPv6 ` +
      'addresses, which do not reach the IPv6 Internet (a host uses IPv6 there only from a global address, RFC 6724); ' +
      'fwlint does not check it through NAT66 or NPTv6: trace it with fwlint explain if the firewall translates them'
    );
  if (has(remote).some((v6) => nearF.includes(v6))) return undefined;
  const [v6] = nearF;
  const [mine, theirs] = v6 ? ['IPv6', 'IPv4'] : ['IPv4', 'IPv6'];
  return (
    `${who} (${formatAddrSet(near, 3)}) ${req.local ? 'has' : 'have'} only ${mine} addresses and the far end only ` +
    `${theirs} ones: a flow never changes address family (NAT64 is not modelled)`
  );
}

/**
 * Why a requirement is not this firewall's to check: both of its ends are on one subnet, so their
 * traffic never passes through it. Undefined when any of it does (or its far end is not concrete).
 */
export function sameSubnetOnly(req: FlowRequirement, ctx: RuleContext): string | undefined {
  const remote = addressesOf(ctx.profile, req.remote, ctx);
  if (remote.isEmpty) return undefined;
  const { flows, direct } = flowClasses(req, remote, ctx);
  if (flows.length > 0 || direct.length === 0) return undefined;
  return (
    `it does not pass through this firewall (same subnet: ${[...new Set(direct)].join(', ')}): ` +
    'hosts on one subnet reach each other directly'
  );
}

/** Whether a requirement is in scope for this run (audience and device family opt-ins). */
export function inScope(req: { audience?: string; devices?: string[] }, ctx: RuleContext): boolean {
  if (req.audience && req.audience !== 'phones' && !ctx.audiences.has(req.audience as never)) return false;
  if (req.devices && req.devices.length > 0 && !req.devices.some((d) => ctx.devices.has(d.toLowerCase()))) return false;
  return true;
}
