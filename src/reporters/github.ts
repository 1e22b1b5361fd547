import type { Report } from '../model/report.js';
import { countVerdicts, formatCounts, incompleteCount } from '../verdicts/assemble.js';
import { sortFindings, summarize } from './json.js';
import { levelCounts, notCheckedText } from './plural.js';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), for runs that annotate
 * pull requests without uploading SARIF. Suppressed findings are left out.
 * https://docs.github.com/actions/reference/workflow-commands-for-github-actions
 */
const COMMAND = { error: 'error', warning: 'warning', note: 'notice' } as const;

export function formatGithub(report: Report): string {
  const out: string[] = [];
  for (const f of sortFindings(report)) {
    if (f.suppressions?.length) continue;
    const props = [
      `file=${prop(f.loc.file)}`,
      `line=${f.loc.line}`,
      `col=${f.loc.column}`,
      `endLine=${f.loc.endLine}`,
      `title=${prop(`${f.ruleId} ${f.ruleName}`)}`,
    ];
    out.push(`::${COMMAND[f.level]} ${props.join(',')}::${data(f.message)}`);
  }
  for (const n of report.notifications) out.push(`::${COMMAND[n.level]}::${data(n.message)}`);
  const counts = countVerdicts(report.requirements ?? []);
  const notChecked = incompleteCount(counts);
  if (notChecked > 0)
    out.push(`::warning title=fwlint: incomplete::${notCheckedText(notChecked)}; see the notices above.`);
  for (const c of counts) out.push(`fwlint: ${formatCounts(c)}`);
  const s = summarize(report.findings);
  out.push(`fwlint: ${levelCounts(s)}${s.suppressed ? `, ${s.suppressed} suppressed` : ''}`);
  return out.join('\n') + '\n';
}

// Escaping rules of the Actions toolkit (core/src/command.ts).
function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
