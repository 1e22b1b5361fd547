/**
 * Synthetic /etc/nftables.conf-style rulesets: defines, a ct timeout object, anonymous sets
 * (`ip daddr { … } tcp dport { … }`), concatenations, verdict maps and jumps to zone chains, a
 * phones chain, DNAT and masquerade; optionally a named interval set of `setElements` elements.
 */
import { rng } from './rng.js';

function ip(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

export interface NftSpec {
  name: string;
  rules: number;
  setElements: number;
  seed?: number;
}

export function generateRuleset(spec: NftSpec): string {
  const r = rng(spec.rules * 7 + spec.setElements + (spec.seed ?? 0));
  const out: string[] = [];
  out.push(
    '#!/usr/sbin/nft -f',
    `# fwlint bench: ${spec.name}`,
    'flush ruleset',
    '',
    'define PHONES = 10.20.0.0/24',
    'define WAN = "wan0"',
    '',
  );
  out.push('table inet fw {');
  out.push(
    '\tct timeout udp-voip {',
    '\t\tprotocol udp',
    '\t\tl3proto ip',
    '\t\tpolicy = { unreplied : 60, replied : 600 }',
    '\t}',
    '',
  );
  if (spec.setElements) {
    out.push('\tset blocklist {', '\t\ttype ipv4_addr', '\t\tflags interval', '\t\telements = {');
    const base = (100 << 24) >>> 0; // 100.0.0.0 onwards: /30 blocks with gaps, so no two merge
    for (let i = 0; i < spec.setElements; i++)
      out.push(`\t\t\t${ip(base + i * 8)}/30${i + 1 < spec.setElements ? ',' : ''}`);
    out.push('\t\t}', '\t}', '');
  }
  out.push(
    '\tchain prerouting {',
    '\t\ttype filter hook prerouting priority filter; policy accept;',
    '\t\tmeta l4proto udp ct timeout set "udp-voip"',
    '\t}',
    '',
  );
  out.push(
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tct state established,related accept',
    '\t\ticmp type echo-request accept',
    '\t\tiifname "vlan20" meta l4proto { tcp, udp } th dport 53 accept',
    '\t}',
    '',
  );
  const subChains = Math.max(1, Math.floor(spec.rules / 500));
  const perSub = Math.floor(spec.rules / 10 / subChains);
  for (let c = 0; c < subChains; c++) {
    out.push(`\tchain zone${c} {`);
    for (let i = 0; i < perSub; i++) out.push(`\t\t${ruleLine(r, c * perSub + i)}`);
    out.push('\t}', '');
  }
  out.push(
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter; policy drop;',
    '\t\tct state vmap { established : accept, related : accept, invalid : drop }',
  );
  if (spec.setElements) out.push('\t\tip daddr @blocklist drop');
  out.push('\t\tiifname . ip saddr vmap { "vlan20" . $PHONES : jump phones }');
  const main = spec.rules - subChains * perSub;
  for (let i = 0; i < main; i++) {
    if (i % 500 === 250 && i / 500 < subChains) out.push(`\t\tiifname "lan${i % 40}" jump zone${Math.floor(i / 500)}`);
    else out.push(`\t\t${ruleLine(r, i + 1_000_000)}`);
  }
  out.push('\t}', '');
  out.push(
    '\tchain phones {',
    '\t\toifname $WAN ip daddr 185.72.208.0/22 accept',
    '\t\toifname $WAN udp dport { 53, 123 } accept',
    '\t\toifname $WAN tcp dport { 53, 80, 443 } accept',
    '\t}',
  );
  out.push('}', '');
  out.push(
    'table ip nat {',
    '\tchain prerouting {',
    '\t\ttype nat hook prerouting priority dstnat; policy accept;',
    '\t\tiifname $WAN tcp dport 8443 dnat to 192.168.1.10:443',
    '\t}',
    '',
  );
  out.push(
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    '\t\toifname $WAN ip saddr { $PHONES, 192.168.0.0/16 } masquerade',
    '\t}',
    '}',
    '',
  );
  return out.join('\n');
}

/** A host of 198.18.0.0/15 (RFC 2544's benchmarking range) for index `n`: one per rule, so no two rules repeat. */
function bench(n: number): string {
  return ip((((198 << 24) >>> 0) | (18 << 16)) + (n % 131072));
}

/**
 * Rule `i` of a chain. Every line is unique within its chain (a real ruleset hardly ever repeats a
 * rule word for word, and a reader could share the work of a repeated line).
 */
function ruleLine(r: () => number, i: number): string {
  const lan = `lan${i % 40}`;
  const src = `10.${100 + ((i >> 8) & 127)}.${i & 255}.0/24`; // 32,768 source networks
  const host = (n: number) => ip(((198 << 24) | (51 << 16) | (100 << 8)) + (n % 250));
  const kind = Math.floor(r() * 10);
  const ports = (n: number) =>
    Array.from({ length: n }, (_, k) => 1000 + ((i * 7 + k * 13 + 3 * Math.floor(i / 60000)) % 60000)).join(', ');
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return (
        `iifname "${lan}" ip saddr ${src} ip daddr { ${host(i)}, ${host(i + 1)}, 203.0.113.0/24 } ` +
        `tcp dport { ${ports(3)}, 8000-8100 } accept`
      );
    case 3:
    case 4:
      return `iifname "${lan}" ip saddr ${src} udp dport { ${ports(4)} } accept`;
    case 5:
      return `ip saddr ${src} ip daddr ${host(i)} tcp dport ${1 + (i % 65000)} counter drop`;
    case 6:
      return `iifname "${lan}" meta l4proto { tcp, udp } th dport { ${ports(2)} } ct state new accept`;
    case 7:
      return `ip daddr { ${host(i)}, ${bench(i)} } icmp type echo-request accept`;
    case 8:
      return `iifname "${lan}" oifname $WAN ip saddr ${src} ip daddr != { 10.0.0.0/8, 172.16.0.0/12 } tcp dport { 22, 3389 } reject`;
    default:
      return (
        `ip saddr ${src} ip protocol . th dport vmap ` +
        `{ tcp . ${1 + (i % 60000)} : accept, udp . ${2 + (i % 60000)} : drop }`
      );
  }
}
