import { box, describeBox, type Box } from '../engine/box.js';
import {
  MAX_JUMP_DEPTH,
  tracePath,
  type PathName,
  type Part,
  type Step,
  type Translation,
} from '../engine/evaluate.js';
import {
  ANY_ADDR,
  NON_INTERNET,
  NO_ADDR,
  allV4,
  allV6,
  formatAddrSet,
  inFamily,
  parseAddressSpec,
  unknownOwnAddress,
  type AddrSet,
} from '../model/address.js';
import { UsageError } from '../model/errors.js';
import { NameSet } from '../model/name-set.js';
import {
  ANY_PORT,
  ANY_PROTO,
  formatPortSet,
  parsePortRange,
  portSet,
  protocolNumber,
  protoSet,
} from '../model/ports.js';
import { CONN_STATES, type Policy } from '../model/policy.js';
import type { Notification } from '../model/report.js';
import { doubtsAt } from '../lint/doubts.js';
import { findInterface } from '../lint/endpoints.js';
import { egressFor } from '../lint/topology.js';
import { matchingPatterns, namesOnlyRuleInterfaces, patternNote } from '../site/evidence.js';
import { interfaceList, noInterface } from '../site/spec.js';
import { resolveSiteWan } from '../site/wan.js';

export interface ExplainOptions {
  from: string;
  to: string;
  proto?: string;
  port?: string;
  in?: string;
  out?: string;
  state?: string;
  /** WAN interfaces, as `fwlint lint --wan`; default: found as lint finds them. */
  wan?: string[];
  /** The file holds several firewalls (VDOMs): a --wan another one holds is no error here. */
  multi?: boolean;
}

/**
 * Source and destination on one subnet of the interface the source sits behind: hosts there reach
 * each other directly, so the firewall never sees that traffic. `all`: every destination is there
 * (nothing is traced); else the trace is shown with a line saying which part does not apply.
 */
export interface SameSubnet {
  text: string;
  all: boolean;
}

export interface ExplainResult {
  parts: Part[];
  flow: Box;
  path: PathName;
  sameSubnet?: SameSubnet;
  /** Which ingress was assumed for --from, when --in did not give it and no interface holds it. */
  assumed?: string;
  /** What finding the WAN said (no WAN identified, an interface no rule names). */
  notes: string[];
}

/** Builds the flow class `fwlint explain` traces: interfaces default to where the addresses live. */
export function explainFlow(
  policy: Policy,
  o: ExplainOptions,
): { path: PathName; flow: Box; assumed?: string; notes: string[]; sameSubnet?: SameSubnet } {
  const toSelf = /^(self|firewall)$/i.test(o.to);
  // The WAN as lint finds it (--wan, the parser's WAN role, uplink hints), so both agree on it. First:
  // a --wan an nftables ruleset never names becomes an interface with a placeholder address (site/wan.ts).
  const notes: string[] = [];
  const notify = (n: Notification) => notes.push(n.message);
  const wan = resolveSiteWan(policy, o.wan ?? [], notify, '', o.multi === true).map((w) => w.iface);
  // The firewall's own addresses; a ruleset that names no interface still has one (unknown to it).
  const named = policy.interfaces.reduce((acc, i) => acc.union(i.addresses), NO_ADDR);
  const self = named.isEmpty ? unknownOwnAddress(false).union(unknownOwnAddress(true)) : named;
  // A packet never mixes families (docs/semantics.md#address-families): `any` at one end is the other
  // end's family when that end is of one family.
  const [src, dst] = oneFamily(addr(o.from, '--from'), toSelf ? self : addr(o.to, '--to'), toSelf);
  // Without --in/--out, destinations on the source's own subnet are not routed: said, and not traced
  // when that is all of them.
  const direct = toSelf || o.in || o.out ? undefined : sameSubnet(policy, src, dst);
  const protocols = o.proto ? protoSet([protocolOf(o.proto)]) : ANY_PROTO;
  let dport = ANY_PORT;
  if (o.port) {
    const r = parsePortRange(o.port);
    if (!r) throw new UsageError(`--port '${o.port}': expected a port or a range like 5060-5061`);
    dport = portSet([r]);
  }
  const given = o.in ? iface(policy, o.in, '--in', o.multi === true, notes) : undefined;
  const held = given ? undefined : holder(policy, src);
  const guess = (given ?? held) ? undefined : assumedIngress(src, wan);
  const iif = given ?? held ?? guess?.iif ?? NameSet.ANY;
  const oif = o.out
    ? iface(policy, o.out, '--out', o.multi === true, notes)
    : toSelf || dst.isSubsetOf(self)
      ? NameSet.ANY
      : egressFor(policy, wan, dst);
  const state = o.state ? NameSet.of(o.state.split(',').map(checkState)) : NameSet.of(['new']);
  const path = toSelf || (!dst.isEmpty && dst.isSubsetOf(self)) ? 'input' : 'forward';
  if (direct?.all) {
    // Nothing to route: the flow is shown without interfaces, as no filter of the firewall sees it.
    const flow = box({ src, dst, proto: protocols, dport, state });
    return { path, flow, notes, sameSubnet: { text: direct.text, all: true } };
  }
  const flow = box({ src, dst, proto: protocols, dport, iif, oif, state });
  return {
    path,
    flow,
    notes,
    ...(guess && { assumed: guess.text }),
    ...(direct && { sameSubnet: { text: direct.text, all: false } }),
  };
}

