import { ANY_PORT, PROTO, portSet, protoSet, type PortSet, type ProtoSet } from '../../src/model/ports.js';
import { MAX_NESTING } from './addresses.js';
import type { Ctx } from './context.js';
import { PREDEFINED_GROUPS, PREDEFINED_SERVICES, type PredefinedService } from './predefined.js';
import { getSet, value, values, type Entry, type SetStmt, type Span } from './tree.js';

/** A per-service UDP idle timer (`set udp-idle-timer N` on a custom service, docs/semantics.md#fgt-timeouts). */
export interface ServiceTimer {
  value: number;
  stmt: SetStmt;
  service: string;
}

/** One protocol/port combination of a service: protocol number → destination ports (undefined = any). */
export interface ServicePart {
  /** protocol number → destination ports; source ports in `sport` (undefined = any). */
  proto: number | 'any';
  dport?: PortSet;
  sport?: PortSet;
  timer?: ServiceTimer;
}

export interface ResolvedService {
  parts: ServicePart[];
  missing: string[];
}

interface Problem {
  span: Span;
  what: string;
  why: string;
}

const FULL_RANGE_LO = 1;

/** No missing names: shared (nothing changes a memo's lists). */
const NO_NAMES: string[] = [];

/**
 * `config firewall service custom` / `service group` (docs/semantics.md#fgt-objects). A name the file does not
 * define but FortiOS predefines is taken from the factory table, with a note.
 */
export class Services {
  private readonly ctx: Ctx;
  private readonly custom?: Map<string, Entry>;
  private readonly groups?: Map<string, Entry>;
  private readonly memo = new Map<string, ResolvedService>();
  private readonly resolving = new Set<string>();
  /** Problems of a service definition, reported once when a policy uses it. */
  private readonly problems = new Map<string, Problem[]>();
  private readonly reported = new Set<string>();

  constructor(ctx: Ctx) {
    this.ctx = ctx;
    this.custom = ctx.section('firewall service custom')?.entries;
    this.groups = ctx.section('firewall service group')?.entries;
  }

  resolve(name: string): ResolvedService {
    const hit = this.memo.get(name);
    if (hit) {
      this.report(name);
      return hit;
    }
    if (this.resolving.has(name)) {
      this.ctx.note(`service group "${name}" contains itself (directly or through other groups); the loop is cut`);
      return { parts: [], missing: [] };
    }
    if (this.resolving.size >= MAX_NESTING) {
      this.ctx.note(
        `service group "${name}" is nested more than ${String(MAX_NESTING)} groups deep; fwlint stops there`,
      );
      return { parts: [], missing: [] };
    }
    this.resolving.add(name);
    const r = this.compute(name);
    this.resolving.delete(name);
    this.memo.set(name, r);
    this.report(name);
    return r;
  }

  /** The boxes of a service list, computed once per distinct list. */
  boxes(names: string | readonly string[]): { boxes: ServiceBox[]; missing: string[] } {
    const key = typeof names === 'string' ? names : names.join('\u0000');
    const hit = this.boxMemo.get(key);
    const list = typeof names === 'string' ? [names] : names;
    if (hit) {
      for (const n of list) this.report(n);
      // A lone box is kept without a list; the list made here dies young.
      return { boxes: hit instanceof ServiceBox ? [hit] : hit, missing: this.boxMissing.get(key) ?? NO_NAMES };
    }
    const r = this.resolveAll(list);
    // Kept until the parse ends, one per distinct list (20k at 100k policies), so the memo holds the
    // boxes alone (no record around them; the rare missing names apart), a lone box without a list:
    // lists built by push hold 17 slots for one or two members, so the boxes are copied to their size.
    const boxes = serviceBoxes(r.parts).slice();
    this.boxMemo.set(key, boxes.length === 1 && boxes[0] ? boxes[0] : boxes);
    if (r.missing.length) this.boxMissing.set(key, r.missing);
    return { boxes, missing: r.missing.length ? r.missing : NO_NAMES };
  }

