import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';

/**
 * OpenScape Business section 5 ("Home Internet Router") sets requirements for the router a System
 * Device@Home sits behind, not for the company firewall the PBX sits behind (section 3.3). Before, they
 * were checked on every firewall's phones: a company router with the default (randomising) automatic
 * outbound NAT got a second FWL006 error for its office phones, and an ALG there an error too. They are
 * now the opt-in audience `home-router`.
 */
const FILE = 'fixtures/pfsense/rules/fwl006-random-ports.xml';
const base: LintOptions = { phones: [], wan: [], audiences: [], devices: ['osbiz-x'] };

function run(o: Partial<LintOptions>) {
  const { report, failed } = lintFiles([FILE], [loadProfile('openscape-business')], 'auto', { ...base, ...o });
  expect(failed).toEqual([]);
  const status = (id: string) => toJsonReport(report).requirements.find((v) => v.id === id);
  return { fwl006: report.findings.filter((f) => f.ruleId === 'FWL006'), status };
}

describe('OpenScape home-router requirements', () => {
  it('on the company firewall (--pbx): only the PBX NAT is judged; the home router ones are not checked', () => {
    const { fwl006, status } = run({ pbx: '192.168.1.10' });
    expect(fwl006.map((f) => f.requirement)).toEqual(['osbiz-no-symmetric-nat']);
    const [f] = fwl006;
    expect(f?.message).toBe('Source NAT rewrites the source port of traffic from PBX 192.168.1.10.');
    expect(f?.details).toContain('requires NAT that is not symmetric. By Auto created rule: automatic outbound NAT');
    expect(f?.details).toContain('Enable static port / port preservation for traffic from PBX 192.168.1.10.');
    for (const id of ['osbiz-home-no-symmetric-nat', 'osbiz-home-alg-off']) {
      expect(status(id)?.status).toBe('not-checked');
      expect(status(id)?.why).toContain('home-router not checked (opt in with --audience)');
    }
    expect(status('osbiz-no-symmetric-nat')?.description).toBe('Source ports kept by NAT (the PBX)');
  });

  it('with --audience home-router: the phones behind this router are judged', () => {
    const { fwl006, status } = run({ audiences: ['home-router'] });
    expect(fwl006.map((f) => f.requirement)).toEqual(['osbiz-home-no-symmetric-nat']);
    expect(status('osbiz-home-no-symmetric-nat')).toMatchObject({
      status: 'fail',
      description: 'Source ports kept by NAT (the home router)',
    });
  });
});
