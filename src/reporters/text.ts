/**
 * Text reporter, modelled on ESLint's "stylish" formatter:
 *
 *   fw/site-a.xml
 *     12:5   error    [root] SIP ALG is enabled.                 FWL003
 *             related fw/site-a.xml:40:3 the blocking rule
 *     140:1  warning  UDP timeout 60 s is below 180 s (default).  FWL010
 *
 *   note: Assumed phones are in 10.0.10.0/24.
 *
 *   Requirements:
 *     ipnordic: 14 pass, 2 fail, 1 not checked
 *       ✖ fail      SIP ALG / SIP helper off
 *       ✖ fail      UDP timeout at least 300 s
 *
 *   ✖ 2 problems (1 error, 1 warning, 0 notes)
 *
 * One block per file (path underlined and bold when coloured), findings sorted by line and
 * column, columns aligned within a block (line right-aligned, column left-aligned, so the
 * colons line up). `[name]` before the message is the firewall (FortiGate VDOM, hostname)
 * when the finding has one. Related locations follow their finding, indented. Run
 * notifications come before the summary line, prefixed with their level (`note:` …).
 * Colours are raw ANSI SGR codes, only when `color` is true; `shouldColor` decides for the CLI.
 */
import type { Finding } from '../model/finding.js';
import type { Report, RequirementVerdict } from '../model/report.js';
import type { Severity } from '../model/profile.js';
import { countVerdicts, formatCounts, incompleteCount, notModelledCount } from '../verdicts/assemble.js';
import { sortFindings, summarize, unacceptedFailures } from './json.js';
import { failingText, notModelledText, plural } from './plural.js';

/** Failing and uncertain requirements listed per profile under the counts; the rest are counted. */
const MAX_OPEN_SHOWN = 20;

/** Firewalls named on a requirement line that fails on some of several; the rest are counted. */
const MAX_FIREWALLS_NAMED = 3;

/**
 * The requirements of `profile` that fail or are uncertain, one line each (failures first, each group
 * in the profile's order: the order of its catalog, as the verdicts come), with how many firewalls when
 * several were checked, named (file, and `[name]` when the file holds several firewalls) when not all
 * share the verdict; an accepted failure (suppressed, baselined) says so.
 */
function openRequirements(
  vs: readonly RequirementVerdict[],
  profile: string,
): { status: string; mark: string; text: string }[] {
  const mine = vs.filter((v) => v.profile === profile);
  const fws = new Map<string, Set<string>>();
  for (const v of mine) fws.set(v.file, (fws.get(v.file) ?? new Set()).add(v.firewall ?? ''));
  const firewalls = [...fws.values()].reduce((n, names) => n + names.size, 0);
  const name = (v: RequirementVerdict) =>
    (fws.get(v.file)?.size ?? 0) > 1 && v.firewall !== undefined ? `${v.file} [${v.firewall}]` : v.file;
  // Every file lists all of the profile's requirements, whatever their verdict, in the profile's order.
  const order = new Map<string, number>();
  for (const v of mine) if (!order.has(v.id)) order.set(v.id, order.size);
  const inOrder = [...mine].sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  const by = new Map<string, { v: RequirementVerdict; names: string[]; accepted: boolean }>();
  for (const status of ['fail', 'uncertain'])
    for (const v of inOrder) {
      if (v.status !== status) continue;
      const g = by.get(`${status}|${v.id}`) ?? { v, names: [], accepted: true };
      const n = name(v);
      if (!g.names.includes(n)) g.names.push(n);
      g.accepted &&= v.accepted === true;
      by.set(`${status}|${v.id}`, g);
    }
  const lines = [...by.values()].map(({ v, names, accepted }) => ({
    status: v.status,
    mark: v.status === 'fail' ? '✖ fail     ' : '? uncertain',
    text:
      v.description +
      (firewalls > 1 ? ` (${names.length} of ${firewalls} firewalls${named(names, firewalls)})` : '') +
      (v.status === 'fail' && accepted ? ' (accepted)' : ''),
  }));
  if (lines.length <= MAX_OPEN_SHOWN) return lines;
  const rest = lines.length - MAX_OPEN_SHOWN;
  return [
    ...lines.slice(0, MAX_OPEN_SHOWN),
    { status: 'uncertain', mark: '…', text: `${rest} more (all verdicts are in --format json, html and markdown)` },
  ];
}

