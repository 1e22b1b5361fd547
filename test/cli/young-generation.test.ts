/**
 * keepYoungGenerationSmall (src/cli/young-generation.ts), which the CLI calls before it loads fwlint:
 * in a child process (V8 flags are process-wide, so never in the test runner's own), a thread that
 * keeps much of what it allocates grows its young generation without the call (to 16 times its starting size on Node 20) and
 * keeps it near its starting size with it. Runs the compiled module (`npm test` builds first; built here when missing).
 */
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODULE = path.join(ROOT, 'dist', 'src', 'cli', 'young-generation.js');

/** Allocates about 300 MB, keeping a third of it, and prints the young generation's size before and after. */
function childScript(call: boolean): string {
  return `
    import v8 from 'node:v8';
    import { keepYoungGenerationSmall } from ${JSON.stringify(pathToFileURL(MODULE).href)};
    const young = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
    ${call ? 'keepYoungGenerationSmall();' : ''}
    const before = young();
    const kept = [];
    for (let i = 0; i < 3_000_000; i++) {
      const o = { i, s: 'x' + i, a: [i, i + 1] };
      if (i % 3 === 0) kept.push(o);
    }
    console.log(JSON.stringify({ before, after: young(), kept: kept.length }));
  `;
}

function run(call: boolean): { before: number; after: number } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', childScript(call)], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout) as { before: number; after: number };
}

beforeAll(() => {
  if (!fs.existsSync(MODULE)) execSync('npm run build', { cwd: ROOT, stdio: 'inherit', timeout: 240_000 });
});

// Measured on Node 20 (V8 11), the version CI and the bench run. A later V8 may hold the factor at 2
// or more (a minimum-value implication in its flag definitions) or size the young generation
// differently: there the test checks only that the call is harmless, and says so in its title.
const MEASURED = process.versions.node.split('.')[0] === '20';

describe('keepYoungGenerationSmall', () => {
  it(MEASURED ? 'lets the young generation grow when not called (the control)' : 'runs the control', () => {
    const { before, after } = run(false);
    if (MEASURED) expect(after).toBeGreaterThanOrEqual(8 * before);
  });

  // V8 11 (Node 20) still doubles it once, from 1 to 2 MB, on a path that does not read the factor.
  it(
    MEASURED
      ? 'keeps the young generation near its starting size, printing nothing'
      : `prints nothing and fails nothing on Node ${process.versions.node} (its effect is measured on Node 20 only)`,
    () => {
      const { before, after } = run(true);
      if (MEASURED) expect(after).toBeLessThanOrEqual(2 * before);
    },
  );
});
