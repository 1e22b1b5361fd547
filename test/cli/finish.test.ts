/**
 * Files finished where they are linted (src/cli/lint.ts `Finish`): without ignore entries or a
 * baseline, lintRun has each file's verdicts assembled, and with `json` its JSON report elements
 * rendered, where the file is linted (a pool worker). The report and every JSON text must be those
 * of assembling and rendering everything afterwards in this thread.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintOneFile, lintRun, type RunOptions } from '../../src/cli/lint.js';
import { formatJson, formatJsonChunks } from '../../src/reporters/json.js';
import { repo } from '../workflow/helpers.js';

const BLOCKED = readFileSync('fixtures/pfsense/rules/fwl001-blocked.xml', 'utf8');

/** Files whose findings cite other lines, one with a secret-looking rule name (redacted in messages). */
function files(): { dir: string; names: string[] } {
  const names = ['a/blocked.xml', 'b/forward.xml', 'c/secret.xml', 'd/site.conf', 'e/site.rsc'];
  const dir = repo({
    [names[0] ?? '']: 'fixtures/pfsense/rules/fwl001-blocked.xml',
    [names[1] ?? '']: 'fixtures/pfsense/rules/fwl004-forward-to-phone.xml',
    [names[2] ?? '']: BLOCKED.replace('Block a slice of RTP', 'Block password=hunter2 slice'),
    [names[3] ?? '']: 'fixtures/fortigate/example-site.conf',
    [names[4] ?? '']: 'fixtures/mikrotik/terse-v7.rsc',
  });
  return { dir, names };
}

const cli = { profiles: ['ipnordic'], phones: ['10.20.0.0/24'] };

function options(dir: string, more: Partial<RunOptions> = {}): RunOptions {
  return { cwd: dir, cli, today: '2026-11-20', ...more };
}

/** As the library lints: its own lintAll, which ignores `finish`, so everything is assembled afterwards. */
const unfinished: RunOptions['lintAll'] = (jobs) =>
  Promise.resolve(jobs.map((j) => lintOneFile(j.abs, j.display, j.settings)));

describe('finishing files where they are linted', () => {
  it('gives the report of assembling verdicts afterwards', async () => {
    const { dir, names } = files();
    const finished = await lintRun(names, options(dir));
    const later = await lintRun(names, options(dir, { lintAll: unfinished }));
    expect(formatJson(finished.report)).toBe(formatJson(later.report));
    expect(finished.report.requirements?.length).toBeGreaterThan(0);
  });

  it('JSON elements rendered where the files were linted: the text of rendering them here', async () => {
    const { dir, names } = files();
    const { report, rendered } = await lintRun(names, options(dir, { json: true }));
    expect(rendered.byObject.size).toBeGreaterThan(0);
    expect(rendered.files.texts.every((t) => typeof t === 'string')).toBe(true);
    // The finding whose message redaction changes is not rendered ahead (redactReport renders it after).
    const secret = report.findings.filter((f) => f.message.includes('hunter2'));
    expect(secret.length).toBeGreaterThan(0);
    for (const f of secret) expect(rendered.byObject.has(f)).toBe(false);
    expect([...formatJsonChunks(report, rendered)].join('')).toBe(formatJson(report));
    const later = await lintRun(names, options(dir, { lintAll: unfinished }));
    expect([...formatJsonChunks(report, rendered)].join('')).toBe(formatJson(later.report));
  });

  it('an element rendered for another object is not used', async () => {
    const { dir, names } = files();
    const { report, rendered } = await lintRun(names, options(dir, { json: true }));
    const first = report.requirements?.[0];
    expect(first).toBeDefined();
    if (!report.requirements || !first) return;
    // A verdict replaced after linting (no step does this today) is rendered from the object.
    report.requirements[0] = { ...first, why: 'changed afterwards' };
    const text = [...formatJsonChunks(report, rendered)].join('');
    expect(text).toBe(formatJson(report));
    expect(text).toContain('changed afterwards');
  });

  it('with ignore entries in the config file, nothing is finished early (they can suppress findings)', async () => {
    const { dir, names } = files();
    const config = {
      dir,
      display: 'fwlint.config.json',
      top: {},
      overrides: [],
      ignore: [{ rule: 'FWL001', reason: 'accepted', loc: { line: 1 } }],
    } as unknown as RunOptions['config'];
    const run = await lintRun(names, options(dir, { json: true, config }));
    expect(run.rendered.byObject.size).toBe(0);
    expect(run.report.findings.some((f) => f.suppressions?.length)).toBe(true);
    const failing = run.report.requirements?.filter((v) => v.findings.length > 0) ?? [];
    expect(failing.length).toBeGreaterThan(0);
    for (const v of failing.filter((v) => v.checkedBy === 'FWL001')) expect(v.accepted).toBe(true);
  });
});
