import { intersect, overlaps, subtract, type Box } from '../src/engine/box.js';
import type { Part, Step } from '../src/engine/evaluate.js';
import type { RuleContext } from '../src/lint/context.js';
import { describeStep, finding, stepIsDefault, stepKey, stepLoc } from '../src/lint/finding.js';
import { MAX_HEADLINE, capitalize, describeAddresses, topLevel } from '../src/lint/wording.js';
import { ANY_ADDR, NO_ADDR, type AddrSet } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import type { Ruleset } from '../src/model/policy.js';
import type { Severity } from '../src/model/profile.js';
import type { RuleMeta } from '../src/model/report.js';
import { ENTIRELY, describePart } from './required-flows.js';
import { mightMatchRule } from './doubt.js';
import type { Rule } from '../src/model/policy.js';

export interface BlockedSpec {
  /**
   * What is blocked, as a sentence subject: `Required flow "SIP"`. A trailing parenthesis
   * (`(udp 5060 from ...)`) moves to the details, so the first sentence stays short.
   */
  subject: string;
  /** What to do when a rule blocks it: where the allowing rule goes follows from the rule (ruleFix). */
  fixRule: RuleFix;
  /**
   * What to do when a default or a chain policy blocks it (never "remove it": a default is not a line
   * to remove). A function is given the indices (in the flows passed to reportBlockedFlows) of the
   * flows that cause blocks, so the fix names only those, not flows that pass.
   */
  fixDefault: string | ((blocked: readonly number[]) => string);
  requirement: string;
  level: Severity;
  key: string[];
  /**
   * The requirement names no source (a provider that monitors from addresses its document does not
   * give): packets dropped from some sources while the same packets (same destination, interface,
   * protocol...) are accepted from other sources may not be the provider's at all, so they make the
   * verdict uncertain, not a failure. Without it every dropped part is a failure.
   */
  someSources?: {
    /**
     * The first sentence, from the sources it is accepted from (`192.0.2.0/24`), written with fewer
     * networks when the sentence would be longer than MAX_HEADLINE (the details list the blocked ones).
     */
    headline: (from: string) => string;
    /**
     * The first sentence from the sources that are blocked, used when they are fewer than those it is
     * accepted from (a deny list of a few hosts): `ICMP from 192.0.2.7 to the WAN address is blocked…`.
     */
    blockedHeadline: (blocked: string) => string;
    /** What to do when a rule blocks the other sources. */
    fixRule: RuleFix;
    /** What to do when a default blocks them. */
    fixDefault: string;
  };
  /**
   * Dropped parts a rule fwlint cannot decide for might still let through (Part.maybe: hostname or
   * run-time members, uncertain matches) are reported as uncertain findings that name that rule.
   * Without it they are left out: FWL012 speaks for them on required flows (FWL001); a setting rule
   * (FWL007, FWL008, FWL009) has no FWL012 to speak for it and sets this.
   */
  reportMaybe?: boolean;
}

/**
 * What to do when a rule blocks the traffic, said by ruleFix where the rule that decided requires it:
 * `asks` (`ipnordic requires ICMP from WAN`) first, then `allow` (`allow ICMP echo to the WAN
 * address`) with the place an allowing rule must take to win over the deciding rule, and narrowing
 * the deciding rule when `narrow` offers it. A string is a fix that does not depend on the place.
 */
export type RuleFix = string | { asks?: string; allow: string; narrow?: boolean };

/**
 * The fix for traffic `step`'s rule drops. An allowing rule wins over it only in some places: before
 * it in a first-match chain (and before a quick rule of a last-match chain); in a last-match chain a
 * later rule overrides a non-quick rule, so an allowing rule before it is overridden and must be
 * quick or come after it (docs/semantics.md#pf-order). A rule the platform adds by itself
 * (Rule.implicit) holds a setting, not a rule one can place another before: the setting is what to
 * change. The model does not say how each platform changes it; the rule's help does.
 */
