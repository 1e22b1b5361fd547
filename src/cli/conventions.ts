/**
 * The command-line conventions CI users know from ESLint, Checkov and Trivy: `--rule ID=level`,
 * `--quiet`, `--max-warnings`, `--color`/`--no-color`, and the help text's examples, exit codes and
 * environment variables.
 */
import { ALL_RULE_META, findRuleMeta } from '../../rules/index.js';
import { UsageError } from '../model/errors.js';
import type { Report } from '../model/report.js';
import { RULE_LEVELS, type RuleLevel } from '../model/vocabulary.js';
import { shouldColor } from '../reporters/text.js';

/** `--rule FWL007=off` or `--rule wan-icmp-blocked=error`, repeatable; the last one for a rule wins. */
export function collectRuleLevel(v: string, acc: Record<string, RuleLevel> = {}): Record<string, RuleLevel> {
  const eq = v.lastIndexOf('=');
  const id = eq < 0 ? v : v.slice(0, eq).trim();
  const level = eq < 0 ? '' : v.slice(eq + 1).trim();
  const meta = findRuleMeta(id);
  if (!meta)
    throw new UsageError(
      `--rule '${v}': unknown rule '${id}' (expected ID=LEVEL with one of ${ALL_RULE_META.map((m) => m.id).join(', ')}` +
        ' or a rule name; see fwlint rules)',
    );
  if (!(RULE_LEVELS as readonly string[]).includes(level))
    throw new UsageError(`--rule '${v}': level '${level}' is not one of ${RULE_LEVELS.join(', ')}`);
  return { ...acc, [meta.id]: level as RuleLevel };
}

/** `--quiet`: errors only, as ESLint's: findings and notifications below error are dropped (not shown, not counted). */
export function errorsOnly(report: Report): void {
  report.findings = report.findings.filter((f) => f.level === 'error');
  report.notifications = report.notifications.filter((n) => n.level === 'error');
}

/** Unsuppressed warnings, as `--max-warnings` counts them. */
export function warningCount(report: Report): number {
  return report.findings.filter((f) => f.level === 'warning' && !f.suppressions?.length).length;
}

/** `--max-warnings N`: a non-negative integer. */
export function parseMaxWarnings(v: string): number {
  if (!/^\d+$/.test(v.trim())) throw new UsageError(`--max-warnings '${v}': expected a whole number (0 or more)`);
  return Number(v.trim());
}

/** `--color` / `--no-color` over NO_COLOR / FORCE_COLOR over "is stdout a terminal"; never into a file unless forced. */
export function colorFor(flag: boolean | undefined, toFile: boolean): boolean {
  if (flag !== undefined) return flag;
  return !toFile && shouldColor(process.stdout, process.env);
}

export const EXIT_CODES = [
  'Exit codes:',
  '  0  no unsuppressed finding at or above --fail-on, and warnings within --max-warnings',
  '  1  a finding at or above --fail-on (default: error), or more warnings than --max-warnings',
  '  2  usage error, or a file that cannot be read or parsed (one line naming file:line on stderr)',
].join('\n');

export const ENVIRONMENT = [
  'Environment variables:',
  '  NO_COLOR      non-empty: no colours in the text report (--color wins)',
  '  FORCE_COLOR   1/true: colours even when stdout is not a terminal; 0/false: none (--color/--no-color win)',
  'fwlint reads no other variable; it never touches the network.',
].join('\n');

export const LINT_EXAMPLES = [
  'Examples:',
  '  fwlint lint config.xml --profile ipnordic',
  '  fwlint lint configs/ --profile ipnordic --phones 10.20.0.0/24 --format sarif -o fwlint.sarif',
  "  fwlint lint 'configs/**/*.rsc' --exclude 'configs/old/' --rule FWL007=off --quiet",
  '  fwlint lint . --max-warnings 0 --baseline fwlint-baseline.json',
  '  cat fw.conf | fwlint lint - --stdin-filename sites/oslo/fw.conf --profile ipnordic',
].join('\n');

export const MAIN_EXAMPLES = [
  'Examples:',
  '  fwlint init                                  write a fwlint.config.json for the exports below .',
  '  fwlint lint . --profile ipnordic             check every export below .',
  '  fwlint rules show FWL007                     what a rule checks and how to fix it',
  '  fwlint explain fw.xml --from any --to 10.20.0.5 --proto udp --port 5060',
].join('\n');
