import { formatAddrSet, type AddrSet } from '../model/address.js';
import type { Policy } from '../model/policy.js';
import type { Notification } from '../model/report.js';
import { findInterface, ifaceLabel, internalInterfaces, ownAddresses } from '../site/evidence.js';
import type { Profile } from '../model/profile.js';
import { resolveSite, type SiteOptions } from '../site/resolve.js';
import { parseSpec } from '../site/spec.js';
import type { Site } from '../site/types.js';
import type { Endpoints } from './context.js';

export { findInterface };

/** `--phones` values: `10.20.0.0/24`, `opt1`, `PHONEVLAN` (an address object) or `10.20.0.0/24@opt1`. */
export function parsePhoneSpec(spec: string): { cidr?: AddrSet; iface?: string; name?: string } {
  return parseSpec('--phones', spec);
}

/** The site of one firewall (src/site/): phones, PCs, PBX, servers and WAN with their evidence. */
export function resolveEndpoints(
  policy: Policy,
  profiles: readonly Profile[],
  opts: SiteOptions,
  notify: (n: Notification) => void,
): Site {
  return resolveSite(policy, profiles, opts, notify);
}

/** Internal networks without loopback and the firewall's own addresses: clients of non-phone audiences. */
export function internalEndpoints(policy: Policy, wan: readonly string[] = []): Endpoints[] {
  const own = ownAddresses(policy);
  return internalInterfaces(policy, wan)
    .map((i) => ({ label: ifaceLabel(i), networks: i.networks.subtract(own), iface: i.name }))
    .filter((e) => !e.networks.isEmpty)
    .map((e) => ({ ...e, label: e.label || formatAddrSet(e.networks) }));
}
