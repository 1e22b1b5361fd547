/** The five input formats the fuzzer covers, and where their seed files come from. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const FORMATS = ['pfsense', 'fortigate', 'mikrotik', 'nftables', 'nftables-json'] as const;
export type Format = (typeof FORMATS)[number];

export interface Seed {
  format: Format;
  /** Where it came from, relative to its root (fixture or corpus), for reports. */
  name: string;
  data: Buffer;
}

/** File name extension the mutated input is written with (detection looks at content, nftables JSON also at the name). */
export const EXTENSION: Record<Format, string> = {
  pfsense: 'xml',
  fortigate: 'conf',
  mikrotik: 'rsc',
  nftables: 'nft',
  'nftables-json': 'json',
};

/** The format a file holds, from the folder it sits in and its name; undefined for files that are no seed. */
function formatOf(vendorFolder: string, file: string): Format | undefined {
  if (/\.(md|txt\.md|tsv|ts|inc)$/.test(file) || file.includes('/include/')) return undefined;
  switch (vendorFolder) {
    case 'pfsense':
    case 'fortigate':
    case 'mikrotik':
      return vendorFolder;
    case 'nftables':
    case 'nftables-testsuite':
    case 'nftables-json':
      return /\.(json|json-nft)$/.test(file) ? 'nftables-json' : 'nftables';
    default:
      return undefined;
  }
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile() && st.size > 0 && st.size < 1024 * 1024) out.push(p);
  }
  return out;
}

/**
 * Seeds under a root whose first-level folders are named after the vendor (fixtures/ and the
 * corpus share that layout; fixtures/regressions/<vendor>/ holds earlier crashes).
 */
export function collectSeeds(root: string, label: string): Seed[] {
  if (!existsSync(root)) return [];
  const out: Seed[] = [];
  for (const top of readdirSync(root).sort()) {
    const dir = join(root, top);
    if (!statSync(dir).isDirectory()) continue;
    const sub = top === 'regressions' ? readdirSync(dir).map((v) => [v, join(dir, v)] as const) : [[top, dir] as const];
    for (const [vendor, vdir] of sub) {
      if (!statSync(vdir).isDirectory()) continue;
      for (const f of walk(vdir)) {
        const format = formatOf(vendor, f);
        if (format) out.push({ format, name: `${label}/${f.slice(root.length + 1)}`, data: readFileSync(f) });
      }
    }
  }
  return out;
}
