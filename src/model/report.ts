import type { Finding } from './finding.js';
import type { SourceLocation } from './location.js';
import type { Vendor } from './policy.js';
import type { Severity } from './profile.js';

/** Rule metadata, kept beside each rule's check (ESLint style) and rendered by every reporter. */
export interface RuleMeta {
  id: string;
  name: string;
  shortDescription: string;
  fullDescription: string;
  defaultLevel: Severity;
  /** 0.0-10.0, GitHub code scanning's security-severity. */
  securitySeverity: number;
  precision: 'very-high' | 'high' | 'medium' | 'low';
  tags: string[];
  help: {
    what: string;
    why: string;
    /** How to fix, per platform (CLI/GUI steps); `generic` applies when no vendor entry exists. */
    fix: Partial<Record<Vendor | 'generic', string>>;
  };
}

export interface Notification {
  level: Severity;
  message: string;
  loc?: SourceLocation;
  /**
   * Set when the note says requirements were not checked on a firewall: which profile, which
   * requirement ids. Verdicts read it, so a skipped requirement is never shown as a pass.
   */
  notChecked?: { profile: string; requirements: string[]; firewall?: string };
}

export interface LintedFile {
  /** Path as given, relative to the working directory when possible. */
  path: string;
  vendor?: Vendor;
  version?: string;
  firewalls: string[];
  /** Set when the file could not be parsed (FWL901); the finding carries the location. */
  failed?: boolean;
}

export interface Report {
  tool: { name: string; version: string; informationUri: string };
  /** Directory paths are relative to (SARIF originalUriBaseIds). */
  workingDirectory: string;
  files: LintedFile[];
  findings: Finding[];
  /** Assumptions, skipped requirements and other run-level messages. */
  notifications: Notification[];
  rules: RuleMeta[];
  profiles: { id: string; name: string; document: string }[];
}
