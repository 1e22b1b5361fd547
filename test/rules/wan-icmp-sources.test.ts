import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Report } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { formatText } from '../../src/reporters/text.js';

/**
 * FWL007 when ICMP reaches the WAN address from some Internet sources only. ipnordic's requirement
 * ("In case we need to monitor the uptime of your internet connection, ICMP from WAN must be
 * allowed.") does not say where the provider monitors from, so such a firewall may meet it: the
 * verdict is uncertain and names the sources, never a failure. Blocked from every source stays a
 * failure; allowed from every source stays a pass.
 */

const REQ = 'ipnordic-icmp-from-wan';
const none: LintOptions = { phones: [], wan: [], audiences: [], devices: [] };
const nftOpts = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] };

function lint(file: string, o: Partial<LintOptions> = {}): Report {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', { ...none, ...o });
  expect(failed).toEqual([]);
  return report;
}

const verdict = (r: Report) => toJsonReport(r).requirements.find((v) => v.id === REQ);
const fwl007 = (r: Report) => r.findings.filter((f) => f.ruleId === 'FWL007');

describe('FWL007: ICMP allowed to the WAN address from some Internet sources only', () => {
  const cases: [string, string, Partial<LintOptions>, string][] = [
    ['pfSense', 'fixtures/pfsense/rules/fwl007-ping-from-some.xml', {}, '192.0.2.0/24'],
    ['MikroTik', 'fixtures/mikrotik/rules/fwl007-ping-from-some.rsc', {}, '192.0.2.0/24, 203.0.113.16/28'],
    ['nftables', 'fixtures/nftables/rules/fwl007-ping-from-some.nft', nftOpts, '192.0.2.0/24'],
  ];

  for (const [vendor, file, opts, from] of cases) {
    it(`${vendor}: the verdict is uncertain and names ${from}; the finding says so first, then what to change`, () => {
      // Before: status "fail", why "ICMP from the Internet to the WAN address is blocked by ...".
      const report = lint(file, opts);
      const v = verdict(report);
      expect(v?.status).toBe('uncertain');
      expect(v?.why).toBe(
        `uncertain: ICMP reaches the WAN address only from ${from}: a provider pinging from elsewhere is blocked.`,
      );
      const [f, ...more] = fwl007(report);
      expect(more).toEqual([]);
      expect(f).toMatchObject({ uncertain: true, level: 'warning', requirement: REQ });
      expect(v?.findings).toHaveLength(1);
      // The rest: what is blocked, what decided, what to change.
      expect(f?.details).toContain(`blocked for traffic from Internet addresses except ${from}.`);
      expect(f?.details).toContain('Decided by ');
      expect(f?.details).toContain('ask the provider for its monitoring addresses');
      const text = formatText(report, { color: false });
      expect(text).toContain(`ICMP reaches the WAN address only from ${from}: a provider pinging from elsewhere`);
      expect(text).toContain('? uncertain ICMP to the WAN address allowed');
      expect(text).toMatch(/ipnordic: \d+ pass, 0 fail, 1 uncertain/);
    });
  }

  it('many sources: the first sentence names as many as fit, the details start with the longer list', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-icmp-')), 'many.nft');
    writeFileSync(
      file,
      'table inet fw {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n' +
        '\t\tiifname "wan0" ip saddr { 1.1.1.0/24, 8.8.8.0/24, 9.9.9.0/24, 45.90.28.0/22, 185.72.208.0/22 } ' +
        'icmp type echo-request accept\n\t}\n}\n',
    );
    const report = lint(file, nftOpts);
    const [f] = fwl007(report);
    const shown = 'ICMP reaches the WAN address only from 1.1.1.0/24, 8.8.8.0/24, …: a provider pinging';
    expect(f?.message).toBe(`${shown} from elsewhere is blocked.`);
    expect(f?.message.length).toBeLessThanOrEqual(120);
    expect(f?.details).toMatch(
      /^It is allowed from 1\.1\.1\.0\/24, 8\.8\.8\.0\/24, 9\.9\.9\.0\/24, 45\.90\.28\.0\/22, …\. /,
    );
    expect(verdict(report)).toMatchObject({ status: 'uncertain', why: `uncertain: ${f?.message ?? ''}` });
  });

  it('nftables: allowed on one WAN link from some sources and on the other from none fails, with both findings', () => {
    const report = lint('fixtures/nftables/rules/fwl007-ping-from-some.nft', { ...nftOpts, wan: ['wan0', 'wan1'] });
    const v = verdict(report);
    expect(v?.status).toBe('fail');
    expect(v?.why).toBe('ICMP from the Internet to the WAN address is blocked by the inet fw input chain policy.');
    const fs = fwl007(report);
    const what = fs.map((f) => [f.uncertain ?? false, f.details?.split('. ')[0]]);
    expect(what.sort()).toEqual([
      [false, 'wan0, wan1: blocked for traffic in on wan1'],
      [true, 'wan0, wan1: blocked for traffic from Internet addresses except 192.0.2.0/24 in on wan0'],
    ]);
    expect(v?.findings).toHaveLength(2);
  });
});

