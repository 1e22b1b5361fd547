import { NO_ADDR, formatAddress, isV6, parseAddressSpec } from '../../src/model/address.js';
import type { PortSet } from '../../src/model/ports.js';
import type { Match, Policy } from '../../src/model/policy.js';
import type { SourceLocation } from '../../src/model/location.js';
import type { AddrSet } from '../../src/model/address.js';
import type { Profile } from '../../src/model/profile.js';
import type { Probe } from './probes.js';

/** An Internet host that is no provider's: unsolicited SIP comes from here. */
export const STRANGER = '198.51.100.77';
/** Where flows to "any Internet address" go. */
export const ANY_DEST = '198.51.100.10';

export interface PlanInput {
  profile: Profile;
  policy: Policy;
  phoneAddr: string;
  wanAddr: string;
  phonesCidr: string;
  pbx?: string;
}

export interface Plan {
  probes: Probe[];
  /** Addresses the provider namespace must own. */
  remote: string[];
  /** Port-forward listeners the provider routes to the router. */
  listeners: string[];
  /** Port-forward targets in the phones' network: the phone namespace owns them. */
  phoneExtras: string[];
  /** Requirements not probed, with why. */
  skipped: string[];
}

/** The first interval of an address set (lowest first). */
function firstInterval(s: AddrSet | undefined): readonly [bigint, bigint] | undefined {
  for (const iv of s?.intervals() ?? []) return iv;
  return undefined;
}

/** The first usable IPv4 host of a CIDR (the address itself for a /31 or /32). */
export function firstHost(cidr: string): string | undefined {
  const first = firstInterval(parseAddressSpec(cidr));
  if (!first || isV6(first[0])) return undefined;
  const [lo, hi] = first;
  return formatAddress(hi - lo >= 2n ? lo + 1n : lo);
}

function pickPorts(ports: readonly string[] | undefined): number[] {
  const out = new Set<number>();
  for (const r of ports?.length ? ports : ['1-65535']) {
    const [a = 0, b = a] = r.split('-').map(Number);
    out.add(a);
    out.add(Math.floor((a + b) / 2));
    out.add(b);
  }
  return [...out].filter((p) => p > 0);
}

function destinations(profile: Profile, remote: Profile['flows'][number]['remote'], pbx?: string): string[] {
  const out: string[] = [];
  for (const n of remote.networks ?? []) {
    const c = profile.networks[n]?.cidrs.map(firstHost).find((x) => x);
    if (c) out.push(c);
  }
  for (const c of remote.cidrs ?? []) {
    const h = firstHost(c);
    if (h) out.push(h);
  }
  if (remote.any) out.push(ANY_DEST);
  if (remote.pbx && pbx) out.push(pbx);
  return [...new Set(out)];
}

/**
 * The probes for one ruleset and profile: every required outbound TCP/UDP flow of the phones
 * (first, middle and last port of each range, one destination per provider network), a reply to
 * each UDP one and its timeout, ICMP echo to the WAN address, and unsolicited SIP to every port-forward.
 */
