import { parseAddressSpec, v4PrefixSet, type AddrSet, type AddrUnion } from '../../src/model/address.js';
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

/**
 * Whether a key was met before, by a table of 8,192 hashes (no key kept; a collision only answers yes
 * too early). Memo tables of values most rules write once take an entry at a key's second sighting:
 * an entry for a key never met again kept its key and grew the table until it filled up and was
 * cleared, long enough to be copied to the old generation (the nftables bench ruleset at 100k: 53,000
 * port lists written once, about 5 MB of keys and table storage).
 */
export class Sightings {
  private readonly marks = new Int32Array(1 << 13);

  constructor() {
    SIGHTINGS.push(this);
  }

  /** True when `key` was (probably) met before; marks it met. */
  again(key: string): boolean {
    let h = 0x811c9dc5 | 0;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    const slot = (h ^ (h >>> 13)) & 0x1fff;
    if (this.marks[slot] === h) return true;
    this.marks[slot] = h;
    return false;
  }

  clear(): void {
    this.marks.fill(0);
  }
}

/**
 * Sets of short lists of literal values (`{ 22, 3389 }`, `{ 198.51.100.7, 203.0.113.0/24 }`: at most
 * BOUNDS_MAX bounds) by their bounds as written and a tag (the operator, domain or family), in a table
 * of SLOTS places indexed by a hash of both, a place taken by the last list that hashed to it. Equal
 * bounds in the same order under the same tag build the same set, so rules that repeat a list share
 * one. The text-keyed tables this replaces for such lists hashed each list's text (a fresh slice of
 * the source, through the runtime: about 4% of a 100k text parse) and a list's text again for its
 * sightings; this table keeps no text and never grows (typed arrays, outside the collector's heap).
 */
export class BoundsMemo<S> {
  private static readonly SLOTS = 1 << 12;
  private static readonly BOUNDS_MAX = 8;
  private readonly tags = new Int32Array(BoundsMemo.SLOTS);
  private readonly counts = new Uint8Array(BoundsMemo.SLOTS);
  private readonly bounds = new Float64Array(BoundsMemo.SLOTS * BoundsMemo.BOUNDS_MAX);
  private readonly sets: (S | undefined)[] = Array.from<S | undefined>({ length: BoundsMemo.SLOTS });
  /** The place the last find() missed, which keep() fills; -1: none. */
  private place = -1;

  constructor() {
    BOUNDS_MEMOS.push(this);
  }

  /** Whether a list of `count` bounds can be looked up (and kept). */
  static takes(count: number): boolean {
    return count > 0 && count <= BoundsMemo.BOUNDS_MAX;
  }

  /**
   * The set kept for the first `count` bounds of `flat` (as written; BoundsMemo.takes(count)) under
   * `tag`, or undefined: the bounds are then copied to their place, for keep() to file the set built
   * from them (the caller may reorder `flat` while it builds).
   */
  find(flat: Float64Array | readonly number[], count: number, tag: number): S | undefined {
    let h = Math.imul(tag ^ 0x2545f491, 0x01000193);
    for (let i = 0; i < count; i++) h = Math.imul(h ^ ((flat[i] ?? 0) | 0), 0x01000193);
    const place = (h ^ (h >>> 17)) & (BoundsMemo.SLOTS - 1);
    const at = place * BoundsMemo.BOUNDS_MAX;
    const bounds = this.bounds;
    const set = this.sets[place];
    if (set !== undefined && this.tags[place] === tag && this.counts[place] === count) {
      let i = 0;
      while (i < count && bounds[at + i] === flat[i]) i++;
      if (i === count) return set;
    }
    this.sets[place] = undefined;
    this.tags[place] = tag;
    this.counts[place] = count;
    for (let i = 0; i < count; i++) bounds[at + i] = flat[i] ?? 0;
    this.place = place;
    return undefined;
  }

  /** Files `set` at the place the last find() missed (built from the bounds it was given). */
  keep(set: S): void {
    if (this.place >= 0) this.sets[this.place] = set;
    this.place = -1;
  }

  clear(): void {
    this.sets.fill(undefined);
    this.place = -1;
  }
}

/** Every bounds table, for releaseMemos. */
const BOUNDS_MEMOS: BoundsMemo<unknown>[] = [];

/** Every sightings table, for releaseMemos. */
const SIGHTINGS: Sightings[] = [];

/** Every memo table, for releaseMemos. */
const MEMOS: Memo<unknown>[] = [];

/**
 * Empties every memo table once a parse is done: keys and values are slices of the source text, and
 * V8 keeps a slice's whole parent string alive, so a kept entry kept the whole file (11 MB for the
 * bench's 100k-rule ruleset) through the evaluation and into the next file of a directory run.
 */
