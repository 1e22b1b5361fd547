import type { Finding } from '../model/finding.js';
import { redact } from '../model/redact.js';
import type { Evidence, Notification, PassRecord, Report, RequirementVerdict } from '../model/report.js';

/**
 * The CLI's last line of defence (src/model/redact.ts): every text of a report that can quote the
 * configuration — a finding's message, details and related messages, a verdict's or pass's reason and
 * evidence — is redacted before any format writes it. Each function returns its argument itself when
 * redaction changes nothing, so a clean report is not copied.
 *
 * A directory run redacts each file's part where the file was linted (src/cli/lint.ts, `Finish`); the
 * objects that arrive redacted are marked (markRedacted) and passed over when the whole report is.
 */

/** Texts up to this long are remembered: the same reasons, evidence and quotes recur across files. */
const CACHE_TEXT = 4096;
/** Characters of text remembered before the cache starts over. */
const CACHE_CHARS = 4_000_000;
const cache = new Map<string, string>();
let cachedChars = 0;

/**
 * redact(text), remembering the result for texts seen before (redact is a pure function of its text).
 * `keep`: texts to leave as they are (src/model/redact.ts), not remembered.
 */
export function redactText(text: string, keep?: readonly string[]): string {
  if (keep?.length) return redact(text, keep);
  if (text.length === 0 || text.length > CACHE_TEXT) return redact(text);
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const out = redact(text);
  if (cachedChars + text.length > CACHE_CHARS) {
    cache.clear();
    cachedChars = 0;
  }
  cache.set(text, out);
  cachedChars += text.length;
  return out;
}

/** Report parts (findings, notifications, verdicts) already redacted where their file was linted. */
const redacted = new WeakSet();

/** Marks parts redactFinding, redactNotification or redactVerdict returned unchanged, or made. */
export function markRedacted(parts: Iterable<object>): void {
  for (const x of parts) redacted.add(x);
}

function evidenceList(list: Evidence[]): Evidence[] {
  let out: Evidence[] | undefined;
  for (const [i, e] of list.entries()) {
    const text = redactText(e.text);
    const quote = e.quote === undefined ? undefined : redactText(e.quote);
    if (text === e.text && quote === e.quote) continue;
    out ??= list.slice();
    out[i] = { ...e, text, ...(quote !== undefined && { quote }) };
  }
  return out ?? list;
}

export function redactFinding(f: Finding): Finding {
  if (redacted.has(f)) return f;
  const message = redactText(f.message);
  const details = f.details === undefined ? undefined : redactText(f.details);
  let related = f.related;
  for (const [i, r] of (f.related ?? []).entries()) {
    const m = redactText(r.message);
    if (m === r.message) continue;
    related = related === f.related ? [...(f.related ?? [])] : related;
    if (related) related[i] = { ...r, message: m };
  }
  if (message === f.message && details === f.details && related === f.related) return f;
  return { ...f, message, ...(details !== undefined && { details }), ...(related && { related }) };
}

function redactPass(p: PassRecord): PassRecord {
  const why = redactText(p.why);
  const evidence = evidenceList(p.evidence);
  return why === p.why && evidence === p.evidence ? p : { ...p, why, evidence };
}

/**
 * The linted file a note starts with (`path: …` or `path [firewall]: …`, src/lint/run.ts and
 * src/site/resolve.ts), as a list for redact's `keep`; else none.
 */
function notePath(message: string, paths: ReadonlySet<string>): readonly string[] | undefined {
  const colon = message.indexOf(': ');
  if (colon <= 0) return undefined;
  const head = message.slice(0, colon);
  if (paths.has(head)) return [head];
  const bracket = head.lastIndexOf(' [');
  const path = bracket > 0 ? head.slice(0, bracket) : undefined;
  return path !== undefined && paths.has(path) ? [path] : undefined;
}

/** `paths`: the linted files' paths as reports show them, left as they are where a note starts with one. */
export function redactNotification(n: Notification, paths?: ReadonlySet<string>): Notification {
  if (redacted.has(n)) return n;
  const message = redactText(n.message, paths && notePath(n.message, paths));
  const passed = n.passed && redactPass(n.passed);
  if (message === n.message && passed === n.passed) return n;
  return { ...n, message, ...(passed && { passed }) };
}

export function redactVerdict(v: RequirementVerdict): RequirementVerdict {
  if (redacted.has(v)) return v;
  const why = redactText(v.why);
  const evidence = evidenceList(v.evidence);
  return why === v.why && evidence === v.evidence ? v : { ...v, why, evidence };
}

/** Redacts the report in place. */
export function redactReport(report: Report): void {
  report.findings = report.findings.map(redactFinding);
  const paths = new Set(report.files.map((f) => f.path));
  report.notifications = report.notifications.map((n) => redactNotification(n, paths));
  report.requirements = report.requirements?.map(redactVerdict);
}
