import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ALL_RULE_META, findRuleMeta } from '../../rules/index.js';
import { ParseError, UsageError } from '../model/errors.js';
import { redact } from '../model/redact.js';
import type { Vendor } from '../model/policy.js';
import type { Audience } from '../model/profile.js';
import type { RuleLevel } from '../model/vocabulary.js';
import { listProfiles, loadProfile } from '../profiles/load.js';
import { FORMATS, parseFormatSpec, writeFormats, type FormatSpec } from './formats.js';
import { checkHeldByOne, explain, formatExplain, type ExplainOptions } from './explain.js';
import { displayPath, exitCode, lintOneFile, lintRun, unexpected, type FailOn } from './lint.js';
import { expandInputs } from './inputs.js';
import { redactReport } from './redaction.js';
import { parallelLinter } from './workers.js';
import {
  ENVIRONMENT,
  EXIT_CODES,
  LINT_EXAMPLES,
  MAIN_EXAMPLES,
  collectRuleLevel,
  colorFor,
  errorsOnly,
  parseMaxWarnings,
  warningCount,
} from './conventions.js';
import { STDIN, readStdin, stdinLinter } from './stdin.js';
import { writeStarterConfig } from './init.js';
import { findConfig, loadConfig } from '../config/load.js';
import type { FileSettings } from '../config/settings.js';
import { writeBaseline } from '../suppress/baseline.js';
import { readConfig } from './read.js';
import { readSysctl } from './sysctl.js';
import { TOOL } from './meta.js';
import { guardStdout } from './stdout-guard.js';
import { FAIL_ON, OPTIONAL_AUDIENCES, VENDOR_CHOICES } from '../model/vocabulary.js';
import { plural } from '../reporters/plural.js';
import {
  formatProfile,
  formatProfileList,
  formatRule,
  formatRuleList,
  profileJson,
  profileListJson,
  rulesJson,
} from './listing.js';

/** `--format json` given to a listing subcommand or to its parent (`rules --format json show X`). */
function wantsJson(cmd: Command): boolean {
  return cmd.opts().format === 'json' || cmd.parent?.opts().format === 'json';
}

/** The options commander parses for `fwlint lint` (see the option list below). */
interface LintOptions {
  /** A file name, `false` for --no-config, or undefined: look for one. */
  config?: string | false;
  stdinFilename?: string;
  skipUnknown?: boolean;
  exclude?: string[];
  profile?: string[];
  phones?: string[];
  pcs?: string[];
  server?: string[];
  pbx?: string;
  wan?: string[];
  audience?: Audience[];
  device?: string[];
  vendor?: Vendor | 'auto';
  sysctl?: string;
  nftVersion?: string;
  rule?: Record<string, RuleLevel>;
  baseline?: string;
  writeBaseline?: string;
  quiet?: boolean;
  maxWarnings?: number;
  failOn?: FailOn[];
  format?: FormatSpec[];
  output?: string;
  sarifCategory?: string;
  color?: boolean;
}

/** The options commander parses for `fwlint init`. */
interface InitOptions {
  force?: boolean;
}

/** The options commander parses for `fwlint explain`: the flow, plus how to read the file. */
interface ExplainCommandOptions extends ExplainOptions {
  vendor: Vendor | 'auto';
  sysctl?: string;
}

/** `--format text|json` of the listing commands (profiles, rules). */
function listFormat(): Option {
  return new Option('--format <format>', 'output format').choices(['text', 'json']).default('text');
}

const collect = (v: string, acc: string[] = []) => [...acc, v];
const collectFormat = (v: string, acc: FormatSpec[] = []) => [...acc, parseFormatSpec(v)];
const AUDIENCES: readonly string[] = OPTIONAL_AUDIENCES;

