import { positions, type Expr } from './ir.js';
import { PositionIndex } from '../toolkit/positions.js';
import { sharedValue } from './json-shared.js';

/**
 * The fast path of json-scanner.ts: V8's native JSON.parse builds the tree, and one pass over the text
 * finds where each object and array opens and closes (in document order, which is the order a
 * depth-first walk of the tree meets them). The walk then gives the same containers the same spans
 * and key positions as the jsonc-parser visitor would. Whatever this path does not reproduce exactly
 * (invalid JSON and its messages, numbers nft refuses, duplicate keys, integer-like keys, which
 * JSON.parse reorders, `__proto__`, nesting deeper than the limit) returns undefined, and the caller
 * reads the text with the visitor.
 */

/** What the visitor's reading would otherwise decide (json-scanner.ts). */
export interface FastRules {
  file: string;
  maxDepth: number;
  /** Depth (number of ancestors) down to which every container keeps its span. */
  spanDepth: number;
  /** Depth down to which objects under one of `keyed` keys keep their key positions. */
  keyedDepth: number;
  keyed: ReadonlySet<string>;
  maxNumber: number;
  /** Attaches key positions to an object (json-scanner.ts KEYS). */
  setKeys(obj: object, names: string[], spans: number[]): void;
}

/** Thrown where only the visitor is exact; the caller reads the text another way. */
export class Bail extends Error {}

/** Offsets of each container's opening and closing character, by document order; line starts. */
export interface Layout {
  opens: Int32Array<ArrayBuffer>;
  closes: Int32Array<ArrayBuffer>;
  /** Members of each object (its `:` characters), to catch duplicate keys. */
  members: Int32Array<ArrayBuffer>;
  count: number;
  /** Line starts of the text (LF, CRLF or a lone CR ends a line, as the visitor counts). */
  lines: PositionIndex;
}

export function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** The end of the string literal opening at `i` (its closing quote). */
export function stringEnd(text: string, i: number): number {
  let j = text.indexOf('"', i + 1);
  for (;;) {
    if (j < 0) throw new Bail();
    let k = j - 1;
    while (text.charCodeAt(k) === 92) k--;
    if ((j - k) % 2 === 1) return j; // an even number of backslashes before the quote
    j = text.indexOf('"', j + 1);
  }
}

function layout(text: string, maxDepth: number): Layout {
  let opens = new Int32Array(1024);
  let closes = new Int32Array(1024);
  let members = new Int32Array(1024);
  const stack = new Int32Array(maxDepth + 1);
  let depth = 0;
  let count = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) i = stringEnd(text, i);
    else if (c === 123 || c === 91) {
      if (depth >= maxDepth) throw new Bail();
      if (count === opens.length) {
        opens = grow(opens);
        closes = grow(closes);
        members = grow(members);
      }
      opens[count] = i;
      stack[depth++] = count++;
    } else if (c === 125 || c === 93) closes[stack[--depth] ?? 0] = i;
    else if (c === 58) {
      const top = stack[depth - 1] ?? 0;
      members[top] = (members[top] ?? 0) + 1;
    }
  }
  return { opens, closes, members, count, lines: new PositionIndex(text) };
}

/** The tree of a valid JSON text with the visitor's positions, or undefined where only the visitor is exact. */
export function fastJson(text: string, rules: FastRules): Expr | undefined {
  let root: Expr;
  try {
    root = JSON.parse(text) as Expr;
  } catch {
    return undefined;
  }
  try {
    const lay = layout(text, rules.maxDepth);
    new Walk(text, lay, rules).visit(root, 0, undefined, undefined);
    return root;
  } catch (e) {
    if (e instanceof Bail) return undefined;
    throw e;
  }
}

/**
 * Visits a parsed tree in document order alongside its layout: checks what JSON.parse does not (numbers,
 * keys, duplicates) and gives containers their positions. `refs` is set once a string value starts
 * with `@` (a named set or map, docs/semantics.md#nft-json).
 */
