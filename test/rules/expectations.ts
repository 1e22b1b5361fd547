import { readFileSync } from 'node:fs';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Finding } from '../../src/model/finding.js';
import { loadProfile } from '../../src/profiles/load.js';

/**
 * Fixtures mark each expected finding with a comment on the line above the line it must point at:
 * `<!-- expect: FWL001 FWL001 -->` means two FWL001 findings on the next line.
 */
export function expectedFindings(path: string): string[] {
  const out: string[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /expect:\s*((?:FWL\d{3}\s*)+)/.exec(text);
      if (m) for (const id of m[1]!.trim().split(/\s+/)) out.push(`${id}@${i + 2}`);
    });
  return out.sort();
}

export function lintFixture(path: string, profiles: string[], opts: Partial<LintOptions> = {}): Finding[] {
  const { report, failed } = lintFiles(
    [path],
    profiles.map((p) => loadProfile(p)),
    'auto',
    {
      phones: [],
      wan: [],
      audiences: [],
      devices: [],
      ...opts,
    },
  );
  const [firstFailure] = failed;
  if (firstFailure) throw firstFailure;
  return report.findings;
}

export const found = (fs: Finding[]) => fs.map((f) => `${f.ruleId}@${f.loc.line}`).sort();
