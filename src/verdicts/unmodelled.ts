import { notChecked, type RuleContext } from '../lint/context.js';

/**
 * Every requirement the profile lists as not modelled (Profile.notModelled: DHCP, QoS, ...) is not
 * checked on every firewall, each with its own reason: the document asks for it, fwlint cannot see
 * it, and a report must never leave it out silently.
 */
export function noteUnmodelled(ctx: Pick<RuleContext, 'notify' | 'profile' | 'policy'>): void {
  for (const n of ctx.profile.notModelled ?? [])
    notChecked(ctx, [n.id], `${ctx.profile.name}: not checked: ${n.description}: ${n.reason}`);
}
