import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../src/model/policy.js';
import { parseConfig } from '../../parsers/fortigate/index.js';

/**
 * The FortiGate parser converts `config firewall policy` while it reads the file (parsers/fortigate/stream.ts).
 * Whatever comes after the table must give the same model as reading the whole tree first.
 */
const FIXTURES = join(import.meta.dirname, '../../fixtures/fortigate');

function both(text: string, file = 't.conf'): { streamed: Policy[]; whole: Policy[] } {
  return { streamed: parseConfig(text, file), whole: parseConfig(text, file, 'fortigate', { stream: false }) };
}

const HEAD = [
  '#config-version=FGT60F-7.2.5-FW-build1517-230606:opmode=0:vdom=0:user=admin',
  'config system interface',
  '    edit "port1"',
  '        set ip 192.0.2.2 255.255.255.0',
  '    next',
  '    edit "internal"',
  '        set ip 10.20.0.1 255.255.255.0',
  '        set role lan',
  '    next',
  'end',
  'config firewall address',
  '    edit "phones"',
  '        set subnet 10.20.0.0 255.255.255.0',
  '    next',
  'end',
];
const POLICIES = [
  'config firewall policy',
  '    edit 1',
  '        set srcintf "internal"',
  '        set dstintf "port1"',
  '        set srcaddr "phones"',
  '        set dstaddr "sip-provider"',
  '        set action accept',
  '        set service "ALL"',
  '    next',
  '    edit 2',
  '        set srcintf "internal"',
  '        set dstintf "port1"',
  '        set srcaddr "phones"',
  '        set dstaddr "all"',
  '        set action accept',
  '        set service "ALL"',
  '        set nat enable',
  '    next',
  'end',
];

function file(...tail: string[][]): string {
  return [...HEAD, ...POLICIES, ...tail.flat(), ''].join('\n');
}

describe('FortiGate policies converted while reading', () => {
  it('every fixture gives the same model either way', () => {
    for (const name of readdirSync(FIXTURES).filter((f) => f.endsWith('.conf'))) {
      const text = readFileSync(join(FIXTURES, name), 'utf8');
      const { streamed, whole } = both(text, name);
      expect(streamed, name).toEqual(whole);
    }
  });

  it('a plain file gives the same model either way', () => {
    const { streamed, whole } = both(file());
    expect(streamed).toEqual(whole);
    expect(streamed[0]?.ruleset.chains.forward?.rules).toHaveLength(2);
  });

  const later: [string, string[]][] = [
    [
      'an address defined after the policies',
      [
        'config firewall address',
        '    edit "sip-provider"',
        '        set subnet 198.51.100.0 255.255.255.0',
        '    next',
        'end',
      ],
    ],
    ['a policy edited again', ['config firewall policy', '    edit 1', '        set action deny', '    next', 'end']],
    ['a policy moved', ['config firewall policy', '    move 2 before 1', 'end']],
    ['a policy deleted', ['config firewall policy', '    delete 1', 'end']],
    [
      'a default route (a WAN hint)',
      ['config router static', '    edit 1', '        set device "port1"', '    next', 'end'],
    ],
    ['central NAT switched on', ['config system settings', '    set central-nat enable', 'end']],
    ['a CLI prompt line', ['FGT60F # show', 'config system global', '    set hostname "x"', 'end']],
    ['a second firewall (VDOMs)', ['config global', 'end', 'config vdom', '    edit root', '    next', 'end']],
  ];
  for (const [what, tail] of later) {
    it(`${what} gives the same model as reading the whole file first`, () => {
      const { streamed, whole } = both(file(tail));
      expect(streamed).toEqual(whole);
    });
  }

  it('a policy edited twice in the same table gives the same model as reading the whole file first', () => {
    const twice = file().replace('    edit 2\n', '    edit 1\n        set action deny\n    next\n    edit 2\n');
    const { streamed, whole } = both(twice);
    expect(streamed).toEqual(whole);
    expect(streamed[0]?.ruleset.chains.forward?.rules[0]?.action.kind).toBe('drop');
  });

  it('keys edited twice are found whatever they look like', () => {
    for (const key of ['0', '007', '123456', '1234567', 'web']) {
      const twice = file()
        .replace('    edit 1\n', `    edit ${key}\n`)
        .replace('    edit 2\n', `    edit ${key}\n        set action deny\n    next\n    edit 2\n`);
      const { streamed, whole } = both(twice);
      expect(streamed, key).toEqual(whole);
      expect(streamed[0]?.ruleset.chains.forward?.rules[0]?.action.kind, key).toBe('drop');
    }
  });

  it('what follows the policies changes them as it does on the device', () => {
    const [p] = parseConfig(file(later[0]?.[1] ?? []), 't.conf');
    const dst = p?.ruleset.chains.forward?.rules[0]?.match.dst;
    expect(dst?.isEmpty).toBe(false);
    const [moved] = parseConfig(file(later[2]?.[1] ?? []), 't.conf');
    expect(moved?.ruleset.chains.forward?.rules[0]?.id).toBe('policy:2');
    const [routed] = parseConfig(file(later[4]?.[1] ?? []), 't.conf');
    expect(routed?.interfaces.find((i) => i.name === 'port1')?.role).toBe('wan');
  });

  it('a syntax error after the policies is reported as without streaming', () => {
    const bad = file(['config firewall address', '    edit "x"', '    next']);
    expect(() => parseConfig(bad, 't.conf')).toThrow(/not closed/);
    expect(() => parseConfig(bad, 't.conf', 'fortigate', { stream: false })).toThrow(/not closed/);
  });
});

