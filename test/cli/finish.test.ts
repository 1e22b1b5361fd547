/**
 * Files finished where they are linted (src/cli/lint.ts `Finish`): without ignore entries or a
 * baseline, lintRun has each file's verdicts assembled where the file is linted (a pool worker). The
 * report must be the one of assembling everything afterwards in this thread.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintOneFile, lintRun, type FileResult, type RunOptions } from '../../src/cli/lint.js';
import { formatJson } from '../../src/reporters/json.js';
import { fingerprint } from '../../src/reporters/fingerprint.js';
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

  it("sends each finding's fingerprint, made from its final members", async () => {
    const { dir, names } = files();
    const results: FileResult[] = [];
    const keep: RunOptions['lintAll'] = (jobs) =>
      Promise.resolve(
        jobs.map((j) => {
          const r = lintOneFile(j.abs, j.display, j.settings, { finish: j.finish });
          results.push(r);
          return r;
        }),
      );
    await lintRun(names, options(dir, { lintAll: keep }));
    const findings = results.flatMap((r) => r.findings);
    expect(findings.length).toBeGreaterThan(0);
    // A copy is a finding no fingerprint was remembered for: its fingerprint is computed afresh.
    expect(results.flatMap((r) => r.fingerprints ?? [])).toEqual(findings.map((f) => fingerprint({ ...f })));
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
    const run = await lintRun(names, options(dir, { config }));
    const later = await lintRun(names, options(dir, { config, lintAll: unfinished }));
    expect(formatJson(run.report)).toBe(formatJson(later.report));
    expect(run.report.findings.some((f) => f.suppressions?.length)).toBe(true);
    const failing = run.report.requirements?.filter((v) => v.findings.length > 0) ?? [];
    expect(failing.length).toBeGreaterThan(0);
    for (const v of failing.filter((v) => v.checkedBy === 'FWL001')) expect(v.accepted).toBe(true);
  });
});
