import { rng } from '../../bench/rng.js';

/**
 * A seeded generator of random but valid nftables rulesets for the kernel differential run. Every
 * ruleset routes phones (10.20.0.0/24 on vlan20) to the Internet through wan0, with a LAN (lan0)
 * on the side, and draws from: several tables (inet, ip, ip6) with base chains on the prerouting,
 * forward, postrouting and input hooks at distinct priorities, accept/drop policies, regular chains
 * reached by jump/goto with return, named sets and verdict maps with intervals, ct state matches
 * and vmaps, notrack, ct helper and ct timeout objects, NAT (masquerade/snat with and without
 * random/fully-random/persistent, port ranges, NAT exemptions, dnat port-forwards), output chains
 * (the firewall's own echo replies), `ipsec in` matches, `th` ports with and without a protocol match,
 * negated state sets and (rarely) flag lists. The same seed always gives the same text.
 */
export const GEN_SITE = { phones: '10.20.0.0/24@vlan20', wan: 'wan0', profile: 'ipnordic' } as const;

type Family = 'inet' | 'ip' | 'ip6';
type Hook = 'prerouting' | 'forward' | 'postrouting' | 'input' | 'output';

class Gen {
  private readonly r: () => number;
  private readonly used = new Map<string, Set<number>>();
  private readonly out: string[] = [];

  constructor(seed: number) {
    this.r = rng(seed);
  }

  chance(p: number): boolean {
    return this.r() < p;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    const x = xs[Math.floor(this.r() * xs.length)];
    if (x === undefined) throw new Error('pick from an empty list');
    return x;
  }

  /** A priority not yet used on this hook by any table (equal priorities have no defined order). */
  priority(hook: Hook): number {
    const set = this.used.get(hook) ?? new Set<number>();
    this.used.set(hook, set);
    const choices =
      hook === 'prerouting' || hook === 'output'
        ? [-300, -250, -150, -50, 0, 10, 50]
        : [-150, -50, -10, 0, 10, 50, 100];
    const free = choices.filter((p) => !set.has(p));
    const p = free.length ? this.pick(free) : this.int(-400, 400);
    set.add(p);
    return p;
  }

  line(s: string): void {
    this.out.push(s);
  }
  text(): string {
    return `${this.out.join('\n')}\n`;
  }
}

const PHONE_NETS = ['10.20.0.0/24', '10.20.0.0/25', '10.20.0.0/28', '10.20.0.128/25'];
const PROVIDER_NETS = ['185.72.208.0/22', '185.72.208.0/24', '185.72.209.0/24', '185.72.208.0/23'];
const UDP_PORTS = ['5060', '123', '10000', '37500', '65000', '10000-20000', '20000-65000', '5060-5061', '1-1024'];
const TCP_PORTS = ['80', '443', '5060', '5061', '80-443', '1024-65535'];
const STATES = ['new', 'established', 'related', 'invalid', 'untracked', 'established,related', 'new,untracked'];

function portExpr(g: Gen, list: string[]): string {
  if (g.chance(0.3)) {
    const a = g.pick(list);
    const b = g.pick(list.filter((x) => x !== a));
    return `{ ${a}, ${b} }`;
  }
  return g.pick(list);
}

/**
 * A ct state match. A negated list is mostly written as a set (`!= { a, b }`, "not in"); the flag-list
 * form `!= a,b` is rare: its meaning depends on the nft release (docs/semantics.md#nft-syntax).
 */
function ctState(g: Gen): string {
  const s = g.pick(STATES);
  if (!g.chance(0.15)) return `ct state ${s}`;
  return s.includes(',') && g.chance(0.8) ? `ct state != { ${s.split(',').join(', ')} }` : `ct state != ${s}`;
}

