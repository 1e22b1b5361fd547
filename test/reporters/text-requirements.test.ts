import { describe, expect, it } from 'vitest';
import type { Report, RequirementVerdict, VerdictStatus } from '../../src/model/report.js';
import { formatText } from '../../src/reporters/text.js';

/**
 * The requirement lines under "Requirements:" of a run over several firewalls name the firewalls a
 * failure is on (before: "(3 of 20 firewalls)" without saying which), and follow the profile's
 * order (its catalog: flows, then settings), not the requirement ids' alphabetical order.
 */

/** The profile's order: ids chosen so that alphabetical order differs from it. */
const CATALOG = [
  { id: 'p-sip', description: 'SIP to the provider' },
  { id: 'p-rtp', description: 'RTP to the provider' },
  { id: 'p-alg', description: 'SIP ALG / SIP helper off' },
];

function verdicts(
  file: string,
  firewall: string | undefined,
  status: Record<string, VerdictStatus>,
): RequirementVerdict[] {
  return CATALOG.map(({ id, description }) => ({
    id,
    profile: 'p',
    file,
    ...(firewall !== undefined ? { firewall } : {}),
    kind: id === 'p-alg' ? 'setting' : 'flow',
    description,
    status: status[id] ?? 'pass',
    severity: 'error',
    why: '',
    findings: [],
    evidence: [],
    checkedBy: 'FWL001',
  }));
}

function report(requirements: RequirementVerdict[]): Report {
  return {
    version: 1,
    tool: { name: 'fwlint', version: '0', informationUri: 'https://example.invalid' },
    profiles: [{ id: 'p', name: 'p', document: 'doc' }],
    files: [],
    findings: [],
    notifications: [],
    rules: [],
    requirements,
  } as unknown as Report;
}

const lines = (r: Report) =>
  formatText(r, { color: false })
    .split('\n')
    .filter((l) => /^\s+[✖?…]/.test(l))
    .map((l) => l.trim());

describe('text report: requirements per profile', () => {
  const fail = { 'p-alg': 'fail', 'p-rtp': 'fail' } as const;

  it("lists them in the profile's order, failures first, and names the firewalls each fails on", () => {
    const r = report([
      ...verdicts('a.xml', 'fw-a', fail),
      ...verdicts('b.conf', 'root', {}),
      ...verdicts('b.conf', 'guest', { 'p-alg': 'fail', 'p-sip': 'uncertain' }),
      ...verdicts('c.rsc', 'router', {}),
    ]);
    expect(lines(r)).toEqual([
      '✖ fail      RTP to the provider (1 of 4 firewalls: a.xml)',
      '✖ fail      SIP ALG / SIP helper off (2 of 4 firewalls: a.xml, b.conf [guest])',
      '? uncertain SIP to the provider (1 of 4 firewalls: b.conf [guest])',
    ]);
  });

  it('names a handful, then counts the rest; a verdict every firewall shares names none', () => {
    const files = ['f1.xml', 'f2.xml', 'f3.xml', 'f4.xml', 'f5.xml', 'f6.xml'];
    const r = report([
      ...files.flatMap((f) => verdicts(f, undefined, { 'p-alg': 'fail', 'p-rtp': 'fail' })),
      ...verdicts('ok.xml', undefined, { 'p-rtp': 'fail' }),
    ]);
    expect(lines(r)).toEqual([
      '✖ fail      RTP to the provider (7 of 7 firewalls)',
      '✖ fail      SIP ALG / SIP helper off (6 of 7 firewalls: f1.xml, f2.xml, f3.xml and 3 more)',
    ]);
  });
});
