import {
  NO_ADDR,
  addrSet,
  dynamicAddress,
  parseAddress,
  parseAddressSpec,
  type AddrSet,
} from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Interface } from '../../src/model/policy.js';
import type { Ctx } from './context.js';
import { block, getSet, value, values, type Entry, type SetStmt } from './tree.js';
import { literal, nonEmpty } from '../toolkit/values.js';

/** One address the FortiGate owns on an interface, and whether `allowaccess` there lets ping in. */
export interface OwnAddress {
  addr: AddrSet;
  ping: boolean;
  /** The `allowaccess` / `ip6-allowaccess` statement that decides (absent: the empty default). */
  access?: SetStmt;
  access6?: boolean;
}

export interface IfaceInfo {
  name: string;
  entry: Entry;
  type: string;
  enabled: boolean;
  /** The address is obtained at run time (`mode dhcp` / `mode pppoe`): a placeholder stands in. */
  dynamic: boolean;
  own: OwnAddress[];
  model: Interface;
}

export interface Zone {
  name: string;
  members: string[];
  intrazone: boolean;
  /** `config system zone` entry (SD-WAN zones have none that matters). */
  entry?: Entry;
  kind: 'zone' | 'sdwan';
}

export interface ResolvedIfaces {
  /** undefined = any interface */
  set?: NameSet;
  unknown: string[];
}

export class Interfaces {
  readonly byName = new Map<string, IfaceInfo>();
  readonly zones = new Map<string, Zone>();
  readonly list: Interface[] = [];
  selfAddresses: AddrSet = NO_ADDR;
  /** Physical SD-WAN members (WAN hints for interfaces without a role). */
  sdwanMembers = new Set<string>();
  /** Roles are decided by `assignRoles` once the whole file is read (default routes come after the policies). */
  rolesPending = true;

  get(name: string): IfaceInfo | undefined {
    return this.byName.get(name);
  }

  /** Interface names behind a name used in a policy: `any`, a zone, an SD-WAN zone, or an interface. */
  resolve(names: string | readonly string[]): ResolvedIfaces {
    // Policies repeat the same interface lists: one NameSet per distinct list.
    const key = typeof names === 'string' ? names : names.join('\u0000');
    let hit = this.memo.get(key);
    if (!hit) {
      hit = this.compute(typeof names === 'string' ? [names] : names);
      this.memo.set(key, hit);
    }
    return hit;
  }

  private readonly memo = new Map<string, ResolvedIfaces>();

  private compute(names: readonly string[]): ResolvedIfaces {
    const out = new Set<string>();
    const unknown: string[] = [];
    for (const raw of names) {
      const name = raw.trim();
      if (name === '') continue;
      if (name.toLowerCase() === 'any') return { set: undefined, unknown };
      const zone = this.zones.get(name);
      if (zone) {
        for (const m of zone.members) out.add(m);
        continue;
      }
      if (!this.byName.has(name)) unknown.push(name);
      // Interfaces the file does not define (IPsec tunnels of phase1-interface, other VDOMs) keep
      // their name: no flow enters or leaves there, which is what a missing interface means.
      out.add(name);
    }
    return { set: NameSet.of(out), unknown };
  }
}

function hostSet(ip: string): AddrSet | undefined {
  const a = parseAddress(ip);
  return a === undefined ? undefined : addrSet([[a, a]]);
}

/** `set ip 10.20.0.1 255.255.255.0` or `set ip 10.20.0.1/24`: the network and the host address. */
export function ipAndMask(vals: readonly string[]): { net: AddrSet; host: AddrSet } | undefined {
  if (vals.length === 0) return undefined;
  const [a = '', b] = vals;
  let ip: string;
  let spec: string;
  if (b !== undefined) {
    ip = a;
    spec = `${a}/${b}`;
  } else {
    ip = a.split('/')[0] ?? a;
    spec = a;
  }
  if (ip === '0.0.0.0' || ip === '::') return undefined;
  const net = parseAddressSpec(spec);
  const host = hostSet(ip);
  if (!net || !host) return undefined;
  return { net, host };
}

const TUNNELISH = new Set(['tunnel', 'loopback', 'vdom-link', 'ssl', 'wl-mesh']);

