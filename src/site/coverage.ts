import { notChecked, type RuleContext } from '../lint/context.js';
import { audienceGap, inScope, missingEndpoints } from '../lint/flows.js';
import type { SettingKind } from '../model/profile.js';

/**
 * Settings whose check reads the networks of their audience (the phones, or the PBX for a PBX setting):
 * without them they are not checked (also read by src/verdicts/scope.ts).
 */
export const PHONE_SETTINGS: ReadonlySet<SettingKind> = new Set([
  'nat-required',
  'no-port-forward-to-phones',
  'source-port-preservation',
  'return-traffic',
  'dns',
]);

/**
 * Records, per profile, every requirement this site leaves unchecked and why (docs/site-detection.md):
 * ends the site does not know (phones not found, no PBX, an unnamed server), audiences and device
 * models not opted in, ports the document leaves to the site. Never silent.
 */
export function siteCoverage(ctx: RuleContext): void {
  const byReason = new Map<string, string[]>();
  const add = (reason: string, id: string) => byReason.set(reason, [...(byReason.get(reason) ?? []), id]);
  const name = ctx.profile.name;
  const fw = ctx.policy.name && ctx.site.firewall ? ` [${ctx.policy.name}]` : '';
  // The file's other firewalls (VDOMs) hold the phones: this one is not on their path.
  const away = ctx.phonesElsewhere !== undefined;
  const awayReason =
    `${name}${fw}: not checked: the phones are on ${(ctx.phonesElsewhere ?? []).map((n) => `[${n}]`).join(', ')}, ` +
    'not on this firewall, so their requirements are judged there.';
  const audiences = new Map<string, string[]>();
  const devices = new Map<string, string[]>();
  for (const f of ctx.profile.flows) {
    if (f.audience !== 'phones' && !ctx.audiences.has(f.audience)) {
      audiences.set(f.audience, [...(audiences.get(f.audience) ?? []), f.id]);
      continue;
    }
    if (!inScope(f, ctx)) {
      for (const d of f.devices ?? []) devices.set(d, [...(devices.get(d) ?? []), f.id]);
      continue;
    }
    const why = missingEndpoints(f, ctx);
    if (why) add(away && f.audience === 'phones' ? awayReason : `${name}${fw}: not checked: ${why}.`, f.id);
  }
  const fragment = ctx.policy.fragment;
  for (const s of ctx.profile.settings) {
    const audience = s.audience ?? 'phones';
    if (fragment !== undefined && (audience === 'phones' || ctx.audiences.has(audience)))
      add(
        `${name}${fw}: settings not checked: the file looks like a fragment of a configuration (${fragment}), ` +
          "so the platform's defaults are not taken as this device's settings.",
        s.id,
      );
    else if (audience !== 'phones' && !ctx.audiences.has(audience))
      audiences.set(audience, [...(audiences.get(audience) ?? []), s.id]);
    else if (audience === 'phones' && away) add(awayReason, s.id);
    else if (PHONE_SETTINGS.has(s.kind)) {
      const gap = audienceGap(audience, ctx);
      if (gap) add(`${name}${fw}: not checked: ${gap}.`, s.id);
    }
  }
  if (audiences.size)
    notChecked(
      ctx,
      [...new Set([...audiences.values()].flat())],
      `${name}: requirements for ${[...audiences.keys()].sort().join(', ')} not checked (opt in with --audience).`,
    );
  if (devices.size)
    notChecked(
      ctx,
      [...new Set([...devices.values()].flat())],
      `${name}: device-specific requirements not checked for ${[...devices.keys()].sort().join(', ')} (opt in with --device).`,
    );

  for (const pf of ctx.profile.portForwards ?? []) {
    if (!inScope(pf, ctx)) add(deviceReason(name, pf.devices ?? []), pf.id);
    else if (!ctx.pbx)
      add(`${name}${fw}: port-forward not checked: the site does not know the PBX (pass --pbx).`, pf.id);
  }
  for (const [reason, ids] of byReason) notChecked(ctx, ids, reason);
}

/** Port-forwards that depend on the model (OpenScape Business X vs S): never skipped silently. */
function deviceReason(profile: string, devices: readonly string[]): string {
  const opts = devices.map((d) => `--device ${d}`).join(' or ');
  return `${profile}: port-forward for ${devices.join(', ')} not checked: it depends on the model; name it with ${opts}.`;
}
