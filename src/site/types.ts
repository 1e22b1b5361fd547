import type { AddrSet } from '../model/address.js';

/**
 * The site of one firewall: which networks hold the phones, the PCs, the PBX, named servers and the
 * WAN, each with where that came from (docs/site-detection.md).
 */
export type Source = 'flag' | 'detected' | 'assumed';

/** Kinds of evidence, strongest first (RANK in src/site/rank.ts). */
export type EvidenceKind =
  'flag' | 'dhcp-option' | 'dhcp-name' | 'object' | 'interface-name' | 'provider-rule' | 'route';

export interface Evidence {
  kind: EvidenceKind;
  file: string;
  line: number;
  /** e.g. `DHCP server "Phones DHCP" on vlan202 hands out option 66`, `address list PHONEVLAN`. */
  reason: string;
}

/** One network of a role. `iface` is the interface it sits behind (what rules match as iif/oif). */
export interface SiteNetwork {
  label: string;
  networks: AddrSet;
  /** The network as the evidence gives it, before loopback and the firewall's own addresses are taken out. */
  written?: AddrSet;
  iface: string;
  source: Source;
  /** Strongest first: evidence[0] is the evidence that won. */
  evidence: Evidence[];
}

export type Role = 'phones' | 'pcs' | 'pbx';

export interface Site {
  /** The firewall (hostname or VDOM) the site belongs to. */
  firewall?: string;
  file: string;
  phones: SiteNetwork[];
  pcs: SiteNetwork[];
  pbx: SiteNetwork[];
  servers: Record<string, SiteNetwork[]>;
  /** WAN interfaces: `networks` are the firewall's own addresses there. */
  wan: SiteNetwork[];
  /** Why phones were not found, or candidates that were set aside (guest, charging, loopback, WAN...). */
  notes: string[];
}