describe('FWL007: a deny list of a few hosts', () => {
  it('FortiGate: a local-in deny of one host is one uncertain finding said from that host; the WAN that answers no ping fails', () => {
    // Before: a certain "blocked by local-in-policy 1" for the host on wan2, and an uncertain "only from
    // Internet addresses except 192.0.2.66: a provider pinging from elsewhere is blocked".
    const report = lint('fixtures/fortigate/rules/fwl007-local-in-deny.conf');
    const fs = fwl007(report).map((f) => [f.loc.line, f.uncertain ?? false, f.message]);
    expect(fs).toEqual([
      [46, false, 'ICMP from the Internet to the WAN address is blocked by interface "wan2".'],
      [
        123,
        true,
        'ICMP from 192.0.2.66 to the WAN address is blocked: this fails only if the provider pings from there.',
      ],
    ]);
    expect(verdict(report)?.status).toBe('fail');
  });
});

describe('FWL007 verdicts that do not change', () => {
  it('blocked from every Internet source: fail, one certain finding (pfSense, MikroTik, nftables)', () => {
    for (const [file, opts] of [
      ['fixtures/pfsense/rules/fwl007-no-ping.xml', {}],
      ['fixtures/mikrotik/rules/fwl007-no-ping.rsc', {}],
      ['fixtures/nftables/rules/fwl007-no-ping.nft', nftOpts],
    ] as const) {
      const report = lint(file, opts);
      expect(verdict(report)?.status, file).toBe('fail');
      expect(
        fwl007(report).map((f) => f.uncertain ?? false),
        file,
      ).toEqual([false]);
      expect(fwl007(report)[0]?.message, file).toMatch(/^ICMP from the Internet to the WAN address is blocked by /);
    }
  });

  it('nftables: an accept for ICMP types other than echo request does not let the ping through: fail', () => {
    // fwl007-no-ping.nft accepts `icmp type timestamp-request` from any source on the WAN: the flow is
    // an echo request (src/model/icmp.ts), so no source gets a ping through and nothing is uncertain.
    const report = lint('fixtures/nftables/rules/fwl007-no-ping.nft', nftOpts);
    expect(verdict(report)?.status).toBe('fail');
    expect(fwl007(report)[0]?.details).toContain('wan0: blocked entirely.');
  });

  it('allowed from every Internet source: pass, no FWL007 finding (pfSense, MikroTik, nftables)', () => {
    for (const [file, opts] of [
      ['fixtures/pfsense/rules/clean.xml', {}],
      ['fixtures/mikrotik/rules/clean.rsc', {}],
      ['fixtures/nftables/rules/clean.nft', nftOpts],
    ] as const) {
      const report = lint(file, opts);
      expect(verdict(report)?.status, file).toBe('pass');
      expect(fwl007(report), file).toEqual([]);
    }
  });
});
