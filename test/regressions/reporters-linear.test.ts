/**
 * Issue 10: the text and SARIF reporters collapsed newlines with `/\s*[\r\n]+\s*\/g`, which is
 * quadratic on long whitespace runs (500k spaces never finished). The same messages now go through
 * in one pass; runs without a newline are kept as they are.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { formatText } from '../../src/reporters/text.js';
import { runCli } from '../helpers/cli.js';

const opts = { phones: [], wan: [], audiences: [], devices: [] };

function reportWith(message: string) {
  const { report } = lintFiles(
    ['fixtures/pfsense/example-site.xml'],
    [loadProfile('ipnordic')],
    'auto',
    opts,
    process.cwd(),
  );
  const first = report.findings[0];
  if (!first) throw new Error('the fixture has findings');
  report.findings = [{ ...first, message }];
  return report;
}

describe('reporters on long whitespace runs', () => {
  const spaces = ' '.repeat(500_000);
  it('text: collapses a run holding a newline, keeps one without', () => {
    const out = formatText(reportWith(`a${spaces}b${spaces}\n${spaces}c`), { color: false });
    expect(out).toContain(`a${spaces}b c`);
  });
  it('sarif: the same', () => {
    const text = formatSarif(reportWith(`a${spaces}\r\n${spaces}b${spaces}c`));
    const sarif = JSON.parse(text) as { runs: { results: { message: { text: string } }[] }[] };
    expect(sarif.runs[0]!.results[0]!.message.text).toContain(`a b${spaces}c`);
  });
});

/**
 * The evidence quote trimmed each quoted line with `/\s+$/`, which V8 retries at every space of a
 * run that does not end the line: a fuzzed RouterOS export with 300k spaces inside a rule took 157 s.
 * A million spaces would take the old code many minutes, far past the test timeout; now about a second.
 */
describe('evidence quotes of a line with a long whitespace run', () => {
  it('are cut to their width without rescanning the run', async () => {
    const fixture = readFileSync('fixtures/mikrotik/rules/fwl001-blocked.rsc', 'utf8');
    const text = fixture.replace(
      'chain=forward comment="drop everything else"',
      `chain=forward${' '.repeat(1_000_000)}comment="drop everything else"`,
    );
    expect(text).not.toBe(fixture);
    const file = join(mkdtempSync(join(tmpdir(), 'fwlint-spaces-')), 'site.rsc');
    writeFileSync(file, text);
    const run = await runCli(['lint', file, '--profile', 'ipnordic', '--fail-on', 'none', '--format', 'json']);
    const report = JSON.parse(run.out) as { requirements?: { evidence: { quote?: string }[] }[] };
    const quotes = (report.requirements ?? [])
      .flatMap((v) => v.evidence.map((e) => e.quote))
      .filter((q): q is string => q !== undefined);
    expect(quotes.some((q) => q.startsWith('add action=drop chain=forward    '))).toBe(true);
    for (const q of quotes) expect(q.length).toBeLessThanOrEqual(202);
  });
});
