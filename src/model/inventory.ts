import type { AddrSet } from './address.js';
import type { SourceLocation } from './location.js';

/**
 * Vendor-independent facts about a site that are not policy: named address objects, DHCP servers and
 * the hints a configuration gives about its uplinks. Parsers fill it (parsers/<vendor>/inventory.ts)
 * and only extract: which network holds the phones, and why, is decided in src/site/ from these facts
 * (docs/site-detection.md).
 */

/** A named address object: pfSense/OPNsense alias, RouterOS address list, FortiGate address or group, nftables set. */
export interface NamedObject {
  kind: 'alias' | 'address-list' | 'address' | 'address-group' | 'set' | 'define';
  name: string;
  /** The concrete addresses it holds (hostnames and run-time members are left out). */
  addresses: AddrSet;
  /** Member names or entries as written (groups: member names; lists: entries). */
  members: string[];
  description?: string;
  loc: SourceLocation;
}

/** A DHCP option the server hands out (66 TFTP server, 150 Cisco TFTP, 160 Polycom provisioning, 43 vendor). */
export interface DhcpOption {
  code: number;
  value: string;
  /** The option's own name where the vendor names options (RouterOS `/ip dhcp-server option`). */
  name?: string;
  loc: SourceLocation;
}

/** A DHCP server or pool: the network it serves on an interface and the options it gives. */
export interface DhcpServer {
  name: string;
  iface?: string;
  /** The served network (pool range or DHCP network), when the configuration says. */
  network?: AddrSet;
  options: DhcpOption[];
  /** Names of option sets or profiles it uses (RouterOS `dhcp-option-set`). */
  optionSets: string[];
  description?: string;
  loc: SourceLocation;
}

export type WanHintKind =
  'default-route' | 'gateway' | 'pppoe-client' | 'dhcp-client' | 'interface-list' | 'role-wan' | 'sdwan-member';

/** One sign that an interface is an uplink, as written in the configuration. */
export interface WanHint {
  kind: WanHintKind;
  /** The model interface name, when the configuration names it. */
  iface?: string;
  /** The next hop, for routes and gateways whose interface must be found by address. */
  gateway?: string;
  /** What the configuration says, e.g. "default route via 192.0.2.1". */
  reason: string;
  loc: SourceLocation;
}

export interface Inventory {
  objects: NamedObject[];
  dhcp: DhcpServer[];
  wan: WanHint[];
}

export function emptyInventory(): Inventory {
  return { objects: [], dhcp: [], wan: [] };
}
