/**
 * Issue 10: the text and SARIF reporters collapsed newlines with `/\s*[\r\n]+\s*\/g`, which is
 * quadratic on long whitespace runs (500k spaces never finished). The same messages now go through
 * in one pass; runs without a newline are kept as they are.
 */
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { formatText } from '../../src/reporters/text.js';

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
