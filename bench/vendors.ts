/**
 * The four bench plug-ins: how to generate a configuration of n rules, and the site flags a user
 * passes for it (`--phones 10.20.0.0/24@<voice interface> --wan <wan interface>`). Each generator
 * includes address lists/aliases/groups referenced by rules, many interfaces, NAT, and rules that
 * overlap the required flows; see the generate-*.ts files.
 */
import {
  generateFortigateManyAddresses,
  generateNftChains,
  generateNftHugeChain,
  generateNftSets,
  generatePfsenseCompact,
  generateRouterOSTerse,
} from './generate-alt.js';
import { generateFortigate } from './generate-fortigate.js';
import { generateRouterOS } from './generate-mikrotik.js';
import { generateNftJson } from './generate-nft-json.js';
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
  /** Set on the configurations generated differently (`--shape alt`): what differs. */
  shape?: string;
}

/** The vendor and, for the alternative shapes, the shape: the name a row is printed under. */
export function benchName(v: VendorBench): string {
  return v.shape ? `${v.vendor} (${v.shape})` : v.vendor;
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

const byVendor = (name: VendorBench['vendor']): VendorBench => {
  const v = VENDORS.find((x) => x.vendor === name);
  if (!v) throw new Error(`no bench generator for ${name}`);
  return v;
};

/**
 * The same vendors generated differently (bench/generate-alt.ts), with the same site flags and
 * baselines: the targets must hold on these too (issue 15).
 */
export const ALT_VENDORS: readonly VendorBench[] = [
  {
    ...byVendor('pfsense'),
    generate: (rules, seed) => generatePfsenseCompact(rules, seed),
    shape: 'compact',
    features: 'compact XML: no whitespace between tags',
  },
  {
    ...byVendor('fortigate'),
    generate: (rules, seed) => generateFortigateManyAddresses(rules, seed),
    shape: 'addresses',
    features: 'twice as many address objects as policies',
  },
  {
    ...byVendor('mikrotik'),
    generate: (rules, seed) => generateRouterOSTerse(rules, seed),
    shape: 'terse',
    features: 'terse one-line commands with their menu path, an address list of n/2 entries',
  },
  {
    ...byVendor('nftables'),
    generate: (rules, seed) => generateNftChains(rules, seed),
    shape: 'chains',
    features: 'n/11 small chains of ten rules, each entered by a jump',
  },
  {
    ...byVendor('nftables'),
    generate: (rules, seed) => generateNftSets(rules, seed),
    shape: 'sets',
    features: 'named sets of n/2 addresses and n/10 port ranges, a verdict map of n/10 entries',
  },
  {
    ...byVendor('nftables'),
    generate: (rules, seed) => generateNftHugeChain(rules, seed),
    shape: 'huge chain',
    features: 'one chain of n rules, every rule with its own addresses',
  },
  {
    ...byVendor('nftables'),
    ext: 'json',
    generate: (rules, seed) => generateNftJson({ name: `${rules} rules`, rules, setElements: rules >> 3, seed }),
    baseline: undefined,
    shape: 'nft -j',
    features: 'the bench ruleset as `nft -j list ruleset` prints it (one line, about 5x the text)',
  },
];
