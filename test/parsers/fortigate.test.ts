import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusDescribe } from '../helpers/tiers.js';
import {
  ANY_V4,
  ANY_V6,
  dynamicAddress,
  formatAddrSet,
  parseAddressSpec,
  type AddrSet,
} from '../../src/model/address.js';
import { ParseError } from '../../src/model/errors.js';
import { snatRule } from '../../src/model/nat-stages.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { PROTO, formatPortSet, formatProtoSet, portSet } from '../../src/model/ports.js';
import { detectVendor } from '../../parsers/index.js';
import { fortigateParser } from '../../parsers/fortigate/index.js';
import { pfsenseParser } from '../../parsers/pfsense/index.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/fortigate');

function load(name: string): { policies: Policy[]; text: string } {
  const text = readFileSync(join(FIXTURES, name), 'utf8');
  expect(fortigateParser.detect(text.slice(0, 8192))).toBe('fortigate');
  return { policies: fortigateParser.parse(text, `fixtures/fortigate/${name}`, 'fortigate'), text };
}

function one(name: string): { policy: Policy; text: string } {
  const { policies, text } = load(name);
  expect(policies).toHaveLength(1);
  return { policy: policies[0]!, text };
}

/** 1-based line of the nth line (0-based n) whose trimmed text equals or starts with `needle`. */
function lineOf(text: string, needle: string, n = 0): number {
  const hits = text.split('\n').flatMap((l, i) => (l.trim() === needle || l.trim().startsWith(needle) ? [i + 1] : []));
  if (hits[n] === undefined) throw new Error(`no line ${n} starting with ${needle}`);
  return hits[n];
}

const addr = (...cidrs: string[]): AddrSet => cidrs.map((c) => parseAddressSpec(c)!).reduce((a, b) => a.union(b));
const parse = (text: string, file = 'x.conf') => fortigateParser.parse(text, file, 'fortigate');

function rules(p: Policy, chain = 'forward'): Rule[] {
  return p.ruleset.chains[chain]!.rules;
}

describe('detect', () => {
  it('recognises headers, fragments and show captures', () => {
    expect(
      fortigateParser.detect('#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin\n'),
    ).toBe('fortigate');
    expect(fortigateParser.detect('config system global\n    set hostname "x"\nend\n')).toBe('fortigate');
    expect(fortigateParser.detect('\n# comment\nconfig firewall policy\n    edit 1\n')).toBe('fortigate');
    expect(fortigateParser.detect('FGT60F (root) # show firewall policy\nconfig firewall policy\n    edit 1\n')).toBe(
      'fortigate',
    );
    expect(
      fortigateParser.detect(
        'FG_VM-Demo $ show\n#config-version=FortiGate-VM64 v6.2.3,build1066,191218 (GA):opmode=1\n',
      ),
    ).toBe('fortigate');
  });

  it('never claims another vendor', () => {
    const others = [
      '<?xml version="1.0"?>\n<pfsense>\n<version>23.3</version>\n',
      '<opnsense>\n',
      '# 2025-04-20 16:18:22 by RouterOS 7.18.2\n# software id = ABCD\n/interface vlan\nadd interface=bridge name=v20 vlan-id=20\n',
      '/ip firewall filter\nadd action=accept chain=forward\n',
      '#!/usr/sbin/nft -f\nflush ruleset\ntable inet fw {\n  chain fwd { type filter hook forward priority 0; }\n}\n',
      'table inet filter {\n\tchain input {\n',
      '{"nftables": [{"metainfo": {"version": "1.0.9"}}]}',
      'config is not a firewall\nhello\n',
      'just some text\n',
      '',
    ];
    for (const o of others) expect(fortigateParser.detect(o), o.slice(0, 30)).toBeUndefined();
    // and the pfSense parser does not claim FortiGate files
    expect(
      pfsenseParser.detect('#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0\nconfig system global\n'),
    ).toBeUndefined();
  });

  it('is what the registry picks for FortiGate text', () => {
    expect(detectVendor(readFileSync(join(FIXTURES, 'example-site.conf'), 'utf8').slice(0, 8192))).toBe('fortigate');
    expect(detectVendor(readFileSync(join(FIXTURES, 'show-capture.txt'), 'utf8').slice(0, 8192))).toBe('fortigate');
  });
});

