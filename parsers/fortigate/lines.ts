import { CR, LF } from '../toolkit/chars.js';
import { PositionIndex } from '../toolkit/positions.js';

/** Farther than this from the known line, a position is looked up in the whole text's line index. */
const NEAR = 1 << 16;

/**
 * Line and column of offsets in the text the reader read, answered from a line whose start the
 * reader knew (an entry's or block's `edit`/`config` line): the line breaks between it and the offset
 * are counted, so a 2M-line file needs no index of every line start (a 15 MB array, and a pass over
 * the text) for the few hundred statements whose positions are ever asked for. Far offsets (a
 * statement of a block that spans a large table) use that index, built then. Line breaks are LF,
 * CRLF and a lone CR, as PositionIndex counts them.
 */
export class TextLines {
  readonly text: string;
  private index: PositionIndex | undefined;

  constructor(text: string) {
    this.text = text;
  }

  /** 1-based line and column of `offset`, given that 1-based line `line` starts at offset `start` (<= offset). */
  position(offset: number, line: number, start: number): { line: number; column: number } {
    if (offset - start > NEAR) {
      this.index ??= new PositionIndex(this.text);
      return this.index.position(offset);
    }
    const text = this.text;
    let l = line;
    let s = start;
    for (let i = start; i < offset; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) {
        l++;
        s = i + 1;
      }
    }
    return { line: l, column: offset - s + 1 };
  }
}
