import { detach } from '../toolkit/detach.js';

/** FNV-1a, as the reader folds it over a token's characters while it looks for the token's end. */
export const FNV_SEED = 0x811c9dc5;
export const FNV_PRIME = 16777619;

/** Slots of the token cache: a power of two; a few hundred KB, so a lookup rarely misses the CPU cache. */
const SLOTS = 1 << 15;

/**
 * One string per recent short token, found by the hash the reader computed while scanning it, so
 * the words a FortiOS file repeats endlessly (`set`, `next`, attribute names, `enable`, interface
 * and object names) are neither sliced again nor kept in many copies. Direct-mapped: a token
 * replaces whatever held its slot, so the table never grows or rehashes, and tokens met once (uuids'
 * neighbours, addresses, most object names of a 100k-object file) cost one slot and leave
 * nothing behind but what the caller keeps. The hash array is read before any string, so a miss
 * touches one small typed array.
 *
 * The reader empties it when it is done (`release`), so nothing of one file outlives its parse.
 */
export class TokenCache {
  private readonly hashes = new Int32Array(SLOTS);
  private readonly strings: string[] = new Array<string>(SLOTS).fill('');

  /** The string for `src[start, end)`, whose FNV-1a hash (FNV_SEED, FNV_PRIME over the char codes) is `h`. */
  get(src: string, start: number, end: number, h: number): string {
    const slot = (h ^ (h >>> 14)) & (SLOTS - 1);
    const len = end - start;
    if (this.hashes[slot] === h) {
      const s = this.strings[slot] ?? '';
      if (s.length === len && sameChars(s, src, start)) return s;
    }
    const s = len === 0 ? '' : detach(src.slice(start, end));
    this.hashes[slot] = h;
    this.strings[slot] = s;
    return s;
  }

  /** Forgets every string (a slot's stale hash then meets an empty string, whose length never matches a token's). */
  release(): void {
    this.strings.fill('');
  }
}

/** `a` equals `src` from `start` on for a.length characters (the caller checked the length). */
function sameChars(a: string, src: string, start: number): boolean {
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== src.charCodeAt(start + i)) return false;
  return true;
}
