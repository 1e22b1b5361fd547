import { ANY_V4, ANY_V6, NO_ADDR } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Chain, Match, Rule, SymbolicRef } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';
import { LOCAL_IN_DEFAULT_REASON, noPingImplicit, UNDEFINED_ADDRESS } from './defaults.js';
import type { Env } from './policies.js';
import { serviceBoxes } from './services.js';
import { quoted } from '../toolkit/labels.js';
import { getSet, value, values, type Entry } from './tree.js';

/** allowaccess keywords → the local service they open (ports from system global where configurable). */
function accessServices(env: Env): Record<string, { proto: number; port: number }[]> {
  const g = env.ctx.globalSection('system global');
  const num = (name: string, dflt: number) => {
    const v = Number(value(g, name));
    return Number.isInteger(v) && v > 0 && v < 65536 ? v : dflt;
  };
  return {
    https: [{ proto: PROTO.tcp, port: num('admin-sport', 443) }],
    http: [{ proto: PROTO.tcp, port: num('admin-port', 80) }],
    ssh: [{ proto: PROTO.tcp, port: num('admin-ssh-port', 22) }],
    telnet: [{ proto: PROTO.tcp, port: num('admin-telnet-port', 23) }],
    snmp: [
      { proto: PROTO.udp, port: 161 },
      { proto: PROTO.tcp, port: 161 },
    ],
    fgfm: [{ proto: PROTO.tcp, port: 541 }],
  };
}

/**
 * Traffic to the FortiGate itself (local-in), first match: `config firewall local-in-policy` entries
 * in order (action default deny), then what `allowaccess` opens per interface address (ping, admin
 * services) and the DNS server on interfaces with a `config system dns-server` entry, then drop.
 * Interfaces whose allowaccess lacks ping get an explicit drop for ICMP at their allowaccess line,
 * so a blocked ping points at the setting to change (docs/semantics.md#fgt-policy, docs/semantics.md#fgt-defaults). Ping is decided by
 * the allowaccess of the interface that owns the address, whichever interface it arrives on (uncertain);
 * admin services are matched on the owning interface.
 */
export function localInChain(env: Env): Chain {
  const { ctx, ifaces } = env;
  const rules: Rule[] = [];
  for (const [table, fam] of [
    ['firewall local-in-policy', 4],
    ['firewall local-in-policy6', 6],
  ] as const) {
    for (const e of ctx.section(table)?.entries.values() ?? []) {
      const r = localInPolicy(env, e, table, fam);
      if (r) rules.push(...r);
    }
  }
  const access = accessServices(env);
  const dnsServers = new Set<string>();
  for (const d of ctx.section('system dns-server')?.entries.values() ?? []) {
    // non-recursive answers only the FortiGate's own DNS database, not the names phones look up.
    if ((value(d, 'mode') ?? 'recursive').toLowerCase() !== 'non-recursive') dnsServers.add(d.key);
  }
  for (const info of ifaces.byName.values()) {
    if (!info.enabled) continue;
    const iif = NameSet.of([info.name]);
    for (const own of info.own) {
      const stmt = own.access;
      const icmp = protoSet([own.access6 ? PROTO.ipv6icmp : PROTO.icmp]);
      if (own.ping) {
        rules.push({
          id: `allowaccess:${info.name}:ping${own.access6 ? '6' : ''}`,
          loc: stmt ? ctx.loc(stmt) : info.model.loc,
          label: `allowaccess ping on ${info.name}`,
          match: { dst: own.addr, proto: icmp },
          action: { kind: 'accept' },
          keepState: true,
          text: `${info.name} allowaccess ping`,
        });
      } else {
        rules.push({
          id: `allowaccess:${info.name}:no-ping${own.access6 ? '6' : ''}`,
          loc: stmt ? ctx.loc(stmt) : ctx.openLoc(info.entry),
          label: `interface ${quoted(info.name)}`,
          match: { dst: own.addr, proto: icmp },
          action: { kind: 'drop' },
          implicit: noPingImplicit(info.name),
          text: `${info.name} allowaccess without ping`,
        });
      }
      for (const kw of stmt?.values ?? []) {
        const svc = access[kw.toLowerCase()];
        if (!svc) continue;
        for (const s of svc) {
          rules.push({
            id: `allowaccess:${info.name}:${kw}:${s.proto}`,
            loc: stmt ? ctx.loc(stmt) : info.model.loc,
            label: `allowaccess ${kw} on ${info.name}`,
            match: { iif, dst: own.addr, proto: protoSet([s.proto]), dport: portSet([[s.port, s.port]]) },
            action: { kind: 'accept' },
            keepState: true,
            text: `${info.name} allowaccess ${kw}`,
          });
        }
      }
    }
    const d = ctx.section('system dns-server')?.entries.get(info.name);
    if (d && dnsServers.has(info.name) && !info.model.addresses.isEmpty) {
      rules.push({
        id: `dns-server:${info.name}`,
        loc: ctx.loc(d),
        label: `DNS server on ${info.name}`,
        match: { iif, dst: info.model.addresses, proto: protoSet([PROTO.udp, PROTO.tcp]), dport: portSet([[53, 53]]) },
        action: { kind: 'accept' },
        keepState: true,
        text: `dns-server ${info.name} ${value(d, 'mode') ?? 'recursive'}`,
      });
    }
  }
  return {
    name: 'local-in',
    mode: 'first-match',
    rules,
    policy: {
      action: 'drop',
      source: 'default',
      loc: ctx.sectionLoc('system interface', true),
      reason: LOCAL_IN_DEFAULT_REASON,
    },
  };
}