/** `: a.xml, b.conf [guest] and 2 more` when some of the firewalls share a verdict; nothing when all do. */
function named(names: readonly string[], firewalls: number): string {
  if (names.length === firewalls) return '';
  const shown = names.length <= MAX_FIREWALLS_NAMED + 1 ? names : names.slice(0, MAX_FIREWALLS_NAMED);
  const rest = names.length - shown.length;
  return `: ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

/** Related locations listed under a finding; the rest are counted (all of them are in JSON and SARIF). */
const MAX_RELATED_SHOWN = 5;

export interface TextOptions {
  color: boolean;
}

const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  underline: '\u001b[4m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  blue: '\u001b[34m',
  cyan: '\u001b[36m',
} as const;

type Style = keyof typeof SGR;

/**
 * Whether to colour output written to `stream`:
 * NO_COLOR set to any non-empty value → false (https://no-color.org);
 * else FORCE_COLOR set → true, except the values "0" and "false" → false (as Node does);
 * else the stream's isTTY.
 */
export function shouldColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  const noColor = env.NO_COLOR;
  if (noColor !== undefined && noColor !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true;
}

function painter(color: boolean) {
  return (text: string, ...styles: Style[]): string =>
    color && styles.length > 0 && text !== '' ? styles.map((s) => SGR[s]).join('') + text + SGR.reset : text;
}

const LEVEL_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', note: 'blue' };

/** Messages are one line in this format: collapse newlines and runs of whitespace. */
function oneLine(text: string): string {
  // Each whitespace run is matched once (linear); `\s*[\r\n]+\s*` backtracked over long runs without a newline.
  return text.replace(/\s+/g, (run) => (/[\r\n]/.test(run) ? ' ' : run)).trim();
}

interface Row {
  line: string;
  col: string;
  level: Severity;
  message: string;
  ruleId: string;
  finding: Finding;
}

export function formatText(report: Report, options: TextOptions): string {
  const paint = painter(options.color);
  const out: string[] = [];

  // Group sorted findings by file, keeping the sorted file order.
  const groups = new Map<string, Finding[]>();
  for (const f of sortFindings(report)) {
    if (f.suppressions?.length) continue; // counted in the summary, listed in JSON and SARIF
    const list = groups.get(f.loc.file);
    if (list) list.push(f);
    else groups.set(f.loc.file, [f]);
  }

  for (const [file, findings] of groups) {
    const rows: Row[] = findings.map((f) => {
      let message = oneLine(f.message);
      if (f.firewall !== undefined) message = `[${f.firewall}] ${message}`;
      if (f.uncertain) message += ' (uncertain)'; // the message says why: a default the docs do not confirm, or hostnames
      return {
        line: String(f.loc.line),
        col: String(f.loc.column),
        level: f.level,
        message,
        ruleId: f.ruleId,
        finding: f,
      };
    });
    const wLine = Math.max(...rows.map((r) => r.line.length));
    const wCol = Math.max(...rows.map((r) => r.col.length));
    const wLevel = Math.max(...rows.map((r) => r.level.length));
    const posWidth = wLine + 1 + wCol;

    out.push(paint(file, 'underline', 'bold'));
    for (const r of rows) {
      const pos = r.line.padStart(wLine) + ':' + r.col.padEnd(wCol);
      const level = paint(r.level, LEVEL_STYLE[r.level]) + ' '.repeat(wLevel - r.level.length);
      // Messages are sentences of very different lengths: padding them to one width wastes the terminal.
      out.push(`  ${paint(pos, 'dim')}  ${level}  ${r.message}  ${paint(r.ruleId, 'dim')}`);
      if (r.finding.details) out.push(`${' '.repeat(2 + posWidth + 2)}${paint(oneLine(r.finding.details), 'dim')}`);
      const related = r.finding.related ?? [];
      for (const rel of related.slice(0, MAX_RELATED_SHOWN)) {
        const where = `${rel.loc.file}:${rel.loc.line}:${rel.loc.column}`;
        const indent = ' '.repeat(2 + posWidth + 2);
        out.push(`${indent}${paint('related', 'dim')} ${paint(where, 'cyan')} ${oneLine(rel.message)}`);
      }
      if (related.length > MAX_RELATED_SHOWN)
        out.push(
          `${' '.repeat(2 + posWidth + 2)}${paint(`and ${related.length - MAX_RELATED_SHOWN} more places`, 'dim')}`,
        );
    }
    out.push('');
  }

  for (const n of report.notifications) {
    const where = n.loc ? `${n.loc.file}:${n.loc.line}:${n.loc.column}: ` : '';
    out.push(`${paint(`${n.level}:`, LEVEL_STYLE[n.level], 'bold')} ${where}${oneLine(n.message)}`);
  }
  if (report.notifications.length > 0) out.push('');

  const counts = countVerdicts(report.requirements ?? []);
  const notChecked = incompleteCount(counts);
  const notModelled = notModelledCount(counts);
  const uncertain = counts.reduce((n, c) => n + c.uncertain, 0);
  if (counts.length > 0) {
    out.push(paint('Requirements:', 'bold'));
    for (const c of counts) {
      const line = formatCounts(c);
      out.push(`  ${c.notChecked ? line.replace(/(\d+ not checked)/, paint('$1', 'yellow', 'bold')) : line}`);
      for (const open of openRequirements(report.requirements ?? [], c.profile))
        out.push(`    ${paint(open.mark, open.status === 'fail' ? 'red' : 'yellow')} ${open.text}`);
    }
    out.push('');
  }
  const s = summarize(report.findings);
  const total = s.errors + s.warnings + s.notes;
  const suppressed = s.suppressed ? `, ${s.suppressed} suppressed` : '';
  const open = [
    notChecked ? plural(notChecked, 'requirement') + ' not checked' : '',
    uncertain ? `${uncertain} uncertain` : '',
  ]
    .filter(Boolean)
    .join(', ');
  // --quiet leaves out the notes (the reasons) and the findings below error, not the verdicts.
  const notes = report.notifications.length > 0 ? ' (see the notes above)' : '';
  const failing = unacceptedFailures(report.requirements ?? []);
  if (total === 0 && failing > 0) {
    out.push(
      paint(`⚠ no errors, but ${failingText(failing)}${open ? `; ${open}` : ''}${suppressed}`, 'yellow', 'bold'),
    );
  } else if (total === 0 && open) {
    const unmodelled = notModelled ? `; ${notModelledText(notModelled)}` : '';
    out.push(paint(`⚠ no problems found, but incomplete: ${open}${suppressed}${unmodelled}${notes}`, 'yellow', 'bold'));
  } else if (total === 0) {
    // Not modelled requirements are listed above but no flag checks them: the run is complete without them.
    const unmodelled = notModelled ? `; ${notModelledText(notModelled)}${notes}` : '';
    out.push(paint(`✔ no problems${suppressed}${unmodelled}`, 'green', 'bold'));
  } else {
    const text =
      `✖ ${plural(total, 'problem')} ` +
      `(${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')})${suppressed}`;
    const style: Style = s.errors > 0 ? 'red' : s.warnings > 0 ? 'yellow' : 'blue';
    const incomplete = [
      notChecked ? `; ${plural(notChecked, 'requirement')} not checked` : '',
      notModelled ? `; ${notModelledText(notModelled)}` : '',
    ].join('');
    out.push(paint(text + incomplete, style, 'bold'));
  }
  return out.join('\n') + '\n';
}