export function plan(input: PlanInput): Plan {
  const { profile, policy } = input;
  const probes: Probe[] = [];
  const skipped: string[] = [];
  const byKey = new Map<string, Probe>();
  let sport = 40000;
  for (const f of profile.flows) {
    if (f.direction !== 'outbound') continue;
    if (f.audience !== 'phones' || f.devices?.length) continue;
    const protos = f.protocol === 'tcp/udp' ? ['tcp', 'udp'] : [f.protocol];
    if (!protos.every((p) => p === 'tcp' || p === 'udp')) {
      skipped.push(`${f.id} (protocol ${f.protocol})`);
      continue;
    }
    const dsts = destinations(profile, f.remote, input.pbx);
    if (dsts.length === 0) {
      skipped.push(`${f.id} (${f.remote.hostnames ? 'hostnames only' : 'no address'})`);
      continue;
    }
    for (const proto of protos)
      for (const dst of dsts)
        for (const dport of pickPorts(f.ports)) {
          const key = `${proto} ${dst} ${dport}`;
          const seen = byKey.get(key);
          if (seen) {
            seen.why.push(f.id);
            continue;
          }
          const p: Probe = { kind: 'out', proto, src: input.phoneAddr, sport: sport++, dst, dport, why: [f.id] };
          byKey.set(key, p);
          probes.push(p);
        }
  }
  for (const o of [...probes]) {
    if (o.proto !== 'udp') continue;
    const r: Probe = {
      kind: 'reply',
      proto: 'udp',
      src: o.dst,
      sport: o.dport,
      dst: o.src,
      dport: o.sport,
      why: [],
      of: o,
    };
    probes.push(r, { ...r, kind: 'timeout', of: o });
  }
  const remote = new Set(probes.filter((p) => p.kind === 'out').map((p) => p.dst));
  const pinger = [...remote].find((a) => a !== ANY_DEST) ?? STRANGER;
  probes.push({
    kind: 'ping',
    proto: 'icmp',
    src: pinger,
    sport: 0,
    dst: input.wanAddr,
    dport: 0,
    why: ['icmp-from-wan'],
  });
  remote.add(STRANGER);
  // Unsolicited SIP from a stranger: to the WAN address on 5060, and to every port-forward's listener.
  const listeners = new Set<string>([input.wanAddr]);
  const phoneExtras = new Set<string>();
  const fwd = new Map<string, Probe>();
  const addForward = (proto: 'udp' | 'tcp', dst: string, dport: number, why: string): void => {
    const key = `${proto} ${dst} ${dport}`;
    const seen = fwd.get(key);
    if (seen) return void seen.why.push(why);
    const p: Probe = { kind: 'forward', proto, src: STRANGER, sport: 5060 + fwd.size, dst, dport, why: [why] };
    fwd.set(key, p);
    probes.push(p);
  };
  addForward('udp', input.wanAddr, 5060, 'sip');
  const phones = parseAddressSpec(input.phonesCidr);
  for (const d of portForwards(policy)) {
    // The listener: the rule's public address when it names one host, else the WAN address.
    const only = d.match.dst ? [...d.match.dst.intervals()] : [];
    const one = only.length === 1 && only[0] && only[0][0] === only[0][1] ? firstV4(d.match.dst ?? NO_ADDR) : undefined;
    const wan = firstInterval(parseAddressSpec(input.wanAddr))?.[0];
    const dst = one ?? (!d.match.dst || (wan !== undefined && d.match.dst.has(wan)) ? input.wanAddr : undefined);
    if (!dst) continue;
    const protos = d.match.proto;
    const proto = !protos || protos.has(17) ? 'udp' : protos.has(6) ? 'tcp' : undefined;
    if (!proto) continue;
    const dports = d.match.dport;
    const dport = !dports || dports.has(5060) ? 5060 : firstPort(dports);
    listeners.add(dst);
    const target = d.to ? firstV4(d.to) : undefined;
    if (target && phones?.has(firstInterval(parseAddressSpec(target))?.[0] ?? -1n) && target !== input.phoneAddr)
      phoneExtras.add(target);
    addForward(proto, dst, dport, `line ${d.loc.line}`);
  }
  return { probes, remote: [...remote], listeners: [...listeners], phoneExtras: [...phoneExtras], skipped };
}

function firstPort(s: PortSet): number {
  for (const [lo] of s.intervals()) return lo;
  return 5060;
}

function firstV4(s: NonNullable<ReturnType<typeof parseAddressSpec>>): string | undefined {
  for (const [lo] of s.intervals()) if (!isV6(lo)) return formatAddress(lo);
  return undefined;
}

/**
 * Every port-forward of the ruleset: the declared list (pf, FortiGate) and the dnat/redirect rules
 * of NAT chains (nftables keeps them in the ruleset's dnat stages). `to` is absent for a redirect.
 */
function portForwards(policy: Policy): { match: Match; to?: AddrSet; loc: SourceLocation }[] {
  const out: { match: Match; to?: AddrSet; loc: SourceLocation }[] = [];
  for (const d of policy.nat.dnat) if (d.action !== 'none') out.push({ match: d.match, to: d.to.addr, loc: d.loc });
  for (const c of Object.values(policy.ruleset.chains))
    for (const r of c.rules)
      if (r.action.kind === 'dnat')
        out.push({ match: r.match, loc: r.loc, ...(r.action.to.addr ? { to: r.action.to.addr } : {}) });
  return out;
}