  private readonly boxMemo = new Map<string, ServiceBox | ServiceBox[]>();
  /** The missing names of the lists in boxMemo that have some. */
  private readonly boxMissing = new Map<string, string[]>();

  resolveAll(names: readonly string[]): ResolvedService {
    if (names.length === 1 && names[0] !== undefined) return this.resolve(names[0]);
    const out: ResolvedService = { parts: [], missing: [] };
    for (const n of names) {
      const r = this.resolve(n);
      out.parts.push(...r.parts);
      out.missing.push(...r.missing);
    }
    return out;
  }

  private report(name: string): void {
    if (this.reported.has(name)) return;
    this.reported.add(name);
    for (const p of this.problems.get(name) ?? []) this.ctx.unsupportedAt(p.span, p.what, p.why);
  }

  private compute(name: string): ResolvedService {
    const c = this.custom?.get(name);
    if (c) return { parts: this.customParts(c), missing: [] };
    const g = this.groups?.get(name);
    if (g) return this.resolveGroup(values(g, 'member'));
    const pre = PREDEFINED_SERVICES[name];
    if (pre) {
      this.ctx.note(
        `service "${name}" is not defined in the file; using FortiOS's predefined "${name}" (${describePredefined(pre)})`,
      );
      return { parts: predefinedParts(pre), missing: [] };
    }
    const pg = PREDEFINED_GROUPS[name];
    if (pg) {
      this.ctx.note(
        `service group "${name}" is not defined in the file; using FortiOS's predefined group (${pg.join(', ')})`,
      );
      return this.resolveGroup(pg);
    }
    return { parts: [], missing: [name] };
  }

  private resolveGroup(members: readonly string[]): ResolvedService {
    const out: ResolvedService = { parts: [], missing: [] };
    for (const m of members) {
      const r = this.resolve(m);
      out.parts.push(...r.parts);
      out.missing.push(...r.missing);
    }
    return out;
  }