export function releaseMemos(): void {
  for (const m of MEMOS) m.clear();
  for (const t of SIGHTINGS) t.clear();
  for (const t of BOUNDS_MEMOS) t.clear();
}

/**
 * parseAddressSpec: the set of one address, prefix or range as written. Not memoized here: the
 * readers' common paths ask through memos of their own (the address words and prefix objects below,
 * match.ts's condition tables), so a table by text behind them saw 11% hits on the bench's 100k ruleset and cost a lookup and
 * an entry kept to the next clear for each of the 67,000 misses (100k parse: 3-7% CPU, 6-14 MiB peak).
 */
export function addressSet(spec: string): AddrSet | undefined {
  return parseAddressSpec(spec);
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

/** An address value: its set, or a hostname nft would resolve when loading the ruleset. */
export interface AddrValue {
  readonly set: AddrSet | undefined;
  readonly host: string | undefined;
}

/**
 * The memo's entries, made by `new`: they live as long as the memo, and V8 would switch a literal's
 * allocation site to the old generation mid-parse, throwing away the compiled code that inlines it
 * (the text reader's conversion; toolkit/location.ts).
 */
class Addr implements AddrValue {
  declare readonly set: AddrSet | undefined;
  declare readonly host: string | undefined;

  constructor(set: AddrSet | undefined, host: string | undefined) {
    this.set = set;
    this.host = host;
  }
}
const NOT_ADDR = new Addr(undefined, undefined);

const HOSTNAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** Addresses written as words (`198.51.100.7`), by their text. */
const addressWords = new Memo<AddrValue>();
/** Weak: the memo keeps no value of a document alive once its model is built. */
const addressObjects = new WeakMap<object, AddrValue>();

/**
 * Where a prefix or range object the readers share (print.ts printedPrefix, printedRange) keeps its
 * address value: a member of its literal, `null` until asked. The weak table above took an entry per
 * object, and its entries for objects the readers' memos had dropped stayed until a full collection
 * (which a parse rarely reaches): at 100k rules its storage, grown and copied to the old generation
 * again and again, was 4–6 MB of what the young generation's collector copied.
 */
export const ADDRESS = Symbol('address');
interface AddressSlot {
  [ADDRESS]?: AddrValue | null;
}

/**
 * An address value (a word, a prefix or a range), memoized: the condition interpreter (match.ts) and
 * interface inference (interfaces.ts) ask for the same values, and share one entry per value.
 */
export function addressValue(x: Expr): AddrValue {
  if (typeof x === 'string') {
    // One lookup by the text, no result object per rule.
    return addressWords.get(x) ?? addressWords.set(x, addressValueOf(x));
  }
  if (typeof x !== 'object' || x === null) return addressValueOf(x);
  // Prefixes and ranges are objects (the `nft -j` reader shares both, the text reader its ranges:
  // text-rules.ts wordValue): their value is kept on them (ADDRESS), or else looked up by identity,
  // instead of printing `addr/len` and hashing the text in every rule.
  const slot = (x as AddressSlot)[ADDRESS];
  if (slot !== undefined) {
    if (slot !== null) return slot;
    const v = addressValueOf(x);
    (x as AddressSlot)[ADDRESS] = v;
    return v;
  }
  let hit = addressObjects.get(x);
  if (!hit) {
    hit = addressValueOf(x);
    addressObjects.set(x, hit);
  }
  return hit;
}

/** addressValue without its memo (for callers that memoize the result themselves). */
export function addressValueOf(x: Expr): AddrValue {
  if (isObject(x)) {
    // An IPv4 prefix object (`ip saddr 10.1.2.0/24`, most rules at 100k): its set from the address and
    // length, without its text made and read again (addressText, parseAddressSpec).
    const p = x.prefix;
    if (isObject(p) && typeof p.addr === 'string' && typeof p.len === 'number') {
      const s = v4PrefixSet(p.addr, p.len);
      if (s) return new Addr(s, undefined);
    }
  }
  const text = addressText(x);
  if (text === undefined) return NOT_ADDR;
  const s = addressSet(text);
  if (s) return new Addr(s, undefined);
  if (typeof x === 'string' && HOSTNAME.test(x)) return new Addr(undefined, x);
  return NOT_ADDR;
}

/**
 * Adds an IPv4 address word or prefix (addressValue's set of it) to a union by its bounds, without
 * its set, memo entry or text: true when it did; false (nothing added) for other values, which the
 * caller adds through addressValue. Large sets' elements are mostly written once.
 */
export function addV4Address(u: AddrUnion, x: Expr): boolean {
  if (typeof x === 'string') return u.addV4Spec(x);
  if (!isObject(x)) return false;
  const p = x.prefix;
  return isObject(p) && typeof p.addr === 'string' && typeof p.len === 'number' && u.addV4Prefix(p.addr, p.len);
}
