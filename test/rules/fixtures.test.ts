import { describe, expect, it } from 'vitest';
import type { LintOptions } from '../../src/lint/run.js';
import { expectedFindings, found, lintFixture } from './expectations.js';

const dir = 'fixtures/pfsense/rules';

interface Case {
  file: string;
  profiles: string[];
  opts?: Partial<LintOptions>;
  why: string;
}

// Every rule has a fixture that must trigger it and one that must not (clean.xml, or a named twin).
const cases: Case[] = [
  { file: 'clean.xml', profiles: ['ipnordic'], why: 'meets every ipnordic requirement: no rule may fire' },
  {
    file: 'clean.xml',
    profiles: ['ipnordic'],
    opts: { phones: ['opt1'] },
    why: 'same, with the phones given explicitly',
  },
  { file: 'fwl001-blocked.xml', profiles: ['ipnordic'], why: 'block rule and default deny on required flows' },
  { file: 'fwl002-siproxd.xml', profiles: ['ipnordic'], why: 'siproxd acts as a SIP ALG' },
  {
    file: 'fwl003-default-timeout.xml',
    profiles: ['ipnordic'],
    why: 'pf default udp.multiple 60 s and a 120 s rule override',
  },
  {
    file: 'fwl004-forward-to-phone.xml',
    profiles: ['ipnordic'],
    why: 'port-forwards to a phone; the SIP one is also exposed',
  },
  { file: 'fwl005-no-nat.xml', profiles: ['ipnordic'], why: 'a no-NAT rule for the phones' },
  {
    file: 'fwl006-random-ports.xml',
    profiles: ['openscape-business'],
    why: 'automatic outbound NAT randomizes source ports (pfSense default)',
  },
  { file: 'fwl006-static-port.xml', profiles: ['openscape-business'], why: 'static port for the phones: no FWL006' },
  { file: 'fwl007-no-ping.xml', profiles: ['ipnordic'], why: 'default deny on WAN drops ICMP' },
  { file: 'fwl008-no-state.xml', profiles: ['ipnordic'], why: 'statetype none on the phones rule' },
  { file: 'fwl009-no-dns.xml', profiles: ['ipnordic'], why: 'DNS blocked to the firewall and the Internet' },
  {
    file: 'fwl010-sip-open.xml',
    profiles: ['ipnordic'],
    why: 'SIP from any source; SIP-TLS from the provider only is fine',
  },
  {
    file: 'fwl011-no-forward.xml',
    profiles: ['openscape-business'],
    opts: { pbx: '192.168.1.10', devices: ['osbiz-x'] },
    why: 'no forwards to the PBX at all',
  },
  {
    file: 'fwl011-forwards.xml',
    profiles: ['openscape-business'],
    opts: { pbx: '192.168.1.10', devices: ['osbiz-x'] },
    why: 'wrong target port; a forward without its filter rule',
  },
  {
    file: 'fwl011-second-address.xml',
    profiles: ['openscape-business'],
    opts: { pbx: '192.168.1.10', devices: ['osbiz-x'] },
    why: 'HFA forwarded on another public address only: not missing',
  },
  {
    file: 'fwl012-hostname.xml',
    profiles: ['ipnordic'],
    opts: { devices: ['snom'] },
    why: 'Snom provisioning hostname, FQDN alias',
  },
  {
    file: 'fwl012-deny-hostname.xml',
    profiles: ['ipnordic'],
    why: 'a block rule on an FQDN alias before the pass: one uncertain finding',
  },
  { file: 'fwl900-schedule.xml', profiles: ['ipnordic'], why: 'a schedule fwlint does not evaluate' },
];

describe('rule fixtures (expect comments give rule and line)', () => {
  for (const c of cases) {
    it(`${c.file} [${c.profiles.join(',')}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}]: ${c.why}`, () => {
      expect(found(lintFixture(`${dir}/${c.file}`, c.profiles, c.opts))).toEqual(expectedFindings(`${dir}/${c.file}`));
    });
  }
  it('device-specific requirements stay out without --device', () => {
    expect(found(lintFixture(`${dir}/fwl012-hostname.xml`, ['ipnordic']))).toEqual([]);
  });
  it('every rule but FWL901 (see test/cli) has a triggering fixture here', () => {
    const ids = new Set(cases.flatMap((c) => expectedFindings(`${dir}/${c.file}`).map((e) => e.split('@')[0])));
    expect([...ids].sort()).toEqual([
      'FWL001',
      'FWL002',
      'FWL003',
      'FWL004',
      'FWL005',
      'FWL006',
      'FWL007',
      'FWL008',
      'FWL009',
      'FWL010',
      'FWL011',
      'FWL012',
      'FWL900',
    ]);
  });
});
