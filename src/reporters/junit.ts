import type { Report } from '../model/report.js';
import { sortFindings } from './json.js';

/**
 * JUnit XML for CI systems that show test reports: one test suite per linted file, one test case per
 * rule that ran on it (a failure per finding at or above the level that fails the run is listed in
 * it; lower levels and suppressed findings appear as skipped test cases with their reason).
 */
export function formatJunit(report: Report, failOn: 'error' | 'warning' | 'note' | 'none' = 'error'): string {
  const rank = { error: 3, warning: 2, note: 1 } as const;
  const threshold = failOn === 'none' ? 4 : rank[failOn];
  const findings = sortFindings(report);
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const file of report.files) {
    const mine = findings.filter((f) => f.loc.file === file.path);
    const cases: string[] = [];
    let sFail = 0;
    let sSkip = 0;
    if (mine.length === 0) cases.push(`    <testcase classname="${attr(file.path)}" name="fwlint"/>`);
    for (const f of mine) {
      const name = `${f.ruleId} ${f.ruleName} at line ${f.loc.line}${f.requirement ? ` (${f.requirement})` : ''}`;
      const head = `    <testcase classname="${attr(file.path)}" name="${attr(name)}" file="${attr(f.loc.file)}" line="${f.loc.line}">`;
      if (f.suppressions?.length) {
        sSkip++;
        cases.push(
          `${head}<skipped message="${attr(`suppressed: ${f.suppressions.map((s) => s.justification).join('; ')}`)}"/></testcase>`,
        );
      } else if (rank[f.level] >= threshold) {
        sFail++;
        const where = `${f.loc.file}:${f.loc.line}:${f.loc.column}`;
        cases.push(
          `${head}<failure type="${f.level}" message="${attr(f.message)}">${text(`${where} ${f.level} ${f.ruleId}\n${f.message}`)}</failure></testcase>`,
        );
      } else {
        sSkip++;
        cases.push(`${head}<skipped message="${attr(`${f.level}: ${f.message}`)}"/></testcase>`);
      }
    }
    const count = Math.max(mine.length, 1);
    tests += count;
    failures += sFail;
    skipped += sSkip;
    suites.push(
      `  <testsuite name="${attr(file.path)}" tests="${count}" failures="${sFail}" errors="0" skipped="${sSkip}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="fwlint" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}

function text(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