/**
 * The subnets of the internal interface that holds all of `src`, when they hold some of `dst`: hosts on
 * one subnet talk directly (one L2 segment), so that traffic never crosses the firewall's IP filter.
 */
function sameSubnet(policy: Policy, src: AddrSet, dst: AddrSet): SameSubnet | undefined {
  // `--to any` asks about everything: its own subnet is not what is meant, so it is not called out.
  if (src.isEmpty || dst.isEmpty || dst.isFull) return undefined;
  const i = policy.interfaces.find(
    (x) => x.role !== 'wan' && x.enabled && !x.networks.isEmpty && src.isSubsetOf(x.networks),
  );
  if (!i || !dst.overlaps(i.networks)) return undefined;
  const all = dst.isSubsetOf(i.networks);
  const on = `${formatAddrSet(i.networks)} on ${i.name}`;
  const text = all
    ? `${formatAddrSet(src)} and ${formatAddrSet(dst)} are on the same subnet (${on}): hosts on one subnet reach each ` +
      'other directly, so this traffic does not pass through the firewall and no rule of it applies ' +
      '(give --in and --out to trace it anyway, e.g. for a bridge that filters)'
    : `the part to ${formatAddrSet(dst.intersect(i.networks))} is on the source's own subnet (${on}): it does not ` +
      'pass through the firewall, so what is shown below for it does not apply';
  return { all, text };
}

/**
 * Where traffic from a source no interface holds arrives, as lint takes it: an internal source on any
 * interface but the WAN (a network no rule pairs with an interface, behind a router), an Internet
 * source on the WAN.
 */
function assumedIngress(src: AddrSet, wan: readonly string[]): { iif: NameSet; text: string } {
  const from = formatAddrSet(src);
  if (!src.isEmpty && src.isSubsetOf(NON_INTERNET)) {
    const except = wan.length ? ` (any except ${wan.join(', ')})` : '';
    return {
      iif: NameSet.except(wan),
      text: `no interface holds ${from}, so it is taken to arrive on any non-WAN interface${except}`,
    };
  }
  if (wan.length === 0)
    return {
      iif: NameSet.ANY,
      text: `${from} is on the Internet and no WAN interface is known, so it may arrive on any`,
    };
  return {
    iif: NameSet.of(wan),
    text: `${from} is on the Internet, so it is taken to arrive on the WAN (${wan.join(', ')})`,
  };
}

export function explain(policy: Policy, o: ExplainOptions): ExplainResult {
  const { path, flow, assumed, notes, sameSubnet: direct } = explainFlow(policy, o);
  const parts = direct?.all ? [] : tracePath(policy, flow, { path });
  return { parts, flow, path, notes, ...(assumed && { assumed }), ...(direct && { sameSubnet: direct }) };
}