export class Walk {
  private next = 0;
  refs = false;
  /** Replace values many rules write alike by one shared object each (json-stream.ts, json-shared.ts). */
  share = false;
  /** Containers given a position so far, and `@` strings seen: a subtree that added neither may be shared. */
  private marks = 0;
  private named = 0;
  private readonly text: string;
  private readonly lay: Layout;
  private readonly rules: FastRules;

  constructor(text: string, lay: Layout, rules: FastRules) {
    this.text = text;
    this.lay = lay;
    this.rules = rules;
  }

  /** Starts over on the layout's next container (json-stream.ts: one element at a time). */
  reset(): void {
    this.next = 0;
    this.refs = false;
  }

  /**
   * `v` with `depth` ancestors; `parent` is its container, `parentKey` the key the parent has in its own
   * (object) parent, `key` the key `v` has in its parent (undefined in an array).
   */
  visit(
    v: Expr,
    depth: number,
    parent: Expr[] | object | undefined,
    parentKey: string | undefined,
    key?: string,
  ): Expr {
    if (typeof v === 'number') {
      if (!Number.isInteger(v) || Math.abs(v) > this.rules.maxNumber) throw new Bail();
      return v;
    }
    if (typeof v !== 'object' || v === null) {
      if (typeof v === 'string' && v.charCodeAt(0) === 64) {
        this.refs = true;
        this.named++;
      }
      return v;
    }
    const ord = this.next++;
    const marks = this.marks;
    const named = this.named;
    if (ord >= this.lay.count) throw new Bail();
    const parentIsArray = Array.isArray(parent);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x = v[i] ?? null;
        const y = this.visit(x, depth + 1, v, key);
        if (y !== x) v[i] = y;
      }
    } else {
      let n = 0;
      for (const k in v) {
        n++;
        const c = k.charCodeAt(0);
        if ((c >= 48 && c <= 57) || k === '__proto__') throw new Bail();
        const x = v[k] ?? null;
        const y = this.visit(x, depth + 1, v, key, k);
        if (y !== x) v[k] = y;
      }
      if (n !== (this.lay.members[ord] ?? -1)) throw new Bail();
      if (depth <= this.rules.keyedDepth && !parentIsArray && parent && this.rules.keyed.has(key ?? ''))
        this.keys(v, ord);
    }
    const pair = parentIsArray && Array.isArray(v) && v.length === 2;
    const statement = parentIsArray && parentKey === 'expr';
    if (depth <= this.rules.spanDepth || pair || statement) {
      const open = this.lay.opens[ord] ?? 0;
      const close = this.lay.closes[ord] ?? 0;
      const lines = this.lay.lines;
      const line = lines.lineIndexOf(open);
      const endLine = lines.lineIndexOf(close);
      this.marks++;
      positions.set(v, {
        file: this.rules.file,
        line: line + 1,
        column: open - lines.lineStart(line) + 1,
        endLine: endLine + 1,
        endColumn: close - lines.lineStart(endLine) + 2,
      });
      return v;
    }
    // No position here or below (and too deep for key positions), no named set: a value many rules write
    // alike may be shared (json-shared.ts).
    if (!this.share || Array.isArray(v) || marks !== this.marks || named !== this.named) return v;
    return sharedValue(v);
  }

  /** The positions of an object's keys, as the visitor records them (json-scanner.ts KeySpans). */
  private keys(obj: object, ord: number): void {
    const text = this.text;
    const from = (this.lay.opens[ord] ?? 0) + 1;
    const to = this.lay.closes[ord] ?? 0;
    const lines = this.lay.lines;
    const names: string[] = [];
    const spans: number[] = [];
    let level = 0;
    let expectKey = true;
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        const end = stringEnd(text, i);
        if (level === 0 && expectKey) {
          names.push(JSON.parse(text.slice(i, end + 1)) as string);
          const line = lines.lineIndexOf(i);
          const col = i - lines.lineStart(line);
          spans.push(line + 1, col + 1, col + 1 + (end + 1 - i));
          expectKey = false;
        }
        i = end;
      } else if (c === 123 || c === 91) level++;
      else if (c === 125 || c === 93) level--;
      else if (c === 44 && level === 0) expectKey = true;
    }
    this.rules.setKeys(obj, names, spans);
  }
}
