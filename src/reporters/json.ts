/**
 * JSON reporter: a documented, stable, machine-readable shape (also in docs/json-format.md).
 *
 * Shape, version 1. Keys marked `?` are omitted when they have no value; every other key is
 * always present. New keys may be added in a later version 1 output; existing keys never change
 * meaning or type without bumping `version`.
 *
 * {
 *   "version": 1,
 *   "tool": { "name": "fwlint", "version": "0.1.0", "informationUri": "https://…" },
 *   "profiles": [ { "id": "ipnordic", "name": "ipnordic", "document": "…" } ],
 *   "files": [
 *     { "path": "fw/site-a.xml", "vendor"?: "pfsense", "version"?: "2.7.2",
 *       "firewalls": ["site-a"], "failed": false }
 *   ],
 *   "findings": [
 *     {
 *       "ruleId": "FWL003",              // stable id
 *       "ruleName": "sip-alg-enabled",   // kebab-case rule name
 *       "level": "error",                // "error" | "warning" | "note"
 *       "message": "…",
 *       "file": "fw/site-a.xml",         // path as given, relative to the working directory
 *       "line": 12, "column": 5,         // 1-based
 *       "endLine": 12,                   // 1-based, inclusive
 *       "endColumn"?: 30,                // 1-based, exclusive (as in SARIF)
 *       "firewall"?: "root",             // firewall/VDOM when the file holds several
 *       "profile"?: "ipnordic",          // provider profile id
 *       "requirement"?: "sip-udp-5060",  // requirement id inside the profile
 *       "source"?: { "section": "...", "quote": "..." },  // where the provider document says so
 *       "fromDefault": false,            // the cause is a platform default, not a line in the file
 *       "uncertain": false,              // vendor documentation does not confirm the semantics
 *       "fingerprint": "3f2a…",          // 32 hex chars, content-based, stable across line moves
 *       "related": [ { "file": "…", "line": 40, "column": 3, "endLine": 44, "message": "…" } ]
 *     }
 *   ],
 *   "notifications": [
 *     { "level": "note", "message": "…", "file"?: "…", "line"?: 1, "column"?: 1,
 *       "endLine"?: 1, "endColumn"?: 2 }
 *   ],
 *   "requirements": [                    // one per requirement of every profile on every firewall
 *     { "id": "ipnordic-sip-udp", "profile": "ipnordic", "file": "fw/site-a.xml", "firewall"?: "fw-office",
 *       "kind": "flow",                   // "flow" | "setting" | "port-forward" | "not-modelled"
 *       "description": "…", "status": "fail", // "pass" | "fail" | "uncertain" | "not-checked"
 *       "severity": "error", "why": "…",  // the deciding rule or default; or what is missing to check it
 *       "checkedBy": "FWL001",            // "none" for a not-modelled requirement
 *       "findings": ["3f2a…"],            // fingerprints of the findings behind fail/uncertain
 *       "evidence": [ { "text": "…", "file"?: "…", "line"?: 185, "column"?: 3, "quote"?: "…",
 *                       "fromDefault"?: true } ],
 *       "accepted"?: true,                // every finding behind it is suppressed
 *       "source"?: { "section": "…", "quote": "…" } }
 *   ],
 *   "summary": { "errors": 1, "warnings": 0, "notes": 0, "suppressed": 0,
 *                "requirements": [ { "profile": "ipnordic", "pass": 24, "fail": 3, "uncertain": 0, "notChecked": 2,
 *                                  "notModelled": 1 } ] }   // of notChecked: not modelled by fwlint
 * }
 *
 * A finding's `message` is one sentence (at most 120 characters) saying what is wrong; `details`
 * (omitted when empty) holds the flows, ports, networks, the deciding rule and the fix.
 *
 * Findings are sorted by file (in the order of `files`, then unknown files by name), line,
 * column, rule id and fingerprint, so the output is deterministic for the same input.
 *
 * This module also holds the small helpers the text and SARIF reporters share (ordering,
 * counting), so that all three formats agree.
 */
import type { Finding } from '../model/finding.js';
import type { Evidence, LintedFile, Notification, Report, RequirementVerdict, SiteReport } from '../model/report.js';
import { countVerdicts, type VerdictCounts } from '../verdicts/assemble.js';
import type { Severity } from '../model/profile.js';
import { fingerprint } from './fingerprint.js';

export const JSON_FORMAT_VERSION = 1;

export interface JsonRelated {
  file: string;
  line: number;
  column: number;
  endLine: number;
  message: string;
}

