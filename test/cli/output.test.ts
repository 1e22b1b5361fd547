/**
 * Issue 10: writing the report. A closed pipe (`fwlint lint … | head -c 10`) ends the run quietly
 * with the exit code it would have had; any other write error is exit 2 with one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closedPipeRun } from '../helpers/cli.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const FIXTURE = path.join(ROOT, 'fixtures', 'pfsense', 'example-site.xml');
const ARGS = [MAIN, 'lint', FIXTURE, '--profile', 'ipnordic', '--no-config', '--format', 'sarif'];

describe('report output', { timeout: 30_000 }, () => {
  it('a reader that closes the pipe early: no stack, exit code as without it (1: findings)', async () => {
    const r = await closedPipeRun(ARGS.slice(1));
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
  });

  it.runIf(existsSync('/dev/full'))('a full disk on stdout (/dev/full): exit 2, one line', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" ${ARGS.map((a) => `"${a}"`).join(' ')} > /dev/full`], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fwlint: cannot write the report to standard output \(ENOSPC\)\n$/);
  });

  it('-o into a path that cannot be written: exit 2, one line naming it', () => {
    const r = spawnSync(process.execPath, [...ARGS, '-o', FIXTURE + '/report.sarif'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^fwlint: cannot write the report to .*report\.sarif \(ENOTDIR\)\n$/);
  });
});

describe('errors that end a run', { timeout: 30_000 }, () => {
  it('an unexpected failure on a file names the file (FWL901 at line 1), never "internal error"', async () => {
    const { unexpected } = await import('../../src/cli/lint.js');
    const e = unexpected(new RangeError('Maximum call stack size exceeded'), 'site/fw.nft');
    expect(e.format()).toBe(
      'site/fw.nft:1:1: fwlint could not check this file (RangeError: input nested too deeply); please report it',
    );
  });

  it('the one stderr line is one line and redacted', async () => {
    const { errorLine } = await import('../../src/cli/program.js');
    const { UsageError } = await import('../../src/model/errors.js');
    expect(errorLine(new UsageError("--phones 'x': no interface\r\nnamed password=hunter2"))).toBe(
      "--phones 'x': no interface named password=[redacted]",
    );
    expect(errorLine(new TypeError('boom'))).not.toMatch(/internal error/);
  });
});
