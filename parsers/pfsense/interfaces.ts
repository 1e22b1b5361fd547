import {
  NO_ADDR,
  parseAddress,
  parseAddressSpec,
  addrSet,
  dynamicAddress,
  isV6,
  type AddrSet,
} from '../../src/model/address.js';
import type { Interface } from '../../src/model/policy.js';
import { NameSet } from '../../src/model/name-set.js';
import { Fields, child, type Ctx } from './context.js';
import type { XmlElement } from './xml.js';
import { literal, nonEmpty } from '../toolkit/values.js';

/** IPv4 `<ipaddr>` keywords whose address is obtained at run time; all of them give the interface a gateway (A.1). */
const DYNAMIC_V4 = new Set(['dhcp', 'pppoe', 'pptp', 'l2tp', 'ppp']);
/** Interface names pfSense/OPNsense create for VPN and PPP servers; their membership is not in the file. */
const SYSTEM_GROUPS = new Set(['openvpn', 'enc0', 'ipsec', 'l2tp', 'pppoe', 'wireguard', 'tailscale', 'zerotier']);

export interface IfaceInfo {
  key: string;
  el: XmlElement;
  enabled: boolean;
  device?: string;
  /** The IPv4 / IPv6 address is assigned at run time (dhcp, pppoe, track6...). */
  dynamic4: boolean;
  dynamic6: boolean;
  /** interface_has_gateway(): automatic outbound NAT translates out of this interface. */
  hasGateway: boolean;
  /** An OPNsense group-type or loopback/virtual entry rather than a port. */
  virtual: boolean;
  isGroup: boolean;
  networks: AddrSet;
  addresses: AddrSet;
  /** Subnets automatic outbound NAT treats as internal (IPv4 only, incl. DHCP alias and VIP subnets). */
  natSources: AddrSet;
  model: Interface;
}

export interface IfGroup {
  name: string;
  members: string[];
  sequence: number;
  el: XmlElement;
}

export interface RuleInterfaces {
  /** undefined = any interface */
  set?: NameSet;
  names: string[];
  /** Names that are not enabled interfaces, groups or VPN groups (the platform skips the rule). */
  missing: string[];
  /** VPN/system group names whose member interfaces are unknown offline. */
  opaque: string[];
}

export class InterfaceTable {
  readonly byKey = new Map<string, IfaceInfo>();
  readonly groups = new Map<string, IfGroup>();
  readonly list: Interface[] = [];
  selfAddresses: AddrSet = NO_ADDR;

  get(name: string): IfaceInfo | undefined {
    return this.byKey.get(name);
  }

  /** Enabled interface keys of a group, or undefined when `name` is no group. */
  groupMembers(name: string): string[] | undefined {
    const g = this.groups.get(name);
    if (!g) return undefined;
    return g.members.filter((m) => this.byKey.get(m)?.enabled);
  }

  isSystemGroup(name: string): boolean {
    return SYSTEM_GROUPS.has(name.toLowerCase()) && !this.byKey.has(name);
  }

  /** Resolutions by list (rules repeat a few interface lists): equal lists share one result and one NameSet. */
  private readonly resolved = new Map<string, RuleInterfaces>();

  /** Resolves a rule's `<interface>` list to model interface names (groups expand to members). Read-only result. */
  resolve(names: readonly string[]): RuleInterfaces {
    const key = names.join('\n');
    let r = this.resolved.get(key);
    if (!r) {
      r = this.resolveNow(names);
      if (this.resolved.size < 4096) this.resolved.set(key, r);
    }
    return r;
  }