function program(): Command {
  const p = new Command('fwlint')
    .description('Audit exported firewall configurations against VoIP provider requirements.')
    .version(TOOL.version, '-v, --version', 'print the version and exit')
    .addHelpText('after', `\n${MAIN_EXAMPLES}\n\n${EXIT_CODES}\n\n${ENVIRONMENT}\n`)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  p.command('lint')
    .description('check configuration files, directories or globs against provider profiles')
    .argument('<paths...>', 'exported configurations, directories (linted recursively), quoted globs, or - for stdin')
    .addHelpText('after', `\n${LINT_EXAMPLES}\n\n${EXIT_CODES}\n\n${ENVIRONMENT}\n`)
    .option('--profile <id|file>', 'provider profile id or JSON file (repeatable)', collect)
    .option(
      '--phones <spec>',
      'phone network: CIDR, CIDR@interface, interface, address object, or all-internal (repeatable; default: detected)',
      collect,
    )
    .option('--pcs <spec>', 'PC network: CIDR, CIDR@interface, interface or address object (repeatable)', collect)
    .option('--pbx <spec>', 'the PBX: address, CIDR@interface, interface or address object (one)', onePbx)
    .option('--server <name=spec>', 'a named server of the site, e.g. sam=10.1.0.5 (repeatable)', collect)
    .option('--wan <interface>', 'WAN interface (repeatable; default: the interfaces the config marks as WAN)', collect)
    .addOption(
      new Option('--audience <name>', 'also check requirements for this audience (repeatable)')
        .choices(AUDIENCES)
        .argParser(collectChoice(AUDIENCES)),
    )
    .option('--device <family>', 'also check device-specific requirements for this family (repeatable)', collect)
    .addOption(
      new Option('--vendor <vendor>', 'configuration format (default: auto, detected per file)').choices(
        VENDOR_CHOICES,
      ),
    )
    .option(
      '--format <format[:file]>',
      `output format: ${FORMATS.join(', ')} (repeatable; add :<file> to write that format to a file)`,
      collectFormat,
    )
    .option('--sarif-category <id>', 'SARIF runAutomationDetails.id (default: none, upload-sarif sets the category)')
    .option('--sysctl <file>', 'host kernel settings in sysctl.conf syntax (nftables: conntrack timeouts)')
    .option(
      '--nft-version <x.y.z>',
      'nftables: the nft release that loads the ruleset (`nft --version`); some matches compile differently by release',
      nftVersion,
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option(
        '--fail-on <level>',
        'exit 1 when an unsuppressed finding at or above this level exists, or with "incomplete" when a requirement ' +
          'was not checked (repeatable; default: error)',
      ).argParser(collectFailOn),
    )
    .option(
      '-c, --config <file>',
      'use this config file instead of looking for fwlint.config.json / .fwlintrc.json upwards',
    )
    .option('--no-config', 'ignore config files')
    .option(
      '--skip-unknown',
      'skip (with a note) files given by name whose format is not recognised, as in directories; for pre-commit hooks',
    )
    .option(
      '--exclude <glob>',
      'do not lint paths matching this glob, e.g. configs/old/ or *.bak (repeatable)',
      collect,
    )
    .option(
      '--rule <id=level>',
      'set a rule level: off, note, warning, error; id or name (repeatable)',
      collectRuleLevel,
    )
    .option('-q, --quiet', 'report errors only: warnings and notes are neither shown nor counted')
    .option('--max-warnings <n>', 'exit 1 when there are more than n unsuppressed warnings', parseMaxWarnings)
    .option('--color', 'colour the text report even when stdout is not a terminal')
    .option('--no-color', 'never colour the text report')
    .option('--stdin-filename <name>', 'the file name to report for - (stdin): locations, config overrides, baseline')
    .option('--baseline <file>', 'report only findings not recorded in this baseline (the others appear as suppressed)')
    .option('--write-baseline <file>', 'record the current findings as accepted in this baseline file')
    .action(async (paths: string[], o: LintOptions) => {
      const cwd = process.cwd();
      const configPath =
        o.config === false ? undefined : typeof o.config === 'string' ? resolve(o.config) : findConfig(cwd);
      const config = configPath ? loadConfig(configPath, cwd) : undefined;
      const fromStdin = paths.includes(STDIN);
      const stdinName = resolve(cwd, typeof o.stdinFilename === 'string' ? o.stdinFilename : '<stdin>');
      const others = paths.filter((x) => x !== STDIN);
      const expanded = others.length
        ? expandInputs(others, cwd, {
            skipUnknown: !!o.skipUnknown,
            exclude: o.exclude,
            configExclude: config?.top.exclude ? { dir: config.dir, globs: config.top.exclude } : undefined,
          })
        : { files: [], skipped: [], excluded: 0 };
      const { skipped, excluded } = expanded;
      const files = fromStdin ? [stdinName, ...expanded.files.filter((f) => f !== stdinName)] : expanded.files;
      if (files.length === 0 && o.skipUnknown) {
        process.stdout.write(
          `fwlint: no configuration in a supported format among ${paths.length} path(s); nothing to check\n`,
        );
        return;
      }
      if (files.length === 0)
        throw new UsageError(
          `no configuration found in ${paths.join(' ')}${skipped.length ? ` (${skipped.length} file(s) in no supported format)` : ''}` +
            (excluded ? ` (${excluded} path(s) excluded by --exclude or the config file's exclude)` : ''),
        );
      const cli: Partial<FileSettings> = {
        profiles: o.profile,
        phones: o.phones,
        pcs: o.pcs,
        servers: o.server,
        pbx: o.pbx,
        wan: o.wan,
        audiences: o.audience,
        devices: o.device,
        vendor: o.vendor,
        sysctl: o.sysctl ? resolve(o.sysctl) : undefined,
        nftVersion: o.nftVersion,
        rules: o.rule,
      };
      const failOn: FailOn[] = o.failOn ?? [config?.top.failOn ?? 'error'];
      const formats = o.format ?? [];
      // Verdicts are needed as objects only by other formats and by `--fail-on incomplete`.
      const renderJson =
        formats.length > 0 && formats.every((f) => f.format === 'json') && !failOn.includes('incomplete');
      const linter = parallelLinter((jobs) =>
        jobs.map((j) => lintOneFile(j.abs, j.display, j.settings, { finish: j.finish })),
      );
      const { report, failed, rendered } = await lintRun(files, {
        cwd,
        config,
        cli,
        baseline: o.baseline,
        today: new Date().toISOString().slice(0, 10),
        redactEarly: true,
        renderJson,
        lintAll: fromStdin ? stdinLinter(stdinName, readStdin(), linter) : linter,
      });
      if (skipped.length)
        report.notifications.push({
          level: 'note',
          message: `skipped ${skipped.length} file(s) in no supported format: ${skipped
            .slice(0, 5)
            .map((f) => displayPath(f, cwd))
            .join(', ')}${skipped.length > 5 ? ', …' : ''}`,
        });
      if (config) report.notifications.unshift({ level: 'note', message: `using ${config.display}` });
      redactReport(report);
      for (const e of failed)
        process.stderr.write(`fwlint: ${e.file}:${e.line}:${e.column}: ${oneLine(redact(e.message))}\n`);
      if (o.writeBaseline) {
        const n = writeBaseline(o.writeBaseline, report.findings);
        process.stderr.write(`fwlint: wrote ${n} finding(s) to ${o.writeBaseline}\n`);
      }
      if (o.quiet ?? config?.top.quiet) errorsOnly(report);
      const maxWarnings = o.maxWarnings ?? config?.top.maxWarnings;
      writeFormats(report, formats, o.output, {
        failOn,
        sarifCategory: o.sarifCategory,
        color: colorFor(o.color, false),
        ...(rendered && { requirements: rendered }),
      });
      process.exitCode = o.writeBaseline ? (failed.length ? 2 : 0) : exitCode(report, failed, failOn);
      const warnings = warningCount(report);
      if (!o.writeBaseline && maxWarnings !== undefined && warnings > maxWarnings) {
        process.stderr.write(`fwlint: ${plural(warnings, 'warning')}, more than --max-warnings ${maxWarnings}\n`);
        if (process.exitCode === 0) process.exitCode = 1;
      }
    });

  p.command('init')
    .description('write a starting fwlint.config.json for the configurations below this directory')
    .option('--force', 'overwrite an existing fwlint.config.json')
    .action((o: InitOptions) => {
      const written = writeStarterConfig(process.cwd(), !!o.force);
      process.stdout.write(
        `wrote ${written.path} for ${written.files} configuration file(s); edit "profiles" and "phones", then run: fwlint lint .\n`,
      );
    });

  const profiles = p.command('profiles').description('list the bundled provider profiles');
  profiles.addOption(listFormat()).action((o: { format: string }) => {
    const all = listProfiles();
    process.stdout.write(o.format === 'json' ? profileListJson(all) : formatProfileList(all));
  });
  profiles
    .command('show')
    .argument('<id|file>', 'profile id or JSON file')
    .description('show what a profile requires')
    .addOption(listFormat())
    .action((id: string, _o: unknown, cmd: Command) => {
      const prof = loadProfile(id);
      process.stdout.write(wantsJson(cmd) ? profileJson(prof) : formatProfile(prof));
    });

  const rules = p.command('rules').description('list the rules');
  rules.addOption(listFormat()).action((o: { format: string }) => {
    process.stdout.write(o.format === 'json' ? rulesJson(ALL_RULE_META) : formatRuleList(ALL_RULE_META));
  });
  rules
    .command('show')
    .argument('<id|name>', 'rule id (FWL004) or name (port-forward-to-phone)')
    .description('explain a rule and how to fix its findings')
    .addOption(listFormat())
    .action((id: string, _o: unknown, cmd: Command) => {
      const m = findRuleMeta(id);
      if (!m) throw new UsageError(`unknown rule '${id}' (known: ${ALL_RULE_META.map((r) => r.id).join(', ')})`);
      process.stdout.write(wantsJson(cmd) ? rulesJson([m]) : formatRule(m));
    });

  p.command('explain')
    .description('trace a flow through the firewall, rule by rule')
    .argument('<file>', 'exported configuration')
    .requiredOption('--from <cidr>', 'source address or network ("any" for the Internet)')
    .requiredOption('--to <cidr|self>', 'destination address or network, or "self" for the firewall itself')
    .option('--proto <protocol>', 'tcp, udp, icmp, or a number')
    .option('--port <port[-port]>', 'destination port or range')
    .option(
      '--in <interface>',
      'ingress interface (default: where --from lives; else any non-WAN interface for an internal source, the WAN for the Internet)',
    )
    .option('--out <interface>', 'egress interface (default: by destination)')
    .option('--state <states>', 'connection state(s): new, established, related, invalid, untracked', 'new')
    .option('--wan <interface>', 'WAN interface, as for lint (repeatable; default: detected as lint does)', collect)
    .addOption(new Option('--vendor <vendor>', 'configuration format').choices(VENDOR_CHOICES).default('auto'))
    .option('--sysctl <file>', 'host kernel settings in sysctl.conf syntax (nftables)')
    .action((file: string, o: ExplainCommandOptions) => {
      const display = displayPath(file, process.cwd());
      try {
        const policies = readConfig(resolve(file), display, o.vendor, o.sysctl ? { sysctl: readSysctl(o.sysctl) } : {});
        const multi = policies.length > 1;
        checkHeldByOne(policies, o);
        for (const policy of policies) process.stdout.write(formatExplain(policy, explain(policy, { ...o, multi })));
      } catch (e) {
        throw e instanceof ParseError || e instanceof UsageError ? e : unexpected(e, display);
      }
    });
  return p;
}

