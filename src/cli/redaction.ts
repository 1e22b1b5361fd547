import type { Finding } from '../model/finding.js';
import { redact } from '../model/redact.js';
import type { Evidence, Notification, PassRecord, Report, RequirementVerdict } from '../model/report.js';

/**
 * The CLI's last line of defence (src/model/redact.ts): every text of a report that can quote the
 * configuration — a finding's message, details and related messages, a verdict's or pass's reason and
 * evidence — is redacted before any format writes it. Each function returns its argument itself when
 * redaction changes nothing, so a clean report is not copied.
 */

function evidenceList(list: Evidence[]): Evidence[] {
  let out: Evidence[] | undefined;
  for (const [i, e] of list.entries()) {
    const text = redact(e.text);
    const quote = e.quote === undefined ? undefined : redact(e.quote);
    if (text === e.text && quote === e.quote) continue;
    out ??= list.slice();
    out[i] = { ...e, text, ...(quote !== undefined && { quote }) };
  }
  return out ?? list;
}

export function redactFinding(f: Finding): Finding {
  const message = redact(f.message);
  const details = f.details === undefined ? undefined : redact(f.details);
  let related = f.related;
  for (const [i, r] of (f.related ?? []).entries()) {
    const m = redact(r.message);
    if (m === r.message) continue;
    related = related === f.related ? [...(f.related ?? [])] : related;
    if (related) related[i] = { ...r, message: m };
  }
  if (message === f.message && details === f.details && related === f.related) return f;
  return { ...f, message, ...(details !== undefined && { details }), ...(related && { related }) };
}

function redactPass(p: PassRecord): PassRecord {
  const why = redact(p.why);
  const evidence = evidenceList(p.evidence);
  return why === p.why && evidence === p.evidence ? p : { ...p, why, evidence };
}

export function redactNotification(n: Notification): Notification {
  const message = redact(n.message);
  const passed = n.passed && redactPass(n.passed);
  if (message === n.message && passed === n.passed) return n;
  return { ...n, message, ...(passed && { passed }) };
}

export function redactVerdict(v: RequirementVerdict): RequirementVerdict {
  const why = redact(v.why);
  const evidence = evidenceList(v.evidence);
  return why === v.why && evidence === v.evidence ? v : { ...v, why, evidence };
}

/** Redacts the report in place. */
export function redactReport(report: Report): void {
  report.findings = report.findings.map(redactFinding);
  report.notifications = report.notifications.map(redactNotification);
  report.requirements = report.requirements?.map(redactVerdict);
}
