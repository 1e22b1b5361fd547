/** FNV-1a over the character codes of a range: the hash RangeTable looks texts up by. */
export const RANGE_HASH_BASIS = 0x811c9dc5;
export const RANGE_HASH_PRIME = 16777619;

/** One character's step of the hash RangeTable looks ranges up by (from RANGE_HASH_BASIS). */
export function rangeHashStep(h: number, c: number): number {
  return Math.imul(h ^ c, RANGE_HASH_PRIME);
}

/** The hash of `src[start, end)`, for a caller that did not fold it while scanning. */
export function rangeHash(src: string, start: number, end: number): number {
  let h = RANGE_HASH_BASIS;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src.charCodeAt(i), RANGE_HASH_PRIME);
  return h;
}

/**
 * Values by the text they are written as, looked up by a range of a larger text (`src[start, end)`)
 * and that range's hash, in one probe of an open-addressing table: no string is made or hashed to
 * look a value up, and a hit is confirmed character by character. Readers keep here what many
 * entries write the same way (words, selectors, prefixes). When half full the table doubles up to
 * `maxSlots`, then starts over (values that repeat come back at once).
 */
export class RangeTable<V> {
  private keys: (string | undefined)[];
  private values: (V | undefined)[];
  private hashes: Int32Array;
  private mask: number;
  private size = 0;
  private readonly maxSlots: number;

  constructor(slots: number, maxSlots = slots) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, slots)));
    this.maxSlots = Math.max(n, maxSlots);
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
  }

  /** The value kept for the text `src[start, end)` (hash `h`), or undefined. */
  get(src: string, start: number, end: number, h: number): V | undefined {
    const len = end - start;
    const keys = this.keys;
    let slot = h & this.mask;
    for (let k = keys[slot]; k !== undefined; k = keys[slot]) {
      if (this.hashes[slot] === h && k.length === len && sameChars(k, src, start)) return this.values[slot];
      slot = (slot + 1) & this.mask;
    }
    return undefined;
  }

  /**
   * Keeps `value` for the text `key` (hash `h`), which get() did not find. The caller chooses the key
   * string: a slice of a large text keeps that text alive as long as the table keeps the slice.
   */
  set(key: string, h: number, value: V): void {
    if (2 * (this.size + 1) > this.hashes.length) this.make(this.hashes.length < this.maxSlots);
    let slot = h & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.size++;
    this.hashes[slot] = h;
    this.keys[slot] = key;
    this.values[slot] = value;
  }

  /** New slots: twice as many with every entry moved (`grow`), or as many and empty. */
  private make(grow: boolean): void {
    const { keys, values, hashes } = this;
    const n = grow ? hashes.length * 2 : hashes.length;
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    if (!grow) {
      this.size = 0;
      return;
    }
    for (let k = 0; k < hashes.length; k++) {
      const key = keys[k];
      if (key === undefined) continue;
      const h = hashes[k] ?? 0;
      let x = h & this.mask;
      while (this.keys[x] !== undefined) x = (x + 1) & this.mask;
      this.hashes[x] = h;
      this.keys[x] = key;
      this.values[x] = values[k];
    }
  }
}

/** `a` equals `src` from `start` on for a.length characters (the caller checked the length). */
function sameChars(a: string, src: string, start: number): boolean {
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== src.charCodeAt(start + i)) return false;
  return true;
}
