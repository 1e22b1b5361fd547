import { tracePath } from '../src/engine/evaluate.js';
import type { LintRule } from '../src/lint/context.js';
import { finding, stepKey } from '../src/lint/finding.js';
import { NameSet } from '../src/model/name-set.js';
import type { Finding } from '../src/model/finding.js';
import type { Rule } from '../src/model/policy.js';
import { notChecked, type RuleContext } from '../src/lint/context.js';
import type { SettingRequirement } from '../src/model/profile.js';
import type { Evidence } from '../src/model/report.js';
import { passed, stepEvidence } from '../src/verdicts/record.js';
import { reportBlocked, type BlockedSpec } from './blocked.js';
import { denies, membersOf, mightMatchRule, uncertainWhy } from './doubt.js';
import { describeFlow, evaluatedFlows, type EvaluatedFlow } from './required-flows.js';
import type { Part } from '../src/engine/evaluate.js';
import { acceptedPassed, cite, settingsOf } from './settings.js';

/** FWL008: replies to the phones' allowed outbound flows do not get back in. */
export const returnTrafficBlocked: LintRule = {
  meta: {
    id: 'FWL008',
    name: 'return-traffic-blocked',
    shortDescription: 'Reply traffic of allowed phone flows is blocked.',
    fullDescription:
      'For every part of a required outbound flow the firewall accepts, checks that the replies get ' +
      'back: through the state of the accepted connection on stateful platforms, else through established/related rules.',
    defaultLevel: 'error',
    securitySeverity: 3.0,
    precision: 'high',
    tags: ['voip', 'stateful', 'reachability'],
    help: {
      what: "The firewall allows the phones' outbound traffic but not the replies to it.",
      why: "SIP responses and the provider's RTP never reach the phone: registration fails or calls have no audio.",
      fix: {
        generic: 'Allow established and related traffic back to the phones.',
        pfsense: 'Use State type "Keep" (the default) on the pass rules for the phones instead of "None".',
        opnsense: 'Use State type "keep state" on the pass rules for the phones.',
        fortigate:
          'Sessions of accepted policies carry replies; check for a deny policy or a local-in rule that drops them.',
        mikrotik:
          '/ip firewall filter add chain=forward connection-state=established,related action=accept place-before=0',
        nftables: 'At the top of the forward chain: `ct state established,related accept`.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const req of settingsOf(ctx, 'return-traffic')) {
      const back: { part: Part; what: string }[] = [];
      // Outbound parts dropped unless a rule fwlint cannot decide for matches (Part.maybe): their replies
      // are judged as if it did, and whatever they show is uncertain, naming that rule.
      // Evidence for them: the rule that may let the traffic out and keeps state, or the step accepting a reply.
      const maybeBack: { rule: Rule; what: string; step?: Part['decidedBy'] }[] = [];
      const mayOut: Rule[] = [];
      let outbound = false;
      for (const ev of evaluatedFlows(ctx)) {
        if (ev.req.direction !== 'outbound') continue;
        for (const p of ev.parts) {
          outbound = true;
          const may = p.verdict === 'drop' ? p.maybe.filter((r) => r.action.kind === 'accept') : [];
          if (p.verdict !== 'accept' && may.length === 0) continue;
          if (p.verdict !== 'accept') {
            for (const r of may) if (!mayOut.includes(r)) mayOut.push(r);
            if (ctx.policy.replies === 'stateful' && !p.untracked) {
              for (const r of may)
                if (r.keepState !== false) maybeBack.push({ rule: r, what: `replies to "${ev.req.description}"` });
              continue;
            }
          }
          const maybe = p.verdict !== 'accept';
          // Untracked packets create no state: their replies find none either (docs/semantics.md#nft-conntrack).
          if (ctx.policy.replies === 'stateful' && !p.untracked) {
            const stateless = p.trail.find((s) => s.effect === 'accept' && s.rule?.keepState === false)?.rule;
            // The state the accepting rule keeps lets the replies back: that rule is the evidence. Whether the
            // outbound part itself gets out (Part.maybe) is FWL001's and FWL012's to say, not a doubt on replies.
            if (!stateless)
              back.push({
                part: { ...p, maybe: [] },
                what: `"${ev.req.description}" and keeps its state, so the replies get back in`,
              });
            if (stateless)
              out.push(
                finding(this.meta, ctx, {
                  level: req.severity,
                  requirement: req.id,
                  loc: stateless.loc,
                  message:
                    `${stateless.label} accepts "${ev.req.description}" without keeping state, so replies to it ` +
                    `are not allowed back; ${cite(req, ctx)} requires established traffic to return. Use keep state.`,
                  key: [stateless.id, ev.req.id],
                }),
              );
            continue;
          }
          const b = p.box;
          const reply = {
            ...b,
            src: b.dst,
            dst: b.src,
            sport: b.dport,
            // A reply goes back to the source port of the outbound part (all ports when the flow leaves it open).
            dport: b.sport,
            iif: b.oif,
            oif: b.iif,
            state: NameSet.of([p.untracked ? 'untracked' : 'established']),
          };
          // Chains before conntrack's NAT reversal see the reply at the translated source (docs/semantics.md#nft-nat).
          const parts = tracePath(ctx.policy, reply, { path: 'forward', wan: ctx.wan, replyTo: p });
          if (maybe) {
            // Replies to traffic only an undecidable rule lets out: blocked replies are a doubt, not a failure.
            const unless = `The outbound traffic itself is let out only if ${may.map((r) => mightMatchRule(r)).join(', ')}.`;
            out.push(
              ...reportBlocked(this.meta, ctx, parts, reply, replySpec(req, ctx, ev, parts)).map((f) => ({
                ...f,
                level: f.level === 'error' ? ('warning' as const) : f.level,
                uncertain: true,
                message: f.message.replace(' is blocked', ' may be blocked'),
                details: `${f.details ?? ''} ${unless}`.trim(),
              })),
            );
            const [rule] = may;
            for (const part of parts)
              if (rule && part.verdict === 'accept')
                maybeBack.push({ rule, what: `replies to "${ev.req.description}"`, step: part.decidedBy });
            continue;
          }
          for (const part of parts) back.push({ part, what: `replies to "${ev.req.description}"` });
          // Let back, unless a deny rule fwlint cannot decide matches them (Match.uncertain, hostname members).
          // A notrack that may match a reply to a source-NATed flow before the reversal may lose it.
          const natted = p.translations.some((t) => t.kind === 'snat');
          const doubt = parts
            .flatMap((q) => (q.verdict === 'accept' ? q.maybe : []))
            .find((r) => denies(r) || (natted && r.action.kind === 'notrack'));
          if (doubt)
            out.push(
              finding(this.meta, ctx, {
                level: req.severity === 'error' ? 'warning' : req.severity,
                requirement: req.id,
                loc: doubt.loc,
                uncertain: true,
                message:
                  `${doubt.label} may block the replies to "${ev.req.description}": fwlint cannot decide whether ` +
                  `it matches them (${whyUncertain(doubt)}). ` +
                  (doubt.action.kind === 'notrack'
                    ? 'A notrack that matches a reply before the NAT reversal loses it: narrow it so it cannot match the replies.'
                    : 'Write the match so its meaning is exact, or accept established and related traffic before it.'),
                key: ['reply-doubt', doubt.id, ev.req.id],
              }),
            );
          out.push(...reportBlocked(this.meta, ctx, parts, reply, replySpec(req, ctx, ev, parts)));
        }
      }
      const why = "Replies to the phones' allowed traffic get back in.";
      if (back.length > 0 || out.some((f) => f.requirement === req.id)) acceptedPassed(ctx, req, out, why, back);
      else if (maybeBack.length > 0) {
        const evidence = new Map<string, Evidence>();
        for (const { rule, what, step } of maybeBack) {
          const k = step ? stepKey(step) : rule.id;
          if (!evidence.has(k))
            evidence.set(
              k,
              step
                ? stepEvidence(step, what)
                : {
                    text: `${rule.label} may let the traffic out and keeps state, so the ${what} get back in`,
                    loc: rule.loc,
                  },
            );
        }
        passed(
          ctx,
          req.id,
          why,
          [...evidence.values()],
          `only if ${mayOut.map((r) => mightMatchRule(r)).join(', ')}: no rule fwlint can decide for lets the phones' ` +
            'required traffic out, so there is no reply it can be sure of',
        );
      } else if (outbound)
        notChecked(
          ctx,
          [req.id],
          `FWL008 return-traffic-blocked: the firewall lets none of the phones' required outbound traffic out, so ` +
            'there are no replies to check.',
        );
    }
    return dedupe(out);
  },
};

/** How a blocked reply is reported: the notrack that loses it, or the rule or default that drops it. */
function replySpec(req: SettingRequirement, ctx: RuleContext, ev: EvaluatedFlow, parts: readonly Part[]): BlockedSpec {
  return {
    subject: `Reply traffic of "${ev.req.description}" (${describeFlow(ev.flow)})`,
    fixRule: parts.some(lostByNotrack)
      ? `${cite(req, ctx)} requires the replies back in. ${NOTRACK_FIX}`
      : { asks: `${cite(req, ctx)} requires established and related traffic back in`, allow: 'accept it' },
    fixDefault: `${cite(req, ctx)} requires established and related traffic back in: add an established,related accept rule.`,
    requirement: req.id,
    level: req.severity,
    key: [ev.req.id, ev.flow.from.label],
    reportMaybe: true,
  };
}

/** A reply a notrack took out of connection tracking before the NAT reversal (the engine's lost reply). */
const lostByNotrack = (q: Part): boolean => q.verdict === 'drop' && q.decidedBy.rule?.action.kind === 'notrack';

const NOTRACK_FIX =
  'This notrack runs before connection tracking maps the replies back to the phones (its chain comes before ' +
  'the NAT reversal, docs/semantics.md#nft-nat), where they are still addressed to the public address and ' +
  'port, so they are never mapped back: narrow it so it does not match them.';

function dedupe(fs: Finding[]): Finding[] {
  const seen = new Set<string>();
  return fs.filter((f) => {
    const k = `${f.loc.line}:${f.loc.column}:${f.requirement}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** The rule's own account of why its match is not exact. */
const whyUncertain = (r: Rule): string => uncertainWhy(r) ?? `it matches ${membersOf(r)}`;
