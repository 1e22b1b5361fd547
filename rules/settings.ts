import type { RuleContext } from '../src/lint/context.js';
import type { SettingKind, SettingRequirement } from '../src/model/profile.js';

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
