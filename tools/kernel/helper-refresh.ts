import type { FwlintObs, KernelObs, Probe } from './probes.js';

/**
 * Conntrack gives a UDP flow its stream timeout before any filter, so a second packet a filter drops
 * afterwards still sets it, and the timeout is compared. Only a helper's timeout (sip_timeout) is
 * different: the helper sets it again on every packet leaving the router (nf_confirm), which is what
 * fwlint's answer describes; when the ruleset drops the flow's later packets, no packet ever gets
 * there and the flow is dead after its first packet. Not comparable.
 */
export const HELPER_NEVER_REFRESHED =
  "the flow's second packet was dropped (the ruleset drops it once established), " +
  'so the helper whose timeout fwlint gives never refreshed it';

export function helperNeverRefreshed(p: Probe, k: KernelObs, f: FwlintObs): boolean {
  return p.kind === 'timeout' && k.secondDropped === true && f.helperRefresh === true;
}
