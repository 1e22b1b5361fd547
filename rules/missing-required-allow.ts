import type { Part } from '../src/engine/evaluate.js';
import type { Rule } from '../src/model/policy.js';
import { portSet } from '../src/model/ports.js';
import { ANY_NON_WAN, ifaceLabel } from '../src/site/evidence.js';
import { NameSet } from '../src/model/name-set.js';
import { membersOf, uncertainWhy } from './doubt.js';
import type { LintRule } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';
import type { RuleContext } from '../src/lint/context.js';
import { stepKey } from '../src/lint/finding.js';
import type { Evidence, RuleMeta } from '../src/model/report.js';
import type { FlowRequirement } from '../src/model/profile.js';
import { passed, stepEvidence } from '../src/verdicts/record.js';
import { headline, reportBlockedFlows } from './blocked.js';
import { describeFlow, evaluatedFlows, reversedFlows, type EvaluatedFlow } from './required-flows.js';

/** FWL001: a flow the provider requires is blocked, by a rule or by a default policy. */
export const missingRequiredAllow: LintRule = {
  meta: {
    id: 'FWL001',
    name: 'missing-required-allow',
    shortDescription: 'A flow the provider requires is blocked.',
    fullDescription:
      'Evaluates each flow the provider document requires (protocol, ports, provider networks) through ' +
      'the firewall as it would run it — rule order, defaults, jumps — and reports the rule or default ' +
      'policy that blocks any part of it.',
    defaultLevel: 'error',
    securitySeverity: 5.0,
    precision: 'very-high',
    tags: ['voip', 'reachability', 'availability'],
    help: {
      what:
        'Part of a flow that the provider requires (for example SIP or RTP from the phones to the provider ' +
        'networks) is dropped by the firewall.',
      why:
        'Phones fail to register, calls have one-way or no audio, or provisioning and firmware updates ' +
        'fail when a required flow is blocked.',
      fix: {
        generic:
          'Allow the reported protocol, ports and networks where the traffic arrives (the phone network for ' +
          'its outbound flows, the WAN or a server network for inbound ones) before the blocking rule, or ' +
          'change the blocking rule so it no longer covers them.',
        pfsense:
          "Firewall > Rules > (the interface the traffic arrives on: the phones' for their outbound flows, WAN or " +
          "the server's for inbound ones): add a pass rule for the protocol, ports and provider " +
          'alias above the blocking rule (interface rules are first-match; a floating block without "Quick" ' +
          'loses to a quick pass anywhere or to a later pass, so against one add a floating pass rule with "Quick" ticked).',
        opnsense:
          'Firewall > Rules > (the interface the traffic arrives on): add a pass rule above the blocking rule (check its sequence ' +
          'number; a floating block without "Quick" loses to a quick pass anywhere or to a later pass, so against ' +
          'one add a floating pass rule with "Quick" ticked).',
        fortigate:
          'config firewall policy: add an accept policy from the interface the traffic arrives on (srcintf: the ' +
          "phones' for outbound flows, the WAN for inbound ones) to the one it leaves by (dstintf) for the provider " +
          'address and service, then `move <new id> before <blocking id>` (policies match in file order, not by id).',
        mikrotik:
          '/ip firewall filter add chain=forward src-address=<phones> dst-address=<provider> protocol=udp ' +
          'dst-port=<ports> action=accept place-before=<blocking rule>',
        nftables:
          'Add an accept rule (e.g. `ip saddr <phones> ip daddr <provider> udp dport <ports> accept`) ' +
          'before the drop, and make sure no other base chain on the forward hook drops it.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const byReq = groupByRequirement(evaluatedFlows(ctx).map(reaching));
    const reversed = groupByRequirement(reversedFlows(ctx).map(reaching));
    for (const evs of byReq.values()) {
      const req = evs[0]?.req;
      if (!req) continue;
      const rev = reversed.get(req.id) ?? [];
      if (req.ambiguousDirection && rev.length > 0) {
        out.push(...judgeBothWays(this.meta, ctx, req, evs, rev, req.ambiguousDirection));
        continue;
      }
      recordPass(ctx, evs);
      if (evs.some((ev) => ev.hostnamesOnly)) continue; // FWL012 speaks for hostname-only requirements
      out.push(...blocked(this.meta, ctx, req, evs));
    }
    return out;
  },
};

/**
 * The flow as its far end sees it. Every required flow is traced as routed traffic, so a part that
 * ends on the input path was sent to the firewall itself by destination NAT (a redirect, or a dnat to
 * one of its own addresses): the input chain may accept it, but it never reaches the provider. Such a
 * part is taken as stopped by the NAT rule that redirected it (blocked.ts reports it as redirected,
 * uncertain: a proxy on the firewall may relay it). The parts themselves are shared: copies change.
 */
function reaching(ev: EvaluatedFlow): EvaluatedFlow {
  if (!ev.parts.some(redirectedHere)) return ev;
  return {
    ...ev,
    parts: ev.parts.map((p) => {
      if (!redirectedHere(p)) return p;
      const nat = [...p.trail].reverse().find((s) => s.effect === 'dnat');
      return nat ? { ...p, verdict: 'drop' as const, decidedBy: nat } : p;
    }),
  };
}

/**
 * A part sent to the firewall itself that the input path accepts. DNS queries (port 53) are not: a
 * resolver on the firewall answers them, as FWL009 takes a DNS redirect to be answered, so the phones
 * get what the flow is for (docs/semantics.md#nft-nat).
 */
const redirectedHere = (p: Part): boolean =>
  p.verdict === 'accept' && p.path === 'input' && !p.box.dport.isSubsetOf(DNS_PORT);

const DNS_PORT = portSet([[53, 53]]);

function groupByRequirement(evs: readonly EvaluatedFlow[]): Map<string, EvaluatedFlow[]> {
  const byReq = new Map<string, EvaluatedFlow[]>();
  for (const ev of evs) byReq.set(ev.req.id, [...(byReq.get(ev.req.id) ?? []), ev]);
  return byReq;
}

/** One finding per cause that blocks part of `evs` (the requirement's flows, one per source network). */
function blocked(
  meta: RuleMeta,
  ctx: RuleContext,
  req: FlowRequirement,
  evs: EvaluatedFlow[],
  key: string[] = [],
): Finding[] {
  return reportBlockedFlows(
    meta,
    ctx,
    evs.map((ev) => ({
      parts: ev.parts,
      whole: ev.flow.box,
      text: describeFlow(ev.flow),
      ingressUnknown: ev.flow.from.iface === ANY_NON_WAN,
      v6: ev.flow.v6,
    })),
    {
      subject: `Required flow "${req.description}"`,
      fixRule: { allow: 'allow it', narrow: true },
      fixDefault: (i) =>
        defaultFix(
          ctx,
          i.map((n) => evs[n]).filter((ev) => ev !== undefined),
        ),
      requirement: req.id,
      level: req.severity,
      key,
    },
  );
}

const allowed = (evs: readonly EvaluatedFlow[]) => evs.every((ev) => ev.parts.every((p) => p.verdict === 'accept'));

/**
 * A requirement whose direction the document leaves ambiguous, judged both ways (`evs` as the profile
 * states it, `rev` reversed): allowed both ways passes, blocked both ways fails (the findings of the
 * stated direction, saying the other is blocked too), and allowed one way only is uncertain: the
 * findings of the blocked way, quoting the document's ambiguous words.
 */
function judgeBothWays(
  meta: RuleMeta,
  ctx: RuleContext,
  req: FlowRequirement,
  evs: EvaluatedFlow[],
  rev: EvaluatedFlow[],
  ambiguity: { quote: string; reading: string },
): Finding[] {
  const stated = req.direction;
  const other = stated === 'outbound' ? 'inbound' : 'outbound';
  const flows = (list: readonly EvaluatedFlow[]) => list.map((ev) => describeFlow(ev.flow)).join('; ');
  const doc = `The document is ambiguous about its direction: "${ambiguity.quote}" (${ambiguity.reading})`;
  const statedOk = allowed(evs);
  const otherOk = allowed(rev);
  if (statedOk && otherOk) {
    recordPass(ctx, [...evs, ...rev], ' (both ways: the document is ambiguous about its direction)');
    return [];
  }
  if (!statedOk && !otherOk)
    return blocked(meta, ctx, req, evs).map((f) => ({
      ...f,
      details: `${f.details ?? ''} ${doc}; ${other}, it is blocked too: ${flows(rev)}.`.trim(),
    }));
  const [blockedWay, blockedFlows, allowedWay, allowedFlows] = statedOk
    ? [other, rev, stated, evs]
    : [stated, evs, other, rev];
  const tail = `is blocked ${blockedWay}, allowed ${allowedWay}: its direction is ambiguous.`;
  return blocked(meta, ctx, req, blockedFlows, statedOk ? ['reversed'] : []).map((f) => ({
    ...f,
    level: f.level === 'error' ? 'warning' : f.level,
    uncertain: true,
    message: headline(`Required flow "${req.description}"`, tail),
    details: `${doc}. Allowed ${allowedWay}: ${flows(allowedFlows)}. ${f.details ?? ''}`.trim(),
  }));
}

/**
 * Where the allowing rule goes when nothing allows a flow: on the interface the traffic arrives on.
 * Firewalls filter there (a pfSense rule on that interface's tab, a FortiGate policy from it as
 * srcintf), so for an inbound flow that is the far end's interface (the WAN, a server network), not
 * the phones'. `evs` are the flows the default blocks: a network whose flow passes is not named.
 */
function defaultFix(ctx: RuleContext, evs: readonly EvaluatedFlow[]): string {
  const nearLabels = [...new Set(evs.map((ev) => ev.flow.from.label))].join(', ');
  const head = 'Nothing allows it, so the default applies: add a rule';
  if (!evs.some((ev) => ev.req.direction === 'inbound')) {
    // Outbound: on the interface the source sits behind. A network's label names it ("VOICE (opt1)");
    // a PBX's names its address, so the interface comes first and the address after ("from PBX …").
    const from = [...new Map(evs.map((ev) => [ev.flow.from.label, ev.flow.from])).values()];
    const iface = (e: EvaluatedFlow['flow']['from']) => ctx.policy.interfaces.find((i) => i.name === e.iface);
    const named = (e: EvaluatedFlow['flow']['from']) => {
      const i = iface(e);
      return !i || e.label.startsWith(ifaceLabel(i)) || e.label.startsWith(i.name);
    };
    if (from.every(named)) return `${head} on ${nearLabels} that allows it.`;
    const on = [...new Set(from.map((e) => ((i) => (i ? ifaceLabel(i) : e.label))(iface(e))))].join(', ');
    return `${head} on ${on}, where it arrives, that allows it from ${nearLabels}.`;
  }
  const ingress = evs.reduce((acc, ev) => acc.union(ev.flow.box.iif), NameSet.NONE);
  return `${head} on ${interfacesText(ctx, ingress)}, where it arrives, that allows it to ${nearLabels}.`;
}

/** "SERVERS (opt2)", "wan, WAN2 (opt3)", "any interface except wan0": interfaces as the configuration names them. */
function interfacesText(ctx: RuleContext, set: NameSet): string {
  if (set.isFull) return 'any interface';
  const label = (n: string) => {
    const i = ctx.policy.interfaces.find((x) => x.name === n);
    return i ? ifaceLabel(i) : n;
  };
  const names = [...set.names].sort().map(label).join(', ');
  return set.negated ? `any interface except ${names}` : names;
}

/** A requirement every part of which is accepted, with no hostname doubt, passes: the accepting rules are the evidence. */
function recordPass(ctx: RuleContext, evs: EvaluatedFlow[], note = ''): void {
  const parts = evs.flatMap((ev) => ev.parts.map((p) => ({ ev, p })));
  if (parts.length === 0 || parts.some(({ p }) => p.verdict !== 'accept')) return;
  const req = evs[0]?.req;
  if (!req) return;
  const evidence = new Map<string, Evidence>();
  for (const { ev, p } of parts) {
    const k = stepKey(p.decidedBy);
    if (!evidence.has(k)) evidence.set(k, stepEvidence(p.decidedBy, describeFlow(ev.flow)));
  }
  const doubt = parts.flatMap(({ p }) => p.maybe);
  const flows = evs.map((ev) => describeFlow(ev.flow)).join('; ');
  const hostnames = evs.some((ev) => ev.hostnamesOnly)
    ? ' (the destination is a hostname: allowed to every Internet address, so it holds whatever it resolves to)'
    : '';
  // Inbound over IPv6 only: the IPv4 part needs no rule behind source NAT (FWL004/FWL011 judge port-forwards).
  const nat = !evs.some((ev) => ev.natV4)
    ? ''
    : req.condition === 'without-nat'
      ? ' IPv4 is not checked: the provider asks for it only without NAT, and the phones are behind source NAT there.'
      : ' IPv4 is not checked: the phones are behind source NAT there, so inbound connections reach them only through port-forwards.';
  passed(
    ctx,
    req.id,
    `Allowed: ${flows}${hostnames}${note}.${nat}`,
    [...evidence.values()],
    doubt.length ? `unless ${[...new Set(doubt.map(mightMatch))].join(', ')}` : undefined,
  );
}

/** How a rule the engine could not decide might still match: its uncertain matches, else its run-time members. */
function mightMatch(r: Rule): string {
  const why = uncertainWhy(r);
  return why ? `${r.label} matches (${why})` : `${r.label} matches through its ${membersOf(r)}`;
}
