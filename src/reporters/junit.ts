import type { Finding } from '../model/finding.js';
import type { Report, RequirementVerdict } from '../model/report.js';
import { fingerprint } from './fingerprint.js';
import { plural } from './plural.js';
import { sortFindings } from './json.js';

/**
 * JUnit XML for CI systems that show test reports, valid against the Jenkins JUnit schema
 * (test/schemas/junit-10.xsd): one test suite per file, firewall and profile with one test case per
 * requirement (passed; failed with the deciding finding; skipped when not checked, saying why),
 * and one suite per file for findings that concern no requirement (unmodelled constructs, parse
 * errors, exposure; the config file's expired or stale ignore entries), one test case per rule.
 * Names hold ids and descriptions, never line numbers, so they stay the same when lines move.
 */
export function formatJunit(report: Report): string {
  const findings = sortFindings(report);
  const byFingerprint = new Map(findings.map((f) => [fingerprint(f), f]));
  const suites: Suite[] = [];
  const verdictSuites = new Map<string, Suite>();
  for (const v of report.requirements ?? []) {
    const name = `${v.profile}: ${v.file}${v.firewall ? ` [${v.firewall}]` : ''}`;
    let s = verdictSuites.get(name);
    if (!s) verdictSuites.set(name, (s = { name, cases: [] }));
    s.cases.push(verdictCase(v, byFingerprint, classname(v.file, v.profile)));
  }
  suites.push(...verdictSuites.values());
  // Findings in files that were not linted (fwlint.config.json: expired or stale ignore entries) get
  // their file's suite too, after the linted files': the exit code counts them, so must the report.
  const linted = new Set(report.files.map((f) => f.path));
  const elsewhere = [...new Set(findings.map((f) => f.loc.file).filter((p) => !linted.has(p)))];
  for (const path of [...linted, ...elsewhere]) {
    const other = findings.filter((f) => f.loc.file === path && !f.requirement);
    const byRule = new Map<string, Finding[]>();
    for (const f of other) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
    const cases = [...byRule.values()].map((fs) => ruleCase(fs, classname(path, 'checks')));
    if (cases.length === 0 && !(report.requirements ?? []).some((v) => v.file === path))
      cases.push({ xml: `    <testcase classname="${attr(classname(path, 'checks'))}" name="fwlint"/>` });
    if (cases.length) suites.push({ name: `${path}: other checks`, cases });
  }
  let tests = 0;
  let failures = 0;
  const body = suites.map((s) => {
    const f = s.cases.filter((c) => c.failed).length;
    const k = s.cases.filter((c) => c.skipped).length;
    tests += s.cases.length;
    failures += f;
    return (
      `  <testsuite name="${attr(s.name)}" tests="${s.cases.length}" failures="${f}" errors="0" skipped="${k}">\n` +
      `${s.cases.map((c) => c.xml).join('\n')}\n  </testsuite>`
    );
  });
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="fwlint" tests="${tests}" failures="${failures}" errors="0">\n${body.join('\n')}\n</testsuites>\n`
  );
}

interface Case {
  xml: string;
  failed?: boolean;
  skipped?: boolean;
}
interface Suite {
  name: string;
  cases: Case[];
}

function classname(file: string, group: string): string {
  return `fwlint.${group}.${file.replace(/[^A-Za-z0-9_-]+/g, '_')}`;
}

function verdictCase(v: RequirementVerdict, byFp: Map<string, Finding>, cls: string): Case {
  const head = `    <testcase classname="${attr(cls)}" name="${attr(`${v.id}: ${v.description}`)}"`;
  if (v.status === 'pass') return { xml: `${head}/>` };
  if (v.status === 'not-checked')
    return { xml: `${head}><skipped message="${attr(`not checked: ${v.why}`)}"/></testcase>`, skipped: true };
  const lines = v.findings.flatMap((fp) => {
    const f = byFp.get(fp);
    return f ? [`${f.loc.file}:${f.loc.line}:${f.loc.column} ${f.level} ${f.ruleId}`, f.message, f.details ?? ''] : [];
  });
  const type = v.status === 'uncertain' ? 'uncertain' : v.severity;
  const accepted = v.accepted ? ' (accepted: every finding is suppressed)' : '';
  if (v.accepted)
    return {
      xml: `${head}><skipped message="${attr(`${v.status}${accepted}: ${v.why}`)}"/></testcase>`,
      skipped: true,
    };
  return {
    xml: `${head}><failure type="${type}" message="${attr(v.why)}">${text(lines.filter(Boolean).join('\n'))}</failure></testcase>`,
    failed: true,
  };
}

function ruleCase(fs: Finding[], cls: string): Case {
  const first = fs[0];
  const name = first ? `${first.ruleId} ${first.ruleName}` : 'fwlint';
  const head = `    <testcase classname="${attr(cls)}" name="${attr(name)}"`;
  const active = fs.filter((f) => !f.suppressions?.length);
  if (active.length === 0)
    return {
      xml: `${head}><skipped message="${attr(plural(fs.length, 'suppressed finding'))}"/></testcase>`,
      skipped: true,
    };
  const failures = active.map(
    (f) =>
      `<failure type="${f.level}" message="${attr(f.message)}">` +
      text(
        `${f.loc.file}:${f.loc.line}:${f.loc.column} ${f.level} ${f.ruleId}\n${f.message}${f.details ? `\n${f.details}` : ''}`,
      ) +
      '</failure>',
  );
  return { xml: `${head}>${failures.join('')}</testcase>`, failed: true };
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').split('').filter(allowedInXml).join('');
}

/** XML 1.0 allows no C0 control character but tab, line feed and carriage return. */
function allowedInXml(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
