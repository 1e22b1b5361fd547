import { hashText } from './hash.js';
import { flat } from './labels.js';

/** Makes rule ids unique inside one file: identical rules and reused vendor ids (pfSense trackers) occur. */
export class IdRegistry {
  private readonly seen = new Map<string, number>();

  unique(id: string): string {
    const n = this.seen.get(id);
    if (n === undefined) {
      this.seen.set(id, 1);
      return id;
    }
    this.seen.set(id, n + 1);
    return flat([id, '~', String(n + 1)]);
  }
}

/**
 * Content ids kept as numbers until someone reads them (a finding, explain): a 100k-rule file then
 * registers 100k numbers instead of building and hashing 100k strings. Occurrences count per prefix,
 * so `hashId(prefix, hash, occurrence)` is the string IdRegistry.unique would have returned, provided
 * no other id of the file starts with `prefix-` and 12 hex digits (give each table its own prefix).
 */
export class HashIds {
  private readonly seen = new Map<string, Map<number, number>>();

  /** 1 for the first entry with this hash under this prefix, 2 for the next, and so on. */
  occurrence(prefix: string, hash: number): number {
    let m = this.seen.get(prefix);
    if (!m) {
      m = new Map();
      this.seen.set(prefix, m);
    }
    const n = (m.get(hash) ?? 0) + 1;
    m.set(hash, n);
    return n;
  }
}

/** The id string of a HashIds entry: `prefix-<12 hex>`, then `~n` from the second occurrence on. */
export function hashId(prefix: string, hash: number, occurrence: number): string {
  const base = hashText(prefix, hash);
  return occurrence === 1 ? base : flat([base, '~', String(occurrence)]);
}
