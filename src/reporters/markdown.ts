import type { Finding } from '../model/finding.js';
import type { Report, RequirementVerdict } from '../model/report.js';
import { countVerdicts, formatCounts, incompleteCount, notModelledCount } from '../verdicts/assemble.js';
import { sortFindings, summarize, unacceptedFailures } from './json.js';
import { failingText, levelCounts, notCheckedText, notModelledText, plural } from './plural.js';

/**
 * Markdown for pull-request comments and $GITHUB_STEP_SUMMARY: per-profile verdict counts, then
 * failed, uncertain and not-checked requirements with the reason, findings that concern no
 * requirement, and the passed requirements folded away. Tables are capped so the summary stays
 * far below GitHub's 1 MiB step-summary limit.
 */
const MAX_ROWS = 200;

export function formatMarkdown(report: Report): string {
  const verdicts = report.requirements ?? [];
  const counts = countVerdicts(verdicts);
  const s = summarize(report.findings);
  const notChecked = incompleteCount(counts);
  const notModelled = notModelledCount(counts);
  const problems = s.errors + s.warnings + s.notes;
  const failing = unacceptedFailures(verdicts);
  const verdict =
    problems > 0
      ? `❌ ${plural(problems, 'problem')}: ${levelCounts(s)}`
      : failing > 0
        ? `⚠️ no errors, but ${failingText(failing)}${notChecked > 0 ? `; ${notCheckedText(notChecked)}` : ''}`
        : notChecked > 0
          ? `⚠️ no problems found, but ${notCheckedText(notChecked)}`
          : `✅ no problems${notModelled > 0 ? ` (${notModelledText(notModelled)})` : ''}`;
  const out: string[] = [`## fwlint: ${verdict}`, ''];
  if (s.suppressed) out.push(`${plural(s.suppressed, 'finding')} suppressed (accepted).`, '');
  if (counts.length) {
    out.push('| Profile | Pass | Fail | Uncertain | Not checked |', '| --- | ---: | ---: | ---: | ---: |');
    for (const c of counts) {
      // Bold marks what makes the run incomplete: not-modelled requirements alone do not.
      const open = c.notChecked > c.notModelled ? `**${c.notChecked}**` : `${c.notChecked}`;
      out.push(`| ${cell(c.profile)} | ${c.pass} | ${c.fail} | ${c.uncertain} | ${open} |`);
    }
    out.push('', ...counts.map((c) => `- ${formatCounts(c)}`), '');
  }
  section(
    out,
    '❌ Failed requirements',
    verdicts.filter((v) => v.status === 'fail'),
  );
  section(
    out,
    '❔ Uncertain requirements',
    verdicts.filter((v) => v.status === 'uncertain'),
  );
  const skipped = verdicts.filter((v) => v.status === 'not-checked');
  if (skipped.length) {
    out.push(`### ⏭️ Not checked (${skipped.length})`, '');
    const byWhy = new Map<string, RequirementVerdict[]>();
    for (const v of skipped) byWhy.set(v.why, [...(byWhy.get(v.why) ?? []), v]);
    for (const [why, vs] of byWhy) {
      const ids = [...new Set(vs.map((v) => v.id))];
      out.push(
        `- ${inline(why)} (${ids.length}: ${ids.slice(0, 12).map(code).join(', ')}${ids.length > 12 ? ', …' : ''})`,
      );
    }
    out.push('');
  }
  const other = sortFindings(report).filter((f) => !f.requirement && !f.suppressions?.length);
  if (other.length) {
    out.push(
      `### Other findings (${other.length})`,
      '',
      '| Level | Rule | Where | Message |',
      '| --- | --- | --- | --- |',
    );
    for (const f of other.slice(0, MAX_ROWS))
      out.push(`| ${f.level} | ${f.ruleId} | ${where(f)} | ${cell(f.message)} |`);
    if (other.length > MAX_ROWS) out.push(`| | | | and ${other.length - MAX_ROWS} more |`);
    out.push('');
  }
  const passed = verdicts.filter((v) => v.status === 'pass');
  if (passed.length) {
    out.push(`<details><summary>✅ Passed requirements (${passed.length})</summary>`, '');
    out.push('| Requirement | Firewall | Why |', '| --- | --- | --- |');
    for (const v of passed.slice(0, MAX_ROWS)) out.push(`| ${req(v)} | ${fw(v)} | ${cell(v.why)} |`);
    if (passed.length > MAX_ROWS) out.push(`| and ${passed.length - MAX_ROWS} more | | |`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}

function section(out: string[], title: string, vs: RequirementVerdict[]): void {
  if (vs.length === 0) return;
  out.push(
    `### ${title} (${vs.length})`,
    '',
    '| Requirement | Firewall | Severity | Why | Where |',
    '| --- | --- | --- | --- | --- |',
  );
  for (const v of vs.slice(0, MAX_ROWS)) {
    const at = v.evidence
      .flatMap((e) => (e.loc ? [`${e.loc.file}:${e.loc.line}`] : []))
      .slice(0, 3)
      .map(code)
      .join(' ');
    out.push(`| ${req(v)} | ${fw(v)} | ${v.severity}${v.accepted ? ' (accepted)' : ''} | ${cell(v.why)} | ${at} |`);
  }
  if (vs.length > MAX_ROWS) out.push(`| and ${vs.length - MAX_ROWS} more | | | | |`);
  out.push('');
}

const req = (v: RequirementVerdict) => `${code(v.id)} ${cell(v.description)}`;
const fw = (v: RequirementVerdict) => cell(`${v.file}${v.firewall ? ` [${v.firewall}]` : ''}`);
const where = (f: Finding) => code(`${f.loc.file}:${f.loc.line}`);
const code = (t: string) => `\`${t.replace(/`/g, "'")}\``;

/** Text safe in a Markdown table cell: one line, pipes and HTML escaped. */
function cell(t: string): string {
  return inline(t).replace(/\|/g, '\\|');
}

function inline(t: string): string {
  return t
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .trim();
}
