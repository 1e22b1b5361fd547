import { ownAddresses } from '../site/evidence.js';
import { box, intersect, isEmptyBox, subtract, type Box } from '../engine/box.js';
import { evaluate } from '../engine/evaluate.js';
import { ANY_V4, formatAddrSet, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import type { Endpoints, RuleContext } from './context.js';
import { INTERNET, wanAddresses } from './topology.js';
import type { DnatRule, Match, Policy, SnatRule } from '../model/policy.js';
import { portSet } from '../model/ports.js';

/** Splits a flow by the first rule of a list that matches each part; parts no rule matches have none. */
export function firstMatchParts<R extends { match: Match }>(rules: readonly R[], flow: Box): { box: Box; rule?: R }[] {
  if (isEmptyBox(flow)) return [];
  let pending: Box[] = [flow];
  const out: { box: Box; rule?: R }[] = [];
  for (const rule of rules) {
    if (pending.length === 0) break;
    const next: Box[] = [];
    for (const b of pending) {
      const hit = intersect(b, rule.match);
      if (!hit) {
        next.push(b);
        continue;
      }
      out.push({ box: hit, rule });
      next.push(...subtract(b, rule.match));
    }
    pending = next;
  }
  for (const b of pending) out.push({ box: b });
  return out;
}

/** Which source-NAT rule handles each part of an outbound flow (first match wins). */
export const snatParts = (policy: Policy, flow: Box) => firstMatchParts<SnatRule>(policy.nat.snat, flow);

/** Which port-forward translates each part of an inbound flow (first match wins; an exemption translates nothing). */
export const dnatParts = (policy: Policy, flow: Box) =>
  firstMatchParts<DnatRule>(policy.nat.dnat, flow).map((p) => (p.rule?.action === 'none' ? { box: p.box } : p));

/**
 * The flow as it looks after a port-forward: destination rewritten to the target and ports shifted
 * so the first forwarded port lands on the target's first port (ranges keep their width, as pf's
 * `local-port` and FortiGate's `mappedport` do).
 */
export function translate(b: Box, rule: DnatRule): Box {
  const start = rule.to.port;
  const nat = NameSet.of(['dnat']);
  if (start === undefined || b.dport.isEmpty) return { ...b, dst: rule.to.addr, nat };
  const from = rule.match.dport;
  const base = (from && !from.isFull && !from.isEmpty ? from.bounds[0] : undefined) ?? b.dport.bounds[0] ?? start;
  const shifted: [number, number][] = [];
  for (const [lo, hi] of b.dport.intervals()) shifted.push([start + (lo - base), start + (hi - base)]);
  return { ...b, dst: rule.to.addr, dport: portSet(shifted), nat };
}

/**
 * How the traffic of one source network to the Internet leaves through the WAN, split by SNAT rule.
 * Only what the filter accepts leaves at all, so only that is split: dropped traffic is never translated.
 */
export function outboundNat(
  ctx: Pick<RuleContext, 'policy' | 'wan'>,
  from: Endpoints,
): { box: Box; rule?: SnatRule }[] {
  // One evaluation per firewall, network and WAN set: several rules and every profile ask.
  const key = `${from.iface}|${formatAddrSet(from.networks, 64)}|${ctx.wan.join(',')}`;
  let byKey = natCache.get(ctx.policy);
  if (!byKey) natCache.set(ctx.policy, (byKey = new Map()));
  const hit = byKey.get(key);
  if (hit) return hit;
  // Source NAT is an IPv4 matter: IPv6 prefixes are routed, not translated.
  const flow = box({
    // The firewall's own addresses are not clients: their traffic needs no NAT (docs/site-detection.md).
    src: from.networks.intersect(ANY_V4).subtract(ownAddresses(ctx.policy)),
    dst: INTERNET,
    iif: NameSet.of([from.iface]),
    oif: NameSet.of(ctx.wan),
    state: NameSet.of(['new']),
  });
  const parts = evaluate(ctx.policy.ruleset, 'forward', flow)
    .filter((p) => p.verdict === 'accept')
    .flatMap((p) => snatParts(ctx.policy, p.box));
  byKey.set(key, parts);
  return parts;
}

const natCache = new WeakMap<Policy, Map<string, { box: Box; rule?: SnatRule }[]>>();

/** True when every phone network's traffic to the Internet is source-NATed. */
export function phonesAreNated(ctx: Pick<RuleContext, 'policy' | 'wan' | 'phones'>): boolean {
  const parts = ctx.phones.flatMap((p) => outboundNat(ctx, p));
  return parts.length > 0 && parts.every((s) => s.rule?.action === 'translate');
}

/**
 * Public addresses Internet traffic can arrive for: the WAN interfaces' own addresses plus every
 * address a port-forward on a WAN listens on (FortiGate VIPs often use an extra public address).
 */
export function arrivingDestinations(ctx: Pick<RuleContext, 'policy' | 'wan'>): AddrSet {
  let acc = wanAddresses(ctx.policy, ctx.wan);
  const wan = NameSet.of(ctx.wan);
  for (const d of ctx.policy.nat.dnat) {
    if (d.action === 'none' || !d.match.dst || (d.match.iif && !d.match.iif.overlaps(wan))) continue;
    acc = acc.union(d.match.dst.intersect(INTERNET));
  }
  return acc;
}
