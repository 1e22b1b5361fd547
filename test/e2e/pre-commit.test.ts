/**
 * The pre-commit hook for real: `pre-commit try-repo <this repo> fwlint` in a temporary config
 * repository (Debian package pre-commit; .ci/run installs it). npm runs offline inside the hook
 * environment, from the cache `npm ci` filled, so the test does not touch the network.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const HERE = resolve('.');
let ROOT = HERE; // a clean clone of HEAD, so local uncommitted work cannot leak into the hook repo
const hasPreCommit = spawnSync('pre-commit', ['--version']).status === 0;
// In CI the tool must be there (.ci/run installs it); elsewhere say clearly why the test does not run.
const skip = !hasPreCommit && process.env.CI !== 'true';

describe.skipIf(skip)('pre-commit hook (skipped: pre-commit is not installed; apt-get install pre-commit)', () => {
  let repo: string;
  let home: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
  const hook = () =>
    spawnSync(
      'pre-commit',
      ['try-repo', ROOT, 'fwlint', '--verbose', '--files', 'fw.xml', 'notes.txt', 'fwlint.config.json'],
      {
        cwd: repo,
        encoding: 'utf8',
        timeout: 300_000,
        env: {
          ...process.env,
          PRE_COMMIT_HOME: home,
          npm_config_offline: 'true',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
        },
      },
    );

  beforeAll(() => {
    expect(hasPreCommit).toBe(true);
    ROOT = join(mkdtempSync(join(tmpdir(), 'fwlint-hookrepo-')), 'fwlint');
    execFileSync('git', ['clone', '-q', HERE, ROOT], { stdio: 'pipe' });
    repo = mkdtempSync(join(tmpdir(), 'fwlint-precommit-'));
    home = mkdtempSync(join(tmpdir(), 'fwlint-precommit-home-'));
    git('init', '-q');
    git('config', 'user.email', 'ci@example.net');
    git('config', 'user.name', 'ci');
    copyFileSync(join(HERE, 'fixtures/pfsense/rules/fwl007-no-ping.xml'), join(repo, 'fw.xml'));
    writeFileSync(join(repo, 'notes.txt'), 'not a firewall export\n');
    writeFileSync(join(repo, 'fwlint.config.json'), JSON.stringify({ profiles: ['ipnordic'], failOn: 'warning' }));
    git('add', '.');
    git('commit', '-qm', 'init');
  });

  it('fails on a violating config, passes once it is fixed or suppressed', () => {
    const bad = hook();
    expect(bad.stdout + bad.stderr).toContain('FWL007');
    expect(bad.status).toBe(1);

    writeFileSync(
      join(repo, 'fwlint.config.json'),
      JSON.stringify({
        profiles: ['ipnordic'],
        failOn: 'warning',
        ignore: [{ rule: 'FWL007', reason: 'provider does not monitor this site' }],
      }),
    );
    const suppressed = hook();
    expect(suppressed.stdout).toMatch(/no problems found, but incomplete: .*, 1 suppressed/);
    expect(suppressed.status).toBe(0);

    writeFileSync(join(repo, 'fwlint.config.json'), JSON.stringify({ profiles: ['ipnordic'], failOn: 'warning' }));
    copyFileSync(join(HERE, 'fixtures/pfsense/rules/clean.xml'), join(repo, 'fw.xml'));
    const fixed = hook();
    expect(fixed.status).toBe(0);
  }, 600_000);
});
