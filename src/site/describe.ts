import { formatAddrSet, type AddrSet } from '../model/address.js';
import { placeText } from './evidence.js';
import { KIND_LABEL } from './rank.js';
import type { SiteReport, SiteRoleReport } from '../model/report.js';
import type { Site, SiteNetwork } from './types.js';

/**
 * "phones: 172.16.1.0/24 on vlan202, detected by …: DHCP server "Phones DHCP" … (also: address list
 * PHONEVLAN …)". Networks with the same source and evidence (every internal network of
 * `--phones all-internal`) are listed together before it, so the reason is written once.
 */
export function describeRole(role: string, nets: readonly SiteNetwork[], removed: readonly Removed[] = []): string {
  const groups = new Map<string, string[]>();
  for (const n of nets) {
    const why = reasonOf(n);
    const place = placeOf(n, removed);
    const list = groups.get(why);
    if (list) list.push(place);
    else groups.set(why, [place]);
  }
  return `${role}: ${[...groups].map(([why, places]) => `${places.join(', ')}, ${why}`).join('; ')}`;
}

/**
 * "WAN: WAN (em0), detected by route: DHCP client on wan (line 40)": the uplinks fwlint found, and why.
 * The Internet-bound checks rest on them, so a wrong guess must be visible in every report.
 */
export function describeWan(nets: readonly SiteNetwork[]): string {
  return `WAN: ${nets.map((n) => `${n.label}, ${reasonOf(n)}`).join('; ')}; pass --wan to choose others`;
}

/** Addresses a role never holds, and why: `the PBX`, `the firewall's own`, `loopback`, `the WAN`. */
export interface Removed {
  why: string;
  addresses: AddrSet;
}

/** "172.16.1.0/24 on vlan202", "10.20.0.0/24 (without the PBX 10.20.0.10) on voice" */
function placeOf(n: SiteNetwork, removed: readonly Removed[]): string {
  const shown = n.written ?? n.networks;
  return `${formatAddrSet(shown)}${withoutText(shown.subtract(n.networks), removed)} ${placeText(n.iface)}`;
}

/** " (without the PBX 10.20.0.10 and loopback 127.0.0.1)": each address under the first reason that holds it. */
function withoutText(less: AddrSet, removed: readonly Removed[]): string {
  if (less.isEmpty) return '';
  const parts: string[] = [];
  let rest = less;
  for (const r of removed) {
    const part = rest.intersect(r.addresses);
    if (part.isEmpty) continue;
    parts.push(`${r.why} ${formatAddrSet(part)}`);
    rest = rest.subtract(part);
  }
  if (!rest.isEmpty) parts.push(formatAddrSet(rest));
  return ` (without ${parts.join(' and ')})`;
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
