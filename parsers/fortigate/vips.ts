import { NO_ADDR, addrSet, parseAddress, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { DnatRule, Match } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet, type PortSet, type ProtoSet } from '../../src/model/ports.js';
import type { Ctx } from './context.js';
import type { Interfaces } from './interfaces.js';
import { serviceBoxes, type Services } from './services.js';
import { getSet, value, values, type Entry } from './tree.js';

/** A virtual IP as the model needs it: the DNAT it performs and what a policy naming it matches after translation. */
export interface Vip {
  name: string;
  entry: Entry;
  dnat: DnatRule;
  /** Translated destination addresses: what a policy with this VIP as dstaddr matches. */
  mapped: AddrSet;
  /** Translated protocol and ports (port forwards), or undefined for every protocol/port. */
  proto?: ProtoSet;
  mappedPorts?: PortSet;
}

const VIP_PROTO: Record<string, number> = { tcp: PROTO.tcp, udp: PROTO.udp, sctp: PROTO.sctp, icmp: PROTO.icmp };

function rangeSet(text: string): AddrSet | undefined {
  const t = text.trim();
  if (t.includes('-') && !t.includes('/')) {
    const [a = '', b = ''] = t.split('-');
    const lo = parseAddress(a.trim());
    const hi = parseAddress(b.trim());
    if (lo === undefined || hi === undefined || lo > hi) return undefined;
    return addrSet([[lo, hi]]);
  }
  return parseAddressSpec(t.includes(' ') ? t.replace(/\s+/, '/') : t);
}

function portRange(text: string | undefined): [number, number] | undefined {
  if (text === undefined) return undefined;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text.trim());
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi && hi <= 65535 ? [lo, hi] : undefined;
}

/**
 * `config firewall vip` and `vipgrp` (docs/semantics.md#fgt-objects): static NAT (portforward disable: every
 * protocol and port of extip maps to mappedip) and port forwards (protocol default tcp, extport →
 * mappedport, a range keeps its width); server-load-balance VIPs forward to their real servers.
 */
export class Vips {
  readonly byName = new Map<string, Vip>();
  readonly groups = new Map<string, string[]>();
  private readonly ctx: Ctx;

  constructor(ctx: Ctx, ifaces: Interfaces, services: Services) {
    this.ctx = ctx;
    for (const e of ctx.section('firewall vip')?.entries.values() ?? []) {
      const v = this.read(e, ifaces, services);
      if (v) this.byName.set(e.key, v);
    }
    for (const g of ctx.section('firewall vipgrp')?.entries.values() ?? []) this.groups.set(g.key, values(g, 'member'));
    for (const sec of ['firewall vip6', 'firewall vip46', 'firewall vip64']) {
      for (const e of ctx.section(sec)?.entries.values() ?? []) {
        ctx.unsupportedHead(
          e,
          `${sec} "${e.key}"`,
          `${sec.slice(9).toUpperCase()} virtual IPs are not modeled: destination NAT it performs is not evaluated`,
        );
      }
    }
  }

  has(name: string): boolean {
    return this.byName.has(name) || this.groups.has(name);
  }

  /** The VIPs behind a name (a VIP or a VIP group). */
  expand(name: string): Vip[] {
    const v = this.byName.get(name);
    if (v) return [v];
    const out: Vip[] = [];
    for (const m of this.groups.get(name) ?? []) {
      const x = this.byName.get(m);
      if (x) out.push(x);
    }
    return out;
  }