describe('example-site.conf (small office, VOICE VLAN, VIP, default VoIP settings)', () => {
  const { policy: p, text } = one('example-site.conf');

  it('identifies the platform, version and host; the root is the header line', () => {
    expect(p.vendor).toBe('fortigate');
    expect(p.version).toBe('7.2.8');
    expect(p.name).toBe('fw-office');
    expect(p.replies).toBe('stateful');
    expect(p.root).toMatchObject({ line: 1, column: 1, endLine: 1 });
  });

  it('models interfaces: DHCP WAN placeholder, VLAN, alias, IPv6, disabled', () => {
    const [wan, internal, voice, dmz] = p.interfaces;
    expect(wan).toMatchObject({ name: 'wan1', role: 'wan', description: 'Internet', enabled: true });
    expect(wan!.networks.isEmpty).toBe(true);
    expect(wan!.addresses.equals(dynamicAddress(1))).toBe(true);
    expect(internal!.networks.equals(addr('192.168.1.0/24', 'fd00:1::/64'))).toBe(true);
    expect(internal!.addresses.equals(addr('192.168.1.1/32', 'fd00:1::1/128'))).toBe(true);
    expect(voice).toMatchObject({ name: 'voice', role: 'lan', description: 'VOICE', vlan: 20, enabled: true });
    expect(voice!.networks.equals(addr('10.20.0.0/24'))).toBe(true);
    expect(voice!.loc).toMatchObject({ line: lineOf(text, 'edit "voice"'), column: 5 });
    expect(dmz).toMatchObject({ name: 'dmz', enabled: false });
  });

  it('orders policies by file position, not id; skips disabled ones; one rule per service box', () => {
    const fwd = p.ruleset.chains.forward!;
    expect(fwd.mode).toBe('first-match');
    expect(fwd.rules.map((r) => r.id)).toEqual([
      'policy:30',
      'policy:30',
      'policy:5',
      'policy:7',
      'policy:8',
      'policy:9',
      'policy:40',
    ]);
    expect(fwd.rules[0]!.loc).toMatchObject({
      line: lineOf(text, 'edit 30'),
      column: 5,
      endLine: lineOf(text, 'edit 30') + 12,
    });
    expect(fwd.rules.map((r) => r.action.kind)).toEqual([
      'accept',
      'accept',
      'jump',
      'accept',
      'accept',
      'accept',
      'drop',
    ]);
  });

  it('has the implicit deny as the default policy at `config firewall policy`', () => {
    expect(p.ruleset.chains.forward!.policy).toEqual({
      action: 'drop',
      source: 'default',
      loc: {
        file: 'fixtures/fortigate/example-site.conf',
        line: lineOf(text, 'config firewall policy'),
        column: 1,
        endLine: lineOf(text, 'config firewall policy'),
        endColumn: 23,
      },
      reason:
        'FortiOS implicit deny (policy 0): traffic that no policy accepts is dropped (docs/semantics.md#fgt-policy)',
    });
    // VIP destination NAT before the policy lookup, source NAT after it (docs/semantics.md#fgt-nat).
    expect(p.ruleset.forward).toEqual([
      { name: 'vip', kind: 'dnat', chains: ['vip'] },
      { name: 'policy', chains: ['forward'] },
      { name: 'snat', kind: 'snat', chains: ['snat'] },
    ]);
    expect(p.ruleset.input).toEqual([
      { name: 'vip', kind: 'dnat', chains: ['vip'] },
      { name: 'local-in', chains: ['local-in'] },
    ]);
  });

  it('resolves nested groups (iprange + subnet + host), FQDN members as symbolic, and services per protocol', () => {
    const [sip, rtp] = rules(p);
    expect(sip!.match.src!.equals(addr('10.20.0.0/24', '192.168.1.10/32'))).toBe(true);
    expect(sip!.match.dst!.equals(addr('185.72.208.0/22'))).toBe(true);
    expect(sip!.match.symbolic).toEqual([
      {
        field: 'dst',
        kind: 'fqdn',
        name: 'sip.ipnordic.dk',
        loc: expect.objectContaining({ line: lineOf(text, 'set dstaddr "PROVIDER"') }) as unknown,
      },
    ]);
    expect(formatProtoSet(sip!.match.proto!)).toBe('tcp/udp');
    expect(formatPortSet(sip!.match.dport!)).toBe('5060');
    expect(formatProtoSet(rtp!.match.proto!)).toBe('udp');
    expect(formatPortSet(rtp!.match.dport!)).toBe('10000-20000');
    expect([...sip!.match.iif!.names]).toEqual(['voice']);
    expect([...sip!.match.oif!.names]).toEqual(['wan1']);
    expect(sip!.match.nat!.has('none') && !sip!.match.nat!.has('dnat')).toBe(true);
    expect(sip!.keepState).toBe(true);
  });

  it('takes the per-service udp-idle-timer as the rule timeout, located at the setting', () => {
    const [sip, rtp] = rules(p);
    expect(sip!.udpTimeout).toBeUndefined();
    expect(rtp!.udpTimeout).toMatchObject({
      value: 600,
      source: 'explicit',
      loc: { line: lineOf(text, 'set udp-idle-timer 600'), column: 9 },
    });
  });

  it('service-negate: a jump to a chain that returns for the services and applies the action to the rest', () => {
    const jump = rules(p)[2]!;
    expect(jump.label).toBe('policy 5 "phones-no-web" (no `set action`: deny by default)');
    expect(jump.action).toEqual({ kind: 'jump', chain: 'policy:5#1:service-negate' });
    const sub = p.ruleset.chains['policy:5#1:service-negate']!;
    expect(sub.policy).toBeUndefined();
    expect(sub.rules.map((r) => r.action.kind)).toEqual(['return', 'drop']);
    expect(formatPortSet(sub.rules[0]!.match.dport!)).toBe('53,5060');
  });

  it('zones expand to their members; negated destinations keep unknown members as negated symbolic refs', () => {
    const r = rules(p)[3]!;
    expect([...r.match.iif!.names].sort()).toEqual(['internal', 'voice']);
    expect(r.match.dst!.equals(ANY_V4)).toBe(true);
    expect(r.match.symbolic).toEqual([expect.objectContaining({ field: 'dst', kind: 'geo', negated: true })]);
  });

  it('a policy naming a VIP matches the translated side (mapped address and port, destination-NATed)', () => {
    const r = rules(p)[4]!;
    expect(r.match.dst!.equals(addr('192.168.1.10/32'))).toBe(true);
    expect(formatProtoSet(r.match.proto!)).toBe('udp');
    expect(formatPortSet(r.match.dport!)).toBe('5060');
    expect(r.match.nat!.has('dnat') && !r.match.nat!.has('none')).toBe(true);
    expect(r.comment).toBe('fwlint-disable FWL010 -- provider only');
  });

  it('IPv6 addresses of a consolidated policy become their own rule', () => {
    const r = rules(p)[5]!;
    expect(r.match.src!.equals(addr('fd00:1::/64'))).toBe(true);
    expect(r.match.dst!.equals(ANY_V6)).toBe(true);
  });

  it('wildcard addresses are exact; interface-subnet addresses take the interface network', () => {
    const r = rules(p)[6]!;
    expect(r.match.src!.intervalCount).toBe(64);
    expect(r.match.src!.has(parseAddressSpec('10.20.0.127')!.bounds[0]!)).toBe(true);
    expect(r.match.src!.has(parseAddressSpec('10.20.0.2')!.bounds[0]!)).toBe(false);
    expect(r.match.src!.has(parseAddressSpec('10.20.0.129')!.bounds[0]!)).toBe(false);
    expect(r.match.dst!.equals(addr('192.168.1.0/24'))).toBe(true);
  });

  it('VIPs used by a policy are DNAT rules (extintf, extip, protocol, extport → mappedip, first mapped port)', () => {
    expect(p.nat.dnat).toHaveLength(1);
    const d = p.nat.dnat[0]!;
    expect(d).toMatchObject({ id: 'vip:PBX-SIP', label: 'VIP "PBX-SIP"', bypassFilter: false, to: { port: 5060 } });
    expect(d.loc.line).toBe(lineOf(text, 'edit "PBX-SIP"'));
    expect([...d.match.iif!.names]).toEqual(['wan1']);
    expect(d.match.dst!.equals(addr('203.0.113.7/32'))).toBe(true);
    expect(formatProtoSet(d.match.proto!)).toBe('udp');
    expect(formatPortSet(d.match.dport!)).toBe('15060-15061');
    expect(d.to.addr.equals(addr('192.168.1.10/32'))).toBe(true);
    expect(p.notes.some((n) => n.includes('VIP "PBX-ALL" is not used by any enabled policy'))).toBe(true);
  });

  it(
    'source NAT per accept policy in order: ippool keeps ports by default, port-random randomizes; deny policies ' +
      '(5, 40) have none',
    () => {
      const s = p.nat.snat;
      expect(s.map((r) => `${r.id}:${r.action}:${r.ports}`)).toEqual([
        'policy:30:translate:preserve',
        'policy:30:translate:preserve',
        'policy:7:translate:random',
        'policy:8:none:preserve',
        'policy:9:none:preserve',
      ]);
      expect(s[0]!.portsReason).toContain('port-preserve enable is the default');
      expect(s[2]!.portsReason).toContain('port-random enable');
      expect(p.nat.mode).toMatchObject({
        value: 'policy',
        source: 'default',
        loc: { line: lineOf(text, 'config system settings') },
      });
    },
  );

  it('SIP ALG: proxy-based by default, located at `config system settings`, mentioning sip-expectation', () => {
    expect(p.sessions.sipAlg).toHaveLength(1);
    const [alg] = p.sessions.sipAlg;
    expect(alg).toMatchObject({
      value: true,
      source: 'default',
      loc: { line: lineOf(text, 'config system settings'), column: 1 },
    });
    expect(alg!.reason).toContain('proxy-based');
    expect(alg!.reason).toContain('sip-expectation enable');
  });

  it('UDP idle timeout: the 180 s default at `config system global`, flagged uncertain', () => {
    expect(p.sessions.udpTimeout).toMatchObject({
      value: 180,
      source: 'default',
      loc: { line: lineOf(text, 'config system global') },
    });
    expect(p.sessions.udpTimeout.uncertain).toContain('uncertain');
  });

  it('local-in: local-in policies first, then allowaccess per address, the DNS server; drop by default', () => {
    const li = p.ruleset.chains['local-in']!;
    expect(li.policy).toMatchObject({ action: 'drop', source: 'default' });
    const first = li.rules[0]!;
    expect(first).toMatchObject({ id: 'local-in-policy:1', action: { kind: 'drop' } });
    expect(first.match.symbolic).toEqual([expect.objectContaining({ field: 'src', kind: 'geo', negated: true })]);
    const ping = li.rules.find((r) => r.id === 'allowaccess:wan1:ping')!;
    expect(ping.match.dst!.equals(dynamicAddress(1))).toBe(true);
    expect(ping.match.proto!.has(PROTO.icmp)).toBe(true);
    expect(ping.loc.line).toBe(lineOf(text, 'set allowaccess ping https'));
    const https = li.rules.find((r) => r.id === 'allowaccess:wan1:https:6')!;
    expect(formatPortSet(https.match.dport!)).toBe('8443');
    const dns = li.rules.find((r) => r.id === 'dns-server:voice')!;
    expect(dns.match.dport!.equals(portSet([[53, 53]]))).toBe(true);
    expect(li.rules.find((r) => r.id === 'allowaccess:internal:ping6')).toBeDefined();
  });

  it('reports nothing it cannot model here', () => {
    expect(p.unsupported).toEqual([]);
  });
});

