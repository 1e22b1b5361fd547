/**
 * Content fingerprints for findings: the identity of a finding across runs, used by the JSON
 * reporter (`fingerprint`), by SARIF `partialFingerprints`, and available for baselines.
 *
 * What goes in: the rule id, the file path (normalised to forward slashes, without a leading
 * `./`), the finding's `fingerprintParts` (content chosen by the rule: requirement, rule/object
 * names, ports...), and the firewall/VDOM, profile and requirement ids when set. Line and column
 * numbers never go in, so inserting or moving lines elsewhere in the export keeps the
 * fingerprint; changing what the finding is about changes it. The firewall, profile and
 * requirement are content too: two VDOMs in one FortiGate file, or two profiles checked in one
 * run, with otherwise identical findings must not share an identity.
 *
 * SARIF / GitHub code scanning decision
 * -------------------------------------
 * GitHub code scanning matches alerts across uploads only by `partialFingerprints.
 * primaryLocationLineHash`. When a result lacks it, `upload-sarif` computes one from the text of
 * the flagged line and its neighbours (plus an occurrence counter). For firewall exports that
 * is a poor identity: exports are regenerated wholesale (pfSense rewrites revision/timestamp
 * lines, FortiGate re-orders and re-indents blocks), several findings often point at the same
 * line (a default applying to a section, one block rule causing several missing flows), and the
 * computed hash then depends on result order. So fwlint emits its own value:
 *
 *   partialFingerprints = {
 *     "fwlint/v1": "<32 hex>",                        // our content hash, always
 *     "primaryLocationLineHash": "<32 hex>:<n>"       // the same hash + occurrence counter
 *   }
 *
 * `primaryLocationLineHash` is content-based (never line-based); `upload-sarif` keeps a value
 * that is present and GitHub treats it as opaque. The `:<n>` suffix mirrors GitHub's own format
 * and disambiguates findings that would otherwise share a hash (n counts identical hashes in
 * one run, in deterministic result order; normally n is 1). It also makes API uploads (where
 * the file is not in the repository and nothing could compute a hash) deduplicate properly.
 * The key "fwlint/v1" is versioned: if the recipe above ever changes, the key changes too.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../model/finding.js';

/** partialFingerprints key holding our content hash. */
export const FINGERPRINT_KEY = 'fwlint/v1';

/** The file path as it goes into the fingerprint: forward slashes, no leading "./". */
export function normalizeFingerprintPath(file: string): string {
  let p = file.replace(/\\/g, '/');
  while (p.startsWith('./')) p = p.slice(2);
  return p;
}

/**
 * Fingerprints made where a file was linted (a pool worker), by finding. A finding's fingerprint
 * members are never changed once it is final: what changes a finding after that (redaction, levels)
 * makes a new object, which is then fingerprinted again.
 */
const known = new WeakMap<Finding, string>();

/** Remembers `fps[i]` as the fingerprint of `findings[i]` (fps made by fingerprint(), here or in a worker). */
export function rememberFingerprints(findings: readonly Finding[], fps: readonly string[]): void {
  findings.forEach((f, i) => {
    const fp = fps[i];
    if (fp !== undefined) known.set(f, fp);
  });
}

/** sha256 (hex, first 32 characters) of the finding's content identity. Never uses lines. */
export function fingerprint(finding: Finding): string {
  return known.get(finding) ?? computeFingerprint(finding);
}

function computeFingerprint(finding: Finding): string {
  const identity = [
    'fwlint-fingerprint-v1',
    finding.ruleId,
    normalizeFingerprintPath(finding.repoPath ?? finding.loc.file),
    `firewall=${finding.firewall ?? ''}`,
    `profile=${finding.profile ?? ''}`,
    `requirement=${finding.requirement ?? ''}`,
    ...finding.fingerprintParts,
  ];
  // JSON encoding keeps the boundaries unambiguous (["a","bc"] differs from ["ab","c"]).
  return createHash('sha256').update(JSON.stringify(identity), 'utf8').digest('hex').slice(0, 32);
}

/**
 * SARIF `partialFingerprints` for one result. `occurrence` (1-based) counts earlier results of
 * the same run with the same fingerprint; see the module comment.
 */
export function partialFingerprints(finding: Finding, occurrence = 1): Record<string, string> {
  const fp = fingerprint(finding);
  return {
    [FINGERPRINT_KEY]: fp,
    primaryLocationLineHash: `${fp}:${occurrence}`,
  };
}