  private resolveNow(names: readonly string[]): RuleInterfaces {
    const out = new Set<string>();
    const missing: string[] = [];
    const opaque: string[] = [];
    for (const raw of names) {
      const name = raw.trim();
      if (!name) continue;
      const info = this.byKey.get(name);
      if (info) {
        if (!info.enabled) missing.push(name);
        else {
          out.add(name);
          if (info.isGroup) opaque.push(name);
        }
        continue;
      }
      const members = this.groupMembers(name);
      if (members) {
        if (members.length === 0) missing.push(name);
        for (const m of members) out.add(m);
        continue;
      }
      if (SYSTEM_GROUPS.has(name.toLowerCase())) {
        out.add(name);
        opaque.push(name);
        continue;
      }
      missing.push(name);
    }
    return { set: out.size > 0 ? NameSet.of(out) : undefined, names: [...out], missing, opaque };
  }
}

function prefixed(ip: string, bits: string | undefined, width: number): AddrSet | undefined {
  const n = bits && /^\d{1,3}$/.test(bits) ? Number(bits) : width;
  return parseAddressSpec(`${ip}/${Math.min(n, width)}`);
}

function hostSet(ip: string): AddrSet | undefined {
  const a = parseAddress(ip);
  return a === undefined ? undefined : addrSet([[a, a]]);
}

