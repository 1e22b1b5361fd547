/**
 * SARIF 2.1.0 reporter for GitHub code scanning (and any SARIF viewer).
 *
 * The output passes the Microsoft SARIF validator with `--rule-kind "Gh;Sarif"` with no errors
 * and no warnings (test/reporters/reporters.test.ts). Remaining validator *notes* are deliberate:
 *  - SARIF2002 (use message ids/arguments): GitHub needs `message.text` anyway.
 *  - SARIF2003/2013/2010/2011 (version control provenance, embedded content, snippets, context
 *    regions): a firewall export holds secrets (PSKs, password hashes, SNMP communities), so
 *    fwlint never copies any of its text into the log.
 *  - SARIF2012 Pascal-case names: rule `name` is the kebab-case name used on the command line
 *    and in the docs (ESLint style). Each rule has `helpUri` to docs/rules/<id>.md in the
 *    repository (generated from the rule metadata), and `help.markdown` carries the full help.
 *
 * Decisions:
 *  - Locations: `artifactLocation.uri` is the path relative to the repository root (the git top
 *    level, or $GITHUB_WORKSPACE; `report.repositoryRoot`), forward slashes, percent-encoded per
 *    segment, with `uriBaseId: "%SRCROOT%"`; `originalUriBaseIds["%SRCROOT%"]` is that root as
 *    an absolute `file://` URI ending in `/`. So the log (and its fingerprints) is the same
 *    whether fwlint runs from the root or a subfolder. A file outside the root gets an absolute
 *    `file://` URI without `uriBaseId` (validator note SARIF2016), and only then
 *    `invocations[0].workingDirectory` is written (validator rule GH1006).
 *  - Regions: 1-based lines and columns; `endLine` inclusive; `endColumn` (when the parser knows
 *    it) exclusive, as SARIF defines it; `columnKind: "utf16CodeUnits"` (JavaScript string
 *    indices). Never a `snippet`.
 *  - Fingerprints: see fingerprint.ts (content-based `fwlint/v1` and `primaryLocationLineHash`).
 *  - Related locations get ids 1..n and are referenced from the message text as SARIF embedded
 *    links (`[text](1)`), which is what makes GitHub show them as links.
 *  - `executionSuccessful` is false when any file could not be parsed (its analysis did not
 *    complete); each such file also gets an error-level `toolExecutionNotification`, besides
 *    its FWL901 result. Run notifications (assumptions, skipped requirements) become
 *    `toolExecutionNotifications` with their level; one about a requirement fwlint does not model
 *    carries its provider document as a result does (`properties.providerDocument`).
 *  - Rule properties: `tags`, `precision`, `security-severity` as a string with one decimal only
 *    for rules tagged "security" (exposure to the Internet: FWL004, FWL010) — blocked flows,
 *    parse errors and unmodelled statements are reliability problems, not security alerts —
 *    and `problem.severity` (error|warning|recommendation from the default level).
 *    Descriptions are clipped to GitHub's 1024 characters, tags to 20. Multi-line per-vendor
 *    fix texts that are not Markdown lists are fenced in help.markdown.
 *  - `automationDetails.id` is written only when given (`--sarif-category`); without it
 *    upload-sarif's `category` input decides.
 *  - At most 25,000 results per run (GitHub's limit), the most severe first; a warning
 *    notification says how many were left out. Results carry `properties.requirements`.
 *  - Messages: `text` is the one-sentence headline plus the details; `markdown` sets the
 *    headline in bold above the details.
 */
import path from 'node:path';
import type * as Sarif from 'sarif';
import type { Finding } from '../model/finding.js';
import type { SourceLocation } from '../model/location.js';
import type { Severity } from '../model/profile.js';
import type { Vendor } from '../model/policy.js';
import type { Report, RuleMeta } from '../model/report.js';
import { partialFingerprints, fingerprint } from './fingerprint.js';
import { sortFindings } from './json.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const SRCROOT = '%SRCROOT%';

