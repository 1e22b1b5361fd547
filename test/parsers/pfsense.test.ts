import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDescribe, shared } from '../helpers/tiers.js';
import {
  ANY_V4,
  ANY_V6,
  parseAddress,
  parseAddressSpec,
  formatAddrSet,
  type AddrSet,
} from '../../src/model/address.js';
import { ParseError } from '../../src/model/errors.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { formatPortSet, formatProtoSet, portSet, type PortSet } from '../../src/model/ports.js';
import { pfsenseParser } from '../../parsers/pfsense/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/pfsense');
const CORPUS = shared('corpus/pfsense');

function load(name: string): { policy: Policy; text: string } {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  const vendor = pfsenseParser.detect(text.slice(0, 4096));
  expect(vendor).toBeDefined();
  const policies = pfsenseParser.parse(text, `fixtures/pfsense/${name}`, vendor!);
  expect(policies).toHaveLength(1);
  return { policy: policies[0]!, text };
}

const addr = (...cidrs: string[]): AddrSet => cidrs.map((c) => parseAddressSpec(c)!).reduce((a, b) => a.union(b));
const ports = (...r: [number, number][]): PortSet => portSet(r);

function chain(p: Policy, name: 'pf-in' | 'pf-out'): Rule[] {
  return p.ruleset.chains[name]!.rules;
}

function byId(p: Policy, id: string, name: 'pf-in' | 'pf-out' = 'pf-in'): Rule {
  const r = chain(p, name).find((x) => x.id === id);
  if (!r)
    throw new Error(
      `no rule ${id} in ${name}: ${chain(p, name)
        .map((x) => x.id)
        .join(', ')}`,
    );
  return r;
}

