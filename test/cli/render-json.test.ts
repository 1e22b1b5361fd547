/**
 * Verdicts rendered as JSON text where their files are linted (RunOptions.renderJson, as `fwlint lint
 * --format json` does): the JSON report written with them must be byte for byte the one written from
 * the verdict objects, redacted, and with the same summary counts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintOneFile, lintRun, type RunOptions } from '../../src/cli/lint.js';
import { redactReport } from '../../src/cli/redaction.js';
import { formatJson, formatJsonChunks } from '../../src/reporters/json.js';
import { repo } from '../workflow/helpers.js';

const BLOCKED = readFileSync('fixtures/pfsense/rules/fwl001-blocked.xml', 'utf8');

function files(): { dir: string; names: string[] } {
  const names = ['a/blocked.xml', 'b/secret.xml', 'c/broken.xml', 'd/site.conf', 'e/site.rsc'];
  const dir = repo({
    [names[0] ?? '']: 'fixtures/pfsense/rules/fwl001-blocked.xml',
    [names[1] ?? '']: BLOCKED.replace('Block a slice of RTP', 'Block password=hunter2 slice'),
    [names[2] ?? '']: '<?xml version="1.0"?>\n<pfsense>\n<filter>\n',
    [names[3] ?? '']: 'fixtures/fortigate/example-site.conf',
    [names[4] ?? '']: 'fixtures/mikrotik/terse-v7.rsc',
  });
  return { dir, names };
}

const options = (dir: string): RunOptions => ({
  cwd: dir,
  cli: { profiles: ['ipnordic'], phones: ['10.20.0.0/24'] },
  today: '2026-11-20',
  redactEarly: true,
});

describe('verdicts rendered where files are linted', () => {
  it('write the JSON report of the verdict objects', async () => {
    const { dir, names } = files();
    const plain = await lintRun(names, options(dir));
    const rendered = await lintRun(names, { ...options(dir), renderJson: true });
    expect(plain.rendered).toBeUndefined();
    expect(rendered.rendered?.texts).toHaveLength(names.length);
    expect(rendered.report.requirements).toEqual([]);
    redactReport(plain.report);
    redactReport(rendered.report);
    const expected = formatJson(plain.report);
    expect(plain.report.requirements?.length).toBeGreaterThan(0);
    const text = [...formatJsonChunks(rendered.report, rendered.rendered)].join('');
    expect(text).toBe(expected);
    expect(text).toContain('password=[redacted]');
    expect(text).not.toContain('hunter2');
  });

  it('are rendered on the main thread for files not finished in a worker', async () => {
    const { dir, names } = files();
    const plain = await lintRun(names, options(dir));
    // A lintAll that drops `finish`: every file's verdicts are assembled, redacted and rendered in lintRun.
    const unfinished: RunOptions['lintAll'] = (jobs) =>
      Promise.resolve(jobs.map((j) => lintOneFile(j.abs, j.display, j.settings)));
    const rendered = await lintRun(names, { ...options(dir), renderJson: true, lintAll: unfinished });
    redactReport(plain.report);
    redactReport(rendered.report);
    expect([...formatJsonChunks(rendered.report, rendered.rendered)].join('')).toBe(formatJson(plain.report));
  });

  it('write an empty requirements array when no file has verdicts', async () => {
    const dir = repo({ 'x.xml': '<?xml version="1.0"?>\n<pfsense>\n' });
    const plain = await lintRun(['x.xml'], options(dir));
    const rendered = await lintRun(['x.xml'], { ...options(dir), renderJson: true });
    redactReport(plain.report);
    redactReport(rendered.report);
    expect(plain.report.requirements).toEqual([]);
    expect([...formatJsonChunks(rendered.report, rendered.rendered)].join('')).toBe(formatJson(plain.report));
  });
});
