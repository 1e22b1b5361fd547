import type { RuleContext } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import type { Finding } from '../src/model/finding.js';
import type { Setting } from '../src/model/location.js';
import type { SettingKind, SettingRequirement } from '../src/model/profile.js';
import type { Evidence, RuleMeta } from '../src/model/report.js';
import type { Part } from '../src/engine/evaluate.js';
import { stepKey } from '../src/lint/finding.js';
import { passed, stepEvidence } from '../src/verdicts/record.js';

/** The profile's setting requirements of one kind that apply to this run. */
export function settingsOf(ctx: RuleContext, kind: SettingKind): SettingRequirement[] {
  return ctx.profile.settings.filter(
    (s) => s.kind === kind && (!s.audience || s.audience === 'phones' || ctx.audiences.has(s.audience)),
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
): Finding {
  const cause = `${settingCause(s)}.`;
  const doubt = s.uncertain ? ` Uncertain: ${s.uncertain}.` : '';
  return finding(meta, ctx, {
    level: req.severity,
    requirement: req.id,
    loc: s.loc,
    fromDefault: s.source === 'default',
    uncertain: !!s.uncertain,
    message: `${what} ${cause}${doubt} ${fix}`,
    key: [s.reason, String(s.value)],
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
  passed(
    ctx,
    req.id,
    why,
    evidence.map(({ uncertain, ...e }) => (uncertain ? { ...e, text: `${e.text}. Unconfirmed: ${uncertain}` } : e)),
  );
}

/**
 * Records a setting requirement whose traffic the engine accepts as holding: the rule or policy that
 * accepts each part is the evidence (once per deciding step). Dropped parts are never evidence.
 */
export function acceptedPassed(
  ctx: RuleContext,
  req: SettingRequirement,
  out: readonly Finding[],
  why: string,
  accepted: readonly { part: Part; what: string }[],
): void {
  const evidence = new Map<string, Evidence>();
  for (const { part, what } of accepted) {
    if (part.verdict !== 'accept') continue;
    const k = stepKey(part.decidedBy);
    if (!evidence.has(k)) evidence.set(k, stepEvidence(part.decidedBy, what));
  }
  settingPassed(ctx, req, out, why, [...evidence.values()]);
}
