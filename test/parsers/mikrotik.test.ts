import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusAvailable, corpusDescribe, shared } from '../helpers/tiers.js';
import { ANY_V4, ANY_V6, formatAddrSet, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { ParseError } from '../../src/model/errors.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { box, type Box } from '../../src/engine/box.js';
import { tracePath } from '../../src/engine/evaluate.js';
import { formatPortSet, formatProtoSet, portSet, protoSet } from '../../src/model/ports.js';
import { mikrotikParser } from '../../parsers/mikrotik/index.js';
import { parseTime } from '../../parsers/mikrotik/sessions.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/mikrotik');
const CORPUS = shared('corpus/mikrotik');

function load(rel: string): { p: Policy; text: string; lines: string[] } {
  const text = readFileSync(join(FIXTURES, rel), 'utf8');
  expect(mikrotikParser.detect(text.slice(0, 8192))).toBe('mikrotik');
  const [p] = mikrotikParser.parse(text, `fixtures/mikrotik/${rel}`, 'mikrotik');
  return { p: p!, text, lines: text.split('\n') };
}

function parse(text: string, file = 'x.rsc'): Policy {
  return mikrotikParser.parse(text, file, 'mikrotik')[0]!;
}

/** 1-based line of the first line containing `needle`. */
function lineOf(lines: string[], needle: string): number {
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line with ${needle}`);
  return i + 1;
}

const addr = (...cidrs: string[]): AddrSet => cidrs.map((c) => parseAddressSpec(c)!).reduce((a, b) => a.union(b));
/** A chain's rules from the export, without the platform's family guard (the first rule of a base chain). */
const rules = (p: Policy, chain: string): Rule[] =>
  p.ruleset.chains[chain]!.rules.filter((r) => !r.id.startsWith('implicit:family:'));
const byLabel = (p: Policy, chain: string, label: string): Rule => {
  const r = rules(p, chain).find((x) => x.label === label);
  if (!r)
    throw new Error(
      `no ${label} in ${chain}: ${rules(p, chain)
        .map((x) => x.label)
        .join(' | ')}`,
    );
  return r;
};

const HEADER7 = '# 2025-04-20 16:18:22 by RouterOS 7.18.2\n';
const HEADER6 = '# jan/02/2023 10:00:00 by RouterOS 6.49.10\n';

describe('MikroTik clean.rsc (v7 defconf + voice VLAN)', () => {
  const { p, lines } = load('rules/clean.rsc');

  it('reads the version, identity and reply semantics', () => {
    expect(p.vendor).toBe('mikrotik');
    expect(p.version).toBe('7.18.2');
    expect(p.name).toBe('office-gw');
    expect(p.replies).toBe('rules'); // C.2: replies need an established,related rule
    expect(p.root).toMatchObject({ line: 1, column: 1, endLine: lines.length - 1 });
  });

  it('models interfaces, networks, roles, the VLAN and the DHCP WAN placeholder', () => {
    const bridge = p.interfaces.find((i) => i.name === 'bridge')!;
    expect(bridge).toMatchObject({ role: 'lan', enabled: true, loc: { line: 10, endLine: 11 } });
    expect(bridge.description).toBeUndefined(); // comment=defconf is a marker, not a description
    expect(bridge.networks.equals(addr('192.168.88.0/24'))).toBe(true);
    const voice = p.interfaces.find((i) => i.name === 'vlan20-voice')!;
    expect(voice).toMatchObject({ role: 'lan', vlan: 20, loc: { line: 13 } });
    expect(voice.networks.equals(addr('10.20.0.0/24'))).toBe(true);
    expect(voice.addresses.equals(addr('10.20.0.1/32'))).toBe(true);
    const wan = p.interfaces.find((i) => i.name === 'ether1')!;
    expect(wan.role).toBe('wan'); // member of the defconf list WAN
    expect(formatAddrSet(wan.addresses)).toBe('(dynamic address #1)'); // /ip dhcp-client
    expect(wan.networks.isEmpty).toBe(true);
  });

  it('builds input and forward as first-match base chains with the RouterOS "chain end accepts" default', () => {
    const fwd = p.ruleset.chains.forward!;
    expect(fwd.mode).toBe('first-match');
    expect(fwd.policy).toEqual({
      action: 'accept',
      source: 'default',
      reason:
        'RouterOS: a packet that matches no rule in a base chain is accepted (chain end accepts, docs/semantics.md#ros-filter)',
      loc: { file: 'fixtures/mikrotik/rules/clean.rsc', line: 51, column: 1, endLine: 51, endColumn: 20 },
    });
    expect(p.ruleset.chains.input!.policy!.action).toBe('accept');
    // RouterOS packet flow (docs/semantics.md#ros-nat): dstnat before the filter, srcnat after it.
    expect(p.ruleset.forward).toEqual([
      { name: 'dstnat', kind: 'dnat', chains: ['nat:dstnat'] },
      { name: 'filter forward', chains: ['forward'] },
      { name: 'srcnat', kind: 'snat', chains: ['nat:srcnat'] },
    ]);
    expect(p.ruleset.input).toEqual([
      { name: 'dstnat', kind: 'dnat', chains: ['nat:dstnat'] },
      { name: 'filter input', chains: ['input'] },
    ]);
    // ipsec-policy=…,ipsec rules never match plain traffic: not in the model (noted)
    expect(rules(p, 'forward').map((r) => r.label)).toEqual([
      'rule "defconf: fasttrack"',
      'rule "defconf: accept established,related, untracked"',
      'rule "defconf: drop invalid"',
      'rule "defconf: drop all from WAN not DSTNATed"',
    ]);
    expect(p.notes).toContain(
      'filter rules at lines 62 (ipsec-policy=in,ipsec: only IPsec traffic), 64 (ipsec-policy=out,ipsec: only IPsec ' +
        'traffic) only match traffic unlike the flows fwlint evaluates (plain, not IPsec, with a normal TTL), so they ' +
        'never apply to them',
    );
  });

  it('locates each rule from the first line of its command to the last continuation line', () => {
    const r = byLabel(p, 'forward', 'rule "defconf: drop all from WAN not DSTNATed"');
    expect(r.loc).toEqual({
      file: 'fixtures/mikrotik/rules/clean.rsc',
      line: 73,
      column: 1,
      endLine: 75,
      endColumn: 47,
    });
    expect(lines[74]).toBe('    connection-state=new in-interface-list=WAN');
  });

  it('encodes negation, connection-state, connection-nat-state and the IPv4 family', () => {
    const lanOnly = byLabel(p, 'input', 'rule "defconf: drop all not coming from LAN"');
    expect(lanOnly.match.iif!.equals(NameSet.except(['bridge', 'vlan20-voice']))).toBe(true);
    expect(lanOnly.action).toEqual({ kind: 'drop' });
    const wanDrop = byLabel(p, 'forward', 'rule "defconf: drop all from WAN not DSTNATed"');
    expect(wanDrop.match.iif!.equals(NameSet.of(['ether1']))).toBe(true);
    expect(wanDrop.match.state!.equals(NameSet.of(['new']))).toBe(true);
    expect(wanDrop.match.nat!.equals(NameSet.except(['dnat']))).toBe(true);
    expect(wanDrop.match.dst!.equals(ANY_V4)).toBe(true); // /ip firewall sees IPv4 only
    const fasttrack = byLabel(p, 'forward', 'rule "defconf: fasttrack"');
    expect(fasttrack.action).toEqual({ kind: 'accept' });
    expect(fasttrack.match.state!.equals(NameSet.of(['established', 'related']))).toBe(true);
    const icmp = byLabel(p, 'input', 'rule "defconf: accept ICMP"');
    expect(formatProtoSet(icmp.match.proto!)).toBe('icmp');
    expect(
      byLabel(p, 'input', 'rule "defconf: accept to local loopback (for CAPsMAN)"').match.dst!.equals(
        addr('127.0.0.1/32'),
      ),
    ).toBe(true);
  });

  it('gives rules stable content ids and normalized text', () => {
    const r = byLabel(p, 'input', 'rule "defconf: accept ICMP"');
    expect(r.id).toMatch(/^filter-[0-9a-f]{12}$/);
    expect(r.text).toBe('/ip firewall filter add action=accept chain=input protocol=icmp');
    const again = load('rules/clean.rsc').p;
    expect(byLabel(again, 'input', 'rule "defconf: accept ICMP"').id).toBe(r.id);
  });

  it('models masquerade as port-preserving source NAT on the WAN list', () => {
    expect(p.ruleset.chains['nat:dstnat']!.rules).toEqual([]);
    const [m, ...rest] = rules(p, 'nat:srcnat');
    expect(rest).toEqual([]);
    expect(m).toMatchObject({
      action: { kind: 'snat', to: { ports: 'preserve' } },
      label: 'NAT rule "defconf: masquerade"',
      loc: { line: 77, endLine: 78 },
    });
    const to = m!.action.kind === 'snat' ? m!.action.to : undefined;
    expect(to?.portsReason).toContain('keeps the source port when it is free');
    expect(to?.portsReason).toContain('uncertain');
    expect(m!.match.oif!.equals(NameSet.of(['ether1']))).toBe(true);
    expect(p.ruleset.chains['nat:srcnat']!.policy).toBeUndefined(); // the chain end means: no NAT
    expect(p.nat.mode).toMatchObject({ source: 'default', loc: { line: 76 } });
  });

  it('reads the SIP helper and udp-stream-timeout where they are set', () => {
    expect(p.sessions.sipAlg).toEqual([
      {
        value: false,
        source: 'explicit',
        loc: { file: 'fixtures/mikrotik/rules/clean.rsc', line: 80, column: 9, endLine: 80, endColumn: 21 },
        reason: '/ip firewall service-port sip disabled=yes: the SIP helper is off (docs/semantics.md#ros-sip)',
      },
    ]);
    expect(p.sessions.udpTimeout).toMatchObject({
      value: 300,
      source: 'explicit',
      loc: { line: 50, column: 5, endLine: 50, endColumn: 26 },
    });
  });
});

describe('MikroTik defaults (v6 and v7)', () => {
  it('v7 defconf: SIP helper on and udp-stream-timeout 3m, at the export header', () => {
    const { p, lines } = load('rules/defconf-voice.rsc');
    const header = lineOf(lines, 'by RouterOS 7.18.2');
    expect(header).toBe(2);
    expect(p.sessions.sipAlg).toEqual([
      expect.objectContaining({
        value: true,
        source: 'default',
        reason:
          'no `/ip firewall service-port set sip disabled=yes`: RouterOS enables the SIP helper by default on ports ' +
          '5060,5061 (docs/semantics.md#ros-sip, docs/semantics.md#ros-defaults)',
      }),
    ]);
    expect(p.sessions.sipAlg[0]!.loc).toMatchObject({ line: header, column: 1, endLine: header });
    const t = p.sessions.udpTimeout;
    expect(t).toMatchObject({ value: 180, source: 'default', loc: { line: header } });
    expect(t.reason).toBe(
      'no udp-stream-timeout in /ip firewall connection tracking: the RouterOS 7.18.2 default 3m (180 s) applies to ' +
        'established UDP (docs/semantics.md#ros-timeouts); udp-timeout (v7 default 30s, 10s in early 7.x releases (uncertain)) only ' +
        'covers UDP that has not been answered',
    );
  });

  it('v6: the udp-timeout default is 10s, and a set udp-timeout is where the default applies', () => {
    const { p, lines } = load('rules/fwl003-v6-default.rsc');
    const setLine = lineOf(lines, 'set udp-timeout=1m30s');
    expect(p.version).toBe('6.49.6');
    expect(p.sessions.udpTimeout).toMatchObject({ value: 180, source: 'default', loc: { line: setLine, column: 1 } });
    expect(p.sessions.udpTimeout.reason).toContain('the RouterOS 6.49.6 default 3m (180 s)');
    expect(p.sessions.udpTimeout.reason).toContain(
      `udp-timeout=1m30s (line ${setLine}) only covers UDP that has not been answered`,
    );
    const bare = parse(`${HEADER6}/ip firewall filter\nadd chain=forward action=accept\n`);
    expect(bare.sessions.udpTimeout.reason).toContain('udp-timeout (v6 default 10s)');
  });

  it('without a header: version unknown, both udp-timeout defaults named; slash paths mean v7', () => {
    const unknown = parse('/ip firewall filter\nadd chain=forward action=accept\n');
    expect(unknown.version).toBeUndefined();
    expect(unknown.sessions.udpTimeout.reason).toContain('RouterOS (version unknown: no export header) default 3m');
    expect(unknown.sessions.udpTimeout.reason).toContain('default 10s on v6, 30s on v7');
    expect(unknown.sessions.udpTimeout.loc.line).toBe(1);
    const slash = parse('/ip/firewall/filter\nadd chain=forward action=accept\n');
    expect(slash.sessions.udpTimeout.reason).toContain('RouterOS 7 (assumed from the v7 slash-path syntax');
  });

  it('the SIP helper: section without a sip line, explicit disabled=no, disable/enable commands, conntrack off', () => {
    const sec = parse(
      `${HEADER7}/ip firewall filter\nadd chain=forward\n/ip firewall service-port\nset ftp disabled=yes\n`,
    );
    expect(sec.sessions.sipAlg[0]).toMatchObject({
      value: true,
      source: 'default',
      loc: { line: 4, column: 1, endLine: 4 },
    });
    const on = parse(
      `${HEADER7}/ip firewall filter\nadd chain=forward\n/ip firewall service-port\nset sip disabled=no sip-timeout=1h\n`,
    );
    expect(on.sessions.sipAlg[0]).toMatchObject({ value: true, source: 'explicit', loc: { line: 5, column: 9 } });
    const cmd = parse(`${HEADER7}/ip firewall filter add chain=forward\n/ip firewall service-port disable sip\n`);
    expect(cmd.sessions.sipAlg[0]).toMatchObject({ value: false, source: 'explicit', loc: { line: 3 } });
    // conntrack enabled=auto stays off without any firewall rule: helpers are inactive (C.2, C.4)
    const norules = parse(`${HEADER7}/ip address\nadd address=10.0.0.1/24 interface=ether2\n`);
    expect(norules.sessions.sipAlg[0]).toMatchObject({ value: false, source: 'default' });
    expect(norules.sessions.sipAlg[0]!.reason).toContain('enabled=auto stays off while no firewall rule exists');
  });

  it('explicit timeouts on a continuation line point at that line (export verbose)', () => {
    const { p, lines } = load('rules/fwl002-verbose.rsc');
    const at = lineOf(lines, 'udp-stream-timeout=5m');
    expect(at).toBeGreaterThan(lineOf(lines, 'set enabled=auto generic-timeout=10m'));
    expect(p.sessions.udpTimeout).toMatchObject({
      value: 300,
      source: 'explicit',
      loc: { line: at, column: 5, endLine: at, endColumn: 26 },
    });
    expect(p.sessions.sipAlg[0]).toMatchObject({
      value: true,
      source: 'explicit',
      loc: { line: lineOf(lines, 'set sip disabled=no'), column: 9 },
    });
    // `!to-addresses` in verbose output means "not set", not a negated matcher
    expect(rules(p, 'nat:srcnat')[0]!.match.dst!.equals(ANY_V4)).toBe(true);
    expect(p.unsupported).toEqual([]);
    // verbose prints log-prefix="" and disabled=no: neither changes a rule
    expect(rules(p, 'forward')).toHaveLength(4);
  });

  it('parses RouterOS time values', () => {
    expect(parseTime('3m')).toBe(180);
    expect(parseTime('1h30m')).toBe(5400);
    expect(parseTime('90s')).toBe(90);
    expect(parseTime('1m30s')).toBe(90);
    expect(parseTime('1d')).toBe(86400);
    expect(parseTime('1w2d')).toBe(777600);
    expect(parseTime('00:03:00')).toBe(180);
    expect(parseTime('1d00:00:10')).toBe(86410);
    expect(parseTime('300')).toBe(300);
    expect(parseTime('500ms')).toBe(0.5);
    expect(parseTime('3x')).toBeUndefined();
    expect(parseTime('')).toBeUndefined();
  });
});

describe('MikroTik filter semantics', () => {
  const { p, lines } = load('rules/fwl001-blocked.rsc');

  it('jump chains: the jump in forward, a user chain without policy, return, and the disabled rule left out', () => {
    const jump = byLabel(p, 'forward', 'rule "voice VLAN rules"');
    expect(jump.action).toEqual({ kind: 'jump', chain: 'voice-out' });
    expect(jump.match.iif!.equals(NameSet.of(['vlan20-voice']))).toBe(true);
    const user = p.ruleset.chains['voice-out']!;
    expect(user.policy).toBeUndefined();
    expect(user.rules.map((r) => r.label)).toEqual([
      'rule "block a slice of RTP"',
      'rule "SIP, RTP and NTP to ipnordic"',
      'rule "provisioning and SIP over TCP"',
      'rule "back to forward"',
    ]);
    expect(user.rules[3]!.action).toEqual({ kind: 'return' });
    expect(user.rules.some((r) => r.label.includes('old SIP block'))).toBe(false);
  });

  it('joins a continuation that splits a value (10000-\\ ⏎ 65000)', () => {
    const r = byLabel(p, 'voice-out', 'rule "SIP, RTP and NTP to ipnordic"');
    expect(formatPortSet(r.match.dport!)).toBe('123,5060,10000-65000');
    expect(r.match.dst!.equals(addr('185.72.208.0/22'))).toBe(true);
    const first = lineOf(lines, 'comment="SIP, RTP and NTP to ipnordic"');
    expect(r.loc).toMatchObject({ line: first, column: 1, endLine: first + 2 });
    expect(lines[first]).toContain('10000-\\');
  });

  it('port= becomes two rules: destination port, then source port', () => {
    const q = parse(`${HEADER7}/ip firewall filter\nadd action=drop chain=forward port=5060 protocol=udp\n`);
    const [d, s] = rules(q, 'forward');
    expect(d!.match.dport!.equals(portSet([[5060, 5060]]))).toBe(true);
    expect(d!.match.sport).toBeUndefined();
    expect(s!.match.sport!.equals(portSet([[5060, 5060]]))).toBe(true);
    expect(s!.match.dport).toBeUndefined();
    expect(s!.id).toBe(`${d!.id}:src-port`);
    expect(s!.loc).toEqual(d!.loc);
  });

  it('negated addresses, ports and protocols stay in their family', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\nadd action=drop chain=forward dst-address=!10.0.0.0/8 dst-port=!53 ` +
        `protocol=!tcp src-address=192.0.2.1-192.0.2.9\n/ipv6 firewall filter\nadd action=drop chain=forward ` +
        `dst-address=!2001:db8::/32\n`,
    );
    const [r] = rules(q, 'forward');
    expect(r!.match.dst!.equals(ANY_V4.subtract(addr('10.0.0.0/8')))).toBe(true);
    expect(
      r!.match.dport!.equals(
        portSet([
          [0, 52],
          [54, 65535],
        ]),
      ),
    ).toBe(true);
    expect(formatProtoSet(r!.match.proto!)).toBe('any protocol except tcp');
    expect(r!.match.src!.equals(addr('192.0.2.1-192.0.2.9'))).toBe(true);
    const [v6] = rules(q, 'ipv6:forward');
    expect(v6!.match.dst!.equals(ANY_V6.subtract(addr('2001:db8::/32')))).toBe(true);
    expect(q.ruleset.forward).toEqual([{ name: 'filter forward', chains: ['forward', 'ipv6:forward'] }]);
    expect(q.ruleset.chains['ipv6:forward']!.policy!.action).toBe('accept');
  });

  it('address lists: entries, DNS names (symbolic), dynamic lists, negation; IPv4 and IPv6 lists are separate', () => {
    const q = parse(`${HEADER7}/ip firewall address-list
add address=185.72.208.0/22 list=prov
add address=sip.provider.example list=prov
add address=198.51.100.7 list=prov disabled=yes
/ipv6 firewall address-list
add address=2001:db8::/32 list=prov
/ip firewall filter
add action=accept chain=forward dst-address-list=prov
add action=add-src-to-address-list address-list=scanners chain=input dst-port=5060 protocol=udp
add action=drop chain=forward src-address-list=scanners
add action=drop chain=forward dst-address-list=!prov
`);
    const [acc, drop, neg] = rules(q, 'forward');
    expect(acc!.match.dst!.equals(addr('185.72.208.0/22'))).toBe(true);
    expect(acc!.match.symbolic).toEqual([
      {
        field: 'dst',
        kind: 'fqdn',
        name: 'sip.provider.example',
        loc: expect.objectContaining({ line: 4, column: 5 }) as unknown,
      },
    ]);
    expect(drop!.match.src!.isEmpty).toBe(true);
    expect(drop!.match.symbolic![0]).toMatchObject({ field: 'src', kind: 'dynamic' });
    expect(drop!.match.symbolic![0]!.name).toContain('filled at run time by the filter rule at line 10');
    expect(neg!.match.dst!.equals(ANY_V4.subtract(addr('185.72.208.0/22')))).toBe(true);
    expect(neg!.match.symbolic![0]).toMatchObject({ kind: 'fqdn', negated: true });
    const add = rules(q, 'input')[0]!;
    expect(add.action).toEqual({ kind: 'continue' });
  });

  it("dst-address-type=local names the router's own addresses, run-time placeholders included", () => {
    const q = parse(
      `${HEADER7}/ip address\nadd address=192.168.88.1/24 interface=bridge\n/ip dhcp-client\nadd interface=ether1\n` +
        `/ip firewall filter\nadd action=accept chain=forward dst-address-type=local\n`,
    );
    const [r] = rules(q, 'forward');
    expect(formatAddrSet(r!.match.dst!)).toBe('(dynamic address #1), 127.0.0.1, 192.168.88.1');
  });

  it('raw prerouting is an earlier stage; notrack makes packets untracked', () => {
    const q = parse(
      `${HEADER7}/ip firewall raw\nadd action=drop chain=prerouting src-address=203.0.113.0/24\n` +
        `add action=notrack chain=prerouting dst-port=5060 protocol=udp\n/ip firewall filter\n` +
        `add chain=forward action=accept\n`,
    );
    expect(q.ruleset.forward.map((s) => [s.name, s.kind ?? 'filter'])).toEqual([
      ['raw prerouting', 'raw'],
      ['filter forward', 'filter'],
    ]);
    // No `/ip dns allow-remote-requests=yes`: the router's DNS server stands after the input chain (ros-dns).
    expect(q.ruleset.input.map((s) => s.chains)).toEqual([['raw:prerouting'], ['input', 'dns service']]);
    expect(rules(q, 'raw:prerouting')[1]!.action).toEqual({ kind: 'notrack' });
    expect(q.unsupported).toEqual([]);
  });

  it('the v7 defconf IPv6 rule hop-limit=equal:1 never matches the evaluated flows; other TTL conditions are reported', () => {
    const q = parse(
      `${HEADER7}/ipv6 firewall filter\nadd action=drop chain=forward hop-limit=equal:1 protocol=icmpv6\n` +
        `add action=drop chain=forward hop-limit=less-than:10 protocol=icmpv6\n`,
    );
    expect(rules(q, 'ipv6:forward')).toHaveLength(1);
    expect(q.unsupported.map((u) => u.what)).toEqual(['/ipv6 firewall filter hop-limit=less-than:10']);
  });

  it('the default action is accept; tarpit drops; log and passthrough continue', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\nadd chain=forward\nadd action=tarpit chain=forward\n` +
        `add action=log chain=forward\nadd action=passthrough chain=forward\n`,
    );
    expect(rules(q, 'forward').map((r) => r.action.kind)).toEqual(['accept', 'drop', 'continue', 'continue']);
  });

  it('add/set/remove/move/place-before/disable change entries as RouterOS would', () => {
    const q = parse(`${HEADER7}/ip firewall filter
add action=accept chain=forward comment=A
add action=accept chain=forward comment=B
add action=accept chain=forward comment=C
add action=drop chain=forward comment=D place-before=0
set [ find comment=B ] action=drop
remove [ find comment=C ]
move 1 destination=0
disable [ find comment=D ]
add action=accept chain=forward comment=E place-before=[ find comment=B ]
`);
    // after add D first: D A B C; set B drop; remove C: D A B; move A before D: A D B; disable D; E before B
    expect(rules(q, 'forward').map((r) => `${r.label}:${r.action.kind}`)).toEqual([
      'rule "A":accept',
      'rule "E":accept',
      'rule "B":drop',
    ]);
  });

  it('rules without a comment are labelled by their print number', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\nadd action=accept chain=input\nadd action=drop chain=forward disabled=yes\n` +
        `add action=drop chain=forward\n`,
    );
    expect(rules(q, 'forward').map((r) => r.label)).toEqual(['filter rule #2']);
  });

  it('reports matchers the model cannot express at the matcher, keeping the rule', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\nadd action=accept chain=forward connection-mark=voip protocol=udp\n` +
        `add action=drop chain=forward src-address=not-an-address\n`,
    );
    expect(rules(q, 'forward')).toHaveLength(1);
    expect(q.unsupported.map((u) => [u.what, u.loc.line, u.loc.column])).toEqual([
      ['/ip firewall filter connection-mark=voip', 3, 33],
      ['/ip firewall filter src-address=not-an-address', 4, 31],
    ]);
    expect(q.unsupported[1]!.why).toContain('RouterOS refuses the command, so the rule does not exist on the device');
  });
});

describe('MikroTik interfaces and lists', () => {
  it('renamed ethernet ports, list include/exclude, WAN guessed from masquerade when no WAN list', () => {
    const q = parse(`${HEADER6}/interface ethernet
set [ find default-name=ether1 ] name=ether1-gateway comment="uplink to ISP"
/interface list
add name=inside
add name=voice include=inside exclude=guests
add name=guests
/interface list member
add interface=ether2 list=inside
add interface=ether3 list=inside
add interface=ether3 list=guests
/ip address
add address=198.51.100.2/24 interface=ether1-gateway
add address=10.20.0.1/24 interface=ether2
/ip firewall filter
add action=drop chain=forward in-interface-list=voice
/ip firewall nat
add action=masquerade chain=srcnat out-interface=ether1-gateway
`);
    const gw = q.interfaces.find((i) => i.name === 'ether1-gateway')!;
    expect(gw).toMatchObject({ role: 'wan', device: 'ether1', description: 'uplink to ISP' });
    expect(gw.addresses.equals(addr('198.51.100.2/32'))).toBe(true);
    expect(q.notes.some((n) => n.includes('ether1-gateway (out-interface of masquerade at line 18)'))).toBe(true);
    expect(rules(q, 'forward')[0]!.match.iif!.equals(NameSet.of(['ether2']))).toBe(true);
  });

  it('PPPoE clients get a run-time address; wireless ports are disabled unless set disabled=no', () => {
    const q = parse(`${HEADER7}/interface pppoe-client
add add-default-route=yes disabled=no interface=ether1 name=pppoe-out1 user=x
/interface wireless
set [ find default-name=wlan1 ] ssid=a
set [ find default-name=wlan2 ] disabled=no ssid=b
`);
    const ppp = q.interfaces.find((i) => i.name === 'pppoe-out1')!;
    expect(ppp.role).toBe('wan');
    expect(formatAddrSet(ppp.addresses)).toBe('(dynamic address #1)');
    expect(q.interfaces.find((i) => i.name === 'wlan1')!.enabled).toBe(false);
    expect(q.interfaces.find((i) => i.name === 'wlan2')!.enabled).toBe(true);
  });

  it('an undefined interface list is reported and matches nothing', () => {
    const q = parse(`${HEADER7}/ip firewall filter\nadd action=drop chain=forward in-interface-list=zone-wan\n`);
    expect(rules(q, 'forward')[0]!.match.iif!.isEmpty).toBe(true);
    expect(q.unsupported[0]!.why).toContain('interface list "zone-wan" is not defined in the export');
  });

  it('notes a rule that names a bridge port instead of the bridge', () => {
    const q = parse(
      `${HEADER7}/interface bridge port\nadd bridge=bridge interface=ether3\n/ip firewall filter\n` +
        `add action=drop chain=forward in-interface=ether3\n`,
    );
    expect(q.notes.some((n) => n.includes('in-interface=ether3 names a port of bridge bridge'))).toBe(true);
  });
});

describe('MikroTik NAT', () => {
  const wanFlow = (dport: number, extra: Partial<Box> = {}) =>
    box({
      src: addr('198.51.100.7/32'),
      dst: addr('203.0.113.2/32'),
      proto: protoSet([17]),
      dport: portSet([[dport, dport]]),
      iif: NameSet.of(['ether1']),
      state: NameSet.of(['new']),
      ...extra,
    });

  it('dst-nat: what arrives (WAN list, protocol, port) and where it goes (to-addresses, to-ports)', () => {
    const { p, lines } = load('rules/fwl004-forward-to-phone.rsc');
    const dst = rules(p, 'nat:dstnat').filter((r) => r.action.kind === 'dnat');
    expect(dst.map((d) => d.label)).toEqual([
      'NAT rule "SIP to reception phone"',
      'NAT rule "SIP-TLS to the CEO phone"',
      'NAT rule "web server"',
    ]);
    const [sip, tls, web] = dst;
    expect(sip!.loc.line).toBe(lineOf(lines, 'comment="SIP to reception phone"'));
    expect(sip!.match.iif!.equals(NameSet.of(['ether1']))).toBe(true);
    expect(formatProtoSet(sip!.match.proto!)).toBe('udp');
    expect(sip!.match.dport!.equals(portSet([[5060, 5060]]))).toBe(true);
    expect(sip!.action).toEqual({ kind: 'dnat', to: { addr: addr('10.20.0.50/32'), port: 5060 } }); // no pass: C.2
    expect(tls!.match.src!.equals(addr('185.72.208.0/22'))).toBe(true);
    expect(tls!.action).toEqual({ kind: 'dnat', to: { addr: expect.anything() as unknown } });
    expect(web!.action).toEqual({ kind: 'dnat', to: { addr: addr('192.168.88.10/32'), port: 80 } });
  });

  it('the model keeps none of the parse context (its notes, reports and id registry), filter and NAT rules alike', () => {
    const { p } = load('rules/fwl004-forward-to-phone.rsc');
    expect(rules(p, 'nat:dstnat').length).toBeGreaterThan(0);
    const seen = new Set<object>();
    const todo: unknown[] = [p];
    while (todo.length) {
      const v = todo.pop();
      if (v === null || typeof v !== 'object' || seen.has(v)) continue;
      seen.add(v);
      // The context is the one object with a notes list and an id registry besides.
      expect('notes' in v && 'ids' in v).toBe(false);
      if (v instanceof Map) for (const [k, x] of v) todo.push(k, x);
      else if (v instanceof Set) for (const x of v) todo.push(x);
      else for (const x of Object.values(v)) todo.push(x);
    }
  });

  it('srcnat: accept is "no NAT", EIM randomise-ports=yes randomises, to-ports rewrites, jump/return in the engine', () => {
    const q = parse(`${HEADER7}/ip firewall nat
add action=accept chain=srcnat src-address=10.20.0.0/24 dst-address=10.0.0.0/8
add action=endpoint-independent-nat chain=srcnat protocol=udp randomise-ports=yes out-interface=ether1
add action=jump chain=srcnat jump-target=out out-interface=ether1
add action=return chain=out src-address=192.168.77.0/24
add action=masquerade chain=out src-address=192.168.88.0/24 to-ports=10000-20000
add action=masquerade chain=out
`);
    // The parser only converts: one rule per line, jumps stay jumps.
    expect(rules(q, 'nat:srcnat').map((r) => [r.action.kind, r.loc.line])).toEqual([
      ['accept', 3],
      ['snat', 4],
      ['jump', 5],
    ]);
    expect(rules(q, 'nat:out').map((r) => [r.action.kind, r.loc.line])).toEqual([
      ['return', 6],
      ['snat', 7],
      ['snat', 8],
    ]);
    // The engine decides (docs/semantics.md#ros-nat): first match, jump, return to the caller.
    const out = (src: string, proto = 6) =>
      tracePath(
        q,
        box({
          src: addr(src),
          dst: addr('198.51.100.7/32'),
          proto: protoSet([proto]),
          iif: NameSet.of(['bridge']),
          oif: NameSet.of(['ether1']),
          state: NameSet.of(['new']),
        }),
        { path: 'forward' },
      ).map((x) => x.translations.map((t) => [t.rule.loc.line, t.kind === 'snat' ? t.target.ports : '']));
    expect(out('192.168.88.5/32')).toEqual([[[7, 'random']]]);
    expect(out('192.168.88.5/32', 17)).toEqual([[[4, 'random']]]);
    expect(out('192.168.77.5/32')).toEqual([[]]); // returned from `out`, nothing later in srcnat translates
    expect(out('192.168.99.5/32')).toEqual([[[8, 'preserve']]]);
  });

  it('dstnat: jump and return are followed by the engine; accept exempts; redirect goes to the router', () => {
    const q = parse(`${HEADER7}/interface list
add name=WAN
/interface list member
add interface=ether1 list=WAN
/ip address
add address=203.0.113.2/24 interface=ether1
/ip firewall nat
add action=accept chain=dstnat src-address=203.0.113.5
add action=jump chain=dstnat in-interface-list=WAN jump-target=forwards
add action=redirect chain=dstnat dst-port=53 protocol=udp to-ports=53
add action=return chain=forwards src-address=198.51.100.99
add action=dst-nat chain=forwards dst-port=5060 protocol=udp to-addresses=10.20.0.50
`);
    expect(q.unsupported).toEqual([]);
    const trace = (b: Box) =>
      tracePath(q, b).map((x) => [x.translations.map((t) => t.rule.loc.line), formatAddrSet(x.out.dst), x.path]);
    expect(trace(wanFlow(5060))).toEqual([[[13], '10.20.0.50', 'forward']]);
    expect(trace(wanFlow(5060, { src: addr('203.0.113.5/32') }))).toEqual([[[], '203.0.113.2', 'input']]);
    expect(trace(wanFlow(5060, { src: addr('198.51.100.99/32') }))).toEqual([[[], '203.0.113.2', 'input']]);
    expect(trace(wanFlow(53))).toEqual([[[11], '203.0.113.2', 'input']]);
  });

  it('connection tracking enabled=no: every packet is untracked, nothing is NATed', () => {
    const q = parse(`${HEADER7}/ip firewall connection tracking
set enabled=no
/ip firewall nat
add action=masquerade chain=srcnat out-interface=ether1
`);
    expect(q.ruleset.forward[0]).toEqual({ name: 'raw prerouting', kind: 'raw', chains: ['connection tracking'] });
    const parts = tracePath(
      q,
      box({
        src: addr('192.168.88.5/32'),
        dst: addr('198.51.100.7/32'),
        oif: NameSet.of(['ether1']),
        state: NameSet.of(['new']),
      }),
      { path: 'forward' },
    );
    expect(parts.map((x) => [x.untracked, x.translations.length])).toEqual([[true, 0]]);
    expect(q.unsupported).toEqual([]);
  });
});

describe('MikroTik syntax: terse, slash paths, continuations, quoting', () => {
  const sectioned = `${HEADER7}/ip firewall filter\nadd action=drop chain=forward comment="x y" dst-port=5060 protocol=udp\n`;

  it('terse lines and v7 slash paths give the same model as sections', () => {
    const a = parse(sectioned);
    const b = parse(
      `${HEADER7}/ip firewall filter add action=drop chain=forward comment="x y" dst-port=5060 protocol=udp\n`,
    );
    const c = parse(
      `${HEADER7}/ip/firewall/filter\nadd action=drop chain=forward comment="x y" dst-port=5060 protocol=udp\n`,
    );
    const d = parse(
      `${HEADER7}/ip/firewall/filter/add action=drop chain=forward comment="x y" dst-port=5060 protocol=udp\n`,
    );
    for (const q of [b, c, d]) {
      expect(rules(q, 'forward').map((r) => [r.id, r.label, r.text])).toEqual(
        rules(a, 'forward').map((r) => [r.id, r.label, r.text]),
      );
    }
    expect(rules(a, 'forward')[0]!.label).toBe('rule "x y"');
  });

  it('the terse export of the clean site (terse-v7.rsc) reads exactly like the sectioned one', () => {
    const a = load('rules/clean.rsc').p;
    const b = load('terse-v7.rsc').p;
    const shape = (q: Policy) => ({
      chains: Object.fromEntries(
        Object.entries(q.ruleset.chains).map(([k, c]) => [
          k,
          c.rules.map((r) => [r.id, r.label, r.text, r.action.kind]),
        ]),
      ),
      ifaces: q.interfaces.map((i) => [i.name, i.role, formatAddrSet(i.networks), formatAddrSet(i.addresses)]),
      sessions: [
        q.sessions.sipAlg[0]!.value,
        q.sessions.sipAlg[0]!.source,
        q.sessions.udpTimeout.value,
        q.sessions.udpTimeout.source,
      ],
      name: q.name,
    });
    expect(shape(b)).toEqual(shape(a));
    // every terse command is one line, so every rule starts and ends on its own line
    for (const c of Object.values(b.ruleset.chains)) for (const r of c.rules) expect(r.loc.endLine).toBe(r.loc.line);
  });

  it('continuations inside quoted strings, escapes, hex escapes and CRLF', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\r\nadd action=drop chain=forward comment="a long com\\\r\n    ment \\"q\\" \\C3\\A9" protocol=udp\r\n`,
    );
    const [r] = rules(q, 'forward');
    expect(r!.label).toBe('rule "a long comment "q" é"');
    expect(r!.loc).toMatchObject({ line: 3, column: 1, endLine: 4 });
  });

  it('comment lines between commands and expect comments are ignored; stray text is reported, not fatal', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\n# expect: FWL001\nadd action=drop chain=forward\nthis is not a command\n` +
        `add action=accept chain=forward\n`,
    );
    expect(rules(q, 'forward').map((r) => r.action.kind)).toEqual(['drop', 'accept']);
    expect(q.unsupported).toEqual([
      expect.objectContaining({
        what: 'stray text',
        loc: expect.objectContaining({ line: 5, column: 1, endLine: 5 }) as unknown,
      }),
    ]);
  });

  it('a line with an unterminated string inside the file is a damaged command (FWL900), the rest still counts', () => {
    const q = parse(
      `${HEADER7}/ip firewall filter\nadd action=drop chain=forward comment="oops\nadd action=accept chain=forward\n`,
    );
    expect(rules(q, 'forward').map((r) => r.action.kind)).toEqual(['accept']);
    expect(q.unsupported[0]).toMatchObject({
      what: 'damaged command',
      loc: expect.objectContaining({ line: 3 }) as unknown,
    });
  });

  it('scripts and /import are reported when they can touch the firewall', () => {
    const q = parse(
      `${HEADER7}:local x 5\n:foreach i in=[/ip firewall address-list find] do={\n` +
        `  /ip firewall address-list remove $i\n}\n/import extra.rsc\n/ip firewall filter add chain=forward\n`,
    );
    expect(q.unsupported.map((u) => [u.what, u.loc.line, u.loc.endLine])).toEqual([
      ['script statement :foreach', 3, 5],
      ['/import', 6, 6],
    ]);
  });
});