describe('traps.conf (CLI semantics)', () => {
  const { policy: p, text } = one('traps.conf');

  it('applies move, rename, delete, unset, append/unselect and a later `edit` of the same key', () => {
    // `move 2 before 3`, and policy 1 edited again (`set action deny`, closed by `end`)
    expect(rules(p).map((r) => r.id)).toEqual(['intrazone:phones-zone', 'policy:2', 'policy:3', 'policy:1']);
    expect(rules(p)[3]!.action.kind).toBe('drop');
    // group G = (PHONES + LEGACY) - PHONES = LEGACY (renamed from OLD); PHONES was widened to /23
    expect(rules(p)[1]!.match.src!.equals(addr('10.99.0.0/16'))).toBe(true);
    expect(rules(p)[2]!.match.src!.equals(addr('10.20.0.0/23'))).toBe(true);
    expect(rules(p)[1]!.loc.line).toBe(lineOf(text, 'edit 2'));
  });

  it('reads escaped and single-quoted strings and multi-line values', () => {
    expect(p.interfaces[1]!.description).toBe('Phones "VoIP" LAN');
    expect(p.interfaces[0]!.role).toBe('wan'); // mode pppoe
    expect(p.interfaces[0]!.addresses.equals(dynamicAddress(1))).toBe(true);
    expect(p.interfaces[1]!.networks.equals(addr('10.20.0.0/24'))).toBe(true);
  });

  it('intrazone allow is an implicit accept between the zone members, at the setting', () => {
    const r = rules(p)[0]!;
    expect(r).toMatchObject({
      implicit: expect.stringContaining('intrazone allow') as unknown,
      action: { kind: 'accept' },
      loc: { line: lineOf(text, 'set intrazone allow') },
    });
  });

  it('explicit udp-idle-timer; version and legacy defaults from the header', () => {
    expect(p.sessions.udpTimeout).toMatchObject({
      value: 90,
      source: 'explicit',
      loc: { line: lineOf(text, 'set udp-idle-timer 90'), column: 5 },
    });
    expect(p.version).toBe('6.4.9');
    expect(p.sessions.sipAlg[0]!.reason).not.toContain('7.0+');
  });
});

