import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Report } from '../../src/model/report.js';
import { loadProfile } from '../../src/profiles/load.js';
import { toJsonReport } from '../../src/reporters/json.js';
import { formatText } from '../../src/reporters/text.js';

/**
 * FWL011 when a required port-forward reaches the PBX from some Internet sources only (review 24,
 * item 14). OpenScape's System Devices@Home connect from their home connections, and the document
 * names no source for the forwards, so a forward (or its filter rule) that admits one address may
 * or may not serve them: uncertain, naming the restriction and its line, as FWL007 does for ICMP
 * from some sources. A forward open to every source stays a pass.
 */

const opts: LintOptions = { phones: [], wan: [], audiences: [], devices: ['osbiz-x'], pbx: '192.168.1.10' };

function lint(file: string): Report {
  const { report, failed } = lintFiles([file], [loadProfile('openscape-business')], 'auto', opts);
  expect(failed).toEqual([]);
  return report;
}

const verdicts = (r: Report) => new Map(toJsonReport(r).requirements.map((v) => [v.id, v]));

describe('FWL011: a required forward from some sources only', () => {
  const report = lint('fixtures/pfsense/rules/fwl011-one-source.xml');
  const v = verdicts(report);
  const fwl011 = report.findings.filter((f) => f.ruleId === 'FWL011');

  it('a port-forward with a source address: uncertain, naming the address and the forward with its line', () => {
    // Before: osbiz-fwd-hfa "pass" ("FWL011 required-port-forward-missing checked it and found no problem.").
    expect(v.get('osbiz-fwd-hfa')?.status).toBe('uncertain');
    expect(v.get('osbiz-fwd-hfa')?.why).toBe(
      'uncertain: Required port-forward "HFA signalling (not encrypted) for System Device@Home" reaches the PBX ' +
        'only from 203.0.113.7.',
    );
    const f = fwl011.find((x) => x.requirement === 'osbiz-fwd-hfa');
    expect(f).toMatchObject({ uncertain: true, level: 'warning', loc: { line: 82 } });
    expect(f?.details).toContain(
      'tcp 4060 from Internet addresses except 203.0.113.7 is not forwarded to the PBX 192.168.1.10: ' +
        'port forward "HFA from the one home office", line 82 forwards it only from 203.0.113.7.',
    );
    expect(f?.details).toContain('Remove the source restriction from the port-forward');
  });

  it('a forward whose filter rule admits some sources only: uncertain too, not a failure', () => {
    // Before: osbiz-fwd-dli "fail" (blocked by the default policy for every other source).
    expect(v.get('osbiz-fwd-dli')?.status).toBe('uncertain');
    const f = fwl011.find((x) => x.requirement === 'osbiz-fwd-dli');
    expect(f).toMatchObject({ uncertain: true, level: 'warning' });
    expect(f?.message).toBe('Forwarded "DLI service for System Device@Home" reaches the PBX only from 198.18.0.0/15.');
    expect(f?.details).toContain('let the filter rule of the port-forward allow any source');
  });

  it('the other forwards, open to every source, pass; the text report lists the two as uncertain', () => {
    for (const id of ['osbiz-fwd-hfa-tls', 'osbiz-fwd-dli-https', 'osbiz-fwd-rtp-x', 'osbiz-fwd-https'])
      expect(v.get(id)?.status, id).toBe('pass');
    expect(fwl011).toHaveLength(2);
    expect(formatText(report, { color: false })).toMatch(/openscape-business: 7 pass, 0 fail, 2 uncertain/);
  });

  it('a forward open to every source with its filter rule is still a pass', () => {
    const open = verdicts(lint('fixtures/pfsense/rules/fwl011-forwards.xml'));
    expect(open.get('osbiz-fwd-hfa')?.status).toBe('pass');
    expect(open.get('osbiz-fwd-dli')?.status).toBe('pass');
  });
});