describe('MikroTik bad input', () => {
  const err = (text: string, file = 'bad.rsc'): ParseError => {
    try {
      parse(text, file);
    } catch (e) {
      if (e instanceof ParseError) return e;
      throw e;
    }
    throw new Error('no ParseError');
  };

  it('truncated inside a quoted string: the position of the opening quote', () => {
    expect(err(`${HEADER7}/ip firewall filter\nadd action=drop chain=forward comment="cut here`).format()).toBe(
      'bad.rsc:3:39: the file ends inside a quoted string opened here (truncated export?)',
    );
  });

  it('truncated after a line continuation', () => {
    expect(err(`${HEADER7}/ip firewall filter\nadd action=drop chain=forward \\\n`).format()).toBe(
      'bad.rsc:3:31: the file ends after a line continuation "\\" (truncated export?)',
    );
    expect(err(`${HEADER7}/ip firewall filter\nadd action=drop chain=forward \\`).format()).toBe(
      'bad.rsc:3:31: the file ends with a line continuation "\\" (truncated export?)',
    );
  });

  it('garbage and other vendors are refused with a position', () => {
    expect(err('hello world\nthis is text\n').format()).toBe(
      'bad.rsc:1:1: not a RouterOS export: expected a menu path such as /ip firewall filter or an export header "# … by RouterOS 7.x"',
    );
    expect(err('<?xml version="1.0"?>\n<pfsense>\n</pfsense>\n').message).toBe(
      'not a RouterOS export: this looks like XML (a pfSense/OPNsense config.xml?)',
    );
    expect(
      err(
        '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0\nconfig system global\n    set hostname "fw"\nend\n',
      ).message,
    ).toBe('not a RouterOS export: this looks like a FortiGate configuration');
    const nft = err('#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n}\n');
    expect(nft.message).toBe('not a RouterOS export: this looks like an nftables ruleset');
    expect(nft.line).toBe(2);
    expect(err('{"nftables": [{"metainfo": {"version": "1.0.9"}}]}\n').message).toBe(
      'not a RouterOS export: this looks like JSON (nft -j output?)',
    );
    expect(err('\n\n   \n').message).toBe('not a RouterOS export: no commands');
  });
});

