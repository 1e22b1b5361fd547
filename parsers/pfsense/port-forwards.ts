import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { NameSet } from '../../src/model/name-set.js';
import type { DnatRule, Match, Rule } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet, type PortSet, type ProtoSet } from '../../src/model/ports.js';
import { familySet, resolveEndpoint, resolveNetworkName, type Env, type Family } from './addresses.js';
import { Fields, child } from './context.js';
import { resolvePortSpec, ruleProtocol } from './protocols.js';
import type { FilterEntry } from './rules.js';
import { contentId } from '../toolkit/hash.js';
import { numberedLabel } from '../toolkit/labels.js';
import type { XmlElement } from './xml.js';
import { nonEmpty } from '../toolkit/values.js';

interface NatProto {
  proto?: ProtoSet;
  portsApply: boolean;
  text: string;
}

function natProtocol(env: Env, raw: string, family: Family, el: XmlElement): NatProto {
  if (raw.trim() === '') {
    // Port forwards always carry a protocol when saved from the GUI; without one pfSense builds
    // `proto ` with no name. fwlint assumes TCP (the GUI default) and says so.
    env.ctx.note(`${env.ctx.where(el)}: port forward without <protocol>; assumed TCP (the GUI default)`);
    return { proto: protoSet([PROTO.tcp]), portsApply: true, text: 'tcp' };
  }
  const p = ruleProtocol(env, raw, family, false);
  const out: NatProto = { portsApply: p.portsApply, text: p.text };
  if (p.proto) out.proto = p.proto;
  return out;
}

/** Port forwards (`<nat><rule>`, A.3; OPNsense adds `<sequence>` and `<pass>`, A.6). */
export function portForwards(env: Env): { dnat: DnatRule[]; filterEntries: FilterEntry[] } {
  const { ctx, ifaces } = env;
  const nat = child(ctx.root, 'nat');
  const els = (nat?.children ?? []).filter((c) => c.name === 'rule');
  const ordered = els.map((el, index) => ({
    el,
    index,
    seq: Number(nonEmpty(child(el, 'sequence')?.text.trim()) ?? 0),
  }));
  // OPNsense applies port forwards sortedBy(['sequence']); pfSense keeps XML order.
  if (ctx.platform === 'opnsense') ordered.sort((a, b) => a.seq - b.seq || a.index - b.index);
  const dnat: DnatRule[] = [];
  const filterEntries: FilterEntry[] = [];
  for (const { el, index, seq } of ordered) {
    const f = new Fields(el);
    const descr = f.str('descr');
    const lbl = numberedLabel('port forward', descr, index);
    if (ctx.flag(f, 'disabled')) continue;
    // `<nordr/>` is `no rdr` (docs/semantics.md#pf-nat): it matches like a port forward, has no target,
    // and exempts what it matches from the later ones (first match wins).
    const nordr = ctx.flag(f, 'nordr');
    // A.3: <interface> defaults to wan.
    const ifNames = (f.str('interface') || 'wan')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const ifr = ifaces.resolve(ifNames);
    if (!ifr.set) {
      ctx.note(
        `${ctx.where(el)}: ${lbl} is not applied: interface ${ifNames.join(', ')} is not enabled or does not exist`,
      );
      continue;
    }
    const family: Family = f.str('ipprotocol') === 'inet6' ? 'inet6' : 'inet';
    const p = natProtocol(env, f.str('protocol'), family, el);
    const src = resolveEndpoint(env, f.get('source'), 'src', family);
    const dst = resolveEndpoint(env, f.get('destination'), 'dst', family);
    const skip = src.skip ?? dst.skip;
    if (skip) {
      ctx.note(`${ctx.where(el)}: ${lbl} is not applied: ${skip}`);
      continue;
    }
    const match: Match = { iif: ifr.set };
    if (p.proto) match.proto = p.proto;
    if (src.set) match.src = src.set;
    if (dst.set) match.dst = dst.set;
    const symbolic = [...src.symbolic, ...dst.symbolic];
    if (symbolic.length) match.symbolic = symbolic;
    let dportRange: [number, number] | undefined;
    if (p.portsApply) {
      for (const [side, field] of [
        [src, 'sport'],
        [dst, 'dport'],
      ] as const) {
        if (!side.port) continue;
        const r = resolvePortSpec(env, side.port);
        if (r.skip) {
          ctx.note(`${ctx.where(el)}: ${lbl}: ${r.skip}; the port is ignored`);
          continue;
        }
        if (r.unsupported) ctx.unsupportedAt(el, `<nat><rule><port>${side.port}</port>`, `${lbl}: ${r.unsupported}`);
        if (r.set) {
          match[field] = r.set;
          const [lo] = r.set.bounds;
          const hi = r.set.bounds.at(-1);
          if (field === 'dport' && lo !== undefined && hi !== undefined) dportRange = [lo, hi];
        }
      }
    }
    if (nordr) {
      const text =
        `no rdr on ${ifNames.join(',')} ${family} proto ${p.text} from ${src.text}${src.port ? ` port ${src.port}` : ''} ` +
        `to ${dst.text}${dst.port ? ` port ${dst.port}` : ''}`;
      const base = el.attrs.uuid ?? contentId('nordr', `${text}|${descr}`);
      const rule: DnatRule = {
        id: ctx.uniqueId(base),
        loc: ctx.loc(el),
        label: lbl,
        match,
        to: { addr: NO_ADDR },
        action: 'none',
        bypassFilter: false,
        text,
      };
      if (descr) rule.comment = descr;
      dnat.push(rule);
      continue;
    }
    // Target: IP, alias or special network (A.3).
    const targetText = f.str('target');
    const to: DnatRule['to'] = { addr: NO_ADDR };
    const tr = targetText ? resolveTarget(env, targetText, family) : undefined;
    if (!tr || (tr.set.isEmpty && tr.symbolic === undefined)) {
      ctx.note(`${ctx.where(el)}: ${lbl} is not applied: target "${targetText}" does not resolve`);
      continue;
    }
    to.addr = tr.set;
    if (tr.symbolic) to.symbolic = tr.symbolic;
    const localPort = localPortStart(env, f.str('local-port'));
    if (localPort !== undefined && p.portsApply) to.port = localPort;
    // A.3: associated-rule-id "pass" = `rdr pass`; OPNsense: <pass>pass</pass> (A.6).
    const assoc = f.str('associated-rule-id');
    const passOpt = f.str('pass');
    const bypassFilter = assoc === 'pass' || (ctx.platform === 'opnsense' && passOpt === 'pass');
    const text =
      `rdr ${bypassFilter ? 'pass ' : ''}on ${ifNames.join(',')} ${family} proto ${p.text} from ` +
      `${src.text}${src.port ? ` port ${src.port}` : ''} to ${dst.text}${dst.port ? ` port ${dst.port}` : ''} -> ` +
      `${targetText}${f.str('local-port') ? ` port ${f.str('local-port')}` : ''}`;
    const base = el.attrs.uuid ?? (assoc && assoc !== 'pass' ? assoc : contentId('rdr', `${text}|${descr}`));
    const rule: DnatRule = { id: ctx.uniqueId(base), loc: ctx.loc(el), label: lbl, match, to, bypassFilter, text };
    if (descr) rule.comment = descr; // carries inline suppressions
    dnat.push(rule);

    if (ctx.platform === 'opnsense' && passOpt === 'rule') {
      filterEntries.push(registeredRule(env, rule, ifr.set, dportRange, seq, index));
    }
  }
  return { dnat, filterEntries };
}

