/**
 * Every input that ever crashed fwlint (fixtures/regressions/<vendor>/) stays here: the compiled CLI
 * (its main(), in this process: test/helpers/cli.ts) must read or refuse it cleanly — exit 0, 1
 * or 2, at most one line on stderr, never a stack or "internal error" — with and without site flags.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/cli.js';

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

describe('regression fixtures are read or refused cleanly', { timeout: 30_000 }, () => {
  for (const file of files(DIR)) {
    const vendor = path.relative(DIR, file).split(path.sep)[0] ?? '';
    const rel = path.relative(ROOT, file);
    for (const flags of [[], FLAGS[vendor] ?? []]) {
      it(`${rel} ${flags.join(' ')}`, async () => {
        const r = await runCli(['lint', file, '--profile', 'ipnordic', '--no-config', ...flags]);
        expect([0, 1, 2]).toContain(r.code);
        expect(r.err).not.toMatch(/internal error|\n\s+at /);
        expect(r.err.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(1);
      });
    }
  }
});