describe('show-capture.txt (prompt lines, no header)', () => {
  const { policy: p, text } = one('show-capture.txt');
  it('skips the prompts and says so; the root is the first block', () => {
    expect(p.notes.some((n) => n.includes('prompt line(s) 1, 16, 31'))).toBe(true);
    expect(p.notes.some((n) => n.includes('no #config-version header'))).toBe(true);
    expect(p.root.line).toBe(lineOf(text, 'config system interface'));
    expect(p.version).toBeUndefined();
  });
  it('uses FortiOS predefined services and the built-in "all" address', () => {
    expect(
      p.notes.some((n) => n.includes('service "ALL" is not defined in the file; using FortiOS\'s predefined "ALL"')),
    ).toBe(true);
    const [r] = rules(p);
    expect(r!.match.proto).toBeUndefined();
    expect(r!.match.dst!.equals(ANY_V4)).toBe(true);
  });
  it('defaults located at the firewall root when the sections are missing', () => {
    expect(p.sessions.udpTimeout.loc.line).toBe(p.root.line);
    expect(p.sessions.sipAlg[0]!.loc.line).toBe(p.root.line);
  });
});

describe('multi-VDOM (rules/multi-vdom.conf)', () => {
  const { policies, text } = load('rules/multi-vdom.conf');
  it('gives one firewall per VDOM with its own interfaces, settings and policies, sharing the globals', () => {
    expect(policies.map((x) => x.name)).toEqual(['voice', 'guest']);
    const [voice, guest] = policies;
    expect(voice!.interfaces.map((i) => i.name)).toEqual(['wan1', 'voice']);
    expect(guest!.interfaces.map((i) => i.name)).toEqual(['wan2', 'guest']);
    expect(guest!.interfaces[0]!.addresses.equals(dynamicAddress(1))).toBe(true);
    expect(voice!.sessions.udpTimeout).toMatchObject({ value: 600, source: 'explicit' });
    expect(guest!.sessions.udpTimeout).toMatchObject({ value: 600, source: 'explicit' });
    expect(voice!.sessions.sipAlg.map((s) => s.value)).toEqual([false, false]);
    expect(guest!.sessions.sipAlg).toEqual([
      expect.objectContaining({
        value: true,
        source: 'default',
        loc: expect.objectContaining({ line: lineOf(text, 'config system settings', 1) }) as unknown,
      }),
    ]);
    expect(rules(voice!).map((r) => r.label)).toEqual(['policy 1 "phones-out"']);
    expect(rules(guest!).map((r) => r.label)).toEqual(['policy 1 "guests-out"']);
    expect(voice!.root.line).toBe(lineOf(text, 'edit voice', 1));
    expect(guest!.root.line).toBe(lineOf(text, 'edit guest', 1));
  });
});

