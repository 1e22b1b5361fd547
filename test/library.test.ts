import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError, formatJson, lint } from '../src/index.js';

const FILE = 'fixtures/pfsense/rules/fwl003-default-timeout.xml';

describe("the library API: import { lint } from 'fwlint'", () => {
  it('lints paths with the CLI options and returns the report', async () => {
    const report = await lint([FILE], { profiles: ['ipnordic'] });
    expect(report.files.map((f) => f.path)).toEqual([FILE]);
    expect(report.findings.find((f) => f.ruleId === 'FWL003')).toMatchObject({ loc: { file: FILE, line: 6 } });
    expect(JSON.parse(formatJson(report))).toHaveProperty('findings');
  });
  it('lints text in memory, located at the given filename, with the same findings', async () => {
    const fromText = await lint({ text: readFileSync(FILE, 'utf8'), filename: FILE }, { profiles: ['ipnordic'] });
    const fromFile = await lint(FILE, { profiles: ['ipnordic'] });
    expect(fromText.findings).toEqual(fromFile.findings);
  });
  it('applies per-rule levels and reports unparseable text as FWL901', async () => {
    const off = await lint(FILE, { profiles: ['ipnordic'], rules: { 'udp-timeout-out-of-range': 'off' } });
    expect(off.findings.some((f) => f.ruleId === 'FWL003')).toBe(false);
    const bad = await lint({ text: '<pfsense>\n<filter>\n', filename: 'x.xml' }, { profiles: ['ipnordic'] });
    expect(bad.files[0]?.failed).toBe(true);
    expect(bad.findings.map((f) => [f.ruleId, f.loc.file])).toEqual([['FWL901', 'x.xml']]);
  });
  it('refuses bad options with a UsageError', async () => {
    await expect(lint(FILE, {})).rejects.toBeInstanceOf(UsageError);
    await expect(lint(FILE, { profiles: ['ipnordic'], rules: { NOPE: 'off' } })).rejects.toThrow(/unknown rule 'NOPE'/);
  });
});
