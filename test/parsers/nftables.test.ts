import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANY_V4,
  ANY_V6,
  dynamicAddress,
  formatAddrSet,
  parseAddressSpec,
  unknownOwnAddress,
  type AddrSet,
} from '../../src/model/address.js';
import { ParseError } from '../../src/model/errors.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { box } from '../../src/engine/box.js';
import { tracePath } from '../../src/engine/evaluate.js';
import { formatPortSet, portSet, protoSet } from '../../src/model/ports.js';
import { nftablesParser } from '../../parsers/nftables/index.js';
import type { ParseOptions } from '../../parsers/types.js';

/** The value a test expects to be there: a failing test, not a TypeError, when it is not. */
function must<T>(v: T | undefined | null): T {
  if (v === undefined || v === null) throw new Error('expected a value');
  return v;
}

const FIXTURES = join(import.meta.dirname, '../../fixtures/nftables');

function parse(text: string, file = 'test.nft', options: ParseOptions = {}): Policy {
  const policies = nftablesParser.parse(text, file, 'nftables', options);
  expect(policies).toHaveLength(1);
  return must(policies[0]);
}

function load(name: string, options: ParseOptions = {}): { policy: Policy; text: string } {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  expect(nftablesParser.detect(text.slice(0, 8192))).toBe('nftables');
  return { policy: parse(text, `fixtures/nftables/${name}`, options), text };
}

const addr = (...cidrs: string[]): AddrSet => cidrs.map((c) => must(parseAddressSpec(c))).reduce((a, b) => a.union(b));
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

function rules(p: Policy, chain: string): Rule[] {
  const c = p.ruleset.chains[chain];
  if (!c) throw new Error(`no chain ${chain}: ${Object.keys(p.ruleset.chains).join(', ')}`);
  return c.rules;
}

/** The rules of a chain that translate (dnat/snat actions). */
const natRules = (p: Policy, chain: string): Rule[] =>
  rules(p, chain).filter((r) => r.action.kind === 'dnat' || r.action.kind === 'snat');

