import { ingressOf, ownAddresses } from '../site/evidence.js';
import { box, type Box } from '../engine/box.js';
import { tracePath, type Part, type Translation } from '../engine/evaluate.js';
import { ANY_ADDR, ANY_V4, ANY_V6, formatAddrSet, NON_INTERNET, NO_ADDR, type AddrSet } from '../model/address.js';
import type { SourceLocation } from '../model/location.js';
import { NameSet } from '../model/name-set.js';
import { formatPortSet, formatProtoSet, NO_PORT, protoSet, type PortSet, type ProtoSet } from '../model/ports.js';
import type { Policy, PortBehaviour, Stage } from '../model/policy.js';
import type { Endpoints, RuleContext } from './context.js';
import { INTERNET, INTERNET_V4, INTERNET_V6, wanAddresses } from './topology.js';

/**
 * Thin readers of the packet path (src/engine): NAT is decided by the engine's NAT stages, these
 * only ask it and name what it applied.
 */

/** The source NAT a part of an outbound flow got: a translation, an exemption, or nothing. */
export interface SnatView {
  id: string;
  loc: SourceLocation;
  label: string;
  action: 'translate' | 'none';
  ports: PortBehaviour;
  portsReason?: string;
  uncertain?: string;
  implicit?: string;
}

export type DnatTranslation = Extract<Translation, { kind: 'dnat' }>;
export type SnatTranslation = Extract<Translation, { kind: 'snat' }>;

export function dnatOf(p: Part): DnatTranslation | undefined {
  return p.translations.find((t): t is DnatTranslation => t.kind === 'dnat');
}

/** Groups items by the destination NAT rule (port-forward, VIP, dst-nat) that translated them, in first-seen order. */
export function byForward<T>(
  items: Iterable<T>,
  dnat: (item: T) => DnatTranslation | undefined,
): { d: DnatTranslation; items: T[] }[] {
  const groups = new Map<string, { d: DnatTranslation; items: T[] }>();
  for (const item of items) {
    const d = dnat(item);
    if (!d) continue;
    const g = groups.get(d.rule.id) ?? { d, items: [] };
    g.items.push(item);
    groups.set(d.rule.id, g);
  }
  return [...groups.values()];
}

export function snatOf(p: Part): SnatTranslation | undefined {
  return p.translations.find((t): t is SnatTranslation => t.kind === 'snat');
}

/** What source NAT did to an accepted part: the translating rule, the exempting rule (accept in a NAT chain), or none. */
export function snatView(policy: Policy, p: Part): SnatView | undefined {
  const s = snatOf(p);
  if (s) {
    const v: SnatView = {
      id: s.rule.id,
      loc: s.rule.loc,
      label: s.rule.label,
      action: 'translate',
      ports: s.target.ports,
    };
    if (s.target.portsReason !== undefined) v.portsReason = s.target.portsReason;
    if (s.target.uncertain !== undefined) v.uncertain = s.target.uncertain;
    if (s.rule.implicit !== undefined) v.implicit = s.rule.implicit;
    return v;
  }
  const natStages = new Set(policy.ruleset[p.path].filter((st) => st.kind === 'snat').map((st) => st.name));
  const exempt = p.trail.find((st) => natStages.has(st.stage) && st.effect === 'accept' && st.rule)?.rule;
  if (!exempt) return undefined;
  const v: SnatView = { id: exempt.id, loc: exempt.loc, label: exempt.label, action: 'none', ports: 'preserve' };
  if (exempt.implicit !== undefined) v.implicit = exempt.implicit;
  return v;
}

/**
 * How the traffic of one source network to the Internet leaves through the WAN: the accepted parts
 * of its path grouped by the source NAT the path applied (one group per translating or exempting
 * rule, untracked, or none), in the order the parts first show each, with the union of their source
 * addresses. Dropped traffic is never translated.
 */
export interface OutboundPart {
  src: AddrSet;
  rule?: SnatView;
  /** Untracked packets (notrack, connection tracking off) are never NATed. */
  untracked?: boolean;
  /**
   * Untracked parts: the rule that took them out of connection tracking (a raw `notrack`, or the
   * platform's rule for tracking switched off), when the trail names one.
   */
  notrack?: NotrackView;
  /** The parts' boxes as they arrived (their union is the group's traffic), and the flow they are parts of. */
  boxes: Box[];
  whole: Box;
}

/** The rule that made a part untracked. */
export interface NotrackView {
  id: string;
  loc: SourceLocation;
  label: string;
  implicit?: string;
}

