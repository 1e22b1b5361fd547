import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { editedFixture } from '../helpers/fixtures.js';

/**
 * Review 26 item 10: a policy naming an IP address threat feed (`config system external-resource`,
 * `set type address`) got FWL900 "address … is not defined in the file", sending the engineer after a
 * typo. The feed's addresses are fetched at run time: unknown offline, as an FQDN's are.
 */
const feed = (type: string) => (t: string) =>
  t.replace(
    'config firewall policy\n    edit 30\n',
    [
      'config system external-resource',
      '    edit "Blocklist"',
      `        set type ${type}`,
      '        set resource "https://feeds.example.net/block.txt"',
      '    next',
      'end',
      'config firewall policy',
      '    edit 1',
      '        set name "block-feed"',
      '        set srcintf "voice"',
      '        set dstintf "wan1"',
      '        set srcaddr "all"',
      '        set dstaddr "Blocklist"',
      '        set schedule "always"',
      '        set service "ALL"',
      '    next',
      '    edit 30',
      '',
    ].join('\n'),
  );

function run(file: string) {
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
  });
  expect(failed).toEqual([]);
  return { findings: report.findings, json: toJsonReport(report) };
}

describe('FortiGate IP address threat feeds', () => {
  it('are addresses known only at run time: no "not defined", and what they might drop is uncertain', () => {
    const { findings, json } = run(editedFixture('fixtures/fortigate/example-site.conf', feed('address')));
    expect(findings.filter((f) => f.ruleId === 'FWL900').map((f) => f.message)).not.toContainEqual(
      expect.stringContaining('not defined'),
    );
    const sip = json.requirements.find((r) => r.id === 'ipnordic-sip-udp');
    expect(sip?.status).toBe('uncertain');
    expect(sip?.why).toContain('Blocklist (IP address threat feed, fetched at run time)');
  });

  it('a feed of another type (FortiGuard category, the default) is no address: still "not defined"', () => {
    const { findings } = run(editedFixture('fixtures/fortigate/example-site.conf', feed('category')));
    expect(
      findings.some((f) => f.ruleId === 'FWL900' && (f.details ?? '').includes('"Blocklist" is not defined')),
    ).toBe(true);
  });
});
