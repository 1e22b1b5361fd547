import { parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { Setting } from '../../src/model/location.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Match, SnatRule } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';
import { familySet, resolveAddressValue, resolveNetworkName, type Env, type Family } from './addresses.js';
import { Fields, child, path, truthy, type Ctx } from './context.js';
import { AUTO_NAT_PORTS_REASON, MANUAL_NAT_PORTS_REASON, OPN_AUTO_NAT_PORTS_REASON } from './defaults.js';
import { resolvePortSpec, ruleProtocol } from './protocols.js';
import { contentId } from '../toolkit/hash.js';
import { numberedLabel } from '../toolkit/labels.js';
import type { XmlElement } from './xml.js';
import { literal, nonEmpty } from '../toolkit/values.js';

/** The section element whose start tag stands for NAT defaults. */
function natAnchor(ctx: Ctx): XmlElement | undefined {
  const nat = child(ctx.root, 'nat');
  return child(nat, 'outbound') ?? nat;
}

/** `<nat><outbound><mode>`: automatic (factory default) | hybrid | advanced | disabled (A.3). */
export function outboundMode(ctx: Ctx): Setting<string> {
  const modeEl = path(ctx.root, 'nat', 'outbound', 'mode');
  const v = modeEl?.text.trim() ?? '';
  if (modeEl && v !== '') {
    return {
      value: v,
      source: 'explicit',
      loc: ctx.loc(modeEl),
      reason: `outbound NAT mode ${v} (<nat><outbound><mode>, docs/semantics.md#pf-nat)`,
    };
  }
  const anchor = natAnchor(ctx);
  return {
    value: 'automatic',
    source: 'default',
    loc: anchor ? ctx.openLoc(anchor) : ctx.rootLoc,
    reason: `no <nat><outbound><mode>: ${ctx.vendorName} uses automatic outbound NAT (factory default, docs/semantics.md#pf-nat)`,
  };
}

/** Automatic + manual outbound NAT (A.3, A.6). First match wins. */
export function outboundRules(env: Env, mode: string): SnatRule[] {
  const { ctx } = env;
  const m = mode.toLowerCase();
  if (m === 'disabled') return [];
  if (!['automatic', 'hybrid', 'advanced'].includes(m)) {
    ctx.note(`unknown outbound NAT mode "${mode}": ${ctx.vendorName} generates no outbound NAT for it`);
    return [];
  }
  const out: SnatRule[] = [];
  if (m === 'hybrid' || m === 'advanced') out.push(...manualRules(env));
  if (m === 'automatic' || m === 'hybrid') out.push(...automaticRules(env));
  return out;
}

/** filter_nat_rules_automatic_tonathosts(): loopback + subnets of interfaces without a gateway (+ routed private nets). */
function internalNetworks(env: Env): AddrSet {
  const { ifaces, ctx } = env;
  let set = literal(parseAddressSpec('127.0.0.0/8'), '127.0.0.0/8').union(
    literal(parseAddressSpec('::1/128'), '::1/128'),
  );
  for (const info of ifaces.byKey.values()) {
    if (!info.enabled || info.hasGateway) continue;
    set = set.union(info.natSources);
  }
  // Enabled static routes whose gateway sits on an interface without a gateway, to private networks.
  const gwIface = new Map<string, string>();
  for (const g of path(ctx.root, 'gateways')?.children ?? []) {
    if (g.name !== 'gateway_item') continue;
    const f = new Fields(g);
    if (f.str('name')) gwIface.set(f.str('name'), f.str('interface'));
  }
  const priv = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => literal(parseAddressSpec(c), c));
  for (const r of child(ctx.root, 'staticroutes')?.children ?? []) {
    if (r.name !== 'route') continue;
    const f = new Fields(r);
    if (ctx.flag(f, 'disabled')) continue;
    const net = parseAddressSpec(f.str('network'));
    const iface = ifaces.get(gwIface.get(f.str('gateway')) ?? '');
    if (!net || !iface || iface.hasGateway) continue;
    if (priv.some((p) => net.isSubsetOf(p))) set = set.union(net);
  }
  return set;
}