/** `--nft-version 1.0.6` (also `v1.0.6`, as `nft --version` prints it). */
function nftVersion(v: string): string {
  const m = /^v?(\d+\.\d+(?:\.\d+)?)$/.exec(v.trim());
  if (!m?.[1]) throw new UsageError(`--nft-version ${v}: expected a release such as 1.0.6`);
  return m[1];
}

/** `--pbx` names one PBX (lint checks one per file): a second one is refused, not silently dropped. */
function onePbx(v: string, prev: string | undefined): string {
  if (prev !== undefined && prev !== v)
    throw new UsageError(
      `--pbx '${v}': --pbx takes one PBX and '${prev}' was given already ` +
        '(for sites with different PBXs, set "pbx" per folder in fwlint.config.json overrides)',
    );
  return v;
}

function collectFailOn(v: string, acc: string[] = []): string[] {
  const vals = v.split(',').map((x) => x.trim());
  for (const x of vals)
    if (!(FAIL_ON as readonly string[]).includes(x))
      throw new UsageError(`--fail-on '${x}': expected one of ${FAIL_ON.join(', ')}`);
  return [...acc, ...vals];
}

function collectChoice(choices: readonly string[]) {
  return (v: string, acc: string[] = []) => {
    if (!choices.includes(v)) throw new UsageError(`--audience '${v}': expected one of ${choices.join(', ')}`);
    return [...acc, v];
  };
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

/** The one line (without `fwlint: `) an error ends the run with: redacted, naming the file when known. */
export function errorLine(e: unknown): string {
  if (e instanceof ParseError) return oneLine(e.format());
  if (e instanceof UsageError) return oneLine(redact(e.message, e.file === undefined ? [] : [e.file]));
  const err = e instanceof Error ? e : new Error(String(e));
  const what = err instanceof RangeError && /call stack/i.test(err.message) ? 'input nested too deeply' : err.message;
  return oneLine(redact(`unexpected ${err.name} (${what}); please report this with the command line`));
}

/** One line on stderr and exit code 2 for every expected failure; never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  guardStdout();
  try {
    await program().parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    process.stderr.write(`fwlint: ${errorLine(e)}\n`);
    return 2;
  }
}
