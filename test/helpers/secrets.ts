import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import type { LintOptions } from '../../src/lint/run.js';
import type { Report } from '../../src/model/report.js';
import { listProfiles } from '../../src/profiles/load.js';
import { formatGithub } from '../../src/reporters/github.js';
import { formatHtml } from '../../src/reporters/html.js';
import { formatJson } from '../../src/reporters/json.js';
import { formatJunit } from '../../src/reporters/junit.js';
import { formatMarkdown } from '../../src/reporters/markdown.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { formatText } from '../../src/reporters/text.js';
import { corpusAvailable, shared } from './tiers.js';

/**
 * The harness of the secrets tests (test/secrets*.test.ts): each vendor's test harvests the secret
 * values of its format; this lints every file with every profile and requires that none of them
 * appears in any output format (text, JSON, SARIF, HTML, Markdown, JUnit, GitHub annotations).
 */

/** Every file below `dir`, leaving out `include` folders (nftables include targets). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const p = join(dir, n);
      if (statSync(p).isDirectory()) return n === 'include' ? [] : filesUnder(p);
      return [p];
    });
}

/** The files of `../shared/<sub>` folders, in the corpus tier only (npm run test:corpus); none otherwise. */
export function corpusFiles(...subs: string[]): string[] {
  return subs.filter(corpusAvailable).flatMap((s) => filesUnder(shared(s)));
}

/** Every output format, joined: JSON, HTML and Markdown quote configuration lines as verdict evidence. */
export function outputsOf(report: Report): string {
  return [
    formatText(report, { color: false }),
    formatJson(report),
    formatSarif(report),
    formatHtml(report),
    formatMarkdown(report),
    formatJunit(report),
    formatGithub(report),
  ].join('\n');
}

/** The secrets found in `output`: raw, JSON-escaped (quotes, '/', '+'), or their first 20 characters. */
export function leaks(output: string, secrets: readonly string[]): string[] {
  return secrets.filter(
    (s) => output.includes(s) || output.includes(JSON.stringify(s).slice(1, -1)) || output.includes(s.slice(0, 20)),
  );
}

export function lintWithEveryProfile(file: string, opts: Partial<LintOptions> = {}): Report {
  return lintFiles([file], listProfiles(), 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: [],
    pbx: '192.168.1.10',
    ...opts,
  }).report;
}

/** One test per file that holds secrets: it lints (it must not fail to) and leaks none of them. */
export function itLeaksNoSecret(
  files: readonly string[],
  secretsOf: (text: string) => string[],
  opts: Partial<LintOptions> = {},
): void {
  for (const file of files) {
    const secrets = secretsOf(readFileSync(file, 'utf8'));
    if (secrets.length === 0) continue;
    it(`${file}: ${secrets.length} secret value(s) absent from every output format (every profile)`, () => {
      const report = lintWithEveryProfile(file, opts);
      expect(report.files.map((f) => f.failed ?? false)).toEqual([false]);
      expect(report.findings.length + report.notifications.length).toBeGreaterThan(0);
      expect(leaks(outputsOf(report), secrets)).toEqual([]);
    });
  }
}