describe('FortiGate addresses converted while reading', () => {
  /** Every kind of address: converted ones (subnets, ranges, hostnames, countries, run-time objects) and
   * kept ones (wildcards, interface subnets, malformed values, unknown types), interleaved. */
  const ADDRESSES = [
    'config firewall address',
    '    edit "all"',
    '    next',
    '    edit "phones"',
    '        set subnet 10.20.0.0 255.255.255.0',
    '        set comment "desk phones"',
    '    next',
    '    edit "lan-if"',
    '        set type interface-subnet',
    '        set interface "internal"',
    '    next',
    '    edit "range"',
    '        set type iprange',
    '        set start-ip 192.0.2.10',
    '        set end-ip 192.0.2.20',
    '    next',
    '    edit "bad-range"',
    '        set type iprange',
    '        set start-ip 192.0.2.30',
    '        set end-ip 192.0.2.20',
    '    next',
    '    edit "sip-provider"',
    '        set type fqdn',
    '        set fqdn "sip.example.net"',
    '    next',
    '    edit "norway"',
    '        set type geography',
    '        set country "NO"',
    '    next',
    '    edit "wild"',
    '        set type wildcard',
    '        set wildcard 10.0.1.0 255.255.0.255',
    '    next',
    '    edit "bad-subnet"',
    '        set subnet 10.0.0.300 255.255.255.0',
    '    next',
    '    edit "sdn"',
    '        set type dynamic',
    '        set comments "connector"',
    '    next',
    '    edit "odd"',
    '        set type something-new',
    '    next',
    '    edit "missing-if"',
    '        set type interface-subnet',
    '        set interface "nope"',
    '    next',
    'end',
  ];
  const names = [
    'phones',
    'lan-if',
    'range',
    'bad-range',
    'sip-provider',
    'norway',
    'wild',
    'bad-subnet',
    'sdn',
    'odd',
  ];
  const policies = [
    'config firewall policy',
    ...names.flatMap((n, i) => [
      `    edit ${i + 1}`,
      '        set srcintf "internal"',
      '        set dstintf "port1"',
      `        set srcaddr "${n}"`,
      `        set dstaddr "${names[(i + 3) % names.length] ?? 'all'}" "missing-if"`,
      '        set action accept',
      '        set service "ALL"',
      '    next',
    ]),
    'end',
  ];
  const head = HEAD.slice(0, HEAD.indexOf('config firewall address'));
  const text = (...parts: string[][]): string => [...head, ...parts.flat(), ''].join('\n');

  it('every kind of address gives the same model either way, in the same order', () => {
    const { streamed, whole } = both(text(ADDRESSES, policies));
    expect(streamed).toEqual(whole);
    const objects = streamed[0]?.inventory?.objects ?? [];
    expect(objects.map((o) => o.name)).toEqual(['all', ...names, 'missing-if']);
    expect(streamed[0]?.unsupported.length).toBeGreaterThan(0);
  });

  it('an address object reads as the members it stands for: location and member text made when read', () => {
    const file = text(ADDRESSES, policies);
    const lines = file.split('\n');
    for (const p of Object.values(both(file))) {
      const objects = p[0]?.inventory?.objects ?? [];
      const view = (name: string) => {
        const o = objects.find((x) => x.name === name);
        return o && { kind: o.kind, members: o.members, loc: o.loc, description: o.description };
      };
      const at = (name: string) => lines.indexOf(`    edit "${name}"`) + 1;
      const loc = (name: string) => {
        const open = `    edit "${name}"`;
        return { file: 't.conf', line: at(name), column: 5, endLine: at(name), endColumn: open.length + 1 };
      };
      expect(view('phones')).toEqual({
        kind: 'address',
        members: ['10.20.0.0 255.255.255.0'],
        loc: loc('phones'),
        description: 'desk phones',
      });
      expect(view('range')).toEqual({ kind: 'address', members: ['192.0.2.10-192.0.2.20'], loc: loc('range') });
      expect(view('sip-provider')).toEqual({ kind: 'address', members: ['sip.example.net'], loc: loc('sip-provider') });
      expect(view('sdn')).toEqual({ kind: 'address', members: [], loc: loc('sdn'), description: 'connector' });
      expect(view('norway')?.members).toEqual([]);
    }
  });

  const GROUP = (name: string): string[] => [
    '        config firewall addrgrp',
    `            edit "${name}"`,
    '                set member "phones"',
    '            next',
    '        end',
  ];
  const cases: [string, string[][]][] = [
    ['without policies', [ADDRESSES]],
    [
      'with central NAT (policies not streamed)',
      [['config system settings', '    set central-nat enable', 'end'], ADDRESSES, policies],
    ],
    [
      'an address edited again',
      [
        ADDRESSES,
        policies,
        [
          'config firewall address',
          '    edit "phones"',
          '        set subnet 10.21.0.0 255.255.255.0',
          '    next',
          'end',
        ],
      ],
    ],
    [
      'an address edited twice in its table',
      [[...ADDRESSES.slice(0, -1), '    edit "range"', '        set end-ip 192.0.2.99', '    next', 'end'], policies],
    ],
    [
      'the table reopened before the policies',
      [
        ADDRESSES,
        [
          'config firewall address',
          '    edit "extra"',
          '        set subnet 198.51.100.0 255.255.255.0',
          '    next',
          'end',
        ],
        policies,
      ],
    ],
    ['an address deleted', [[...ADDRESSES.slice(0, -1), '    delete "norway"', 'end'], policies]],
    ['an address moved', [[...ADDRESSES.slice(0, -1), '    move "sdn" before "phones"', 'end'], policies]],
    ['an address renamed', [[...ADDRESSES.slice(0, -1), '    rename "odd" to "odder"', 'end'], policies]],
    ['the table purged', [[...ADDRESSES.slice(0, -1), '    purge', 'end'], policies]],
    ['the table after the policies', [policies, ADDRESSES]],
    ['VDOMs', [['config global', 'end', 'config vdom', '    edit root', '    next', 'end'], ADDRESSES, policies]],
    [
      // Both VDOMs see the streamed top-level table: each gets an inventory of its own (with its own group).
      'two VDOMs and a top-level address table',
      [
        ADDRESSES,
        [
          'config vdom',
          '    edit root',
          ...GROUP('ga'),
          '    next',
          '    edit guest',
          ...GROUP('gb'),
          '    next',
          'end',
        ],
      ],
    ],
  ];
  for (const [what, parts] of cases) {
    it(`${what} gives the same model as reading the whole file first`, () => {
      const { streamed, whole } = both(text(...parts));
      expect(streamed).toEqual(whole);
    });
  }
});
