import type { RuleContext } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import type { Finding } from '../src/model/finding.js';
import type { Setting } from '../src/model/location.js';
import type { SettingKind, SettingRequirement } from '../src/model/profile.js';
import type { RuleMeta } from '../src/model/report.js';

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
  const cause = s.source === 'default' ? `This is the platform default: ${s.reason}.` : `(${s.reason})`;
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