describe('central-nat.conf', () => {
  const { policy: p } = one('central-nat.conf');
  it('applies every VIP, matches policies on translated addresses, and takes SNAT from central-snat-map first', () => {
    expect(p.nat.mode).toMatchObject({ value: 'central', source: 'explicit' });
    expect(p.nat.dnat.map((d) => d.id)).toEqual(['vip:PBX-HFA']);
    expect(rules(p)[1]!.match.nat).toBeUndefined();
    expect(p.nat.snat.map((s) => `${s.id}:${s.action}:${s.ports}`)).toEqual([
      'central-snat:1:translate:random',
      'central-snat:2:translate:preserve',
      // Policies do no source NAT with central NAT: the map's end stands for what no entry matches.
      'central-snat:unmatched:none:preserve',
    ]);
    expect(p.nat.snat[0]!.portsReason).toContain('port-block-allocation');
  });
});

describe('bad input becomes ParseError with line and column', () => {
  const cases: [string, string, number, number, RegExp][] = [
    [
      'truncated',
      'config system global\n    set hostname "x"\nend\nconfig firewall policy\n    edit 1\n        set action accept\n',
      5,
      5,
      /unexpected end of file: `edit 1` \(line 5\) is not closed/,
    ],
    [
      'truncated block',
      'config firewall address\n    edit "a"\n    next\n',
      1,
      1,
      /`config firewall address` \(line 1\) is not closed/,
    ],
    [
      'garbage',
      'hello world\nthis is not a config\n',
      1,
      1,
      /expected config, edit, set, unset, next or end, found `hello`/,
    ],
    ['pfSense XML', '<?xml version="1.0"?>\n<pfsense>\n</pfsense>\n', 1, 1, /found `<\?xml`/],
    ['RouterOS', '/ip firewall filter\nadd chain=forward action=accept\n', 1, 1, /found `\/ip`/],
    [
      'unterminated string',
      'config system global\n    set hostname "abc\nend\n',
      2,
      18,
      /unterminated double-quoted string/,
    ],
    ['next without edit', 'config system global\n    next\nend\n', 2, 5, /`next` without `edit`/],
    [
      // The quote runs on over the next lines, so the table's name holds line breaks: the message stays one line.
      'next without edit in a table with a name over several lines',
      'config system replacemsg utm "transfer\n    end\n    edit "x\n    next\nend\n',
      4,
      5,
      /^`next` without `edit` in `config system replacemsg utm transfer end edit x` \(line 1\)$/,
    ],
    ['end without config', 'config system global\nend\nend\n', 3, 1, /`end` without `config`/],
    ['set outside config', 'set hostname x\n', 1, 1, /`set` outside a `config` block/],
    ['edit inside edit', 'config firewall policy\n    edit 1\n    edit 2\n', 3, 5, /expected `next` first/],
    ['binary', 'config system global\n\u0001\u0002\u0003\nend\n', 2, 1, /binary data/],
    [
      'only comments',
      '# nothing\n#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0\n',
      1,
      1,
      /no configuration statements/,
    ],
  ];
  for (const [name, text, line, col, msg] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        parse(text, 'bad.conf');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ParseError);
      const pe = err as ParseError;
      expect(pe.message).toMatch(msg);
      expect([pe.file, pe.line, pe.column]).toEqual(['bad.conf', line, col]);
    });
  }

  it('repairs a quote inside a word (never written by show) and reports the statement', () => {
    const [p] = parse(
      'config firewall service custom\n    edit "X"\n        set tcp-portrange 80\n    next\nend\n' +
        'config firewall policy\n    edit 1\n        set service ""X" "Y"\n    next\nend\n',
    );
    expect(p!.unsupported.map((u) => [u.loc.line, u.what])).toEqual([[8, 'malformed quoting on line 8']]);
  });
});

