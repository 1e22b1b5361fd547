/**
 * Synthetic pfSense config.xml generator for the benchmark (npm run bench).
 *
 * Shapes follow real exports: a WAN, a LAN, a VOICE VLAN, a GUEST VLAN and a DMZ; ~1% aliases
 * (hosts, networks, ports); pass/block/reject rules on every interface with single ports, port
 * ranges and aliases; a few floating rules; disabled and logged rules; descr text in CDATA;
 * trackers and created/updated stamps; a few port-forwards and hybrid outbound NAT. Rule bodies
 * average ~370 bytes, so a 10k-rule file is ~3.7 MB and a 100k-rule file ~37 MB, like real
 * exports of that size.
 *
 * Linear and allocation-light: one string per line pushed to an array, joined once. The output
 * is deterministic for a given (rules, seed).
 */
import { writeFileSync } from 'node:fs';
import { picker, rng } from './rng.js';
import { RANGES, WORDS } from './words.js';

interface Iface {
  name: string;
  descr: string;
  dev: string;
  vlan?: number;
  net: string;
  ip: string;
  bits: number;
}

const IFACES: Iface[] = [
  { name: 'wan', descr: 'WAN', dev: 'igb0', net: '203.0.113.0', ip: '203.0.113.2', bits: 28 },
  { name: 'lan', descr: 'LAN', dev: 'igb1', net: '192.168.1.0', ip: '192.168.1.1', bits: 24 },
  { name: 'opt1', descr: 'VOICE', dev: 'igb1.20', vlan: 20, net: '10.20.0.0', ip: '10.20.0.1', bits: 24 },
  { name: 'opt2', descr: 'GUEST', dev: 'igb1.30', vlan: 30, net: '10.30.0.0', ip: '10.30.0.1', bits: 24 },
  { name: 'opt3', descr: 'DMZ', dev: 'igb2', net: '172.16.10.0', ip: '172.16.10.1', bits: 24 },
];

/** Weighted: most rules live on LAN and the VLANs, fewer on WAN and DMZ. */
const RULE_IFACES = ['lan', 'lan', 'lan', 'opt1', 'opt1', 'opt2', 'opt3', 'wan', 'wan', 'lan'];
const WELL_KNOWN = [
  '22',
  '25',
  '53',
  '80',
  '123',
  '143',
  '443',
  '465',
  '587',
  '993',
  '3389',
  '5060',
  '5061',
  '8080',
  '8443',
];
/** Share of rules with a created stamp; tuned so rules average ~370 bytes like real exports. */
const STAMPED = 0.05;
const VERBS = ['Allow', 'Block', 'Permit', 'Deny', 'Temp allow', 'Legacy'];

export interface GeneratedConfig {
  text: string;
  rules: number;
  aliases: number;
}