  private customParts(e: Entry): ServicePart[] {
    const problems: Problem[] = [];
    const protoStmt = getSet(e, 'protocol');
    // docs/semantics.md#fgt-objects: protocol default TCP/UDP/SCTP (7.6: TCP/UDP/UDP-Lite/SCTP).
    const protocol = (protoStmt?.values[0] ?? 'TCP/UDP/SCTP').toUpperCase();
    const parts: ServicePart[] = [];
    let timer: ServiceTimer | undefined;
    const t = getSet(e, 'udp-idle-timer');
    if (t && /^\d+$/.test(t.values[0] ?? '') && Number(t.values[0]) > 0)
      timer = { value: Number(t.values[0]), stmt: t, service: e.key };
    if (protocol.startsWith('TCP/UDP')) {
      for (const [field, proto] of [
        ['tcp-portrange', PROTO.tcp],
        ['udp-portrange', PROTO.udp],
        ['sctp-portrange', PROTO.sctp],
        ['udplite-portrange', 136],
      ] as const) {
        const s = getSet(e, field);
        if (!s) continue;
        for (const tok of s.values) {
          const r = parseRangeToken(tok);
          if (!r) {
            problems.push({
              span: s,
              what: `firewall service custom "${e.key}" ${field} ${tok}`,
              why: `port range "${tok}" is not understood; it is left out of the service`,
            });
            continue;
          }
          const part: ServicePart = { proto, dport: r.dport };
          if (r.sport) part.sport = r.sport;
          if (timer && proto === PROTO.udp) part.timer = timer;
          parts.push(part);
        }
      }
      const ipr = getSet(e, 'iprange');
      const fq = getSet(e, 'fqdn');
      for (const s of [ipr, fq]) {
        if (s?.values.length && s.values[0] !== '0.0.0.0') {
          problems.push({
            span: s,
            what: `firewall service custom "${e.key}" ${s.name}`,
            why: 'a service restricted to destination addresses is not modeled; the service is treated as matching every destination',
          });
        }
      }
    } else if (protocol === 'ICMP' || protocol === 'ICMP6') {
      const type = value(e, 'icmptype');
      // ICMP types are not a model dimension. Echo request (8) is what ping checks need; other types
      // would make the service match more (accept) or less (deny) than it does: reported.
      if (type !== undefined && type !== '8' && type !== '128') {
        problems.push({
          span: getSet(e, 'icmptype') ?? e,
          what: `firewall service custom "${e.key}" icmptype ${type}`,
          why: 'ICMP types are not modeled; the service is treated as matching every ICMP type',
        });
      }
      parts.push({ proto: protocol === 'ICMP' ? PROTO.icmp : PROTO.ipv6icmp });
    } else if (protocol === 'IP') {
      const n = Number(value(e, 'protocol-number') ?? '0');
      parts.push({ proto: Number.isInteger(n) && n > 0 && n < 256 ? n : 'any' });
    } else {
      // Explicit-proxy services (HTTP, FTP, CONNECT, SOCKS-TCP, SOCKS-UDP, ALL): not for firewall policies.
      problems.push({
        span: protoStmt ?? e,
        what: `firewall service custom "${e.key}" protocol ${protocol}`,
        why: `"${protocol}" is an explicit-proxy service type; firewall policies that use it are evaluated as if it matched nothing`,
      });
    }
    if (
      getSet(e, 'session-ttl') &&
      Number(value(e, 'session-ttl')) > 0 &&
      parts.some((p) => p.proto === PROTO.udp || p.proto === 'any')
    ) {
      this.ctx.note(
        `${this.ctx.where(getSet(e, 'session-ttl') ?? e)}: service "${e.key}" sets session-ttl ${value(e, 'session-ttl') ?? ''}; ` +
          'whether it governs the idle time of UDP sessions is not documented ' +
          '(docs/semantics.md#fgt-timeouts; uncertain); fwlint uses udp-idle-timer',
      );
    }
    const helper = value(e, 'helper');
    if (helper && helper.toLowerCase() !== 'auto' && helper.toLowerCase() !== 'disable') {
      this.ctx.note(
        `${this.ctx.where(getSet(e, 'helper') ?? e)}: service "${e.key}" binds session helper "${helper}" (interaction with ` +
          `default-voip-alg-mode not documented, docs/semantics.md#fgt-sip; uncertain)`,
      );
    }
    if (problems.length) this.problems.set(e.key, problems);
    return parts;
  }
}

/** `dstlow[-dsthigh][:srclow[-srchigh]]` (docs/semantics.md#fgt-objects). `1-65535` is every port. */
export function parseRangeToken(tok: string): { dport: PortSet; sport?: PortSet } | undefined {
  const [d = '', s] = tok.split(':');
  const dp = portRange(d);
  if (!dp) return undefined;
  if (s === undefined) return { dport: dp };
  const sp = portRange(s);
  if (!sp) return undefined;
  return sp.isFull ? { dport: dp } : { dport: dp, sport: sp };
}

function portRange(t: string): PortSet | undefined {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t.trim());
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  if (lo > hi || hi > 65535) return undefined;
  // FortiOS writes "every port" as 1-65535 (ALL_TCP, ALL_UDP): no restriction, as pfSense's 1-65535.
  if (lo <= FULL_RANGE_LO && hi === 65535) return ANY_PORT;
  // Port 0 in a range start means the same as 1 for real traffic.
  return portSet([[lo, hi]]);
}

function predefinedParts(p: PredefinedService): ServicePart[] {
  const out: ServicePart[] = [];
  if (p.protocol === 'IP')
    out.push({ proto: p.protocolNumber === undefined || p.protocolNumber === 0 ? 'any' : p.protocolNumber });
  else if (p.protocol === 'ICMP') out.push({ proto: PROTO.icmp });
  else if (p.protocol === 'ICMP6') out.push({ proto: PROTO.ipv6icmp });
  else {
    for (const [list, proto] of [
      [p.tcp, PROTO.tcp],
      [p.udp, PROTO.udp],
      [p.sctp, PROTO.sctp],
    ] as const) {
      for (const tok of list ?? []) {
        const r = parseRangeToken(tok);
        if (!r) continue; // the predefined services hold valid ranges only
        const part: ServicePart = { proto, dport: r.dport };
        if (r.sport) part.sport = r.sport;
        out.push(part);
      }
    }
  }
  return out;
}

