/**
 * The GitHub Action's step script (action/run.mjs), run as the runner would run it: the inputs as the
 * environment variables action.yml maps them to, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY as files, and
 * the committed one-file bundle as fwlint (a real run, no GitHub needed).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from './helpers.js';

const ROOT = resolve('.');
const SCRIPT = join(ROOT, 'action/run.mjs');

interface ActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

function action(cwd: string, inputs: Record<string, string>): ActionRun {
  const runner = mkdtempSync(join(tmpdir(), 'fwlint-runner-'));
  const output = join(runner, 'output');
  const summary = join(runner, 'summary');
  writeFileSync(output, '');
  writeFileSync(summary, '');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GITHUB_ACTION_PATH: ROOT,
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
  };
  for (const [k, v] of Object.entries(inputs)) env[`FWLINT_${k.toUpperCase().replace(/-/g, '_')}`] = v;
  const r = spawnSync(process.execPath, [SCRIPT], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  const outputs = Object.fromEntries(
    readFileSync(output, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summary, 'utf8') };
}

describe('action/run.mjs', () => {
  it('splits list inputs by lines or shell words, and keeps a path with a space whole', async () => {
    const m = (await import(SCRIPT)) as {
      shellWords: (s: string) => string[];
      listInput: (s: string, o?: { isPath?: boolean }) => string[];
    };
    expect(m.shellWords(`a "b c" d\\ e 'f'`)).toEqual(['a', 'b c', 'd e', 'f']);
    expect(m.listInput('configs/site b\nother\n')).toEqual(['configs/site b', 'other']);
    expect(m.listInput('one two')).toEqual(['one', 'two']);
    expect(() => m.shellWords('"open')).toThrow(/unclosed/);
  });

  it('writes SARIF, annotations, the step summary and outputs from one run, and fails per fail-on', () => {
    const dir = repo(
      { 'configs/site b/fw.xml': 'fixtures/pfsense/rules/fwl003-default-timeout.xml' },
      { profiles: ['ipnordic'] },
    );
    const r = action(dir, { paths: 'configs/site b', 'sarif-file': 'out/fwlint.sarif' });
    expect(r.stderr).not.toMatch(/ENOENT|internal error/);
    expect(r.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'out/fwlint.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[]; automationDetails?: unknown }[];
    };
    expect(sarif.runs[0]?.results.map((x) => x.ruleId)).toContain('FWL003');
    expect(sarif.runs[0]?.automationDetails).toBeUndefined();
    expect(r.stdout).toMatch(/^::error file=configs\/site b\/fw\.xml,line=\d+/m);
    expect(r.summary).toMatch(/FWL003|ipnordic/);
    expect(r.outputs).toMatchObject({ 'sarif-file': 'out/fwlint.sarif', verdict: 'fail' });
    expect(Number(r.outputs.errors) + Number(r.outputs.warnings)).toBeGreaterThan(0);
  });

  it('passes profiles, phones, wan, category, fail-on and extra args through', () => {
    const dir = repo({ 'fw.xml': 'fixtures/pfsense/rules/fwl003-default-timeout.xml' });
    const r = action(dir, {
      paths: 'fw.xml',
      profiles: 'ipnordic',
      phones: '10.20.0.0/24@opt1',
      wan: 'wan',
      category: 'site-a',
      'fail-on': 'none',
      args: '--rule FWL003=off',
    });
    expect(r.status).toBe(0);
    expect(r.outputs.verdict).toBe('pass');
    const sarif = JSON.parse(readFileSync(join(dir, 'fwlint.sarif'), 'utf8')) as {
      runs: { results: { ruleId: string }[]; automationDetails?: { id: string } }[];
    };
    expect(sarif.runs[0]?.automationDetails?.id).toBe('site-a');
    expect(sarif.runs[0]?.results.map((x) => x.ruleId)).not.toContain('FWL003');
  });

  it('reports a missing path as an error verdict with one line', () => {
    const dir = repo({ 'fw.xml': 'fixtures/pfsense/rules/clean.xml' }, { profiles: ['ipnordic'] });
    const r = action(dir, { paths: 'nope' });
    expect(r.status).toBe(2);
    expect(r.outputs.verdict).toBe('error');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
