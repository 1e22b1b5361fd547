import type { Vendor } from '../src/model/policy.js';
import { fortigateParser } from './fortigate/index.js';
import { mikrotikParser } from './mikrotik/index.js';
import { nftablesParser } from './nftables/index.js';
import { pfsenseParser } from './pfsense/index.js';
import type { VendorParser } from './types.js';

/** Every parser fwlint has. The CLI picks one per file; the engine and rules never import parsers. */
export const PARSERS: readonly VendorParser[] = [pfsenseParser, fortigateParser, mikrotikParser, nftablesParser];

export const ALL_VENDORS: readonly Vendor[] = ['pfsense', 'opnsense', 'fortigate', 'mikrotik', 'nftables'];

export function parserFor(vendor: Vendor): VendorParser | undefined {
  return PARSERS.find((p) => p.vendors.includes(vendor));
}

export function detectVendor(head: string): Vendor | undefined {
  for (const p of PARSERS) {
    const v = p.detect(head);
    if (v) return v;
  }
  return undefined;
}