export function ruleFix(step: Step, ruleset: Ruleset, fix: RuleFix, ruleId: string): string {
  if (typeof fix === 'string') return fix;
  const say = (text: string) => `${fix.asks ? `${fix.asks}: ${text}` : capitalize(text)}.`;
  const rule = step.rule;
  if (rule?.implicit)
    return say(
      `change the setting this line holds to ${fix.allow}; it is a platform setting, not a rule ` +
        `(\`fwlint rules show ${ruleId}\` gives the steps for each platform)`,
    );
  if (ruleset.chains[step.chain]?.mode === 'last-match' && rule?.quick !== true)
    return (
      say(
        `${fix.allow} in a quick rule ("Quick" ticked on a floating rule) or in a rule after this one` +
          (fix.narrow ? ', or narrow this rule' : ''),
      ) + ' This rule is not quick: the last matching rule wins, so an allowing rule before it is overridden.'
    );
  return say(`${fix.allow} before this rule${fix.narrow ? ' or narrow this rule' : ''}`);
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
  /** The flow is IPv6 (a flow never mixes families): a cause that blocks only IPv6 flows says so. */
  v6?: boolean;
}

/** Whether the packets of `p` are accepted by another part when they arrive on that part's interfaces. */
function acceptedElsewhere(p: Part, parts: readonly Part[]): boolean {
  return parts.some((a) => a.verdict === 'accept' && overlaps({ ...p.box, iif: a.box.iif }, a.box));
}

/**
 * A dropped part split by whether another part accepts the same packets from other sources: `elsewhere`
 * holds the packets accepted from some other source (as parts with the same step), `rest` those no
 * source gets through, and `from` the sources the accepting parts take.
 */
function splitBySource(p: Part, parts: readonly Part[]): { elsewhere: Part[]; rest: Part[]; from: AddrSet } {
  let rest: Box[] = [p.box];
  const elsewhere: Box[] = [];
  let from = NO_ADDR;
  for (const a of parts) {
    if (a.verdict !== 'accept' || rest.length === 0) continue;
    const anySource = { ...a.box, src: ANY_ADDR };
    const next: Box[] = [];
    for (const b of rest) {
      const inside = intersect(b, anySource);
      if (!inside) {
        next.push(b);
        continue;
      }
      elsewhere.push(inside);
      from = from.union(a.box.src);
      next.push(...subtract(b, anySource));
    }
    rest = next;
  }
  const asParts = (boxes: Box[]) => boxes.map((box) => ({ ...p, box }));
  return { elsewhere: asParts(elsewhere), rest: asParts(rest), from };
}

/**
 * Whether another cause blocks more sources of the same packets than `q`'s does: then that cause is
 * why no source gets through, and `q`'s only adds a few sources to it (a local-in deny of one host on
 * an interface that answers no ping at all). Fixing the other cause would leave `q`'s sources blocked,
 * which, with no source named by the requirement, is a doubt, not a failure.
 */
function minorCause(q: Part, parts: readonly Part[]): boolean {
  const sources = new Map<string, AddrSet>();
  const own = stepKey(q.decidedBy);
  for (const r of parts) {
    if (
      r.verdict !== 'drop' ||
      r.maybe.length > 0 ||
      !overlaps({ ...r.box, src: ANY_ADDR }, { ...q.box, src: ANY_ADDR })
    )
      continue;
    const k = stepKey(r.decidedBy);
    sources.set(k, (sources.get(k) ?? NO_ADDR).union(r.box.src));
  }
  const mine = (sources.get(own) ?? q.box.src).size();
  for (const [k, src] of sources) if (k !== own && src.size() > mine) return true;
  return false;
}

