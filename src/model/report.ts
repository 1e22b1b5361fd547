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
  /** The site of each firewall (phones, PCs, PBX, servers, WAN), with source and evidence (src/site/). */
  sites?: SiteReport[];
  /** Set when the file could not be parsed (FWL901); the finding carries the location. */
  failed?: boolean;
}

/** One network of a site role as reports carry it. */
export interface SiteRoleReport {
  label: string;
  /** CIDRs and ranges, as written. */
  networks: string;
  interface: string;
  /** flag (given by the user), detected (from evidence) or assumed (no evidence; a fallback). */
  source: 'flag' | 'detected' | 'assumed';
  /** Strongest first: the first entry is the evidence that won. */
  evidence: { kind: string; file: string; line: number; reason: string }[];
}

/** The site model of one firewall: role → networks (phones, pcs, pbx, wan, server:NAME). */
export interface SiteReport {
  firewall?: string;
  roles: Record<string, SiteRoleReport[]>;
  /** Why a role was not found, and candidates set aside (guest or charging networks, loopback, WAN). */
  notes: string[];
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