export function parseInterfaces(ctx: Ctx): InterfaceTable {
  const table = new InterfaceTable();
  const root = ctx.root;

  // VLAN tags by device name (docs/semantics.md#pf-layout: the VLAN device is <parent>.<tag>).
  const vlanTags = new Map<string, number>();
  for (const v of child(root, 'vlans')?.children ?? []) {
    if (v.name !== 'vlan') continue;
    const f = new Fields(v);
    const tag = Number(f.str('tag'));
    if (!Number.isInteger(tag) || tag <= 0) continue;
    const vlanif = f.str('vlanif');
    if (vlanif) vlanTags.set(vlanif, tag);
    const parent = f.str('if');
    if (parent) vlanTags.set(`${parent}.${tag}`, tag);
  }

  // Virtual IPs (IP alias / CARP / proxy ARP) add addresses and subnets to their interface.
  const vips = new Map<string, { ip: string; bits?: string }[]>();
  for (const v of child(root, 'virtualip')?.children ?? []) {
    if (v.name !== 'vip') continue;
    const f = new Fields(v);
    const iface = f.str('interface');
    const ip = f.str('subnet');
    if (!iface || !ip) continue;
    const list = vips.get(iface) ?? [];
    list.push({ ip, bits: f.text('subnet_bits') });
    vips.set(iface, list);
  }

  const ifacesEl = child(root, 'interfaces');
  const legacyWanLan =
    ctx.platform === 'pfsense' && configVersionBelow(child(root, 'version')?.text.trim() ?? '', 6, 1);
  if (legacyWanLan)
    ctx.note(
      'config version predates 6.1: pfSense enables wan and lan when it upgrades such a file (upgrade_060_to_061)',
    );
  let self: AddrSet = addrSet([
    [literal(parseAddress('127.0.0.1'), '127.0.0.1'), literal(parseAddress('127.0.0.1'), '127.0.0.1')],
    [literal(parseAddress('::1'), '::1'), literal(parseAddress('::1'), '::1')],
  ]);
  let dynamicCount = 0;
  for (const el of ifacesEl?.children ?? []) {
    const f = new Fields(el);
    const key = el.name;
    const device = nonEmpty(f.text('if'));
    const descr = nonEmpty(f.text('descr'));
    const type = f.str('type').toLowerCase();
    const isGroup = type === 'group';
    const virtual = isGroup || ctx.flag(f, 'virtual') || device === 'lo0';
    // docs/semantics.md#pf-layout: pfSense `<enable>` is presence-based; OPNsense uses !empty().
    // Configs older than version 6.1 (pfSense 1.x) had no <enable> on wan/lan; the upgrade adds it.
    const enabled = ctx.flag(f, 'enable') || (legacyWanLan && (key === 'wan' || key === 'lan'));

    const ip4 = f.str('ipaddr');
    const ip6 = f.str('ipaddrv6');
    let networks = NO_ADDR;
    let addresses = NO_ADDR;
    let natSources = NO_ADDR;
    let dynamic4 = false;
    let dynamic6 = false;
    const a4 = parseAddress(ip4);
    if (a4 !== undefined && !isV6(a4)) {
      const net = prefixed(ip4, f.text('subnet'), 32);
      if (net) {
        networks = networks.union(net);
        natSources = natSources.union(net);
      }
      addresses = addresses.union(hostSet(ip4) ?? NO_ADDR);
    } else if (DYNAMIC_V4.has(ip4.toLowerCase())) {
      dynamic4 = true;
      addresses = addresses.union(dynamicAddress(++dynamicCount)); // see model/address.ts
    }
    const a6 = parseAddress(ip6);
    if (a6 !== undefined && isV6(a6)) {
      const net = prefixed(ip6, f.text('subnetv6'), 128);
      if (net) networks = networks.union(net);
      addresses = addresses.union(hostSet(ip6) ?? NO_ADDR);
    } else if (ip6 !== '' && ip6.toLowerCase() !== 'none') {
      dynamic6 = true;
      addresses = addresses.union(dynamicAddress(++dynamicCount, true));
    }
    const aliasAddr = f.str('alias-address');
    if (parseAddress(aliasAddr) !== undefined) {
      const net = prefixed(aliasAddr, f.text('alias-subnet'), 32);
      if (net) {
        networks = networks.union(net);
        natSources = natSources.union(net);
      }
      addresses = addresses.union(hostSet(aliasAddr) ?? NO_ADDR);
    }
    for (const vip of vips.get(key) ?? []) {
      const host = hostSet(vip.ip);
      if (!host) continue;
      addresses = addresses.union(host);
      const va = parseAddress(vip.ip);
      const v6 = va !== undefined && isV6(va);
      const net = prefixed(vip.ip, vip.bits, v6 ? 128 : 32);
      if (net && !net.isSubsetOf(networks)) {
        networks = networks.union(net);
        if (!v6) natSources = natSources.union(net);
      }
    }

    // interface_has_gateway() (docs/semantics.md#pf-layout): dhcp/pppoe/..., VPN devices, or a static <gateway>.
    const hasGateway =
      DYNAMIC_V4.has(ip4.toLowerCase()) ||
      (device !== undefined && (device.startsWith('ovpn') || device.startsWith('ipsec'))) ||
      f.str('gateway') !== '';
    const role: Interface['role'] = key === 'wan' || hasGateway ? 'wan' : virtual ? 'unknown' : 'lan';

    const model: Interface = {
      name: key,
      role,
      networks,
      addresses,
      enabled,
      loc: ctx.loc(el),
    };
    if (device) model.device = device;
    if (descr) model.description = descr;
    const tag = device ? vlanTags.get(device) : undefined;
    if (tag !== undefined) model.vlan = tag;

    const info: IfaceInfo = {
      key,
      el,
      enabled,
      dynamic4,
      dynamic6,
      hasGateway,
      virtual,
      isGroup,
      networks,
      addresses,
      natSources,
      model,
    };
    if (device) info.device = device;
    table.byKey.set(key, info);
    table.list.push(model);
    if (enabled) self = self.union(addresses);
  }
  table.selfAddresses = self;

  for (const g of child(root, 'ifgroups')?.children ?? []) {
    if (g.name !== 'ifgroupentry') continue;
    const f = new Fields(g);
    const name = f.str('ifname');
    if (!name) continue;
    const members = f
      .str('members')
      .split(/[\s,]+/)
      .filter(Boolean);
    const seq = Number(f.str('sequence'));
    table.groups.set(name, { name, members, sequence: Number.isFinite(seq) ? seq : 0, el: g });
  }
  return table;
}

/** `<version>` is the config format version ("2.9", "21.02", "23.3"). */
export function configVersionBelow(version: string, major: number, minor: number): boolean {
  const m = /^(\d+)\.(\d+)/.exec(version);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a < major || (a === major && b < minor);
}
