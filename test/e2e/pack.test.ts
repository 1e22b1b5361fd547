/**
 * The published package: `npm pack` (prepack builds), then the tarball installed offline into an
 * empty project, where `import('fwlint')` gives a `lint` function whose declaration is typed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/tiers.js';

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });

interface LockEntry {
  version?: string;
  dev?: boolean;
  devOptional?: boolean;
  dependencies?: Record<string, string>;
}

function tarballUrl(key: string, version: string): string {
  const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
  return `https://registry.npmjs.org/${name}/-/${name.split('/').pop() ?? name}-${version}.tgz`;
}

function consumerLock(tarball: string, consumer: { name: string; dependencies: Record<string, string> }): unknown {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const root = lock.packages[''];
  const runtime = Object.entries(lock.packages).filter(
    ([k, v]) => k.startsWith('node_modules/') && !v.dev && !v.devOptional,
  );
  return {
    name: consumer.name,
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: consumer.name, dependencies: consumer.dependencies },
      'node_modules/fwlint': {
        version: root?.version,
        resolved: `file:${tarball}`,
        license: 'MIT',
        dependencies: root?.dependencies,
        bin: { fwlint: 'bundle/fwlint.mjs' },
        engines: { node: '>=20' },
      },
      // This lockfile records no `resolved` URLs; the registry's standard tarball URL lets npm take the
      // tarball from the cache by its integrity instead of asking the registry for metadata.
      ...Object.fromEntries(runtime.map(([k, v]) => [k, { resolved: tarballUrl(k, v.version ?? ''), ...v }])),
    },
  };
}

describe('npm pack and an offline install of the tarball', () => {
  let packed: { filename: string; files: { path: string }[] };
  let project: string;
  beforeAll(() => {
    const dest = mkdtempSync(join(tmpdir(), 'fwlint-pack-'));
    const out = npm(['pack', '--json', '--pack-destination', dest], ROOT);
    packed = (JSON.parse(out.slice(out.indexOf('['))) as (typeof packed)[])[0]!;
    project = mkdtempSync(join(tmpdir(), 'fwlint-consumer-'));
    const tarball = join(dest, packed.filename);
    const consumer = { name: 'consumer', private: true, type: 'module', dependencies: { fwlint: `file:${tarball}` } };
    writeFileSync(join(project, 'package.json'), JSON.stringify(consumer));
    // The runtime dependencies exactly as this repository locks them, so `npm ci --offline` takes them
    // from the cache `npm ci` filled here (no registry metadata needed, no network).
    writeFileSync(join(project, 'package-lock.json'), JSON.stringify(consumerLock(tarball, consumer)));
    npm(['ci', '--offline', '--no-audit', '--no-fund'], project);
  });

  it('ships the CLI, the library, catalog, schemas, LICENSE and docs; no tests, bench or install script', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['dist/src/cli/main.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'LICENSE', 'README.md'])
      expect(files).toContain(f);
    // The `fwlint` command is the one-file bundle, with the licence notices of what it bundles.
    expect(files).toContain('bundle/fwlint.mjs');
    expect(files).toContain('bundle/THIRD-PARTY-NOTICES.txt');
    expect(files).toContain('catalog/ipnordic.json');
    expect(files).toContain('schemas/fwlint.config.schema.json');
    expect(files).toContain('docs/json-format.md');
    expect(files.filter((f) => /^(dist\/)?(test|bench|fixtures)\//.test(f))).toEqual([]);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts).filter((s) => s.includes('install'))).toEqual([]);
  });

  it("import('fwlint') gives a lint function that lints text", () => {
    const script = [
      "import { lint } from 'fwlint';",
      "import { readFileSync } from 'node:fs';",
      `const text = readFileSync(${JSON.stringify(join(ROOT, 'fixtures/pfsense/rules/fwl003-default-timeout.xml'))}, 'utf8');`,
      "const r = await lint({ text, filename: 'fw.xml' }, { profiles: ['ipnordic'] });",
      "console.log(typeof lint, r.findings.map((f) => f.ruleId).join(','));",
    ].join('\n');
    writeFileSync(join(project, 'use.mjs'), script);
    const out = execFileSync(process.execPath, ['use.mjs'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
    expect(out).toMatch(/^function .*FWL003/);
  });

  it('the fwlint command is the one-file bundle, and it lints', () => {
    const bin = join(project, 'node_modules', '.bin', 'fwlint');
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(execFileSync(bin, ['--version'], { cwd: project, encoding: 'utf8', timeout: 60_000 }).trim()).toContain(
      version,
    );
    const fixture = join(ROOT, 'fixtures/pfsense/rules/fwl003-default-timeout.xml');
    const out = execFileSync(bin, ['lint', fixture, '--profile', 'ipnordic', '--format', 'json', '--fail-on', 'none'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect((JSON.parse(out) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toContain('FWL003');
  });

  it('the declarations type lint for TypeScript users', () => {
    writeFileSync(
      join(project, 'use.ts'),
      [
        "import { lint, type Report } from 'fwlint';",
        "const r: Promise<Report> = lint(['a.xml'], { profiles: ['ipnordic'], audiences: ['pbx'] });",
        'void r;',
        '// @ts-expect-error: an unknown audience is a type error',
        "void lint('a.xml', { audiences: ['robots'] });",
      ].join('\n'),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node'];
    execFileSync(process.execPath, [tsc, ...args, '--typeRoots', join(ROOT, 'node_modules/@types'), 'use.ts'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 120_000,
    });
  });
});
