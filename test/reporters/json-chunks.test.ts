/**
 * formatJsonChunks (src/reporters/json.ts), which `--format json -o FILE` writes piece by piece:
 * joined, the pieces are formatJson's text byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import { loadProfile } from '../../src/profiles/load.js';
import { formatJson, formatJsonChunks } from '../../src/reporters/json.js';

const opts: LintOptions = { phones: ['10.20.0.0/24'], wan: [], audiences: [], devices: [] };

describe('formatJsonChunks', () => {
  it('joins to formatJson on reports with findings, verdicts, quotes and non-ASCII text', () => {
    const files = ['fixtures/pfsense/example-site.xml', 'fixtures/fortigate/example-site.conf'];
    const { report } = lintFiles(files, [loadProfile('ipnordic')], 'auto', opts);
    expect(report.findings.length).toBeGreaterThan(0);
    const text = formatJson(report);
    expect([...formatJsonChunks(report)].join('')).toBe(text);
  });

  it('joins to formatJson on a report of no files (empty arrays)', () => {
    const { report } = lintFiles([], [loadProfile('ipnordic')], 'auto', opts);
    expect([...formatJsonChunks(report)].join('')).toBe(formatJson(report));
  });
});
