import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ALL_RULE_META } from '../../rules/index.js';
import { parseErrorFinding } from '../../rules/parse-error.js';
import {
  expiredSuppressionFinding,
  missingReasonFinding,
  staleSuppressionFinding,
} from '../../rules/suppression-problem.js';
import type { ParseOptions } from '../../parsers/types.js';
import type { ConfigFile, FileSettings } from '../config/settings.js';
import { ParseError, UsageError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import type { Vendor } from '../model/policy.js';
import type { SourceLocation } from '../model/location.js';
import type { Profile } from '../model/profile.js';
import type { LintedFile, Notification, Report, RequirementVerdict, SiteReport } from '../model/report.js';
import { assembleVerdicts, countVerdicts, leavesIncomplete, type VerdictCounts } from '../verdicts/assemble.js';
import { mergeCounts, renderRequirements, type RenderedRequirements } from '../reporters/json.js';
import { fingerprint, rememberFingerprints } from '../reporters/fingerprint.js';
import { markRedacted, redactFinding, redactNotification, redactText, redactVerdict } from './redaction.js';
import type { RosterEntry } from '../verdicts/roster.js';
import { repositoryRoot, stampRepoPaths } from './repo-root.js';
import { lintPolicy, phoneHolders, type LintOptions } from '../lint/run.js';
import { listProfiles, loadProfile } from '../profiles/load.js';
import { applyBaseline, readBaseline } from '../suppress/baseline.js';
import { applyIgnores } from '../suppress/config.js';
import { applyInline, inlineDirectives } from '../suppress/inline.js';
import { parseConfigText, readConfigText } from './read.js';
import { readSysctl } from './sysctl.js';
import { TOOL } from './meta.js';
import { reachesFailOn, type FailOn } from '../model/vocabulary.js';

export type { FailOn } from '../model/vocabulary.js';

/** A parse failure, in a form that crosses worker threads. */
export interface Failure {
  file: string;
  line: number;
  column: number;
  message: string;
}

/** Everything one file contributes to a run. Plain data, so workers can return it. */
export interface FileResult {
  linted: LintedFile;
  findings: Finding[];
  notifications: Notification[];
  failed?: Failure;
  /** Text of the lines findings point at, for `ignore.match`; written to reports only redacted. */
  lineTexts: Record<number, string>;
  /** Every requirement of every profile on every firewall of the file, before its verdict. */
  roster: RosterEntry[];
  /**
   * The evidence quotes of this file's locations (quoteOf by `line:endLine`; null: nothing to quote),
   * made where the file was linted so the main thread only looks them up.
   */
  quotes?: Record<string, string | null>;
  /**
   * The file's requirement verdicts, assembled where it was linted when the run asked for them
   * (`Finish`: nothing run-wide can change its findings); roster, lineTexts and quotes are then empty.
   */
  verdicts?: RequirementVerdict[];
  /**
   * Set with `verdicts`: those are redacted, and so are the findings and notifications marked here
   * (each group only when redaction changed none of them, so the run sorts and dedupes the same texts).
   */
  redacted?: { findings: boolean; notifications: boolean };
  /**
   * With `Finish.json`: the file's redacted verdicts as the JSON report's elements (renderRequirements)
   * and their counts; `verdicts` is then empty.
   */
  verdictsJson?: string[];
  verdictCounts?: VerdictCounts[];
  /**
   * With `Finish`: each finding's fingerprint (by index), made where the file was linted, so the
   * main thread does not hash every finding again when it writes the report.
   */
  fingerprints?: string[];
}

/**
 * Asks lintOneFile to finish a file's part of the report where it is linted: stamp repository paths
 * and assemble its verdicts. Valid only when no run-wide step (ignore entries of the config file,
 * a baseline) can suppress its findings afterwards; lintRun decides.
 */
export interface Finish {
  cwd: string;
  /** repositoryRoot of the run. */
  root: string;
  /** Also redact the file's part of the report there (RunOptions.redactEarly). */
  redact?: boolean;
  /**
   * Also render the redacted verdicts as the JSON report's text (RunOptions.renderJson; only with
   * `redact`): the run then writes them as they are and never needs them as objects.
   */
  json?: boolean;
}

const profileCache = new Map<string, Profile>();
function profile(idOrPath: string): Profile {
  let p = profileCache.get(idOrPath);
  if (!p) profileCache.set(idOrPath, (p = loadProfile(idOrPath)));
  return p;
}

/** The profiles settings name (by id or path), loaded and validated once per thread. */
export function loadedProfiles(idsOrPaths: readonly string[]): [string, Profile][] {
  return idsOrPaths.map((id) => [id, profile(id)]);
}

/** A pool worker takes the profiles the main thread loaded and validated instead of validating them again. */
export function adoptProfiles(entries: readonly (readonly [string, Profile])[]): void {
  for (const [id, p] of entries) if (!profileCache.has(id)) profileCache.set(id, p);
}

/**
 * Lints one file with its settings: parse, rules, per-rule levels, inline suppressions. An
 * unexpected failure (a bug) on this file becomes its FWL901 naming the file, so the run goes on
 * and the one line on stderr says which input to report.
 */
export function lintOneFile(
  abs: string,
  display: string,
  s: FileSettings,
  given?: { profiles?: readonly Profile[]; parseOptions?: ParseOptions; text?: string; finish?: Finish },
): FileResult {
  try {
    return lintOneFileUnguarded(abs, display, s, given);
  } catch (e) {
    if (e instanceof ParseError || e instanceof UsageError) throw e;
    return failedFile(unexpected(e, display));
  }
}

/** An unexpected failure (a bug) while reading or checking a file, as a one-line error naming the file. */
export function unexpected(e: unknown, display: string): ParseError {
  const err = e instanceof Error ? e : new Error(String(e));
  const what = err instanceof RangeError && /call stack/i.test(err.message) ? 'input nested too deeply' : err.message;
  return new ParseError(display, 1, 1, `fwlint could not check this file (${err.name}: ${what}); please report it`);
}

function failedFile(e: ParseError): FileResult {
  return {
    linted: { path: e.file, firewalls: [], failed: true },
    findings: [parseErrorFinding(e)],
    notifications: [],
    failed: { file: e.file, line: e.line, column: e.column, message: e.message },
    lineTexts: {},
    roster: [],
  };
}

function lintOneFileUnguarded(
  abs: string,
  display: string,
  s: FileSettings,
  given?: { profiles?: readonly Profile[]; parseOptions?: ParseOptions; text?: string; finish?: Finish },
): FileResult {
  const profiles = given?.profiles ?? s.profiles.map(profile);
  if (profiles.length === 0)
    throw new UsageError(
      `${display}: no provider profile: give --profile (bundled: ${listProfiles()
        .map((p) => p.id)
        .join(', ')}) or set "profiles" in fwlint.config.json`,
    );
  let parseOptions = given?.parseOptions;
  parseOptions ??= {
    ...(s.sysctl ? { sysctl: readSysctl(s.sysctl) } : {}),
    ...(s.nftVersion ? { nftVersion: s.nftVersion } : {}),
  };
  const opts: LintOptions = {
    phones: s.phones,
    pcs: s.pcs,
    servers: s.servers,
    pbx: s.pbx,
    wan: s.wan,
    audiences: s.audiences,
    devices: s.devices,
  };
  let policies;
  let text: string;
  try {
    if (given?.text === undefined) ({ policies, text } = readConfigText(abs, display, s.vendor, parseOptions));
    else
      ({ policies, text } = {
        policies: parseConfigText(given.text, display, s.vendor, parseOptions),
        text: given.text,
      });
  } catch (e) {
    if (!(e instanceof ParseError)) throw e;
    return { ...failedFile(e), linted: { path: display, firewalls: [], failed: true } };
  }
  const findings: Finding[] = [];
  const notifications: Notification[] = [];
  const sites: SiteReport[] = [];
  const roster: RosterEntry[] = [];
  const phonesElsewhere = phoneHolders(policies, profiles, opts);
  for (const policy of policies) {
    const r = lintPolicy(policy, profiles, { ...opts, multiFirewall: policies.length > 1, phonesElsewhere });
    for (const e of r.roster) {
      if (policies.length > 1) e.matchFirewall = policy.name;
      const level = s.rules[e.checkedBy];
      // Settings merge the configuration file's "rules" and --rule (which wins): either may have turned it off.
      if (level === 'off')
        e.notChecked.push(`${e.checkedBy} is turned off (by --rule or the configuration file's "rules").`);
      roster.push(e);
    }
    // A firewall name only tells findings apart when a file holds several (VDOMs); otherwise
    // it is noise in messages and would tie fingerprints to the hostname.
    // Object.assign, not `{ ...f, firewall: undefined }`: V8 builds a spread followed by members slowly.
    const own = policies.length > 1 ? r.findings : r.findings.map((f) => Object.assign({}, f, { firewall: undefined }));
    for (const d of applyInline(own, inlineDirectives(policy))) own.push(missingReasonFinding(d.loc));
    findings.push(...own);
    notifications.push(...r.notifications);
    sites.push(r.site);
  }
  const leveled = applyLevels(findings, s.rules);
  const lineTexts = linesOf(text, leveled, roster, display);
  const linted: LintedFile = {
    path: display,
    vendor: policies[0]?.vendor,
    version: policies[0]?.version,
    firewalls: policies.map((p) => p.name ?? ''),
    sites,
  };
  const finish = given?.finish;
  if (finish) {
    // As lintRun would: repository paths (fingerprints read them), then the verdicts with their quotes.
    stampRepoPaths(leveled, finish.cwd, finish.root);
    // Final now: the verdicts below name them by these too.
    const fingerprints = leveled.map(fingerprint);
    rememberFingerprints(leveled, fingerprints);
    // Quotes by line span, as the main thread looks them up in `quotes` otherwise.
    const quotes = quotesOf(lineTexts, leveled, roster, display);
    const verdicts = fileVerdicts({ linted, findings: leveled, roster, lineTexts, quotes });
    const done = { linted, findings: leveled, notifications, lineTexts: {}, roster: [], verdicts, fingerprints };
    if (!finish.redact) return done;
    // Redacted here, in parallel, instead of at the end of the run on the main thread. Findings are
    // sorted and notifications deduped by their texts before the report is redacted, so a group that
    // redaction would change is left for the main thread, as it was.
    const redacted = verdicts.map(redactVerdict);
    const paths = new Set([display]);
    const marks = {
      findings: leveled.every((f) => redactFinding(f) === f),
      notifications: notifications.every((n) => redactNotification(n, paths) === n),
    };
    if (!finish.json) return { ...done, verdicts: redacted, redacted: marks };
    // As text, the verdicts cross to the main thread as one string instead of a tree of objects each.
    return {
      ...done,
      verdicts: [],
      redacted: marks,
      verdictsJson: renderRequirements(redacted),
      verdictCounts: countVerdicts(redacted),
    };
  }
  return {
    linted,
    findings: leveled,
    notifications,
    lineTexts,
    roster,
    quotes: quotesOf(lineTexts, leveled, roster, display),
  };
}

/** The quotes verdict evidence in this file can ask for: findings' and passes' locations (see verdictsOf). */
function quotesOf(
  texts: Record<number, string>,
  findings: readonly Finding[],
  roster: readonly RosterEntry[],
  file: string,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const add = (loc: SourceLocation) => {
    const k = quoteKey(loc);
    if (!(k in out)) out[k] = quoteOf(texts, loc) ?? null;
  };
  for (const f of findings) if (f.loc.file === file && !f.fromDefault) add(f.loc);
  for (const e of roster)
    for (const ev of e.pass?.evidence ?? []) if (ev.loc?.file === file && !ev.fromDefault) add(ev.loc);
  return out;
}

const quoteKey = (loc: SourceLocation) => `${loc.line}:${loc.endLine}`;

/** Per-rule levels from the config file: `off` drops a rule's findings, other levels replace theirs. */
function applyLevels(findings: Finding[], levels: FileSettings['rules']): Finding[] {
  if (Object.keys(levels).length === 0) return findings;
  return findings.flatMap((f) => {
    const l = levels[f.ruleId];
    if (l === 'off') return [];
    return l ? [{ ...f, level: l }] : [f];
  });
}

function linesOf(
  text: string,
  findings: readonly Finding[],
  roster: readonly RosterEntry[],
  file: string,
): Record<number, string> {
  const wanted = new Set<number>();
  const span = (loc: SourceLocation) => {
    for (let l = loc.line; l <= Math.min(loc.endLine, loc.line + SCAN_LINES - 1); l++) wanted.add(l);
  };
  for (const f of findings) if (f.loc.file === file && !f.fromDefault) span(f.loc);
  for (const f of findings) wanted.add(f.loc.line);
  for (const e of roster) for (const ev of e.pass?.evidence ?? []) if (ev.loc?.file === file) span(ev.loc);
  const out: Record<number, string> = {};
  if (wanted.size === 0) return out;
  // Jumps from newline to newline (indexOf is native) up to each wanted line in turn, and stops after the last.
  let line = 1;
  let start = 0;
  for (const want of [...wanted].sort((a, b) => a - b)) {
    if (want < 1) continue;
    for (; line < want && start <= text.length; line++) {
      const nl = text.indexOf('\n', start);
      start = (nl < 0 ? text.length : nl) + 1;
    }
    if (start > text.length) break;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    out[want] = text.slice(start, end);
  }
  return out;
}

const adopted = new WeakSet<FileResult>();

/**
 * Marks the parts of a result that were redacted where its file was linted (FileResult.redacted), so
 * the report's redaction passes over them, and takes its findings' fingerprints; each result once.
 * The pool calls it as results arrive.
 */
export function adoptRedacted(r: FileResult): void {
  if (adopted.has(r)) return;
  adopted.add(r);
  if (r.fingerprints) rememberFingerprints(r.findings, r.fingerprints);
  if (!r.redacted || !r.verdicts) return;
  markRedacted(r.verdicts);
  if (r.redacted.findings) markRedacted(r.findings);
  if (r.redacted.notifications) markRedacted(r.notifications);
}

export interface RunOptions {
  cwd: string;
  config?: ConfigFile;
  /** CLI flags; they win over the config file. */
  cli: Partial<FileSettings>;
  baseline?: string;
  /** YYYY-MM-DD; ignore entries that expired before it stop suppressing. */
  today: string;
  /** Environment ($GITHUB_WORKSPACE); default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * The caller redacts the report (redactReport) before writing it: files finished where they are
   * linted are then redacted there too, and their parts marked so redactReport passes over them.
   */
  redactEarly?: boolean;
  /**
   * The caller writes the report as JSON only, and needs no verdict objects (not `--fail-on
   * incomplete`): with redactEarly, files finished where they are linted render their verdicts there
   * as JSON text, returned as `rendered`, and the report's `requirements` is then empty.
   */
  renderJson?: boolean;
  /** Lints the files, possibly in parallel; default: one after the other in this thread. */
  lintAll?: (
    jobs: { abs: string; display: string; settings: FileSettings; finish?: Finish }[],
  ) => Promise<FileResult[]>;
}

/** Lints files as `fwlint lint` does: per-file settings, then run-wide suppressions and baseline. */
export async function lintRun(
  files: readonly string[],
  o: RunOptions,
): Promise<{ report: Report; failed: Failure[]; rendered?: RenderedRequirements }> {
  const { settingsFor } = await import('../config/load.js');
  const root = repositoryRoot(o.cwd, o.env ?? process.env);
  // Without ignore entries or a baseline a file's findings are final once linted: it is finished there.
  const finish: Finish | undefined =
    o.baseline || o.config?.ignore.length
      ? undefined
      : { cwd: o.cwd, root, ...(o.redactEarly && { redact: true, ...(o.renderJson && { json: true }) }) };
  const jobs = files.map((file) => {
    const abs = resolve(o.cwd, file);
    const settings = settingsFor(o.config, abs, o.cli);
    return { abs, display: displayPath(file, o.cwd), settings, ...(finish ? { finish } : {}) };
  });
  checkDevices(
    jobs.map((j) => ({ display: j.display, devices: j.settings.devices, profiles: j.settings.profiles.map(profile) })),
  );
  const results = o.lintAll
    ? await o.lintAll(jobs)
    : jobs.map((j) => lintOneFile(j.abs, j.display, j.settings, { finish: j.finish }));
  for (const r of results) adoptRedacted(r);
  const findings = results.flatMap((r) => r.findings);
  const notifications = results.flatMap((r) => r.notifications);
  // Findings of files finished where they were linted carry their repository paths already.
  const unstamped = results.flatMap((r) => (r.verdicts ? [] : r.findings));
  if (o.config) {
    const texts = new Map(results.map((r) => [r.linted.path, r.lineTexts]));
    const lineText = (f: Finding) => texts.get(f.loc.file)?.[f.loc.line] ?? '';
    const { expired, stale } = applyIgnores(
      findings,
      o.config.ignore,
      o.config.dir,
      lineText,
      o.today,
      o.config.display,
      o.cwd,
      results.map((r) => ({ path: r.linted.path, failed: r.linted.failed })),
    );
    const added = [...expired.map(expiredSuppressionFinding), ...stale.map(staleSuppressionFinding)];
    findings.push(...added);
    unstamped.push(...added);
  }
  stampRepoPaths(unstamped, o.cwd, root);
  if (o.baseline) applyBaseline(findings, readBaseline(o.baseline), o.baseline);
  findings.sort(byLocation);
  const profiles = [...new Set(jobs.flatMap((j) => j.settings.profiles))].map(profile);
  const linted = results.map((r) => r.linted);
  const rendered = finish?.json ? renderedOf(results) : undefined;
  const requirements = rendered ? [] : verdictsOf(results);
  return {
    report: {
      tool: TOOL,
      workingDirectory: o.cwd,
      repositoryRoot: root,
      files: linted,
      findings,
      notifications: dedupe(notifications),
      rules: [...ALL_RULE_META],
      profiles: profiles.map((p) => ({ id: p.id, name: p.name, document: p.document.title })),
      requirements,
    },
    failed: results.flatMap((r) => (r.failed ? [r.failed] : [])),
    ...(rendered && { rendered }),
  };
}

/** Every file's verdicts as JSON text: as its worker rendered them, or redacted and rendered here. */
function renderedOf(results: readonly FileResult[]): RenderedRequirements {
  const texts: string[][] = [];
  const counts: VerdictCounts[][] = [];
  for (const r of results) {
    if (r.verdictsJson !== undefined && r.verdictCounts) {
      texts.push(r.verdictsJson);
      counts.push(r.verdictCounts);
      continue;
    }
    const vs = verdictsOf([r]).map(redactVerdict);
    texts.push(renderRequirements(vs));
    counts.push(countVerdicts(vs));
  }
  return { texts, counts: mergeCounts(counts) };
}

/** The device families a profile has requirements for: what `--device` may name. */
export function deviceFamilies(p: Profile): string[] {
  const named = [
    ...(p.devices ?? []),
    ...p.flows.flatMap((f) => f.devices ?? []),
    ...(p.portForwards ?? []).flatMap((f) => f.devices ?? []),
  ];
  return [...new Set(named.map((d) => d.toLowerCase()))].sort();
}

/**
 * A `--device` value no profile of the run has requirements for is a typo (`snon`), which would
 * otherwise skip the device's requirements without a word. A directory of sites checked against
 * several profiles needs the family in one of them, not in each: the others ignore it.
 */
export function checkDevices(
  jobs: readonly { display: string; devices: readonly string[]; profiles: readonly Profile[] }[],
): void {
  // Per family given: the first file it applies to, and the profiles of every file it applies to.
  const given = new Map<string, { display: string; profiles: Set<Profile> }>();
  for (const j of jobs)
    for (const d of j.devices) {
      const key = d.toLowerCase();
      const seen = given.get(key) ?? { display: j.display, profiles: new Set<Profile>() };
      for (const p of j.profiles) seen.profiles.add(p);
      given.set(key, seen);
    }
  for (const [key, { display, profiles }] of given) {
    const families = [...new Set([...profiles].flatMap(deviceFamilies))].sort();
    if (families.includes(key)) continue;
    const ids = [...profiles].map((p) => p.id).join(', ');
    throw new UsageError(
      `${display}: --device '${key}': ${ids} ${profiles.size > 1 ? 'have' : 'has'} no requirements for this ` +
        `device family (families: ${families.join(', ') || 'none'})`,
      display,
    );
  }
}

/** In-process lint with one set of settings for every file (tests, benches, the corpus runner). */
export function lintFiles(
  files: readonly string[],
  profiles: readonly Profile[],
  vendor: Vendor | 'auto',
  opts: LintOptions,
  cwd = process.cwd(),
  parseOptions: ParseOptions = {},
): { report: Report; failed: ParseError[] } {
  const settings: FileSettings = {
    profiles: profiles.map((p) => p.id),
    phones: opts.phones,
    pcs: opts.pcs,
    servers: opts.servers,
    pbx: opts.pbx,
    wan: opts.wan,
    audiences: opts.audiences,
    devices: opts.devices,
    vendor,
    sysctl: undefined,
    rules: {},
  };
  checkDevices(files.map((file) => ({ display: displayPath(file, cwd), devices: opts.devices, profiles })));
  const results = files.map((file) =>
    lintOneFile(resolve(cwd, file), displayPath(file, cwd), settings, { profiles, parseOptions }),
  );
  const findings = results.flatMap((r) => r.findings).sort(byLocation);
  const root = repositoryRoot(cwd, process.env);
  stampRepoPaths(findings, cwd, root);
  return {
    report: {
      tool: TOOL,
      workingDirectory: cwd,
      repositoryRoot: root,
      files: results.map((r) => r.linted),
      findings,
      notifications: dedupe(results.flatMap((r) => r.notifications)),
      rules: [...ALL_RULE_META],
      profiles: profiles.map((p) => ({ id: p.id, name: p.name, document: p.document.title })),
      requirements: verdictsOf(results),
    },
    failed: results.flatMap((r) =>
      r.failed ? [new ParseError(r.failed.file, r.failed.line, r.failed.column, r.failed.message)] : [],
    ),
  };
}

const RULE_NAMES = new Map(ALL_RULE_META.map((m) => [m.id, m.name]));

/** Verdicts per file (those a worker finished, or assembled here). */
function verdictsOf(results: readonly FileResult[]): RequirementVerdict[] {
  return results.flatMap((r) => r.verdicts ?? fileVerdicts(r));
}

/** A file's verdicts, from its roster and its findings after suppressions; evidence lines quoted, redacted. */
function fileVerdicts(
  r: Pick<FileResult, 'linted' | 'roster' | 'findings' | 'lineTexts' | 'quotes'>,
): RequirementVerdict[] {
  return assembleVerdicts(r.roster, r.findings, RULE_NAMES).map((v) => {
    // v is fresh (assembleVerdicts): its evidence list is replaced, never changed in place.
    v.evidence = v.evidence.map((ev) => {
      const quote = ev.loc?.file === r.linted.path && !ev.fromDefault ? quoteFor(r, ev.loc) : undefined;
      return quote !== undefined ? Object.assign({}, ev, { quote }) : ev;
    });
    return v;
  });
}

function quoteFor(r: Pick<FileResult, 'quotes' | 'lineTexts'>, loc: SourceLocation): string | undefined {
  const q = r.quotes?.[quoteKey(loc)];
  return q === undefined ? quoteOf(r.lineTexts, loc) : (q ?? undefined);
}

/**
 * pfSense/OPNsense elements whose presence is their value (filter.inc tests them with isset()): an
 * empty `<not></not>` turns a destination into "everything except", `<any></any>` is the address,
 * `<quick></quick>` makes a floating rule first-match. A quote without them says something else.
 */
const PRESENCE_FLAGS: ReadonlySet<string> = new Set([
  'any',
  'not',
  'quick',
  'disabled',
  'log',
  'enable',
  'nonat',
  'nordr',
  'staticnatport',
  'nosync',
  'nopfsync',
  'allowopts',
  'disablereplyto',
  'nottagged',
  'blockpriv',
  'blockbogons',
  'disablefilter',
  'ipv6allow',
  'interfacenot',
  'source_not',
  'destination_not',
  'tcpflags_any',
  'noantilockout',
]);

/** Longest quote of configuration lines in evidence. */
const QUOTE_LINES = 16;
/** Lines of an object read to find them (pfSense rules hold many empty elements). */
const SCAN_LINES = 60;

/** Characters quoted of one line: `nft -j` writes a whole ruleset on one line of megabytes. */
const QUOTE_WIDTH = 200;

/**
 * A line without its trailing space, cut to QUOTE_WIDTH characters from the cause's column (where
 * it ends on this line, up to the width) with "…" where text was left out. The cut comes before the
 * redaction, which then sees whole words on both sides of the cause.
 */
function clip(t: string, column: number, endColumn: number | undefined): string {
  const line = t.trimEnd(); // not /\s+$/: V8 retries it at every space of a long run (quadratic)
  if (line.length <= QUOTE_WIDTH) return line;
  const from = Math.max(0, Math.min(column - 1, line.length - QUOTE_WIDTH));
  const to = Math.min(
    line.length,
    from + Math.max(1, Math.min(QUOTE_WIDTH, (endColumn ?? from + QUOTE_WIDTH + 1) - 1 - from)),
  );
  let cut = line.slice(from, to);
  // Never end or start inside a word a secret pattern needs whole: back off to the last separator.
  if (to < line.length) cut = cut.replace(/[^\s,;:{}[\]()"'<>]*$/, '') || cut;
  // Only indentation before the cause is no cut.
  const lead = line.slice(0, from).trim() !== '';
  if (lead) cut = cut.replace(/^[^\s,;:{}[\]()"'<>]*/, '') || cut;
  return (lead ? '…' : '') + cut + (to < line.length ? '…' : '');
}

/** The lines of `loc` (at most QUOTE_LINES, each at most QUOTE_WIDTH characters), redacted, with their common indentation removed. */
function quoteOf(texts: Record<number, string>, loc: SourceLocation): string | undefined {
  const lines: string[] = [];
  let l = loc.line;
  for (; l <= Math.min(loc.endLine, loc.line + SCAN_LINES - 1) && lines.length < QUOTE_LINES; l++) {
    const t = texts[l];
    if (t === undefined) break;
    // Empty XML elements (`<tag></tag>`, `<x/>`) say nothing about the rule, unless their presence is the setting.
    const empty = /^\s*(?:<([\w:-]+)>\s*<\/\1>|<([\w:-]+)\s*\/>)\s*$/.exec(t);
    if (empty && !PRESENCE_FLAGS.has(empty[1] ?? empty[2] ?? '')) continue;
    lines.push(redactText(clip(t, l === loc.line ? loc.column : 1, l === loc.endLine ? loc.endColumn : undefined)));
  }
  if (lines.length === 0) return undefined;
  const indent = Math.min(...lines.filter((x) => x.trim()).map((x) => /^\s*/.exec(x)?.[0].length ?? 0));
  const more = l <= loc.endLine ? ['…'] : [];
  return [...lines.map((l) => l.slice(indent)), ...more].join('\n');
}

/**
 * Findings at or above `failOn` that are not suppressed decide exit code 1; parse failures give 2.
 * `incomplete` also fails when any requirement was not checked (requirements fwlint does not model aside).
 */
export function exitCode(report: Report, failed: readonly unknown[], failOn: FailOn | readonly FailOn[]): number {
  if (failed.length > 0) return 2;
  const levels = typeof failOn === 'string' ? [failOn] : failOn;
  // Requirements fwlint does not model are never checked: no flag can complete them.
  if (levels.includes('incomplete') && report.requirements?.some(leavesIncomplete)) return 1;
  // `incomplete` adds to the level (default error); `none` alone never fails on findings.
  const level = levels.find((l) => l !== 'incomplete') ?? 'error';
  return report.findings.some((f) => !f.suppressions?.length && reachesFailOn(f.level, level)) ? 1 : 0;
}

/** Paths in reports are relative to the working directory with forward slashes, as SARIF consumers expect. */
export function displayPath(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  const shown = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
  return shown.split(sep).join('/');
}

function byLocation(a: Finding, b: Finding): number {
  return (
    a.loc.file.localeCompare(b.loc.file) ||
    a.loc.line - b.loc.line ||
    a.loc.column - b.loc.column ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

function dedupe(ns: Notification[]): Notification[] {
  const seen = new Set<string>();
  return ns.filter((n) => (seen.has(n.message) ? false : (seen.add(n.message), true)));
}
