import type { SourceLocation } from './location.js';
import type { DocSource, Severity } from './profile.js';

export interface RelatedLocation {
  loc: SourceLocation;
  message: string;
}

/** Why an accepted finding is not counted: SARIF `suppressions` (inSource = a comment in the config). */
export interface Suppression {
  kind: 'inSource' | 'external';
  justification: string;
  /** Where the suppression is: `fwlint.config.json:12`, `baseline fwlint-baseline.json`, or the object's line. */
  source: string;
}

export interface Finding {
  ruleId: string;
  ruleName: string;
  level: Severity;
  /** What is wrong: one sentence, at most 120 characters. */
  message: string;
  /** Flows, ports, networks, the deciding rule or default, and the fix; shown below the message. */
  details?: string;
  /** The cause: the blocking rule, the setting line, the NAT rule, or where a default applies. */
  loc: SourceLocation;
  related?: RelatedLocation[];
  /** Provider profile and requirement id that the finding is about. */
  profile?: string;
  requirement?: string;
  /** Where the provider document states the requirement (section and verbatim quote). */
  source?: DocSource;
  /** The cause is a platform default, not something written in the file. */
  fromDefault?: boolean;
  /**
   * How many of the flows the finding names are blocked entirely (the others are blocked in part);
   * set by findings about blocked required flows. A baseline compares it: the same cause blocking more
   * of a flow keeps the fingerprint, so this count is what says the finding got worse.
   */
  blockedEntirely?: number;
  /** The vendor documentation does not confirm the semantics used (docs/semantics.md#unconfirmed). */
  uncertain?: boolean;
  /** Content the fingerprint is made of (never line numbers), so moving lines keeps it. */
  fingerprintParts: string[];
  /** Firewall name (VDOM, hostname) when a file holds more than one. */
  firewall?: string;
  /** Set when the finding is accepted; suppressed findings stay in reports but not in exit codes. */
  suppressions?: Suppression[];
  /**
   * The file as a path relative to the repository root (git top level or $GITHUB_WORKSPACE), set by
   * the runner: fingerprints and SARIF use it, so they do not depend on the working directory.
   */
  repoPath?: string;
}
