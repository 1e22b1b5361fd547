/**
 * Every input that ever crashed fwlint (fixtures/regressions/<vendor>/) stays here: the compiled CLI
 * must read or refuse it cleanly — exit 0, 1 or 2, at most one line on stderr, never a stack or
 * "internal error" — with and without site flags.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const DIR = path.join(ROOT, 'fixtures', 'regressions');

/** Site flags per vendor folder: interface names the fixtures use. */
const FLAGS: Record<string, string[]> = {
  nftables: ['--phones', '10.0.0.0/8@lan', '--wan', 'wan'],
  'nftables-json': ['--phones', '10.0.0.0/8@lan', '--wan', 'wan'],
  mikrotik: ['--phones', '10.0.0.0/8@bridge', '--wan', 'ether1'],
  fortigate: ['--phones', '10.0.0.0/8@internal', '--wan', 'wan1'],
  pfsense: ['--phones', '10.0.0.0/8@lan', '--wan', 'wan'],
};

function files(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = path.join(dir, n);
      return statSync(p).isDirectory() ? files(p) : /\.(md|txt)$/.test(n) ? [] : [p];
    });
}

export function runCli(args: string[]): { status: number | null; stderr: string; stdout: string } {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout };
}

describe('regression fixtures are read or refused cleanly', { timeout: 30_000 }, () => {
  for (const file of files(DIR)) {
    const vendor = path.relative(DIR, file).split(path.sep)[0] ?? '';
    const rel = path.relative(ROOT, file);
    for (const flags of [[], FLAGS[vendor] ?? []]) {
      it(`${rel} ${flags.join(' ')}`, () => {
        const r = runCli(['lint', file, '--profile', 'ipnordic', '--no-config', ...flags]);
        expect([0, 1, 2]).toContain(r.status);
        expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
        expect(r.stderr.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(1);
      });
    }
  }
});
