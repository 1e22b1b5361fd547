import { formatAddrSet } from '../model/address.js';
import { KIND_LABEL } from './rank.js';
import type { SiteReport, SiteRoleReport } from '../model/report.js';
import type { Site, SiteNetwork } from './types.js';

/** "phones: 172.16.1.0/24 on vlan202, detected: DHCP server "Phones DHCP" … (won over: address list PHONEVLAN …)". */
export function describeRole(role: string, nets: readonly SiteNetwork[]): string {
  return `${role}: ${nets.map(describeNetwork).join('; ')}`;
}

export function describeNetwork(n: SiteNetwork): string {
  const [won, ...rest] = n.evidence;
  const how = !won
    ? n.source
    : n.source === 'flag'
      ? `given with ${won.reason}`
      : n.source === 'assumed'
        ? `assumed: ${won.reason}`
        : `detected by ${KIND_LABEL[won.kind]}: ${won.reason}`;
  const more = rest.length ? ` (also: ${rest.map((e) => e.reason).join(', ')})` : '';
  const shown = n.written ?? n.networks;
  const less = shown.subtract(n.networks);
  const without = less.isEmpty ? '' : ` (without the firewall's own ${formatAddrSet(less)})`;
  return `${formatAddrSet(shown)}${without} on ${n.iface}, ${how}${more}`;
}

/** The site as plain data for reports: each role's networks, source and evidence. */
export function siteToReport(site: Site): SiteReport {
  const conv = (nets: readonly SiteNetwork[]): SiteRoleReport[] =>
    nets.map((n) => ({
      label: n.label,
      networks: formatAddrSet(n.written ?? n.networks, 64),
      interface: n.iface,
      source: n.source,
      evidence: n.evidence.map((e) => ({ kind: e.kind, file: e.file, line: e.line, reason: e.reason })),
    }));
  const roles: SiteReport['roles'] = {
    phones: conv(site.phones),
    pcs: conv(site.pcs),
    pbx: conv(site.pbx),
    wan: conv(site.wan),
  };
  for (const [name, nets] of Object.entries(site.servers)) roles[`server:${name}`] = conv(nets);
  const out: SiteReport = { roles, notes: [...site.notes] };
  if (site.firewall) out.firewall = site.firewall;
  return out;
}
