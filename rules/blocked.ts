import { overlaps, type Box } from '../src/engine/box.js';
import type { Part, Step } from '../src/engine/evaluate.js';
import type { RuleContext } from '../src/lint/context.js';
import { describeStep, finding, stepIsDefault, stepKey, stepLoc } from '../src/lint/finding.js';
import { MAX_HEADLINE } from '../src/lint/wording.js';
import type { Finding } from '../src/model/finding.js';
import type { Severity } from '../src/model/profile.js';
import type { RuleMeta } from '../src/model/report.js';
import { describePart } from './required-flows.js';

export interface BlockedSpec {
  /**
   * What is blocked, as a sentence subject: `Required flow "SIP"`. A trailing parenthesis
   * (`(udp 5060 from ...)`) moves to the details, so the first sentence stays short.
   */
  subject: string;
  /** What to do when a rule blocks it. */
  fixRule: string;
  /** What to do when a default blocks it (never "remove it": a default is not a line to remove). */
  fixDefault: string;
  requirement: string;
  level: Severity;
  key: string[];
}

/** One evaluated flow class: its parts, the whole box, and how to name it ("tcp 80 from VOICE ... to ..."). */
export interface BlockedFlow {
  parts: Part[];
  whole: Box;
  text?: string;
  /**
   * The interface the traffic arrives on is not known (nftables phones given as a bare CIDR): a part
   * dropped on some interfaces while the same packets are accepted on another may not be the
   * phones' traffic at all, so it makes the verdict uncertain, not a failure.
   */
  ingressUnknown?: boolean;
}

/** Whether the packets of `p` are accepted by another part when they arrive on that part's interfaces. */
function acceptedElsewhere(p: Part, parts: readonly Part[]): boolean {
  return parts.some((a) => a.verdict === 'accept' && overlaps({ ...p.box, iif: a.box.iif }, a.box));
}

/** One finding per rule or default policy that drops part of `whole`; parts with hostname doubts are left to FWL012. */
export function reportBlocked(
  meta: RuleMeta,
  ctx: RuleContext,
  parts: Part[],
  whole: Box,
  spec: BlockedSpec,
): Finding[] {
  return reportBlockedFlows(meta, ctx, [{ parts, whole }], spec);
}

/**
 * One finding per cause for one requirement, however many flow classes (source networks, address
 * families) the cause blocks: the details list each flow and the part of it that is blocked.
 */
export function reportBlockedFlows(
  meta: RuleMeta,
  ctx: RuleContext,
  flows: BlockedFlow[],
  spec: BlockedSpec,
): Finding[] {
  const { head, paren } = splitSubject(spec.subject);
  const causes = new Map<string, { step: Step; lines: string[]; elsewhere: boolean }>();
  for (const f of flows) {
    const byStep = new Map<string, { group: Part[]; elsewhere: boolean }>();
    for (const p of f.parts) {
      if (p.verdict !== 'drop' || p.maybe.length > 0) continue;
      const elsewhere = f.ingressUnknown === true && acceptedElsewhere(p, f.parts);
      const k = `${stepKey(p.decidedBy)}${elsewhere ? '|elsewhere' : ''}`;
      const g = byStep.get(k);
      if (g) g.group.push(p);
      else byStep.set(k, { group: [p], elsewhere });
    }
    for (const [k, { group, elsewhere }] of byStep) {
      const first = group[0];
      if (!first) continue;
      const c = causes.get(k) ?? { step: first.decidedBy, lines: [], elsewhere };
      const what = describePart(group, f.whole);
      const flowText = f.text ?? paren;
      c.lines.push(flowText ? `${flowText}: blocked ${what}` : `blocked ${what}`);
      causes.set(k, c);
    }
  }
  return [...causes.entries()].map(([k, { step, lines, elsewhere }]) => {
    const fromDefault = stepIsDefault(step);
    const cause = shortCause(step);
    const details = [
      `${lines.join('; ')}.`,
      `Decided by ${describeStep(step)}.`,
      elsewhere
        ? 'The same traffic is allowed when it arrives on another interface, and fwlint does not know which ' +
          'interface it arrives on: name it with --phones CIDR@interface to make the verdict certain.'
        : fromDefault
          ? spec.fixDefault
          : spec.fixRule,
    ].join(' ');
    return finding(meta, ctx, {
      level: elsewhere ? 'warning' : spec.level,
      requirement: spec.requirement,
      loc: stepLoc(step, ctx.policy.root),
      fromDefault,
      ...(elsewhere ? { uncertain: true } : {}),
      message: headline(head, `${elsewhere ? 'may be' : 'is'} blocked by ${cause}.`),
      details,
      key: [...spec.key, k],
    });
  });
}

/** `Required flow "X" (udp 5060 ...)` → head `Required flow "X"`, paren `udp 5060 ...`. */
function splitSubject(subject: string): { head: string; paren?: string } {
  const s = subject.trim().replace(/,$/, '');
  const m = /^(.*?)\s+\((.*)\)$/s.exec(s);
  return m?.[1] && m[2] ? { head: m[1], paren: m[2] } : { head: s };
}

/** The cause in a few words: `rule "Block SIP"`, `policy 5 "phones-no-web"`, `the default policy`. */
export function shortCause(s: Step): string {
  if (s.rule) {
    let label = s.rule.label.replace(/\s+\([^()]*\)$/, '');
    if (label.length > MAX_CAUSE) label = label.replace(/^([^"]*"[^"]*")\s.*$/, '$1'); // drop ` in inet filter forward`
    if (label.length > MAX_CAUSE)
      label = label.replace(/"([^"]*)"/, (_m, q: string) => `"${clip(q, q.length - (label.length - MAX_CAUSE))}"`);
    return label;
  }
  if (s.policy) return s.policy.source === 'default' ? 'the default policy' : `the ${s.chain} chain policy`;
  return 'the ruleset';
}

const MAX_CAUSE = 60;

/**
 * `subject verb`, with the subject's quoted part shortened so the sentence fits MAX_HEADLINE. A sentence
 * that still does not fit is returned whole: finding() cuts it at a clause and keeps all of it in the details.
 */
export function headline(subject: string, tail: string): string {
  if (tail === '') return /[.!?]$/.test(subject) ? subject : `${subject}.`;
  const full = `${subject} ${tail}`;
  if (full.length <= MAX_HEADLINE) return full;
  const room = MAX_HEADLINE - tail.length - 1;
  // First drop a trailing parenthesis inside the quoted name: `"Provisioning (HTTP, x.dk)"` → `"Provisioning"`.
  const bare = subject.replace(/"([^"]*?)\s+\([^"()]*\)"/, '"$1"');
  if (bare !== subject) return headline(bare, tail);
  const q = /"([^"]*)"/.exec(subject);
  if (q?.[1] !== undefined) {
    const excess = subject.length - room;
    const keep = Math.max(8, q[1].length - excess - 1);
    // Cut at a word boundary when one is near.
    const cut = q[1].slice(0, keep);
    const space = cut.lastIndexOf(' ');
    const word = space >= keep - 12 && space > 8 ? cut.slice(0, space) : cut;
    const short = subject.replace(`"${q[1]}"`, `"${word.trimEnd()}…"`);
    if (short.length + tail.length + 1 <= MAX_HEADLINE) return `${short} ${tail}`;
  }
  return full;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