function automaticRules(env: Env): SnatRule[] {
  const { ctx, ifaces } = env;
  // Automatic rules live where the mode is chosen: the <mode> element, else the <outbound>/<nat> start tag.
  const modeEl = path(ctx.root, 'nat', 'outbound', 'mode');
  const anchor = natAnchor(ctx);
  const loc = modeEl ? ctx.loc(modeEl) : anchor ? ctx.openLoc(anchor) : ctx.rootLoc;
  const internal = internalNetworks(env);
  const reason = ctx.platform === 'pfsense' ? AUTO_NAT_PORTS_REASON : OPN_AUTO_NAT_PORTS_REASON;
  const out: SnatRule[] = [];
  for (const info of ifaces.byKey.values()) {
    // filter_nat_rules_outbound_automatic(): every enabled interface with a gateway except VPN devices.
    if (!info.enabled || !info.hasGateway) continue;
    if (info.device && (info.device.startsWith('ovpn') || info.device.startsWith('ipsec'))) continue;
    const oif = NameSet.of([info.key]);
    out.push({
      id: `auto-snat:${info.key}:isakmp`,
      loc,
      label: `automatic outbound NAT on ${info.key} (ISAKMP)`,
      match: { oif, src: internal, proto: protoSet([PROTO.udp]), dport: portSet([[500, 500]]) },
      action: 'translate',
      ports: 'preserve',
      portsReason: 'Auto created rule for ISAKMP keeps source port 500 (static-port, docs/semantics.md#pf-nat)',
      implicit: 'Auto created rule for ISAKMP',
      text: `nat on ${info.key} from internal to any port 500 -> ${info.key}ip static-port`,
    });
    const nonat = ctx.flag(new Fields(info.el), 'nonat');
    out.push({
      id: `auto-snat:${info.key}`,
      loc,
      label: `automatic outbound NAT on ${info.key}`,
      match: { oif, src: internal },
      action: nonat ? 'none' : 'translate',
      ports: nonat ? 'preserve' : 'random',
      portsReason: nonat ? 'interface <nonat>: no translation' : reason,
      implicit: nonat
        ? `Auto created rule: the ${info.key} interface has <nonat/>, so automatic outbound NAT leaves the internal networks untranslated`
        : `Auto created rule: automatic outbound NAT translates the internal networks to the ${info.key} address`,
      text: `nat on ${info.key} from internal to any -> ${info.key}ip port 1024:65535`,
    });
  }
  out.push(...gatewaylessWans(env));
  return out;
}

/**
 * A WAN without a gateway gets no automatic rule (docs/semantics.md#pf-nat), so what leaves it is not
 * translated. pf emits nothing for it; the model says so with an exempting rule at the interface,
 * after every automatic rule (none has it as egress, so the order changes nothing), so that a finding
 * about the untranslated traffic names the missing gateway rather than the outbound NAT mode.
 */
function gatewaylessWans(env: Env): SnatRule[] {
  const { ctx, ifaces } = env;
  const out: SnatRule[] = [];
  for (const info of ifaces.byKey.values()) {
    if (!info.enabled || info.hasGateway || info.model.role !== 'wan') continue;
    const loc = ctx.openLoc(info.el);
    out.push({
      id: `auto-snat:${info.key}:no-gateway`,
      loc,
      label: `no automatic outbound NAT on ${info.key} (no gateway)`,
      match: { oif: NameSet.of([info.key]) },
      action: 'none',
      ports: 'preserve',
      portsReason: 'no automatic rule: the source is not translated',
      implicit:
        `automatic outbound NAT covers only interfaces with a gateway, and ${info.key} has none ` +
        `(line ${String(loc.line)}, docs/semantics.md#pf-nat): set its gateway, or add a hybrid or manual ` +
        `outbound NAT rule for it`,
      text: `no nat on ${info.key} (automatic outbound NAT: no gateway)`,
    });
  }
  return out;
}

