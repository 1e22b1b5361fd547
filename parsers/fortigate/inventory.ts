import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { DhcpOption, DhcpServer, Inventory, NamedObject, WanHint } from '../../src/model/inventory.js';
import { AddressObject } from './address-object.js';
import { AddressTable, type Addresses } from './addresses.js';
import type { Ctx } from './context.js';
import type { Interfaces } from './interfaces.js';
import { block, getSet, value, values, type Entry } from './tree.js';

/**
 * Site facts of one FortiGate firewall (a VDOM in multi-VDOM files; docs/site-detection.md): address
 * objects and groups, `config system dhcp server` entries with their options (66/150/160/43 and the
 * TFTP server), and the uplink hints (`set role wan`, SD-WAN members, default static routes, DHCP/PPPoE
 * interfaces). Extraction only; src/site/ ranks them.
 */
export function readInventory(ctx: Ctx, ifaces: Interfaces, addrs: Addresses): Inventory {
  return { objects: objects(ctx, addrs), dhcp: dhcp(ctx, ifaces), wan: wan(ctx, ifaces) };
}

function objects(ctx: Ctx, addrs: Addresses): NamedObject[] {
  let out = streamedObjects(ctx, addrs);
  if (!out) {
    out = [];
    readObjects(ctx, addrs, out, 'firewall address', 'address', 4, '');
  }
  readObjects(ctx, addrs, out, 'firewall address6', 'address', 6, '');
  readObjects(ctx, addrs, out, 'firewall addrgrp', 'address-group', 4, 'member');
  readObjects(ctx, addrs, out, 'firewall addrgrp6', 'address-group', 6, 'member');
  return out;
}

/**
 * A streamed `config firewall address` table (addresses.ts AddressTable), else undefined: its list, in
 * file order, already holds the inventory object of each converted address, so it becomes the
 * inventory's list, with the entries it kept converted in place. (Copying it would cost a list of 100k
 * objects, and the backing stores the copy outgrew, until the parse ends.)
 */
function streamedObjects(ctx: Ctx, addrs: Addresses): NamedObject[] | undefined {
  // Several firewalls (VDOMs) may see one global table: each converts it with its own interfaces
  // into a list of its own.
  if (ctx.multiVdom) return undefined;
  const b = ctx.section('firewall address');
  if (!(b?.converted instanceof AddressTable)) return undefined;
  const order = b.converted.order;
  const n = order.length;
  for (let i = 0; i < n; i++) {
    const e = order[i];
    if (e !== undefined && 'sets' in e) order[i] = entryObject(ctx, addrs, e, 'address', 4, '');
  }
  // Every element is an inventory object now.
  return order as NamedObject[];
}

/**
 * One table's objects. (A module function, not a closure: optimized code can keep a closure's
 * context, and with it the whole configuration tree, alive after the parse.)
 */
function readObjects(
  ctx: Ctx,
  addrs: Addresses,
  out: NamedObject[],
  path: string,
  kind: NamedObject['kind'],
  family: 4 | 6,
  memberKey: string,
): void {
  const b = ctx.section(path);
  const streamed = b?.converted instanceof AddressTable ? b.converted.order : undefined;
  for (const e of streamed ?? b?.entries.values() ?? []) {
    // A streamed address was converted as it was read (addresses.ts AddressTable).
    out.push('sets' in e ? entryObject(ctx, addrs, e, kind, family, memberKey) : e);
  }
}

/** The inventory object of an entry read into the tree. */
function entryObject(
  ctx: Ctx,
  addrs: Addresses,
  e: Entry,
  kind: NamedObject['kind'],
  family: 4 | 6,
  memberKey: string,
): NamedObject {
  const addresses = addrs.resolve(e.key, family).set;
  if (kind === 'address') return addressObject(ctx.file, e, addresses);
  const o: NamedObject = { kind, name: e.key, addresses, members: values(e, memberKey), loc: ctx.openLoc(e) };
  const c = value(e, 'comment') ?? value(e, 'comments');
  if (c) o.description = c;
  return o;
}

/** The inventory object of an address (as `objects` makes it) whose addresses are known from the entry alone. */
export function addressObject(file: string, e: Entry, addresses: AddrSet): NamedObject {
  return new AddressObject(
    e.key,
    addresses,
    describeAddress(e),
    file,
    e.line,
    e.column,
    e.openEndLine,
    e.openEndColumn,
    value(e, 'comment') ?? value(e, 'comments'),
  );
}