/** OPNsense `<pass>rule</pass>`: filter rule to the target and translated ports at prio 500000 (A.6). */
function registeredRule(
  env: Env,
  d: DnatRule,
  ifaces: NameSet,
  dport: [number, number] | undefined,
  seq: number,
  index: number,
): FilterEntry {
  const match: Match = {};
  if (d.match.proto) match.proto = d.match.proto;
  if (d.match.src) match.src = d.match.src;
  if (!d.to.addr.isEmpty) match.dst = d.to.addr;
  let dp: PortSet | undefined = d.match.dport;
  if (d.to.port !== undefined) {
    const width = dport ? dport[1] - dport[0] : 0;
    dp = portSet([[d.to.port, Math.min(65535, d.to.port + width)]]);
  }
  if (dp) match.dport = dp;
  const rule: Rule = {
    id: env.ctx.uniqueId(`${d.id}:filter`),
    loc: d.loc,
    label: `filter rule of ${d.label}`,
    match,
    action: { kind: 'accept' },
    quick: true,
    keepState: true,
    implicit:
      'OPNsense: port forward with <pass>rule</pass> registers a filter rule to the target ' +
      '(priority 500000, docs/semantics.md#pf-opnsense)',
    text: `pass in quick (port forward ${d.id})`,
  };
  return { sortKey: [500000, 0, seq, index], inbound: true, outbound: false, ifaces, rule };
}

function resolveTarget(env: Env, target: string, family: Family): { set: AddrSet; symbolic?: string } | undefined {
  const alias = env.aliases.get(target);
  if (alias) {
    const r = env.aliases.resolveAddresses(target);
    const fam = familySet(family);
    const set = fam ? r.set.intersect(fam) : r.set;
    return r.symbolic.length ? { set, symbolic: target } : { set };
  }
  const spec = parseAddressSpec(target);
  if (spec) return { set: spec };
  const r = resolveNetworkName(env, target, family);
  if (r.skip) return undefined;
  const out: { set: AddrSet; symbolic?: string } = { set: r.set ?? NO_ADDR };
  if (r.symbolic.length) out.symbolic = target;
  return out;
}

/** `<local-port>` is only the start port; alias → its first port (A.3). */
function localPortStart(env: Env, text: string): number | undefined {
  if (!text) return undefined;
  const r = resolvePortSpec(env, text);
  if (r.set && !r.set.isEmpty) return r.set.bounds[0];
  return undefined;
}
