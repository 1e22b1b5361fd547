/**
 * Configurations generated differently from the bench's own generators (`npm run bench -- --shape alt`),
 * so the targets can be checked on shapes the parsers were not tuned on:
 *   RouterOS   terse one-line commands (`/ip firewall filter add …`, no continuations) and an address
 *              list of n/2 entries;
 *   FortiGate  twice as many address objects as policies;
 *   pfSense    compact XML (no whitespace between tags);
 *   nftables   many small chains entered by jumps; large named sets and a verdict map; one huge chain
 *              in which every rule names its own addresses.
 * Deterministic (fixed-seed PRNG), like the other generators.
 */
import { generateFortigate } from './generate-fortigate.js';
import { generateRouterOS } from './generate-mikrotik.js';
import { generatePfsense } from './generate-pfsense.js';
import { rng } from './rng.js';

/** RouterOS as `/export terse` writes it: every command on one line with its menu path. */
export function generateRouterOSTerse(rules: number, seed: number): string {
  const joined = generateRouterOS(rules, Math.max(10, rules >> 1), seed + 10).replace(/\\\r?\n\s*/g, '');
  const out: string[] = [];
  let menu = '';
  for (const line of joined.split('\n')) {
    if (line.startsWith('/')) menu = line;
    else if (/^(add|set|remove) /.test(line)) out.push(`${menu} ${line}`);
    else out.push(line);
  }
  return out.join('\n');
}

export function generateFortigateManyAddresses(policies: number, seed: number): string {
  return generateFortigate(policies, 2 * policies + (seed % 7));
}

/** pfSense config.xml without indentation or line breaks between tags. */
export function generatePfsenseCompact(rules: number, seed: number): string {
  return generatePfsense(rules, seed + 4).text.replace(/>\s+</g, '><');
}

function ip(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** The tables and chains every nftables shape shares: input, the phones' chain, NAT. */
function nftFrame(name: string, body: string[], forward: string[]): string {
  return [
    '#!/usr/sbin/nft -f',
    `# fwlint bench (alternative shape): ${name}`,
    'flush ruleset',
    '',
    'define PHONES = 10.20.0.0/24',
    'define WAN = "wan0"',
    '',
    'table inet fw {',
    ...body,
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tct state established,related accept',
    '\t\ticmp type echo-request accept',
    '\t}',
    '',
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter; policy drop;',
    '\t\tct state vmap { established : accept, related : accept, invalid : drop }',
    '\t\tiifname . ip saddr vmap { "vlan20" . $PHONES : jump phones }',
    ...forward,
    '\t}',
    '',
    '\tchain phones {',
    '\t\toifname $WAN ip daddr 185.72.208.0/22 accept',
    '\t\toifname $WAN udp dport { 53, 123 } accept',
    '\t\toifname $WAN tcp dport { 53, 80, 443 } accept',
    '\t}',
    '}',
    '',
    'table ip nat {',
    '\tchain prerouting {',
    '\t\ttype nat hook prerouting priority dstnat; policy accept;',
    '\t\tiifname $WAN tcp dport 8443 dnat to 192.168.1.10:443',
    '\t}',
    '',
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    '\t\toifname $WAN ip saddr { $PHONES, 192.168.0.0/16 } masquerade',
    '\t}',
    '}',
    '',
  ].join('\n');
}

/** Many small chains (ten rules each) entered by jumps from the forward chain, each ending in a return. */
export function generateNftChains(rules: number, seed: number): string {
  const r = rng(rules * 13 + seed);
  const chains = Math.max(1, Math.floor(rules / 11));
  const body: string[] = [];
  const forward: string[] = [];
  for (let c = 0; c < chains; c++) {
    body.push(`\tchain z${c} {`);
    for (let i = 0; i < 9; i++) {
      const port = 1 + Math.floor(r() * 65000);
      const host = ip(((198 << 24) | (18 << 16)) + Math.floor(r() * 65536));
      body.push(`\t\tip daddr ${host} ${r() < 0.5 ? 'tcp' : 'udp'} dport ${port} ${r() < 0.7 ? 'accept' : 'drop'}`);
    }
    body.push('\t\treturn', '\t}', '');
    forward.push(`\t\tiifname "lan${c % 40}" ip saddr 192.168.${c % 250}.0/24 jump z${c}`);
  }
  return nftFrame(`${rules} rules in ${chains} small chains`, body, forward);
}

/** Large named sets (n/2 addresses, n/10 ports) and a verdict map of n/10 entries, used by few rules. */
export function generateNftSets(rules: number, seed: number): string {
  const r = rng(rules * 17 + seed);
  const addrs = Math.max(1, rules >> 1);
  const ports = Math.max(1, Math.floor(rules / 10));
  const body: string[] = ['\tset blocked {', '\t\ttype ipv4_addr', '\t\tflags interval', '\t\telements = {'];
  const base = (100 << 24) >>> 0;
  for (let i = 0; i < addrs; i++) body.push(`\t\t\t${ip(base + i * 8)}/30${i + 1 < addrs ? ',' : ''}`);
  body.push('\t\t}', '\t}', '', '\tset svc {', '\t\ttype inet_service', '\t\tflags interval', '\t\telements = {');
  for (let i = 0; i < ports; i++) body.push(`\t\t\t${1024 + i * 4}-${1025 + i * 4}${i + 1 < ports ? ',' : ''}`);
  body.push('\t\t}', '\t}', '', '\tmap zones {', '\t\ttype ipv4_addr : verdict', '\t\telements = {');
  const entries = Math.max(1, Math.floor(rules / 10));
  for (let i = 0; i < entries; i++) {
    const v = r() < 0.5 ? 'accept' : 'drop';
    body.push(`\t\t\t${ip(((172 << 24) | (16 << 16)) + i)} : ${v}${i + 1 < entries ? ',' : ''}`);
  }
  body.push('\t\t}', '\t}', '');
  const forward = [
    '\t\tip saddr @blocked drop',
    '\t\tip daddr @blocked drop',
    '\t\ttcp dport @svc accept',
    '\t\tip daddr vmap @zones',
  ];
  const rest = Math.max(0, rules - forward.length);
  // One /28 of 10.64.0.0/10 per rule, so no two rules repeat.
  for (let i = 0; i < rest; i++)
    forward.push(`\t\tiifname "lan${i % 40}" ip saddr ${ip((((10 << 24) >>> 0) | (64 << 16)) + i * 16)}/28 accept`);
  return nftFrame(`${addrs} set elements, ${ports} ports, a ${entries}-entry verdict map`, body, forward);
}

/** One chain of n rules, each naming its own source and destination host. */
export function generateNftHugeChain(rules: number, seed: number): string {
  const r = rng(rules * 19 + seed);
  const forward: string[] = [];
  for (let i = 0; i < rules; i++) {
    const src = ip((((10 << 24) >>> 0) + 0x10000 + i) >>> 0);
    const dst = ip(((198 << 24) >>> 0) + i * 3);
    const proto = r() < 0.5 ? 'tcp' : 'udp';
    forward.push(
      `\t\tip saddr ${src} ip daddr ${dst} ${proto} dport ${1 + (i % 65000)} ${r() < 0.6 ? 'accept' : 'drop'}`,
    );
  }
  return nftFrame(`${rules} rules in one chain, unique addresses`, [], forward);
}
