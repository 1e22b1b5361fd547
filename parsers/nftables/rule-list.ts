/**
 * The rules of one chain block as the text reader reads them, in chunks, joined to the chain's list
 * once at the block's end (after). A list grown by push to 100k rules leaves its earlier copies
 * behind, about twice its final size (large objects, freed only by a full collection: 2.8 MB of the
 * text shape's promoted garbage at 100k); the chunks are its size once, and the list is made at its
 * size. The first chunk is grown by push up to FIRST rules (one store of that size, no copy), the next
 * ones are made at their size, each twice the last up to CHUNK, so that a block of a few hundred rules
 * leaves no copies of a growing chunk either (the text shape: 1.5 MB). A block that fits in the first
 * chunk and is the chain's first gives that chunk itself (the chains shape has 9,000 chains of about
 * ten rules: no copy of each).
 */
export class RuleChunks<T> {
  private readonly full: T[][] = [];
  private cur: T[] = [];
  /** How many the current chunk holds. */
  private used = 0;
  /** How many the current chunk can hold. */
  private size = FIRST;
  /** How many were pushed. */
  length = 0;
  /** The most a chunk holds. */
  private readonly most: number;

  /** `most`: the most a chunk holds (smaller for lists that are many and short, such as a run's networks). */
  constructor(most = CHUNK) {
    this.most = most;
  }

  push(x: T): void {
    if (this.used === this.size) {
      this.full.push(this.cur);
      this.size = Math.min(this.size * 2, this.most);
      this.cur = Array.from<T>({ length: this.size });
      this.used = 0;
    }
    if (this.full.length === 0) this.cur.push(x);
    else this.cur[this.used] = x;
    this.used++;
    this.length++;
  }

  /**
   * What was pushed, as the chunks themselves (the last one cut at its count; none when nothing was):
   * for a reader done pushing that reads them all once (interfaces.ts applyRun), not a list made of them.
   */
  parts(): T[][] {
    if (this.length === 0) return [];
    this.cur.length = this.used;
    // Full from now on: a later push starts a new chunk rather than writing past the cut.
    this.size = this.used;
    return this.full.length === 0 ? [this.cur] : [...this.full, this.cur];
  }

  /** `list` followed by what was pushed: a new list made at its size (or `list` when nothing was). */
  after(list: readonly T[]): T[] {
    if (this.length === 0) return list as T[];
    if (list.length === 0 && this.full.length === 0) return this.cur;
    const out = Array.from<T>({ length: list.length + this.length });
    let j = 0;
    for (const x of list) out[j++] = x;
    for (const c of this.full) for (const x of c) out[j++] = x;
    const cur = this.cur;
    for (let i = 0; i < this.used; i++) out[j++] = cur[i] as T;
    return out;
  }
}

/** Rules the first chunk holds: what most chains of a generated ruleset have, a store of 144 bytes. */
const FIRST = 16;
/** The most rules a chunk holds: 32 KB of references, an ordinary object for the young generation. */
const CHUNK = 4096;