  private read(e: Entry, ifaces: Interfaces, services: Services): Vip | undefined {
    const ctx = this.ctx;
    const type = (value(e, 'type') ?? 'static-nat').toLowerCase();
    const label = `VIP "${e.key}"`;
    if (type !== 'static-nat' && type !== 'server-load-balance' && type !== 'load-balance') {
      ctx.unsupportedAt(
        getSet(e, 'type') ?? e,
        `firewall vip "${e.key}" type ${type}`,
        `virtual IP type "${type}" is not modeled; the destination NAT it performs is not evaluated`,
      );
      return undefined;
    }
    const extText = value(e, 'extip') ?? '0.0.0.0';
    const ext = rangeSet(extText);
    if (!ext) {
      ctx.unsupportedAt(
        getSet(e, 'extip') ?? e,
        `firewall vip "${e.key}" extip`,
        `extip "${extText}" is not understood; the VIP is not evaluated`,
      );
      return undefined;
    }
    const match: Match = {};
    const ifr = ifaces.resolve(values(e, 'extintf').length ? values(e, 'extintf') : ['any']);
    if (ifr.set) match.iif = ifr.set;
    if (extText !== '0.0.0.0') match.dst = ext;
    else
      ctx.note(
        `${ctx.where(e)}: ${label} has extip 0.0.0.0: it is taken to match any destination address arriving on ` +
          `${values(e, 'extintf').join(', ') || 'any interface'} (docs/semantics.md#fgt-objects; uncertain)`,
      );
    const srcFilter = values(e, 'src-filter');
    if (srcFilter.length) {
      let src = NO_ADDR;
      for (const s of srcFilter) {
        const r = rangeSet(s);
        if (r) src = src.union(r);
        else
          ctx.unsupportedAt(
            getSet(e, 'src-filter') ?? e,
            `firewall vip "${e.key}" src-filter ${s}`,
            'source filter entry not understood; it is left out',
          );
      }
      match.src = src;
    }

    // Mapped addresses: static NAT / port forward use mappedip; load balancers their real servers.
    let mapped = NO_ADDR;
    let firstMappedPort: number | undefined;
    let realPorts: PortSet | undefined;
    if (type === 'static-nat') {
      for (const m of values(e, 'mappedip')) {
        const r = rangeSet(m);
        if (r) mapped = mapped.union(r);
      }
    } else {
      const servers = [...(e.blocks.get('realservers')?.entries.values() ?? [])].filter(
        (r) => (value(r, 'status') ?? 'active') !== 'disable',
      );
      for (const r of servers) {
        const a = rangeSet(value(r, 'ip') ?? '');
        if (a) mapped = mapped.union(a);
        const p = Number(value(r, 'port') ?? '0');
        if (p > 0) {
          firstMappedPort ??= p;
          realPorts = (realPorts ?? portSet([])).union(portSet([[p, p]]));
        }
      }
      ctx.note(
        `${ctx.where(e)}: ${label} balances load over ${servers.length} real server(s); all of them are taken as the forward's target`,
      );
    }
    if (mapped.isEmpty) {
      ctx.unsupportedAt(
        getSet(e, 'mappedip') ?? e,
        `firewall vip "${e.key}" mappedip`,
        'the VIP maps to no usable address; it is not evaluated',
      );
      return undefined;
    }

    const portforward = (value(e, 'portforward') ?? 'disable').toLowerCase() === 'enable' || type !== 'static-nat';
    let proto: ProtoSet | undefined;
    let mappedPorts: PortSet | undefined;
    const to: DnatRule['to'] = { addr: mapped };
    const svcNames = values(e, 'service');
    if (portforward) {
      // docs/semantics.md#fgt-objects: protocol default tcp when portforward is enabled.
      const pName = (value(e, 'protocol') ?? 'tcp').toLowerCase();
      const pNum = VIP_PROTO[pName];
      proto = protoSet([pNum ?? PROTO.tcp]);
      match.proto = proto;
      const ext = portRange(value(e, 'extport'));
      if (ext && pNum !== PROTO.icmp) {
        match.dport = portSet([ext]);
        const mp =
          portRange(value(e, 'mappedport')) ??
          (firstMappedPort !== undefined ? [firstMappedPort, firstMappedPort + ext[1] - ext[0]] : ext);
        to.port = mp[0];
        // A range keeps its width: extport a-b maps onto mappedport c-(c+b-a).
        mappedPorts = realPorts ?? portSet([[mp[0], Math.min(65535, mp[0] + (ext[1] - ext[0]))]]);
      } else if (!ext && pNum !== PROTO.icmp && value(e, 'extport') !== undefined) {
        ctx.unsupportedAt(
          getSet(e, 'extport') ?? e,
          `firewall vip "${e.key}" extport`,
          'extport is not understood; every port is taken to be forwarded',
        );
      }
    } else if (svcNames.length) {
      // 6.4+: a static-NAT VIP limited to services.
      const boxes = serviceBoxes(services.resolveAll(svcNames).parts);
      const [box] = boxes;
      if (boxes.length === 1 && box) {
        if (box.proto) match.proto = proto = box.proto;
        if (box.dport) match.dport = mappedPorts = box.dport;
      } else if (boxes.length > 1) {
        ctx.unsupportedAt(
          getSet(e, 'service') ?? e,
          `firewall vip "${e.key}" service`,
          'a VIP limited to several protocols with different ports is evaluated as forwarding every protocol and port',
        );
      }
    }
    if ((value(e, 'nat-source-vip') ?? 'disable').toLowerCase() === 'enable') {
      ctx.note(
        `${ctx.where(e)}: ${label} has nat-source-vip enable: traffic from ${values(e, 'mappedip').join(', ')} leaves ` +
          `with the external address; this source NAT is not modeled`,
      );
    }
    const text =
      `vip ${e.key} ${values(e, 'extintf').join(',') || 'any'} ` +
      `${extText}${match.dport ? `:${value(e, 'extport')}` : ''} -> ` +
      `${values(e, 'mappedip').join(',')}${to.port !== undefined ? `:${to.port}` : ''}${proto ? ` ${value(e, 'protocol') ?? 'tcp'}` : ''}`;
    const dnat: DnatRule = { id: `vip:${e.key}`, loc: ctx.loc(e), label, match, to, bypassFilter: false, text };
    const comment = value(e, 'comment');
    if (comment) dnat.comment = comment;
    const v: Vip = { name: e.key, entry: e, dnat, mapped };
    if (proto) v.proto = proto;
    if (mappedPorts) v.mappedPorts = mappedPorts;
    return v;
  }
}
