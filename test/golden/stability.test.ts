import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { fingerprint } from '../../src/reporters/fingerprint.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { ensureMultitoolExecutable, validateSarif } from '../helpers/sarif-validator.js';

const opts: LintOptions = { phones: [], wan: [], audiences: [], devices: [] };
const ipnordic = [loadProfile('ipnordic')];

describe('fingerprints ignore unrelated edits', () => {
  it('keeps every fingerprint when lines are inserted above the findings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-fp-'));
    const original = readFileSync('fixtures/pfsense/rules/fwl001-blocked.xml', 'utf8');
    // Same relative path in both runs: only the content above the findings changes.
    const file = join(dir, 'site.xml');
    writeFileSync(file, original);
    const before = lintFiles(['site.xml'], ipnordic, 'auto', opts, dir).report.findings;
    const moved = original.replace(
      '<system>',
      '<system>\n    <timezone>Europe/Stockholm</timezone>\n' +
        '    <!-- edited by someone -->\n    <timeservers>pool.ntp.org</timeservers>',
    );
    writeFileSync(file, moved);
    const after = lintFiles(['site.xml'], ipnordic, 'auto', opts, dir).report.findings;
    expect(before.length).toBeGreaterThan(2);
    expect(after.map((f) => f.loc.line)).toEqual(before.map((f) => f.loc.line + 3));
    expect(after.map(fingerprint)).toEqual(before.map(fingerprint));
  });
  it('changes the fingerprint when the cause changes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-fp-'));
    const original = readFileSync('fixtures/pfsense/rules/fwl001-blocked.xml', 'utf8');
    writeFileSync(join(dir, 'site.xml'), original);
    const before = lintFiles(['site.xml'], ipnordic, 'auto', opts, dir).report.findings.find((f) => f.requirement === 'ipnordic-rtp')!;
    writeFileSync(join(dir, 'site.xml'), original.replace('<port>20000-20010</port>', '<port>20000-20020</port>'));
    const after = lintFiles(['site.xml'], ipnordic, 'auto', opts, dir).report.findings.find((f) => f.requirement === 'ipnordic-rtp')!;
    expect(after.loc.line).toBe(before.loc.line);
    expect(fingerprint(after)).not.toBe(fingerprint(before));
  });
});

describe('SARIF edge cases pass the validator', () => {
  it('a clean run (no results) and a parse failure (FWL901 + notification)', () => {
    ensureMultitoolExecutable();
    const dir = mkdtempSync(join(tmpdir(), 'fwlint-edge-'));
    writeFileSync(join(dir, 'truncated.xml'), readFileSync('fixtures/pfsense/rules/clean.xml', 'utf8').slice(0, 900));
    const clean = lintFiles(['fixtures/pfsense/rules/clean.xml'], ipnordic, 'auto', opts).report;
    const broken = lintFiles(['truncated.xml'], ipnordic, 'auto', opts, dir).report;
    expect(clean.findings).toEqual([]);
    expect(broken.findings.map((f) => f.ruleId)).toEqual(['FWL901']);
    for (const [name, report] of [['clean', clean], ['broken', broken]] as const) {
      const file = join(dir, `${name}.sarif`);
      writeFileSync(file, formatSarif(report));
      const v = validateSarif(file);
      expect({ name, errors: v.errors, warnings: v.warnings }).toEqual({ name, errors: [], warnings: [] });
    }
  }, 60_000);
});
