/** FNV-1a over the character codes of a range: the hash RangeInterner looks texts up by. */
export const RANGE_HASH_BASIS = 0x811c9dc5;
export const RANGE_HASH_PRIME = 16777619;

/**
 * One string per distinct short text, looked up by the characters of a range of a larger string
 * (`src[start, end)`), so a reader that meets `accept` or `protocol` 100k times neither slices a new
 * string each time nor keeps 100k copies. An open-addressing table of the range's hash; a hit is
 * confirmed character by character. When half full it doubles up to `maxSlots`, then starts over
 * (texts that repeat come back at once).
 */
export class RangeInterner {
  private strings: (string | undefined)[];
  private hashes: Int32Array;
  private mask: number;
  private readonly maxSlots: number;
  private size = 0;
  /** What a text stands for (default: itself), computed once per distinct text. */
  private readonly map: (text: string) => string;
  /** The text each slot was looked up by (differs from its string when `map` changes it). */
  private sources: (string | undefined)[];

  constructor(slots = 8192, map?: (text: string) => string, maxSlots = slots) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, slots)));
    this.maxSlots = Math.max(n, maxSlots);
    this.strings = new Array<string | undefined>(n).fill(undefined);
    this.sources = map ? new Array<string | undefined>(n).fill(undefined) : this.strings;
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    this.map = map ?? identity;
  }

  /** The string for `src[start, end)`. */
  get(src: string, start: number, end: number): string {
    let h = RANGE_HASH_BASIS;
    for (let i = start; i < end; i++) h = Math.imul(h ^ src.charCodeAt(i), RANGE_HASH_PRIME);
    return this.getHashed(src, start, end, h);
  }

  /**
   * As `get`, with the range's hash `h` already worked out by the caller (a reader that hashes the
   * characters as it scans them: start from RANGE_HASH_BASIS, `h = Math.imul(h ^ c, RANGE_HASH_PRIME)` per character).
   */
  getHashed(src: string, start: number, end: number, h: number): string {
    const len = end - start;
    const sources = this.sources;
    let slot = h & this.mask;
    for (let cand = sources[slot]; cand !== undefined; cand = sources[slot]) {
      if (this.hashes[slot] === h && cand.length === len && sameChars(cand, src, start))
        return this.strings[slot] ?? cand;
      slot = (slot + 1) & this.mask;
    }
    const text = src.slice(start, end);
    if (2 * (this.size + 1) > this.hashes.length) {
      if (this.hashes.length < this.maxSlots) this.grow();
      else this.clear();
      slot = h & this.mask;
      while (this.sources[slot] !== undefined) slot = (slot + 1) & this.mask;
    }
    this.size++;
    this.hashes[slot] = h;
    this.sources[slot] = text;
    const value = this.map(text);
    this.strings[slot] = value;
    return value;
  }

  /** Twice the slots, every entry moved to its place in the larger table. */
  private grow(): void {
    const { strings, sources, hashes } = this;
    const n = hashes.length * 2;
    const shared = sources === strings;
    this.strings = new Array<string | undefined>(n).fill(undefined);
    this.sources = shared ? this.strings : new Array<string | undefined>(n).fill(undefined);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
    for (let k = 0; k < hashes.length; k++) {
      const source = sources[k];
      if (source === undefined) continue;
      const h = hashes[k] ?? 0;
      let x = h & this.mask;
      while (this.sources[x] !== undefined) x = (x + 1) & this.mask;
      this.hashes[x] = h;
      this.sources[x] = source;
      this.strings[x] = strings[k];
    }
  }

  private clear(): void {
    const n = this.hashes.length;
    const shared = this.sources === this.strings;
    this.strings = new Array<string | undefined>(n).fill(undefined);
    this.sources = shared ? this.strings : new Array<string | undefined>(n).fill(undefined);
    this.size = 0;
  }
}

/** One character's step of the hash RangeInterner looks ranges up by (from RANGE_HASH_BASIS). */
export function rangeHashStep(h: number, c: number): number {
  return Math.imul(h ^ c, RANGE_HASH_PRIME);
}

function identity(t: string): string {
  return t;
}

/** `a` equals `src` from `start` on for a.length characters (the caller checked the length). */
function sameChars(a: string, src: string, start: number): boolean {
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== src.charCodeAt(start + i)) return false;
  return true;
}
