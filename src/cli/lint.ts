import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ALL_RULE_META, findRuleMeta } from '../../rules/index.js';
import { ParseError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import type { Vendor } from '../model/policy.js';
import type { Profile, Severity } from '../model/profile.js';
import type { LintedFile, Notification, Report } from '../model/report.js';
import { lintPolicy, type LintOptions } from '../lint/run.js';
import { readConfig } from './read.js';
import type { ParseOptions } from '../../parsers/types.js';
import { TOOL } from './meta.js';

export type FailOn = Severity | 'none';

const RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

/** Lints the files; parse failures become FWL901 findings and mark the run as failed (exit 2). */
export function lintFiles(
  files: readonly string[],
  profiles: readonly Profile[],
  vendor: Vendor | 'auto',
  opts: LintOptions,
  cwd = process.cwd(),
  parseOptions: ParseOptions = {},
): { report: Report; failed: ParseError[] } {
  const linted: LintedFile[] = [];
  const findings: Finding[] = [];
  const notifications: Notification[] = [];
  const failed: ParseError[] = [];
  const parseMeta = findRuleMeta('FWL901')!;
  for (const file of files) {
    const display = displayPath(file, cwd);
    try {
      const policies = readConfig(resolve(cwd, file), display, vendor, parseOptions);
      linted.push({ path: display, vendor: policies[0]?.vendor, version: policies[0]?.version, firewalls: policies.map((p) => p.name ?? '') });
      for (const policy of policies) {
        const r = lintPolicy(policy, profiles, opts);
        // A firewall name only tells findings apart when a file holds several (VDOMs); otherwise
        // it is noise in messages and would tie fingerprints to the hostname.
        findings.push(...(policies.length > 1 ? r.findings : r.findings.map((f) => ({ ...f, firewall: undefined }))));
        notifications.push(...r.notifications);
      }
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      failed.push(e);
      linted.push({ path: display, firewalls: [], failed: true });
      findings.push({
        ruleId: parseMeta.id,
        ruleName: parseMeta.name,
        level: 'error',
        message: e.message,
        loc: { file: e.file, line: e.line, column: e.column, endLine: e.line },
        fingerprintParts: [e.message],
      });
    }
  }
  findings.sort(byLocation);
  return {
    report: {
      tool: TOOL,
      workingDirectory: cwd,
      files: linted,
      findings,
      notifications: dedupe(notifications),
      rules: [...ALL_RULE_META],
      profiles: profiles.map((p) => ({ id: p.id, name: p.name, document: p.document.title })),
    },
    failed,
  };
}

export function exitCode(report: Report, failed: readonly ParseError[], failOn: FailOn): number {
  if (failed.length > 0) return 2;
  if (failOn === 'none') return 0;
  return report.findings.some((f) => RANK[f.level] >= RANK[failOn]) ? 1 : 0;
}

/** Paths in reports are relative to the working directory with forward slashes, as SARIF consumers expect. */
export function displayPath(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  return shown.split(sep).join('/');
}

function byLocation(a: Finding, b: Finding): number {
  return a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line || a.loc.column - b.loc.column || a.ruleId.localeCompare(b.ruleId) || a.message.localeCompare(b.message);
}

function dedupe(ns: Notification[]): Notification[] {
  const seen = new Set<string>();
  return ns.filter((n) => (seen.has(n.message) ? false : (seen.add(n.message), true)));
}