/** A pfSense config.xml with exactly `rules` filter rules. */
export function generatePfsense(rules: number, seed = 1): GeneratedConfig {
  const r = rng(seed ^ rules);
  const pick = picker(r);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const out: string[] = [];
  const p = (s: string) => out.push(s);
  const t0 = 1_600_000_000;

  p('<?xml version="1.0"?>');
  p('<pfsense>');
  p('\t<version>22.2</version>');
  p('\t<lastchange></lastchange>');
  p('\t<system>');
  p('\t\t<optimization>normal</optimization>');
  p('\t\t<hostname>fw-bench</hostname>');
  p('\t\t<domain>example.net</domain>');
  p('\t\t<dnsserver>9.9.9.9</dnsserver>');
  p('\t\t<timeservers>2.pfsense.pool.ntp.org</timeservers>');
  p('\t\t<disablenatreflection>yes</disablenatreflection>');
  p('\t\t<maximumtableentries>400000</maximumtableentries>');
  p('\t</system>');

  p('\t<interfaces>');
  for (const i of IFACES) {
    p(`\t\t<${i.name}>`);
    p(`\t\t\t<descr><![CDATA[${i.descr}]]></descr>`);
    p('\t\t\t<enable></enable>');
    p(`\t\t\t<if>${i.dev}</if>`);
    p(`\t\t\t<ipaddr>${i.ip}</ipaddr>`);
    p(`\t\t\t<subnet>${i.bits}</subnet>`);
    if (i.name === 'wan') {
      p('\t\t\t<gateway>WANGW</gateway>');
      p('\t\t\t<blockpriv></blockpriv>');
      p('\t\t\t<blockbogons></blockbogons>');
    }
    p(`\t\t</${i.name}>`);
  }
  p('\t</interfaces>');

  p('\t<vlans>');
  for (const i of IFACES) {
    if (i.vlan === undefined) continue;
    p('\t\t<vlan>');
    p('\t\t\t<if>igb1</if>');
    p(`\t\t\t<tag>${i.vlan}</tag>`);
    p('\t\t\t<pcp></pcp>');
    p(`\t\t\t<descr><![CDATA[${i.descr}]]></descr>`);
    p(`\t\t\t<vlanif>${i.dev}</vlanif>`);
    p('\t\t</vlan>');
  }
  p('\t</vlans>');

  p('\t<gateways>');
  p('\t\t<gateway_item>');
  p('\t\t\t<interface>wan</interface>');
  p('\t\t\t<gateway>203.0.113.1</gateway>');
  p('\t\t\t<name>WANGW</name>');
  p('\t\t\t<weight>1</weight>');
  p('\t\t\t<ipprotocol>inet</ipprotocol>');
  p('\t\t\t<descr><![CDATA[ISP uplink]]></descr>');
  p('\t\t</gateway_item>');
  p('\t</gateways>');

  // ~1% aliases: a third hosts, a third networks, a third ports.
  const nAliases = Math.max(3, Math.round(rules / 100));
  const hostAliases: string[] = [];
  const netAliases: string[] = [];
  const portAliases: string[] = [];
  p('\t<aliases>');
  for (let a = 0; a < nAliases; a++) {
    const kind = a % 3;
    const word = pick(WORDS);
    p('\t\t<alias>');
    if (kind === 0) {
      const name = `H_${word}_${a}`;
      hostAliases.push(name);
      const n = int(1, 4);
      const addrs: string[] = [];
      for (let k = 0; k < n; k++) addrs.push(`192.168.${int(1, 1)}.${int(2, 254)}`);
      p(`\t\t\t<name>${name}</name>`);
      p('\t\t\t<type>host</type>');
      p(`\t\t\t<address>${addrs.join(' ')}</address>`);
      p(`\t\t\t<descr><![CDATA[${word} hosts]]></descr>`);
      p(`\t\t\t<detail><![CDATA[${addrs.map(() => 'entry').join('||')}]]></detail>`);
    } else if (kind === 1) {
      const name = `N_${word}_${a}`;
      netAliases.push(name);
      p(`\t\t\t<name>${name}</name>`);
      p('\t\t\t<type>network</type>');
      p(`\t\t\t<address>198.51.${int(0, 255)}.0/24 100.${int(64, 127)}.${int(0, 255)}.0/24</address>`);
      p(`\t\t\t<descr><![CDATA[${word} remote networks]]></descr>`);
      p('\t\t\t<detail><![CDATA[site a||site b]]></detail>');
    } else {
      const name = `P_${word}_${a}`;
      portAliases.push(name);
      p(`\t\t\t<name>${name}</name>`);
      p('\t\t\t<type>port</type>');
      p(`\t\t\t<address>${pick(WELL_KNOWN)} ${pick(RANGES).replace('-', ':')}</address>`);
      p(`\t\t\t<descr><![CDATA[${word} ports]]></descr>`);
      p('\t\t\t<detail><![CDATA[service||range]]></detail>');
    }
    p('\t\t</alias>');
  }
  p('\t</aliases>');

  // NAT: hybrid outbound with static-port for the phones, and a few port-forwards.
  p('\t<nat>');
  p('\t\t<outbound>');
  p('\t\t\t<mode>hybrid</mode>');
  p('\t\t\t<rule>');
  p('\t\t\t\t<source>');
  p('\t\t\t\t\t<network>10.20.0.0/24</network>');
  p('\t\t\t\t</source>');
  p('\t\t\t\t<sourceport></sourceport>');
  p('\t\t\t\t<descr><![CDATA[VOICE static port]]></descr>');
  p('\t\t\t\t<target></target>');
  p('\t\t\t\t<interface>wan</interface>');
  p('\t\t\t\t<staticnatport></staticnatport>');
  p('\t\t\t\t<destination>');
  p('\t\t\t\t\t<any></any>');
  p('\t\t\t\t</destination>');
  p('\t\t\t</rule>');
  p('\t\t</outbound>');
  const forwards: [string, string, string, string][] = [
    ['tcp', '443', '172.16.10.10', 'DMZ web server'],
    ['tcp', '25', '172.16.10.11', 'DMZ mail'],
    ['tcp/udp', '1194', '192.168.1.5', 'VPN endpoint'],
    ['tcp', '8443', '172.16.10.12', 'Reverse proxy admin'],
  ];
  for (const [proto, port, target, descr] of forwards) {
    p('\t\t<rule>');
    p('\t\t\t<source>');
    p('\t\t\t\t<any></any>');
    p('\t\t\t</source>');
    p('\t\t\t<destination>');
    p('\t\t\t\t<network>wanip</network>');
    p(`\t\t\t\t<port>${port}</port>`);
    p('\t\t\t</destination>');
    p('\t\t\t<ipprotocol>inet</ipprotocol>');
    p(`\t\t\t<protocol>${proto}</protocol>`);
    p(`\t\t\t<target>${target}</target>`);
    p(`\t\t\t<local-port>${port}</local-port>`);
    p('\t\t\t<interface>wan</interface>');
    p(`\t\t\t<descr><![CDATA[${descr}]]></descr>`);
    p(`\t\t\t<associated-rule-id>nat_bench${port}</associated-rule-id>`);
    p('\t\t</rule>');
  }
  p('\t</nat>');

  p('\t<filter>');
  for (let k = 0; k < rules; k++) {
    const floating = r() < 0.02;
    const iface = floating ? pick(['wan', 'wan,opt1', 'lan,opt1,opt2', 'opt1']) : pick(RULE_IFACES);
    const [first = iface] = iface.split(',');
    const roll = r();
    const type = roll < 0.68 ? 'pass' : roll < 0.94 ? 'block' : 'reject';
    const protoRoll = r();
    const proto =
      protoRoll < 0.38
        ? 'tcp'
        : protoRoll < 0.66
          ? 'udp'
          : protoRoll < 0.84
            ? 'tcp/udp'
            : protoRoll < 0.92
              ? 'icmp'
              : '';
    const hasPorts = proto === 'tcp' || proto === 'udp' || proto === 'tcp/udp';
    p('\t\t<rule>');
    p(`\t\t\t<tracker>${1_700_000_000 + k}</tracker>`);
    p(`\t\t\t<type>${type}</type>`);
    p(`\t\t\t<interface>${iface}</interface>`);
    p('\t\t\t<ipprotocol>inet</ipprotocol>');
    if (floating) {
      p('\t\t\t<floating>yes</floating>');
      p('\t\t\t<quick>yes</quick>');
      p(`\t\t\t<direction>${pick(['in', 'any', 'out'])}</direction>`);
    }
    if (proto) p(`\t\t\t<protocol>${proto}</protocol>`);
    if (proto === 'icmp') p('\t\t\t<icmptype>any</icmptype>');
    // source: mostly the interface net, sometimes a host alias, a single host or any.
    p('\t\t\t<source>');
    const s = r();
    if (first === 'wan') p('\t\t\t\t<any></any>');
    else if (s < 0.6) p(`\t\t\t\t<network>${first}</network>`);
    else if (s < 0.75 && hostAliases.length) p(`\t\t\t\t<address>${pick(hostAliases)}</address>`);
    else if (s < 0.9) {
      const i = IFACES.find((x) => x.name === first);
      if (!i) throw new Error(`no interface ${first}`);
      p(`\t\t\t\t<address>${i.net.replace(/\.0$/, '')}.${int(2, 254)}</address>`);
    } else p('\t\t\t\t<any></any>');
    p('\t\t\t</source>');
    // destination: any / a remote network alias / a host / this firewall; ports single, range, alias.
    p('\t\t\t<destination>');
    const d = r();
    if (first === 'wan') p(`\t\t\t\t<address>172.16.10.${int(10, 40)}</address>`);
    else if (d < 0.35) p('\t\t\t\t<any></any>');
    else if (d < 0.5 && netAliases.length) p(`\t\t\t\t<address>${pick(netAliases)}</address>`);
    else if (d < 0.85) p(`\t\t\t\t<address>${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}</address>`);
    else if (d < 0.92) p('\t\t\t\t<network>(self)</network>');
    else p(`\t\t\t\t<network>${pick(['lan', 'opt3', 'opt1'])}</network>`);
    if (hasPorts) {
      const pr = r();
      if (pr < 0.62) p(`\t\t\t\t<port>${pick(WELL_KNOWN)}</port>`);
      else if (pr < 0.82) p(`\t\t\t\t<port>${pick(RANGES)}</port>`);
      else if (pr < 0.92 && portAliases.length) p(`\t\t\t\t<port>${pick(portAliases)}</port>`);
      else {
        const lo = int(1024, 60000);
        p(`\t\t\t\t<port>${lo}-${lo + int(1, 500)}</port>`);
      }
    }
    p('\t\t\t</destination>');
    if (r() < 0.12) p('\t\t\t<log></log>');
    if (r() < 0.04) p('\t\t\t<disabled></disabled>');
    p(`\t\t\t<descr><![CDATA[${pick(VERBS)} ${pick(WORDS)} ${pick(WORDS)} #${k}]]></descr>`);
    // Rules made before pfSense 2.3 (and most scripted imports) carry no created/updated stamps.
    if (r() < STAMPED) {
      p('\t\t\t<created>');
      p(`\t\t\t\t<time>${t0 + k * 37}</time>`);
      p('\t\t\t\t<username><![CDATA[admin@192.168.1.10 (Local Database)]]></username>');
      p('\t\t\t</created>');
    }
    p('\t\t</rule>');
  }
  p('\t</filter>');
  p('\t<shaper></shaper>');
  p('\t<ipsec></ipsec>');
  p('\t<syslog>');
  p('\t\t<filterdescriptions>1</filterdescriptions>');
  p('\t</syslog>');
  p('</pfsense>');
  p('');
  return { text: out.join('\n'), rules, aliases: nAliases };
}

/** Writes the generated config to `path`; returns its size in bytes. */
export function writePfsense(path: string, rules: number, seed = 1): { bytes: number; aliases: number } {
  const g = generatePfsense(rules, seed);
  const buf = Buffer.from(g.text, 'utf8');
  writeFileSync(path, buf);
  return { bytes: buf.length, aliases: g.aliases };
}
