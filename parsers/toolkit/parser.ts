import type { Policy, Vendor } from '../../src/model/policy.js';
import type { ParseOptions, VendorParser } from '../types.js';

/** A VendorParser for formats that hold one firewall per file (all but FortiGate's multi-VDOM files). */
export function oneFirewallPerFile(
  vendors: Vendor[],
  detect: (head: string) => Vendor | undefined,
  parse: (text: string, file: string, vendor: Vendor, options: ParseOptions) => Policy,
): VendorParser {
  return { vendors, detect, parse: (text, file, vendor, options = {}) => [parse(text, file, vendor, options)] };
}
