import { formatAddrSet } from '../model/address.js';
import { placeText } from './evidence.js';
import { KIND_LABEL } from './rank.js';
import type { SiteReport, SiteRoleReport } from '../model/report.js';
import type { Site, SiteNetwork } from './types.js';

/**
 * "phones: 172.16.1.0/24 on vlan202, detected by …: DHCP server "Phones DHCP" … (also: address list
 * PHONEVLAN …)". Networks with the same source and evidence (every internal network of
 * `--phones all-internal`) are listed together before it, so the reason is written once.
 */
export function describeRole(role: string, nets: readonly SiteNetwork[]): string {
  const groups = new Map<string, string[]>();
  for (const n of nets) {
    const why = reasonOf(n);
    const list = groups.get(why);
    if (list) list.push(placeOf(n));
    else groups.set(why, [placeOf(n)]);
  }
  return `${role}: ${[...groups].map(([why, places]) => `${places.join(', ')}, ${why}`).join('; ')}`;
}

/** "172.16.1.0/24 on vlan202" */
function placeOf(n: SiteNetwork): string {
  const shown = n.written ?? n.networks;
  const less = shown.subtract(n.networks);
  const without = less.isEmpty ? '' : ` (without the firewall's own ${formatAddrSet(less)})`;
  return `${formatAddrSet(shown)}${without} ${placeText(n.iface)}`;
}

/** How the network was found and the evidence: "given with --phones …", "detected by …: … (also: …)". */
function reasonOf(n: SiteNetwork): string {
  const [won, ...rest] = n.evidence;
  const how = !won
    ? n.source
    : n.source === 'flag'
      ? `given with ${won.reason}`
      : n.source === 'assumed'
        ? `assumed: ${won.reason}`
        : `detected by ${KIND_LABEL[won.kind]}: ${won.reason}`;
  const more = rest.length ? ` (also: ${rest.map((e) => e.reason).join(', ')})` : '';
  return `${how}${more}`;
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
