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
  parse(text: string, file: string, vendor: Vendor, options?: ParseOptions): Policy[];
}

/** What a parser may need from outside the file; the CLI supplies it. */
export interface ParseOptions {
  /**
   * Reads a file the configuration includes (nftables `include`), resolved by the caller relative
   * to the including file; returns its text and the path to show in locations, or undefined when
   * it cannot be read. Parsers never touch the file system themselves.
   */
  readInclude?(path: string, fromFile: string): { text: string; display: string } | undefined;
  /** Host kernel settings from `--sysctl <file>` (sysctl.conf syntax), e.g. net.netfilter.nf_conntrack_udp_timeout_stream. */
  sysctl?: Readonly<Record<string, string>>;
  /**
   * The nft (userspace) release that loaded the ruleset (`--nft-version`, e.g. `1.0.6`): how some
   * constructs compile depends on it (`ct state != a,b`, docs/semantics.md#nft-syntax). Wins over the
   * `metainfo.version` of `nft -j` output (the release that printed it).
   */
  nftVersion?: string;
}