/** A conjunction of 0-3 matches valid in a table of this family (one transport protocol per rule). */
function matches(g: Gen, fam: Family, hook: Hook, sets: string[]): string {
  const m: string[] = [];
  const n = g.int(0, 3);
  const v4 = fam !== 'ip6';
  let l4: 'udp' | 'tcp' | 'th' | undefined;
  const proto = (p: 'udp' | 'tcp' | 'th'): boolean => {
    if (l4 && l4 !== p) return false;
    l4 = p;
    return true;
  };
  for (let i = 0; i < n; i++) {
    const k = g.int(0, 9);
    if (k === 0 && hook !== 'postrouting' && hook !== 'output')
      m.push(`iifname ${g.chance(0.15) ? '!= ' : ''}"${g.pick(['vlan20', 'wan0', 'lan0'])}"`);
    else if (k === 1 && hook !== 'prerouting' && hook !== 'input')
      m.push(
        g.chance(0.2)
          ? 'oifname { "wan0", "lan0" }'
          : `oifname ${g.chance(0.15) ? '!= ' : ''}"${g.pick(['wan0', 'vlan20', 'lan0'])}"`,
      );
    else if (k === 2 && v4)
      m.push(
        sets.includes('phones') && g.chance(0.3)
          ? 'ip saddr @phones'
          : `ip saddr ${g.chance(0.15) ? '!= ' : ''}${g.pick(PHONE_NETS)}`,
      );
    else if (k === 3 && v4)
      m.push(
        sets.includes('prov') && g.chance(0.3)
          ? 'ip daddr @prov'
          : `ip daddr ${g.chance(0.15) ? '!= ' : ''}${g.pick(PROVIDER_NETS)}`,
      );
    else if (k === 4 && proto('udp'))
      m.push(`udp dport ${sets.includes('uports') && g.chance(0.3) ? '@uports' : portExpr(g, UDP_PORTS)}`);
    else if (k === 5 && proto('tcp')) m.push(`tcp dport ${portExpr(g, TCP_PORTS)}`);
    else if (k === 6) m.push(ctState(g));
    else if (k === 7 && !l4) {
      const p = g.pick(['udp', 'tcp', '{ tcp, udp }']);
      l4 = p === 'udp' ? 'udp' : p === 'tcp' ? 'tcp' : 'th';
      m.push(`meta l4proto ${p}`);
    } else if (k === 8 && !v4) m.push(`ip6 saddr ${g.pick(['2001:db8::/32', '::/0', 'fd00::/8'])}`);
    else if (k === 8 && proto('udp')) m.push(`udp sport ${g.pick(['40000-40004', '40005-40020', '5060'])}`);
    else if (k === 9) {
      // Mostly the documented form (a protocol match first); bare `th` reads any transport header.
      const bare = !!l4 || g.chance(0.2);
      if (!bare) l4 = 'th';
      m.push(`${bare ? '' : 'meta l4proto { tcp, udp } '}th dport ${g.pick(['5060', '10000-65000', '123', '1-1023'])}`);
    }
  }
  return m.join(' ');
}

interface TableCtx {
  fam: Family;
  name: string;
  sets: string[];
  regular: string[];
  helpers: string[];
  timeouts: string[];
}

function verdict(g: Gen, t: TableCtx, hook: Hook, from: number, regularIndex: number): string {
  const k = g.int(0, 9);
  const targets = t.regular.slice(regularIndex + 1);
  if (k <= 2) return 'accept';
  if (k <= 4) return 'drop';
  if (k === 5 && (hook === 'forward' || hook === 'input') && regularIndex < 0) return 'reject';
  if (k === 6 && targets.length) return `${g.pick(['jump', 'goto'])} ${g.pick(targets)}`;
  if (k === 7 && regularIndex >= 0) return 'return';
  if (k === 8) return 'counter';
  if (k === 9 && t.fam !== 'ip6' && from >= 0) {
    const tg = targets.length ? g.pick(targets) : undefined;
    const second = tg ? `jump ${tg}` : 'drop';
    return `udp dport vmap { 5060 : accept, 10000-20000 : ${second}, 123 : drop }`;
  }
  return 'accept';
}

