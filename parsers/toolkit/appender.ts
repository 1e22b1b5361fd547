/** Items per block: a block's storage (32 KB) stays below V8's large-object size. */
const BLOCK = 4096;

/**
 * A long list built by appending and handed over once as an array of its exact length. An array grown
 * by push moves to a storage half again as large each time it fills: a 100k-rule list leaves the
 * storages it outgrew (about twice its own size, each a large object) as garbage until a full
 * collection, which a lint never reaches, and keeps up to half again as many slots as it holds. Here
 * items go into blocks of a fixed size, joined once at the end; the blocks, the list's own size in all,
 * are the only garbage. A list that fits one block is handed over as that block.
 */
export class Appender<T> {
  private readonly blocks: T[][] = [];
  private block: T[];

  /** `first`: the list's first items (taken over, not copied). */
  constructor(first: T[] = []) {
    this.block = first;
  }

  push(item: T): void {
    if (this.block.length >= BLOCK) {
      this.blocks.push(this.block);
      this.block = [];
    }
    this.block.push(item);
  }

  /** The items in order, as one array; call once, when the list is complete. */
  toArray(): T[] {
    if (this.blocks.length === 0) return this.block;
    this.blocks.push(this.block);
    this.block = [];
    const all = ([] as T[]).concat(...this.blocks);
    this.blocks.length = 0;
    return all;
  }
}
