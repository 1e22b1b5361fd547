import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { allFixtures } from '../helpers/fixtures.js';
import { ensureMultitoolExecutable, validateSarif } from '../helpers/sarif-validator.js';
import { expectedFindings, found, lintFixture } from './expectations.js';

const dir = 'fixtures/mikrotik/rules';

interface Case {
  file: string;
  profiles: string[];
  opts?: Partial<LintOptions>;
  why: string;
}

const PBX = { pbx: '192.168.1.10', devices: ['osbiz-x'] };

// Every rule that can apply to RouterOS has a fixture that must trigger it and one that must not
// (clean.rsc, or a named twin); the `expect:` comments give the exact multiset of rule@line.
const cases: Case[] = [
  {
    file: 'clean.rsc',
    profiles: ['ipnordic'],
    why: 'defconf + voice VLAN, SIP helper off, udp-stream-timeout 5m: no rule may fire',
  },
  {
    file: 'clean.rsc',
    profiles: ['ipnordic'],
    opts: { phones: ['vlan20-voice'], wan: ['ether1'] },
    why: 'same, with phones and WAN given explicitly',
  },
  {
    file: 'clean.rsc',
    profiles: ['openscape-business'],
    why: 'clean for OpenScape device@home too: masquerade keeps the source ports, SIP helper off',
  },
  {
    file: 'defconf-voice.rsc',
    profiles: ['ipnordic'],
    why: 'v7 defconf: SIP helper on and udp-stream-timeout 3m by default, at the export header',
  },
  {
    file: 'fwl001-blocked.rsc',
    profiles: ['ipnordic'],
    why: 'jump chain with a slice of RTP blocked, return, final drop; a disabled rule does not count',
  },
  {
    file: 'fwl002-verbose.rsc',
    profiles: ['ipnordic'],
    why: 'export verbose: service-port sip disabled=no is an explicit SIP helper',
  },
  {
    file: 'fwl003-v6-default.rsc',
    profiles: ['ipnordic'],
    why: 'v6: udp-timeout raised, the default udp-stream-timeout 3m still applies',
  },
  { file: 'fwl003-explicit.rsc', profiles: ['ipnordic'], why: 'udp-stream-timeout=2m is below 300 s' },
  {
    file: 'fwl004-forward-to-phone.rsc',
    profiles: ['ipnordic'],
    why: 'dst-nat to phones; the SIP one from anywhere is also exposed',
  },
  { file: 'fwl005-no-nat.rsc', profiles: ['ipnordic'], why: 'srcnat accept exempts the voice VLAN' },
  {
    file: 'fwl006-eim-random.rsc',
    profiles: ['openscape-business'],
    why: 'endpoint-independent-nat randomise-ports=yes',
  },
  {
    file: 'fwl006-masquerade.rsc',
    profiles: ['openscape-business'],
    why: 'masquerade and EIM without randomise-ports keep the source port',
  },
  {
    file: 'fwl007-no-ping.rsc',
    profiles: ['ipnordic'],
    why: 'ICMP from WAN dropped in the input chain (v6, static WAN address)',
  },
  {
    file: 'fwl008-no-established.rsc',
    profiles: ['ipnordic'],
    why: 'no established,related accept before the final drop',
  },
  { file: 'fwl009-no-dns.rsc', profiles: ['ipnordic'], why: 'DNS dropped in forward and to the router' },
  {
    file: 'fwl010-sip-open.rsc',
    profiles: ['ipnordic'],
    why: 'SIP from any source routed to the phones; SIP-TLS from ipnordic only is fine',
  },
  { file: 'fwl011-no-forward.rsc', profiles: ['openscape-business'], opts: PBX, why: 'no dst-nat to the PBX at all' },
  {
    file: 'fwl011-forwards.rsc',
    profiles: ['openscape-business'],
    opts: PBX,
    why: 'wrong to-ports, a forward dropped in the filter, two forwards missing',
  },
  {
    file: 'fwl012-hostname.rsc',
    profiles: ['ipnordic'],
    opts: { devices: ['snom'] },
    why: 'Snom provisioning hostname, address list with a DNS name',
  },
  {
    file: 'fwl900-unsupported.rsc',
    profiles: ['ipnordic'],
    why: 'schedule, ICMP type, policy routing, UPnP, /import, stray text',
  },
];

