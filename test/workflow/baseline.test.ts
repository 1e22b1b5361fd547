import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCode } from '../../src/cli/lint.js';
import { fingerprint } from '../../src/reporters/fingerprint.js';
import { writeBaseline } from '../../src/suppress/baseline.js';
import { lintRepo, repo } from './helpers.js';

const R = 'fixtures/pfsense/rules';

describe('baselines', () => {
  it('records findings and reports only new ones; baselined ones appear as suppressed', async () => {
    const dir = repo({ 'site.xml': `${R}/fwl001-blocked.xml` }, { profiles: ['ipnordic'] });
    const first = await lintRepo(dir, ['site.xml']);
    const base = join(dir, 'fwlint-baseline.json');
    expect(writeBaseline(base, first.report.findings)).toBe(first.report.findings.length);

    // Unrelated lines inserted above every finding: all stay baselined, fingerprints unchanged.
    const text = readFileSync(join(dir, 'site.xml'), 'utf8');
    writeFileSync(
      join(dir, 'site.xml'),
      text.replace('<system>', '<system>\n    <timezone>Etc/UTC</timezone>\n    <language>en_US</language>'),
    );
    const moved = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    expect(moved.report.findings.map((f) => f.loc.line)).toEqual(first.report.findings.map((f) => f.loc.line + 2));
    expect(moved.report.findings.map(fingerprint)).toEqual(first.report.findings.map(fingerprint));
    expect(moved.report.findings.every((f) => f.suppressions?.[0]?.source === `baseline ${base}`)).toBe(true);
    expect(exitCode(moved.report, moved.failed, 'note')).toBe(0);

    // A new problem is reported.
    writeFileSync(
      join(dir, 'site.xml'),
      readFileSync(join(dir, 'site.xml'), 'utf8').replace('<optimization>conservative</optimization>', ''),
    );
    const fresh = await lintRepo(dir, ['site.xml'], {}, { baseline: base });
    expect(fresh.report.findings.filter((f) => !f.suppressions).map((f) => f.ruleId)).toEqual(['FWL003']);
    expect(exitCode(fresh.report, fresh.failed, 'error')).toBe(1);
  });
  it('refuses a file that is not a baseline', async () => {
    const dir = repo({ 'site.xml': `${R}/clean.xml` }, { profiles: ['ipnordic'] });
    writeFileSync(join(dir, 'b.json'), '{"findings": 3}');
    await expect(lintRepo(dir, ['site.xml'], {}, { baseline: join(dir, 'b.json') })).rejects.toThrow(
      /not an fwlint baseline/,
    );
  });
});
