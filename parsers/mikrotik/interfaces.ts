import {
  NO_ADDR,
  addrSet,
  dynamicAddress,
  isV6,
  parseAddress,
  parseAddressSpec,
  type AddrSet,
} from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Interface } from '../../src/model/policy.js';
import type { Ctx, Span } from './context.js';
import { isYes, type Item, type Store } from './store.js';

/**
 * Interfaces (`/interface <type>`), interface lists and their members, `/ip address` and
 * `/ipv6 address` (which give each network its interface), DHCP and PPP clients (whose addresses
 * are learned at run time: model/address.ts placeholders), and the WAN/LAN roles.
 */

/** `/interface <type>` menus whose entries are not interfaces. */
const NOT_INTERFACE_TYPES = new Set(['list']);
/** Interface types that get their own address at run time (PPP-style clients, LTE). */
const DIALUP_TYPES = new Set(['pppoe-client', 'l2tp-client', 'pptp-client', 'sstp-client', 'ovpn-client', 'lte']);
/** RouterOS wireless interfaces are disabled unless the export says `disabled=no`. */
const DISABLED_BY_DEFAULT = new Set(['wireless']);
/** Built-in interface lists (not in exports). */
const BUILTIN_LISTS = new Set(['all', 'none', 'dynamic', 'static']);

export interface IfaceInfo {
  name: string;
  type: string;
  item?: Item;
  span: Span;
  enabled: boolean;
  networks: AddrSet;
  addresses: AddrSet;
  dynamic4: boolean;
  defaultName?: string;
  comment?: string;
  vlanId?: number;
  /** Why it was taken as a WAN interface. */
  wanBecause?: string;
  model?: Interface;
}

interface ListDef {
  name: string;
  members: Set<string>;
  include: string[];
  exclude: string[];
  span?: Span;
}

/** A resolved interface or interface-list reference. */
export interface IfRef {
  set: NameSet;
  /** Set when membership is unknown offline (undefined list, the dynamic list). */
  opaque?: string;
}

export class InterfaceTable {
  readonly byName = new Map<string, IfaceInfo>();
  readonly lists = new Map<string, ListDef>();
  /** Bridge port → bridge. */
  readonly bridgePort = new Map<string, string>();
  readonly list: Interface[] = [];
  /** The router's own addresses (all interfaces, incl. run-time placeholders and loopback). */
  self4: AddrSet = NO_ADDR;
  self6: AddrSet = NO_ADDR;
  private listCache = new Map<string, IfRef>();

  /**
   * Members of an interface list, including lists it includes, minus excluded ones. `seen`: the lists
   * being resolved (made on the first include, not per call: every rule naming a list asks here).
   */
  listMembers(name: string, seen?: Set<string>): IfRef {
    const cached = this.listCache.get(name);
    if (cached) return cached;
    const lower = name.toLowerCase();
    let ref: IfRef;
    if (lower === 'all' && !this.lists.has(name)) ref = { set: NameSet.ANY };
    else if (lower === 'none' && !this.lists.has(name)) ref = { set: NameSet.NONE };
    else if (lower === 'static' && !this.lists.has(name))
      ref = { set: NameSet.ANY, opaque: 'the built-in list "static" (every interface not created at run time)' };
    else if (lower === 'dynamic' && !this.lists.has(name))
      ref = {
        set: NameSet.NONE,
        opaque: 'the built-in list "dynamic" (interfaces created at run time, e.g. PPP sessions)',
      };
    else {
      const def = this.lists.get(name);
      if (!def) ref = { set: NameSet.NONE, opaque: `interface list "${name}" is not defined in the export` };
      else if (seen?.has(name) === true) ref = { set: NameSet.NONE };
      else {
        seen ??= new Set<string>();
        seen.add(name);
        let set = NameSet.of(def.members);
        let opaque: string | undefined;
        for (const inc of def.include) {
          const r = this.listMembers(inc, seen);
          set = set.union(r.set);
          opaque ??= r.opaque;
        }
        for (const exc of def.exclude) set = set.subtract(this.listMembers(exc, seen).set);
        ref = opaque ? { set, opaque } : { set };
      }
    }
    this.listCache.set(name, ref);
    return ref;
  }

