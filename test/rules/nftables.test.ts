import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { allFixtures } from '../helpers/fixtures.js';
import { ensureMultitoolExecutable, validateSarif } from '../helpers/sarif-validator.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Finding } from '../../src/model/finding.js';
import { loadProfile } from '../../src/profiles/load.js';
import { expectedFindings, found, lintFixture } from './expectations.js';

const dir = 'fixtures/nftables/rules';
const PHONES = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] };

interface Case {
  file: string;
  profiles: string[];
  opts?: Partial<LintOptions>;
  why: string;
}

// Every rule that applies to nftables has a fixture that must trigger it; clean.nft (and each
// fixture's exact expectation list) is the must-not-trigger side.
const cases: Case[] = [
  {
    file: 'clean.nft',
    profiles: ['ipnordic'],
    why: 'meets every ipnordic requirement: no rule may fire (phones and WAN inferred)',
  },
  {
    file: 'clean.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'same, with --phones 10.20.0.0/24@vlan20 --wan wan0',
  },
  {
    file: 'clean.nft',
    profiles: ['openscape-business'],
    opts: PHONES,
    why: 'masquerade without random keeps ports; no SIP helper',
  },
  {
    file: 'fwl001-two-tables.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'an accept in one table, a drop in a later base chain of another; default policy',
  },
  {
    file: 'fwl002-sip-helper.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'ct helper of type sip assigned with ct helper set',
  },
  {
    file: 'fwl003-timeout-omitted.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'ct timeout policy without replied: nft built-in 120 s',
  },
  {
    file: 'fwl003-kernel-default.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'no ct timeout: kernel udp_timeout_stream 120 s',
  },
  {
    file: 'fwl004-forward-to-phone.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'dnat to a phone; the SIP one is open to the Internet',
  },
  {
    file: 'fwl005-no-nat.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'NAT-chain accept exempts the phones; masquerade covers the LAN only',
  },
  { file: 'fwl006-random-ports.nft', profiles: ['openscape-business'], opts: PHONES, why: 'masquerade random' },
  {
    file: 'fwl007-no-ping.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'input policy drop, no echo-request accept',
  },
  {
    file: 'fwl008-no-return.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'no ct state established accept in forward',
  },
  {
    file: 'fwl009-no-dns.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'DNS neither to the firewall nor to the Internet',
  },
  {
    file: 'fwl010-sip-open.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'SIP from any source; SIP-TLS from the provider only is fine',
  },
  {
    file: 'fwl011-forwards.nft',
    profiles: ['openscape-business'],
    opts: { ...PHONES, pbx: '192.168.1.10', devices: ['osbiz-x'] },
    why: 'wrong target port, a forward the filter drops, two missing',
  },
  {
    file: 'fwl012-hostname.nft',
    profiles: ['ipnordic'],
    opts: { ...PHONES, devices: ['snom'] },
    why: 'Snom provisioning hostname; a rule naming it by hostname',
  },
  {
    file: 'fwl900-unsupported.nft',
    profiles: ['ipnordic'],
    opts: PHONES,
    why: 'wildcard include, mark match in a drop rule, flow offload',
  },
];

describe('nftables rule fixtures (expect comments give rule and line)', () => {
  for (const c of cases) {
    it(`${c.file} [${c.profiles.join(',')}${c.opts ? ` ${JSON.stringify(c.opts)}` : ''}]: ${c.why}`, () => {
      expect(found(lintFixture(`${dir}/${c.file}`, c.profiles, c.opts))).toEqual(expectedFindings(`${dir}/${c.file}`));
    });
  }
});

const ALL = [
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
];

