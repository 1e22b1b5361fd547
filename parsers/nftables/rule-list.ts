/**
 * The rules of one chain block as the text reader reads them, in chunks of a fixed size, joined to the
 * chain's list once at the block's end (after). A list grown by push to 100k rules leaves its earlier
 * copies behind, about twice its final size (large objects, freed only by a full collection: 2.8 MB
 * of the text shape's promoted garbage at 100k); the chunks are its size once, and the list is made at
 * its size.
 */
export class RuleChunks<T> {
  private readonly full: T[][] = [];
  private cur: T[] = [];
  /** How many were pushed. */
  length = 0;

  push(x: T): void {
    if (this.cur.length === CHUNK) {
      this.full.push(this.cur);
      this.cur = [];
    }
    this.cur.push(x);
    this.length++;
  }

  /** `list` followed by what was pushed: a new list made at its size (or `list` when nothing was). */
  after(list: readonly T[]): T[] {
    if (this.length === 0) return list as T[];
    const out = Array.from<T>({ length: list.length + this.length });
    let j = 0;
    for (const x of list) out[j++] = x;
    for (const c of this.full) for (const x of c) out[j++] = x;
    for (const x of this.cur) out[j++] = x;
    return out;
  }
}

/** Rules per chunk: 32 KB of references, an ordinary object for the young generation. */
const CHUNK = 4096;
