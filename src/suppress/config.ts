import type { IgnoreEntry } from '../config/settings.js';
import { matchesAny } from '../config/glob.js';
import { relativeTo } from '../config/load.js';
import type { Finding } from '../model/finding.js';
import { resolve } from 'node:path';

export interface IgnoreOutcome {
  expired: IgnoreEntry[];
  stale: IgnoreEntry[];
}

/**
 * Applies the config file's `ignore` entries. An entry matches a finding of its rule in its files
 * (globs relative to the config's directory) whose offending line or message contains `match`.
 * Expired entries (the day after `expires`) suppress nothing; entries matching nothing are stale.
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
): IgnoreOutcome {
  const expired: IgnoreEntry[] = [];
  const stale: IgnoreEntry[] = [];
  for (const e of entries) {
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
      if (e.match && !lineText(f).includes(e.match) && !f.message.includes(e.match)) continue;
      used = true;
      (f.suppressions ??= []).push({
        kind: 'external',
        justification: e.reason,
        source: `${configDisplay}:${e.loc.line}`,
      });
    }
    if (!used) stale.push(e);
  }
  return { expired, stale };
}
