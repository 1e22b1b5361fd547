import { NO_ADDR, parseAddressSpec } from '../../src/model/address.js';
import type { DhcpOption, DhcpServer, Inventory, NamedObject, WanHint } from '../../src/model/inventory.js';
import type { AddressLists } from './address-lists.js';
import type { Ctx } from './context.js';
import type { InterfaceTable } from './interfaces.js';
import { isYes, type Item, type Store } from './store.js';

/**
 * Site facts of a RouterOS export (docs/site-detection.md): address lists, DHCP servers with their
 * networks and option sets, and the uplink hints (default routes, DHCP/PPPoE clients, the WAN
 * interface list). Extraction only; src/site/ ranks them.
 */
export function readInventory(ctx: Ctx, store: Store, ifaces: InterfaceTable, lists: AddressLists): Inventory {
  return { objects: objects(ctx, lists), dhcp: dhcpServers(ctx, store, ifaces), wan: wanHints(ctx, store) };
}

function objects(ctx: Ctx, lists: AddressLists): NamedObject[] {
  const out: NamedObject[] = [];
  // Collected while the lists were built (each entry is read once).
  const { members, comments } = lists;
  for (const family of ['ip', 'ipv6'] as const)
    for (const l of lists.all(family)) {
      if (!l.span) continue;
      const o: NamedObject = {
        kind: 'address-list',
        name: l.name,
        addresses: l.set,
        members: members.get(l.name) ?? [],
        loc: ctx.loc(l.span),
      };
      const c = comments.get(l.name);
      if (c) o.description = c;
      out.push(o);
    }
  return out;
}

/** `/ip dhcp-server option` by name, and option sets by name (their option names). */
function optionTables(ctx: Ctx, store: Store): { byName: Map<string, DhcpOption>; sets: Map<string, string[]> } {
  const byName = new Map<string, DhcpOption>();
  for (const item of store.items('ip dhcp-server option')) {
    const name = item.get('name');
    const code = Number(item.get('code'));
    if (!name || !Number.isInteger(code)) continue;
    byName.set(name, { code, name, value: item.get('value') ?? '', loc: ctx.loc(item.span) });
  }
  const sets = new Map<string, string[]>();
  for (const item of store.items('ip dhcp-server option sets')) {
    const name = item.get('name');
    if (name) sets.set(name, splitList(item.get('options')));
  }
  return { byName, sets };
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function dhcpServers(ctx: Ctx, store: Store, ifaces: InterfaceTable): DhcpServer[] {
  const { byName, sets } = optionTables(ctx, store);
  const networks = store.items('ip dhcp-server network').filter((n) => !n.disabled);
  const pools = new Map(store.items('ip pool').map((p) => [p.get('name') ?? '', p] as const));
  const out: DhcpServer[] = [];
  for (const item of store.items('ip dhcp-server')) {
    if (item.disabled) continue;
    const iface = item.get('interface');
    const ifNets = iface ? (ifaces.byName.get(iface)?.networks ?? NO_ADDR) : NO_ADDR;
    const pool = pools.get(item.get('address-pool') ?? '');
    const poolSet = pool ? rangesOf(pool.get('ranges')) : NO_ADDR;
    // The DHCP network entry that lies on the server's interface (or holds its pool).
    const net = networks.find((n) => {
      const a = parseAddressSpec(n.get('address') ?? '');
      return a !== undefined && ((!ifNets.isEmpty && a.overlaps(ifNets)) || (!poolSet.isEmpty && a.overlaps(poolSet)));
    });
    const optionSets = [item.get('dhcp-option-set'), net?.get('dhcp-option-set')].filter((s): s is string => !!s);
    const optionNames = [...splitList(item.get('dhcp-option')), ...splitList(net?.get('dhcp-option'))];
    for (const s of optionSets) optionNames.push(...(sets.get(s) ?? []));
    const options = [...new Set(optionNames)].map((n) => byName.get(n)).filter((o): o is DhcpOption => !!o);
    const network = (net && parseAddressSpec(net.get('address') ?? '')) ?? (poolSet.isEmpty ? ifNets : poolSet);
    const server: DhcpServer = {
      name: item.get('name') ?? `dhcp on ${iface ?? '?'}`,
      network,
      options,
      optionSets: [...new Set(optionSets)],
      loc: ctx.loc(item.span),
    };
    if (iface) server.iface = iface;
    const comment = item.get('comment');
    if (comment) server.description = comment;
    out.push(server);
  }
  return out;
}

function rangesOf(v: string | undefined) {
  let acc = NO_ADDR;
  for (const r of splitList(v)) acc = acc.union(parseAddressSpec(r) ?? NO_ADDR);
  return acc;
}

function wanHints(ctx: Ctx, store: Store): WanHint[] {
  const out: WanHint[] = [];
  for (const family of ['ip', 'ipv6'] as const)
    for (const item of store.items(`${family} route`)) {
      if (item.disabled) continue;
      const dst = item.get('dst-address');
      if (dst !== undefined && dst !== '0.0.0.0/0' && dst !== '::/0') continue;
      const table = item.get('routing-table') ?? item.get('routing-mark');
      if (table && table !== 'main') continue;
      for (const g of splitList(item.get('gateway'))) {
        const [host, scope] = g.split('%');
        const isAddr = parseAddressSpec(host ?? '') !== undefined;
        const hint: WanHint = { kind: 'default-route', reason: `default route via ${g}`, loc: ctx.loc(item.span) };
        if (isAddr) hint.gateway = host;
        const iface = scope ?? (isAddr ? undefined : host);
        if (iface) hint.iface = iface;
        out.push(hint);
      }
    }
  const client = (item: Item, kind: WanHint['kind'], what: string, iface: string | undefined) => {
    if (item.disabled || !iface) return;
    if (item.get('add-default-route')?.toLowerCase() === 'no') return;
    out.push({ kind, iface, reason: `${what} on ${iface}`, loc: ctx.loc(item.span) });
  };
  for (const item of store.items('ip dhcp-client')) client(item, 'dhcp-client', 'DHCP client', item.get('interface'));
  for (const item of store.items('interface pppoe-client'))
    if (isYes(item.get('add-default-route')))
      client(item, 'pppoe-client', 'PPPoE client adding the default route', item.get('name'));
  for (const item of store.items('interface list member')) {
    const list = item.get('list');
    const iface = item.get('interface');
    if (item.disabled || !iface || list?.toLowerCase() !== 'wan') continue;
    out.push({
      kind: 'interface-list',
      iface,
      reason: `member of the interface list ${list}`,
      loc: ctx.loc(item.span),
    });
  }
  return out;
}
