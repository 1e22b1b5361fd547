/**
 * bundle/fwlint.mjs, the committed one-file CLI the pre-commit hook and the Action run: it is built
 * from the current sources, and it runs on its own (a config file, the worker pool it serves itself,
 * stdin) with the files of a clone beside it (package.json, catalog, schemas) and no node_modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const T = 120_000;

describe('bundle/fwlint.mjs', () => {
  it(
    'is up to date with the sources (npm run bundle)',
    () => {
      const out = join(mkdtempSync(join(tmpdir(), 'fwlint-bundle-')), 'fwlint.mjs');
      execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), '--out', out], { cwd: ROOT, stdio: 'pipe' });
      const fresh = readFileSync(out, 'utf8');
      const committed = readFileSync(join(ROOT, 'bundle/fwlint.mjs'), 'utf8');
      expect(fresh === committed, 'bundle/fwlint.mjs is stale: run npm run bundle').toBe(true);
    },
    T,
  );

  it(
    'runs alone: config file, per-rule levels, many files through its own workers, stdin',
    () => {
      // the files a clone of the repository gives the hook, outside it: no node_modules to reach
      const dir = mkdtempSync(join(tmpdir(), 'fwlint-bundle-run-'));
      const bundle = join(dir, 'bundle/fwlint.mjs');
      mkdirSync(join(dir, 'bundle'));
      copyFileSync(join(ROOT, 'bundle/fwlint.mjs'), bundle);
      copyFileSync(join(ROOT, 'package.json'), join(dir, 'package.json'));
      for (const d of ['catalog', 'schemas']) cpSync(join(ROOT, d), join(dir, d), { recursive: true });
      mkdirSync(join(dir, 'configs'));
      const rules = join(ROOT, 'fixtures/pfsense/rules');
      const xml = readdirSync(rules).filter((f) => f.endsWith('.xml'));
      expect(xml.length).toBeGreaterThanOrEqual(8); // enough for the worker pool
      for (const f of xml) copyFileSync(join(rules, f), join(dir, 'configs', f));
      writeFileSync(
        join(dir, 'fwlint.config.json'),
        JSON.stringify({ profiles: ['ipnordic'], rules: { FWL007: 'error' } }),
      );
      const run = (args: string[], input = '') =>
        // The JSON report of every pfSense rule fixture passed spawnSync's default 1 MiB maxBuffer.
        spawnSync(process.execPath, [bundle, ...args], {
          cwd: dir,
          encoding: 'utf8',
          input,
          timeout: T,
          maxBuffer: 64 * 1024 * 1024,
        });
      const all = run(['lint', 'configs', '--format', 'json']);
      expect(all.stderr).not.toMatch(/Cannot find|MODULE_NOT_FOUND|unexpected/);
      const report = JSON.parse(all.stdout) as { files: unknown[]; findings: { ruleId: string; level: string }[] };
      expect(report.files).toHaveLength(xml.length);
      expect(report.findings.filter((f) => f.ruleId === 'FWL007').map((f) => f.level)).toContain('error');
      expect(all.status).toBe(1);
      const one = run(
        ['lint', '-', '--stdin-filename', 'configs/clean.xml'],
        readFileSync(join(rules, 'clean.xml'), 'utf8'),
      );
      // No finding, but requirements for other audiences and devices were not checked: never a clean pass.
      expect(one.stdout).toContain('no problems found, but incomplete');
      expect(one.status).toBe(0);
      expect(run(['-v']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    },
    T,
  );
});