/** The address's one member as written (subnet, range or hostname), or undefined for none. */
function describeAddress(e: Entry): string | undefined {
  const subnet = values(e, 'subnet');
  if (subnet.length) return subnet.join(' ');
  const start = value(e, 'start-ip');
  if (start) return `${start}-${value(e, 'end-ip') ?? start}`;
  // An empty fqdn is no member, as before.
  const fqdn = value(e, 'fqdn');
  return fqdn === '' ? undefined : fqdn;
}

/** FortiOS option codes written as names (`set tftp-server`) and the generic `config options` table. */
function dhcpOptions(ctx: Ctx, e: Entry): DhcpOption[] {
  const out: DhcpOption[] = [];
  const tftp = getSet(e, 'tftp-server');
  if (tftp?.values.length) out.push({ code: 66, value: tftp.values.join(' '), loc: ctx.loc(tftp) });
  for (const o of block(e, 'options')?.entries.values() ?? []) {
    const code = Number(value(o, 'code'));
    if (!Number.isInteger(code)) continue;
    out.push({ code, value: values(o, 'value').join(' ') || values(o, 'ip').join(' '), loc: ctx.openLoc(o) });
  }
  return out;
}

function dhcp(ctx: Ctx, ifaces: Interfaces): DhcpServer[] {
  const out: DhcpServer[] = [];
  for (const e of ctx.section('system dhcp server')?.entries.values() ?? []) {
    if ((value(e, 'status') ?? 'enable').toLowerCase() === 'disable') continue;
    const iface = value(e, 'interface');
    let pool: AddrSet = NO_ADDR;
    for (const r of block(e, 'ip-range')?.entries.values() ?? []) {
      const a = value(r, 'start-ip');
      const b = value(r, 'end-ip');
      if (a && b) pool = pool.union(parseAddressSpec(`${a}-${b}`) ?? NO_ADDR);
    }
    const ifNets = iface ? ifaces.get(iface)?.model.networks : undefined;
    const server: DhcpServer = {
      name: `DHCP server ${e.key}${iface ? ` on ${iface}` : ''}`,
      network: ifNets && !ifNets.isEmpty ? ifNets : pool,
      options: dhcpOptions(ctx, e),
      optionSets: [],
      loc: ctx.openLoc(e),
    };
    if (iface) server.iface = iface;
    out.push(server);
  }
  return out;
}

function isDefaultDst(dst: readonly string[]): boolean {
  return (
    dst.length === 0 ||
    (dst[0] === '0.0.0.0' && (dst[1] === undefined || dst[1] === '0.0.0.0')) ||
    dst[0] === '0.0.0.0/0'
  );
}

function wan(ctx: Ctx, ifaces: Interfaces): WanHint[] {
  const out: WanHint[] = [];
  for (const info of ifaces.byName.values()) {
    const role = getSet(info.entry, 'role');
    if (role?.values[0]?.toLowerCase() === 'wan')
      out.push({ kind: 'role-wan', iface: info.name, reason: `set role wan on ${info.name}`, loc: ctx.loc(role) });
    const mode = getSet(info.entry, 'mode');
    const m = mode?.values[0]?.toLowerCase();
    if (mode && (m === 'dhcp' || m === 'pppoe'))
      out.push({
        kind: m === 'dhcp' ? 'dhcp-client' : 'pppoe-client',
        iface: info.name,
        reason: `set mode ${m} on ${info.name}`,
        loc: ctx.loc(mode),
      });
  }
  for (const r of ctx.section('router static')?.entries.values() ?? []) {
    if ((value(r, 'status') ?? 'enable').toLowerCase() === 'disable' || !isDefaultDst(values(r, 'dst'))) continue;
    const dev = value(r, 'device');
    const gw = value(r, 'gateway');
    const hint: WanHint = {
      kind: 'default-route',
      reason: `default static route ${r.key}${gw ? ` via ${gw}` : ''}${dev ? ` on ${dev}` : ''}`,
      loc: ctx.openLoc(r),
    };
    if (dev) hint.iface = dev;
    if (gw) hint.gateway = gw;
    out.push(hint);
  }
  for (const path of ['system sdwan', 'system virtual-wan-link'])
    for (const m of block(ctx.section(path), 'members')?.entries.values() ?? []) {
      const iface = value(m, 'interface');
      if (iface) out.push({ kind: 'sdwan-member', iface, reason: `SD-WAN member ${iface}`, loc: ctx.openLoc(m) });
    }
  return out;
}