/** GitHub code scanning limits (landscape.md (d)). */
const MAX_DESCRIPTION = 1024;
const MAX_NAME = 255;
const MAX_TAGS = 20;
/** GitHub keeps up to 1,000 locations per result; related locations beyond that are dropped. */
const MAX_RELATED = 1000;
/** Related locations linked from the message text (the rest are still listed). */
const MAX_LINKED_RELATED = 10;

export interface SarifOptions {
  /** run.automationDetails.id (`--sarif-category`); without it there is none and upload-sarif sets the category. */
  automationId?: string;
  /** Most results in one run (GitHub rejects runs over 25,000). */
  maxResults?: number;
}

/** GitHub code scanning accepts at most 25,000 results per run. */
export const MAX_RESULTS = 25_000;

/** Rule documentation in the repository (docs/rules/<id>.md, generated from the rule metadata). */
export const DOCS_BASE = 'https://github.com/fwlint/fwlint/blob/main/docs/rules/';

const VENDOR_LABEL: Record<Vendor | 'generic', string> = {
  pfsense: 'pfSense',
  opnsense: 'OPNsense',
  fortigate: 'FortiGate (FortiOS)',
  mikrotik: 'MikroTik RouterOS',
  nftables: 'nftables (Linux)',
  generic: 'Other platforms',
};
const VENDOR_ORDER: (Vendor | 'generic')[] = ['pfsense', 'opnsense', 'fortigate', 'mikrotik', 'nftables', 'generic'];

const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'recommendation' };

// ---------------------------------------------------------------------------------------------
// URIs

/** Percent-encode each path segment (spaces, '#', '?', '%', ':' …); '/' stays the separator. */
function encodeSegments(p: string, keepDrive = false): string {
  return p
    .split('/')
    .map((seg, i) => (keepDrive && i === 1 && /^[A-Za-z]:$/.test(seg) ? seg : encodeURIComponent(seg)))
    .join('/');
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:\//.test(p);
}

/** Absolute file:// URI for an absolute path (POSIX or Windows, forward or back slashes). */
export function fileUri(absPath: string, directory = false): string {
  let p = path.posix.normalize(absPath.replace(/\\/g, '/'));
  if (!p.startsWith('/')) p = '/' + p; // C:/x → /C:/x
  if (directory && !p.endsWith('/')) p += '/';
  return 'file://' + encodeSegments(p, true); // "/C:/x": keep the drive letter's colon
}

interface UriParts {
  uri: string;
  uriBaseId?: string;
}

/**
 * How a path from the report is written in SARIF: relative to %SRCROOT% (the repository root)
 * when the file is inside it, else an absolute file:// URI. Relative paths in the report are
 * relative to the working directory.
 */
export function artifactUri(file: string, workingDirectory: string, root = workingDirectory): UriParts {
  const norm = (d: string) => path.posix.normalize(d.replace(/\\/g, '/')).replace(/\/+$/, '');
  const wd = norm(workingDirectory);
  const base = norm(root);
  const p = file.replace(/\\/g, '/');
  const abs = isAbsolutePath(p) ? path.posix.normalize(p) : path.posix.join(wd === '' ? '/' : wd, p);
  if (base !== '' && abs.startsWith(base + '/'))
    return { uri: encodeSegments(abs.slice(base.length + 1)), uriBaseId: SRCROOT };
  return { uri: fileUri(abs) };
}

// ---------------------------------------------------------------------------------------------
// Rules

function clip(text: string, max: number): string {
  const t = text.trim();
  return t.length <= max ? t : t.slice(0, max - 1) + '…';
}

function nonEmpty(text: string | undefined, fallback: string): string {
  return text !== undefined && text.trim() !== '' ? text : fallback;
}

function securitySeverity(n: number): string | undefined {
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.min(10, Math.max(0.1, n)).toFixed(1);
}