/**
 * One finding per rule or default policy that drops part of `whole`; parts with hostname doubts are left to
 * FWL012, or reported as uncertain with `spec.reportMaybe`.
 */
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
  const causes = new Map<
    string,
    {
      step: Step;
      lines: string[];
      entirely: number;
      doubt: Doubt;
      from: AddrSet;
      blocked: AddrSet;
      flows: number[];
      v4: boolean;
      v6: boolean;
      maybe: Set<Rule>;
    }
  >();
  flows.forEach((f, index) => {
    const byStep = new Map<string, { group: Part[]; doubt: Doubt; from: AddrSet }>();
    const add = (p: Part, doubt: Doubt, from = NO_ADDR) => {
      const k = `${stepKey(p.decidedBy)}${doubt ? `|${doubt}` : ''}`;
      const g = byStep.get(k);
      if (g) {
        g.group.push(p);
        g.from = g.from.union(from);
      } else byStep.set(k, { group: [p], doubt, from });
    };
    for (const p of f.parts) {
      if (p.verdict !== 'drop') continue;
      if (p.maybe.length > 0) {
        if (spec.reportMaybe === true) add(p, 'maybe');
        continue;
      }
      if (p.decidedBy.effect === 'dnat') add(p, 'redirected');
      else if (f.ingressUnknown === true && acceptedElsewhere(p, f.parts)) add(p, 'elsewhere');
      else if (spec.someSources) {
        const { elsewhere, rest, from } = splitBySource(p, f.parts);
        for (const q of elsewhere) add(q, 'other-sources', from);
        for (const q of rest) add(q, minorCause(q, f.parts) ? 'other-sources' : undefined);
      } else add(p, undefined);
    }
    for (const [k, { group, doubt, from }] of byStep) {
      const first = group[0];
      if (!first) continue;
      const c = causes.get(k) ?? {
        step: first.decidedBy,
        lines: [],
        entirely: 0,
        doubt,
        from: NO_ADDR,
        blocked: NO_ADDR,
        flows: [],
        v4: false,
        v6: false,
        maybe: new Set<Rule>(),
      };
      if (!c.flows.includes(index)) c.flows.push(index);
      if (f.v6 === true) c.v6 = true;
      else c.v4 = true;
      const what = describePart(group, f.whole);
      if (what === ENTIRELY) c.entirely++;
      const flowText = f.text ?? paren;
      // Without a flow to name (the subject says it all), the line is a sentence of its own.
      const done = doubt === 'redirected' ? 'redirected' : 'blocked';
      c.lines.push(flowText ? `${flowText}: ${done} ${what}` : `${capitalize(done)} ${what}`);
      c.from = c.from.union(from);
      for (const q of group) {
        c.blocked = c.blocked.union(q.box.src);
        if (doubt === 'maybe') for (const r of q.maybe) c.maybe.add(r);
      }
      causes.set(k, c);
    }
  });
  // IPv4 flows of the same requirement that no cause blocks: the phones get through over IPv4 only.
  const v4Passes = flows.some(
    (f) => f.v6 !== true && f.parts.length > 0 && f.parts.every((p) => p.verdict === 'accept'),
  );
  return [...causes.entries()].map(
    ([k, { step, lines, entirely, doubt, from, blocked, flows: blockedFlows, v4, v6, maybe }]) => {
      const onlyV6 = !v4 && v6;
      const fromDefault = stepIsDefault(step);
      const some = doubt === 'other-sources' ? spec.someSources : undefined;
      // A few blocked sources are said as such, not as "only from" nearly the whole Internet.
      const fewBlocked = some !== undefined && blocked.size() < from.size();
      const head1 = some
        ? fewBlocked
          ? someSourcesHeadline(some.blockedHeadline, blocked)
          : someSourcesHeadline(some.headline, from)
        : undefined;
      const details = [
        ...(head1 && !head1.listed && !fewBlocked ? [`It is allowed from ${describeAddresses(from)}.`] : []),
        ...(fewBlocked && !from.isEmpty ? [`It is allowed from ${describeAddresses(from)}.`] : []),
        `${lines.join('; ')}.`,
        ...(onlyV6 && v4Passes ? [DUAL_STACK] : []),
        doubt === 'maybe'
          ? `Decided by ${describeStep(step)}, unless ${[...maybe].map((r) => mightMatchRule(r, step.rule)).join(', ')}, ` +
            'which cannot be checked offline.'
          : `Decided by ${describeStep(step)}.`,
        doubt === 'maybe'
          ? `${fixFor(step, ctx, meta.id, some ?? spec, blockedFlows)} Or match by address, with exact matches, ` +
            'to make the verdict certain.'
          : doubt === 'elsewhere'
            ? 'The same traffic is allowed when it arrives on another interface, and fwlint does not know which ' +
              'interface it arrives on: name it with --phones CIDR@interface to make the verdict certain.'
            : doubt === 'redirected'
              ? REDIRECTED
              : fixFor(step, ctx, meta.id, some ?? spec, blockedFlows),
      ].join(' ');
      const verb =
        doubt === 'redirected'
          ? `is redirected to the firewall itself${onlyV6 ? ' for IPv6' : ''}`
          : `${doubt ? 'may be blocked' : 'is blocked'}${onlyV6 ? ' for IPv6' : ''}`;
      const message = head1 ? head1.text : blockedHeadline(head, verb, step);
      return finding(meta, ctx, {
        level: doubt === 'elsewhere' ? 'warning' : doubt ? atMostWarning(spec.level) : spec.level,
        requirement: spec.requirement,
        loc: stepLoc(step, ctx.policy.root),
        fromDefault,
        ...(doubt ? { uncertain: true } : {}),
        ...(maybe.size > 0
          ? {
              related: [...maybe].map((r) => ({
                loc: r.loc,
                message: `${r.label} ${r === step.rule ? 'may not match' : 'might let it through'}: ${UNDECIDED}`,
              })),
            }
          : {}),
        message,
        details,
        blockedEntirely: entirely,
        key: [...spec.key, k],
      });
    },
  );
}