function parseError(f: () => unknown): ParseError {
  try {
    f();
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error('expected a ParseError');
}

const BASE = (body: string) =>
  `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy drop;\n${body}\n\t}\n}\n`;

describe('nftables clean.nft (define, multi-chain, vmap jump, NAT, ct timeout)', () => {
  const { policy: p, text } = load('rules/clean.nft');

  it('identifies the platform and how replies pass', () => {
    expect(p.vendor).toBe('nftables');
    expect(p.replies).toBe('rules');
    expect(p.root).toMatchObject({ file: 'fixtures/nftables/rules/clean.nft', line: 1, column: 1, endLine: 1 });
  });

  it('takes interfaces from the names rules use, infers WAN and networks, gives placeholders', () => {
    expect(p.interfaces.map((i) => [i.name, i.role])).toEqual([
      ['lo', 'unknown'],
      ['wan0', 'wan'],
      ['vlan20', 'lan'],
      ['lan0', 'lan'],
    ]);
    const [lo, wan, vlan20, lan0] = p.interfaces;
    expect(lo?.addresses.equals(addr('127.0.0.0/8'))).toBe(true);
    expect(wan?.addresses.equals(dynamicAddress(1))).toBe(true);
    expect(wan?.networks.isEmpty).toBe(true);
    expect(vlan20?.networks.equals(addr('10.20.0.0/24'))).toBe(true);
    expect(vlan20?.vlan).toBe(20);
    expect(lan0?.networks.equals(addr('192.168.1.0/24'))).toBe(true);
    expect(wan?.loc.line).toBe(27); // first named at `iifname $WAN icmp type echo-request accept`
    expect(p.notes).toContain(
      'interface wan0 is taken as WAN: source NAT (masquerade/snat) leaves through it (line 50); pass --wan to choose',
    );
    expect(
      p.notes.some((n) => n.startsWith('interface vlan20: network 10.20.0.0/24 inferred from the rules at line 43')),
    ).toBe(true);
  });

  it('puts base chains on stages by hook and keeps regular chains policy-less', () => {
    expect(p.ruleset.forward).toEqual([
      { name: 'prerouting', chains: ['inet fw prerouting'], egressUnknown: true },
      { name: 'forward', chains: ['inet fw forward'] },
      // NAT chains are NAT stages at their hook (docs/semantics.md#nft-hooks)
      { name: 'postrouting nat', kind: 'snat', chains: ['ip nat postrouting'] },
    ]);
    expect(p.ruleset.input).toEqual([
      { name: 'prerouting', chains: ['inet fw prerouting'], egressUnknown: true },
      { name: 'input', chains: ['inet fw input'], egressUnknown: true },
    ]);
    expect(must(p.ruleset.chains['inet fw phones_out']).policy).toBeUndefined();
  });

  it('records explicit policies at the `policy` statement', () => {
    expect(p.ruleset.chains['inet fw forward']?.policy).toEqual({
      action: 'drop',
      source: 'explicit',
      reason: '`policy drop` of base chain inet fw forward (docs/semantics.md#nft-hooks)',
      loc: { file: 'fixtures/nftables/rules/clean.nft', line: 40, column: 45, endLine: 40, endColumn: 56 },
    });
  });

  it('expands a concatenated verdict map into one rule per element, sharing id and location', () => {
    const fwd = rules(p, 'inet fw forward');
    const vmap = fwd.filter((r) => r.loc.line === 43);
    expect(vmap).toHaveLength(2);
    expect(vmap[0]?.id).toBe(vmap[1]?.id);
    expect(vmap[0]?.loc).toEqual({
      file: 'fixtures/nftables/rules/clean.nft',
      line: 43,
      column: 3,
      endLine: 43,
      endColumn: 107,
    });
    expect(vmap[0]?.action).toEqual({ kind: 'jump', chain: 'inet fw phones_out' });
    expect(vmap[0]?.match.iif?.equals(NameSet.of(['vlan20']))).toBe(true);
    expect(vmap[0]?.match.src?.equals(addr('10.20.0.0/24'))).toBe(true);
    expect(vmap[1]?.action).toEqual({ kind: 'jump', chain: 'inet fw lan_out' });
    expect(vmap[1]?.match.src?.equals(addr('192.168.1.0/24'))).toBe(true);
    // ct state vmap: three alternatives, one a drop
    const ct = fwd.filter((r) => r.loc.line === 41);
    expect(ct.map((r) => [r.action.kind, [...(r.match.state?.names ?? [])].join()])).toEqual([
      ['accept', 'established'],
      ['accept', 'related'],
      ['drop', 'invalid'],
    ]);
  });

  it('negates within the selector domain: ip saddr != … is IPv4 outside the network', () => {
    const r = must(rules(p, 'inet fw forward').find((x) => x.loc.line === 42));
    expect(r.action.kind).toBe('drop');
    expect(r.match.src?.equals(ANY_V4.subtract(addr('10.20.0.0/24')))).toBe(true);
    expect(r.match.iif?.equals(NameSet.of(['vlan20']))).toBe(true);
  });

  it('reads protocols and ports, th dport with a protocol set', () => {
    const dns = must(rules(p, 'inet fw input').find((x) => x.loc.line === 28));
    expect(dns.match.proto?.equals(protoSet([6, 17]))).toBe(true);
    expect(dns.match.dport?.equals(portSet([[53, 53]]))).toBe(true);
  });

  it('gives rules a label from their text and the chain, and a normalized text', () => {
    const r = must(rules(p, 'inet fw input').find((x) => x.loc.line === 26));
    expect(r.label).toBe('rule "iifname lo accept" in inet fw input');
    expect(r.text).toBe('iifname lo accept');
    expect(r.id).toMatch(/^nft-[0-9a-f]{12}$/);
  });

  it('attaches the ct timeout of the object to the rule that assigns it (replied explicit)', () => {
    const r = must(rules(p, 'inet fw prerouting')[0]);
    expect(r.action.kind).toBe('continue');
    expect(r.match.proto?.equals(protoSet([17]))).toBe(true);
    expect(r.udpTimeout).toEqual({
      value: 600,
      source: 'explicit',
      loc: { file: 'fixtures/nftables/rules/clean.nft', line: 15, column: 30, endLine: 15, endColumn: 43 },
      reason:
        'ct timeout udp-voip sets replied : 600 s for the UDP flows it is assigned to (docs/semantics.md#nft-timeouts)',
    });
  });

  it('uses the kernel default for other UDP, anchored at the table where a ct timeout would live', () => {
    expect(p.sessions.udpTimeout).toMatchObject({ value: 120, source: 'default' });
    expect(p.sessions.udpTimeout.loc).toMatchObject({ line: lineOf(text, 'table inet fw {'), column: 1 });
    expect(p.sessions.udpTimeout.reason).toContain('nf_conntrack_udp_timeout_stream');
    expect(p.sessions.sipAlg).toEqual([
      expect.objectContaining({
        value: false,
        source: 'default',
        reason: expect.stringContaining('since Linux 4.7') as unknown,
      }),
    ]);
  });

  it('turns masquerade into port-preserving source NAT on the WAN', () => {
    const nat = natRules(p, 'ip nat postrouting');
    expect(nat).toHaveLength(1);
    const s = must(nat[0]);
    expect(s).toMatchObject({ action: { kind: 'snat', to: { ports: 'preserve' } }, loc: { line: 50, column: 3 } });
    expect(s.action.kind === 'snat' && s.action.to.portsReason).toContain('keeps the source port');
    expect(s.match.oif?.equals(NameSet.of(['wan0']))).toBe(true);
    expect(s.match.src?.equals(addr('10.20.0.0/24', '192.168.1.0/24'))).toBe(true);
    expect(p.nat.mode).toMatchObject({ value: 'ruleset', source: 'default', loc: { line: 49 } });
  });

  it('reports nothing unsupported', () => {
    expect(p.unsupported).toEqual([]);
  });
});

describe('nftables evaluation order and defaults', () => {
  it('sorts base chains of all tables on a hook by priority (named, arithmetic, numeric)', () => {
    const p = parse(`table ip a {
	chain late { type filter hook forward priority filter + 10; }
	chain early { type filter hook forward priority mangle - 5; }
}
table inet b {
	chain mid { type filter hook forward priority -100; policy drop; }
	chain raw { type filter hook prerouting priority raw; }
}
table bridge c {
	chain f { type filter hook forward priority filter; }
}
`);
    expect(p.ruleset.forward).toEqual([
      // raw (-300) runs before connection tracking (-200): a raw stage, where notrack acts
      // before the NAT hook (-100) a reply to a source-NATed flow still has the public address (docs/semantics.md#nft-nat)
      { name: 'prerouting raw', kind: 'raw', chains: ['inet b raw'], egressUnknown: true, beforeReplyNat: true },
      { name: 'forward', chains: ['ip a early', 'inet b mid', 'ip a late'] },
    ]);
  });

  it('gives a base chain without policy the default accept, at its type statement', () => {
    const p = parse(
      'table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0\n\t\tudp dport 5060 drop\n\t}\n}\n',
    );
    expect(p.ruleset.chains['inet t c']?.policy).toEqual({
      action: 'accept',
      source: 'default',
      reason:
        'base chain inet t c has no `policy`: nftables base chains accept by default ' +
        '(docs/semantics.md#nft-syntax, docs/semantics.md#nft-defaults)',
      loc: { file: 'test.nft', line: 3, column: 3, endLine: 3, endColumn: 38 },
    });
  });

  it('keeps ip tables to IPv4 and ip6 tables to IPv6 with an implicit accept of the other family', () => {
    const p = parse(
      'table ip t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n}\ntable ip6 u {\n' +
        '\tchain c {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n}\n',
    );
    const [g4] = rules(p, 'ip t c');
    expect(g4).toMatchObject({ action: { kind: 'accept' }, implicit: expect.stringContaining('IPv4') as unknown });
    expect(g4?.match.src?.equals(ANY_V6)).toBe(true);
    expect(rules(p, 'ip6 u c')[0]?.match.src?.equals(ANY_V4)).toBe(true);
  });

  it('binds netdev ingress chains to their devices', () => {
    const p = parse(
      'table netdev n {\n\tchain in {\n\t\ttype filter hook ingress device "wan0" priority 0; policy accept;\n' +
        '\t\tudp dport 5060 drop\n\t}\n}\n',
    );
    expect(p.ruleset.forward).toEqual([
      { name: 'ingress', chains: ['netdev n in'], egressUnknown: true, beforeReplyNat: true },
    ]);
    const [guard, drop] = rules(p, 'netdev n in');
    expect(guard?.match.iif?.equals(NameSet.except(['wan0']))).toBe(true);
    expect(drop?.action.kind).toBe('drop');
  });

  it('maps jump, goto and return and skips jumps to missing chains with FWL900', () => {
    const p = parse(
      BASE('\t\tjump a\n\t\tgoto b\n\t\treturn\n\t\tjump nowhere') +
        'table inet t {\n\tchain a {\n\t}\n\tchain b {\n\t}\n}\n',
    );
    expect(rules(p, 'inet t c').map((r) => r.action)).toEqual([
      { kind: 'jump', chain: 'inet t a' },
      { kind: 'goto', chain: 'inet t b' },
      { kind: 'return' },
      { kind: 'continue' },
    ]);
    expect(p.unsupported).toEqual([
      expect.objectContaining({ what: 'jump nowhere', loc: expect.objectContaining({ line: 7 }) as unknown }),
    ]);
  });

  it('interprets ct status dnat, fib daddr type local, interface wildcards and port comparisons', () => {
    const p = parse(
      BASE(
        '\t\tct status dnat accept\n\t\tfib daddr type local accept\n\t\tiifname "wan0" accept\n' +
          '\t\toifname "vlan*" tcp dport < 1024 accept\n\t\tiifname "vlan20" accept',
      ),
    );
    const [dnat, local, , wild] = rules(p, 'inet t c');
    expect(dnat?.match.nat?.equals(NameSet.of(['dnat']))).toBe(true);
    // Loopback, every interface's placeholder and the unknown own address (an interface no rule names).
    const own = unknownOwnAddress(false).union(unknownOwnAddress(true));
    expect(
      local?.match.dst?.equals(p.interfaces.reduce((a, i) => a.union(i.addresses), addr('127.0.0.0/8').union(own))),
    ).toBe(true);
    // the pattern matches the named vlan20 and stands for the other vlan* interfaces itself
    expect(wild?.match.oif?.equals(NameSet.of(['vlan20', 'vlan*']))).toBe(true);
    expect(wild?.match.dport?.equals(portSet([[0, 1023]]))).toBe(true);
    expect(p.interfaces.map((i) => i.name)).toEqual(['wan0', 'vlan*', 'vlan20']);
    expect(p.notes).toContain(
      'interface pattern "vlan*" matches the interfaces the ruleset names (vlan20) and the interface "vlan*", which ' +
        'stands for the others matching it',
    );
  });

  it('reads ICMP type matches into the ICMP type dimension of the flow (src/model/icmp.ts)', () => {
    const p = parse(
      BASE(
        '\t\ticmp type echo-request accept\n\t\ticmp type { destination-unreachable, time-exceeded } accept\n' +
          '\t\ticmp type != timestamp-request drop',
      ),
    );
    const [ping, unreach, notTs] = rules(p, 'inet t c');
    expect(ping?.match.proto?.equals(protoSet([1]))).toBe(true);
    expect(ping?.match.icmpType?.has(8)).toBe(true);
    expect(unreach?.match.icmpType?.has(3)).toBe(true);
    expect(unreach?.match.icmpType?.has(8)).toBe(false); // never matches a ping
    expect(notTs?.match.icmpType?.has(8)).toBe(true); // != timestamp-request includes echo-request
    expect(notTs?.match.icmpType?.has(13)).toBe(false);
  });

  it('keeps hostnames and dynamic sets symbolic', () => {
    const p = parse(
      'table inet t {\n\tset bad {\n\t\ttype ipv4_addr\n\t\tflags dynamic, timeout\n\t}\n\tchain c {\n' +
        '\t\ttype filter hook forward priority 0;\n\t\tip saddr @bad drop\n\t\tip daddr sip.example.net accept\n\t}\n' +
        '}\n',
    );
    const [bad, host] = rules(p, 'inet t c');
    expect(bad?.match.symbolic).toEqual([expect.objectContaining({ field: 'src', kind: 'dynamic', name: '@bad' })]);
    expect(bad?.match.src?.isEmpty).toBe(true);
    expect(host?.match.symbolic).toEqual([
      expect.objectContaining({ field: 'dst', kind: 'fqdn', name: 'sip.example.net', negated: false }),
    ]);
  });

  it('approximates what it cannot evaluate: accept as if it held, drop as if it did not (FWL900 each); notrack is modelled', () => {
    const p = parse(BASE('\t\tmeta mark 0x1 accept\n\t\tlimit rate 10/second udp dport 5060 drop\n\t\tnotrack'));
    const [mark, limit, notrack] = rules(p, 'inet t c');
    expect(mark?.match).toEqual({});
    expect(limit?.match.proto?.isEmpty).toBe(true);
    expect(notrack?.action.kind).toBe('notrack');
    expect(p.unsupported.map((u) => [u.loc.line, u.what])).toEqual([
      [4, 'mark 0x00000001'], // as nft lists it, written 0x1 here
      [5, 'limit rate 10/second'],
    ]);
    expect(p.unsupported[1]?.why).toContain('fwlint evaluates this drop rule as if the condition never held');
  });

  it('evaluates output chains (the firewall own packets, e.g. echo replies) and reports what they hold', () => {
    const p = parse(
      'table inet t {\n\tchain out {\n\t\ttype filter hook output priority 0;\n\t\tmeta skuid root accept\n\t}\n}\n',
    );
    expect(p.ruleset.output?.map((s) => s.name)).toEqual(['output']);
    expect(p.unsupported.map((u) => u.what)).toEqual(['skuid root']);
  });

  it('ignores chains of families fwlint does not evaluate', () => {
    const p = parse(
      'table bridge b {\n\tchain f {\n\t\ttype filter hook forward priority 0;\n\t\tmeta skuid root accept\n\t}\n}\n',
    );
    expect(p.unsupported).toEqual([]);
  });

  it('honours --sysctl for the UDP stream timeout, helper auto-assignment and forwarding', () => {
    const p = parse(BASE('\t\taccept'), 'test.nft', {
      sysctl: {
        'net.netfilter.nf_conntrack_udp_timeout_stream': '300',
        'net.netfilter.nf_conntrack_helper': '1',
        'net.ipv4.ip_forward': '0',
      },
    });
    expect(p.sessions.udpTimeout).toMatchObject({
      value: 300,
      source: 'explicit',
      reason: expect.stringContaining('from --sysctl') as unknown,
    });
    expect(p.sessions.sipAlg).toEqual([
      expect.objectContaining({ value: true, uncertain: expect.stringContaining('nf_conntrack_sip') as unknown }),
    ]);
    expect(p.ruleset.forward[0]).toEqual({ name: 'routing', chains: ['sysctl forwarding'] });
  });
});

describe('nftables NAT', () => {
  it('takes an interface pattern used by masquerade as the WAN (PPPoE)', () => {
    const p = parse(
      'table inet nat {\n\tchain post {\n\t\ttype nat hook postrouting priority srcnat;\n\t\toifname "ppp*" masquerade\n\t}\n}\n',
    );
    expect(p.interfaces).toEqual([expect.objectContaining({ name: 'ppp*', role: 'wan' })]);
    expect(natRules(p, 'inet nat post')[0]?.match.oif?.equals(NameSet.of(['ppp*']))).toBe(true);
  });

  it('turns dnat into port-forwards with target and first port, after earlier NAT-chain accepts', () => {
    const p = parse(`table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		iifname != "wan0" accept
		iifname "wan0" udp dport 5060 dnat to 10.20.0.10
		iifname "wan0" tcp dport { 8000-8010 } dnat to 10.20.0.11:9000-9010
		fib daddr type local tcp dport 22 redirect to :2222
	}
}
`);
    // The engine walks the chain (docs/semantics.md#nft-nat): the accept exempts what is not from wan0.
    const arriving = (dport: number, proto: number, iif = 'wan0', dst = addr('203.0.113.2')) =>
      tracePath(
        p,
        box({
          src: addr('198.51.100.7'),
          dst,
          proto: protoSet([proto]),
          dport: portSet([[dport, dport]]),
          iif: NameSet.of([iif]),
          state: NameSet.of(['new']),
        }),
        { path: 'forward' },
      ).map((x) => [x.translations.map((t) => t.rule.loc.line), formatAddrSet(x.out.dst), formatPortSet(x.out.dport)]);
    expect(arriving(5060, 17)).toEqual([[[5], '10.20.0.10', '5060']]);
    expect(arriving(5060, 17, 'lan0')).toEqual([[[], '203.0.113.2', '5060']]);
    expect(arriving(8005, 6)).toEqual([[[6], '10.20.0.11', '9005']]); // the range keeps its offset
    // redirect goes to the firewall itself: the incoming interface's address (placeholder)
    expect(arriving(22, 6, 'wan0', dynamicAddress(1))).toEqual([[[7], '(dynamic address #1)', '2222']]);
    expect(arriving(22, 6, 'lan0', dynamicAddress(1))).toEqual([[[], '(dynamic address #1)', '22']]);
    expect(arriving(22, 6)).toEqual([[[], '203.0.113.2', '22']]); // not a local address: no redirect
  });

  it('sends a redirect to the firewall itself, at the ingress address, whatever is known of it (docs/semantics.md#nft-nat)', () => {
    const p = parse(`table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat; policy accept;
		udp dport 5060 redirect to :5070
	}
}
table inet filter {
	chain input {
		type filter hook input priority 0; policy drop;
		iif lo accept
		iifname "lan0" accept
	}
}
`);
    const sip = (iif: NameSet, dst = addr('10.20.0.5')) =>
      tracePath(
        p,
        box({
          src: addr('198.51.100.7'),
          dst,
          proto: protoSet([17]),
          dport: portSet([[5060, 5060]]),
          iif,
          state: NameSet.of(['new']),
        }),
        { path: 'forward' },
      ).map((x) => [x.path, x.box.iif.toString(), formatAddrSet(x.out.dst), formatPortSet(x.out.dport), x.verdict]);
    // An interface the rules do not name (eth0): its address is unknown, still the firewall's own; the
    // destination is never kept (it was: 10.20.0.5:5070, routed on to the phone).
    expect(sip(NameSet.of(['eth0']))).toEqual([['input', 'eth0', "(the firewall's own address)", '5070', 'drop']]);
    // lan0 has its placeholder; lo (the firewall's own packets) loopback; a routed packet never gets 127.0.0.0/8.
    expect(sip(NameSet.of(['lan0']))).toEqual([['input', 'lan0', '(dynamic address #1)', '5070', 'accept']]);
    expect(sip(NameSet.except(['lan0']))).toEqual([
      ['input', 'lo', '127.0.0.0/8', '5070', 'accept'],
      ['input', 'any except lan0, lo', "(the firewall's own address)", '5070', 'drop'],
    ]);
  });

  it('takes the WAN address from `snat to` and `ip daddr … dnat` when the ruleset names it', () => {
    const p = parse(`table ip nat {
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "wan0" ip daddr 203.0.113.5 tcp dport 443 dnat to 192.168.1.10
	}
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "wan0" snat to 203.0.113.5
	}
}
`);
    const wan = must(p.interfaces.find((i) => i.name === 'wan0'));
    expect(wan.role).toBe('wan');
    expect(wan.addresses.equals(addr('203.0.113.5'))).toBe(true);
    expect(p.notes).toContain('interface wan0: address 203.0.113.5 inferred from the NAT rules at line 4, line 8');
    expect(natRules(p, 'ip nat post')[0]).toMatchObject({ action: { kind: 'snat', to: { ports: 'preserve' } } });
  });

  it('splits a dnat map into one forward per element', () => {
    const p = parse(
      'table ip nat {\n\tchain pre {\n\t\ttype nat hook prerouting priority dstnat;\n' +
        '\t\tdnat to tcp dport map { 80 : 10.0.0.1, 443 : 10.0.0.2 . 8443 }\n\t}\n}\n',
    );
    expect(
      natRules(p, 'ip nat pre').map((d) => [
        d.match.dport?.bounds[0],
        d.action.kind === 'dnat' ? formatAddrSet(must(d.action.to.addr)) : '',
        d.action.kind === 'dnat' ? d.action.to.port : '',
      ]),
    ).toEqual([
      [80, '10.0.0.1', undefined],
      [443, '10.0.0.2', 8443],
    ]);
  });

  it('follows jumps and gotos through NAT chains (firewalld style)', () => {
    const p = parse(`table inet fwd {
	chain post {
		type nat hook postrouting priority srcnat + 10; policy accept;
		jump zones
	}
	chain zones {
		oifname "wan0" goto public
		goto other
	}
	chain public {
		ip saddr 10.20.0.0/24 return
		masquerade fully-random
	}
	chain other {
	}
}
`);
    const out = (src: string, oif = 'wan0') =>
      tracePath(
        p,
        box({ src: addr(src), dst: addr('198.51.100.7'), oif: NameSet.of([oif]), state: NameSet.of(['new']) }),
        { path: 'forward' },
      ).map((x) => x.translations.map((t) => [t.rule.loc.line, t.kind === 'snat' ? t.target.ports : '']));
    expect(out('192.168.1.5')).toEqual([[[12, 'random']]]);
    // the phones returned before the masquerade: they are not translated by it
    expect(out('10.20.0.5')).toEqual([[]]);
    expect(out('192.168.1.5', 'lan0')).toEqual([[]]); // goto other: an empty chain, no NAT
  });

  it('records NAT-chain accepts as exemptions, keeps ports inside a `to :range`, and ignores IPv6 in ip tables', () => {
    const p = parse(`table ip nat {
	chain post {
		type nat hook postrouting priority srcnat;
		ip daddr 192.0.2.0/24 accept
		oifname "wan0" snat to 198.51.100.1:1024-65535
	}
}
`);
    const [exempt, keep, remap] = rules(p, 'ip nat post').filter((r) => !r.implicit);
    expect(exempt).toMatchObject({ action: { kind: 'accept' }, loc: { line: 4 } });
    expect(keep).toMatchObject({ action: { kind: 'snat', to: { ports: 'preserve' } } });
    expect(keep?.match.sport?.equals(portSet([[1024, 65535]]))).toBe(true);
    expect(remap).toMatchObject({ action: { kind: 'snat', to: { ports: 'random' } } });
    expect(remap?.match.sport?.equals(portSet([[0, 1023]]))).toBe(true);
    // IPv6 never reaches an ip table: the family guard accepts it untranslated
    const [guard] = rules(p, 'ip nat post');
    expect(guard).toMatchObject({ action: { kind: 'accept' }, implicit: expect.stringContaining('IPv4') as unknown });
  });
});

describe('nftables SIP helper and timeouts', () => {
  it('reports each ct helper set of a sip helper at the statement, also through a map', () => {
    const p = parse(`table inet t {
	ct helper sip5060 {
		type "sip" protocol udp
		l3proto ip
	}
	ct helper ftp {
		type "ftp" protocol tcp
	}
	chain pre {
		type filter hook prerouting priority filter;
		tcp dport 21 ct helper set "ftp"
		ct helper set udp dport map { 5060 : "sip5060" }
	}
}
`);
    expect(p.sessions.sipAlg).toHaveLength(1);
    expect(p.sessions.sipAlg[0]).toMatchObject({ value: true, source: 'explicit', loc: { line: 12, column: 3 } });
    expect(p.sessions.sipAlg[0]?.reason).toContain('declared at line 2');
  });

  it('notes a sip helper nobody assigns and ignores helpers in chains that are never evaluated', () => {
    const p = parse(
      'table inet t {\n\tct helper sip {\n\t\ttype "sip" protocol udp\n\t}\n\tchain orphan {\n\t\tct helper set "sip"\n\t}\n}\n',
    );
    expect(p.sessions.sipAlg).toEqual([expect.objectContaining({ value: false, source: 'default' })]);
    expect(
      p.notes.some((n) => n.includes('ct helper sip of type "sip" is declared but no evaluated rule assigns it')),
    ).toBe(true);
  });

  it("fills a state left out of a ct timeout policy with nft's built-in (default, at the policy)", () => {
    const { policy: p, text } = load('rules/fwl003-timeout-omitted.nft');
    const r = must(rules(p, 'inet fw prerouting')[0]);
    expect(r.udpTimeout).toMatchObject({
      value: 120,
      source: 'default',
      loc: { line: lineOf(text, 'policy = { unreplied : 60 }'), column: 3 },
    });
    expect(r.udpTimeout?.reason).toContain('built-in 120 s');
    // only the phones get it
    expect(r.match.src?.equals(addr('10.20.0.0/24'))).toBe(true);
  });

  it('reads durations in ct timeout policies', () => {
    const p = parse(
      'table inet t {\n\tct timeout long {\n\t\tprotocol udp\n\t\tpolicy = { replied : 1h2m3s, unreplied : 30s }\n' +
        '\t}\n\tchain c {\n\t\ttype filter hook prerouting priority 0;\n\t\tct timeout set "long"\n\t}\n}\n',
    );
    expect(rules(p, 'inet t c')[0]?.udpTimeout?.value).toBe(3723);
  });
});

describe('nftables define, include and commands', () => {
  it('scopes defines to their block, supports redefine/undefine and refuses unknown ones', () => {
    const p = parse(
      'define P = 10.0.0.0/8\nredefine P = 10.20.0.0/24\ntable inet t {\n\tdefine IF = "vlan20"\n\tchain c {\n' +
        '\t\ttype filter hook forward priority 0;\n\t\tiifname $IF ip saddr $P accept\n\t}\n}\n',
    );
    expect(rules(p, 'inet t c')[0]?.match.src?.equals(addr('10.20.0.0/24'))).toBe(true);
    const e = parseError(() =>
      parse('table inet a {\n\tdefine X = 1\n}\ntable inet b {\n\tchain c {\n\t\ttcp dport $X accept\n\t}\n}\n'),
    );
    expect([e.line, e.column, e.message]).toEqual([6, 13, "unknown identifier 'X'"]);
    const u = parseError(() =>
      parse('define X = 1\nundefine X\ntable inet t {\n\tchain c {\n\t\ttcp dport $X accept\n\t}\n}\n'),
    );
    expect([u.line, u.column]).toEqual([5, 13]);
    expect(parseError(() => parse('define X = 1\ndefine X = 2\n')).message).toBe("redefinition of symbol 'X'");
  });

  it('reads includes relative to the including file; rules keep the included file and line', () => {
    const { policy: p } = load('site-include.nft', {
      readInclude: (path, from) => {
        const dir = from.slice(0, from.lastIndexOf('/') + 1);
        return { text: readFileSync(join(FIXTURES, '..', '..', dir, path), 'utf8'), display: `${dir}${path}` };
      },
    });
    const drop = must(rules(p, 'inet voice forward')[0]);
    expect(drop.loc).toMatchObject({ file: 'fixtures/nftables/include/voice.nft', line: 7, column: 3 });
    expect(drop.match.src?.equals(addr('10.20.0.0/24'))).toBe(true); // define from include/voice-defs.nft
    expect(rules(p, 'inet fw forward')[1]?.loc).toMatchObject({ file: 'fixtures/nftables/site-include.nft', line: 22 });
    expect(p.unsupported).toEqual([]);
  });

  it('reports unreadable and wildcard includes as FWL900 at the include, and tolerates their variables', () => {
    const p = parse(
      'include "missing.nft"\ninclude "/etc/nftables.d/*.nft"\ntable inet t {\n\tchain c {\n' +
        '\t\ttype filter hook forward priority 0;\n\t\tiifname $LAN accept\n\t\tudp dport 5060 accept\n\t}\n}\n',
    );
    expect(p.unsupported.map((u) => [u.loc.line, u.what])).toEqual([
      [1, 'include "missing.nft"'],
      [2, 'include "/etc/nftables.d/*.nft"'],
      [6, 'rule "iifname $LAN accept"'],
    ]);
    expect(rules(p, 'inet t c')).toHaveLength(1);
  });

  it('refuses include loops deeper than nft allows', () => {
    const e = parseError(() =>
      parse('include "self.nft"\n', 'self.nft', {
        readInclude: () => ({ text: 'include "self.nft"\n', display: 'self.nft' }),
      }),
    );
    expect(e.message).toContain('include nested too deeply');
  });

  it('applies commands: add table/chain/rule, insert rule, add element, flush', () => {
    const p = parse(`flush ruleset
add table inet t
add chain inet t c { type filter hook forward priority 0; policy drop; }
add set inet t s { type ipv4_addr; flags interval; }
add element inet t s { 192.0.2.0/24 }
add rule inet t c ip daddr @s accept
insert rule inet t c ct state established accept
`);
    const [first, second] = rules(p, 'inet t c');
    expect(first?.loc.line).toBe(7);
    expect(first?.match.state?.equals(NameSet.of(['established']))).toBe(true);
    expect(second?.match.dst?.equals(addr('192.0.2.0/24'))).toBe(true);
  });

  it('applies `delete table`/`destroy table` (the reload idiom) and reports other deletes', () => {
    const p = parse(
      'table inet t\ndelete table inet t\ntable inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n' +
        '\t\taccept\n\t}\n}\ndestroy table ip gone\ndelete rule inet t c handle 4\n',
    );
    expect(rules(p, 'inet t c')).toHaveLength(1);
    expect(p.unsupported.map((u) => [u.loc.line, u.what])).toEqual([[10, 'delete command']]);
  });

  it('skips dormant tables and notes it', () => {
    const p = parse(
      'table inet t {\n\tflags dormant\n\tchain c {\n\t\ttype filter hook forward priority 0; policy drop;\n\t}\n}\n',
    );
    expect(p.ruleset.forward).toEqual([]);
    expect(p.notes).toContain('table inet t is dormant (flags dormant): its chains do not run');
  });
});

describe('nftables comments', () => {
  it('gives rules the # lines directly above them and their comment "…", verbatim', () => {
    const p = parse(
      BASE(
        '\t\t# not this one\n\n\t\t# SIP trunk\n\t\t#fwlint-disable FWL010 -- SBC\n' +
          '\t\tudp dport 5060 accept comment "trunk"\n\t\tudp dport 5061 accept',
      ),
    );
    const [a, b] = rules(p, 'inet t c');
    expect(a?.comment).toBe(' SIP trunk\nfwlint-disable FWL010 -- SBC\ntrunk');
    expect(a?.label).toBe('rule "trunk" in inet t c');
    expect(must(b).comment).toBeUndefined();
  });
});

describe('nftables locations', () => {
  it('spans rules over their lines (sets across lines, line continuations)', () => {
    const text = BASE('\t\ttcp dport {\n\t\t\t22,\n\t\t\t443\n\t\t} accept\n\t\tudp dport 53 \\\n\t\t\taccept');
    const [set, cont] = rules(parse(text), 'inet t c');
    expect(set?.loc).toEqual({ file: 'test.nft', line: 4, column: 3, endLine: 7, endColumn: 11 });
    expect(cont?.loc).toEqual({ file: 'test.nft', line: 8, column: 3, endLine: 9, endColumn: 10 });
  });

  it('reads `;`-separated statements and one-line blocks', () => {
    const p = parse(
      'table inet t { chain c { type filter hook forward priority 0; policy drop; udp dport 5060 accept; tcp dport 5061 accept; }\n}\n',
    );
    const [a, b] = rules(p, 'inet t c');
    expect([a?.loc.line, a?.loc.column, b?.loc.column]).toEqual([1, 76, 99]);
  });
});

describe('nftables bad input', () => {
  it('refuses a truncated ruleset at the end of the file', () => {
    const e = parseError(() =>
      parse('table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0;\n\t\tudp dport 5060 accept\n'),
    );
    expect(e).toMatchObject({ line: 5, column: 1, message: "syntax error, unexpected end of file, expecting '}'" });
  });

  it('refuses garbage, unknown statements and a missing value with nft-style messages', () => {
    expect(parseError(() => parse('hello world\n'))).toMatchObject({
      line: 1,
      column: 1,
      message: 'syntax error, unexpected hello',
    });
    expect(parseError(() => parse(BASE('\t\tudp dport 5060 acept')))).toMatchObject({
      line: 4,
      column: 18,
      message: 'syntax error, unexpected acept',
    });
    expect(parseError(() => parse(BASE('\t\tip saddr accept')))).toMatchObject({
      line: 4,
      column: 12,
      message: 'syntax error, unexpected accept, expecting a value',
    });
    expect(parseError(() => parse('table inet t {\n\tchain c {\n\t\tudp dport "5060 accept\n\t}\n}\n'))).toMatchObject({
      line: 3,
      column: 13,
      message: 'unterminated string',
    });
    expect(
      parseError(() => parse('table inet t {\n\tchain c {\n\t\ttype filter hook forward priority bogus;\n\t}\n}\n')),
    ).toMatchObject({ line: 3, column: 37 });
    expect(parseError(() => parse('table inet t {\n\tchain c {\n\t\tpolicy drop\n\t}\n}\n')).message).toContain(
      'only base chains have a policy',
    );
    expect(
      parseError(() => parse('table inet t {\n\tchain c {\n\t\tudp dport 5060 accept\n\t}\n}\n}\n')),
    ).toMatchObject({ line: 6, column: 1 });
  });

  it('refuses files of other vendors with a position', () => {
    expect(parseError(() => parse('<?xml version="1.0"?>\n<pfsense></pfsense>\n'))).toMatchObject({
      line: 1,
      column: 1,
    });
    expect(parseError(() => parse('config system global\n    set hostname "fw"\nend\n'))).toMatchObject({
      line: 1,
      column: 1,
      message: 'syntax error, unexpected config',
    });
    expect(
      parseError(() => parse('# by RouterOS 7.18\n/ip firewall filter\nadd chain=forward action=accept\n')),
    ).toMatchObject({ line: 2, column: 1 });
  });
});

describe('nftables detect', () => {
  it('recognises rulesets, nftables.conf and nft -j output', () => {
    expect(nftablesParser.detect('#!/usr/sbin/nft -f\n\nflush ruleset\n')).toBe('nftables');
    expect(nftablesParser.detect('# comment\n# another\ntable inet filter {\n')).toBe('nftables');
    expect(nftablesParser.detect('table nat {\n')).toBe('nftables');
    expect(nftablesParser.detect('define LAN = 10.0.0.0/8\n')).toBe('nftables');
    expect(nftablesParser.detect('add rule inet t c accept\n')).toBe('nftables');
    expect(nftablesParser.detect('include "/etc/nftables.d/x.nft"\n')).toBe('nftables');
    expect(nftablesParser.detect('{"nftables": [{"metainfo": {}}]}')).toBe('nftables');
    expect(nftablesParser.detect('{\n  "nftables": [\n')).toBe('nftables');
  });

  it("never claims another vendor's file", () => {
    expect(nftablesParser.detect('<?xml version="1.0"?>\n<pfsense>\n')).toBeUndefined();
    expect(
      nftablesParser.detect(
        '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n#conf_file_ver=1\nconfig system global\n',
      ),
    ).toBeUndefined();
    expect(
      nftablesParser.detect(
        '# 2025-04-20 16:18:22 by RouterOS 7.18.2\n# software id = ABCD\n/interface bridge\nadd name=bridge\n',
      ),
    ).toBeUndefined();
    expect(nftablesParser.detect('{"other": 1}')).toBeUndefined();
    expect(nftablesParser.detect('')).toBeUndefined();
  });
});
