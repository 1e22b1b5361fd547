import type { Audience, FailOn, RuleLevel, VendorChoice } from '../model/vocabulary.js';

/** What a lint of one file needs: CLI flags, over the config file's overrides, over its top level. */
export interface FileSettings {
  profiles: string[];
  phones: string[];
  /** PC networks (--pcs). */
  pcs?: string[];
  /** Named servers as NAME=SPEC (--server). */
  servers?: string[];
  pbx?: string;
  wan: string[];
  audiences: Audience[];
  devices: string[];
  vendor: VendorChoice;
  sysctl?: string;
  /** The nft release that loads the ruleset (--nft-version), e.g. "1.0.6". */
  nftVersion?: string;
  /** Per-rule levels by rule id (names are resolved to ids at load). */
  rules: Record<string, RuleLevel>;
}

export interface IgnoreEntry {
  rule: string;
  files?: string[];
  match?: string;
  reason: string;
  expires?: string;
  /** Where the entry is, for reporting it when it expires or matches nothing. */
  loc: { file: string; line: number; column: number; endLine: number };
}

export interface ConfigFile {
  path: string;
  /** Shown in messages and used as the location of config findings. */
  display: string;
  /** Globs and relative profile paths resolve against this directory. */
  dir: string;
  top: Partial<FileSettings> & { failOn?: FailOn; quiet?: boolean; maxWarnings?: number; exclude?: string[] };
  overrides: { files: string[]; settings: Partial<FileSettings> }[];
  ignore: IgnoreEntry[];
}