/**
 * Why an IPv6 part blocked while IPv4 passes is a failure, not a detail: a dual-stack host tries IPv6
 * first (RFC 6724 prefers global IPv6 to IPv4; RFC 8305 falls back only after a delay), so a silent drop
 * delays or breaks it.
 */
const DUAL_STACK =
  'It is allowed over IPv4 only: phones that hold an IPv6 address try IPv6 first and fall back to IPv4 ' +
  'late or not at all, so allow it for IPv6 too (or stop giving the phones IPv6 addresses).';

/** The fix for a part `step` drops: a rule's follows from its place (ruleFix); no rule (a chain policy or default), add one. */
function fixFor(
  step: Step,
  ctx: RuleContext,
  ruleId: string,
  fix: { fixRule: RuleFix; fixDefault: BlockedSpec['fixDefault'] },
  blocked: readonly number[],
): string {
  if (step.rule) return ruleFix(step, ctx.policy.ruleset, fix.fixRule, ruleId);
  return typeof fix.fixDefault === 'string' ? fix.fixDefault : fix.fixDefault(blocked);
}

/**
 * Why a dropped part may not be the required traffic: it is accepted when it arrives on another
 * interface (`elsewhere`) or comes from other sources (`other-sources`), or a rule fwlint cannot decide
 * for may let it through (`maybe`, Part.maybe); `redirected`: destination NAT sends it to the firewall
 * itself (a part decided by a dnat step: missing-required-allow.ts reaching), so it reaches its far end
 * only if a service there relays it; undefined: it is blocked.
 */
type Doubt = 'elsewhere' | 'other-sources' | 'maybe' | 'redirected' | undefined;

/** What a part redirected to the firewall itself means, and what to do (docs/semantics.md#nft-nat). */
const REDIRECTED =
  'Destination NAT hands it to the firewall itself, so it never leaves for the far end unless a service ' +
  'on the firewall (a SIP or DNS proxy) relays it, which fwlint cannot see in the configuration. Narrow or ' +
  'remove the redirect so it leaves this traffic alone, or make sure such a service runs and relays it.';

/**
 * `sentence(sources)` with as many of the sources as fit MAX_HEADLINE, else with "some Internet sources";
 * `listed` is false when the sentence does not show them all (the details then do).
 */
function someSourcesHeadline(sentence: (from: string) => string, from: AddrSet): { text: string; listed: boolean } {
  const all = describeAddresses(from);
  for (const limit of [4, 3, 2, 1]) {
    const shown = describeAddresses(from, limit);
    const text = sentence(shown);
    if (text.length <= MAX_HEADLINE) return { text, listed: shown === all };
  }
  return { text: sentence('some Internet sources'), listed: false };
}