function localInPolicy(env: Env, e: Entry, table: string, fam: 4 | 6): Rule[] | undefined {
  const { ctx, ifaces, addrs, services } = env;
  if ((value(e, 'status') ?? 'enable').toLowerCase() === 'disable') return undefined;
  const label = `local-in-policy${fam === 6 ? '6' : ''} ${e.key}`;
  const id = `${table.slice(9)}:${e.key}`;
  const sched = getSet(e, 'schedule');
  if (sched?.values[0] && sched.values[0].toLowerCase() !== 'always') {
    ctx.unsupportedAt(
      sched,
      `${table} ${e.key} schedule ${sched.values[0]}`,
      `${label}: active only at the times of schedule "${sched.values[0]}"; fwlint evaluates it as always active`,
    );
  }
  // Local-in policies default to deny; an accept lets traffic to the FortiGate in before allowaccess is consulted (uncertain).
  const accept = (value(e, 'action') ?? 'deny').toLowerCase() === 'accept';
  if (accept)
    ctx.note(
      `${ctx.where(e)}: ${label} accepts traffic to the FortiGate; fwlint assumes it lets that traffic in even where ` +
        `allowaccess does not (not confirmed, docs/semantics.md#fgt-policy; uncertain)`,
    );
  const universe = fam === 4 ? ANY_V4 : ANY_V6;
  const intf = ifaces.resolve(values(e, 'intf').length ? values(e, 'intf') : ['any']);
  const src = addrs.resolveAll(values(e, 'srcaddr'), fam);
  const dst = addrs.resolveAll(values(e, 'dstaddr'), fam);
  for (const m of [...src.missing, ...dst.missing])
    ctx.unsupportedHead(
      e,
      UNDEFINED_ADDRESS,
      `${label}: address "${m}" is not defined in the file; the policy is evaluated without it`,
    );
  const neg = (n: string) => (value(e, n) ?? 'disable').toLowerCase() === 'enable';
  const symbolic: SymbolicRef[] = [
    ...src.symbolic.map((s) => ({
      field: 'src' as const,
      kind: s.kind,
      name: s.name,
      loc: ctx.loc(getSet(e, 'srcaddr') ?? e),
      ...(neg('srcaddr-negate') ? { negated: true } : {}),
    })),
    ...dst.symbolic.map((s) => ({
      field: 'dst' as const,
      kind: s.kind,
      name: s.name,
      loc: ctx.loc(getSet(e, 'dstaddr') ?? e),
      ...(neg('dstaddr-negate') ? { negated: true } : {}),
    })),
  ];
  const base: Match = {
    src: neg('srcaddr-negate') ? universe.subtract(src.set) : src.set,
    dst: neg('dstaddr-negate') ? universe.subtract(dst.set) : dst.set,
  };
  if (values(e, 'srcaddr').length === 0) base.src = NO_ADDR;
  if (intf.set) base.iif = intf.set;
  if (symbolic.length) base.symbolic = symbolic;
  const svc = services.resolveAll(values(e, 'service'));
  if (neg('service-negate'))
    ctx.unsupportedAt(
      getSet(e, 'service-negate') ?? e,
      `${table} ${e.key} service-negate`,
      `${label}: negated services are evaluated as not negated`,
    );
  const out: Rule[] = [];
  for (const b of serviceBoxes(svc.parts)) {
    const m: Match = { ...base };
    if (b.proto) m.proto = b.proto;
    if (b.dport) m.dport = b.dport;
    if (b.sport) m.sport = b.sport;
    const r: Rule = {
      id,
      loc: ctx.loc(e),
      label,
      match: m,
      action: accept ? { kind: 'accept' } : { kind: 'drop' },
      text:
        `${label} ${values(e, 'intf').join(',')} ${values(e, 'srcaddr').join(',')} -> ` +
        `${values(e, 'dstaddr').join(',')} ${values(e, 'service').join(',')} ${accept ? 'accept' : 'deny'}`,
    };
    if (accept) r.keepState = true;
    const c = value(e, 'comments');
    if (c) r.comment = c;
    out.push(r);
  }
  return out;
}
