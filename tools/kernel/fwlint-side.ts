/**
 * fwlint's answer to each probe, from the engine's packet path: `tracePath` (src/engine/evaluate.ts)
 * gives the verdict and the step that decided, the translations (DNAT, SNAT) with their rules, the
 * packet as it leaves (`out`), whether it is untracked, and the UDP timeout of the connection.
 * Replies are asked the way FWL008 asks (rules/return-traffic-blocked.ts): the mirrored packet in
 * the state the outbound part left, through the forward path. This is the only file that knows the
 * engine's API.
 *
 * The engine routes by the interfaces' addresses and networks; the harness gives it the topology the
 * kernel has (the router's WAN address, the phones' network behind the phones' interface), so both
 * route the same packet the same way.
 */
import { timeoutOrders } from '../../src/engine/unordered.js';
import { box, type Box } from '../../src/engine/box.js';
import {
  traceOutput,
  tracePath,
  type ChosenTranslation,
  type Part,
  type Step,
  type Translation,
} from '../../src/engine/evaluate.js';
import { NO_ADDR, formatAddrSet, formatAddress, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import { ECHO_REPLY } from '../../src/model/icmp.js';
import type { Interface, Policy } from '../../src/model/policy.js';
import { PROTO, formatPortSet, portSet, protoSet } from '../../src/model/ports.js';
import type { FwlintObs, KernelObs, Probe } from './probes.js';

export interface Site {
  policy: Policy;
  phonesIf: string;
  wanIf: string;
  wanAddr: string;
  /** The phones' network, as given with --phones. */
  phonesCidr: string;
  /** The router's address in the phones' network. */
  routerAddr?: string;
}

function addr(a: string): AddrSet {
  const s = parseAddressSpec(a);
  if (!s) throw new Error(`not an address: ${a}`);
  return s;
}

/** The policy with the interfaces the namespaces give the router (kept per policy and site). */
const topologyCache = new WeakMap<Policy, Map<string, Policy>>();

export function withTopology(site: Site): Policy {
  const key = [site.phonesIf, site.wanIf, site.wanAddr, site.phonesCidr, site.routerAddr ?? ''].join('|');
  let byKey = topologyCache.get(site.policy);
  if (!byKey) topologyCache.set(site.policy, (byKey = new Map<string, Policy>()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const ifaces: Interface[] = site.policy.interfaces.map((i) => ({ ...i }));
  const get = (name: string, role: Interface['role']): Interface => {
    const found = ifaces.find((x) => x.name === name);
    const i: Interface = found ?? {
      name,
      role,
      networks: NO_ADDR,
      addresses: NO_ADDR,
      enabled: true,
      loc: { file: 'kernel-check', line: 1, column: 1, endLine: 1 },
    };
    if (!found) ifaces.push(i);
    i.role = role;
    return i;
  };
  // Exactly what the namespaces have: the ruleset's own guesses (a placeholder for a dynamic
  // address, a network read from the rules) are replaced, not added to.
  get(site.wanIf, 'wan').addresses = addr(site.wanAddr);
  const phones = get(site.phonesIf, 'lan');
  phones.networks = addr(site.phonesCidr);
  phones.addresses = site.routerAddr ? addr(site.routerAddr) : NO_ADDR;
  const policy: Policy = { ...site.policy, interfaces: ifaces };
  byKey.set(key, policy);
  return policy;
}

/** The single packet of a probe as a flow class. */
function packet(p: Probe, iif: string, oif: string | undefined, state: string): Box {
  const ports =
    p.proto === 'icmp' ? {} : { sport: portSet([[p.sport, p.sport]]), dport: portSet([[p.dport, p.dport]]) };
  return box({
    src: addr(p.src),
    dst: addr(p.dst),
    proto: protoSet([PROTO[p.proto]]),
    ...ports,
    iif: NameSet.of([iif]),
    ...(oif ? { oif: NameSet.of([oif]) } : {}),
    state: NameSet.of([state]),
  });
}

function ruleName(s: { rule?: Step['rule']; chain: string }): string {
  return s.rule ? `${s.rule.label} (line ${s.rule.loc.line}, chain ${s.chain})` : `chain ${s.chain}`;
}

export function describeStep(s: Step | undefined): string {
  // The engine names an empty chain when no base chain is on the path.
  if (!s || (!s.chain && !s.rule)) return 'no base chain on the path (nothing filters it)';
  if (s.rule) return ruleName(s);
  if (s.policy) return `policy ${s.policy.action} of chain ${s.chain} (${s.policy.source})`;
  return `${s.effect} at the end of chain ${s.chain}`;
}

/** One packet has one part; several only arise from dimensions the probe leaves open. Prefer a drop. */
function partOf(parts: Part[]): Part | undefined {
  return parts.find((p) => p.verdict === 'drop') ?? parts[0];
}

/** The rules that make a part's verdict uncertain, with why (FwlintObs.uncertain). */
function uncertainty(part: Part | undefined): Pick<FwlintObs, 'uncertain' | 'uncertainActs'> {
  if (!part || part.maybe.length === 0) return {};
  const why = (r: Part['maybe'][number]): string => {
    const u = r.match.uncertain?.[0];
    return u ? u.why : 'it matches hostnames or URL tables';
  };
  const text = part.maybe.map((r) => `${r.label} (line ${r.loc.line}) might match: ${why(r)}`).join('; ');
  // A rule that only counts or sets a timeout (no verdict) cannot change where the packet goes.
  return { uncertain: text, ...(part.maybe.some((r) => r.action.kind !== 'continue') ? { uncertainActs: true } : {}) };
}

function verdictText(part: Part | undefined): string {
  if (!part) return 'no base chain on the path';
  return describeStep(part.decidedBy);
}

const one = (s: AddrSet): string | undefined => {
  const iv = [...s.intervals()];
  const first = iv[0];
  return iv.length === 1 && first && first[0] === first[1] ? formatAddress(first[0]) : undefined;
};

function dnatText(t: Extract<Translation, { kind: 'dnat' }>, part: Part): string {
  const to = one(part.out.dst) ?? formatAddrSet(part.out.dst, 3);
  const port = part.out.dport.isFull ? '' : `:${formatPortSet(part.out.dport)}`;
  return `dnat by ${ruleName(t)} to ${to}${port}`;
}

function lastOf<K extends Translation['kind']>(part: Part, kind: K): Extract<Translation, { kind: K }> | undefined {
  const all = part.translations.filter((t): t is Extract<Translation, { kind: K }> => t.kind === kind);
  return all[all.length - 1];
}

function trace(site: Site, flow: Box, path?: 'forward' | 'input', replyTo?: Part, chosen?: ChosenTranslation): Part[] {
  return tracePath(withTopology(site), flow, {
    ...(path ? { path } : {}),
    wan: [site.wanIf],
    ...(replyTo ? { replyTo } : {}),
    ...(chosen ? { chosen } : {}),
  });
}

/**
 * The translation the kernel chose for the outbound flow (conntrack's reply tuple), for the reply
 * question: the reply is addressed to exactly that source, whatever else the rule allowed (`random`,
 * `fully-random`, a port range, another port after a clash). fwlint's lint cannot know it; the
 * harness watched the packet, so it asks about that packet.
 */
function observed(out: Part, seen: KernelObs['chosen']): { chosen: ChosenTranslation; text: string } | undefined {
  const s = lastOf(out, 'snat');
  if (!seen || !s || out.untracked) return undefined;
  const src = addr(seen.src);
  const sport = portSet([[seen.sport, seen.sport]]);
  const unknownAddr = out.out.src.equals(out.box.src);
  const inside = (unknownAddr || src.isSubsetOf(out.out.src)) && out.out.sport.has(seen.sport);
  const also = inside
    ? ''
    : `, outside fwlint's translation ${formatAddrSet(out.out.src, 3)}:${formatPortSet(out.out.sport)}`;
  return {
    chosen: { src, sport },
    text: `${ruleName(s)} chose ${seen.src}:${seen.sport} (observed in conntrack${also})`,
  };
}

function outboundPart(site: Site, p: Probe): Part | undefined {
  return partOf(trace(site, packet(p, site.phonesIf, site.wanIf, 'new'), 'forward'));
}

function outbound(site: Site, p: Probe): FwlintObs {
  const part = outboundPart(site, p);
  if (part?.verdict !== 'accept') return { passed: false, by: verdictText(part), ...uncertainty(part) };
  const by = verdictText(part);
  const d = lastOf(part, 'dnat');
  // Delivered to the provider: accepted, routed out of the WAN, still addressed to the provider.
  const toProvider =
    part.path === 'forward' &&
    addr(p.dst).isSubsetOf(part.out.dst) &&
    part.out.dport.has(p.dport) &&
    part.out.oif.has(site.wanIf);
  if (!toProvider) return { passed: false, by: `${by}, but ${d ? dnatText(d, part) : 'not routed to the provider'}` };
  const s = lastOf(part, 'snat');
  if (part.untracked) return { passed: true, by, natBy: 'untracked: never NATed' };
  if (!s) {
    const natStages = new Set(
      withTopology(site)
        .ruleset.forward.filter((st) => st.kind === 'snat')
        .map((st) => st.name),
    );
    const exempt = part.trail.find((st) => natStages.has(st.stage) && st.effect === 'accept' && st.rule);
    return { passed: true, by, natBy: exempt ? `exempted by ${ruleName(exempt)}` : 'no source NAT rule' };
  }
  const src = one(part.out.src);
  const kept = s.target.ports !== 'random' && part.out.sport.isSubsetOf(portSet([[p.sport, p.sport]]));
  return {
    passed: true,
    by,
    nat: { addr: src ?? '?', ports: kept ? 'preserve' : 'random' },
    natBy: ruleName(s),
  };
}

/**
 * The mirrored packet of the outbound one, as FWL008 builds it (state of the outbound part), through
 * the forward path; with the translation the kernel chose for the flow when the harness observed it.
 */
function reply(site: Site, p: Probe, seen?: KernelObs['chosen']): FwlintObs {
  const o = p.of;
  const out = o ? outboundPart(site, o) : undefined;
  if (!o || out?.verdict !== 'accept') return { passed: false, by: 'the outbound packet is dropped' };
  const b = out.box;
  const flow: Box = {
    ...b,
    src: b.dst,
    dst: b.src,
    sport: b.dport,
    // FWL008 leaves the port open (the phone's source port is unknown); the probe knows it.
    dport: b.sport,
    iif: b.oif,
    oif: b.iif,
    state: NameSet.of([out.untracked ? 'untracked' : 'established']),
  };
  // Chains before the NAT reversal see the reply addressed to the translated source (replyTo).
  const chose = observed(out, seen);
  const part = partOf(trace(site, flow, 'forward', out, chose?.chosen));
  const state = out.untracked ? 'untracked' : 'established';
  const by = `${state}${chose ? `, ${chose.text}` : ''}: ${verdictText(part)}`;
  return { passed: part?.verdict === 'accept', by, ...uncertainty(part) };
}

/**
 * The firewall's echo reply: a packet it sends itself, through the output and postrouting stages
 * (docs/semantics.md#nft-hooks). It belongs to the request's connection (established) when the
 * request was tracked; after an untracked request conntrack finds no entry and an echo reply cannot
 * start one (nf_conntrack_icmp), so it reads invalid. Locally sent packets have no input interface.
 */
function echoReply(site: Site, request: Part): Part | undefined {
  const b = request.out;
  const flow: Box = {
    ...b,
    src: b.dst,
    dst: b.src,
    iif: NameSet.of(['(local)']),
    oif: NameSet.of([site.wanIf]),
    state: NameSet.of([request.untracked ? 'invalid' : 'established']),
    icmpType: ECHO_REPLY,
  };
  return partOf(traceOutput(withTopology(site), flow, { wan: [site.wanIf] }));
}

function ping(site: Site, p: Probe): FwlintObs {
  const part = partOf(trace(site, packet(p, site.wanIf, undefined, 'new')));
  const d = part ? lastOf(part, 'dnat') : undefined;
  const by = verdictText(part);
  const request = d && part ? `${dnatText(d, part)}; ${by}` : by;
  const back = part?.verdict === 'accept' && part.path === 'input' ? echoReply(site, part) : undefined;
  const unsure = uncertainty(back && (back.verdict === 'drop' || back.maybe.length > 0) ? back : part);
  if (back?.verdict === 'drop')
    return { passed: false, by: `${request}; the echo reply is dropped by ${verdictText(back)}`, ...unsure };
  const to = d && part?.path === 'forward' ? one(part.out.dst) : undefined;
  const elsewhere = to && !addr(site.phonesCidr).overlaps(part?.out.dst ?? addr(to)) ? { elsewhere: to } : {};
  return { passed: part?.verdict === 'accept', by: request, ...unsure, ...elsewhere };
}

function forward(site: Site, p: Probe): FwlintObs {
  const part = partOf(trace(site, packet(p, site.wanIf, undefined, 'new')));
  if (!part) return { passed: false, by: 'no base chain on the path' };
  const d = lastOf(part, 'dnat');
  const by = verdictText(part);
  if (!d) return { passed: false, by: `no port-forward translates it (${part.path} path; ${by})` };
  const to = one(part.out.dst);
  const fwd = dnatText(d, part);
  const phones = addr(site.phonesCidr);
  const atPhone = !!to && part.path === 'forward' && part.out.dst.isSubsetOf(phones);
  if (!atPhone) return { passed: false, by: `${fwd}, not a phone; ${by}`, ...(to ? { to } : {}) };
  return { passed: part.verdict === 'accept', by: `${fwd}; filter: ${by}`, to };
}

/** The idle timeout the engine gives the accepted, tracked outbound UDP connection. */
function timeout(site: Site, p: Probe): FwlintObs {
  const part = p.of ? outboundPart(site, p.of) : undefined;
  if (part?.verdict !== 'accept') return { passed: false, by: 'the outbound packet is dropped' };
  if (part.untracked) {
    const n = part.trail.find((s) => s.effect === 'notrack');
    return { passed: true, by: `untracked${n ? ` by ${ruleName(n)}` : ''}`, timeout: 'untracked' };
  }
  const t = part.udpTimeout ?? site.policy.sessions.udpTimeout;
  const step = [...part.trail].reverse().find((s) => s.rule?.udpTimeout === t);
  const global = t === site.policy.sessions.udpTimeout;
  const where = step ? `set by ${ruleName(step)}` : global ? `global, ${t.source}` : t.reason;
  const helper = part.trail.some((s) => s.rule?.helperTimeout === t);
  // Chains of equal priority in different tables: lint reports each order's timeout (FWL003).
  const orders = timeoutOrders(site.policy, part);
  const others = orders.length
    ? {
        otherTimeouts: orders.map((o) => o.timeout.value),
        uncertain: orders.map((o) => `${o.group.why}; ${o.how}, ${String(o.timeout.value)} s`).join('; '),
      }
    : {};
  return {
    passed: true,
    by: `${t.value} s (${where})`,
    timeout: t.value,
    ...(helper ? { helperRefresh: true } : {}),
    ...others,
  };
}

/**
 * fwlint's answer to a probe. `seen`: the kernel's observation of the outbound probe a reply follows
 * (its chosen translation narrows the reply question to the packet the kernel handled).
 */
export function fwlintAnswer(site: Site, p: Probe, seen?: KernelObs): FwlintObs {
  switch (p.kind) {
    case 'out':
      return { ...outbound(site, p), ...uncertainty(outboundPart(site, p)) };
    case 'reply':
      return reply(site, p, seen?.chosen);
    case 'ping':
      return ping(site, p);
    case 'forward':
      return forward(site, p);
    case 'timeout':
      return timeout(site, p);
  }
}
