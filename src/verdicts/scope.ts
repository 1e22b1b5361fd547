import { notChecked, type RuleContext } from '../lint/context.js';
import {
  addressesOf,
  audienceGap,
  audienceOf,
  familyGap,
  inScope,
  missingEndpoints,
  sameSubnetOnly,
  sharedFamilies,
} from '../lint/flows.js';
import { ANY_V4 } from '../model/address.js';
import { natedFamilies } from '../lint/nat.js';
import { insideInternalNetworks, wanAddresses } from '../lint/topology.js';
import type { FlowRequirement, SettingKind } from '../model/profile.js';
import { PHONE_SETTINGS } from '../site/coverage.js';

/** Settings that need a WAN interface. */
const WAN_SETTINGS: ReadonlySet<SettingKind> = new Set([
  'icmp-from-wan',
  'nat-required',
  'source-port-preservation',
  'no-port-forward-to-phones',
]);

/** Settings about source NAT, which fwlint judges over IPv4 only. */
const NAT_SETTINGS: ReadonlySet<SettingKind> = new Set(['nat-required', 'source-port-preservation']);

/** Why NAT settings are not checked for IPv6-only phone networks. */
const IPV6_ONLY_NAT =
  'source NAT is an IPv4 matter and the phone networks have no IPv4 addresses (IPv6 prefixes are routed, ' +
  'not translated; pass their IPv4 network with --phones to check it)';

const group = (m: Map<string, string[]>, reason: string, id: string) => m.set(reason, [...(m.get(reason) ?? []), id]);

/**
 * Names every requirement this run leaves unevaluated on this firewall, and why, through
 * notChecked(): audiences not opted in, device families not named, no phone network, no WAN,
 * no PBX address, requirements whose ends share a subnet (their traffic never crosses the firewall),
 * and inbound flows that source NAT makes unnecessary. Verdicts read these; a
 * requirement never silently disappears.
 */
export function noteScope(ctx: RuleContext): void {
  const p = ctx.profile.name;
  const reasons = new Map<string, string[]>();
  const noWan = `${p}: no WAN interface identified: Internet-bound requirements not checked. Pass --wan <interface>.`;
  const nated =
    `${p}: inbound flows not checked: the phones are behind source NAT, ` +
    'so inbound connections reach them only through port-forwards (FWL004/FWL011 check those).';
  // Inbound requirements are left out only when every family of the phones is translated: IPv6 prefixes
  // are routed, so IPv6 phones are reached directly and their inbound flows are checked.
  const nat = ctx.phones.length > 0 ? natedFamilies(ctx) : undefined;
  // Every family the requirement's flows could be built in is translated (an IPv4-only provider network
  // with dual-stack phones: IPv4 alone counts).
  const hasNat = (f: FlowRequirement) => {
    if (!nat) return false;
    const fam = sharedFamilies(f, ctx);
    return (!fam.v4 || nat.v4) && (!fam.v6 || nat.v6);
  };
  const opted = (a: string | undefined) => !a || a === 'phones' || ctx.audiences.has(a as never);

  // Audiences, device models, unknown phones/PBX/servers: src/site/coverage.ts. Here: what it leaves.
  for (const f of ctx.profile.flows) {
    if (!opted(f.audience) || !inScope(f, ctx)) continue;
    if (f.remote.pbx && !ctx.pbx) continue;
    if (f.audience === 'phones' && ctx.phones.length === 0) continue;
    if (missingEndpoints(f, ctx)) continue; // an end the site does not know: src/site/coverage.ts says so
    const direct = sameSubnetOnly(f, ctx);
    const families = direct ? undefined : familyGap(f, ctx);
    if (direct) group(reasons, `${p}: not checked: ${direct}.`, f.id);
    else if (families) group(reasons, `${p}: not checked: ${families}.`, f.id);
    else if (ctx.wan.length === 0 && !insideInternalNetworks(ctx.policy, addressesOf(ctx.profile, f.remote, ctx)))
      group(reasons, noWan, f.id);
    else if ((f.condition === 'without-nat' || (f.direction === 'inbound' && fromInternet(ctx, f.remote))) && hasNat(f))
      group(reasons, nated, f.id);
  }
  for (const s of ctx.profile.settings) {
    if (!opted(s.audience)) continue; // src/site/coverage.ts names them
    if (PHONE_SETTINGS.has(s.kind) && audienceGap(s.audience, ctx)) continue;
    else if (WAN_SETTINGS.has(s.kind) && ctx.wan.length === 0) group(reasons, noWan, s.id);
    else if (s.kind === 'icmp-from-wan' && wanAddresses(ctx.policy, ctx.wan).intersect(ANY_V4).isEmpty)
      // FWL007 pings the WAN's IPv4 address: with none known (a --wan the file does not hold) it has
      // nothing to check, which is no pass.
      group(
        reasons,
        `${p}: not checked: ICMP to the WAN address: no IPv4 address of ${ctx.wan.join(', ')} is known, so there is nothing to ping.`,
        s.id,
      );
    else if (NAT_SETTINGS.has(s.kind) && audienceOf(s, ctx).every((e) => e.networks.intersect(ANY_V4).isEmpty))
      group(reasons, `${p}: not checked: ${IPV6_ONLY_NAT}.`, s.id);
  }
  for (const f of ctx.profile.portForwards ?? []) {
    if (inScope(f, ctx) && ctx.pbx && ctx.wan.length === 0) group(reasons, noWan, f.id);
  }
  for (const [reason, ids] of reasons) notChecked(ctx, ids, reason);
}

function fromInternet(ctx: RuleContext, remote: Parameters<typeof addressesOf>[1]): boolean {
  const concrete = addressesOf(ctx.profile, remote, ctx);
  return concrete.isEmpty || !insideInternalNetworks(ctx.policy, concrete);
}
