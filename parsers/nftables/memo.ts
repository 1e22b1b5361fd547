import { parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { isObject, str, type Expr } from './ir.js';

/**
 * Bounded memo tables for the values rules repeat: the same address, prefix or port list appears in
 * thousands of rules. Model sets are immutable, so rules share one object per distinct value (less
 * memory, no repeated parsing). A table that fills up is cleared, never grown without limit.
 */
export class Memo<V> {
  private readonly map = new Map<string, V>();
  private readonly limit: number;

  constructor(limit = 1 << 15) {
    this.limit = limit;
    MEMOS.push(this);
  }

  clear(): void {
    this.map.clear();
  }

  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V): V {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}

/** Every memo table, for releaseMemos. */
const MEMOS: Memo<unknown>[] = [];

/**
 * Empties every memo table once a parse is done: keys and values are slices of the source text, and
 * V8 keeps a slice's whole parent string alive, so a kept entry kept the whole file (11 MB for the
 * bench's 100k-rule ruleset) through the evaluation and into the next file of a directory run.
 */
export function releaseMemos(): void {
  for (const m of MEMOS) m.clear();
}

const addresses = new Memo<AddrSet | null>();

/** parseAddressSpec, memoized: the set of one address, prefix or range as written. */
export function addressSet(spec: string): AddrSet | undefined {
  const hit = addresses.get(spec);
  if (hit !== undefined) return hit ?? undefined;
  return addresses.set(spec, parseAddressSpec(spec) ?? null) ?? undefined;
}

/** The text of an address value (`10.0.0.1`, a prefix, a range), or undefined for other shapes. */
export function addressText(x: Expr): string | undefined {
  if (typeof x === 'string') return x;
  if (!isObject(x)) return undefined;
  const p = x.prefix;
  if (isObject(p)) return `${str(p.addr)}/${str(p.len)}`;
  const r = x.range;
  if (Array.isArray(r) && r.length === 2) return `${str(r[0])}-${str(r[1])}`;
  return undefined;
}