describe('pfSense example-site.xml (small office, VOICE VLAN)', () => {
  const { policy: p, text } = load('example-site.xml');

  it('identifies the platform, version and host', () => {
    expect(p.vendor).toBe('pfsense');
    expect(p.version).toBe('23.3');
    expect(p.name).toBe('fw-office');
    expect(p.replies).toBe('stateful');
    expect(p.root).toMatchObject({ line: 3, column: 1 });
  });

  it('models interfaces with networks, addresses, roles and the VLAN tag', () => {
    const [wan, lan, voice] = p.interfaces;
    expect(wan).toMatchObject({ name: 'wan', device: 'igb0', description: 'WAN', role: 'wan', enabled: true });
    expect(wan!.networks.isEmpty).toBe(true); // DHCP: only known at run time
    expect(lan).toMatchObject({ name: 'lan', device: 'igb1', role: 'lan' });
    expect(lan!.networks.equals(addr('192.168.1.0/24'))).toBe(true);
    expect(lan!.addresses.equals(addr('192.168.1.1/32'))).toBe(true);
    expect(voice).toMatchObject({
      name: 'opt1',
      device: 'igb1.20',
      description: 'VOICE',
      role: 'lan',
      vlan: 20,
      enabled: true,
    });
    expect(voice!.networks.equals(addr('10.20.0.0/24'))).toBe(true);
    expect(voice!.loc.line).toBe(text.split('\n').findIndex((l) => l.includes('<opt1>')) + 1);
  });

  it('builds pf-in as a last-match chain: implicit quick rules, then the interface-tab rules in XML order', () => {
    const pfIn = p.ruleset.chains['pf-in']!;
    expect(pfIn.mode).toBe('last-match');
    expect(pfIn.rules.map((r) => r.id)).toEqual([
      'implicit:anti-lockout',
      'implicit:blockpriv:wan',
      '1700000100',
      '0100000101',
      '1700000001',
      '1700000002',
      '1700000003',
      '1700000004',
      '1700000005',
    ]);
    expect(pfIn.rules.every((r) => r.quick === true)).toBe(true);
    expect(pfIn.policy).toMatchObject({
      action: 'drop',
      source: 'default',
      reason: 'pf default deny (pfSense emits non-quick `block in all` / `block out all`)',
    });
    // the policy points at the <filter> start tag
    const filterLine = text.split('\n').findIndex((l) => l.trim() === '<filter>') + 1;
    expect(pfIn.policy!.loc).toMatchObject({ line: filterLine, column: 2, endLine: filterLine, endColumn: 10 });
    // pf.conf(5) TRANSLATION: rdr before the `in` rules, nat before the `out` rules (docs/semantics.md#pf-nat).
    expect(p.ruleset.forward).toEqual([
      { name: 'rdr', kind: 'dnat', chains: ['pf-rdr'] },
      { name: 'in', chains: ['pf-in'] },
      { name: 'nat', kind: 'snat', chains: ['pf-nat'] },
      { name: 'out', chains: ['pf-out'] },
    ]);
    expect(p.ruleset.input).toEqual([
      { name: 'rdr', kind: 'dnat', chains: ['pf-rdr'] },
      { name: 'in', chains: ['pf-in'] },
    ]);
  });

  it('pf-out holds the implicit non-quick pass out', () => {
    const out = chain(p, 'pf-out');
    const passOut = out.find((r) => r.id === 'implicit:pass-out')!;
    expect(passOut).toMatchObject({
      action: { kind: 'accept' },
      quick: false,
      keepState: true,
      implicit: 'pfSense: let out anything from firewall host itself (pass out all keep state, non-quick)',
      match: {},
    });
    expect(p.ruleset.chains['pf-out']!.policy!.action).toBe('drop');
  });

  it('records the exact location of a rule', () => {
    const rtp = byId(p, '1700000002');
    expect(rtp.loc).toEqual({
      file: 'fixtures/pfsense/example-site.xml',
      line: 211,
      column: 3,
      endLine: 235,
      endColumn: 10,
    });
    const lines = text.split('\n');
    expect(lines[210]).toBe('\t\t<rule>');
    expect(lines[212]).toContain('<tracker>1700000002</tracker>');
    expect(lines[234]).toBe('\t\t</rule>');
  });

  it('resolves nested aliases, FQDN entries (symbolic) and a port alias a:b', () => {
    const rtp = byId(p, '1700000002');
    expect(rtp.label).toBe('rule "Phones RTP to provider"');
    expect(rtp.action).toEqual({ kind: 'accept' });
    expect(rtp.keepState).toBe(true);
    expect(rtp.match.iif!.toString()).toBe('opt1');
    expect(formatProtoSet(rtp.match.proto!)).toBe('udp');
    expect(rtp.match.src!.equals(addr('10.20.0.0/24'))).toBe(true);
    // VOIP_PROVIDERS = IPNORDIC (nested) + 198.51.100.0/24 + an FQDN
    expect(rtp.match.dst!.equals(addr('185.72.208.0/22', '198.51.100.0/24'))).toBe(true);
    expect(rtp.match.symbolic).toEqual([
      expect.objectContaining({ field: 'dst', kind: 'fqdn', name: 'sbc.voip-backup.example' }),
    ]);
    expect(rtp.match.symbolic![0]!.negated).toBeUndefined();
    // port alias RTP is `10000:65000`
    expect(rtp.match.dport!.equals(ports([10000, 65000]))).toBe(true);
    // rule port `5061-5061` (hyphen) on the SIP-TLS rule
    expect(byId(p, '1700000003').match.dport!.equals(ports([5061, 5061]))).toBe(true);
    // service name
    expect(formatPortSet(byId(p, '1700000005').match.dport!)).toBe('123');
  });

  it('keeps the block rule that stops SIP from the phones ahead of the provider rules', () => {
    const block = byId(p, '1700000001');
    expect(block.action).toEqual({ kind: 'drop' });
    expect(block.keepState).toBeUndefined();
    expect(block.match.dst!.equals(ANY_V4)).toBe(true);
    expect(block.match.dport!.equals(ports([5060, 5060]))).toBe(true);
    const ids = chain(p, 'pf-in').map((r) => r.id);
    expect(ids.indexOf('1700000001')).toBeLessThan(ids.indexOf('1700000002'));
  });

  it('models interface addresses (optNip) and the inet family', () => {
    const dns = byId(p, '1700000004');
    expect(dns.match.dst!.equals(addr('10.20.0.1/32'))).toBe(true);
    expect(formatProtoSet(dns.match.proto!)).toBe('tcp/udp');
    const lanAny = byId(p, '0100000101');
    expect(lanAny.match.dst!.equals(ANY_V4)).toBe(true);
    expect(lanAny.match.proto).toBeUndefined();
  });

  it('uses the 60 s UDP default when <optimization> is absent', () => {
    const t = p.sessions.udpTimeout;
    expect(t.value).toBe(60);
    expect(t.source).toBe('default');
    expect(t.reason).toBe(
      "no <optimization> means `set optimization normal`, which leaves udp.multiple at pf's default 60 s " +
        '(optimization hints change only TCP timeouts)',
    );
    const systemLine = text.split('\n').findIndex((l) => l.trim() === '<system>') + 1;
    expect(t.loc).toMatchObject({ line: systemLine, column: 2, endLine: systemLine, endColumn: 10 });
  });

  it('has no SIP ALG', () => {
    expect(p.sessions.sipAlg).toEqual([
      expect.objectContaining({
        value: false,
        source: 'default',
        reason: 'pf has no SIP ALG; only the siproxd package adds a SIP proxy (docs/semantics.md#pf-sip)',
      }),
    ]);
    expect(p.sessions.sipAlg[0]!.loc.line).toBe(p.root.line);
  });

  it('generates automatic outbound NAT with random source ports', () => {
    expect(p.nat.mode).toMatchObject({ value: 'automatic', source: 'explicit' });
    expect(p.nat.snat.map((s) => s.id)).toEqual(['auto-snat:wan:isakmp', 'auto-snat:wan']);
    const [isakmp, general] = p.nat.snat;
    expect(isakmp).toMatchObject({ action: 'translate', ports: 'preserve', implicit: 'Auto created rule for ISAKMP' });
    expect(isakmp!.match.dport!.equals(ports([500, 500]))).toBe(true);
    expect(general).toMatchObject({
      action: 'translate',
      ports: 'random',
      portsReason:
        'pfSense automatic outbound NAT rewrites the source port (1024:65535) unless static-port is set (docs/semantics.md#pf-nat)',
    });
    expect(general!.match.oif!.toString()).toBe('wan');
    // internal networks: loopback + the gateway-less interfaces
    expect(general!.match.src!.equals(addr('127.0.0.0/8', '::1/128', '192.168.1.0/24', '10.20.0.0/24'))).toBe(true);
  });

  it('models the port forward to the phone', () => {
    expect(p.nat.dnat).toHaveLength(1);
    const d = p.nat.dnat[0]!;
    expect(d).toMatchObject({
      id: 'nat_6571f0c9a1b2c3.10203040',
      label: 'port forward "SIP to reception phone"',
      bypassFilter: false,
    });
    expect(d.to.addr.equals(addr('10.20.0.50/32'))).toBe(true);
    expect(d.to.port).toBe(5060);
    expect(d.match.iif!.toString()).toBe('wan');
    expect(formatProtoSet(d.match.proto!)).toBe('udp');
    expect(d.match.src!.equals(addr('185.72.208.0/22'))).toBe(true);
    expect(d.match.dport!.equals(ports([5060, 5060]))).toBe(true);
    // the DHCP WAN address is unknown offline but is exactly one address: the placeholder of model/address.ts
    expect(d.match.symbolic).toBeUndefined();
    const wan = p.interfaces.find((i) => i.name === 'wan')!;
    expect(formatAddrSet(wan.addresses)).toBe('(dynamic address #1), (dynamic IPv6 address #2)'); // dhcp and dhcp6
    expect(d.match.dst!.isSubsetOf(wan.addresses)).toBe(true);
    expect(d.match.dst!.isEmpty).toBe(false);
  });

  it('keeps secrets out of the model', () => {
    const json = JSON.stringify(p, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
    expect(json).not.toContain('$2y$10$');
    expect(json).not.toContain('RkFLRS1QUklWQVRF');
    expect(json).not.toContain('RkFLRS1DRVJU');
    expect(p.unsupported).toEqual([]);
  });
});

describe('pfSense floating-rules.xml (floating, groups, hybrid NAT)', () => {
  const { policy: p } = load('floating-rules.xml');

  it('orders pf-in: floating rules, then interface groups, then interface tabs', () => {
    expect(chain(p, 'pf-in').map((r) => [r.id, r.quick])).toEqual([
      ['1800000003', false], // floating in, non-quick
      ['1800000005', false], // floating any-direction match
      ['1800000004', true], // interface group INSIDE
      ['1800000001', true], // opt1 tab
      ['1800000006', true], // lan tab
    ]);
  });

  it('puts floating out rules after the implicit pass out, honouring <quick>', () => {
    expect(chain(p, 'pf-out').map((r) => [r.id, r.quick])).toEqual([
      ['implicit:pass-out', false],
      ['1800000002', true],
      ['1800000005', false],
    ]);
    const sipOnly = byId(p, '1800000002', 'pf-out');
    expect(sipOnly.match.oif!.toString()).toBe('wan');
    expect(sipOnly.match.iif).toBeUndefined();
    // <not/> SIPTRUNK: complement inside IPv4
    expect(sipOnly.match.dst!.equals(ANY_V4.subtract(addr('192.0.2.10/32')))).toBe(true);
    expect(sipOnly.match.dst!.has(parseAddressSpec('8.8.8.8')!.bounds[0]!)).toBe(true);
    expect(sipOnly.match.dst!.has(parseAddressSpec('192.0.2.10')!.bounds[0]!)).toBe(false);
  });

  it('expands interface groups and floating interface lists', () => {
    const grp = byId(p, '1800000004');
    expect(grp.match.iif!.toString()).toBe('lan, opt1');
    expect(grp.match.src!.equals(addr('192.168.10.0/24', '10.30.0.0/24'))).toBe(true);
    expect(byId(p, '1800000003').match.iif!.toString()).toBe('opt1, wan');
    const media = byId(p, '1800000005');
    expect(media.action).toEqual({ kind: 'continue' });
    expect(media.match.iif).toBeUndefined();
  });

  it('reports ICMP types as unsupported and skips floating rules without an enabled interface', () => {
    expect(p.unsupported).toEqual([
      expect.objectContaining({
        what: '<filter><rule><icmptype>',
        why: expect.stringContaining('ICMP types "echoreq"') as unknown,
      }),
    ]);
    expect(p.notes.some((n) => n.includes('"Floating on a disabled interface" is not applied'))).toBe(true);
    expect(p.interfaces.find((i) => i.name === 'opt2')!.enabled).toBe(false);
  });

  it('reads inet46 as both families and the anti-lockout opt-out', () => {
    const lan = byId(p, '1800000006');
    expect(lan.match.dst).toBeUndefined();
    expect(lan.match.src!.equals(addr('192.168.10.0/24'))).toBe(true);
    expect(chain(p, 'pf-in').some((r) => r.id === 'implicit:anti-lockout')).toBe(false);
    expect(chain(p, 'pf-in').some((r) => r.id === 'implicit:block-ipv6')).toBe(false); // <ipv6allow>
  });

  it('uses udp.multiple 900 for optimization conservative', () => {
    expect(p.sessions.udpTimeout).toMatchObject({
      value: 900,
      source: 'explicit',
      reason: 'optimization conservative: pfSense sets udp.multiple 900',
    });
    expect(p.sessions.udpTimeout.loc.line).toBe(9);
  });

  it('puts hybrid manual rules (static port) before the automatic ones', () => {
    expect(p.nat.mode!.value).toBe('hybrid');
    expect(p.nat.snat.map((s) => [s.label, s.ports])).toEqual([
      ['outbound NAT rule "Phones keep their source port"', 'preserve'],
      ['automatic outbound NAT on wan (ISAKMP)', 'preserve'],
      ['automatic outbound NAT on wan', 'random'],
    ]);
    const manual = p.nat.snat[0]!;
    expect(manual.match.src!.equals(addr('10.30.0.0/24'))).toBe(true);
    expect(manual.match.dst!.equals(addr('192.0.2.10/32'))).toBe(true);
    expect(manual.implicit).toBeUndefined();
  });

  it('marks rdr pass port forwards as bypassing the filter', () => {
    const d = p.nat.dnat[0]!;
    expect(d.bypassFilter).toBe(true);
    expect(d.match.dst!.equals(addr('203.0.113.2/32'))).toBe(true);
    expect(d.to.addr.equals(addr('10.30.0.50/32'))).toBe(true);
  });
});

describe('pfSense traps.xml (one decision per rule)', () => {
  const { policy: p } = load('traps.xml');

  it('protocol absent + port present ⇒ TCP (and pfSense drops the port)', () => {
    const r = byId(p, '1900000001');
    expect(formatProtoSet(r.match.proto!)).toBe('tcp');
    expect(r.match.dport).toBeUndefined();
    expect(p.notes.some((n) => n.includes('"No protocol but a port" has a port but no protocol'))).toBe(true);
  });

  it('omits rules with <disabled/> and with <disabled>0</disabled> (presence-based)', () => {
    const ids = chain(p, 'pf-in').map((r) => r.id);
    expect(ids).not.toContain('1900000002');
    expect(ids).not.toContain('1900000003');
  });

  it('negates aliases and survives an alias cycle', () => {
    const r = byId(p, '1900000004');
    expect(r.match.dst!.equals(ANY_V4.subtract(addr('192.0.2.1/32', '192.0.2.2/32')))).toBe(true);
    expect(r.match.dport!.equals(ports([10000, 20000]))).toBe(true);
    expect(p.notes).toContain(
      'alias cycle LOOP_A → LOOP_B → LOOP_A: pfSense skips names it has already expanded, so the cycle adds nothing',
    );
  });

  it('reads per-rule <statetimeout>, FQDN hosts and nested port aliases', () => {
    const r = byId(p, '1900000005');
    expect(r.udpTimeout).toMatchObject({ value: 600, source: 'explicit' });
    expect(r.udpTimeout!.loc.line).toBe(142);
    // The reason cites the section that says what a per-rule timeout does, and only that one.
    expect([...r.udpTimeout!.reason.matchAll(/semantics\.md#[a-z-]+/g)].map((m) => m[0])).toEqual([
      'semantics.md#pf-states',
    ]);
    expect(r.match.dst!.equals(addr('192.0.2.5/32'))).toBe(true);
    expect(r.match.symbolic).toEqual([
      expect.objectContaining({ field: 'dst', kind: 'fqdn', name: 'sip.provider.example' }),
    ]);
    expect(r.match.dport!.equals(ports([10000, 20000], [30000, 30010]))).toBe(true);
    expect(r.text).toBe(
      'pass in quick on lan inet proto udp from lan net to PROVIDER_HOSTS port MEDIA udp.multiple 600',
    );
  });

  it('keeps rules with schedules and gateways, reporting them as unsupported', () => {
    expect(byId(p, '1900000006').match.dport!.equals(ports([443, 443]))).toBe(true);
    expect(p.unsupported.map((u) => u.what)).toEqual(['<filter><rule><sched>', '<filter><rule><gateway>']);
    expect(p.unsupported[1]!.why).toContain('may change the egress interface');
  });

  it('skips rules whose alias does not resolve or whose port alias is empty', () => {
    const ids = chain(p, 'pf-in').map((r) => r.id);
    expect(ids).not.toContain('1900000007');
    expect(ids).not.toContain('1900000008');
    expect(p.notes.some((n) => n.includes('unresolvable alias "NO_SUCH_ALIAS"'))).toBe(true);
    expect(p.notes.some((n) => n.includes('empty port alias EMPTY_PORTS'))).toBe(true);
  });

  it('statetype none, 1-65535, url tables, (self), reject and missing <type>', () => {
    const stateless = byId(p, '1900000009');
    expect(stateless.keepState).toBe(false);
    expect(stateless.match.dport).toBeUndefined();
    const reject = byId(p, '1900000010');
    expect(reject.action).toEqual({ kind: 'reject' });
    expect(reject.match.src!.isEmpty).toBe(true);
    expect(reject.match.symbolic!.map((s) => [s.field, s.kind, s.name])).toEqual([['src', 'url-table', 'BLOCKLIST']]);
    // (self) holds the static addresses and the placeholder of the dynamic WAN address
    expect(reject.match.dst!.has(parseAddress('172.20.0.1')!)).toBe(true);
    expect(formatAddrSet(reject.match.dst!)).toContain('(dynamic address #1)');
    const noType = byId(p, '1900000011');
    expect(noType.action).toEqual({ kind: 'accept' });
    expect(noType.match.dport!.equals(ports([10000, 10100]))).toBe(true);
  });

  it('lets <udpmultipletimeout> override the optimization', () => {
    expect(p.sessions.udpTimeout).toMatchObject({ value: 3600, source: 'explicit' });
    expect(p.sessions.udpTimeout.loc.line).toBe(8);
  });

  it('detects the siproxd package (uncertain element name)', () => {
    expect(p.sessions.sipAlg).toEqual([
      expect.objectContaining({
        value: true,
        source: 'explicit',
        uncertain: 'element name not confirmed (docs/semantics.md#unconfirmed)',
      }),
    ]);
  });

  it('defaults the outbound NAT mode and keeps port-forward port ranges', () => {
    expect(p.nat.mode).toMatchObject({ value: 'automatic', source: 'default' });
    expect(p.nat.dnat).toHaveLength(1); // the disabled forward is omitted
    const d = p.nat.dnat[0]!;
    expect(d.match.dport!.equals(ports([40000, 40009]))).toBe(true);
    expect(d.to.port).toBe(10000);
    expect(d.bypassFilter).toBe(false);
  });

  it('adds the anti-lockout rule with the GUI and SSH ports', () => {
    const al = byId(p, 'implicit:anti-lockout');
    expect(al.match.dport!.equals(ports([22, 22], [80, 80], [8443, 8443]))).toBe(true);
    expect(al.match.iif!.toString()).toBe('lan');
    expect(al.quick).toBe(true);
  });

  it('blocks IPv6 without <ipv6allow>', () => {
    const v6 = byId(p, 'implicit:block-ipv6');
    expect(v6.match.src!.equals(ANY_V6)).toBe(true);
    expect(v6.quick).toBe(true);
    expect(byId(p, 'implicit:block-ipv6-out', 'pf-out').action).toEqual({ kind: 'drop' });
  });
});

describe('pfSense disablefilter.xml', () => {
  const { policy: p } = load('disablefilter.xml');
  it('accepts everything with an explanation and reports the effect as unconfirmed', () => {
    for (const name of ['pf-in', 'pf-out'] as const) {
      const c = p.ruleset.chains[name]!;
      expect(c.rules).toEqual([]);
      expect(c.policy).toMatchObject({ action: 'accept', source: 'explicit' });
      expect(c.policy!.reason).toContain('disablefilter');
    }
    expect(p.nat.snat).toEqual([]);
    expect(p.unsupported.map((u) => u.what)).toEqual(['<system><disablefilter>']);
  });

  it('says there is no state table: a first stage untracks every packet, and pf keeps no state per stage', () => {
    // As RouterOS `connection tracking enabled=no` (docs/semantics.md#pf-disablefilter, #ros-conntrack).
    expect(p.ruleset.forward.map((s) => [s.name, s.kind ?? 'filter'])).toEqual([
      ['pf disabled', 'raw'],
      ['in', 'filter'],
      ['out', 'filter'],
    ]);
    expect(p.ruleset.input[0]).toMatchObject({ name: 'pf disabled', kind: 'raw' });
    const [off] = p.ruleset.chains['pf-disabled']!.rules;
    expect(off).toMatchObject({ action: { kind: 'notrack' }, match: {}, loc: { line: 7 } });
    expect(off!.implicit).toContain('<system><disablefilter>, line 7');
    expect(p.sessions.statePerStage).toBeUndefined();
  });

  it('records its reading as a doubt at the element, citing the section that explains it', () => {
    expect(p.doubts).toHaveLength(1);
    expect(p.doubts![0]!.loc.line).toBe(7);
    expect(p.doubts![0]!.why).toContain('<system><disablefilter> (line 7)');
    expect(p.doubts![0]!.why).toContain('docs/semantics.md#pf-disablefilter');
    expect(p.unsupported[0]!.why).toContain('docs/semantics.md#pf-disablefilter');
    expect(p.unsupported[0]!.why).not.toContain('#pf-order');
  });
});

describe('OPNsense opnsense-mvc.xml', () => {
  const { policy: p } = load('opnsense-mvc.xml');

  it('orders by priority group, MVC <sequence> before legacy XML order', () => {
    expect(p.vendor).toBe('opnsense');
    expect(chain(p, 'pf-in').map((r) => r.id)).toEqual([
      'implicit:anti-lockout',
      'f0000000-0000-4000-8000-000000000040', // floating (two interfaces), prio 200000
      'f0000000-0000-4000-8000-000000000010', // sequence 10
      'f0000000-0000-4000-8000-000000000020', // sequence 20
      'f0000000-0000-4000-8000-000000000030', // sequence 30 (first in XML)
      '7b6c1a00-0000-4000-8000-000000000001', // legacy, XML order
      '7b6c1a00-0000-4000-8000-000000000002',
      '7b6c1a00-0000-4000-8000-000000000004',
      '5e1f0000-0000-4000-8000-0000000000b2:filter', // port forward <pass>rule</pass>, prio 500000
    ]);
    expect(byId(p, 'f0000000-0000-4000-8000-000000000040').quick).toBe(false);
    expect(byId(p, 'f0000000-0000-4000-8000-000000000020').quick).toBe(true); // MVC quick default 1
    expect(chain(p, 'pf-out').map((r) => r.id)).toEqual(['implicit:pass-out', 'f0000000-0000-4000-8000-000000000040']);
  });

  it('uses OPNsense boolean semantics: <disabled>0</disabled> and <disabled/> are enabled, <disabled>1</disabled> is not', () => {
    const ids = chain(p, 'pf-in').map((r) => r.id);
    expect(ids).toContain('7b6c1a00-0000-4000-8000-000000000002');
    expect(ids).toContain('7b6c1a00-0000-4000-8000-000000000004');
    expect(ids).not.toContain('7b6c1a00-0000-4000-8000-000000000003');
    expect(ids).not.toContain('f0000000-0000-4000-8000-000000000005'); // <enabled>0</enabled>
    // <not/> is empty, so not a negation on OPNsense
    expect(byId(p, '7b6c1a00-0000-4000-8000-000000000004').match.src!.equals(addr('10.50.0.0/24'))).toBe(true);
  });

  it('reads MVC aliases (newline-separated) and geoip as symbolic', () => {
    const sip = byId(p, 'f0000000-0000-4000-8000-000000000020');
    expect(sip.match.dst!.equals(addr('185.72.208.0/22', '194.0.2.0/24'))).toBe(true);
    expect(sip.udpTimeout).toMatchObject({ value: 900, source: 'explicit' });
    expect(byId(p, 'f0000000-0000-4000-8000-000000000030').match.dport!.equals(ports([10000, 20000]))).toBe(true);
    const geo = byId(p, 'f0000000-0000-4000-8000-000000000010');
    expect(geo.match.symbolic).toEqual([expect.objectContaining({ field: 'dst', kind: 'geo', name: 'NOT_HERE' })]);
    expect(p.interfaces.find((i) => i.name === 'opt1')!.vlan).toBe(50);
  });

  it('sorts port forwards by <sequence> and models <pass>', () => {
    expect(p.nat.dnat.map((d) => [d.id, d.bypassFilter])).toEqual([
      ['5e1f0000-0000-4000-8000-0000000000b1', true],
      ['5e1f0000-0000-4000-8000-0000000000b2', false],
    ]);
    const reg = byId(p, '5e1f0000-0000-4000-8000-0000000000b2:filter');
    expect(reg.match.dst!.equals(addr('10.50.0.60/32'))).toBe(true);
    expect(reg.match.dport!.equals(ports([5060, 5061]))).toBe(true);
  });

  it('reads advanced outbound NAT with OPNsense booleans and the siproxd plugin', () => {
    expect(p.nat.snat.map((s) => s.ports)).toEqual(['preserve', 'random']);
    expect(p.sessions.udpTimeout).toMatchObject({ value: 60, source: 'explicit' });
    expect(p.sessions.sipAlg[0]).toMatchObject({
      value: true,
      uncertain: 'element name not confirmed (docs/semantics.md#unconfirmed)',
    });
  });
});

describe('pfSense parser: detection and errors', () => {
  it('detects the root after the declaration and comments', () => {
    expect(pfsenseParser.detect('<?xml version="1.0"?>\n<!-- x -->\n<pfsense>\n')).toBe('pfsense');
    expect(pfsenseParser.detect('<opnsense>')).toBe('opnsense');
    expect(pfsenseParser.detect('<?xml version="1.0"?><config>')).toBeUndefined();
    expect(pfsenseParser.detect('config system interface')).toBeUndefined();
    const bomb =
      '<?xml version="1.0"?>\n<!DOCTYPE pfsense [\n  <!ENTITY lol "lol">\n  <!ENTITY lol1 "&lol;&lol;">\n]>\n' +
      '<pfsense><a>&lol1;</a></pfsense>';
    expect(pfsenseParser.detect(bomb)).toBe('pfsense');
    expect(() => pfsenseParser.parse(bomb, 'bomb.xml', 'pfsense')).toThrow(
      'entity declarations are not allowed (possible entity-expansion attack)',
    );
  });

  it('names the wrong root element', () => {
    let err: unknown;
    try {
      pfsenseParser.parse('<?xml version="1.0"?>\n<config><a/></config>', 'x.xml', 'pfsense');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).format()).toBe('x.xml:2:1: not a pfSense/OPNsense config.xml: root element <config>');
  });

  it('passes XML errors through with their position', () => {
    expect(() => pfsenseParser.parse('<pfsense>\n<filter>\n', 'y.xml', 'pfsense')).toThrow(ParseError);
  });
});

corpusDescribe(`corpus: every file in ../shared/corpus/pfsense parses`, 'corpus/pfsense', () => {
  const files = readdirSync(CORPUS)
    .filter((f) => f.endsWith('.xml'))
    .sort();
  it.each(files)('%s', (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const vendor = pfsenseParser.detect(text.slice(0, 4096));
    expect(vendor).toBeDefined();
    const [p] = pfsenseParser.parse(text, file, vendor!);
    expect(p!.vendor).toBe(vendor);
    const lineCount = text.split('\n').length;
    for (const c of Object.values(p!.ruleset.chains)) {
      for (const r of c.rules) {
        expect(r.loc.line).toBeGreaterThan(0);
        expect(r.loc.endLine).toBeLessThanOrEqual(lineCount);
        expect(r.loc.endLine).toBeGreaterThanOrEqual(r.loc.line);
        expect(r.label.length).toBeGreaterThan(0);
        expect(formatAddrSet(r.match.src ?? ANY_V4).length).toBeGreaterThan(0);
      }
    }
    expect(p!.ruleset.chains['pf-out']!.rules.length).toBeGreaterThanOrEqual(1);
  });
});
