import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import { fingerprint } from '../reporters/fingerprint.js';

/**
 * A baseline records accepted findings by their content fingerprint (the one SARIF's
 * partialFingerprints carry), so edits that only move lines keep them accepted.
 *
 * A fingerprint names what a finding is about (the requirement, the rule or default that blocks it),
 * not how much it blocks: a flow blocked in part that the same rule comes to block entirely keeps its
 * fingerprint. So each entry also records `blockedEntirely`, how many of the flows the finding names
 * were blocked entirely (Finding.blockedEntirely, set by the rules that report blocked flows), and a
 * finding that now names more such flows is reported again, saying it got worse. An entry without the
 * count (a baseline written before it existed) accepts the finding as before.
 */
interface BaselineFile {
  version: 1;
  tool: 'fwlint';
  findings: BaselineEntry[];
}

interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  file: string;
  message: string;
  /** Flows the finding names that were blocked entirely; absent for findings that name no blocked flow. */
  blockedEntirely?: number;
}

/** What a baseline accepts: by fingerprint, the most flows blocked entirely it was accepted with (null: any). */
export type Baseline = Map<string, number | null>;

function isBaseline(doc: unknown): doc is BaselineFile {
  const d = doc as Partial<BaselineFile> | null;
  return d?.tool === 'fwlint' && d.version === 1 && Array.isArray(d.findings);
}

export function writeBaseline(path: string, findings: readonly Finding[]): number {
  const active = findings.filter((f) => !f.suppressions?.length);
  const doc: BaselineFile = {
    version: 1,
    tool: 'fwlint',
    findings: active
      .map((f) => {
        const entirely = f.blockedEntirely;
        return {
          fingerprint: fingerprint(f),
          ruleId: f.ruleId,
          file: f.loc.file,
          message: f.message,
          ...(entirely !== undefined && { blockedEntirely: entirely }),
        };
      })
      .sort((a, b) => a.file.localeCompare(b.file) || a.fingerprint.localeCompare(b.fingerprint)),
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
  return doc.findings.length;
}

export function readBaseline(path: string): Baseline {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--baseline ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (!isBaseline(doc)) throw new UsageError(`--baseline ${path}: not an fwlint baseline (version 1)`);
  const out: Baseline = new Map();
  for (const e of doc.findings) {
    const n = typeof e.blockedEntirely === 'number' ? e.blockedEntirely : null;
    const seen = out.get(e.fingerprint);
    // Entries sharing a fingerprint: the most lenient one wins.
    out.set(e.fingerprint, seen === undefined ? n : seen === null || n === null ? null : Math.max(seen, n));
  }
  return out;
}

/**
 * Marks findings recorded in the baseline as suppressed; a finding that now names more flows blocked
 * entirely than when it was recorded is left reported, its details saying so first.
 */
export function applyBaseline(findings: Finding[], known: Baseline, path: string): void {
  findings.forEach((f, i) => {
    if (f.suppressions?.length) return;
    const fp = fingerprint(f);
    const then = known.get(fp);
    if (then === undefined) return;
    const now = f.blockedEntirely;
    if (then !== null && now !== undefined && now > then) {
      const was = then === 0 ? 'no flow was' : `${then} ${then === 1 ? 'flow was' : 'flows were'}`;
      const note =
        `Worse than when baseline ${path} accepted it: ${was} blocked entirely then, ` +
        `${now} ${now === 1 ? 'flow is' : 'flows are'} now.`;
      // A new finding object (reports may share the old one); the same content, so the same fingerprint.
      findings[i] = { ...f, details: f.details ? `${note} ${f.details}` : note };
      return;
    }
    (f.suppressions ??= []).push({
      kind: 'external',
      justification: `accepted in baseline ${path}`,
      source: `baseline ${path}`,
    });
  });
}
