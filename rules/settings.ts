import type { RuleContext } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import type { Finding } from '../src/model/finding.js';
import type { Setting, SourceLocation } from '../src/model/location.js';
import type { Rule } from '../src/model/policy.js';
import type { SettingKind, SettingRequirement } from '../src/model/profile.js';
import type { Evidence, RuleMeta } from '../src/model/report.js';
import type { Part } from '../src/engine/evaluate.js';
import { stepKey } from '../src/lint/finding.js';
import { passed, stepEvidence } from '../src/verdicts/record.js';
import { denies, mayDrop, mayNotAccept } from './doubt.js';

/** The profile's setting requirements of one kind that apply to this run. */
export function settingsOf(ctx: RuleContext, kind: SettingKind): SettingRequirement[] {
  // Phones on another firewall of the file (VDOM), or a fragment of a configuration: not judged here
  // (src/site/coverage.ts says why).
  if (ctx.policy.fragment !== undefined) return [];
  const away = ctx.phonesElsewhere !== undefined;
  return ctx.profile.settings.filter(
    (s) => s.kind === kind && (!s.audience || s.audience === 'phones' ? !away : ctx.audiences.has(s.audience)),
  );
}

/** Where the provider document says so, for messages. */
export function cite(req: SettingRequirement, ctx: RuleContext): string {
  return `${ctx.profile.name} (section "${req.source.section}")`;
}

/**
 * A finding about a setting, located at the setting (or, for a default, where it would live), saying
 * whether the value is the platform's default and whether the documentation leaves it uncertain.
 */
export function settingFinding(
  meta: RuleMeta,
  ctx: RuleContext,
  req: SettingRequirement,
  s: Setting<unknown>,
  what: string,
  fix: string,
  /** The check fails for every value the setting's doubt leaves possible (Setting.alternatives). */
  failsEither = false,
): Finding {
  const cause = `${settingCause(s)}.`;
  const doubt = s.uncertain
    ? failsEither
      ? ` Not confirmed, but it fails either way: ${s.uncertain}.`
      : ` Uncertain: ${s.uncertain}.`
    : '';
  return finding(meta, ctx, {
    level: req.severity,
    requirement: req.id,
    loc: s.loc,
    fromDefault: s.source === 'default',
    uncertain: !!s.uncertain && !failsEither,
    message: `${what} ${cause}${doubt} ${fix}`,
    key: settingKey(ctx, req, s),
  });
}

/**
 * What a setting finding is about, for its fingerprint: the kind of setting, its value and the rule
 * it is part of (a FortiGate policy's voip-profile, an nftables `ct helper set` rule, a pfSense
 * rule's state timeout), by the rule's stable id. Never the setting's reason: that is fwlint's
 * wording, which a release may rewrite, and a rewritten reason would give every such finding a new
 * fingerprint (GitHub code scanning would close its alerts and open new ones). Settings that still
 * share a key (two mechanisms outside any rule with one value) are told apart by numberRepeats.
 */
function settingKey(ctx: RuleContext, req: SettingRequirement, s: Setting<unknown>): string[] {
  const owner = ruleAt(ctx, s.loc);
  return [req.kind, `value=${String(s.value)}`, ...(owner ? [`rule=${owner.id}`] : [])];
}

/**
 * The rule (not one the platform adds by itself) whose lines hold `loc`, the innermost when rules
 * nest, or undefined when the setting lies outside every rule (a global setting or default).
 */
function ruleAt(ctx: RuleContext, loc: SourceLocation): Rule | undefined {
  let best: Rule | undefined;
  for (const c of Object.values(ctx.policy.ruleset.chains)) {
    for (const r of c.rules) {
      const at = r.loc;
      if (r.implicit || at.file !== loc.file || at.line > loc.line || at.endLine < loc.endLine) continue;
      if (!best || at.endLine - at.line < best.loc.endLine - best.loc.line) best = r;
    }
  }
  return best;
}

/**
 * Findings of one rule check whose fingerprints would still be equal (same requirement, same
 * setting key) get an occurrence number, the second `#2` and so on in model order, so no two share
 * a fingerprint (JSON, SARIF, baselines and verdicts refer to findings by it). The first keeps its
 * key unchanged.
 */
export function numberRepeats(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const k = JSON.stringify(f.fingerprintParts);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    return n === 1 ? f : { ...f, fingerprintParts: [...f.fingerprintParts, `#${n}`] };
  });
}

/** "This is the platform default: <reason>" or "Cause: <reason>" (no full stop): why a setting holds its value. */
export function settingCause(s: Setting<unknown>): string {
  return s.source === 'default' ? `This is the platform default: ${s.reason}` : `Cause: ${s.reason}`;
}

/** The line that makes a setting requirement hold: the setting (or, for a default, where it would live). */
export function settingEvidence(s: Setting<unknown>, what: string): Evidence {
  return s.source === 'default'
    ? { text: `${what} (platform default: ${s.reason})`, loc: s.loc, fromDefault: true }
    : { text: `${what} (${s.reason})`, loc: s.loc };
}

/**
 * Records a setting requirement as holding, with the settings or rules that decide it, when this rule
 * reported nothing for it. Without evidence nothing is recorded (the verdict then says the rule found
 * no problem). A value the documentation leaves unconfirmed says so in its evidence.
 */
export function settingPassed(
  ctx: RuleContext,
  req: SettingRequirement,
  out: readonly Finding[],
  why: string,
  evidence: readonly (Evidence & { uncertain?: string | undefined })[],
): void {
  if (evidence.length === 0 || out.some((f) => f.requirement === req.id)) return;
  // A pass that rests on a value the documentation leaves unconfirmed is uncertain, not pass.
  const doubts = [...new Set(evidence.flatMap((e) => (e.uncertain ? [e.uncertain] : [])))];
  passed(
    ctx,
    req.id,
    why,
    evidence.map(({ uncertain, ...e }) => (uncertain ? { ...e, text: `${e.text}. Unconfirmed: ${uncertain}` } : e)),
    doubts.length ? `only if this unconfirmed point is right: ${doubts.join('; ')}` : undefined,
  );
}

/**
 * Records a setting requirement whose traffic the engine accepts as holding: the rule or policy that
 * accepts each part is the evidence (once per deciding step). Dropped parts are never evidence. A
 * part a deny rule fwlint cannot decide for may still match (Part.maybe: hostname members, uncertain
 * matches such as an nftables bridge-table drop) makes the pass uncertain, naming the rule.
 */
export function acceptedPassed(
  ctx: RuleContext,
  req: SettingRequirement,
  out: readonly Finding[],
  why: string,
  accepted: readonly { part: Part; what: string }[],
): void {
  const evidence = new Map<string, Evidence>();
  const doubts = new Map<string, Set<string>>();
  for (const { part, what } of accepted) {
    if (part.verdict !== 'accept') continue;
    const k = stepKey(part.decidedBy);
    if (!evidence.has(k)) evidence.set(k, stepEvidence(part.decidedBy, what));
    // A deny rule that may match drops it; the accepting rule itself, when in doubt (negated hostname or
    // GeoIP members), may not match at all.
    for (const r of part.maybe.filter((x) => denies(x) || x === part.decidedBy.rule)) {
      const d = doubts.get(k) ?? new Set<string>();
      d.add(denies(r) ? mayDrop(r) : mayNotAccept(r));
      doubts.set(k, d);
    }
  }
  const withDoubts = [...evidence].map(([k, e]) => {
    const d = doubts.get(k);
    return d ? { ...e, uncertain: [...d].join('; ') } : e;
  });
  settingPassed(ctx, req, out, why, withDoubts);
}