const UNDECIDED = 'fwlint cannot decide whether it matches';

/** An uncertain finding is never more severe than a warning, nor more severe than the requirement. */
function atMostWarning(level: Severity): Severity {
  return level === 'error' ? 'warning' : level;
}

/**
 * `Required flow "X" (udp 5060 ...)` → head `Required flow "X"`, paren `udp 5060 ...`. The parenthesis is
 * the one that ends the subject, outside quotes: a name's own (`"Basic telephone functions (sound): RTP
 * media"`) stays in the head, and the parenthesis may hold others (`forwarded by rule "x" (line 5)`).
 */
export function splitSubject(subject: string): { head: string; paren?: string } {
  const s = subject.trim().replace(/,$/, '');
  if (!s.endsWith(')')) return { head: s };
  const top = topLevel(s);
  let open = -1;
  for (let i = s.length - 2; i >= 0 && open < 0; i--) if (top[i]) open = i + 1;
  if (open < 1 || s[open] !== '(' || !/\s/.test(s[open - 1] ?? '')) return { head: s };
  const head = s.slice(0, open).trimEnd();
  const paren = s.slice(open + 1, -1);
  return head && paren ? { head, paren } : { head: s };
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
 * `Required flow "X" is blocked by <cause>.` The flow's name is what tells two findings apart ("SIP over
 * UDP" from "SIP over TCP", "(HTTP, config…)" from "(HTTPS, prov…)"), and the cause is named again in the
 * details: so a rule's chain is dropped first, then the name loses its trailing parenthesis, then the
 * cause's quoted text is cut, and the name is cut only when even that leaves it no room. A chain policy
 * is always named with its chain (shortCause): its chain is all that tells it from another table's, and
 * one policy named two ways in one run reads as two causes.
 */
export function blockedHeadline(subject: string, verb: string, step: Step): string {
  const bare = subject.replace(/"([^"]*?)\s+\([^"()]*\)"/, '"$1"');
  // A cause that is not cut before a name that is; a cut cause before a name that is cut.
  for (const cut of [false, true])
    for (const name of bare === subject ? [subject] : [subject, bare]) {
      const room = MAX_HEADLINE - `${name} ${verb} by .`.length;
      const cause = causeVariants(step, cut ? room : Infinity).find((c) => c.length <= room);
      if (cause) return `${name} ${verb} by ${cause}.`;
    }
  const causes = causeVariants(step, 0);
  return headline(subject, `${verb} by ${causes[causes.length - 1] ?? shortCause(step)}.`);
}

/**
 * Ever shorter names of the cause: shortCause, a rule without its chain; then, with a finite `room`, a
 * rule's quoted text cut to fit it (never below MIN_QUOTE). A policy has only its one name.
 */
function causeVariants(s: Step, room: number): string[] {
  const first = shortCause(s);
  if (!s.rule) return [first];
  const out = [first];
  const noChain = first.replace(/^([^"]*"[^"]*")\s.*$/, '$1');
  if (noChain !== first) out.push(noChain);
  const q = /"([^"]*)"/.exec(noChain)?.[1];
  if (q !== undefined && noChain.length > room) {
    const keep = Math.max(MIN_QUOTE, q.length - (noChain.length - room));
    if (keep < q.length) out.push(noChain.replace(`"${q}"`, `"${clip(q, keep)}"`));
  }
  return out;
}

/** The fewest characters of a rule's quoted text a shortened cause keeps. */
const MIN_QUOTE = 16;

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
    let word = space >= keep - 12 && space > 8 ? cut.slice(0, space) : cut;
    // A parenthesis the cut would leave open goes whole: `"Push (FCM, 5228…"` → `"Push…"`.
    const open = word.lastIndexOf('(');
    if (open > 8 && !word.includes(')', open)) word = word.slice(0, open);
    const short = subject.replace(`"${q[1]}"`, `"${word.trimEnd()}…"`);
    if (short.length + tail.length + 1 <= MAX_HEADLINE) return `${short} ${tail}`;
  }
  return full;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;
}