export function formatExplain(
  policy: Policy,
  r: {
    parts: Part[];
    flow: Box;
    path: PathName;
    assumed?: string;
    notes?: readonly string[];
    sameSubnet?: SameSubnet;
  },
): string {
  const lines: string[] = [];
  const head = describeBox(r.flow) || 'any traffic';
  const how = r.sameSubnet?.all
    ? 'does not pass through this firewall'
    : r.path === 'input'
      ? 'to the firewall itself'
      : 'routed through';
  lines.push(`${policy.file}${policy.name ? ` [${policy.name}]` : ''}: ${head} (${how})`);
  if (r.sameSubnet) lines.push(`  same subnet: ${r.sameSubnet.text}`);
  if (r.sameSubnet?.all) return lines.join('\n') + '\n';
  if (r.assumed) lines.push(`  ingress: ${r.assumed}; give --in to choose the interface`);
  for (const n of r.notes ?? []) lines.push(`  ${n}`);
  lines.push(`  stages: ${stagesText(policy, r.path)}`);
  // Chains whose order the platform leaves undefined (nftables: equal priorities in different tables).
  for (const st of policy.ruleset[r.path])
    for (const g of st.unordered ?? []) lines.push(`  order: ${g.why}; shown in file order`);
  const natStages = new Set(
    [...policy.ruleset.forward, ...policy.ruleset.input]
      .filter((s) => s.kind === 'dnat' || s.kind === 'snat')
      .map((s) => s.name),
  );
  for (const p of r.parts) {
    const part = describeBox(p.box, r.flow);
    lines.push('');
    lines.push(`${p.verdict.toUpperCase()}${part ? ` ${part}` : ' (all of it)'}`);
    lines.push(`  decided by ${stepText(p.decidedBy)}`);
    if (p.path !== r.path) lines.push(`  after destination NAT: ${stagesText(policy, p.path)} (${pathText(p.path)})`);
    for (const t of p.translations) lines.push(`  ${translationText(t, p)}`);
    if (p.untracked) lines.push('  untracked: no NAT applies and replies find no connection state');
    p.trail.forEach((s, i) => {
      // A non-quick rule that stays the last match shows once, as its verdict.
      const next = p.trail[i + 1];
      if (
        s.effect === 'tentative' &&
        next &&
        next.rule === s.rule &&
        next.policy === s.policy &&
        next.effect !== 'tentative'
      )
        return;
      // In a NAT stage an accept means "leaves the stage untranslated".
      const effect = s.effect === 'accept' && natStages.has(s.stage) ? 'no-nat' : s.effect;
      lines.push(`    ${s.stage}/${s.chain}: ${effect.padEnd(9)} ${stepText(s)}`);
    });
    for (const l of p.limits)
      lines.push(
        `  jump depth limit: ${l.label} (line ${l.loc.line}) is not followed: it loops or nests deeper than ${MAX_JUMP_DEPTH} chains`,
      );
    // Rules that may still match: hostname/URL-table members, or a match fwlint cannot decide (its why).
    const unresolved = p.maybe.filter((m) => !m.match.uncertain?.length);
    if (unresolved.length)
      lines.push(
        `  uncertain: ${unresolved.map((m) => `${m.label} (line ${m.loc.line})`).join(', ')} ` +
          'match hostnames or URL tables that fwlint does not resolve',
      );
    for (const m of p.maybe.filter((x) => x.match.uncertain?.length))
      lines.push(
        `  uncertain: ${m.label} (line ${m.loc.line}) might match: ${[...new Set(m.match.uncertain?.map((u) => u.why))].join('; ')}`,
      );
    // As lint says of what rests on a reading no vendor source confirms (Policy.doubts).
    const locs = p.trail.flatMap((s) => {
      const loc = s.rule?.loc ?? s.policy?.loc;
      return loc ? [loc] : [];
    });
    for (const why of doubtsAt(policy.doubts ?? [], locs)) lines.push(`  uncertain: ${why}`);
  }
  // Never a trace without a verdict: a flow that holds no packet says so.
  if (r.parts.length === 0)
    lines.push('', 'NO VERDICT: the flow holds no packet (check --from, --to and --port), so nothing was traced');
  return lines.join('\n') + '\n';
}

function pathText(path: PathName): string {
  return path === 'input' ? 'to the firewall itself' : 'routed through';
}

function stagesText(policy: Policy, path: PathName): string {
  const stages = policy.ruleset[path];
  if (stages.length === 0) return '(none)';
  return stages.map((s) => (s.kind && s.kind !== 'filter' ? `${s.name} (${s.kind})` : s.name)).join(' -> ');
}

function endpoint(addr: Box['dst'], ports: Box['dport']): string {
  const a = formatAddrSet(addr);
  if (ports.isFull) return a;
  const p = formatPortSet(ports);
  return /^\d+(-\d+)?$/.test(p) && !a.includes(' ') ? `${a}:${p}` : `${a} port ${p}`;
}

