import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { DhcpOption, DhcpServer, Inventory, NamedObject, WanHint } from '../../src/model/inventory.js';
import type { AliasTable } from './aliases.js';
import { Fields, child, type Ctx } from './context.js';
import type { InterfaceTable } from './interfaces.js';

/**
 * Site facts of a pfSense/OPNsense config.xml (docs/site-detection.md): address aliases, the DHCP
 * server of each interface (`<dhcpd><lan>`: range, TFTP server, numbered options) and the uplink hints
 * (`<gateways>`, DHCP/PPPoE interfaces). Extraction only; src/site/ ranks them.
 */
export function readInventory(ctx: Ctx, ifaces: InterfaceTable, aliases: AliasTable): Inventory {
  return { objects: objects(ctx, aliases), dhcp: dhcp(ctx, ifaces), wan: wan(ctx, ifaces) };
}

function objects(ctx: Ctx, aliases: AliasTable): NamedObject[] {
  const out: NamedObject[] = [];
  for (const def of aliases.defs.values()) {
    if (def.kind !== 'address' || !def.enabled) continue;
    const o: NamedObject = {
      kind: 'alias',
      name: def.name,
      addresses: aliases.resolveAddresses(def.name).set,
      members: def.entries,
      loc: ctx.loc(def.el),
    };
    const f = new Fields(def.el);
    const descr = f.text('descr') ?? f.text('description');
    if (descr) o.description = descr;
    out.push(o);
  }
  return out;
}

function dhcp(ctx: Ctx, ifaces: InterfaceTable): DhcpServer[] {
  const out: DhcpServer[] = [];
  for (const section of ['dhcpd', 'dhcpdv6'])
    for (const el of child(ctx.root, section)?.children ?? []) {
      const f = new Fields(el);
      if (!f.has('enable') || f.text('enable') === '0') continue;
      const info = ifaces.get(el.name);
      const range = child(el, 'range');
      const from = range ? new Fields(range).text('from') : undefined;
      const to = range ? new Fields(range).text('to') : undefined;
      const pool: AddrSet = from && to ? (parseAddressSpec(`${from}-${to}`) ?? NO_ADDR) : NO_ADDR;
      const options: DhcpOption[] = [];
      const tftp = child(el, 'tftp');
      if (tftp?.text.trim()) options.push({ code: 66, value: tftp.text.trim(), loc: ctx.loc(tftp) });
      for (const item of child(el, 'numberoptions')?.children ?? []) {
        const g = new Fields(item);
        const code = Number(g.text('number'));
        if (Number.isInteger(code)) options.push({ code, value: g.str('value'), loc: ctx.loc(item) });
      }
      const server: DhcpServer = {
        // Named after the interface key only: its description is interface evidence, not DHCP evidence.
        name: `${section === 'dhcpd' ? 'DHCP' : 'DHCPv6'} server on ${el.name}`,
        iface: el.name,
        network: info && !info.networks.isEmpty ? info.networks : pool,
        options,
        optionSets: [],
        loc: ctx.openLoc(el),
      };
      out.push(server);
    }
  return out;
}

function wan(ctx: Ctx, ifaces: InterfaceTable): WanHint[] {
  const out: WanHint[] = [];
  for (const el of child(ctx.root, 'gateways')?.children ?? []) {
    if (el.name !== 'gateway_item') continue;
    const f = new Fields(el);
    const iface = f.text('interface');
    if (!iface || f.has('disabled')) continue;
    const name = f.str('name');
    const isDefault = f.has('defaultgw') && f.text('defaultgw') !== '0';
    out.push({
      kind: 'gateway',
      iface,
      gateway: f.str('gateway'),
      reason: `${isDefault ? 'default ' : ''}gateway ${name || f.str('gateway')} on ${iface}`,
      loc: ctx.loc(el),
    });
  }
  for (const info of ifaces.byKey.values()) {
    if (!info.enabled) continue;
    const ipaddr = new Fields(info.el).text('ipaddr')?.toLowerCase();
    if (ipaddr === 'dhcp' || ipaddr === 'pppoe') {
      const kind = ipaddr === 'dhcp' ? 'dhcp-client' : 'pppoe-client';
      const what = ipaddr === 'dhcp' ? 'DHCP client' : 'PPPoE client';
      out.push({
        kind,
        iface: info.key,
        reason: `${what} on ${info.key}`,
        loc: ctx.loc(child(info.el, 'ipaddr') ?? info.el),
      });
    } else {
      const gw = new Fields(info.el).text('gateway');
      if (gw)
        out.push({
          kind: 'gateway',
          iface: info.key,
          gateway: gw,
          reason: `gateway ${gw} on ${info.key}`,
          loc: ctx.loc(info.el),
        });
    }
  }
  return out;
}