function filterTable(g: Gen, ti: number): void {
  const fam: Family = g.pick(['inet', 'inet', 'ip', 'ip', 'ip6']);
  const t: TableCtx = { fam, name: `f${ti}`, sets: [], regular: [], helpers: [], timeouts: [] };
  g.line(`table ${fam} ${t.name} {`);
  if (fam !== 'ip6' && g.chance(0.5)) {
    t.sets.push('phones');
    g.line('\tset phones {\n\t\ttype ipv4_addr\n\t\tflags interval');
    g.line(
      `\t\telements = { ${g.pick(['10.20.0.0/25, 10.20.0.128/25', '10.20.0.0/24', '10.20.0.0-10.20.0.9, 10.20.0.11-10.20.0.255'])} }\n\t}`,
    );
  }
  if (fam !== 'ip6' && g.chance(0.5)) {
    t.sets.push('prov');
    g.line('\tset prov {\n\t\ttype ipv4_addr\n\t\tflags interval');
    g.line(
      `\t\telements = { ${g.pick(['185.72.208.0/22', '185.72.208.0/24, 185.72.210.0/24', '185.72.209.0-185.72.211.255'])} }\n\t}`,
    );
  }
  if (g.chance(0.4)) {
    t.sets.push('uports');
    g.line('\tset uports {\n\t\ttype inet_service\n\t\tflags interval');
    g.line(`\t\telements = { ${g.pick(['5060-5061, 10000-20000', '123, 5060, 30000-65000', '1-1024'])} }\n\t}`);
  }
  if (fam !== 'ip6' && g.chance(0.35)) {
    t.helpers.push('sip5060');
    g.line('\tct helper sip5060 {\n\t\ttype "sip" protocol udp\n\t\tl3proto ip\n\t}');
  }
  if (fam !== 'ip6' && g.chance(0.5)) {
    t.timeouts.push('udpt');
    const replied = g.pick([30, 90, 300, 600, 3600]);
    const pol = g.chance(0.2)
      ? `unreplied : ${g.pick([10, 30])}`
      : `unreplied : ${g.pick([10, 30])}, replied : ${replied}`;
    g.line(`\tct timeout udpt {\n\t\tprotocol udp\n\t\tl3proto ip\n\t\tpolicy = { ${pol} }\n\t}`);
  }
  const nRegular = g.int(0, 3);
  for (let i = 0; i < nRegular; i++) t.regular.push(`c${i}`);
  // Regular chains: only forward jumps (j > i), so no loops.
  t.regular.forEach((name, i) => {
    g.line(`\tchain ${name} {`);
    const n = g.int(1, 4);
    for (let k = 0; k < n; k++) {
      const m = matches(g, fam, 'forward', t.sets);
      g.line(`\t\t${m ? `${m} ` : ''}${verdict(g, t, 'forward', -1, i)}`);
    }
    g.line('\t}');
  });
  const hooks: Hook[] = ['forward'];
  if (g.chance(0.6)) hooks.push('prerouting');
  if (g.chance(0.3)) hooks.push('postrouting');
  if (g.chance(0.5)) hooks.push('input');
  if (g.chance(0.25)) hooks.push('output');
  for (const hook of hooks) baseChain(g, t, hook);
  g.line('}');
}

/**
 * An ICMP match for the output hook: mostly by protocol; rarely by type (fwlint's ICMP flows are echo
 * requests, so it answers an echo reply meeting a type match as uncertain).
 */
function icmpOut(g: Gen, fam: Family): string {
  const v6 = fam === 'ip6';
  if (g.chance(0.15)) return v6 ? 'icmpv6 type echo-reply' : 'icmp type echo-reply';
  return v6 ? 'meta l4proto ipv6-icmp' : 'meta l4proto icmp';
}

const NOTRACK_MATCHES = [
  'udp dport 10000-65000 ',
  'ip saddr 10.20.0.0/24 udp dport { 10000-65000 } ',
  'iifname "vlan20" meta l4proto udp ',
  'udp sport 40005-40007 ',
];
const TIMEOUT_MATCHES = [
  'meta l4proto udp ',
  'udp dport 5060 ',
  'ip saddr 10.20.0.0/24 meta l4proto udp ',
  'udp dport 10000-20000 ',
];

/** The matches valid in a table of this family (`ip …` matches need IPv4). */
function forFamily(fam: Family, xs: readonly string[]): string[] {
  return xs.filter((x) => fam !== 'ip6' || !x.startsWith('ip '));
}

function baseChain(g: Gen, t: TableCtx, hook: Hook): void {
  const prio = g.priority(hook);
  const policy = g.chance(hook === 'forward' || hook === 'input' ? 0.5 : hook === 'output' ? 0.3 : 0.15)
    ? 'drop'
    : 'accept';
  g.line(`\tchain ${hook} {`);
  g.line(`\t\ttype filter hook ${hook} priority ${prio}; policy ${policy};`);
  const rules: string[] = [];
  const wanted = hook === 'forward' ? 0.7 : 0.4;
  if (g.chance(wanted)) {
    rules.push(
      g.chance(0.5)
        ? 'ct state established,related accept'
        : 'ct state vmap { established : accept, related : accept, invalid : drop }',
    );
  }
  if (hook === 'prerouting' && g.chance(0.35)) rules.push(`${g.pick(forFamily(t.fam, NOTRACK_MATCHES))}notrack`);
  if ((hook === 'prerouting' || hook === 'forward') && t.helpers.length && g.chance(0.7))
    rules.push(`${g.pick(['udp dport 5060 ', 'ip saddr 10.20.0.0/24 udp dport 5060 ', ''])}ct helper set "sip5060"`);
  if ((hook === 'prerouting' || hook === 'forward') && t.timeouts.length && g.chance(0.7))
    rules.push(`${g.pick(TIMEOUT_MATCHES)}ct timeout set "udpt"`);
  if (hook === 'input' && g.chance(0.6))
    rules.push(
      g.pick(forFamily(t.fam, ['iifname "wan0" ', 'ip saddr 185.72.208.0/22 ', ''])) +
        `${t.fam === 'ip6' ? 'icmpv6 type echo-request' : 'icmp type echo-request'} ${g.pick(['accept', 'drop'])}`,
    );
  if (hook === 'input' && t.fam !== 'ip6' && g.chance(0.1)) rules.push('iifname "wan0" ipsec in reqid 1 accept');
  // The firewall's own packets: its echo replies pass output (and postrouting).
  if (hook === 'output' && g.chance(0.5))
    rules.push(`${g.pick(['oifname "wan0" ', ''])}${icmpOut(g, t.fam)} ${g.pick(['accept', 'accept', 'drop'])}`);
  if (hook === 'forward' && g.chance(0.6))
    rules.push(
      `iifname "vlan20" oifname "wan0" ${t.fam !== 'ip6' && g.chance(0.5) ? 'ip saddr 10.20.0.0/24 ' : ''}accept`,
    );
  const n = g.int(0, 5);
  for (let i = 0; i < n; i++) {
    let m = matches(g, t.fam, hook, t.sets);
    const v = verdict(g, t, hook, i, -1);
    // A udp vmap needs a rule that does not already pin another transport protocol.
    if (v.includes('vmap')) m = m.replace(/(?:tcp dport|meta l4proto) (?:\{[^}]*\}|\S+) ?/g, '').trim();
    rules.splice(g.int(0, rules.length), 0, `${m ? `${m} ` : ''}${v}`);
  }
  for (const r of rules) g.line(`\t\t${r}`);
  g.line('\t}');
}