describe('line endings', () => {
  it('CRLF and lone CR files give the same lines and columns as LF', () => {
    const lf = readFileSync(join(FIXTURES, 'traps.conf'), 'utf8');
    const shape = (p: Policy) => [
      rules(p).map((r) => [r.id, r.loc.line, r.loc.column, r.loc.endLine, r.loc.endColumn]),
      [
        p.sessions.udpTimeout.loc.line,
        p.sessions.udpTimeout.loc.column,
        p.sessions.udpTimeout.loc.endLine,
        p.sessions.udpTimeout.loc.endColumn,
      ],
      p.interfaces.map((i) => [i.name, i.description, i.loc.line]),
    ];
    const want = shape(parse(lf)[0]!);
    expect(shape(parse(lf.replace(/\n/g, '\r\n'))[0]!)).toEqual(want);
    expect(shape(parse(lf.replace(/\n/g, '\r'))[0]!)).toEqual(want);
  });

  it('a setting spanning lines is located from its first to its last line', () => {
    const [p] = parse(
      'config system global\n    set udp-idle-timer 400\nend\nconfig system interface\n    edit "x"\n' +
        '        set description "two\nlines"\n        set ip 10.0.0.1 255.255.255.0\n        set allowaccess ping\n' +
        '    next\nend\n',
    );
    expect(p!.sessions.udpTimeout.loc).toMatchObject({ line: 2, column: 5, endLine: 2, endColumn: 27 });
    expect(p!.interfaces[0]!.description).toBe('two\nlines');
    const ping = rules(p!, 'local-in').find((r) => r.id === 'allowaccess:x:ping')!;
    expect(ping.loc).toMatchObject({ line: 9, column: 9, endLine: 9, endColumn: 29 });
  });
});

