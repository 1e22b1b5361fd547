import { PositionIndex } from '../toolkit/positions.js';
import type { Expr } from './ir.js';
import { Bail, grow, stringEnd, Walk, type FastRules, type Layout } from './json-fast.js';

/**
 * `nft -j` documents one element of the `nftables` list at a time. JSON.parse of the whole document
 * (json-fast.ts) builds every rule's tree before the first is converted: for a 100k-rule listing
 * (55 MB) that tree is several hundred MB that V8's young generation copies and the old generation
 * then holds. Here a scanner finds each element of the list, JSON.parse reads that element alone and
 * the caller converts it before the next is read, so only one element's tree is alive at a time.
 *
 * Each element gets exactly the positions and checks json-fast.ts gives it in the whole document (the
 * same Walk, at the same depth, with offsets into the whole text). Anything else — a document that is
 * not exactly `{"nftables": [ … ]}`, an element JSON.parse refuses or the Walk gives up on — throws
 * Bail, and the caller reads the whole document the old way (json-scanner.ts), which then gives the
 * same tree or the same error as before.
 */

/** JSON whitespace: space, tab, LF, CR. */
function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

const HEAD = '"nftables"';

export class ElementStream {
  private readonly text: string;
  private readonly rules: FastRules;
  private readonly lay: Layout;
  private readonly walk: Walk;
  private readonly stack: Int32Array;
  private i = 0;
  private started = false;
  private ended = false;

  constructor(text: string, rules: FastRules) {
    this.text = text;
    this.rules = rules;
    const size = 256;
    this.lay = {
      opens: new Int32Array(size),
      closes: new Int32Array(size),
      members: new Int32Array(size),
      count: 0,
      lines: new PositionIndex(text),
    };
    this.walk = new Walk(text, this.lay, rules);
    this.walk.share = true;
    this.stack = new Int32Array(rules.maxDepth + 1);
  }

  /** Whether the last element read names a set or map (a string value starting with `@`). */
  get refs(): boolean {
    return this.walk.refs;
  }

  private space(): number {
    const t = this.text;
    let i = this.i;
    while (i < t.length && isSpace(t.charCodeAt(i))) i++;
    this.i = i;
    return i < t.length ? t.charCodeAt(i) : -1;
  }

  /** `{"nftables": [` and the whitespace around it; Bail when the document does not open that way. */
  private head(): void {
    if (this.space() !== 123) throw new Bail();
    this.i++;
    if (this.space() !== 34 || !this.text.startsWith(HEAD, this.i)) throw new Bail();
    this.i += HEAD.length;
    if (this.space() !== 58) throw new Bail();
    this.i++;
    if (this.space() !== 91) throw new Bail();
    this.i++;
  }

  /** `]}` and nothing but whitespace after it. */
  private tail(): void {
    this.i++;
    if (this.space() !== 125) throw new Bail();
    this.i++;
    if (this.space() !== -1) throw new Bail();
  }

  /** The next element of the list, parsed and positioned; undefined after the last. */
  next(): Expr | undefined {
    return this.advance() < 0 ? undefined : this.parse();
  }

  /**
   * Moves to the next element of the list and returns the offset of its opening brace; -1 after the
   * last. The element is then read by parse(), or by another reader that calls skip() (json-direct.ts).
   */
  advance(): number {
    if (this.ended) return -1;
    let c: number;
    if (!this.started) {
      this.head();
      this.started = true;
      c = this.space();
    } else {
      c = this.space();
      if (c !== 93) {
        if (c !== 44) throw new Bail();
        this.i++;
        c = this.space();
        // Elements are objects in any document the reader accepts; anything else is left to the old path.
        if (c !== 123) throw new Bail();
      }
    }
    if (c === 93) {
      this.tail();
      this.ended = true;
      return -1;
    }
    if (c !== 123) throw new Bail();
    return this.i;
  }

  /** The element advance() stopped at, parsed and positioned. */
  parse(): Expr {
    const from = this.i;
    const to = this.layout(from);
    let v: Expr;
    try {
      v = JSON.parse(this.text.slice(from, to + 1)) as Expr;
    } catch {
      throw new Bail();
    }
    this.walk.reset();
    // The element's ancestors are the root object and the `nftables` list (json-fast.ts counts depth from the root).
    const out = this.walk.visit(v, 2, LIST, 'nftables');
    this.i = to + 1;
    return out;
  }

  /** The element advance() stopped at was read by another reader and ends at `end` (its closing brace). */
  skip(end: number): void {
    this.i = end + 1;
  }

  /** Line starts of the text, shared with the other readers of the same text. */
  get lines(): PositionIndex {
    return this.lay.lines;
  }

  /** Records the containers of the element opening at `from` (json-fast.ts layout) and returns where it closes. */
  private layout(from: number): number {
    const text = this.text;
    const lay = this.lay;
    const stack = this.stack;
    const max = this.rules.maxDepth - 2;
    let { opens, closes, members } = lay;
    let depth = 0;
    let count = 0;
    const n = text.length;
    for (let i = from; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) i = stringEnd(text, i);
      else if (c === 123 || c === 91) {
        if (depth >= max) throw new Bail();
        if (count === opens.length) {
          opens = lay.opens = grow(opens);
          closes = lay.closes = grow(closes);
          members = lay.members = grow(members);
        }
        opens[count] = i;
        members[count] = 0;
        stack[depth++] = count++;
      } else if (c === 125 || c === 93) {
        closes[stack[--depth] ?? 0] = i;
        if (depth === 0) {
          lay.count = count;
          return i;
        }
      } else if (c === 58) {
        const top = stack[depth - 1] ?? 0;
        members[top] = (members[top] ?? 0) + 1;
      }
    }
    throw new Bail();
  }
}

/** The `nftables` list as the element's parent (the Walk only asks whether the parent is a list). */
const LIST: Expr[] = [];
