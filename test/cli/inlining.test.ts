/**
 * limitInlining (src/cli/inlining.ts), which the CLI calls before it loads fwlint: in a child process
 * (V8 flags are process-wide, so never in the test runner's own), a small function called from a
 * function optimised right after is inlined without the call and not inlined with it, as V8's
 * inlining trace shows. Runs the compiled module (`npm test` builds first; built here when missing).
 */
import { execSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MODULE = path.join(ROOT, 'dist', 'src', 'cli', 'inlining.js');

/** Optimises `hot`, which calls `add` in a loop, and prints its result; V8 traces what it inlines. */
function childScript(call: boolean): string {
  return `
    import { limitInlining } from ${JSON.stringify(pathToFileURL(MODULE).href)};
    ${call ? 'limitInlining();' : ''}
    function add(a, b) { return a + b; }
    function hot(n) { let s = 0; for (let i = 0; i < n; i++) s = add(s, i); return s; }
    %PrepareFunctionForOptimization(hot);
    hot(10);
    hot(10);
    %OptimizeFunctionOnNextCall(hot);
    console.log(hot(100));
  `;
}

function run(call: boolean): string {
  const r = spawnSync(
    process.execPath,
    ['--allow-natives-syntax', '--trace-turbo-inlining', '--input-type=module', '-e', childScript(call)],
    { encoding: 'utf8', timeout: 60_000 },
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

beforeAll(() => {
  if (!fs.existsSync(MODULE)) execSync('npm run build', { cwd: ROOT, stdio: 'inherit', timeout: 240_000 });
});

describe('limitInlining', () => {
  it('leaves inlining on when not called (the control)', () => {
    const out = run(false);
    expect(out).toMatch(/Inlining .*add.* into .*hot/);
    expect(out).toContain('4950');
  });

  it('turns inlining off for functions optimised after the call, with the same results', () => {
    const out = run(true);
    expect(out).not.toMatch(/Inlining/);
    expect(out.trim().split('\n')).toEqual(['4950']);
  });
});
