/**
 * `fwlint lint -`: the configuration comes from standard input. It is linted in this thread from
 * memory (lintOneFile's `text` input) under the name `--stdin-filename` gives (default `<stdin>`), so
 * locations, fingerprints, config-file overrides and inline suppressions are those of that file.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../model/errors.js';
import { lintOneFile, type FileResult } from './lint.js';
import type { Job } from './workers.js';

export const STDIN = '-';

export function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read standard input (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Lints the job for `stdinAbs` from `text` and hands the other jobs to `rest`; results keep the job order. */
export function stdinLinter(stdinAbs: string, text: string, rest: (jobs: Job[]) => Promise<FileResult[]>) {
  return async (jobs: Job[]): Promise<FileResult[]> => {
    const others = jobs.filter((j) => j.abs !== stdinAbs);
    const fromRest = await rest(others);
    let k = 0;
    const nextOfRest = (): FileResult => {
      const r = fromRest[k++];
      if (r === undefined)
        throw new Error(`stdin linter: ${others.length} job(s) given, ${fromRest.length} result(s) back`);
      return r;
    };
    return jobs.map((j) =>
      j.abs === stdinAbs ? lintOneFile(j.abs, j.display, j.settings, { text, finish: j.finish }) : nextOfRest(),
    );
  };
}