describe('MikroTik detection', () => {
  it('recognises exports by header, menu path, terse lines, slash paths and scripts', () => {
    expect(mikrotikParser.detect(HEADER7)).toBe('mikrotik');
    expect(mikrotikParser.detect('# RouterOS 6.48.3\n# software id = X\n')).toBe('mikrotik');
    expect(mikrotikParser.detect('/interface bridge\nadd name=bridge\n')).toBe('mikrotik');
    expect(mikrotikParser.detect('/ip firewall nat add action=masquerade chain=srcnat\n')).toBe('mikrotik');
    expect(mikrotikParser.detect('/ip/firewall/filter\nadd action=accept chain=input\n')).toBe('mikrotik');
    expect(mikrotikParser.detect('### comment\n/system clock set time-zone-name=UTC\n')).toBe('mikrotik');
    expect(mikrotikParser.detect(':local a 1\n')).toBe('mikrotik');
    expect(mikrotikParser.detect('\uFEFF/ip address\r\nadd address=10.0.0.1/24 interface=ether1\r\n')).toBe('mikrotik');
    expect(mikrotikParser.detect('Pasted config:\n/ip address\nadd a=b\n/ip route\nadd c=d\n/ip dns\nset e=f\n')).toBe(
      'mikrotik',
    );
  });

  it("never claims another vendor's file", () => {
    expect(mikrotikParser.detect('<?xml version="1.0"?>\n<pfsense>\n')).toBeUndefined();
    expect(mikrotikParser.detect('<opnsense>\n')).toBeUndefined();
    expect(
      mikrotikParser.detect(
        '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0\n#conf_file_ver=1\nconfig system global\n',
      ),
    ).toBeUndefined();
    expect(mikrotikParser.detect('config system interface\n    edit "port1"\n')).toBeUndefined();
    expect(mikrotikParser.detect('#!/usr/sbin/nft -f\nflush ruleset\ntable inet filter {\n')).toBeUndefined();
    expect(mikrotikParser.detect('table inet filter {\n\tchain input {\n')).toBeUndefined();
    expect(mikrotikParser.detect('{"nftables": []}')).toBeUndefined();
    expect(mikrotikParser.detect('/etc/passwd\n')).toBeUndefined();
    expect(mikrotikParser.detect('# a RouterOS-like comment only\n')).toBeUndefined();
  });

  it.runIf(corpusAvailable('corpus'))(
    'never claims a corpus file of another vendor (corpus tier only: npm run test:corpus)',
    () => {
      const root = join(CORPUS, '..');
      for (const dir of readdirSync(root).filter((d) => d !== 'mikrotik' && !d.includes('.'))) {
        for (const f of readdirSync(join(root, dir))) {
          const head = readFileSync(join(root, dir, f), 'utf8').slice(0, 8192);
          expect([dir, f, mikrotikParser.detect(head)]).toEqual([dir, f, undefined]);
        }
      }
    },
  );
});

