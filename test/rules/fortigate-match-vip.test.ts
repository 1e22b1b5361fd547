import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { explain, formatExplain } from '../../src/cli/explain.js';
import { lintFiles } from '../../src/cli/lint.js';
import { parserFor } from '../../parsers/index.js';
import type { Finding } from '../../src/model/finding.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * A FortiGate deny policy with plain addresses above a VIP's accept policy: whether it blocks the VIP's
 * traffic depends on `match-vip`, whose default was disable before FortiOS 7.2.3/7.2.4 and is enable
 * since (Fortinet KB 192456; docs/semantics.md#fgt-nat). Before, fwlint took enable for every release.
 */
const FIXTURE = 'fixtures/fortigate/rules/fwl010-deny-above-vip-7.0.conf';
const HEADER = '#config-version=FGT60F-7.0.12-FW-build0523-230612:opmode=0:vdom=0:user=admin';

function write(edit: (text: string) => string): string {
  const text = readFileSync(FIXTURE, 'utf8');
  expect(text.startsWith(HEADER)).toBe(true);
  const file = join(mkdtempSync(join(tmpdir(), 'fwlint-matchvip-')), 'fw.conf');
  writeFileSync(file, edit(text));
  return file;
}

function fwl010(edit: (text: string) => string): Finding[] {
  const file = write(edit);
  const opts = { phones: [], wan: [], audiences: [], devices: [] };
  const { report, failed } = lintFiles([file], [loadProfile('ipnordic')], 'auto', opts);
  expect(failed).toEqual([]);
  return report.findings.filter((f) => f.ruleId === 'FWL010');
}

const release = (v: string) => (t: string) => t.replace('7.0.12-FW-build0523-230612', `${v}-FW-build0001-230101`);

describe('FortiGate match-vip: a deny policy above a VIP', () => {
  it('7.0 (default disable): the deny does not see the VIP traffic, SIP is exposed for certain', () => {
    const [f, ...more] = fwl010((t) => t);
    expect(more).toEqual([]);
    expect(f?.uncertain).toBeFalsy();
    expect(f?.details).toContain('by policy 3 "sip-to-phone"');
  });

  it('7.2.5 (default enable): the deny blocks it, no FWL010', () => {
    expect(fwl010(release('7.2.5'))).toEqual([]);
  });

  it('7.0 with `set match-vip enable` on the deny: no FWL010', () => {
    expect(
      fwl010((t) => t.replace('        set action deny\n', '        set action deny\n        set match-vip enable\n')),
    ).toEqual([]);
  });

  it('7.4 with `set match-vip disable`: exposed for certain', () => {
    const edit = (t: string) =>
      release('7.4.1')(t).replace(
        '        set action deny\n',
        '        set action deny\n        set match-vip disable\n',
      );
    expect(fwl010(edit)).toHaveLength(1);
    expect(fwl010(edit)[0]?.uncertain).toBeFalsy();
  });

  for (const [what, edit, said] of [
    ['7.2.3 (the release the sources disagree on)', release('7.2.3'), 'this is FortiOS 7.2.3'],
    ['no #config-version header', (t: string) => t.slice(t.indexOf('\n') + 1), 'does not name its FortiOS release'],
  ] as const) {
    it(`${what}: uncertain, naming the deny policy and why`, () => {
      const [f, ...more] = fwl010(edit);
      expect(more).toEqual([]);
      expect(f?.uncertain).toBe(true);
      expect(f?.details).toContain('Uncertain: policy 2 "deny-wan-in" (line ');
      expect(f?.details).toContain('without `set match-vip`, whether a deny policy also blocks traffic to VIPs');
      expect(f?.details).toContain(said);
    });
  }

  it('explain names the deny policy and why it might match, not "hostnames or URL tables"', () => {
    const file = write(release('7.2.3'));
    const [policy] = parserFor('fortigate')?.parse(readFileSync(file, 'utf8'), file, 'fortigate') ?? [];
    if (!policy) throw new Error('no policy');
    const text = formatExplain(
      policy,
      explain(policy, { from: '203.0.113.9', to: '198.51.100.2', proto: 'udp', port: '5060' }),
    );
    expect(text).toContain('ACCEPT (all of it)');
    expect(text).toContain('uncertain: policy 2 "deny-wan-in" (line ');
    expect(text).toContain('might match: without `set match-vip`');
    expect(text).not.toContain('hostnames or URL tables');
  });
});