function notrackOf(p: Part): NotrackView | undefined {
  let rule: Part['trail'][number]['rule'];
  for (const st of p.trail) if (st.effect === 'notrack' && st.rule) rule = st.rule;
  if (!rule) return undefined;
  const v: NotrackView = { id: rule.id, loc: rule.loc, label: rule.label };
  if (rule.implicit !== undefined) v.implicit = rule.implicit;
  return v;
}

export function outboundNat(ctx: Pick<RuleContext, 'policy' | 'wan'>, from: Endpoints, v6 = false): OutboundPart[] {
  return cachedNat(ctx, from, v6, '', () => {
    const flow = outboundFlow(ctx, from, v6);
    return (
      oneOutcome(ctx, flow) ?? grouped(ctx.policy, flow, tracePath(ctx.policy, flow, { path: 'forward', wan: ctx.wan }))
    );
  });
}

/** One evaluation per firewall, network, family, WAN set and kind of trace: several rules and every profile ask. */
function cachedNat(
  ctx: Pick<RuleContext, 'policy' | 'wan'>,
  from: Endpoints,
  v6: boolean,
  kind: string,
  make: () => OutboundPart[],
): OutboundPart[] {
  const key = `${from.iface}|${formatAddrSet(from.networks, 64)}|${ctx.wan.join(',')}${v6 ? '|v6' : ''}|${kind}`;
  let byKey = natCache.get(ctx.policy);
  if (!byKey) natCache.set(ctx.policy, (byKey = new Map<string, OutboundPart[]>()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const parts = make();
  byKey.set(key, parts);
  return parts;
}

/**
 * The source NAT the network's traffic to the Internet would get if the filters let it out: the trace
 * through the NAT stages alone. Whether the phones sit behind NAT is a matter of the NAT configuration,
 * not of what the filters allow today. Empty when that cannot be read without the filters: a filter stage
 * rewrites packets itself, or NAT belongs to the policy that accepts (FortiGate without central NAT).
 */
export function natIfAllowed(ctx: Pick<RuleContext, 'policy' | 'wan'>, from: Endpoints, v6: boolean): OutboundPart[] {
  // A FortiGate without central NAT translates in the policy that accepts (nat.mode 'policy'): with no
  // accepting policy there is no NAT to read, and the SNAT stage alone would say "untranslated".
  if (filtersRewrite(ctx.policy) || ctx.policy.nat.mode?.value === 'policy') return [];
  return cachedNat(ctx, from, v6, 'unfiltered', () => {
    const bare = withoutFilters(ctx.policy);
    const flow = outboundFlow(ctx, from, v6);
    return grouped(bare, flow, tracePath(bare, flow, { path: 'forward', wan: ctx.wan }));
  });
}

const isFilter = (s: Stage): boolean => (s.kind ?? 'filter') === 'filter';

/** The policy with its NAT and raw stages only: each packet gets the treatment it gets when accepted. */
function withoutFilters(policy: Policy): Policy {
  const rs = policy.ruleset;
  return {
    ...policy,
    ruleset: { ...rs, forward: rs.forward.filter((s) => !isFilter(s)), input: rs.input.filter((s) => !isFilter(s)) },
  };
}

/** New connections from a network to the Internet through the WAN, in one address family. */
function outboundFlow(ctx: Pick<RuleContext, 'policy' | 'wan'>, from: Endpoints, v6: boolean): Box {
  // Source NAT is an IPv4 matter (FWL005 asks only that): IPv6 prefixes are routed, not translated. The
  // IPv6 view (`v6`) only says whether a NAT66/masquerade translates them anyway (phonesAreNated).
  return box({
    // The firewall's own addresses are not clients: their traffic needs no NAT (docs/site-detection.md).
    src: from.networks.intersect(v6 ? ANY_V6 : ANY_V4).subtract(ownAddresses(ctx.policy)),
    // Traffic to the firewall's own public addresses does not leave through the WAN either.
    dst: (v6 ? INTERNET_V6 : INTERNET_V4).subtract(ownAddresses(ctx.policy)),
    iif: ingressOf(from.iface, ctx.wan),
    oif: NameSet.of(ctx.wan),
    state: NameSet.of(['new']),
  });
}

/**
 * The accepted parts that leave for the Internet grouped by their source NAT, in first-seen order. A part
 * destination NAT sent to the firewall itself (a DNS redirect) or to an internal address never leaves.
 */
function grouped(policy: Policy, whole: Box, parts: readonly Part[]): OutboundPart[] {
  const groups = new Map<string, OutboundPart>();
  for (const p of parts) {
    if (p.verdict !== 'accept' || !leaves(p)) continue;
    const rule = snatView(policy, p);
    const notrack = p.untracked ? notrackOf(p) : undefined;
    const k = groupKey(rule, p.untracked, notrack);
    const g = groups.get(k);
    if (g) {
      g.src = g.src.union(p.box.src);
      g.boxes.push(p.box);
    } else {
      const part: OutboundPart = { src: p.box.src, boxes: [p.box], whole };
      if (rule) part.rule = rule;
      if (p.untracked) part.untracked = true;
      if (notrack) part.notrack = notrack;
      groups.set(k, part);
    }
  }
  return [...groups.values()];
}

/** Whether a part's packets still go out to the Internet after destination NAT. */
const leaves = (p: Part): boolean => p.path === 'forward' && p.out.dst.overlaps(INTERNET);

const groupKey = (rule: SnatView | undefined, untracked: boolean, notrack?: NotrackView): string =>
  `${untracked ? `untracked:${notrack?.id ?? ''}` : ''}|${rule?.action ?? ''}|${rule?.id ?? ''}`;

/** Whether a chain a filter stage reaches holds a NAT rule (then a filter stage could rewrite packets). */
function filtersRewrite(policy: Policy): boolean {
  const rs = policy.ruleset;
  const todo = [...rs.forward, ...rs.input].filter((s) => (s.kind ?? 'filter') === 'filter').flatMap((s) => s.chains);
  const seen = new Set<string>(todo);
  for (let name = todo.pop(); name !== undefined; name = todo.pop())
    for (const r of rs.chains[name]?.rules ?? []) {
      const a = r.action;
      if (a.kind === 'dnat' || a.kind === 'snat') return true;
      if ((a.kind === 'jump' || a.kind === 'goto') && !seen.has(a.chain)) {
        seen.add(a.chain);
        todo.push(a.chain);
      }
    }
  return false;
}

/** NAT and raw chains with more rules than this are not traced twice (FortiGate: one NAT entry per policy). */
const MAX_NAT_RULES = 512;

/**
 * The groups when every packet of the flow gets the same source NAT whatever the filters decide: at most
 * one group, and only its source addresses need the filters (tracePath's cover mode). Filter stages never
 * rewrite a packet, so the path without them gives each packet the treatment it gets when accepted.
 * Undefined when the treatment differs between packets (or the NAT chains are too large to trace twice).
 */
function oneOutcome(ctx: Pick<RuleContext, 'policy' | 'wan'>, flow: Box): OutboundPart[] | undefined {
  const rs = ctx.policy.ruleset;
  let natRules = 0;
  for (const s of [...rs.forward, ...rs.input])
    if (!isFilter(s)) for (const c of s.chains) natRules += rs.chains[c]?.rules.length ?? 0;
  if (natRules > MAX_NAT_RULES || filtersRewrite(ctx.policy)) return undefined;
  const bare = withoutFilters(ctx.policy);
  const bareParts = tracePath(bare, flow, { path: 'forward', wan: ctx.wan });
  const all = grouped(bare, flow, bareParts);
  const [only] = all;
  // Nothing accepted even without the filters: nothing leaves. Accepted parts that do not leave (sent to
  // the firewall or inside by destination NAT) need the full trace, as do several treatments.
  if (!bareParts.some((p) => p.verdict === 'accept')) return [];
  if (!only || all.length > 1) return undefined;
  const covering = tracePath(ctx.policy, flow, { path: 'forward', wan: ctx.wan, cover: true });
  // Cover mode keeps one accepted part per source; one that does not leave may hide others that do.
  if (covering.some((p) => p.verdict === 'accept' && !leaves(p))) return undefined;
  const parts = grouped(ctx.policy, flow, covering);
  const [got] = parts;
  if (!got) return [];
  // The same treatment as without the filters, or the premise failed: trace every part.
  if (
    parts.length > 1 ||
    groupKey(got.rule, got.untracked === true, got.notrack) !==
      groupKey(only.rule, only.untracked === true, only.notrack)
  )
    return undefined;
  // Cover mode keeps one accepted part per source: the boxes of the trace without the filters say which
  // packets get this treatment (the filters only decide which of them leave, and `src` says that).
  return [{ ...got, boxes: only.boxes }];
}

const natCache = new WeakMap<Policy, Map<string, OutboundPart[]>>();

/**
 * True when every phone network's traffic to the Internet is source-NATed, over IPv4 (or over IPv6 with
 * `v6`: a NAT66 or an `inet` masquerade; IPv6 prefixes are normally routed, and so reachable).
 */
export function phonesAreNated(ctx: Pick<RuleContext, 'policy' | 'wan' | 'phones'>, v6 = false): boolean {
  const out = ctx.phones.flatMap((p) => outboundNat(ctx, p, v6));
  // When the filters let nothing of the phones out, what NAT would do once they do decides: a pfSense
  // with automatic outbound NAT and no pass rule yet still keeps its phones behind NAT. (A FortiGate's
  // NAT belongs to the policy that accepts: without one, nothing is translated.)
  const parts = out.length > 0 ? out : ctx.phones.flatMap((p) => natIfAllowed(ctx, p, v6));
  return parts.length > 0 && parts.every((s) => s.rule?.action === 'translate');
}

/**
 * The address families in which inbound connections from the Internet reach the phones only through
 * port-forwards: IPv4 when the phones are behind source NAT; IPv6 when their IPv6 prefixes are
 * translated too (NAT66, an `inet` masquerade). Phones with no IPv6 address the Internet can reach (none,
 * or only unique-local and link-local ones) follow the IPv4 answer: no IPv6 flow from the Internet is
 * built for them anyway.
 */
export function natedFamilies(ctx: Pick<RuleContext, 'policy' | 'wan' | 'phones'>): { v4: boolean; v6: boolean } {
  const v4 = phonesAreNated(ctx);
  const v6Phones = ctx.phones.some((p) => !p.networks.intersect(ANY_V6).subtract(NON_INTERNET).isEmpty);
  return { v4, v6: v6Phones ? phonesAreNated(ctx, true) : v4 };
}

/**
 * New connections from the Internet to the WAN, traced: the parts destination NAT translated, with
 * the translation (the part's `out` is the packet after it, as the filter sees it).
 */
export function portForwarded(
  ctx: Pick<RuleContext, 'policy' | 'wan'>,
  parts: Partial<Pick<Box, 'proto' | 'dport'>> = {},
  dst: AddrSet = ANY_ADDR,
): { part: Part; dnat: DnatTranslation }[] {
  const key = [
    ctx.wan.join(','),
    parts.proto ? formatProtoSet(parts.proto) : '*',
    parts.dport ? formatPortSet(parts.dport) : '*',
    formatAddrSet(dst, 64),
  ].join('|');
  let byKey = fwdCache.get(ctx.policy);
  if (!byKey) fwdCache.set(ctx.policy, (byKey = new Map<string, { part: Part; dnat: DnatTranslation }[]>()));
  const hit = byKey.get(key);
  if (hit) return hit;
  // Without a known WAN, every interface stands for it.
  const iif = ctx.wan.length ? NameSet.of(ctx.wan) : NameSet.ANY;
  const flow = box({ src: INTERNET_V4, dst, iif, state: NameSet.of(['new']), ...parts });
  const out: { part: Part; dnat: DnatTranslation }[] = [];
  // Only translated parts are kept: the engine stops tracing what no DNAT stage translated.
  for (const part of tracePath(ctx.policy, flow, { wan: ctx.wan, dnatOnly: true })) {
    const dnat = dnatOf(part);
    if (dnat) out.push({ part, dnat });
  }
  byKey.set(key, out);
  return out;
}

const fwdCache = new WeakMap<Policy, Map<string, { part: Part; dnat: DnatTranslation }[]>>();

/**
 * Public addresses Internet traffic can arrive for: the WAN interfaces' own addresses plus every
 * address destination NAT on the WAN translates (FortiGate VIPs often use an extra public address).
 */
export function arrivingDestinations(ctx: Pick<RuleContext, 'policy' | 'wan'>): AddrSet {
  const acc = wanAddresses(ctx.policy, ctx.wan);
  let nated = NO_ADDR;
  for (const part of forwardHeads(ctx)) nated = nated.union(part.box.dst);
  return acc.union(nated.intersect(INTERNET_V4.union(acc)));
}

/**
 * New connections from the Internet to the WAN as destination NAT leaves them (tracePath dnatStop):
 * portForwarded's parts, each before the later stages split it, so the union of the parts' boxes (and of
 * their translated packets) per translation is the same and costs no walk of the filter.
 */
function forwardHeads(ctx: Pick<RuleContext, 'policy' | 'wan'>): Part[] {
  const key = ctx.wan.join(',');
  let byKey = headCache.get(ctx.policy);
  if (!byKey) headCache.set(ctx.policy, (byKey = new Map<string, Part[]>()));
  const hit = byKey.get(key);
  if (hit) return hit;
  const iif = ctx.wan.length ? NameSet.of(ctx.wan) : NameSet.ANY;
  // Destination NAT is an IPv4 matter here (port-forwards, VIPs): IPv6 phones are reached directly.
  const flow = box({ src: INTERNET_V4, dst: ANY_ADDR, iif, state: NameSet.of(['new']) });
  const parts = tracePath(ctx.policy, flow, { wan: ctx.wan, dnatOnly: true, dnatStop: true });
  byKey.set(key, parts);
  return parts;
}

const headCache = new WeakMap<Policy, Map<string, Part[]>>();

/**
 * The destination NAT rules that forward new connections from the Internet to `nets`, in the order
 * portForwarded's parts first show them, each with the union of the translated destinations of its
 * parts that reach `nets`, and of the protocols and destination ports they arrive with (what the rule
 * forwards, less what an earlier exempting rule such as pf `no rdr` takes). When at most one rule does,
 * and its parts' destinations lie inside `nets` or the rule names its address, the pieces destination
 * NAT leaves give the same (forwardHeads).
 */
export function forwardsTo(ctx: Pick<RuleContext, 'policy' | 'wan'>, nets: AddrSet): ForwardTo[] {
  const heads: { d: DnatTranslation; dst: AddrSet; box: Box }[] = [];
  for (const part of forwardHeads(ctx)) {
    const d = dnatOf(part);
    if (d && part.out.dst.overlaps(nets)) heads.push({ d, dst: part.out.dst, box: part.box });
  }
  const [first] = heads;
  if (!first) return [];
  const one = heads.every(
    ({ d, dst }) => d.rule.id === first.d.rule.id && (d.target.addr !== undefined || dst.isSubsetOf(nets)),
  );
  if (one) return [forwardTo(first.d, heads)];
  const reaching = portForwarded(ctx).filter(({ part }) => part.out.dst.overlaps(nets));
  return byForward(reaching, (f) => f.dnat).map(({ d, items }) =>
    forwardTo(
      d,
      items.map((f) => ({ dst: f.part.out.dst, box: f.part.box })),
    ),
  );
}

/** A destination NAT rule that forwards to some of `nets`: forwardsTo. */
export interface ForwardTo {
  d: DnatTranslation;
  /** The translated destinations. */
  to: AddrSet;
  /** The protocols and destination ports the forwarded packets arrive with. */
  proto: ProtoSet;
  dport: PortSet;
}

function forwardTo(d: DnatTranslation, parts: readonly { dst: AddrSet; box: Box }[]): ForwardTo {
  let to = NO_ADDR;
  let proto: ProtoSet = protoSet([]);
  let dport = NO_PORT;
  for (const p of parts) {
    to = to.union(p.dst);
    proto = proto.union(p.box.proto);
    dport = dport.union(p.box.dport);
  }
  return { d, to, proto, dport };
}

/**
 * "Any Internet address" as a requirement's far end on this firewall: the Internet of both families
 * without the site's internal subnets and the firewall's own public addresses (its interfaces' and every address destination NAT on the
 * WAN answers for: FortiGate VIPs, port-forwards). Google or a cloud EMM is never at the site's own
 * addresses, and traffic to them is a hairpin to the site's own servers, not what a provider requires.
 */
export function siteInternet(ctx: Pick<RuleContext, 'policy' | 'wan'>): AddrSet {
  const key = ctx.wan.join(',');
  let byKey = internetCache.get(ctx.policy);
  if (!byKey) internetCache.set(ctx.policy, (byKey = new Map<string, AddrSet>()));
  const hit = byKey.get(key);
  if (hit) return hit;
  // Destination NAT for every destination (a transparent redirect of a port, `dst any`) names no address
  // of the site's own: only the addresses the rules name (a few public ones) are left out.
  let named = wanAddresses(ctx.policy, ctx.wan);
  for (const part of forwardHeads(ctx))
    if (dnatOf(part) && part.box.dst.size() <= MAX_OWN_PUBLIC) named = named.union(part.box.dst);
  // The subnets of the internal interfaces are the site's too: a routed IPv6 prefix (a LAN's, the
  // phones' own) lies in the global unicast space but is no Internet destination.
  let inside = NO_ADDR;
  for (const i of ctx.policy.interfaces) if (!ctx.wan.includes(i.name)) inside = inside.union(i.networks);
  const own = ownAddresses(ctx.policy).union(named).union(inside);
  const out = INTERNET.subtract(own);
  byKey.set(key, out);
  return out;
}

const internetCache = new WeakMap<Policy, Map<string, AddrSet>>();

/** The most addresses one destination NAT may name and still be the site's own (a /16). */
const MAX_OWN_PUBLIC = 1n << 16n;