corpusDescribe('MikroTik corpus: every file in ../shared/corpus/mikrotik parses', 'corpus/mikrotik', () => {
  const files = readdirSync(CORPUS).sort();
  it.each(files)('%s', (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    expect(mikrotikParser.detect(text.slice(0, 8192))).toBe('mikrotik');
    const [q] = mikrotikParser.parse(text, file, 'mikrotik');
    const lineCount = text.split('\n').length;
    for (const c of Object.values(q!.ruleset.chains)) {
      for (const r of c.rules) {
        expect(r.loc.line).toBeGreaterThan(0);
        expect(r.loc.endLine).toBeGreaterThanOrEqual(r.loc.line);
        expect(r.loc.endLine).toBeLessThanOrEqual(lineCount);
        expect(r.label.length).toBeGreaterThan(0);
      }
    }
    for (const u of q!.unsupported) expect(u.loc.endLine).toBeLessThanOrEqual(lineCount);
    expect(q!.sessions.sipAlg).toHaveLength(1);
  });

  it('reads the corpus the way an administrator would', () => {
    const get = (f: string) => mikrotikParser.parse(readFileSync(join(CORPUS, f), 'utf8'), f, 'mikrotik')[0]!;
    const pancho = get('Pancho-uy__MK__MK_LUNARSA_EXPORT.rsc');
    expect(pancho.version).toBe('6.49.6');
    expect(pancho.interfaces.filter((i) => i.role === 'wan').map((i) => i.name)).toEqual(['ether1']);
    const likwrk = get('likwrk__mikrotik__config.rsc');
    const dnats = rules(likwrk, 'nat:dstnat').flatMap((r) =>
      r.action.kind === 'dnat' ? [[r.label, r.action.to.port]] : [],
    );
    expect(dnats).toEqual([
      ['NAT rule "Port-forwarding server 1"', 443],
      ['NAT rule "Port-forwarding server 2"', 443],
      // redirect is destination NAT to the router itself (docs/semantics.md#ros-nat), no longer FWL900
      ['NAT rule "DNS redirect"', undefined],
    ]);
    expect(likwrk.unsupported.map((u) => u.what)).toEqual(['/ip firewall filter time=9h-18h,mon,tue,wed,thu,fri']);
    const template = get('tjohnsonII__PolycomYealinkMikrotikSwitchConfig__OnNetMikrotikConfigTemplate.txt');
    expect(template.sessions.sipAlg[0]).toMatchObject({ value: false, source: 'explicit' });
    expect(template.sessions.udpTimeout).toMatchObject({ value: 180, source: 'default' });
    const tmask = get('TMaskpl__Mikrotik7-2WANs__MT_R1.rsc');
    expect(tmask.unsupported.find((u) => u.what === 'stray text')!.loc.line).toBe(78);
    const redfox = get('FoxDenHome__router__redfox.rsc');
    expect(rules(redfox, 'forward').map((r) => r.action.kind)).toEqual(['accept', 'accept', 'drop']);
    expect(redfox.interfaces.find((i) => i.name === 'eth0')!.role).toBe('wan');
    const snout = get('FoxDenHome__nix__mikrotik_scripts_firewall-rules-snout.rsc');
    expect(snout.ruleset.forward.find((s) => s.name === 'filter forward')!.chains).toEqual(['forward', 'ipv6:forward']);
    expect(rules(snout, 'forward')[0]!.action).toEqual({ kind: 'reject' });
  });
});