/** Interfaces of the firewall (`config system interface`, global in multi-VDOM files), zones and SD-WAN zones. */
export function readInterfaces(ctx: Ctx): Interfaces {
  const table = new Interfaces();
  const sec = ctx.globalSection('system interface');
  table.sdwanMembers = readSdwan(ctx, table);
  const loopback = literal(parseAddress('127.0.0.1'), '127.0.0.1');
  let self: AddrSet = addrSet([[loopback, loopback]]);
  for (const entry of sec?.entries.values() ?? []) {
    // Multi-VDOM: each VDOM owns the interfaces whose `vdom` names it (default root).
    if (ctx.multiVdom && ctx.scope.vdom !== undefined && (value(entry, 'vdom') ?? 'root') !== ctx.scope.vdom) continue;
    const name = entry.key;
    const type = (value(entry, 'type') ?? 'physical').toLowerCase();
    const enabled = (value(entry, 'status') ?? 'up').toLowerCase() !== 'down';
    const mode = (value(entry, 'mode') ?? 'static').toLowerCase();
    const access = getSet(entry, 'allowaccess');
    const own: OwnAddress[] = [];
    let networks = NO_ADDR;
    let addresses = NO_ADDR;
    let dynamic = false;
    const pingIn = (s: SetStmt | undefined) => !!s?.values.some((v) => v.toLowerCase() === 'ping');
    const ip = ipAndMask(values(entry, 'ip'));
    if (mode === 'dhcp' || mode === 'pppoe') {
      // Learned at run time (DHCP/PPPoE): a placeholder stands in for the one address (model/address.ts).
      // allowaccess (default empty, docs/semantics.md#fgt-defaults) decides ping to it (local-in.ts).
      dynamic = true;
      const ph = dynamicAddress(ctx.nextDynamic());
      addresses = addresses.union(ph);
      own.push({ addr: ph, ping: pingIn(access), ...(access ? { access } : {}) });
    } else if (ip) {
      // A tunnel's or loopback's own address has no hosts behind it: no attached network.
      if (!TUNNELISH.has(type)) networks = networks.union(ip.net);
      addresses = addresses.union(ip.host);
      own.push({ addr: ip.host, ping: pingIn(access), ...(access ? { access } : {}) });
    }
    // Secondary addresses: `set secondary-IP enable` + `config secondaryip`, each with its own allowaccess.
    const secondary = block(entry, 'secondaryip');
    if (secondary && (value(entry, 'secondary-IP') ?? 'disable').toLowerCase() === 'enable') {
      for (const s of secondary.entries.values()) {
        const sip = ipAndMask(values(s, 'ip'));
        if (!sip) continue;
        networks = networks.union(sip.net);
        addresses = addresses.union(sip.host);
        const sAccess = getSet(s, 'allowaccess');
        own.push({ addr: sip.host, ping: pingIn(sAccess), ...(sAccess ? { access: sAccess } : {}) });
      }
    }
    const v6 = block(entry, 'ipv6');
    if (v6) {
      const access6 = getSet(v6, 'ip6-allowaccess');
      const a6 = ipAndMask(values(v6, 'ip6-address'));
      if (a6) {
        networks = networks.union(a6.net);
        addresses = addresses.union(a6.host);
        own.push({ addr: a6.host, ping: pingIn(access6), ...(access6 ? { access: access6 } : {}), access6: true });
      }
      for (const x of block(v6, 'ip6-extra-addr')?.entries.values() ?? []) {
        const ex = ipAndMask([x.key]);
        if (!ex) continue;
        networks = networks.union(ex.net);
        addresses = addresses.union(ex.host);
        own.push({ addr: ex.host, ping: pingIn(access6), ...(access6 ? { access: access6 } : {}), access6: true });
      }
      const mode6 = (value(v6, 'ip6-mode') ?? 'static').toLowerCase();
      if (mode6 === 'dhcp' || mode6 === 'pppoe') {
        const ph = dynamicAddress(ctx.nextDynamic(), true);
        addresses = addresses.union(ph);
        own.push({ addr: ph, ping: pingIn(access6), ...(access6 ? { access: access6 } : {}), access6: true });
      }
    }

    // The role is set by assignRoles (the key stays in its place).
    const model: Interface = { name, role: 'unknown', networks, addresses, enabled, loc: ctx.loc(entry) };
    const descr = nonEmpty(value(entry, 'alias')) ?? value(entry, 'description');
    if (descr) model.description = descr;
    const vlan = Number(value(entry, 'vlanid'));
    if (Number.isInteger(vlan) && vlan > 0) model.vlan = vlan;
    table.byName.set(name, { name, entry, type, enabled, dynamic, own, model });
    table.list.push(model);
    if (enabled) self = self.union(addresses);
  }
  table.selfAddresses = self;
  readZones(ctx, table);
  return table;
}

/**
 * Sets every interface's role. It reads `config router static`, which full configurations write after
 * the policies, so it runs when the whole file has been read (policies never read roles).
 */
