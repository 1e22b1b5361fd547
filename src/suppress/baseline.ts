import { readFileSync, writeFileSync } from 'node:fs';
import { UsageError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import { fingerprint } from '../reporters/fingerprint.js';

/**
 * A baseline records accepted findings by their content fingerprint (the one SARIF's
 * partialFingerprints carry), so edits that only move lines keep them accepted.
 */
interface BaselineFile {
  version: 1;
  tool: 'fwlint';
  findings: { fingerprint: string; ruleId: string; file: string; message: string }[];
}

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
      .map((f) => ({ fingerprint: fingerprint(f), ruleId: f.ruleId, file: f.loc.file, message: f.message }))
      .sort((a, b) => a.file.localeCompare(b.file) || a.fingerprint.localeCompare(b.fingerprint)),
  };
  writeFileSync(path, JSON.stringify(doc, null, 2) + '\n');
  return doc.findings.length;
}

export function readBaseline(path: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(
      `--baseline ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  if (!isBaseline(doc)) throw new UsageError(`--baseline ${path}: not an fwlint baseline (version 1)`);
  return new Set(doc.findings.map((f) => f.fingerprint));
}

/** Marks findings recorded in the baseline as suppressed. */
export function applyBaseline(findings: readonly Finding[], known: Set<string>, path: string): void {
  for (const f of findings) {
    if (f.suppressions?.length) continue;
    if (known.has(fingerprint(f)))
      (f.suppressions ??= []).push({
        kind: 'external',
        justification: `accepted in baseline ${path}`,
        source: `baseline ${path}`,
      });
  }
}
