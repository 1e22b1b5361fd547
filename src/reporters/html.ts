import type { Finding } from '../model/finding.js';
import type { Vendor } from '../model/policy.js';
import type { Notification, Report, RequirementVerdict, RuleMeta, VerdictStatus } from '../model/report.js';
import { countVerdicts } from '../verdicts/assemble.js';
import { sortFindings, summarize } from './json.js';
import { levelCounts, plural } from './plural.js';

/**
 * A self-contained HTML report for auditors: inline CSS and JS, a Content-Security-Policy that
 * forbids loading anything, and for each firewall × provider a compliance matrix (one row per
 * requirement: status, severity, why) with the evidence (configuration lines quoted, redacted),
 * the provider's own words, and the fix for that vendor. Filters by status work offline.
 */
const STATUS_LABEL: Record<VerdictStatus, string> = {
  pass: 'Pass',
  fail: 'Fail',
  uncertain: 'Uncertain',
  'not-checked': 'Not checked',
};
const STATUS_ORDER: VerdictStatus[] = ['fail', 'uncertain', 'not-checked', 'pass'];

export function formatHtml(report: Report): string {
  const verdicts = report.requirements ?? [];
  const rules = new Map(report.rules.map((r) => [r.id, r]));
  const vendors = new Map(report.files.map((f) => [f.path, f.vendor]));
  const names = new Map(report.profiles.map((p) => [p.id, p]));
  const groups = new Map<string, RequirementVerdict[]>();
  for (const v of verdicts) {
    const k = JSON.stringify([v.file, v.firewall ?? '', v.profile]);
    groups.set(k, [...(groups.get(k) ?? []), v]);
  }
  const s = summarize(report.findings);
  const counts = countVerdicts(verdicts);
  const total = (st: VerdictStatus) => verdicts.filter((v) => v.status === st).length;
  const filters = STATUS_ORDER.map(
    (st) =>
      `<label class="filter ${st}"><input type="checkbox" data-filter="${st}" checked> ` +
      `${STATUS_LABEL[st]} <span class="n">${total(st)}</span></label>`,
  ).join('\n');
  const sections = [...groups.values()].map((vs) => {
    const v0 = vs[0];
    if (!v0) return '';
    const vendor = vendors.get(v0.file);
    const p = names.get(v0.profile);
    const title = `${esc(v0.file)}${v0.firewall ? ` <span class="fw">[${esc(v0.firewall)}]</span>` : ''} — ${esc(p?.name ?? v0.profile)}`;
    const c = countVerdicts(vs)[0];
    const line = c
      ? `${c.pass} pass, ${c.fail} fail, ${c.uncertain} uncertain, <strong>${c.notChecked} not checked</strong>`
      : '';
    const rows = [...vs]
      .sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status))
      .map((v) => row(v, rules.get(v.checkedBy), vendor))
      .join('\n');
    return `<section class="matrix">
<h2>${title}</h2>
<p class="meta">${esc(p?.document ?? '')}${vendor ? ` · ${esc(vendor)}` : ''} · ${line}</p>
<table>
<thead><tr><th>Status</th><th>Requirement</th><th>Severity</th><th>Why</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
  });
  const other = sortFindings(report).filter((f) => !f.requirement);
  const notes = report.notifications.filter((n) => !n.notChecked);
  const meta =
    `${esc(report.tool.name)} ${esc(report.tool.version)} · ${plural(report.files.length, 'file')} · ` +
    esc(report.profiles.map((p) => p.name).join(', '));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>fwlint report</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Firewall audit: VoIP provider requirements</h1>
<p class="meta">${meta}</p>
<ul class="summary">
${counts.map((c) => countItem(names.get(c.profile)?.name ?? c.profile, c)).join('\n')}
<li>${levelCounts(s)}${s.suppressed ? `, ${s.suppressed} suppressed` : ''}</li>
</ul>
<div class="filters" role="group" aria-label="Show requirements by status">
${filters}
</div>
</header>
<main>
${sections.join('\n')}
${other.length ? otherTable(other) : ''}
${notes.length ? notesSection(notes) : ''}
</main>
<script>${JS}</script>
</body>
</html>
`;
}

/** Which rule checks a requirement; a requirement fwlint does not model (Profile.notModelled) has none. */
function checkedByText(v: RequirementVerdict, rule: RuleMeta | undefined): string {
  if (v.kind === 'not-modelled') return 'Not modelled by fwlint: no rule checks it';
  return `Checked by ${esc(v.checkedBy)}${rule ? ` ${esc(rule.name)}` : ''}`;
}

