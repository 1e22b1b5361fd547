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
  /**
   * Set by rules that confirmed a requirement holds (src/verdicts/record.ts). The runner takes
   * these out of the notifications; they become the evidence of `pass` verdicts.
   */
  passed?: PassRecord;
}

export type VerdictStatus = 'pass' | 'fail' | 'uncertain' | 'not-checked';
/** `not-modelled`: a requirement of the document fwlint does not model (Profile.notModelled), always not checked. */
export type RequirementKind = 'flow' | 'setting' | 'port-forward' | 'not-modelled';

/** One place in the configuration (or a platform default) a verdict rests on. */
export interface Evidence {
  /** What happens there: `rule "Allow VoIP" accepts tcp 5060`, `default policy drops`. */
  text: string;
  loc?: SourceLocation;
  /** The configuration line, redacted (secrets never appear), when the file could be read. */
  quote?: string;
  fromDefault?: boolean;
}

/** A positive check a rule recorded: the requirement holds, and what makes it hold. */
export interface PassRecord {
  profile: string;
  requirement: string;
  firewall?: string;
  why: string;
  evidence: Evidence[];
  /** Holds, but only if hostname members or a default the documentation leaves open behave as assumed. */
  uncertain?: string;
}

/** The answer to "does this firewall meet this requirement of this provider?". */
export interface RequirementVerdict {
  id: string;
  profile: string;
  /** The configuration file, and the firewall (VDOM, hostname) inside it when it has a name. */
  file: string;
  firewall?: string;
  kind: RequirementKind;
  description: string;
  status: VerdictStatus;
  severity: Severity;
  /** The rule or default that decides, with ports and networks; or what is missing to check it. */
  why: string;
  /** Fingerprints of the findings behind a fail or uncertain verdict. */
  findings: string[];
  evidence: Evidence[];
  /** The fwlint rule that checks it (FWL001 for flows...). */
  checkedBy: string;
  /** Every finding behind the failure is suppressed (accepted risk) or in the baseline. */
  accepted?: boolean;
  /** Where the provider document states it. */
  source?: { section: string; quote: string };
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
  /** The repository root (git top level or $GITHUB_WORKSPACE) SARIF URIs are relative to; default the working directory. */
  repositoryRoot?: string;
  files: LintedFile[];
  findings: Finding[];
  /** Assumptions, skipped requirements and other run-level messages. */
  notifications: Notification[];
  rules: RuleMeta[];
  profiles: { id: string; name: string; document: string }[];
  /** One verdict per requirement of every profile on every firewall (absent in reports built by hand). */
  requirements?: RequirementVerdict[];
}
