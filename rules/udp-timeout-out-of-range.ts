import type { LintRule } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';
import type { Step } from '../src/engine/piece.js';
import type { Setting } from '../src/model/location.js';
import type { Rule } from '../src/model/policy.js';
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
      // The timeouts that govern the phones' UDP: per-rule overrides on the accepting rules, else the global one.
      const governing = new Map<string, Setting<number>>();
      let usesGlobal = false;
      // A state that keeps the global timeout while another stage's rule sets its own (pf), to say so.
      let globalMaker: { maker: Rule; other: Rule } | undefined;
      for (const ev of evaluatedFlows(ctx)) {
        for (const p of ev.parts) {
          if (p.verdict !== 'accept' || !p.box.proto.has(PROTO.udp)) continue;
          if (ctx.policy.sessions.statePerStage) {
            // Every state the flow's stages create must last: each one's timeout governs (pf).
            for (const step of p.trail) {
              if (step.effect !== 'accept' || !step.rule?.keepState) continue;
              const t = step.rule.udpTimeout;
              if (t) governing.set(`${t.loc.line}:${t.loc.column}`, t);
              else {
                usesGlobal = true;
                globalMaker ??= overriddenElsewhere(p.trail, step.rule);
              }
            }
            continue;
          }
          const t = p.trail.find((s) => s.rule?.udpTimeout)?.rule?.udpTimeout;
          if (t) governing.set(`${t.loc.line}:${t.loc.column}`, t);
          else usesGlobal = true;
        }
      }
      const global = ctx.policy.sessions.udpTimeout;
      if (usesGlobal || governing.size === 0)
        governing.set('global', globalMaker ? globalFor(global, globalMaker) : global);
      const range = req.max !== undefined ? `${req.min ?? 0}-${req.max} s` : `at least ${req.min ?? 0} s`;
      const within = [];
      for (const t of governing.values()) {
        const low = req.min !== undefined && t.value < req.min;
        const high = req.max !== undefined && t.value > req.max;
        if (!low && !high) {
          within.push({ ...settingEvidence(t, `UDP idle timeout is ${t.value} s`), uncertain: t.uncertain });
          continue;
        }
        out.push(
          settingFinding(
            this.meta,
            ctx,
            req,
            t,
            `UDP idle timeout is ${t.value} s; ${cite(req, ctx)} requires ${range}.`,
            `${low ? 'Raise' : 'Lower'} it to ${low ? req.min : req.max} s.`,
          ),
        );
      }
      settingPassed(ctx, req, out, `The UDP idle timeout of the phones' traffic is ${range}.`, within);
    }
    return numberRepeats(out);
  },
};

/** The rule of another stage of the same flow that sets its own timeout, when `maker`'s state keeps the global one. */
function overriddenElsewhere(trail: readonly Step[], maker: Rule): { maker: Rule; other: Rule } | undefined {
  const other = trail.find((s) => s.effect === 'accept' && s.rule?.keepState && s.rule.udpTimeout)?.rule;
  return other ? { maker, other } : undefined;
}

/**
 * The global timeout, told as the one that governs the state `maker` creates although `other` sets its
 * own: a per-rule timeout on one interface's rule does not keep the other interface's state, and with
 * it the flow's NAT mapping, alive (docs/semantics.md#pf-states).
 */
function globalFor(global: Setting<number>, { maker, other }: { maker: Rule; other: Rule }): Setting<number> {
  return {
    ...global,
    reason:
      `${global.reason}. It governs the state ${stateMaker(maker)} creates, and with it the flow: ` +
      `${other.label} (line ${String(other.loc.line)}) sets ${String(other.udpTimeout?.value)} s only for its own ` +
      `state (pf keeps one state per interface, docs/semantics.md#pf-states)`,
  };
}

/** A rule as the maker of a state: the platform's own rules by their text, which users know from the rule set. */
function stateMaker(rule: Rule): string {
  return rule.implicit && rule.text ? `the platform's own rule \`${rule.text}\`` : rule.label;
}