describe('MikroTik large-export paths (same model as the plain reading)', () => {
  it('the text of an entry nothing changed is read again from its command, continuations, quotes and flags included', () => {
    const p = parse(
      `${HEADER7}/ip firewall filter\n` +
        'add action=drop chain=input comment="a \\"b\\" \\C3\\A9" src-address=\\\n    10.0.0.0/8 place-before=0\n' +
        'add action=accept chain=input protocol=tcp dst-port=22\n' +
        'add action=accept chain=input protocol=udp dst-port=53 comment=x\n' +
        'set [ find comment=x ] dst-port=5353\n' +
        '/ip firewall filter add action=log chain=input disabled=no log-prefix=ssh\n',
    );
    expect(rules(p, 'input').map((r) => r.text)).toEqual([
      '/ip firewall filter add action=drop chain=input src-address=10.0.0.0/8',
      '/ip firewall filter add action=accept chain=input dst-port=22 protocol=tcp',
      '/ip firewall filter add action=accept chain=input dst-port=5353 protocol=udp',
      '/ip firewall filter add action=log chain=input',
    ]);
    expect(rules(p, 'input').map((r) => r.comment)).toEqual(['a "b" é', undefined, 'x', undefined]);
  });

  it('filter entries kept as their command until the rules are built behave as entries read at once', () => {
    // Plain filter and raw entries are kept as offsets (store.ts Item.deferred); every later command
    // that reads or changes them, and the rule count that switches connection tracking on, still sees them.
    const p = parse(
      `${HEADER7}/ip firewall filter\n` +
        'add action=accept chain=input comment=off disabled=yes protocol=icmp\n' +
        'add action=drop chain=input comment=on disabled=true disabled=no src-address=192.0.2.1\n' +
        'add action=accept chain=forward comment=later protocol=udp dst-port=5060\n' +
        'add action=add-src-to-address-list address-list=seen chain=input protocol=tcp dst-port=23\n' +
        'add action=drop chain=input src-address-list=seen\n' +
        'add copy-from=2 comment=copy\n' +
        'enable [ find comment=off ]\n' +
        'set [ find comment=later ] dst-port=5061\n' +
        'move 1 0\n',
    );
    expect(rules(p, 'input').map((r) => r.comment ?? r.label)).toEqual([
      'on',
      'off',
      'filter rule #3',
      'filter rule #4',
    ]);
    expect(rules(p, 'forward').map((r) => `${r.comment ?? ''}:${formatPortSet(r.match.dport!)}`)).toEqual([
      'later:5061',
      'copy:5060',
    ]);
    const dynamic = rules(p, 'input')[3]!.match.symbolic![0]!;
    expect(dynamic).toMatchObject({ field: 'src', kind: 'dynamic' });
    expect(dynamic.name).toContain('filled at run time by the filter rule at line 6');
    expect(p.sessions.sipAlg[0]!.value).toBe(true);
    const off = parse(`${HEADER7}/ip firewall filter\nadd action=accept chain=input disabled=yes\n`);
    // conntrack enabled=auto stays off without an enabled rule, which the deferred entry's flag tells.
    expect(off.sessions.sipAlg[0]!.value).toBe(false);
  });

  it('rules naming the same IPv4 network share one set, however the network is written', () => {
    // matchers.ts parseAddresses: networks are found by their numbers (RuleEnv.nets4), not their text.
    const p = parse(
      `${HEADER7}/ip firewall filter\n` +
        'add action=drop chain=input src-address=10.1.2.0/24\n' +
        'add action=drop chain=input src-address=10.1.2.5/24\n' +
        'add action=drop chain=input src-address=10.1.2.0/255.255.255.0\n' +
        'add action=drop chain=input src-address=10.1.3.0/24\n',
    );
    const [a, b, c, d] = rules(p, 'input').map((r) => r.match.src!);
    expect(formatAddrSet(a!)).toBe('10.1.2.0/24');
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(formatAddrSet(d!)).toBe('10.1.3.0/24');
  });

  it('packed entries: kept as numbers until read, turned into entries by a later command, mixed with other adds', () => {
    // store.ts PackedEntries: plain adds of a menu that holds nothing else are packed; a command
    // that needs them as entries (remove, set, a place-before target) unpacks them in order.
    const p = parse(
      `${HEADER7}/ip firewall address-list\n` +
        'add address=192.0.2.1 list=a\n' +
        'add address=192.0.2.2 list=a disabled=yes\n' +
        'add address=192.0.2.3 list=a\n' +
        'remove [ find address=192.0.2.3 ]\n' +
        'add address=192.0.2.4 list=a\n' +
        'add address=198.51.100.0/24 list=b\n' +
        '/ip firewall filter\n' +
        'add action=accept chain=input comment="first \\"quoted\\"" protocol=tcp\n' +
        'add action=drop chain=input src-address-list=a\n' +
        'add action=drop chain=input dst-address-list=b\n' +
        '/ip firewall raw\n' +
        'add action=drop chain=prerouting comment=x place-before=0 src-address=203.0.113.9\n' +
        'add action=notrack chain=prerouting src-address=203.0.113.1\n',
    );
    expect(formatAddrSet(rules(p, 'input')[1]!.match.src!)).toBe('192.0.2.1, 192.0.2.4');
    expect(formatAddrSet(rules(p, 'input')[2]!.match.dst!)).toBe('198.51.100.0/24');
    expect(rules(p, 'input').map((r) => r.comment ?? r.label)).toEqual([
      'first "quoted"',
      'filter rule #1',
      'filter rule #2',
    ]);
    expect(rules(p, 'raw:prerouting').map((r) => `${r.comment ?? r.label}:${r.action.kind}`)).toEqual([
      'x:drop',
      'raw rule #1:notrack',
    ]);
  });

  it('continuations that split a word into two, three or more pieces join to the same word', () => {
    const one = parse(
      `${HEADER7}/ip firewall filter\nadd action=drop chain=input dst-address=10.1.2.3 comment=abcdefghijklmnop\n`,
    );
    const two = parse(
      `${HEADER7}/ip firewall filter\nadd action=drop chain=input dst-address=10.1.\\\n    2.3 comment=abcdefg\\\n    hijklmnop\n`,
    );
    const three = parse(
      `${HEADER7}/ip firewall filter\nadd action=drop chain=input dst-address=10.\\\n    1.\\\n    2.3 ` +
        'comment=abc\\\n    defgh\\\n    ijklmnop\n',
    );
    for (const p of [two, three]) {
      const [r] = rules(p, 'input');
      const [o] = rules(one, 'input');
      expect(r!.text).toBe(o!.text);
      expect(r!.comment).toBe('abcdefghijklmnop');
      expect(r!.id).toBe(o!.id);
      expect(formatAddrSet(r!.match.dst!)).toBe('10.1.2.3');
    }
  });

  it('ids of identical rules count occurrences in print order, whichever rule is asked first', () => {
    // 200 entries, four distinct contents in turn; disabled and invalid ones have no rule and count for nothing.
    const lines: string[] = [];
    for (let i = 0; i < 200; i++) {
      const extra = i % 7 === 3 ? ' disabled=yes' : i % 11 === 5 ? ' protocol=nonsense' : '';
      lines.push(`add action=drop chain=${i % 2 ? 'forward' : 'input'} protocol=tcp dst-port=${String(i % 4)}${extra}`);
    }
    const text = `${HEADER7}/ip firewall filter\n${lines.join('\n')}\n`;
    const printOrder = (p: Policy): Rule[] =>
      [...rules(p, 'input'), ...rules(p, 'forward')].sort((x, y) => x.loc.line - y.loc.line);
    const forwards = printOrder(parse(text)).map((r) => r.id);
    // Ids asked for from the last rule backwards (past the first 64, which are found by a scan).
    const backwards = printOrder(parse(text))
      .reverse()
      .map((r) => r.id)
      .reverse();
    expect(backwards).toEqual(forwards);
    expect(forwards.length).toBe(200 - 28 - 16);
    expect(new Set(forwards).size).toBe(forwards.length);
    const seen = new Map<string, number>();
    for (const id of forwards) {
      const base = id.replace(/~\d+$/, '');
      const n = Number(/~(\d+)$/.exec(id)?.[1] ?? '1');
      expect(base).toMatch(/^filter-[0-9a-f]{12}$/);
      expect(n).toBe((seen.get(base) ?? 0) + 1);
      seen.set(base, n);
    }
    expect(seen.size).toBe(4);
  });

  it('ids come from the content however the entry is written, changed later or not (hashes worked out on demand)', () => {
    const text =
      `${HEADER7}/ip firewall filter\n` +
      'add action=drop chain=input protocol=tcp dst-port=11 comment=x\n' +
      // Same content key as the first (same lengths, same last characters), other content.
      'add action=drop chain=input protocol=tcp dst-port=21 comment=x\n' +
      // The first again, keys in another order and wrapped.
      'add comment=x dst-port=11 \\\n    protocol=tcp chain=input action=drop\n' +
      // Made equal to the first by a later set: hashed from its properties, not its command.
      'add action=drop chain=input protocol=udp dst-port=11 comment=x\n' +
      'set 3 protocol=tcp\n' +
      'add action=drop chain=input protocol=tcp dst-port=21 comment=x log=yes\n';
    const ids = rules(parse(text), 'input').map((r) => r.id);
    const base = (id: string): string => id.replace(/~\d+$/, '');
    expect(ids).toHaveLength(5);
    expect(ids[0]).toMatch(/^filter-[0-9a-f]{12}$/);
    expect(base(ids[1]!)).not.toBe(ids[0]);
    expect(ids[2]).toBe(`${ids[0]!}~2`);
    expect(ids[3]).toBe(`${ids[0]!}~3`);
    // log= is bookkeeping: not part of the content.
    expect(ids[4]).toBe(`${ids[1]!}~2`);
    // Asked for in another order, the same ids.
    const again = rules(parse(text), 'input');
    expect([4, 3, 2, 1, 0].map((i) => again[i]!.id).reverse()).toEqual(ids);
  });

  it('terse lines repeating a path are read like the first, also when spacing or the verb differs', () => {
    const p = parse(
      `${HEADER7}/ip firewall filter add chain=input action=drop protocol=tcp\n` +
        '/ip firewall filter  add chain=input action=accept\n' +
        '/ip firewall filter add chain=forward action=drop\n' +
        '/ip firewall filter print\n' +
        '/ip firewall filter\n' +
        'add chain=output action=drop\n',
    );
    expect(rules(p, 'input').map((r) => r.action.kind)).toEqual(['drop', 'accept']);
    expect(rules(p, 'forward').map((r) => r.action.kind)).toEqual(['drop']);
    expect(rules(p, 'output').map((r) => r.action.kind)).toEqual(['drop']);
    expect(p.unsupported).toEqual([]);
  });
});
