import type { Policy } from '../../src/model/policy.js';

/** Realistic site flags for a parsed configuration, as a user would pick them from its interfaces. */
export interface SiteFlags {
  phones: string[];
  wan: string[];
}

const WAN_NAME = /^(wan\d*|ppp\w*|pppoe\w*|ether1|eth0|enp\w+|wwan\w*|internet|outside|port1|dsl\w*)$/i;

/**
 * --wan: the interfaces the parser marked as WAN, else the first whose name looks like one, else the
 * first interface; --phones: the first other interface with a static IPv4 subnet (by name, so its
 * subnet is used), else `10.0.0.0/8@<first other interface>`. Undefined when the model names no
 * interface besides the WAN (nothing realistic to give), except for nftables (lan/wan).
 */
export function siteFlags(policy: Policy): SiteFlags | undefined {
  const ifs = policy.interfaces.filter((i) => i.name && !/^(lo\d*|any)$|[*?]/.test(i.name));
  let wan = ifs.filter((i) => i.role === 'wan');
  if (wan.length === 0) wan = ifs.filter((i) => WAN_NAME.test(i.name) || WAN_NAME.test(i.device ?? '')).slice(0, 1);
  if (wan.length === 0) wan = ifs.slice(0, 1);
  const wanNames = new Set(wan.map((i) => i.name));
  const others = ifs.filter((i) => !wanNames.has(i.name));
  const first = others[0];
  // nftables names devices only where rules match them: a ruleset may name none, and the flags of
  // the README (`--phones CIDR@if --wan if`) still apply.
  if (!first) return policy.vendor === 'nftables' ? { phones: ['10.0.0.0/8@lan'], wan: ['wan'] } : undefined;
  const withNet = others.find(
    (i) => !i.networks.isEmpty && i.networks.bounds[0] !== undefined && i.networks.bounds[0] < 2n ** 32n,
  );
  return {
    wan: wan.map((i) => i.name),
    phones: [withNet ? withNet.name : `10.0.0.0/8@${first.name}`],
  };
}

/** The flags as CLI arguments. */
export function siteArgs(f: SiteFlags): string[] {
  return [...f.phones.flatMap((p) => ['--phones', p]), ...f.wan.flatMap((w) => ['--wan', w])];
}
