import { RANGE_HASH_BASIS, RANGE_HASH_PRIME } from '../toolkit/range-table.js';

/**
 * Strings by the characters of a range of a larger text (`src[start, end)`) and that range's hash
 * (toolkit/range-table.ts's FNV-1a), each with a small mark: the RouterOS reader's property names
 * (marked when their values are mostly unique) and short values. The table of range-table.ts, with
 * the probe and the comparison of characters in one call: the reader looks up about a dozen words per
 * entry, and the CLI runs with inlining off (src/cli/inlining.ts), so each call between them costs.
 * When half full the table starts over (words that repeat come back at once).
 */
export class WordTable {
  /** The word of each slot (undefined: free). */
  readonly words: (string | undefined)[];
  /** Each slot's mark (add's `mark`). */
  readonly marks: Uint8Array;
  private readonly hashes: Int32Array;
  private readonly mask: number;
  private size = 0;

  constructor(slots: number) {
    const n = 1 << Math.ceil(Math.log2(Math.max(16, slots)));
    this.words = new Array<string | undefined>(n).fill(undefined);
    this.marks = new Uint8Array(n);
    this.hashes = new Int32Array(n);
    this.mask = n - 1;
  }

  /** The slot of the word `src[start, end)` whose hash is `h`, or -1 when it is not in the table. */
  find(src: string, start: number, end: number, h: number): number {
    const len = end - start;
    const words = this.words;
    const hashes = this.hashes;
    const mask = this.mask;
    let slot = h & mask;
    for (let w = words[slot]; w !== undefined; w = words[slot]) {
      if (hashes[slot] === h && w.length === len) {
        let k = 0;
        while (k < len && w.charCodeAt(k) === src.charCodeAt(start + k)) k++;
        if (k === len) return slot;
      }
      slot = (slot + 1) & mask;
    }
    return -1;
  }

  /** Puts `word` (not in the table, hash `h`) with its mark; its slot. */
  add(word: string, h: number, mark: number): number {
    if (2 * (this.size + 1) > this.hashes.length) {
      this.words.fill(undefined);
      this.size = 0;
    }
    let slot = h & this.mask;
    while (this.words[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.size++;
    this.hashes[slot] = h;
    this.words[slot] = word;
    this.marks[slot] = mark;
    return slot;
  }
}

/** The hash WordTable looks `src[start, end)` up by. */
export function wordHash(src: string, start: number, end: number): number {
  let h = RANGE_HASH_BASIS;
  for (let i = start; i < end; i++) h = Math.imul(h ^ src.charCodeAt(i), RANGE_HASH_PRIME);
  return h;
}