describe('model details', () => {
  const base = (body: string) =>
    parse(
      `config system interface\n    edit "wan1"\n        set ip 198.51.100.2 255.255.255.0\n        set role wan\n` +
        `    next\n    edit "lan"\n        set ip 10.0.0.1 255.255.255.0\n        set role lan\n    next\nend\n${body}`,
    )[0]!;

  it('policy routes are one FWL900 kind, each route named in its own reason', () => {
    const p = base(`config router policy
    edit 1
        set input-device "lan"
        set output-device "wan1"
    next
    edit 2
        set input-device "lan"
    next
    edit 3
        set status disable
    next
end
`);
    expect(p.unsupported.map((u) => u.what)).toEqual(['router policy', 'router policy']);
    expect(p.unsupported.map((u) => u.why.split(' can send')[0])).toEqual(['policy route 1 to wan1', 'policy route 2']);
  });

  it('SD-WAN rules are one FWL900 kind, each rule named in its own reason', () => {
    const p = base(`config system sdwan
    set status enable
    config members
        edit 1
            set interface "wan1"
        next
    end
    config service
        edit 1
            set name "to-pbx"
            set priority-members 1
        next
        edit 2
            set name "to-web"
            set priority-members 1
        next
    end
end
`);
    expect(p.unsupported.map((u) => u.what)).toEqual(['system sdwan service', 'system sdwan service']);
    expect(p.unsupported.map((u) => u.why.split(' steers')[0])).toEqual([
      'SD-WAN rule 1 "to-pbx"',
      'SD-WAN rule 2 "to-web"',
    ]);
  });

  it('service port syntax dst[:src], ICMP and IP protocol numbers', () => {
    const p = base(`config firewall service custom
    edit "S"
        set tcp-portrange 1-2:3-4 10
        set udp-portrange 100
    next
    edit "ICMP-ECHO"
        set protocol ICMP
        set icmptype 8
    next
    edit "GRE"
        set protocol IP
        set protocol-number 47
    next
end
config firewall policy
    edit 1
        set srcintf "lan"
        set dstintf "wan1"
        set action accept
        set srcaddr "all"
        set dstaddr "all"
        set service "S" "ICMP-ECHO" "GRE"
    next
end
`);
    const r = rules(p).map(
      (x) =>
        `${x.match.proto ? formatProtoSet(x.match.proto) : '*'} ${x.match.dport ? formatPortSet(x.match.dport) : '*'} ` +
        (x.match.sport ? formatPortSet(x.match.sport) : '*'),
    );
    expect(r.sort()).toEqual(['icmp/gre * *', 'tcp 1-2 3-4', 'tcp 10 *', 'udp 100 *'].sort());
    expect(p.unsupported).toEqual([]);
  });

  it('an ICMP service with another type than echo, a missing object and a schedule are FWL900 at their lines', () => {
    const p = base(`config firewall service custom
    edit "UNREACH"
        set protocol ICMP
        set icmptype 3
    next
end
config firewall policy
    edit 1
        set srcintf "lan"
        set dstintf "wan1"
        set action accept
        set srcaddr "nope"
        set dstaddr "all"
        set service "UNREACH"
        set schedule "weekdays"
        set groups "staff"
    next
end
`);
    expect(p.unsupported.map((u) => `${u.loc.line}:${u.what}`)).toEqual([
      '26:firewall policy groups',
      '25:firewall policy schedule weekdays',
      '14:firewall service custom "UNREACH" icmptype 3',
      '22:address not defined in the file',
    ]);
    // One kind for every undefined name, each named in its own reason.
    expect(p.unsupported.find((u) => u.loc.line === 22)?.why).toMatch(/^policy 1: address "nope" is not defined/);
  });

  it('internet-service policies match unknown destinations (symbolic), ignoring dstaddr and service', () => {
    const p = base(`config firewall policy
    edit 1
        set srcintf "lan"
        set dstintf "wan1"
        set srcaddr "all"
        set internet-service enable
        set internet-service-name "Botnet-C&C.Server"
        set action deny
    next
end
`);
    const [r] = rules(p);
    expect(r!.match.dst!.isEmpty).toBe(true);
    expect(r!.match.symbolic).toEqual([
      expect.objectContaining({ field: 'dst', kind: 'dynamic', name: 'internet service Botnet-C&C.Server' }),
    ]);
    expect(r!.match.nat).toBeUndefined(); // a deny policy sees VIP traffic (match-vip enable by default)
  });

  it('a VIP group expands to its VIPs; the policy service is matched on the mapped ports', () => {
    const p = base(`config firewall vip
    edit "A"
        set extip 198.51.100.2
        set mappedip "10.0.0.5"
        set extintf "wan1"
        set portforward enable
        set extport 8080
        set mappedport 80
    next
    edit "B"
        set extip 198.51.100.2
        set mappedip "10.0.0.5"
        set extintf "wan1"
        set portforward enable
        set extport 8443
        set mappedport 443
    next
end
config firewall vipgrp
    edit "G"
        set interface "wan1"
        set member "A" "B"
    next
end
config firewall service custom
    edit "WEB"
        set tcp-portrange 80 443 8080
    next
end
config firewall policy
    edit 1
        set srcintf "wan1"
        set dstintf "lan"
        set action accept
        set srcaddr "all"
        set dstaddr "G"
        set service "WEB"
    next
end
`);
    expect(p.nat.dnat.map((d) => d.id)).toEqual(['vip:A', 'vip:B']);
    const [r] = rules(p);
    expect(formatPortSet(r!.match.dport!)).toBe('80,443');
    expect(r!.match.dst!.equals(addr('10.0.0.5/32'))).toBe(true);
  });

  it('local-in: no ping on an interface is an explicit drop at its allowaccess line (or its edit line)', () => {
    const p = parse(`config system interface
    edit "wan1"
        set ip 198.51.100.2 255.255.255.0
        set allowaccess https
        set role wan
    next
    edit "wan2"
        set ip 203.0.113.2 255.255.255.0
        set role wan
    next
end
`)[0]!;
    const li = rules(p, 'local-in');
    expect(li.find((r) => r.id === 'allowaccess:wan1:no-ping')!.loc.line).toBe(4);
    expect(li.find((r) => r.id === 'allowaccess:wan2:no-ping')!.loc).toMatchObject({ line: 7, column: 5, endLine: 7 });
  });

  it('group loops and very deep nesting are cut with a note; wide wildcards are approximated and reported', () => {
    const chain = Array.from(
      { length: 300 },
      (_, i) => `    edit "g${i}"\n        set member "g${i + 1}"\n    next\n`,
    ).join('');
    const p = base(`config firewall address
    edit "h"
        set subnet 10.0.0.9 255.255.255.255
    next
    edit "W"
        set type wildcard
        set wildcard 10.0.0.0 255.0.0.255
    next
end
config firewall addrgrp
    edit "A"
        set member "B" "h"
    next
    edit "B"
        set member "A"
    next
${chain}    edit "g300"
        set member "h"
    next
end
config firewall policy
    edit 1
        set srcintf "lan"
        set dstintf "wan1"
        set action accept
        set srcaddr "A" "g0"
        set dstaddr "W"
        set service "ALL"
    next
end
`);
    expect(p.notes.some((n) => n.includes('contains itself'))).toBe(true);
    expect(p.notes.some((n) => n.includes('nested more than 256 groups deep'))).toBe(true);
    const [r] = rules(p);
    expect(r!.match.src!.equals(addr('10.0.0.9/32'))).toBe(true);
    expect(r!.match.dst!.equals(addr('10.0.0.0-10.255.255.0'))).toBe(true);
    expect(p.unsupported.map((u) => u.what)).toEqual(['firewall address "W" wildcard']);
  });

  it('WAN detection without roles: default route device, DHCP, factory name; tunnels are not internal networks', () => {
    const p = parse(`config system interface
    edit "port1"
        set ip 198.51.100.2 255.255.255.0
    next
    edit "port2"
        set ip 10.0.0.1 255.255.255.0
    next
    edit "wan"
        set ip 203.0.113.2 255.255.255.0
    next
    edit "tun"
        set type tunnel
        set ip 10.9.9.1 255.255.255.255
    next
end
config router static
    edit 1
        set gateway 198.51.100.1
        set device "port1"
    next
end
`)[0]!;
    expect(p.interfaces.map((i) => `${i.name}:${i.role}:${formatAddrSet(i.networks)}`)).toEqual([
      'port1:wan:198.51.100.0/24',
      'port2:lan:10.0.0.0/24',
      'wan:wan:203.0.113.0/24',
      'tun:unknown:none',
    ]);
  });
});