function row(v: RequirementVerdict, rule: RuleMeta | undefined, vendor: Vendor | undefined): string {
  const evidence = v.evidence
    .map(
      (e) =>
        `<li>${e.loc ? `<code class="loc">${esc(`${e.loc.file}:${e.loc.line}`)}</code> ` : ''}` +
        (e.fromDefault ? '<span class="tag">default</span> ' : '') +
        `${esc(e.text)}${e.quote ? `<pre>${esc(e.quote)}</pre>` : ''}</li>`,
    )
    .join('');
  const fix =
    v.status === 'fail' || v.status === 'uncertain'
      ? (rule?.help.fix[vendor ?? 'generic'] ?? rule?.help.fix.generic)
      : undefined;
  const detail = [
    evidence ? `<h4>Evidence</h4><ul class="evidence">${evidence}</ul>` : '',
    fix ? `<h4>Fix${vendor ? ` (${esc(vendor)})` : ''}</h4><pre class="fix">${esc(fix)}</pre>` : '',
    v.source
      ? `<h4>Provider document: ${esc(v.source.section)}</h4><blockquote>${esc(v.source.quote)}</blockquote>`
      : '',
    `<p class="meta">${checkedByText(v, rule)}` + `${v.accepted ? ' · accepted (suppressed)' : ''}</p>`,
  ].join('');
  return `<tr data-status="${v.status}" id="${esc(`${v.profile}-${v.file}-${v.firewall ?? ''}-${v.id}`.replace(/[^\w-]+/g, '-'))}">
<td><span class="badge ${v.status}">${STATUS_LABEL[v.status]}</span></td>
<td><code>${esc(v.id)}</code><br>${esc(v.description)}</td>
<td class="sev ${v.severity}">${v.severity}</td>
<td>${esc(v.why)}<details><summary>Details</summary>${detail}</details></td>
</tr>`;
}

function otherTable(fs: Finding[]): string {
  const rows = fs
    .map(
      (f) =>
        `<tr><td class="sev ${f.level}">${f.level}${f.suppressions?.length ? ' (suppressed)' : ''}</td>` +
        `<td>${esc(f.ruleId)}</td><td><code class="loc">${esc(`${f.loc.file}:${f.loc.line}`)}</code></td>` +
        `<td>${esc(f.message)}${f.details ? `<div class="details">${esc(f.details)}</div>` : ''}</td></tr>`,
    )
    .join('\n');
  const head = '<thead><tr><th>Level</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead>';
  return `<section class="other"><h2>Other findings</h2><table>${head}<tbody>
${rows}
</tbody></table></section>`;
}

const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

function countItem(name: string, c: { pass: number; fail: number; uncertain: number; notChecked: number }): string {
  const notChecked = `<span class="${c.notChecked ? 'warn' : ''}">${c.notChecked} not checked</span>`;
  return `<li><strong>${esc(name)}</strong>: ${c.pass} pass, ${c.fail} fail, ${c.uncertain} uncertain, ${notChecked}</li>`;
}

function notesSection(notes: readonly Notification[]): string {
  const items = notes.map((n) => `<li class="${n.level}">${esc(n.message)}</li>`).join('');
  return `<section class="notes"><h2>Notes</h2><ul>${items}</ul></section>`;
}

function esc(t: string): string {
  return t
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24;background:#f6f8fa}
header{background:#fff;border-bottom:1px solid #d0d7de;padding:16px 24px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:0 0 4px}h4{margin:10px 0 4px;font-size:13px}
main{padding:16px 24px}.meta{color:#57606a;margin:0 0 8px}
.summary{margin:8px 0;padding-left:18px}.warn{color:#9a6700;font-weight:600}
.filters{display:flex;gap:8px;flex-wrap:wrap;margin-top:8px}
.filter{border:1px solid #d0d7de;border-radius:16px;padding:2px 10px;background:#fff;cursor:pointer;user-select:none}
.filter .n{font-weight:600}
section{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:12px 16px;margin-bottom:16px}
table{border-collapse:collapse;width:100%;table-layout:fixed}th:nth-child(1){width:96px}\
.matrix th:nth-child(2){width:24%}.matrix th:nth-child(3){width:72px}\
.other th:nth-child(2){width:64px}.other th:nth-child(3){width:26%}td{overflow-wrap:anywhere}\
th,td{text-align:left;vertical-align:top;padding:6px 8px;border-top:1px solid #eaeef2}
th{font-size:12px;color:#57606a;border-top:none}
.badge{display:inline-block;border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.pass{background:#dafbe1;color:#116329}.badge.fail{background:#ffebe9;color:#a40e26}
.badge.uncertain{background:#fff8c5;color:#7d4e00}.badge.not-checked{background:#eaeef2;color:#424a53}
.sev.error{color:#a40e26}.sev.warning{color:#9a6700}.sev.note{color:#0969da}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f8fa;border:1px solid #eaeef2;border-radius:4px;\
padding:6px 8px;overflow:auto;font-size:12px;margin:4px 0}
code{font-size:12px}.loc{color:#0969da}.tag{font-size:11px;background:#ddf4ff;border-radius:8px;padding:0 6px}
blockquote{margin:4px 0;padding-left:10px;border-left:3px solid #d0d7de;color:#57606a}
details summary{cursor:pointer;color:#0969da;font-size:12px;margin-top:4px}.evidence{padding-left:18px}
.details{color:#57606a;font-size:12px;margin-top:2px}tr[hidden]{display:none}
@media print{.filters,details summary{display:none}details{display:block}}
`;

const JS = `
(function(){
  var boxes=document.querySelectorAll('input[data-filter]');
  function apply(){
    var on={};boxes.forEach(function(b){on[b.getAttribute('data-filter')]=b.checked;});
    document.querySelectorAll('tr[data-status]').forEach(function(tr){tr.hidden=!on[tr.getAttribute('data-status')];});
    document.querySelectorAll('section.matrix').forEach(function(s){
      s.hidden=s.querySelectorAll('tr[data-status]:not([hidden])').length===0;
    });
  }
  boxes.forEach(function(b){b.addEventListener('change',apply);});
  apply();
})();
`;
