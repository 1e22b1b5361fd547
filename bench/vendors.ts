/**
 * The four bench plug-ins: how to generate a configuration of n rules, and the site flags a user
 * passes for it (`--phones 10.20.0.0/24@<voice interface> --wan <wan interface>`). Each generator
 * includes address lists/aliases/groups referenced by rules, many interfaces, NAT, and rules that
 * overlap the required flows; see the generate-*.ts files.
 */
import { generateFortigate } from './generate-fortigate.js';
import { generateRouterOS } from './generate-mikrotik.js';
import { generateRuleset } from './generate-nftables.js';
import { generatePfsense } from './generate-pfsense.js';
import type { Site } from './harness.js';

export interface VendorBench {
  vendor: 'pfsense' | 'fortigate' | 'mikrotik' | 'nftables';
  ext: string;
  generate(rules: number, seed: number): string;
  site: Site;
  /** pfSense: fast-xml-parser's parse; nftables: `nft -c`. */
  baseline?: 'fxp' | 'nft';
  features: string;
}

export const VENDORS: readonly VendorBench[] = [
  {
    vendor: 'pfsense',
    ext: 'xml',
    generate: (rules, seed) => generatePfsense(rules, seed).text,
    site: { phones: ['10.20.0.0/24@opt1'], wan: ['wan'] },
    baseline: 'fxp',
    features: '5 interfaces with VLANs, ~1% aliases (nested, port aliases), floating rules, port-forwards, hybrid NAT',
  },
  {
    vendor: 'fortigate',
    ext: 'conf',
    generate: (rules, seed) => generateFortigate(rules, Math.max(100, rules >> 2) + (seed % 7)),
    site: { phones: ['10.20.0.0/24@voice'], wan: ['wan1'] },
    features: 'zones, address objects and groups (n/4), custom services and groups, VIPs, IP pools, shuffled ids',
  },
  {
    vendor: 'mikrotik',
    ext: 'rsc',
    generate: (rules, seed) => generateRouterOS(rules, Math.max(10, rules >> 3), seed),
    site: { phones: ['10.20.0.0/24@vlan20-voice'], wan: ['ether1'] },
    features: 'interface lists, address lists (n/8 entries), jump chains, dst-nat, 80-column continuations',
  },
  {
    vendor: 'nftables',
    ext: 'nft',
    generate: (rules, seed) => generateRuleset({ name: `${rules} rules`, rules, setElements: rules >> 3, seed }),
    site: { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] },
    baseline: 'nft',
    features: '40 interfaces, anonymous sets, a named interval set (n/8), concatenations, verdict maps, jumps, NAT',
  },
];
