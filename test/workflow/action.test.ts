/** The GitHub Action's run step, executed with bash as the runner would (no GitHub needed). */
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repo } from './helpers.js';

const ROOT = resolve('.');

/** The `run: |` block of the step named "Run fwlint", de-indented. */
function runScript(): string {
  const lines = readFileSync('action.yml', 'utf8').split('\n');
  const step = lines.findIndex((l) => l.includes('name: Run fwlint'));
  const start = lines.findIndex((l, i) => i > step && /^\s+run: \|$/.test(l));
  const body: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() && !l.startsWith('        ')) break;
    body.push(l.slice(8));
  }
  return body.join('\n');
}

function action(cwd: string, inputs: Record<string, string>) {
  const env = {
    ...process.env,
    GITHUB_ACTION_PATH: ROOT,
    FWLINT_PATHS: inputs.paths ?? '.',
    FWLINT_PROFILE: inputs.profile ?? '',
    FWLINT_CONFIG: inputs.config ?? '',
    FWLINT_FAIL_ON: inputs['fail-on'] ?? '',
    FWLINT_SARIF: inputs.sarif ?? 'fwlint.sarif',
    FWLINT_ANNOTATIONS: inputs.annotations ?? 'true',
  };
  return spawnSync('bash', ['-c', runScript()], { cwd, env, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  if (!existsSync('dist/src/cli/main.js')) execSync('npm run -s build', { stdio: 'inherit' });
}, 120_000);

describe('action.yml', () => {
  it('writes SARIF, annotates, and fails per fail-on', () => {
    const dir = repo(
      { 'sites/a.xml': 'fixtures/pfsense/rules/fwl003-default-timeout.xml' },
      { profiles: ['ipnordic'] },
    );
    const r = action(dir, { paths: 'sites' });
    expect(r.status).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'fwlint.sarif'), 'utf8'));
    expect(sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId)).toContain('FWL003');
    expect(r.stdout).toMatch(/^::error file=sites\/a\.xml,line=6/m);
    expect(action(dir, { paths: 'sites', 'fail-on': 'none', annotations: 'false' }).status).toBe(0);
  });
  it('takes profiles from the input when there is no config file', () => {
    const dir = repo({ 'a.xml': 'fixtures/pfsense/rules/clean.xml' });
    const r = action(dir, { paths: 'a.xml', profile: 'ipnordic tele2-vaxel', sarif: 'x.sarif' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    // No runAutomationDetails: upload-sarif's category input decides.
    expect(JSON.parse(readFileSync(join(dir, 'x.sarif'), 'utf8')).runs[0].automationDetails).toBeUndefined();
  });
});