function describePredefined(p: PredefinedService): string {
  if (p.protocol === 'IP') return p.protocolNumber ? `IP protocol ${String(p.protocolNumber)}` : 'any protocol';
  if (p.protocol === 'ICMP' || p.protocol === 'ICMP6')
    return p.icmptype !== undefined ? `${p.protocol} type ${String(p.icmptype)}` : p.protocol;
  const out: string[] = [];
  if (p.tcp) out.push(`tcp ${p.tcp.join(' ')}`);
  if (p.udp) out.push(`udp ${p.udp.join(' ')}`);
  if (p.sctp) out.push(`sctp ${p.sctp.join(' ')}`);
  return out.join(', ');
}

/**
 * A service box of a policy: protocols with the same ports (and timer) merged. Made by a constructor
 * with only the members it has: an object literal extended member by member keeps the later members
 * in a separate property store (about 40 bytes more per box, and the policies' box memo keeps 20k
 * lists of boxes at 100k policies); a constructor's objects hold them inline.
 */
export class ServiceBox {
  declare proto?: ProtoSet;
  declare dport?: PortSet;
  declare sport?: PortSet;
  declare timer?: ServiceTimer;

  constructor(proto?: ProtoSet, dport?: PortSet, sport?: PortSet, timer?: ServiceTimer) {
    if (proto) this.proto = proto;
    if (dport) this.dport = dport;
    if (sport) this.sport = sport;
    if (timer) this.timer = timer;
  }
}

/**
 * Merges service parts into as few boxes as the model needs: per (source ports, timer), the ports of
 * each protocol are united, then protocols with equal port sets share a box.
 */
export function serviceBoxes(parts: readonly ServicePart[]): ServiceBox[] {
  if (parts.some((p) => p.proto === 'any' && !p.timer)) {
    // "ALL" (IP, any protocol) covers every other part.
    return [new ServiceBox()];
  }
  const groups = new Map<string, { sport?: PortSet; timer?: ServiceTimer; byProto: Map<number, PortSet> }>();
  for (const p of parts) {
    const timerAt = p.timer ? `${String(p.timer.stmt.line)}:${String(p.timer.stmt.column)}` : '';
    const sk = `${p.sport ? p.sport.bounds.join(',') : '*'}|${timerAt}`;
    let g = groups.get(sk);
    if (!g) {
      g = { byProto: new Map() };
      if (p.sport) g.sport = p.sport;
      if (p.timer) g.timer = p.timer;
      groups.set(sk, g);
    }
    const protos = p.proto === 'any' ? [-1] : [p.proto];
    for (const pr of protos) {
      const old = g.byProto.get(pr);
      const dp = p.dport ?? ANY_PORT;
      g.byProto.set(pr, old ? old.union(dp) : dp);
    }
  }
  const out: ServiceBox[] = [];
  for (const g of groups.values()) {
    if (g.byProto.has(-1)) {
      out.push(new ServiceBox(undefined, undefined, undefined, g.timer));
      continue;
    }
    // Protocols with equal destination ports share one box.
    const merged: { protos: number[]; dport: PortSet }[] = [];
    for (const [pr, dp] of g.byProto) {
      const same = merged.find((m) => m.dport.equals(dp));
      if (same) same.protos.push(pr);
      else merged.push({ protos: [pr], dport: dp });
    }
    for (const m of merged) {
      out.push(
        new ServiceBox(
          protoSet(m.protos),
          m.dport.isFull ? undefined : m.dport,
          g.sport,
          m.protos.includes(PROTO.udp) ? g.timer : undefined,
        ),
      );
    }
  }
  return out;
}
