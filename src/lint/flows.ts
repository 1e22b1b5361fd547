import { box, type Box } from '../engine/box.js';
import { NO_ADDR, parseAddressSpec, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import { ANY_PORT, ANY_PROTO, parsePortRange, portSet, protocolNumber, protoSet, type PortSet, type ProtoSet } from '../model/ports.js';
import type { Endpoint, FlowRequirement, Profile } from '../model/profile.js';
import type { Endpoints, RuleContext } from './context.js';
import { INTERNET, egressFor } from './topology.js';

export function protocolsOf(protocol: string): ProtoSet {
  if (protocol.toLowerCase() === 'any') return ANY_PROTO;
  const names = protocol.toLowerCase() === 'tcp/udp' ? ['tcp', 'udp'] : [protocol];
  return protoSet(names.map((n) => protocolNumber(n)).filter((n): n is number => n !== undefined));
}

export function portsOf(ports: readonly string[] | undefined): PortSet {
  if (!ports || ports.length === 0) return ANY_PORT;
  return portSet(ports.map((p) => parsePortRange(p)).filter((r): r is [number, number] => r !== undefined));
}

/** The concrete addresses of an endpoint; hostnames are never resolved. */
export function addressesOf(profile: Profile, ep: Endpoint, ctx: Pick<RuleContext, 'pbx'>): AddrSet {
  let acc = NO_ADDR;
  for (const name of ep.networks ?? []) for (const c of profile.networks[name]?.cidrs ?? []) acc = acc.union(parseAddressSpec(c) ?? NO_ADDR);
  for (const c of ep.cidrs ?? []) acc = acc.union(parseAddressSpec(c) ?? NO_ADDR);
  if (ep.any) acc = acc.union(INTERNET);
  if (ep.pbx && ctx.pbx) acc = acc.union(ctx.pbx.addr);
  return acc;
}

/** All addresses the profile names for its provider: what "from the provider" means. */
export function providerAddresses(profile: Profile): AddrSet {
  let acc = NO_ADDR;
  for (const n of Object.values(profile.networks)) for (const c of n.cidrs) acc = acc.union(parseAddressSpec(c) ?? NO_ADDR);
  return acc;
}

/** Which networks a requirement applies to: phones, or the internal networks for other audiences. */
export function audienceOf(req: { audience?: string }, ctx: RuleContext): Endpoints[] {
  if (!req.audience || req.audience === 'phones') return ctx.phones;
  if (req.audience === 'pbx') {
    if (!ctx.pbx) return [];
    const iface = ctx.policy.interfaces.find((i) => i.networks.overlaps(ctx.pbx!.addr));
    return iface ? [{ label: `PBX ${ctx.pbx.text}`, networks: ctx.pbx.addr, iface: iface.name }] : [];
  }
  return ctx.clients;
}

export interface BuiltFlow {
  from: Endpoints;
  box: Box;
}

/** The flow classes (one per source network) a required outbound or inbound flow stands for. */
export function buildFlows(req: FlowRequirement, remote: AddrSet, ctx: RuleContext): BuiltFlow[] {
  const proto = protocolsOf(req.protocol);
  const dport = portsOf(req.ports);
  const state = NameSet.of(['new']);
  const remoteIf = egressFor(ctx.policy, ctx.wan, remote);
  return audienceOf(req, ctx)
    .filter((from) => !remote.isSubsetOf(from.networks)) // same subnet: the firewall is not in the path
    .map((from) =>
      req.direction === 'outbound'
        ? { from, box: box({ src: from.networks, dst: remote, proto, dport, iif: NameSet.of([from.iface]), oif: remoteIf, state }) }
        : { from, box: box({ src: remote, dst: from.networks, proto, dport, iif: remoteIf, oif: NameSet.of([from.iface]), state }) },
    );
}

/** Whether a requirement is in scope for this run (audience and device family opt-ins). */
export function inScope(req: { audience?: string; devices?: string[] }, ctx: RuleContext): boolean {
  if (req.audience && req.audience !== 'phones' && !ctx.audiences.has(req.audience as never)) return false;
  if (req.devices && req.devices.length > 0 && !req.devices.some((d) => ctx.devices.has(d.toLowerCase()))) return false;
  return true;
}