export interface JsonFinding {
  ruleId: string;
  ruleName: string;
  level: Severity;
  message: string;
  details?: string;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn?: number;
  firewall?: string;
  profile?: string;
  requirement?: string;
  source?: { section: string; quote: string };
  fromDefault: boolean;
  uncertain: boolean;
  fingerprint: string;
  suppressed: boolean;
  suppressions?: { kind: 'inSource' | 'external'; justification: string; source: string }[];
  related: JsonRelated[];
}

export interface JsonNotification {
  level: Severity;
  message: string;
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

export interface JsonFile {
  path: string;
  vendor?: string;
  version?: string;
  firewalls: string[];
  /** The site of each firewall: roles, networks, source and evidence (docs/site-detection.md). */
  sites?: SiteReport[];
  failed: boolean;
}

export interface JsonSummary {
  errors: number;
  warnings: number;
  notes: number;
  /** Findings accepted by a suppression or the baseline; not in the counts above. */
  suppressed: number;
  /** Verdict counts per profile. */
  requirements?: VerdictCounts[];
}

export interface JsonEvidence {
  text: string;
  file?: string;
  line?: number;
  column?: number;
  quote?: string;
  fromDefault?: boolean;
}

export interface JsonRequirement extends Omit<RequirementVerdict, 'evidence'> {
  evidence: JsonEvidence[];
}

export interface JsonReport {
  version: typeof JSON_FORMAT_VERSION;
  tool: { name: string; version: string; informationUri: string };
  profiles: { id: string; name: string; document: string }[];
  files: JsonFile[];
  findings: JsonFinding[];
  notifications: JsonNotification[];
  requirements: JsonRequirement[];
  summary: JsonSummary;
}

/** Count active findings per level, and the suppressed ones apart. */
export function summarize(findings: readonly Finding[]): JsonSummary {
  const summary: JsonSummary = { errors: 0, warnings: 0, notes: 0, suppressed: 0 };
  for (const f of findings) {
    if (f.suppressions?.length) summary.suppressed++;
    else if (f.level === 'error') summary.errors++;
    else if (f.level === 'warning') summary.warnings++;
    else summary.notes++;
  }
  return summary;
}

/**
 * Failing requirements not accepted (suppressed or baselined). With no finding left in the report,
 * their findings were left out (--quiet keeps errors only): a summary must not say "no problems".
 */
export function unacceptedFailures(vs: readonly RequirementVerdict[]): number {
  return vs.filter((v) => v.status === 'fail' && v.accepted !== true).length;
}

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Findings in a deterministic order: by file (files in report order first, then any other file
 * by name), line, column, rule id, then fingerprint. Does not modify the report.
 */
export function sortFindings(report: Report): Finding[] {
  return sortedWithFingerprints(report).map((k) => k.f);
}

/** sortFindings with each finding's fingerprint, computed once (the JSON report writes it). */
function sortedWithFingerprints(report: Report): { f: Finding; fp: string }[] {
  const fileRank = new Map<string, number>();
  report.files.forEach((f, i) => {
    if (!fileRank.has(f.path)) fileRank.set(f.path, i);
  });
  const rank = (file: string): number => fileRank.get(file) ?? Number.MAX_SAFE_INTEGER;
  const keyed = report.findings.map((f) => ({ f, fp: fingerprint(f) }));
  keyed.sort(
    (x, y) =>
      cmp(rank(x.f.loc.file), rank(y.f.loc.file)) ||
      cmp(x.f.loc.file, y.f.loc.file) ||
      cmp(x.f.loc.line, y.f.loc.line) ||
      cmp(x.f.loc.column, y.f.loc.column) ||
      cmp(x.f.ruleId, y.f.ruleId) ||
      cmp(x.fp, y.fp),
  );
  return keyed;
}

function toJsonFinding(f: Finding, fp: string): JsonFinding {
  // Keys in a fixed order for readable, diffable output.
  return {
    ruleId: f.ruleId,
    ruleName: f.ruleName,
    level: f.level,
    message: f.message,
    ...(f.details ? { details: f.details } : {}),
    file: f.loc.file,
    line: f.loc.line,
    column: f.loc.column,
    endLine: f.loc.endLine,
    ...(f.loc.endColumn !== undefined ? { endColumn: f.loc.endColumn } : {}),
    ...(f.firewall !== undefined ? { firewall: f.firewall } : {}),
    ...(f.profile !== undefined ? { profile: f.profile } : {}),
    ...(f.requirement !== undefined ? { requirement: f.requirement } : {}),
    ...(f.source !== undefined ? { source: { section: f.source.section, quote: f.source.quote } } : {}),
    fromDefault: f.fromDefault === true,
    uncertain: f.uncertain === true,
    fingerprint: fp,
    suppressed: (f.suppressions?.length ?? 0) > 0,
    ...(f.suppressions?.length
      ? {
          suppressions: f.suppressions.map((s) => ({ kind: s.kind, justification: s.justification, source: s.source })),
        }
      : {}),
    related: (f.related ?? []).map((r) => ({
      file: r.loc.file,
      line: r.loc.line,
      column: r.loc.column,
      endLine: r.loc.endLine,
      message: r.message,
    })),
  };
}

/** Build the version-1 JSON object (exported for callers that want the object, not the text). */
export function toJsonReport(report: Report): JsonReport {
  const m = jsonMembers(report);
  if (m.requirements instanceof Rendered) throw new Error('unreachable: no rendered requirements given');
  return {
    version: m.version,
    tool: m.tool,
    profiles: m.profiles,
    files: m.files.all(),
    findings: m.findings.all(),
    notifications: m.notifications.all(),
    requirements: m.requirements.all(),
    summary: m.summary,
  };
}

/**
 * The requirement verdicts of a run as the JSON report's text, made where each file was linted
 * (renderRequirements) instead of by formatJsonChunks: a directory run's verdicts are most of its
 * report (tens of thousands of objects), and as text they are neither copied between threads as
 * objects nor converted at the end of the run. The verdicts must be redacted before they are rendered.
 */
export interface RenderedRequirements {
  /** Per file, in report order: its verdicts' elements (renderRequirements). */
  texts: (readonly string[])[];
  /** The verdicts' counts per profile, as countVerdicts gives them for the whole run. */
  counts: VerdictCounts[];
}

/**
 * Verdicts as elements of the report's `requirements` array, one text each: a text with one character
 * beyond Latin-1 (an evidence quote's "…") takes two bytes a character, and only for that verdict.
 */
export function renderRequirements(vs: readonly RequirementVerdict[]): string[] {
  return vs.map((v) => element(toJsonRequirement(v)));
}

/** Counts of several parts of a run (each countVerdicts of its verdicts, in run order) as countVerdicts of all. */
export function mergeCounts(parts: readonly (readonly VerdictCounts[])[]): VerdictCounts[] {
  const by = new Map<string, VerdictCounts>();
  for (const part of parts)
    for (const c of part) {
      const sum = by.get(c.profile);
      if (sum) {
        sum.pass += c.pass;
        sum.fail += c.fail;
        sum.uncertain += c.uncertain;
        sum.notChecked += c.notChecked;
        sum.notModelled += c.notModelled;
      } else
        by.set(c.profile, {
          profile: c.profile,
          pass: c.pass,
          fail: c.fail,
          uncertain: c.uncertain,
          notChecked: c.notChecked,
          notModelled: c.notModelled,
        });
    }
  return [...by.values()];
}

/** The report's `requirements` array given as RenderedRequirements texts. */
class Rendered {
  constructor(readonly texts: readonly (readonly string[])[]) {}
  get empty(): boolean {
    return this.texts.every((t) => t.length === 0);
  }
}

/** A top-level array of the report whose elements are converted when asked for. */
class Elements<S, T> {
  constructor(
    private readonly items: readonly S[],
    private readonly convert: (item: S) => T,
  ) {}
  get length(): number {
    return this.items.length;
  }
  *each(): Generator<T> {
    for (const x of this.items) yield this.convert(x);
  }
  all(): T[] {
    return [...this.each()];
  }
}

/** JsonReport with its arrays not converted yet. */
interface JsonMembers {
  version: JsonReport['version'];
  tool: JsonReport['tool'];
  profiles: JsonReport['profiles'];
  files: Elements<LintedFile, JsonFile>;
  findings: Elements<{ f: Finding; fp: string }, JsonFinding>;
  notifications: Elements<Notification, JsonNotification>;
  requirements: Elements<RequirementVerdict, JsonRequirement> | Rendered;
  summary: JsonSummary;
}

/**
 * The members of the JSON report in their order; the arrays converted element by element when read.
 * With `rendered`, the requirements are those texts and counts instead of report.requirements.
 */
function jsonMembers(report: Report, rendered?: RenderedRequirements): JsonMembers {
  return {
    version: JSON_FORMAT_VERSION,
    tool: {
      name: report.tool.name,
      version: report.tool.version,
      informationUri: report.tool.informationUri,
    },
    profiles: report.profiles.map((p) => ({ id: p.id, name: p.name, document: p.document })),
    files: new Elements(report.files, toJsonFile),
    findings: new Elements(sortedWithFingerprints(report), (k) => toJsonFinding(k.f, k.fp)),
    notifications: new Elements(report.notifications, toJsonNotification),
    requirements: rendered ? new Rendered(rendered.texts) : new Elements(report.requirements ?? [], toJsonRequirement),
    summary: {
      ...summarize(report.findings),
      requirements: rendered ? rendered.counts : countVerdicts(report.requirements ?? []),
    },
  };
}

function toJsonFile(f: LintedFile): JsonFile {
  return {
    path: f.path,
    ...(f.vendor !== undefined ? { vendor: f.vendor } : {}),
    ...(f.version !== undefined ? { version: f.version } : {}),
    firewalls: [...f.firewalls],
    ...(f.sites ? { sites: f.sites } : {}),
    failed: f.failed === true,
  };
}

/*
 * The per-element objects below are built member by member (or by Object.assign) in the order of the
 * documented shape: V8 builds literals with conditional spreads (`...(x ? { a } : {})`) slowly, and a
 * directory run writes tens of thousands of verdicts, evidence entries and notifications.
 */

function toJsonNotification(n: Notification): JsonNotification {
  const out: JsonNotification = { level: n.level, message: n.message };
  if (n.loc) {
    out.file = n.loc.file;
    out.line = n.loc.line;
    out.column = n.loc.column;
    out.endLine = n.loc.endLine;
    if (n.loc.endColumn !== undefined) out.endColumn = n.loc.endColumn;
  }
  return out;
}

function toJsonEvidence(e: Evidence): JsonEvidence {
  const out: JsonEvidence = { text: e.text };
  if (e.loc) {
    out.file = e.loc.file;
    out.line = e.loc.line;
    out.column = e.loc.column;
  }
  if (e.quote !== undefined) out.quote = e.quote;
  if (e.fromDefault) out.fromDefault = true;
  return out;
}

function toJsonRequirement(v: RequirementVerdict): JsonRequirement {
  const head =
    v.firewall !== undefined
      ? { id: v.id, profile: v.profile, file: v.file, firewall: v.firewall }
      : { id: v.id, profile: v.profile, file: v.file };
  const out: JsonRequirement = Object.assign(head, {
    kind: v.kind,
    description: v.description,
    status: v.status,
    severity: v.severity,
    why: v.why,
    checkedBy: v.checkedBy,
    findings: [...v.findings],
    evidence: v.evidence.map(toJsonEvidence),
  });
  if (v.accepted) out.accepted = true;
  if (v.source) out.source = { section: v.source.section, quote: v.source.quote };
  return out;
}

/** The JSON report as text (2-space indentation, trailing newline). */
export function formatJson(report: Report): string {
  return JSON.stringify(toJsonReport(report), null, 2) + '\n';
}

/**
 * The text of formatJson in pieces (one per top-level member and per element of a top-level array),
 * for writing a large report without building it as one string. Joined, they are formatJson's text
 * (with `rendered`: the text of the report whose requirements those are).
 */
export function* formatJsonChunks(report: Report, rendered?: RenderedRequirements): Generator<string> {
  // Each element's JSON object is made just before its text and is garbage right after: a directory
  // run's report (tens of MB) is never held as a second tree of objects.
  const members = Object.entries(jsonMembers(report, rendered));
  yield '{\n';
  for (const [n, [k, v]] of members.entries()) {
    const head = `  ${JSON.stringify(k)}: `;
    if (v instanceof Elements && v.length > 0) {
      yield `${head}[\n`;
      let i = 0;
      for (const el of v.each()) yield `${element(el)}${++i < v.length ? ',' : ''}\n`;
      yield '  ]';
    } else if (v instanceof Rendered && !v.empty) {
      yield `${head}[\n`;
      let first = true;
      for (const file of v.texts)
        for (const t of file) {
          if (!first) yield ',\n';
          yield t;
          first = false;
        }
      yield '\n  ]';
    } else yield head + member(v instanceof Elements || v instanceof Rendered ? [] : v);
    yield n < members.length - 1 ? ',\n' : '\n';
  }
  yield '}\n';
}

/*
 * JSON.stringify(v, null, 2) as it reads inside the report: V8 indents while it writes, so each text
 * is made once instead of written and then re-indented. Undefined becomes null, as inside an array.
 */

/** A top-level member's value: nested one level, first line not indented. */
function member(v: unknown): string {
  return JSON.stringify([v], null, 2).slice(4, -2);
}

/** An element of a top-level array: nested two levels, first line indented too. */
function element(v: unknown): string {
  return JSON.stringify([[v]], null, 2).slice(6, -6);
}