function sourcesMarkdown(report: Report): string[] {
  if (report.profiles.length === 0) return [];
  return [
    '## Provider documents',
    '',
    'The requirement behind each result is named in its properties (`profile`, `requirement`); it comes from:',
    '',
    ...report.profiles.map((p) => `- **${p.name}** (profile \`${p.id}\`): ${p.document}`),
    '',
  ];
}

function sourcesText(report: Report): string[] {
  if (report.profiles.length === 0) return [];
  return ['Provider documents:', ...report.profiles.map((p) => `  ${p.name} (profile ${p.id}): ${p.document}`), ''];
}

function fixEntries(rule: RuleMeta): [Vendor | 'generic', string][] {
  const entries: [Vendor | 'generic', string][] = [];
  for (const v of VENDOR_ORDER) {
    const text = rule.help.fix[v];
    if (text !== undefined && text.trim() !== '') entries.push([v, text.trim()]);
  }
  return entries;
}

function helpText(rule: RuleMeta, report: Report): string {
  const lines = [`What: ${rule.help.what.trim()}`, '', `Why: ${rule.help.why.trim()}`, ''];
  const fixes = fixEntries(rule);
  if (fixes.length > 0) {
    lines.push('How to fix:');
    for (const [v, text] of fixes) {
      lines.push(`  ${VENDOR_LABEL[v]}:`);
      for (const l of text.split(/\r?\n/)) lines.push(`    ${l}`);
    }
    lines.push('');
  }
  lines.push(...sourcesText(report));
  return lines.join('\n').trim();
}

/**
 * A fix text as Markdown. Single-line texts, texts already using fences and texts that are a
 * Markdown list pass through; other multi-line texts (CLI blocks such as FortiOS
 * `config … end`) are fenced so their line breaks and indentation survive.
 */
function fixMarkdown(text: string): string {
  const lines = text.split(/\r?\n/);
  if (lines.length === 1 || text.includes('```')) return text;
  const isList = lines.filter((l) => l.trim() !== '').every((l) => /^\s*([-*+]|\d+[.)])\s/.test(l));
  return isList ? text : '```text\n' + text + '\n```';
}

function helpMarkdown(rule: RuleMeta, report: Report): string {
  const lines = [
    `# ${rule.id} ${rule.name}`,
    '',
    '## What',
    '',
    rule.help.what.trim(),
    '',
    '## Why',
    '',
    rule.help.why.trim(),
    '',
  ];
  const fixes = fixEntries(rule);
  if (fixes.length > 0) {
    lines.push('## How to fix', '');
    for (const [v, text] of fixes) lines.push(`### ${VENDOR_LABEL[v]}`, '', fixMarkdown(text), '');
  }
  lines.push(...sourcesMarkdown(report));
  return lines.join('\n').trim();
}

function ruleDescriptor(rule: RuleMeta, report: Report): Sarif.ReportingDescriptor {
  // GitHub treats a rule with security-severity as a security query ("@tags includes security").
  // Only rules whose impact is security (exposure to the Internet) are: a blocked flow or a parse
  // error is a reliability problem, not a security alert.
  const tags = [...new Set(rule.tags)];
  const sev = tags.includes('security') ? securitySeverity(rule.securitySeverity) : undefined;
  const properties: Sarif.PropertyBag = { tags: tags.slice(0, MAX_TAGS), precision: rule.precision };
  if (sev !== undefined) properties['security-severity'] = sev;
  properties['problem.severity'] = PROBLEM_SEVERITY[rule.defaultLevel];
  const short = nonEmpty(rule.shortDescription, rule.name);
  return {
    id: rule.id,
    name: clip(rule.name, MAX_NAME),
    shortDescription: { text: clip(short, MAX_DESCRIPTION) },
    fullDescription: { text: clip(nonEmpty(rule.fullDescription, short), MAX_DESCRIPTION) },
    helpUri: `${DOCS_BASE}${rule.id}.md`,
    help: { text: helpText(rule, report), markdown: helpMarkdown(rule, report) },
    defaultConfiguration: { level: rule.defaultLevel },
    properties,
  };
}

