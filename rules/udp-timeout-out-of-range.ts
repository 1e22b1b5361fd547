import { timeoutAlong, type Part, type Step } from '../src/engine/evaluate.js';
import { timeoutOrders, type TimeoutOrder } from '../src/engine/unordered.js';
import type { LintRule, RuleContext } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';
import type { Setting } from '../src/model/location.js';
import type { Policy, Rule } from '../src/model/policy.js';
import type { Evidence } from '../src/model/report.js';
import { PROTO } from '../src/model/ports.js';
import { evaluatedFlows } from './required-flows.js';
import { cite, numberRepeats, settingFinding, settingsOf, settingEvidence, settingPassed } from './settings.js';

/** FWL003: the idle timeout of established UDP flows is outside the provider's range. */
export const udpTimeoutOutOfRange: LintRule = {
  meta: {
    id: 'FWL003',
    name: 'udp-timeout-out-of-range',
    shortDescription: 'UDP session timeout is shorter (or longer) than the provider requires.',
    fullDescription:
      'Computes the effective idle timeout of an established UDP flow (global defaults, explicit ' +
      "settings and per-rule overrides on the rules that accept the phones' UDP flows) and compares " +
      "it with the provider's range.",
    defaultLevel: 'error',
    securitySeverity: 3.0,
    precision: 'high',
    tags: ['voip', 'nat', 'timeout'],
    help: {
      what: 'The firewall forgets an idle UDP session (and its NAT mapping) sooner than the provider requires.',
      why: 'When the mapping expires between SIP keep-alives or re-registrations, incoming calls no longer reach the phone.',
      fix: {
        generic: "Raise the UDP idle timeout to at least the provider's minimum.",
        pfsense:
          'System > Advanced > Firewall & NAT: Firewall Optimization Options = Conservative (udp.multiple ' +
          '900 s), or set UDP Multiple Timeout to 300 or more.',
        opnsense:
          'Firewall > Settings > Advanced: Firewall Optimization = conservative, or per-rule UDP multiple timeout.',
        fortigate:
          'config system global\n    set udp-idle-timer 300\nend (or a per-service udp-idle-timer on the SIP/RTP services)',
        mikrotik: '/ip firewall connection tracking set udp-stream-timeout=5m',
        nftables:
          'Add a `ct timeout` object with `policy = { replied : 300 }` for l4proto udp and assign it ' +
          'to the phone traffic with `ct timeout set`, or raise net.netfilter.nf_conntrack_udp_timeout_stream.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const req of settingsOf(ctx, 'udp-timeout')) {
      const { governing, blocked, untracked, orders } = governingTimeouts(ctx);
      const range = req.max !== undefined ? `${req.min ?? 0}-${req.max} s` : `at least ${req.min ?? 0} s`;
      const outOfRange = (v: number): boolean =>
        (req.min !== undefined && v < req.min) || (req.max !== undefined && v > req.max);
      const inRange = (t: Setting<number>): boolean => !outOfRange(t.value);
      // Connection tracking is off for the phones' UDP: no session, so nothing times out.
      const within: (Evidence & { uncertain?: string | undefined })[] = [...untracked.values()].map(untrackedEvidence);
      for (const [k, given] of governing) {
        const t = orderDoubt(given, orders.get(k), inRange);
        const low = req.min !== undefined && t.value < req.min;
        const high = req.max !== undefined && t.value > req.max;
        // Every UDP flow of the phones is blocked: a rule's timeout is the one their path assigns before the drop.
        const onPath = blocked && t !== ctx.policy.sessions.udpTimeout;
        if (!low && !high) {
          const e = settingEvidence(t, `UDP idle timeout is ${t.value} s`);
          // Within range for every value the doubt leaves possible: the doubt does not touch the verdict.
          const sure = t.alternatives?.every((v) => !outOfRange(v)) === true;
          within.push({
            ...e,
            text: onPath ? `${e.text}; the ${BLOCKED}` : e.text,
            uncertain: sure ? undefined : t.uncertain,
          });
          continue;
        }
        out.push(
          settingFinding(
            this.meta,
            ctx,
            req,
            t,
            `UDP idle timeout is ${t.value} s; ${cite(req, ctx)} requires ${range}.`,
            `${low ? 'Raise' : 'Lower'} it to ${low ? req.min : req.max} s.${onPath ? ` The ${BLOCKED}.` : ''}`,
            t.alternatives?.every(outOfRange) === true,
          ),
        );
      }
      // Without phones found, the global timeout is what was checked: the sentence says no more.
      const whose = ctx.phones.length > 0 ? ` of the phones' traffic` : '';
      const why =
        governing.size === 0
          ? `No UDP idle timeout applies${ctx.phones.length > 0 ? " to the phones' traffic" : ''}: UDP is not connection-tracked.`
          : `The UDP idle timeout${whose} is ${range}.`;
      settingPassed(ctx, req, out, why, within);
    }
    return numberRepeats(out);
  },
};

/** After "the"/"The": why the timeout of blocked flows is still the one they are given. */
const BLOCKED =
  "phones' UDP traffic is blocked (FWL001): this is the timeout its path assigns before the drop, which it " +
  'keeps once it is let through there';

/**
 * The timeouts that govern the phones' UDP flows (docs/semantics.md#defaults): the one the engine gives
 * each accepted part (the helper's or the last rule's on its path, outside stages before connection
 * tracking; else the platform's), keyed by where each is set. When no UDP part is accepted, those the
 * blocked parts are given on their path before the drop (`blocked`); with neither, the platform's.
 */
function governingTimeouts(ctx: RuleContext): {
  governing: Map<string, Setting<number>>;
  blocked: boolean;
  /** The rules that take accepted UDP parts out of connection tracking, by rule id. */
  untracked: Map<string, Rule>;
  /** Per governing timeout (its key), how chains in another order change it (OrderDoubts). */
  orders: Map<string, OrderDoubts>;
} {
  const global = ctx.policy.sessions.udpTimeout;
  const untracked = new Map<string, Rule>();
  // Rules' timeouts keyed by where they are set, in the order met; the platform's (undefined here) last.
  const accepted = new Map<string, Setting<number> | undefined>();
  const beforeDrop = new Map<string, Setting<number> | undefined>();
  const keyOf = (t: Setting<number> | undefined): string =>
    t === undefined || t === global ? 'global' : `${t.loc.file}:${t.loc.line}:${t.loc.column}`;
  const add = (m: typeof accepted, t: Setting<number> | undefined): void => {
    m.set(keyOf(t), t === global ? undefined : t);
  };
  const orders = new Map<string, OrderDoubts>();
  const doubtsOf = (t: Setting<number> | undefined): OrderDoubts => {
    const k = keyOf(t);
    let d = orders.get(k);
    if (!d) orders.set(k, (d = { certain: false, parts: [] }));
    return d;
  };
  // The global timeout told with the per-rule one it outlives (pf), when a flow has both.
  let told: Setting<number> | undefined;
  for (const ev of evaluatedFlows(ctx)) {
    for (const p of ev.parts) {
      if (!p.box.proto.has(PROTO.udp)) continue;
      if (p.verdict !== 'accept') add(beforeDrop, timeoutBeforeDrop(ctx.policy, p));
      else if (ctx.policy.sessions.statePerStage) {
        // Every state the flow's stages create must last: each one's timeout governs (pf).
        for (const step of p.trail) {
          if (step.effect !== 'accept' || !step.rule?.keepState) continue;
          add(accepted, step.rule.udpTimeout);
          if (!step.rule.udpTimeout) told ??= globalFor(global, step.rule, p.trail);
        }
      } else if (p.untracked) {
        // No connection-tracking entry, so no idle timeout: the rule that untracked it says why.
        const by = notrackOf(p.trail);
        if (by) untracked.set(by.id, by);
        else add(accepted, undefined);
      } else {
        add(accepted, p.udpTimeout);
        // Chains whose order the platform leaves undefined may give the part another timeout (nftables).
        const other = timeoutOrders(ctx.policy, p);
        const [one] = other;
        if (!one) {
          doubtsOf(p.udpTimeout).certain = true;
          continue;
        }
        const here: TimeoutOrder = {
          group: one.group,
          how: `if they run in the order fwlint evaluates (${one.group.chains.join(', then ')})`,
          timeout: p.udpTimeout ?? global,
        };
        const all = [here, ...other];
        for (const o of all) {
          add(accepted, o.timeout);
          doubtsOf(o.timeout).parts.push(all.filter((x) => x !== o));
        }
      }
    }
  }
  const blocked = accepted.size === 0 && untracked.size === 0 && beforeDrop.size > 0;
  const governing = new Map<string, Setting<number>>();
  for (const [k, t] of blocked ? beforeDrop : accepted) if (t) governing.set(k, t);
  if ((governing.size === 0 && untracked.size === 0) || (blocked ? beforeDrop : accepted).has('global'))
    governing.set('global', (blocked ? undefined : told) ?? global);
  return { governing, blocked, untracked, orders };
}

/**
 * How the order of unordered chains (Stage.unordered) bears on a governing timeout: `certain` when it
 * governs some part whatever the order; else, per part it governs in fwlint's order or another, the
 * timeouts that part gets in the other orders (src/engine/unordered.ts).
 */
interface OrderDoubts {
  certain: boolean;
  parts: TimeoutOrder[][];
}

/**
 * The timeout as judged: uncertain when it is outside the range only in some orders of unordered
 * chains, every part it governs getting a timeout within the range in another order (which order the
 * platform takes is undefined). One that governs only in some orders while every order gives a
 * timeout outside the range stays certain, and its reason says so.
 */
function orderDoubt(
  t: Setting<number>,
  d: OrderDoubts | undefined,
  inRange: (t: Setting<number>) => boolean,
): Setting<number> {
  if (!d || d.certain || d.parts.length === 0 || inRange(t)) return t;
  const fine = d.parts.map((alts) => alts.find((o) => inRange(o.timeout)));
  const [first] = fine;
  if (!first || fine.some((o) => o === undefined)) {
    // Outside the range in every order: certain, and the reason says it governs only in some.
    const group = d.parts[0]?.[0]?.group;
    return group
      ? {
          ...t,
          reason: `${t.reason}; it governs in some orders only (${group.why}), and the others give a timeout outside the range too`,
        }
      : t;
  }
  const doubt =
    `${first.group.why}; ${first.how}, the UDP idle timeout is ` +
    `${String(first.timeout.value)} s (${first.timeout.reason})`;
  return { ...t, uncertain: t.uncertain ? `${t.uncertain}; ${doubt}` : doubt };
}

/** The last rule on a path that took the packets out of connection tracking (notrack, tracking off). */
function notrackOf(trail: readonly Step[]): Rule | undefined {
  for (let i = trail.length - 1; i >= 0; i--) {
    const s = trail[i];
    if (s?.effect === 'notrack' && s.rule) return s.rule;
  }
  return undefined;
}

/**
 * Evidence that no UDP idle timeout applies: the rule that leaves the phones' UDP untracked. A rule
 * the platform adds (connection tracking switched off) says why in its own words.
 */
function untrackedEvidence(r: Rule): Evidence {
  const why = r.implicit ?? `${r.label} (line ${String(r.loc.line)}) leaves the phones' UDP untracked`;
  return { text: `${why}: no UDP session times out`, loc: r.loc };
}

/**
 * The global timeout, told as the one that governs the state `maker` creates although another stage's
 * rule on the same path sets its own: a per-rule timeout on one interface's rule does not keep the other
 * interface's state, and with it the flow's NAT mapping, alive (docs/semantics.md#pf-states).
 * Undefined when no other stage sets one.
 */
function globalFor(global: Setting<number>, maker: Rule, trail: readonly Step[]): Setting<number> | undefined {
  const other = trail.find((s) => s.effect === 'accept' && s.rule?.keepState && s.rule.udpTimeout)?.rule;
  if (!other?.udpTimeout) return undefined;
  return {
    ...global,
    reason:
      `${global.reason}. It governs the state ${stateMaker(maker)} creates, and with it the flow: ` +
      `${other.label} (line ${String(other.loc.line)}) sets ${String(other.udpTimeout.value)} s only for its own ` +
      `state (pf keeps one state per interface, docs/semantics.md#pf-states)`,
  };
}

/** A rule as the maker of a state: the platform's own rules by their text, which users know from the rule set. */
function stateMaker(rule: Rule): string {
  return rule.implicit && rule.text ? `the platform's own rule \`${rule.text}\`` : rule.label;
}

/** Steps whose rule acted on the packet before a drop: passed statements, accepts, jumps; not an overridden last-match verdict. */
const ACTED = new Set<Step['effect']>(['continue', 'accept', 'jump', 'goto']);

/** The timeout a blocked part is given on its way to the drop, as the engine gives an accepted part one. */
function timeoutBeforeDrop(policy: Policy, p: Part): Setting<number> | undefined {
  return timeoutAlong(
    policy,
    p.trail.filter((s) => ACTED.has(s.effect)),
  );
}