  get(name: string): IfaceInfo | undefined {
    return this.byName.get(name);
  }
}

function prefixOf(spec: string, v6default: number): { net: AddrSet; host: AddrSet } | undefined {
  const slash = spec.indexOf('/');
  const ip = slash >= 0 ? spec.slice(0, slash) : spec;
  const a = parseAddress(ip);
  if (a === undefined) return undefined;
  const len = slash >= 0 ? spec.slice(slash + 1) : isV6(a) ? String(v6default) : '32';
  const net = parseAddressSpec(`${ip}/${len}`);
  if (!net) return undefined;
  return { net, host: addrSet([[a, a]]) };
}

export function buildInterfaces(ctx: Ctx, store: Store): InterfaceTable {
  const table = new InterfaceTable();
  const ensure = (name: string, span: Span, type = 'unknown'): IfaceInfo => {
    let info = table.byName.get(name);
    if (!info) {
      info = { name, type, span, enabled: true, networks: NO_ADDR, addresses: NO_ADDR, dynamic4: false };
      table.byName.set(name, info);
    }
    return info;
  };

  // 1. Interfaces by type: `/interface ethernet`, `/interface vlan`, `/interface bridge`, ...
  for (const [path, menu] of store.menus) {
    const m = /^interface ([a-z0-9-]+)$/.exec(path);
    const type = m?.[1];
    if (type === undefined || NOT_INTERFACE_TYPES.has(type)) continue;
    for (const item of menu.items) {
      const name = item.get('name') ?? item.get('default-name');
      if (!name) continue;
      const info = ensure(name, item.span, type);
      info.type = type;
      info.item = item;
      info.span = item.span;
      const dis = item.get('disabled');
      info.enabled = dis === undefined ? !DISABLED_BY_DEFAULT.has(type) : !isYes(dis);
      const dn = item.get('default-name');
      if (dn && dn !== name) info.defaultName = dn;
      const comment = item.get('comment');
      // `comment=defconf` only marks what the default configuration created.
      if (comment && comment !== 'defconf') info.comment = comment;
      const vid = Number(item.get('vlan-id'));
      if (type === 'vlan' && Number.isInteger(vid) && vid > 0) info.vlanId = vid;
    }
  }
  // `/interface set ether1 comment=…` (the generic menu).
  for (const item of store.items('interface')) {
    const name = item.get('name') ?? item.get('default-name');
    if (!name) continue;
    const info = ensure(name, item.span);
    const comment = item.get('comment');
    if (comment) info.comment = comment;
    if (item.get('disabled') !== undefined) info.enabled = !item.disabled;
  }

  // 2. Lists and members.
  for (const item of store.items('interface list')) {
    const name = item.get('name');
    if (!name) continue;
    const split = (v?: string) =>
      v
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    table.lists.set(name, {
      name,
      members: new Set(),
      include: split(item.get('include')),
      exclude: split(item.get('exclude')),
      span: item.span,
    });
  }
  for (const item of store.items('interface list member')) {
    if (item.disabled) continue;
    const list = item.get('list');
    const iface = item.get('interface');
    if (!list || !iface) continue;
    let def = table.lists.get(list);
    if (!def && !BUILTIN_LISTS.has(list.toLowerCase())) {
      def = { name: list, members: new Set(), include: [], exclude: [] };
      table.lists.set(list, def);
    }
    def?.members.add(iface);
    ensure(iface, item.span);
  }
  for (const item of store.items('interface bridge port')) {
    const port = item.get('interface');
    const bridge = item.get('bridge');
    if (!port || !bridge || item.disabled) continue;
    table.bridgePort.set(port, bridge);
    ensure(port, item.span);
  }

  // 3. Addresses.
  for (const item of store.items('ip address')) {
    if (item.disabled) continue;
    const name = item.get('interface');
    const spec = item.get('address');
    if (!name || !spec) continue;
    const p = prefixOf(spec, 32);
    const first = p?.host.bounds[0];
    if (!p || first === undefined || isV6(first)) {
      ctx.note(`${ctx.where(item.span)}: /ip address "${spec}" is not an IPv4 address; ignored`);
      continue;
    }
    const info = ensure(name, item.span);
    info.networks = info.networks.union(p.net);
    info.addresses = info.addresses.union(p.host);
  }
  let dynamicCount = 0;
  for (const item of store.items('ipv6 address')) {
    if (item.disabled) continue;
    const name = item.get('interface');
    const spec = item.get('address');
    if (!name || !spec) continue;
    const info = ensure(name, item.span);
    if (item.get('from-pool')) {
      // The prefix comes from a DHCPv6-PD pool at run time.
      info.addresses = info.addresses.union(dynamicAddress(++dynamicCount, true));
      continue;
    }
    // RouterOS: an IPv6 address without a prefix length is a /64.
    const p = prefixOf(spec, 64);
    const first = p?.host.bounds[0];
    if (!p || first === undefined || !isV6(first)) continue;
    info.networks = info.networks.union(p.net);
    info.addresses = info.addresses.union(p.host);
  }
  const dhcp = new Map<string, Item>();
  for (const item of store.items('ip dhcp-client')) {
    if (item.disabled) continue;
    const name = item.get('interface');
    if (!name) continue;
    const info = ensure(name, item.span);
    // The address is learned at run time: one placeholder address stands for it (model/address.ts).
    if (!info.dynamic4) {
      info.addresses = info.addresses.union(dynamicAddress(++dynamicCount));
      info.dynamic4 = true;
    }
    dhcp.set(name, item);
  }
  for (const info of table.byName.values()) {
    if (DIALUP_TYPES.has(info.type) && info.enabled && !info.dynamic4) {
      info.addresses = info.addresses.union(dynamicAddress(++dynamicCount));
      info.dynamic4 = true;
    }
  }

  assignRoles(ctx, store, table, dhcp);

  let self4 = parseAddressSpec('127.0.0.1') ?? NO_ADDR;
  let self6 = parseAddressSpec('::1') ?? NO_ADDR;
  for (const info of table.byName.values()) {
    if (!info.enabled) continue;
    for (const [lo, hi] of info.addresses.intervals()) {
      if (isV6(lo)) self6 = self6.union(addrSet([[lo, hi]]));
      else self4 = self4.union(addrSet([[lo, hi]]));
    }
  }
  table.self4 = self4;
  table.self6 = self6;

  for (const info of table.byName.values()) {
    const role: Interface['role'] = info.wanBecause ? 'wan' : roleOf(table, info);
    const model: Interface = {
      name: info.name,
      role,
      networks: info.networks,
      addresses: info.addresses,
      enabled: info.enabled,
      loc: ctx.loc(info.span),
    };
    if (info.defaultName) model.device = info.defaultName;
    if (info.comment) model.description = info.comment;
    if (info.vlanId !== undefined) model.vlan = info.vlanId;
    info.model = model;
    table.list.push(model);
  }
  return table;
}