/** Descriptor for a rule id that a finding uses but report.rules lacks (should not happen). */
function fallbackDescriptor(f: Finding): Sarif.ReportingDescriptor {
  const text = `${f.ruleId} ${f.ruleName}`;
  return {
    id: f.ruleId,
    name: clip(f.ruleName, MAX_NAME),
    shortDescription: { text },
    fullDescription: { text },
    help: { text: `${text}: no rule metadata was provided for this rule.` },
    defaultConfiguration: { level: f.level },
    properties: { tags: [], 'problem.severity': PROBLEM_SEVERITY[f.level] },
  };
}

// ---------------------------------------------------------------------------------------------
// Results

function region(loc: SourceLocation): Sarif.Region {
  const startLine = Math.max(1, Math.trunc(loc.line));
  const startColumn = Math.max(1, Math.trunc(loc.column));
  const endLine = Math.max(startLine, Math.trunc(loc.endLine));
  const r: Sarif.Region = { startLine, startColumn, endLine };
  if (loc.endColumn !== undefined) {
    const endColumn = Math.trunc(loc.endColumn);
    if (endColumn >= 1 && (endLine > startLine || endColumn >= startColumn)) r.endColumn = endColumn;
  }
  return r;
}

/** SARIF plain-text messages treat `[text](id)` as links (§3.11.6); escape literal brackets. */
function escapeBrackets(text: string): string {
  return text.replace(/[[\]]/g, '\\$&');
}

/** Escape brackets only where the text could be read as an embedded link (`](`). */
function escapeLinkLike(text: string): string {
  return text.includes('](') ? escapeBrackets(text) : text;
}

function oneLine(text: string): string {
  // Each whitespace run is matched once (linear); `\s*[\r\n]+\s*` backtracked over long runs without a newline.
  return text.replace(/\s+/g, (run) => (/[\r\n]/.test(run) ? ' ' : run)).trim();
}

function sentence(text: string): string {
  const t = text.trim();
  return /[.!?]$/.test(t) ? t : t + '.';
}

class Locator {
  readonly artifactIndex = new Map<string, number>();
  readonly root: string;

  constructor(private readonly report: Report) {
    this.root = report.repositoryRoot ?? report.workingDirectory;
    report.files.forEach((f, i) => {
      if (!this.artifactIndex.has(f.path)) this.artifactIndex.set(f.path, i);
    });
  }

  artifactLocation(file: string): Sarif.ArtifactLocation {
    const { uri, uriBaseId } = artifactUri(file, this.report.workingDirectory, this.root);
    const a: Sarif.ArtifactLocation = { uri };
    if (uriBaseId !== undefined) a.uriBaseId = uriBaseId;
    const index = this.artifactIndex.get(file);
    if (index !== undefined) a.index = index;
    return a;
  }

  physical(loc: SourceLocation): Sarif.PhysicalLocation {
    return { artifactLocation: this.artifactLocation(loc.file), region: region(loc) };
  }
}

const LEVEL_RANK: Record<Severity, number> = { error: 3, warning: 2, note: 1 };

/** The paths of the report's files, as written in texts, rewritten relative to the repository root. */
function rootRelativePaths(report: Report, root: string): (text: string) => string {
  const pairs = report.files
    .map((f) => {
      const a = artifactUri(f.path, report.workingDirectory, root);
      return [f.path, a.uriBaseId ? decodeURIComponent(a.uri) : f.path] as const;
    })
    .filter(([from, to]) => from !== to)
    .sort((a, b) => b[0].length - a[0].length);
  return (text) => pairs.reduce((t, [from, to]) => (t.startsWith(from) ? to + t.slice(from.length) : t), text);
}

/** Message text (headline, details, related links) and Markdown (headline in bold, details below). */
function resultMessageOf(f: Finding, fallback: string): Sarif.Message {
  const text = resultMessage(f, fallback);
  if (!f.details) return { text };
  const details = escapeLinkLike(oneLine(f.details));
  return { text, markdown: `**${escapeBrackets(oneLine(f.message))}**\n\n${details}` };
}