function natTable(g: Gen): void {
  const fam: Family = g.pick(['ip', 'inet']);
  const v = fam === 'inet' ? ' ip' : '';
  g.line(`table ${fam} nat {`);
  if (g.chance(0.6)) {
    g.line('\tchain prerouting {');
    g.line(`\t\ttype nat hook prerouting priority ${g.pick(['dstnat', '-100', '-90'])}; policy accept;`);
    const n = g.int(1, 3);
    for (let i = 0; i < n; i++) {
      const target = g.pick(['10.20.0.50', '10.20.0.60', '192.168.1.20']);
      const port = g.chance(0.4) ? `:${g.pick(['5060', '5070'])}` : '';
      const match = g.pick([
        'iifname "wan0" udp dport 5060',
        'iifname "wan0" udp dport { 5060, 5070 }',
        'ip daddr 203.0.113.1 udp dport 5060',
        'iifname "wan0" tcp dport 5061',
        'udp dport 5060',
        'iifname "wan0" ip saddr 185.72.208.0/22 udp dport 5060',
        'iifname "wan0" udp dport 30000-30010',
      ]);
      g.line(`\t\t${match} dnat${v} to ${target}${port}`);
    }
    g.line('\t}');
  }
  g.line('\tchain postrouting {');
  g.line(`\t\ttype nat hook postrouting priority ${g.pick(['srcnat', '100', '110'])}; policy accept;`);
  if (g.chance(0.3))
    g.line(
      `\t\toifname "wan0" ip saddr 10.20.0.0/24 ${g.pick(['udp dport 5060', 'udp dport 10000-20000', 'tcp dport 443'])} accept`,
    );
  if (g.chance(0.15)) g.line('\t\toifname "wan0" udp dport 123 return');
  const src = g.pick([
    'ip saddr 10.20.0.0/24 ',
    'ip saddr { 10.20.0.0/24, 192.168.1.0/24 } ',
    '',
    'ip saddr 10.20.0.0/25 ',
  ]);
  const flags = g.pick(['', '', ' random', ' fully-random', ' persistent', ' random,persistent']);
  const action = g.pick([
    `masquerade${flags}`,
    `masquerade${flags}`,
    `snat${v} to 203.0.113.1${flags}`,
    `meta l4proto { tcp, udp } snat${v} to 203.0.113.1:20000-30000`,
    `meta l4proto { tcp, udp } masquerade to :${g.pick(['1024-65535', '40000-40010'])}`,
  ]);
  g.line(`\t\toifname "wan0" ${src}${action}`);
  g.line('\t}');
  g.line('}');
}

export function generateRuleset(seed: number): string {
  const g = new Gen(seed);
  g.line('#!/usr/sbin/nft -f');
  g.line(`# Generated by tools/kernel/generate.ts, seed ${seed}: phones 10.20.0.0/24 on vlan20, WAN wan0.`);
  g.line('flush ruleset');
  const nTables = g.int(1, 3);
  for (let i = 0; i < nTables; i++) filterTable(g, i);
  if (g.chance(0.85)) natTable(g);
  return g.text();
}