function lanMembers(table: InterfaceTable): NameSet {
  const name = [...table.lists.keys()].find((n) => n.toLowerCase() === 'lan');
  return name ? table.listMembers(name).set : NameSet.NONE;
}

function roleOf(table: InterfaceTable, info: IfaceInfo): Interface['role'] {
  const lan = lanMembers(table);
  if (lan.has(info.name)) return 'lan';
  return info.networks.isEmpty ? 'unknown' : 'lan';
}

/**
 * WAN interfaces: the members of the defconf list `WAN` (docs/semantics.md#ros-filter defconf); without
 * members there, the interfaces the export treats as uplinks: DHCP/PPP clients that add the default
 * route, the out-interface of masquerade/src-nat rules and the interface holding the default
 * route's gateway. Interfaces in the LAN list are never guessed to be WAN.
 */
function assignRoles(ctx: Ctx, store: Store, table: InterfaceTable, dhcp: Map<string, Item>): void {
  // docs/semantics.md#ros-filter defconf: `/interface list member add interface=ether1 list=WAN`.
  const wanListName = [...table.lists.keys()].find((n) => n.toLowerCase() === 'wan');
  const wanList = wanListName ? table.listMembers(wanListName).set : NameSet.NONE;
  if (!wanList.isEmpty && !wanList.negated) {
    for (const name of wanList.names) {
      const info = table.byName.get(name);
      if (info) info.wanBecause = `member of the interface list ${wanListName ?? ''}`;
    }
    return;
  }
  const lan = lanMembers(table);
  const mark = (name: string, why: string): void => {
    if (lan.has(name)) return;
    const info = table.byName.get(name);
    if (info && !info.wanBecause) info.wanBecause = why;
  };
  for (const [name, item] of dhcp) {
    if (item.get('add-default-route')?.toLowerCase() !== 'no') mark(name, 'DHCP client adds the default route');
  }
  for (const info of table.byName.values()) {
    if (DIALUP_TYPES.has(info.type) && info.enabled && isYes(info.item?.get('add-default-route')))
      mark(info.name, `${info.type} adds the default route`);
  }
  for (const family of ['ip', 'ipv6']) {
    for (const item of store.items(`${family} firewall nat`)) {
      if (item.disabled || item.get('chain') !== 'srcnat') continue;
      const action = item.get('action');
      if (action !== 'masquerade' && action !== 'src-nat') continue;
      const out = item.prop('out-interface');
      if (out && !out.negated) {
        if (!table.byName.has(out.value))
          table.byName.set(out.value, {
            name: out.value,
            type: 'unknown',
            span: item.span,
            enabled: true,
            networks: NO_ADDR,
            addresses: NO_ADDR,
            dynamic4: false,
          });
        mark(out.value, `out-interface of ${action} at line ${String(ctx.line(item.span.start))}`);
      }
      const outList = item.prop('out-interface-list');
      if (outList && !outList.negated) {
        const r = table.listMembers(outList.value);
        if (!r.set.negated)
          for (const n of r.set.names)
            mark(
              n,
              `member of ${outList.value}, the out-interface-list of ${action} at line ${String(ctx.line(item.span.start))}`,
            );
      }
    }
  }
  for (const item of store.items('ip route')) {
    if (item.disabled) continue;
    const dst = item.get('dst-address');
    if (dst !== undefined && dst !== '0.0.0.0/0') continue;
    const table_ = item.get('routing-table') ?? item.get('routing-mark');
    if (table_ && table_ !== 'main') continue;
    const gw = item.get('gateway');
    if (!gw) continue;
    for (const g of gw.split(',')) {
      const host = (g.split('%')[0] ?? '').trim();
      const a = parseAddress(host);
      if (a === undefined) {
        if (table.byName.has(host)) mark(host, 'the default route points at it');
        continue;
      }
      const one = addrSet([[a, a]]);
      for (const info of table.byName.values())
        if (info.networks.overlaps(one)) mark(info.name, `it holds the default route's gateway ${host}`);
    }
  }
  const found = [...table.byName.values()].filter((i) => i.wanBecause);
  if (found.length)
    ctx.noteWan(
      `WAN interfaces (no members in an interface list "WAN"): ${found.map((i) => `${i.name} (${i.wanBecause ?? ''})`).join(', ')}; ` +
        'pass --wan to choose',
    );
}
