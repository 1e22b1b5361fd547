/**
 * The worker pool (src/cli/workers.ts) as the CLI uses it from 8 files on: the main thread loads and
 * validates the profiles once and hands them to the workers; the evidence quotes are made in the
 * workers. The report is the one the same files give linted in this thread.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatJson } from '../../src/reporters/json.js';
import { closedPipeRun, ensureBuilt, runCli, spawnCli } from '../helpers/cli.js';
import { lintRepo, repo } from './helpers.js';

const R = 'fixtures/pfsense/rules';
const FILES = ['fwl001-blocked.xml', 'fwl004-forward-to-phone.xml', 'fwl007-no-ping.xml', 'clean.xml'];

beforeAll(ensureBuilt, 120_000);

function twelve(): { dir: string; names: string[] } {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) files[`site-${String(i).padStart(2, '0')}/config.xml`] = `${R}/${FILES[i % 4] ?? ''}`;
  return { dir: repo(files), names: Object.keys(files).sort() };
}

describe('the lint pool', () => {
  it('gives the verdicts, evidence and quotes of linting in this thread', async () => {
    const { dir, names } = twelve();
    const args = ['lint', '.', '--no-config', '--profile', 'ipnordic', '--phones', '10.20.0.0/24', '--format', 'json'];
    const r = await runCli(args, { cwd: dir });
    expect(r.err).toBe('');
    const pooled = JSON.parse(r.out) as {
      requirements: { id: string; file: string; status: string; evidence: { quote?: string }[] }[];
    };
    const { report } = await lintRepo(dir, names, { profiles: ['ipnordic'], phones: ['10.20.0.0/24'] });
    const local = report.requirements ?? [];
    expect(pooled.requirements.length).toBe(local.length);
    const quotes = (vs: { evidence: { quote?: string }[] }[]) => vs.map((v) => v.evidence.map((e) => e.quote ?? ''));
    expect(quotes(pooled.requirements)).toEqual(quotes(local));
    expect(quotes(local).flat().filter(Boolean).length).toBeGreaterThan(0);
    expect(pooled.requirements.map((v) => `${v.file} ${v.id} ${v.status}`)).toEqual(
      local.map((v) => `${v.file} ${v.id} ${v.status}`),
    );
  });

  it('refuses an unknown profile once, with exit 2, as for one file', async () => {
    const { dir } = twelve();
    const r = await runCli(['lint', '.', '--no-config', '--profile', 'no-such-provider'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown profile 'no-such-provider'/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  // The spawned CLI starts its workers before it loads fwlint (src/cli/prestart.ts); workers assemble
  // their files' verdicts (src/cli/lint.ts Finish).
  it('the spawned CLI writes the JSON report of linting in this thread, to stdout and to a file', async () => {
    const { dir, names } = twelve();
    const args = ['lint', '.', '--no-config', '--profile', 'ipnordic', '--phones', '10.20.0.0/24', '--format', 'json'];
    const toStdout = spawnCli(args, { cwd: dir });
    const toFile = spawnCli([...args, '-o', 'report.json'], { cwd: dir });
    expect([toStdout.err, toFile.err]).toEqual(['', '']);
    const { report } = await lintRepo(dir, names, { profiles: ['ipnordic'], phones: ['10.20.0.0/24'] });
    expect(toStdout.out).toBe(formatJson(report));
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(formatJson(report));
    expect(toStdout.code).toBe(toFile.code);
  });

  it('a file that cannot be checked ends the run with exit 2, naming the first such file, and the run ends', () => {
    const { dir } = twelve();
    const r = spawnCli(['lint', '.', '--no-config', '--format', 'json'], { cwd: dir, timeout: 60_000 });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^fwlint: site-00\/config\.xml: no provider profile/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('a reader that closes the pipe early: no stack, the exit code of the run (workers pipe into stdout too)', async () => {
    const { dir } = twelve();
    const r = await closedPipeRun(['lint', '.', '--no-config', '--profile', 'ipnordic', '--format', 'sarif'], dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
  });
});
