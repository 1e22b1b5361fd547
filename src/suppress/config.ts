import type { IgnoreEntry } from '../config/settings.js';
import { matchesAny } from '../config/glob.js';
import { relativeTo } from '../config/load.js';
import type { Finding } from '../model/finding.js';
import { resolve } from 'node:path';

export interface IgnoreOutcome {
  expired: IgnoreEntry[];
  stale: IgnoreEntry[];
}

/** A file of the run, as the report names it (relative to the working directory). */
export interface RunFile {
  path: string;
  /** It could not be read or parsed: its findings are unknown. */
  failed?: boolean;
}

/**
 * Applies the config file's `ignore` entries. An entry matches a finding of its rule in its files
 * (globs relative to the config's directory) whose offending line, message or details contain `match`.
 * Expired entries (the day after `expires`) suppress nothing; entries matching nothing are stale.
 * An entry is judged (expired, stale) only when the run lints a file its `files` match (an entry
 * without `files` concerns every file): linting one file or one folder (the pre-commit hook passes
 * the staged files) says nothing about the entries for other files. Stale needs a file that was
 * checked: a file that could not be parsed has no findings to match.
 */
export function applyIgnores(
  findings: readonly Finding[],
  entries: readonly IgnoreEntry[],
  configDir: string,
  lineText: (f: Finding) => string,
  today: string,
  configDisplay: string,
  /** The run's working directory: finding paths are relative to it. */
  cwd: string,
  /** The files of the run. */
  files: readonly RunFile[],
): IgnoreOutcome {
  const expired: IgnoreEntry[] = [];
  const stale: IgnoreEntry[] = [];
  const inConfig = files.flatMap((f) => {
    const rel = relativeTo(configDir, resolve(cwd, f.path));
    return rel === undefined ? [] : [{ rel, failed: f.failed === true }];
  });
  const concerns = (e: IgnoreEntry, checked: boolean) =>
    e.files
      ? inConfig.some((f) => (!checked || !f.failed) && matchesAny(f.rel, e.files ?? []))
      : files.some((f) => !checked || !f.failed);
  for (const e of entries) {
    if (!concerns(e, false)) continue;
    if (e.expires && e.expires < today) {
      expired.push(e);
      continue;
    }
    let used = false;
    for (const f of findings) {
      if (f.ruleId !== e.rule) continue;
      if (e.files) {
        const rel = relativeTo(configDir, resolve(cwd, f.loc.file));
        if (rel === undefined || !matchesAny(rel, e.files)) continue;
      }
      if (e.match && !matchesText(f, lineText(f), e.match)) continue;
      used = true;
      (f.suppressions ??= []).push({
        kind: 'external',
        justification: e.reason,
        source: `${configDisplay}:${e.loc.line}`,
      });
    }
    if (!used && concerns(e, true)) stale.push(e);
  }
  return { expired, stale };
}

/** `match` is in the offending line, the message or the details: what the report shows of the finding. */
function matchesText(f: Finding, line: string, match: string): boolean {
  return line.includes(match) || f.message.includes(match) || (f.details?.includes(match) ?? false);
}