function resultMessage(f: Finding, fallback: string): string {
  const full = f.details ? `${sentence(f.message)} ${f.details}` : f.message;
  const base = escapeLinkLike(oneLine(nonEmpty(full, fallback)));
  const related = f.related ?? [];
  if (related.length === 0) return base;
  const links = related
    .slice(0, MAX_LINKED_RELATED)
    .map((r, i) => `[${escapeBrackets(oneLine(nonEmpty(r.message, 'related location')))}](${i + 1})`);
  const more = related.length > MAX_LINKED_RELATED ? ` and ${related.length - MAX_LINKED_RELATED} more` : '';
  return `${sentence(base)} See ${links.join('; ')}${more}.`;
}

// ---------------------------------------------------------------------------------------------

export function toSarifLog(report: Report, options: SarifOptions = {}): Sarif.Log {
  const locator = new Locator(report);

  const rules = report.rules.map((r) => ruleDescriptor(r, report));
  const ruleIndex = new Map<string, number>();
  rules.forEach((r, i) => {
    if (!ruleIndex.has(r.id)) ruleIndex.set(r.id, i);
  });
  /** The index of the finding's rule, adding a fallback descriptor for a rule the report does not list. */
  const indexOfRule = (f: Finding): number => {
    let index = ruleIndex.get(f.ruleId);
    if (index === undefined) {
      index = rules.length;
      ruleIndex.set(f.ruleId, index);
      rules.push(fallbackDescriptor(f));
    }
    return index;
  };
  for (const f of report.findings) indexOfRule(f);

  const occurrences = new Map<string, number>();
  const max = options.maxResults ?? MAX_RESULTS;
  const ordered = sortFindings(report)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => LEVEL_RANK[b.f.level] - LEVEL_RANK[a.f.level] || a.i - b.i)
    .map((x) => x.f);
  const kept = ordered.slice(0, max);
  const leftOut = ordered.length - kept.length;
  const results: Sarif.Result[] = kept.map((f) => {
    const index = indexOfRule(f);
    const fp = fingerprint(f);
    const occurrence = (occurrences.get(fp) ?? 0) + 1;
    occurrences.set(fp, occurrence);
    const properties: Sarif.PropertyBag = {
      fromDefault: f.fromDefault === true,
      uncertain: f.uncertain === true,
    };
    if (f.profile !== undefined) properties.profile = f.profile;
    if (f.requirement !== undefined) {
      properties.requirement = f.requirement;
      properties.requirements = [f.requirement];
    }
    if (f.source !== undefined) properties.providerDocument = { section: f.source.section, quote: f.source.quote };
    if (f.firewall !== undefined) properties.firewall = f.firewall;
    const result: Sarif.Result = {
      ruleId: f.ruleId,
      ruleIndex: index,
      level: f.level,
      message: resultMessageOf(f, rules[index]?.shortDescription?.text ?? f.ruleId),
      locations: [{ physicalLocation: locator.physical(f.loc) }],
    };
    const related = (f.related ?? []).slice(0, MAX_RELATED);
    if (related.length > 0) {
      result.relatedLocations = related.map((r, i) => ({
        id: i + 1,
        physicalLocation: locator.physical(r.loc),
        message: { text: nonEmpty(r.message, 'related location').trim() },
      }));
    }
    result.partialFingerprints = partialFingerprints(f, occurrence);
    if (f.suppressions?.length)
      result.suppressions = f.suppressions.map((s) => ({
        kind: s.kind,
        status: 'accepted',
        justification: `${s.justification} (${s.source})`,
      }));
    result.properties = properties;
    return result;
  });

  const notificationsLeftOut: Sarif.Notification[] = [];
  const rootPath = rootRelativePaths(report, locator.root);
  if (leftOut > 0)
    notificationsLeftOut.push({
      level: 'warning',
      message: {
        text:
          `${leftOut} of ${ordered.length} results left out: GitHub code scanning accepts at most ${max} per run. ` +
          'The most severe are kept; the JSON format lists all of them.',
      },
    });
  const notifications: Sarif.Notification[] = report.notifications.map((n) => {
    const out: Sarif.Notification = {
      level: n.level,
      message: { text: rootPath(nonEmpty(n.message, 'notification')) },
    };
    if (n.loc) out.locations = [{ physicalLocation: locator.physical(n.loc) }];
    const document = notModelledSource(report, n);
    if (document) out.properties = document;
    return out;
  });
  notifications.unshift(...notificationsLeftOut);
  for (const file of report.files) {
    if (!file.failed) continue;
    const cause = report.findings.find((f) => f.loc.file === file.path && f.ruleId === 'FWL901');
    const out: Sarif.Notification = {
      level: 'error',
      message: {
        text: cause ? `Could not parse '${file.path}': ${cause.message}` : `Could not parse '${file.path}'.`,
      },
      locations: [
        {
          physicalLocation: cause
            ? locator.physical(cause.loc)
            : { artifactLocation: locator.artifactLocation(file.path), region: { startLine: 1 } },
        },
      ],
    };
    if (cause) out.associatedRule = { id: cause.ruleId, index: indexOfRule(cause) };
    notifications.push(out);
  }

  const artifacts: Sarif.Artifact[] = report.files.map((f) => {
    const properties: Sarif.PropertyBag = { firewalls: [...f.firewalls], parseFailed: f.failed === true };
    if (f.vendor !== undefined) properties.vendor = f.vendor;
    if (f.version !== undefined) properties.vendorVersion = f.version;
    const { uri, uriBaseId } = artifactUri(f.path, report.workingDirectory, locator.root);
    return {
      location: uriBaseId !== undefined ? { uri, uriBaseId } : { uri },
      roles: ['analysisTarget'],
      properties,
    };
  });

  const rootUri = fileUri(locator.root, true);
  const invocation: Sarif.Invocation = { executionSuccessful: !report.files.some((f) => f.failed) };
  // The working directory differs between runs from the root and from a subfolder; name it only
  // when some URI is absolute and needs it (GH1006).
  const absolute = artifacts.some((a) => a.location?.uriBaseId === undefined);
  if (absolute) invocation.workingDirectory = { uri: fileUri(report.workingDirectory, true) };
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: report.tool.name,
        fullName: `${report.tool.name} ${report.tool.version}`,
        semanticVersion: report.tool.version,
        version: report.tool.version,
        informationUri: report.tool.informationUri,
        rules,
      },
    },
    ...(options.automationId !== undefined ? { automationDetails: { id: options.automationId } } : {}),
    originalUriBaseIds: { [SRCROOT]: { uri: rootUri } },
    invocations: [invocation],
    ...(artifacts.length > 0 ? { artifacts } : {}),
    results,
    columnKind: 'utf16CodeUnits',
  };
  return { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
}

/** SARIF 2.1.0 log as text (2-space indentation, trailing newline). */
export function formatSarif(report: Report, options: SarifOptions = {}): string {
  return JSON.stringify(toSarifLog(report, options), null, 2) + '\n';
}

/**
 * A requirement fwlint does not model has no result to carry its provider document: its notification
 * carries it, under the names a result uses (`profile`, `requirements`, `providerDocument`, `firewall`).
 */
function notModelledSource(report: Report, n: Report['notifications'][number]): Sarif.PropertyBag | undefined {
  const nc = n.notChecked;
  const [id, ...more] = nc?.requirements ?? [];
  if (!nc || id === undefined || more.length > 0) return undefined;
  const v = report.requirements?.find(
    (r) => r.kind === 'not-modelled' && r.profile === nc.profile && r.id === id && r.source !== undefined,
  );
  if (!v?.source) return undefined;
  return {
    profile: nc.profile,
    requirements: [id],
    providerDocument: { section: v.source.section, quote: v.source.quote },
    ...(nc.firewall !== undefined ? { firewall: nc.firewall } : {}),
  };
}
