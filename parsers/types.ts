import type { Policy, Vendor } from '../src/model/policy.js';

/** What every vendor parser exports. Parsers produce the model; nothing else in parsers/ is public. */
export interface VendorParser {
  /** Vendors this parser produces (pfSense's parser also reads OPNsense). */
  vendors: Vendor[];
  /** Cheap content sniffing on the first bytes of a file; returns the vendor or undefined. */
  detect(head: string): Vendor | undefined;
  /**
   * Parse one file. Returns one Policy per firewall in the file (FortiGate VDOMs: several).
   * Throws ParseError (src/model/errors.ts) with file, line and column when the file is not
   * readable as this vendor's format.
   */
  parse(text: string, file: string, vendor: Vendor): Policy[];
}