describe('nftables: coverage and messages', () => {
  it('every rule that applies to nftables has a triggering fixture here', () => {
    const ids = new Set(cases.flatMap((c) => expectedFindings(`${dir}/${c.file}`).map((e) => e.split('@')[0])));
    expect([...ids].sort()).toEqual(ALL);
  });

  const one = (file: string, id: string, opts: Partial<LintOptions> = PHONES, profile = 'ipnordic'): Finding => {
    const f = lintFixture(`${dir}/${file}`, [profile], opts).filter((x) => x.ruleId === id);
    expect(f.length).toBeGreaterThan(0);
    return f[0]!;
  };

  it('says which default caused a finding', () => {
    const k = one('fwl003-kernel-default.nft', 'FWL003');
    expect(k.fromDefault).toBe(true);
    expect(k.message).toContain(
      "This is the platform default: no `ct timeout` object is assigned to this traffic, so the kernel's " +
        'net.netfilter.nf_conntrack_udp_timeout_stream applies: 120 s',
    );
    const o = one('fwl003-timeout-omitted.nft', 'FWL003');
    expect(o.fromDefault).toBe(true);
    expect(o.message).toContain(
      'ct timeout udp-voip leaves the replied state out of its policy, so nft fills in its built-in 120 s',
    );
    const n = lintFixture(`${dir}/fwl005-no-nat.nft`, ['ipnordic'], PHONES).filter((x) => x.ruleId === 'FWL005');
    expect(n.find((x) => x.fromDefault)!.message).toContain(
      'no source-NAT rule matches it (outbound NAT mode "ruleset": nftables translates only what a rule of a nat chain',
    );
    expect(n.find((x) => !x.fromDefault)!.message).toContain(
      'rule "ip saddr 10.20.0.0/24 ip daddr 185.72.208.0/22 accept" in ip nat postrouting (line 50) exempts it from NAT',
    );
  });

  it('names the rule, the chain and the other table in blocking findings', () => {
    const f = lintFixture(`${dir}/fwl001-two-tables.nft`, ['ipnordic'], PHONES).filter((x) => x.loc.line === 43);
    expect(f.map((x) => x.message)).toContain(
      'Required flow "Basic telephone functions (sound): RTP media" (udp 10000-65000 from vlan20 10.20.0.0/24 ' +
        '10.20.0.0/24 to 185.72.208.0/22) is blocked for port 10000-20000 by rule "ip saddr 10.20.0.0/24 udp dport ' +
        '10000-20000 drop" in inet guard forward (line 43). Allow it before this rule or narrow this rule.',
    );
    const s = one('fwl002-sip-helper.nft', 'FWL002');
    expect(s.message).toContain('`ct helper set "sip-5060"` assigns the conntrack helper sip-5060 of type "sip"');
    expect(s.fromDefault).toBe(false);
  });

  it("uses the host's sysctl values when given (--sysctl)", () => {
    const profiles = [loadProfile('ipnordic')];
    const opts = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'], audiences: [], devices: [] };
    const run = (sysctl: Record<string, string>) =>
      lintFiles([`${dir}/fwl003-kernel-default.nft`], profiles, 'auto', opts, process.cwd(), {
        sysctl,
      }).report.findings.filter((f) => f.ruleId === 'FWL003');
    expect(run({})).toHaveLength(1);
    expect(run({ 'net.netfilter.nf_conntrack_udp_timeout_stream': '600' })).toEqual([]);
    const low = run({ 'net.netfilter.nf_conntrack_udp_timeout_stream': '180' });
    expect(low[0]!.message).toContain('UDP idle timeout is 180 s');
    expect(low[0]!.fromDefault).toBe(false);
  });

  it('reads inline suppressions from the # lines above a rule and from its comment "…"', () => {
    const fs = lintFixture('fixtures/nftables/inline-suppression.nft', ['ipnordic'], PHONES);
    expect(fs.map((f) => `${f.ruleId}@${f.loc.line}${f.suppressions?.length ? ' suppressed' : ''}`).sort()).toEqual([
      'FWL010@42 suppressed',
      'FWL010@43',
      'FWL902@43',
    ]);
    expect(fs[0]!.suppressions?.[0]).toMatchObject({
      kind: 'inSource',
      justification: "the provider's SBCs have no fixed addresses",
    });
  });

  it('reports findings inside included files at the included file and line', () => {
    const fs = lintFixture('fixtures/nftables/site-include.nft', ['ipnordic'], PHONES);
    const inc = fs.filter((f) => f.loc.file === 'fixtures/nftables/include/voice.nft');
    expect(inc.map((f) => `${f.ruleId}@${f.loc.line}:${f.loc.column}`)).toEqual(['FWL001@7:3', 'FWL001@7:3']);
    expect(fs.filter((f) => f.loc.file === 'fixtures/nftables/site-include.nft').map((f) => f.ruleId)).toEqual([
      'FWL003',
    ]);
  });
});

describe('nftables SARIF', () => {
  it('the SARIF of every nftables fixture (text and JSON, every profile) passes the official validator', () => {
    const fixtures = allFixtures('fixtures/nftables');
    expect(fixtures.length).toBeGreaterThanOrEqual(19);
    ensureMultitoolExecutable();
    const profiles = ['tele2-vaxel', 'ipnordic', 'spectralink-versity', 'mitel-mx-one', 'openscape-business'].map((p) =>
      loadProfile(p),
    );
    const { report, failed } = lintFiles(fixtures, profiles, 'auto', {
      phones: [],
      wan: [],
      audiences: ['pc-software', 'wifi-calling'],
      devices: [],
      pbx: '192.168.1.10',
    });
    expect(failed).toEqual([]);
    expect(report.findings.length).toBeGreaterThan(100);
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-nft-sarif-')), 'nftables.sarif');
    writeFileSync(file, formatSarif(report));
    const v = validateSarif(file);
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([]);
  }, 60_000);
});