export function assignRoles(ctx: Ctx, table: Interfaces): void {
  if (!table.rolesPending) return;
  table.rolesPending = false;
  const wanHints = defaultRouteDevices(ctx);
  for (const info of table.byName.values()) {
    const mode = (value(info.entry, 'mode') ?? 'static').toLowerCase();
    // A disabled interface carries no traffic; it is no WAN for the checks.
    let role = roleOf(info.entry, info.type, mode, wanHints, table.sdwanMembers);
    if (!info.enabled && role === 'wan') role = 'unknown';
    info.model.role = role;
  }
}

/**
 * `set role wan|lan|dmz` decides (FortiOS 6.0+; the lead's brief: role wan / mode dhcp|pppoe decide WAN).
 * Without a role (older versions, `undefined`), an interface is a WAN when the default route or
 * SD-WAN uses it, when it learns its address by DHCP or PPPoE, or when it carries the factory WAN
 * name (wan, wan1, wan2). These fallbacks are fwlint's heuristics, not documented vendor behaviour.
 */
function roleOf(
  entry: Entry,
  type: string,
  mode: string,
  wanHints: Set<string>,
  sdwan: Set<string>,
): Interface['role'] {
  const role = (value(entry, 'role') ?? 'undefined').toLowerCase();
  if (role === 'wan') return 'wan';
  if (role === 'lan' || role === 'dmz') return 'lan';
  if (TUNNELISH.has(type)) return 'unknown';
  if ((value(entry, 'dedicated-to') ?? '').toLowerCase() === 'management') return 'unknown';
  if (
    wanHints.has(entry.key) ||
    sdwan.has(entry.key) ||
    mode === 'dhcp' ||
    mode === 'pppoe' ||
    /^wan\d*$/i.test(entry.key)
  )
    return 'wan';
  return 'lan';
}

/** Devices of default routes (`config router static` entries without `dst`, or 0.0.0.0/0). */
function defaultRouteDevices(ctx: Ctx): Set<string> {
  const out = new Set<string>();
  for (const r of ctx.section('router static')?.entries.values() ?? []) {
    if ((value(r, 'status') ?? 'enable').toLowerCase() === 'disable') continue;
    const dst = values(r, 'dst');
    const isDefault =
      dst.length === 0 ||
      (dst[0] === '0.0.0.0' && (dst[1] === undefined || dst[1] === '0.0.0.0')) ||
      dst[0] === '0.0.0.0/0';
    const dev = value(r, 'device');
    if (isDefault && dev) out.add(dev);
  }
  return out;
}

/**
 * SD-WAN (`config system sdwan`, 6.x `config system virtual-wan-link`): members belong to the zone
 * `virtual-wan-link` unless `set zone` names another; policies name the zones.
 */
function readSdwan(ctx: Ctx, table: Interfaces): Set<string> {
  const members = new Set<string>();
  for (const path of ['system sdwan', 'system virtual-wan-link']) {
    const sec = ctx.section(path);
    if (!sec) continue;
    const zones = new Map<string, string[]>();
    zones.set('virtual-wan-link', []);
    for (const z of block(sec, 'zone')?.entries.values() ?? []) if (!zones.has(z.key)) zones.set(z.key, []);
    for (const m of block(sec, 'members')?.entries.values() ?? []) {
      const iface = value(m, 'interface');
      if (!iface) continue;
      const zone = value(m, 'zone') ?? 'virtual-wan-link';
      let list = zones.get(zone);
      if (!list) zones.set(zone, (list = []));
      list.push(iface);
      // Tunnels in SD-WAN (overlays) are not Internet links.
      members.add(iface);
    }
    for (const [name, list] of zones) {
      if (table.zones.has(name)) continue;
      table.zones.set(name, { name, members: list, intrazone: false, kind: 'sdwan' });
    }
  }
  // Overlay members (IPsec tunnels) stay what their type says; only physical links count as WAN hints.
  const sec = ctx.globalSection('system interface');
  for (const m of [...members]) {
    const t = (value(sec?.entries.get(m), 'type') ?? 'physical').toLowerCase();
    if (TUNNELISH.has(t)) members.delete(m);
  }
  return members;
}

/** `config system zone`: a zone stands for its member interfaces; `intrazone allow` passes traffic between them. */
function readZones(ctx: Ctx, table: Interfaces): void {
  for (const z of ctx.section('system zone')?.entries.values() ?? []) {
    table.zones.set(z.key, {
      name: z.key,
      members: values(z, 'interface'),
      intrazone: (value(z, 'intrazone') ?? 'deny').toLowerCase() === 'allow',
      entry: z,
      kind: 'zone',
    });
  }
}