/** Manual rules: `<nat><outbound><rule>` (both) and OPNsense MVC `<snatrules>` (A.3, A.6). */
function manualRules(env: Env): SnatRule[] {
  const { ctx } = env;
  const out: SnatRule[] = [];
  if (ctx.platform === 'opnsense') {
    const mvc = (path(ctx.root, 'OPNsense', 'Firewall', 'Filter', 'snatrules')?.children ?? []).filter(
      (c) => c.name === 'rule',
    );
    const ordered = mvc
      .map((el, i) => ({ el, i, seq: Number(nonEmpty(child(el, 'sequence')?.text.trim()) ?? 1) }))
      .sort((a, b) => a.seq - b.seq || a.i - b.i);
    for (const { el, i } of ordered) {
      const r = mvcSnat(env, el, i);
      if (r) out.push(r);
    }
  }
  let index = 0;
  for (const el of path(ctx.root, 'nat', 'outbound')?.children ?? []) {
    if (el.name !== 'rule') continue;
    const r = legacySnat(env, el, index++);
    if (r) out.push(r);
  }
  return out;
}

function snatNet(env: Env, value: string, family: Family): { set?: AddrSet; skip?: string } {
  if (value === '' || value === 'any') return {};
  if (env.aliases.get(value) || parseAddressSpec(value)) {
    const r = resolveAddressValue(env, value, family);
    return r.skip ? { skip: r.skip } : r.set ? { set: r.set } : {};
  }
  const r = resolveNetworkName(env, value, family);
  return r.skip ? { skip: r.skip } : r.set ? { set: r.set } : {};
}

function legacySnat(env: Env, el: XmlElement, index: number): SnatRule | undefined {
  const { ctx, ifaces } = env;
  const f = new Fields(el);
  const descr = f.str('descr');
  const lbl = numberedLabel('outbound NAT rule', descr, index);
  if (ctx.flag(f, 'disabled')) return undefined;
  const iface = f.str('interface');
  const info = ifaces.get(iface);
  if (!info?.enabled) {
    ctx.note(`${ctx.where(el)}: ${lbl} is not applied: missing interface "${iface}"`);
    return undefined;
  }
  const ipp = f.str('ipprotocol');
  const family: Family = ipp === 'inet6' ? 'inet6' : ipp === 'inet' ? 'inet' : 'inet46';
  const srcEl = f.get('source');
  const dstEl = f.get('destination');
  const sf = srcEl ? new Fields(srcEl) : undefined;
  const df = dstEl ? new Fields(dstEl) : undefined;
  const src = snatNet(env, sf?.str('network') ?? '', family);
  const dst = df?.has('any')
    ? {}
    : snatNet(env, nonEmpty(df?.str('network')) ?? nonEmpty(df?.str('address')) ?? '', family);
  const skip = src.skip ?? dst.skip;
  if (skip) {
    ctx.note(`${ctx.where(el)}: ${lbl} is not applied: ${skip}`);
    return undefined;
  }
  const match: Match = { oif: NameSet.of([iface]) };
  if (src.set) match.src = src.set;
  if (dst.set) match.dst = df && ctx.flag(df, 'not') ? (familySet(family) ?? ANY()).subtract(dst.set) : dst.set;
  const proto = f.str('protocol');
  if (proto && proto !== 'any') {
    const p = ruleProtocol(env, proto, family, false);
    if (p.proto) match.proto = p.proto;
  }
  for (const [name, field] of [
    ['sourceport', 'sport'],
    ['dstport', 'dport'],
  ] as const) {
    const t = f.str(name);
    if (!t) continue;
    const r = resolvePortSpec(env, t);
    if (r.set) match[field] = r.set;
  }
  const nonat = ctx.flag(f, 'nonat');
  const staticPort = ctx.flag(f, 'staticnatport');
  const natport = f.str('natport');
  const rule: SnatRule = {
    id: ctx.uniqueId(
      f.str('tracker') ||
        contentId('snat', `${iface}|${sf?.str('network')}|${df?.str('network')}|${proto}|${f.str('target')}|${descr}`),
    ),
    loc: ctx.loc(el),
    label: lbl,
    match,
    action: nonat ? 'none' : 'translate',
    ports: nonat || staticPort ? 'preserve' : 'random',
    text:
      `${nonat ? 'no nat' : 'nat'} on ${iface} from ${nonEmpty(sf?.str('network')) ?? 'any'} to ` +
      (df?.has('any') ? 'any' : (nonEmpty(df?.str('network')) ?? 'any')) +
      (staticPort ? ' static-port' : natport ? ` port ${natport}` : ''),
  };
  if (descr) rule.comment = descr;
  if (nonat) rule.portsReason = 'no nat: the source is not translated';
  else if (staticPort) rule.portsReason = 'static-port (<staticnatport/>) keeps the source port';
  else
    rule.portsReason = natport
      ? `<natport>${natport}</natport>: the source port is translated to ${natport}`
      : MANUAL_NAT_PORTS_REASON;
  return rule;
}

