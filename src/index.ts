/**
 * fwlint as a library:
 *
 *   import { lint } from 'fwlint';
 *   const report = await lint(['configs/'], { profiles: ['ipnordic'], phones: ['10.20.0.0/24@opt1'] });
 *   const report2 = await lint({ text: exportText, filename: 'fw.xml' }, { profiles: ['ipnordic'] });
 *
 * It runs what `fwlint lint` runs (same options, same findings) and returns the Report the
 * reporters format; `formatJson`, `formatSarif` and `formatText` turn it into the CLI's outputs.
 */
import { resolve } from 'node:path';
import { findConfig, loadConfig } from './config/load.js';
import type { FileSettings } from './config/settings.js';
import { expandInputs } from './cli/inputs.js';
import { lintOneFile, lintRun } from './cli/lint.js';
import { readSysctl } from './cli/sysctl.js';
import { UsageError } from './model/errors.js';
import type { Report } from './model/report.js';
import type { Audience, RuleLevel, VendorChoice } from './model/vocabulary.js';
import { findRuleMeta } from '../rules/index.js';

/** Configuration text already in memory; `filename` is shown in findings (and picks nothing else). */
export interface TextInput {
  text: string;
  filename: string;
}

/** The options of `fwlint lint`, by the same names as the config file's keys. */
export interface LintOptions {
  /** Provider profile ids (`ipnordic`) or paths of profile JSON files. Required unless a config file sets them. */
  profiles?: string[];
  /** Phone networks: `10.20.0.0/24`, an interface (`opt1`) or `10.20.0.0/24@opt1`. */
  phones?: string[];
  /** Address of the PBX: enables PBX flows and required port-forwards. */
  pbx?: string;
  /** WAN interfaces (default: what the configuration marks as WAN). */
  wan?: string[];
  /** Audiences to check beyond the phones. */
  audiences?: Exclude<Audience, 'phones'>[];
  /** Device families with device-specific requirements (`snom`, `gigaset`...). */
  devices?: string[];
  /** Configuration format; default `auto` (detected per file). */
  vendor?: VendorChoice;
  /** Host kernel settings for nftables: a sysctl.conf file, or the settings themselves. */
  sysctl?: string | Readonly<Record<string, string>>;
  /** Per-rule levels by id or name, as in the config file: `{ FWL007: 'off' }`. */
  rules?: Record<string, RuleLevel>;
  /**
   * A config file (fwlint.config.json) to apply, or `true` to look for one from `cwd` upwards as
   * the CLI does. Default: none. Options given here win over the file.
   */
  config?: string | boolean;
  /** Paths resolve against, and report paths are relative to, this directory (default: process.cwd()). */
  cwd?: string;
  /** YYYY-MM-DD against which `ignore` entries expire (default: today). */
  today?: string;
  /** A baseline file (`fwlint lint --baseline`): findings recorded there come back suppressed. */
  baseline?: string;
}

/**
 * Lints files, directories, globs or in-memory texts and returns the report. Files fwlint cannot
 * parse appear in it as FWL901 findings (`report.files[i].failed`); bad options throw UsageError.
 */
export async function lint(
  input: string | TextInput | readonly (string | TextInput)[],
  options: LintOptions = {},
): Promise<Report> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const inputs = Array.isArray(input) ? input : [input as string | TextInput];
  const paths = inputs.filter((i): i is string => typeof i === 'string');
  const texts = new Map(
    inputs.filter((i): i is TextInput => typeof i !== 'string').map((t) => [resolve(cwd, t.filename), t.text]),
  );
  const files = [...(paths.length ? expandInputs(paths, cwd).files : []), ...texts.keys()];
  if (files.length === 0) throw new UsageError('lint: no configuration given');
  const configPath =
    typeof options.config === 'string' ? resolve(cwd, options.config) : options.config ? findConfig(cwd) : undefined;
  const config = configPath ? loadConfig(configPath, cwd) : undefined;
  const sysctl = options.sysctl;
  const cli: Partial<FileSettings> = {
    profiles: options.profiles,
    phones: options.phones,
    pbx: options.pbx,
    wan: options.wan,
    audiences: options.audiences,
    devices: options.devices,
    vendor: options.vendor,
    sysctl: typeof sysctl === 'string' ? resolve(cwd, sysctl) : undefined,
    rules: options.rules ? ruleLevels(options.rules) : undefined,
  };
  const parseOptions = typeof sysctl === 'object' ? { sysctl } : undefined;
  const { report } = await lintRun(files, {
    cwd,
    config,
    cli,
    baseline: options.baseline,
    today: options.today ?? new Date().toISOString().slice(0, 10),
    lintAll: (jobs) =>
      Promise.resolve(
        jobs.map((j) => {
          const p = parseOptions ?? (j.settings.sysctl ? { sysctl: readSysctl(j.settings.sysctl) } : undefined);
          return lintOneFile(j.abs, j.display, j.settings, { parseOptions: p, text: texts.get(j.abs) });
        }),
      ),
  });
  return report;
}

function ruleLevels(levels: Record<string, RuleLevel>): Record<string, RuleLevel> {
  const out: Record<string, RuleLevel> = {};
  for (const [k, level] of Object.entries(levels)) {
    const meta = findRuleMeta(k);
    if (!meta) throw new UsageError(`rules: unknown rule '${k}'`);
    out[meta.id] = level;
  }
  return out;
}

export { findRuleMeta, ALL_RULE_META as rules } from '../rules/index.js';
export { listProfiles, loadProfile } from './profiles/load.js';
export { formatJson } from './reporters/json.js';
export { formatSarif } from './reporters/sarif.js';
export { formatText } from './reporters/text.js';
export { exitCode } from './cli/lint.js';
export { ParseError, UsageError } from './model/errors.js';
export type { Finding, RelatedLocation, Suppression } from './model/finding.js';
export type { SourceLocation } from './model/location.js';
export type { Profile } from './model/profile.js';
export type { LintedFile, Notification, Report, RuleMeta } from './model/report.js';
export type { Audience, FailOn, RuleLevel, Severity, VendorChoice } from './model/vocabulary.js';
export { AUDIENCES, FAIL_ON, RULE_LEVELS, SEVERITIES, VENDORS } from './model/vocabulary.js';