describe('MikroTik rule fixtures (expect comments give rule and line)', () => {
  for (const c of cases) {
    it(`${c.file} [${c.profiles.join(',')}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}]: ${c.why}`, () => {
      expect(found(lintFixture(`${dir}/${c.file}`, c.profiles, c.opts))).toEqual(expectedFindings(`${dir}/${c.file}`));
    });
  }

  it('every fixture in the folder is exercised', () => {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.rsc'))
      .sort();
    expect([...new Set(cases.map((c) => c.file))].sort()).toEqual(files);
  });

  it('every rule but FWL901 has a triggering MikroTik fixture', () => {
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

  it('device-specific requirements stay out without --device', () => {
    expect(found(lintFixture(`${dir}/fwl012-hostname.rsc`, ['ipnordic']))).toEqual([]);
  });
});

describe('MikroTik findings say what caused them', () => {
  it('defaults name the RouterOS default and the version that selects it', () => {
    const fs = lintFixture(`${dir}/defconf-voice.rsc`, ['ipnordic']);
    const sip = fs.find((f) => f.ruleId === 'FWL002')!;
    expect(sip.fromDefault).toBe(true);
    expect(sip.message).toContain(
      'This is the platform default: no `/ip firewall service-port set sip disabled=yes`: RouterOS enables the SIP ' +
        'helper by default on ports 5060,5061',
    );
    const t = fs.find((f) => f.ruleId === 'FWL003')!;
    expect(t.fromDefault).toBe(true);
    expect(t.message).toContain('UDP idle timeout is 180 s');
    expect(t.message).toContain('the RouterOS 7.18.2 default 3m (180 s) applies to established UDP');
    expect(t.message).toContain('v7 default 30s');
    expect(t.loc).toMatchObject({ line: 2, column: 1, endLine: 2 });
  });

  it('v6 defaults say v6, and an explicit udp-timeout is named as not the one that counts', () => {
    const [t] = lintFixture(`${dir}/fwl003-v6-default.rsc`, ['ipnordic']);
    expect(t!.fromDefault).toBe(true);
    expect(t!.message).toContain('the RouterOS 6.49.6 default 3m (180 s)');
    expect(t!.message).toContain('udp-timeout=1m30s (line');
    expect(t!.message).toContain('only covers UDP that has not been answered');
  });

  it('explicit settings are not called defaults and point at the value', () => {
    const [t] = lintFixture(`${dir}/fwl003-explicit.rsc`, ['ipnordic']);
    expect(t!.fromDefault).toBe(false);
    expect(t!.message).toContain('UDP idle timeout is 120 s');
    expect(t!.message).toContain('udp-stream-timeout=2m (120 s)');
    expect(t!.loc).toMatchObject({ column: 5, endColumn: 26 });
    const [sip] = lintFixture(`${dir}/fwl002-verbose.rsc`, ['ipnordic']);
    expect(sip!.fromDefault).toBe(false);
    expect(sip!.message).toContain('service-port sip disabled=no: the SIP helper is on (ports 5060,5061');
  });

  it('a finding at the chain end names the RouterOS "chain end accepts" default', () => {
    const fs = lintFixture(`${dir}/fwl004-forward-to-phone.rsc`, ['ipnordic']);
    const exposed = fs.find((f) => f.ruleId === 'FWL010')!;
    expect(exposed.message).toContain('through NAT rule "SIP to reception phone"');
    expect(exposed.message).toContain(
      'RouterOS: a packet that matches no rule in a base chain is accepted (chain end accepts, vendor-semantics C.2)',
    );
  });

  it('a rule inside a jump chain is named by its comment, and the blocked slice is exact', () => {
    const fs = lintFixture(`${dir}/fwl001-blocked.rsc`, ['ipnordic']);
    const rtp = fs.find((f) => f.ruleId === 'FWL001' && f.level === 'error')!;
    expect(rtp.message).toContain('is blocked for port 20000-20010 by rule "block a slice of RTP"');
  });

  it('port randomisation names endpoint-independent NAT', () => {
    const [f] = lintFixture(`${dir}/fwl006-eim-random.rsc`, ['openscape-business']);
    expect(f!.message).toContain('endpoint-independent-nat randomise-ports=yes');
  });

  it('stray text is reported without quoting it', () => {
    const fs = lintFixture(`${dir}/fwl900-unsupported.rsc`, ['ipnordic']);
    const stray = fs.find((f) => f.message.includes('stray text'))!;
    expect(stray.message).not.toContain('end of pasted');
  });
});

describe('SARIF of the MikroTik fixtures passes the official validator (GitHub rules)', () => {
  it('one run over every MikroTik fixture and every profile: no errors, no warnings', () => {
    const fixtures = allFixtures('fixtures/mikrotik');
    expect(fixtures.length).toBeGreaterThan(15);
    ensureMultitoolExecutable();
    const profiles = ['tele2-vaxel', 'ipnordic', 'spectralink-versity', 'mitel-mx-one', 'openscape-business'].map((p) =>
      loadProfile(p),
    );
    const { report, failed } = lintFiles(fixtures, profiles, 'auto', {
      phones: [],
      wan: [],
      devices: [],
      pbx: '192.168.1.10',
      audiences: ['pc-software', 'wifi-calling'],
    });
    expect(failed).toEqual([]);
    expect(report.findings.length).toBeGreaterThan(50);
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-sarif-mikrotik-')), 'mikrotik.sarif');
    writeFileSync(file, formatSarif(report));
    const v = validateSarif(file);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  }, 60_000);
});
