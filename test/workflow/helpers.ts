import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { findConfig, loadConfig } from '../../src/config/load.js';
import type { FileSettings } from '../../src/config/settings.js';
import { lintRun } from '../../src/cli/lint.js';

/** A throwaway config repository: files copied from fixtures, plus a config file if given. */
export function repo(files: Record<string, string>, config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-repo-'));
  for (const [to, from] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, to)), { recursive: true });
    // A value is a fixture path when such a file exists, else the file's content.
    if (from.length < 400 && !from.includes('\n') && existsSync(resolve(from))) cpSync(resolve(from), join(dir, to));
    else writeFileSync(join(dir, to), from);
  }
  if (config !== undefined)
    writeFileSync(
      join(dir, 'fwlint.config.json'),
      typeof config === 'string' ? config : JSON.stringify(config, null, 2),
    );
  return dir;
}

export async function lintRepo(
  dir: string,
  files: string[],
  cli: Partial<FileSettings> = {},
  extra: { baseline?: string; today?: string; cwd?: string } = {},
) {
  const cwd = extra.cwd ?? dir;
  const path = findConfig(cwd);
  const config = path ? loadConfig(path, cwd) : undefined;
  return lintRun(files, { cwd, config, cli, baseline: extra.baseline, today: extra.today ?? '2026-11-20' });
}

export const read = (p: string) => readFileSync(p, 'utf8');
