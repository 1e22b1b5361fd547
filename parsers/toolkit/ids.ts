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
  private readonly seen = new Map<string, HashCounts>();

  /** 1 for the first entry with this hash under this prefix, 2 for the next, and so on. */
  occurrence(prefix: string, hash: number): number {
    let m = this.seen.get(prefix);
    if (!m) {
      m = new HashCounts();
      this.seen.set(prefix, m);
    }
    return m.increment(hash);
  }

  /** Room for `count` hashes under `prefix` at once (a table of known size is not rehashed as it grows). */
  reserve(prefix: string, count: number): void {
    const m = this.seen.get(prefix);
    if (m) m.reserve(count);
    else this.seen.set(prefix, new HashCounts(count));
  }
}

/**
 * Counts per 48-bit hash in an open-addressing table of typed arrays (HashIds, RouterOS rule ids): a Map
 * with number keys boxes each key and hashes it slowly; here a key costs two array slots.
 */
export class HashCounts {
  private keys: Float64Array;
  private counts: Int32Array;
  private size = 0;

  constructor(expected = 0) {
    const slots = slotsFor(expected);
    this.keys = new Float64Array(slots);
    this.counts = new Int32Array(slots);
  }

  /** Grows at once to hold `count` more hashes at most half full. */
  reserve(count: number): void {
    while (this.keys.length < slotsFor(this.size + count)) this.grow();
  }

  increment(hash: number): number {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const slot = this.slot(hash);
    const n = (this.counts[slot] ?? 0) + 1;
    if (n === 1) {
      this.keys[slot] = hash;
      this.size++;
    }
    this.counts[slot] = n;
    return n;
  }

  /** The slot holding `hash`, or the empty slot where it goes (linear probing). */
  private slot(hash: number): number {
    const mask = this.keys.length - 1;
    // The low 32 bits are well mixed (cyrb53's h1).
    let i = hash & mask;
    while ((this.counts[i] ?? 0) !== 0 && this.keys[i] !== hash) i = (i + 1) & mask;
    return i;
  }

  private grow(): void {
    const keys = this.keys;
    const counts = this.counts;
    this.keys = new Float64Array(keys.length * 2);
    this.counts = new Int32Array(keys.length * 2);
    for (let i = 0; i < keys.length; i++) {
      const n = counts[i] ?? 0;
      if (n === 0) continue;
      const at = this.slot(keys[i] ?? 0);
      this.keys[at] = keys[i] ?? 0;
      this.counts[at] = n;
    }
  }
}

/** The id string of a HashIds entry: `prefix-<12 hex>`, then `~n` from the second occurrence on. */
export function hashId(prefix: string, hash: number, occurrence: number): string {
  const base = hashText(prefix, hash);
  return occurrence === 1 ? base : flat([base, '~', String(occurrence)]);
}

/** A power of two of at least 1024 slots, at least twice `count`. */
function slotsFor(count: number): number {
  let n = 1024;
  while (n < 2 * count) n *= 2;
  return n;
}