/** `DNAT by VIP "phone-sip" (line 68): 203.0.113.10:5060 -> 10.20.0.50:5060` */
export function translationText(t: Translation, p: Part): string {
  const by = `${t.rule.label} (line ${t.rule.loc.line})`;
  if (t.kind === 'dnat')
    return `DNAT by ${by}: ${endpoint(p.box.dst, p.box.dport)} -> ${endpoint(p.out.dst, p.out.dport)}`;
  const ports = t.target.ports === 'random' ? 'source port rewritten' : 'source port kept when free';
  const why = t.target.portsReason ? `: ${t.target.portsReason}` : '';
  return `SNAT by ${by}: ${endpoint(p.box.src, p.box.sport)} -> ${endpoint(p.out.src, p.out.sport)} (${ports}${why})`;
}

function stepText(s: Step): string {
  if (s.rule)
    return `${s.rule.label} at ${s.rule.loc.file}:${s.rule.loc.line}${s.rule.implicit ? ` (${s.rule.implicit})` : ''}`;
  if (s.policy) {
    const kind = s.policy.source === 'default' ? 'default' : 'chain';
    return `${kind} policy ${s.policy.action}: ${s.policy.reason} (${s.policy.loc.file}:${s.policy.loc.line})`;
  }
  if (!s.chain) return `no rule: nothing on the ${s.stage} path filters it`;
  // The end of a chain without a policy (nftables bridge chains): it lets the packet on and decides nothing.
  return s.effect === 'accept' ? 'end of the chain, which has no policy: the packet goes on' : s.effect;
}

/** Each end cut to the other's family where that one is all IPv4 or all IPv6 (--to self: the source's decides). */
function oneFamily(src: AddrSet, dst: AddrSet, toSelf: boolean): [AddrSet, AddrSet] {
  const family = (a: AddrSet): boolean | undefined =>
    a.isEmpty ? undefined : allV4(a) ? false : allV6(a) ? true : undefined;
  const fs = family(src);
  const fd = toSelf ? undefined : family(dst);
  const s = fd === undefined ? src : inFamily(src, fd);
  const d = fs === undefined ? dst : inFamily(dst, fs);
  return [s, d];
}

function addr(text: string, flag: string) {
  if (/^any$/i.test(text)) return ANY_ADDR;
  const a = parseAddressSpec(text);
  if (!a) throw new UsageError(`${flag} '${text}': expected an address or CIDR (hostnames are never resolved)`);
  return a;
}

function protocolOf(text: string): number {
  const n = protocolNumber(text);
  if (n === undefined) throw new UsageError(`--proto '${text}': unknown protocol`);
  return n;
}

/** A file of several firewalls (VDOMs): --in and --out must name an interface of at least one. */
export function checkHeldByOne(policies: readonly Policy[], o: Pick<ExplainOptions, 'in' | 'out'>): void {
  const [first] = policies;
  if (!first || policies.length < 2) return;
  for (const [flag, name] of [
    ['--in', o.in],
    ['--out', o.out],
  ] as const)
    if (name && !policies.some((p) => namesOnlyRuleInterfaces(p) || findInterface(p, name)))
      throw noInterface(
        flag,
        name,
        name,
        first.file,
        policies.map((p) => `[${p.name ?? ''}] ${interfaceList(p)}`).join('; '),
      );
}

/**
 * An interface --in/--out names. Rulesets (nftables) name only some of theirs, and in a file of
 * several firewalls (VDOMs) another one may hold it: there any name is taken as given (nftables: as
 * the pattern that matches it, with a note in `notes`).
 */
function iface(policy: Policy, name: string, flag: string, multi: boolean, notes: string[]): NameSet {
  const i = findInterface(policy, name);
  // nftables: a name the rules match only through a pattern (`iifname "vlan*"`) is that pattern's, as in lint.
  const patterns = i ? [] : matchingPatterns(policy, name);
  const [rep] = patterns;
  if (rep) {
    notes.push(patternNote(flag, name, name, patterns));
    return NameSet.of([rep.name]);
  }
  if (!i && !multi && !namesOnlyRuleInterfaces(policy))
    throw noInterface(flag, name, name, policy.file, interfaceList(policy));
  return NameSet.of([i?.name ?? name]);
}

function holder(policy: Policy, a: ReturnType<typeof addr>): NameSet | undefined {
  const hit = policy.interfaces.filter((i) => i.role !== 'wan' && !i.networks.isEmpty && a.isSubsetOf(i.networks));
  return hit.length ? NameSet.of(hit.map((i) => i.name)) : undefined;
}

function checkState(s: string): string {
  if (!(CONN_STATES as readonly string[]).includes(s))
    throw new UsageError(`--state '${s}': expected ${CONN_STATES.join(', ')}`);
  return s;
}
