/** Inline suppressions in each vendor's own comment syntax, on the object the finding points at. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintRepo, repo } from './helpers.js';

interface Case {
  vendor: string;
  fixture: string;
  file: string;
  /** Rewrites the fixture so the object behind one FWL004 finding carries the directive. */
  annotate: (text: string, directive: string) => string;
}

const cases: Case[] = [
  {
    vendor: 'RouterOS comment=',
    fixture: 'fixtures/mikrotik/rules/fwl004-forward-to-phone.rsc',
    file: 'router.rsc',
    annotate: (t, d) => t.replace('comment="SIP to reception phone"', `comment="SIP to reception phone ${d}"`),
  },
];

describe('inline fwlint-disable', () => {
  for (const c of cases) {
    it(`${c.vendor}: with a reason it suppresses that finding only; without one it is reported`, async () => {
      const src = readFileSync(c.fixture, 'utf8');
      const base = repo({ [c.file]: src }, { profiles: ['ipnordic'] });
      const before = (await lintRepo(base, [c.file])).report.findings.filter((f) => f.ruleId === 'FWL004');
      expect(before.length).toBeGreaterThan(0);

      const ok = repo({ [c.file]: c.annotate(src, 'fwlint-disable FWL004 -- approved by the provider') }, { profiles: ['ipnordic'] });
      const after = (await lintRepo(ok, [c.file])).report.findings.filter((f) => f.ruleId === 'FWL004');
      expect(after.filter((f) => f.suppressions?.[0]?.kind === 'inSource').map((f) => f.suppressions![0]!.justification)).toEqual(['approved by the provider']);
      expect(after.filter((f) => !f.suppressions).length).toBe(before.length - 1);

      const bad = repo({ [c.file]: c.annotate(src, 'fwlint-disable FWL004') }, { profiles: ['ipnordic'] });
      const findings = (await lintRepo(bad, [c.file])).report.findings;
      expect(findings.filter((f) => f.ruleId === 'FWL004' && !f.suppressions).length).toBe(before.length);
      expect(findings.some((f) => f.ruleId === 'FWL902')).toBe(true);
    });
  }
});