function ANY(): AddrSet {
  return literal(parseAddressSpec('0.0.0.0/0'), '0.0.0.0/0').union(literal(parseAddressSpec('::/0'), '::/0'));
}

function mvcSnat(env: Env, el: XmlElement, index: number): SnatRule | undefined {
  const { ctx } = env;
  const f = new Fields(el);
  const descr = f.str('description');
  const lbl = numberedLabel('outbound NAT rule', descr, index);
  if (f.has('enabled') && !truthy(f.text('enabled'))) return undefined;
  const iface = f.str('interface') || 'lan';
  if (!env.ifaces.get(iface)?.enabled) {
    ctx.note(`${ctx.where(el)}: ${lbl} is not applied: missing interface "${iface}"`);
    return undefined;
  }
  const ipp = f.str('ipprotocol');
  const family: Family = ipp === 'inet6' ? 'inet6' : ipp === 'inet46' ? 'inet46' : 'inet';
  const src = snatNet(env, f.str('source_net'), family);
  const dst = snatNet(env, f.str('destination_net'), family);
  const skip = src.skip ?? dst.skip;
  if (skip) {
    ctx.note(`${ctx.where(el)}: ${lbl} is not applied: ${skip}`);
    return undefined;
  }
  const universe = familySet(family) ?? ANY();
  const match: Match = { oif: NameSet.of([iface]) };
  if (src.set) match.src = truthy(f.text('source_not')) ? universe.subtract(src.set) : src.set;
  if (dst.set) match.dst = truthy(f.text('destination_not')) ? universe.subtract(dst.set) : dst.set;
  const proto = f.str('protocol');
  if (proto && proto.toLowerCase() !== 'any') {
    const p = ruleProtocol(env, proto, family, false);
    if (p.proto) match.proto = p.proto;
  }
  for (const [name, field] of [
    ['source_port', 'sport'],
    ['destination_port', 'dport'],
  ] as const) {
    const t = f.str(name);
    if (!t) continue;
    const r = resolvePortSpec(env, t);
    if (r.set) match[field] = r.set;
  }
  const nonat = truthy(f.text('nonat'));
  const staticPort = truthy(f.text('staticnatport'));
  const natport = f.str('target_port');
  const rule: SnatRule = {
    id: ctx.uniqueId(
      el.attrs.uuid ??
        contentId('snat', `${iface}|${f.str('source_net')}|${f.str('destination_net')}|${proto}|${descr}`),
    ),
    loc: ctx.loc(el),
    label: lbl,
    match,
    action: nonat ? 'none' : 'translate',
    ports: nonat || staticPort ? 'preserve' : 'random',
    text:
      `${nonat ? 'no nat' : 'nat'} on ${iface} from ${f.str('source_net') || 'any'} to ` +
      `${f.str('destination_net') || 'any'}${staticPort ? ' static-port' : natport ? ` port ${natport}` : ''}`,
  };
  if (descr) rule.comment = descr;
  if (nonat) rule.portsReason = 'no nat: the source is not translated';
  else if (staticPort) rule.portsReason = 'static-port keeps the source port';
  else
    rule.portsReason = natport
      ? `target port ${natport}: the source port is translated to ${natport}`
      : 'OPNsense rewrites the source port (port 1024:65535) unless static-port is set (SNatRule, docs/semantics.md#pf-opnsense)';
  return rule;
}
