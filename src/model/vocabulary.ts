/**
 * The closed word lists fwlint uses in more than one place: vendors, audiences, finding levels and
 * their ranks, rule levels and --fail-on values. The CLI's choices and the types are derived from
 * these arrays; test/vocabulary.test.ts proves the JSON schemas list the same words.
 */
import type { Vendor } from './policy.js';

/** Every configuration format a parser produces (OPNsense is read by the pfSense parser). */
export const VENDORS = [
  'pfsense',
  'opnsense',
  'fortigate',
  'mikrotik',
  'nftables',
] as const satisfies readonly Vendor[];
// Compile-time proof that the list names every Vendor of the model (src/model/policy.ts).
type MissingVendor = Exclude<Vendor, (typeof VENDORS)[number]>;
// Only `never` satisfies the constraint, so a missing vendor is a compile error that names it.
type Exhaustive<T extends never> = T;
export type UnlistedVendor = Exhaustive<MissingVendor>;

/** `--vendor` values: a vendor, or `auto` (detected from the content). */
export const VENDOR_CHOICES = ['auto', ...VENDORS] as const;
export type VendorChoice = (typeof VENDOR_CHOICES)[number];

/** Audiences a requirement can address; `phones` is always checked, the others are opt-in. */
/**
 * `home-router`: the firewall is the home Internet router a remote phone (OpenScape System Device@Home)
 * sits behind; the requirements a document sets for that router are checked only when the user says so.
 */
export const OPTIONAL_AUDIENCES = [
  'pc-software',
  'wifi-calling',
  'mobile-app',
  'servers',
  'pbx',
  'home-router',
] as const;
export const AUDIENCES = ['phones', ...OPTIONAL_AUDIENCES] as const;
export type Audience = (typeof AUDIENCES)[number];

/** Finding levels, most severe first (SARIF `level`). */
export const SEVERITIES = ['error', 'warning', 'note'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is more severe: for `--fail-on` and for picking the stronger of two levels. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 3, warning: 2, note: 1 };

/** The stronger of two levels. */
export function strongerSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

/** Per-rule levels in the config file: a finding level, or `off`. */
export const RULE_LEVELS = ['off', ...SEVERITIES] as const;
export type RuleLevel = (typeof RULE_LEVELS)[number];

/** `--fail-on` / `failOn`: the least severe level that fails a run, or `none`. */
export const FAIL_ON = [...SEVERITIES, 'none', 'incomplete'] as const;
export type FailOn = (typeof FAIL_ON)[number];

/** Whether `level` reaches the `--fail-on` threshold. */
export function reachesFailOn(level: Severity, failOn: FailOn): boolean {
  return failOn !== 'none' && failOn !== 'incomplete' && SEVERITY_RANK[level] >= SEVERITY_RANK[failOn];
}
