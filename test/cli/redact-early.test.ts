/**
 * Files finished where they are linted are also redacted there when the caller redacts the report
 * anyway (RunOptions.redactEarly, as `fwlint lint` does): after redactReport the report must be the
 * one of redacting everything at the end, with no secret left.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintOneFile, lintRun, type RunOptions } from '../../src/cli/lint.js';
import { redactReport } from '../../src/cli/redaction.js';
import { formatJson } from '../../src/reporters/json.js';
import { repo } from '../workflow/helpers.js';

const BLOCKED = readFileSync('fixtures/pfsense/rules/fwl001-blocked.xml', 'utf8');

function files(): { dir: string; names: string[] } {
  const names = ['a/blocked.xml', 'b/secret.xml', 'c/again.xml', 'd/site.conf'];
  const secret = BLOCKED.replace('Block a slice of RTP', 'Block password=hunter2 slice');
  const dir = repo({
    [names[0] ?? '']: 'fixtures/pfsense/rules/fwl001-blocked.xml',
    [names[1] ?? '']: secret,
    [names[2] ?? '']: secret,
    [names[3] ?? '']: 'fixtures/fortigate/example-site.conf',
  });
  return { dir, names };
}

const unfinished: RunOptions['lintAll'] = (jobs) =>
  Promise.resolve(jobs.map((j) => lintOneFile(j.abs, j.display, j.settings)));

describe('redaction where files are linted', () => {
  it('gives the report of redacting it at the end', async () => {
    const { dir, names } = files();
    const options: RunOptions = {
      cwd: dir,
      cli: { profiles: ['ipnordic'], phones: ['10.20.0.0/24'] },
      today: '2026-11-20',
    };
    const early = (await lintRun(names, { ...options, redactEarly: true })).report;
    const late = (await lintRun(names, { ...options, lintAll: unfinished })).report;
    // The finished files' verdicts arrive redacted; redactReport leaves them as they are.
    const verdictText = JSON.stringify(early.requirements);
    expect(verdictText).toContain('password=[redacted]');
    expect(verdictText).not.toContain('hunter2');
    redactReport(early);
    redactReport(late);
    const text = formatJson(early);
    expect(text).toBe(formatJson(late));
    expect(text).not.toContain('hunter2');
  });
});