corpusDescribe('corpus: every FortiGate file parses', 'corpus/fortigate', (CORPUS) => {
  const corpusFiles = readdirSync(CORPUS).sort();
  it(`the corpus folder ${CORPUS} holds FortiGate configurations`, () => {
    expect(corpusFiles.length).toBeGreaterThanOrEqual(10);
  });
  for (const f of corpusFiles) {
    it(f, () => {
      const text = readFileSync(join(CORPUS, f), 'utf8');
      expect(fortigateParser.detect(text.slice(0, 8192))).toBe('fortigate');
      const policies = fortigateParser.parse(text, f, 'fortigate');
      expect(policies.length).toBeGreaterThan(0);
      for (const p of policies) {
        expect(p.vendor).toBe('fortigate');
        for (const r of Object.values(p.ruleset.chains).flatMap((c) => c.rules)) expect(r.loc.line).toBeGreaterThan(0);
      }
    });
  }
  it.skipIf(corpusFiles.length === 0)('specific corpus facts', () => {
    const read = (prefix: string) => {
      const f = corpusFiles.find((x) => x.startsWith(prefix))!;
      return fortigateParser.parse(readFileSync(join(CORPUS, f), 'utf8'), f, 'fortigate');
    };
    // multi-VDOM backup: one VDOM, named
    expect(
      read('acidjunk__fortigate-config-parser__tests_unit_tests_fortigate_parser_config_examples_global').map(
        (p) => p.name,
      ),
    ).toEqual(['root']);
    // production 7.2 backup: kernel-helper-based, no sip session helper: SIP ALG off; VIPs in policies
    const [plata] = read('GruppenIT__FortiGateConfigHarbor__attached_assets_FG40F-PLATA');
    expect(plata!.version).toBe('7.2.11');
    expect(plata!.sessions.sipAlg.every((s) => !s.value)).toBe(true);
    expect(plata!.nat.dnat.length).toBeGreaterThanOrEqual(10);
    // central NAT and an explicit udp-idle-timer
    const [jm] = read('jorgemorgado');
    expect(jm!.nat.mode?.value).toBe('central');
    expect(jm!.sessions.udpTimeout).toMatchObject({ value: 60, source: 'explicit' });
    // a show capture with a prompt line and a malformed quote
    const [ss] = read('ssato');
    expect(ss!.notes.some((n) => n.includes('prompt line(s) 1'))).toBe(true);
    expect(ss!.unsupported.some((u) => u.what.startsWith('malformed quoting'))).toBe(true);
  });
});

describe('the SNAT stage', () => {
  // nat.ts builds the SNAT chain's rules as it builds the SNAT records, instead of mapping the records
  // with snatRule at the end: the rules must be what snatRule makes, member by member and in order.
  for (const file of ['example-site.conf', 'central-nat.conf']) {
    it(`${file}: its chain holds snatRule of each SNAT record, in order, with the same members`, () => {
      const { policy: p } = one(file);
      const chain = p.ruleset.chains.snat?.rules ?? [];
      const expected = p.nat.snat.map(snatRule);
      expect(chain.length).toBe(expected.length);
      expect(chain.length).toBeGreaterThan(0);
      chain.forEach((r, i) => {
        const e = expected[i]!;
        expect(Object.keys(r)).toEqual(Object.keys(e));
        for (const k of Object.keys(e) as (keyof Rule)[]) expect(r[k]).toBe(e[k]);
      });
    });
  }
});
