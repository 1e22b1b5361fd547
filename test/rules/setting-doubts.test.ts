/**
 * Setting requirements whose traffic only a rule fwlint cannot decide for accepts (hostname aliases,
 * run-time addresses: Part.maybe) are uncertain, naming that rule, as FWL001/FWL012 treat required
 * flows; never "checked it and found no problem" with no evidence (review 26 item 1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

const FILE = 'fixtures/pfsense/rules/settings-hostname-only.xml';

function run(file: string, phones: string[] = []) {
  const { report } = lintFiles([file], [loadProfile('ipnordic')], 'auto', {
    phones,
    wan: [],
    audiences: [],
    devices: [],
  });
  const verdict = (id: string) => (report.requirements ?? []).find((v) => v.id === id);
  return { report, verdict };
}

describe('a setting whose traffic only a hostname rule accepts', () => {
  const { report, verdict } = run(FILE);

  it('FWL007: uncertain, naming the hostname rule and its line, not a pass', () => {
    const v = verdict('ipnordic-icmp-from-wan');
    expect(v?.status).toBe('uncertain');
    const f = report.findings.find((x) => x.ruleId === 'FWL007');
    expect(f?.uncertain).toBe(true);
    expect(f?.level).toBe('warning');
    expect(f?.message).toBe('ICMP from the Internet to the WAN address may be blocked by the default policy.');
    expect(f?.details).toContain(
      'unless rule "Ping from the monitoring host" (line 50) matches (it matches hostnames)',
    );
    expect(f?.related?.map((r) => r.loc.line)).toEqual([50]);
  });

  it('FWL009: uncertain, naming the hostname rule', () => {
    expect(verdict('ipnordic-dns')?.status).toBe('uncertain');
    const f = report.findings.find((x) => x.ruleId === 'FWL009');
    expect(f?.uncertain).toBe(true);
    expect(f?.details).toContain('unless rule "Desk phones by name" (line 59) matches (it matches hostnames)');
  });

  it('FWL008: uncertain, with the rule that may let the traffic out as evidence', () => {
    const v = verdict('ipnordic-return-traffic');
    expect(v?.status).toBe('uncertain');
    expect(v?.why).toContain('only if rule "Desk phones by name" (line 59) matches (it matches hostnames)');
    expect(v?.evidence.map((e) => e.loc?.line)).toEqual([59]);
  });

  it('no setting requirement of the phones passes without evidence', () => {
    for (const id of ['ipnordic-icmp-from-wan', 'ipnordic-dns', 'ipnordic-return-traffic', 'ipnordic-nat-required'])
      expect(verdict(id)?.why, id).not.toMatch(/found no problem/);
  });
});

describe('FWL008 on a stateful platform', () => {
  it('passes with the accepting rules, whose state lets the replies back, as evidence', () => {
    const v = run('fixtures/pfsense/rules/fwl001-blocked.xml').verdict('ipnordic-return-traffic');
    expect(v?.status).toBe('pass');
    expect(v?.evidence[0]?.text).toBe(
      'rule "Phones to ipnordic high ports" (line 68) accepts "All outgoing traffic to ipnordic\'s IP range" and ' +
        'keeps its state, so the replies get back in',
    );
    expect(v?.evidence.map((e) => e.loc?.line)).toEqual([68, 77, 86, 95]);
  });
});

describe('FWL007 with a WAN that has no address', () => {
  it('is not checked, saying why, never a pass without evidence', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-nowan-'));
    const file = join(dir, 'nowan.rsc');
    writeFileSync(
      file,
      [
        '# dec/08/2026 03:00:00 by RouterOS 7.14',
        '/interface bridge',
        'add name=bridge1',
        '/interface list',
        'add name=WAN',
        '/interface list member',
        'add interface=ether1 list=WAN',
        '/ip address',
        'add address=10.20.0.1/24 interface=bridge1 network=10.20.0.0',
        '/ip firewall filter',
        'add action=accept chain=input connection-state=established,related',
        'add action=drop chain=input',
        '',
      ].join('\n'),
    );
    const v = run(file, ['bridge1']).verdict('ipnordic-icmp-from-wan');
    expect(v?.status).toBe('not-checked');
    expect(v?.why).toBe(
      'ipnordic: not checked: ICMP to the WAN address: no IPv4 address of ether1 is known, so there is nothing to ping.',
    );
  });
});
