import type { SourceLocation } from '../../src/model/location.js';
import type { RuleNotes } from './entry-rule.js';
import type { Flat } from './expand.js';

/** The columns of a row of RuleRows: headRow's values (entry-rule.ts). */
export const AT = 0;
export const COLUMN = 1;
export const END_COLUMN = 2;
export const TEXT = 3;
export const TO = 4;
export const HI_LINES = 5;
export const HASH_LO = 6;
export const NTH = 7;
const ROW = 8;
/** In a chunk: the value is not a 32-bit integer (or is this one) and is kept in `oddValues`. */
const ODD = -0x80000000;
/** Values in a chunk (4,096 rows, 128 KB), and how a place splits into chunk and index. */
const CHUNK_BITS = 15;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** Whether a chunk holds `v` itself. */
function fits(v: number): boolean {
  return (v | 0) === v && v !== ODD;
}

/**
 * The numbers of the nftables model rules one reader makes (its chains' ChainLabels share it): ROW of
 * them a rule, at the rule's row, as 32-bit integers outside the heap. An EntryRule keeps its row, not
 * eight fields of its own (64 bytes a rule the young generation's collector copied twice: 7 MB for the
 * text shape at 100k). In chunks of CHUNK values, the first one grown by doubling up to CHUNK, shared
 * by the reader's chains: a chain of a few rules takes no buffer of its own (the chains shape at 100k
 * has 9,000 chains), and a long chain's rows are not copied into lists twice the size whose
 * predecessors stay until a full collection (the huge chain at 100k: 8 MB of them). A value that is
 * not a 32-bit integer (a location object, a text kept itself) is ODD there and kept in `oddValues` by its
 * place.
 */
export class RuleRows {
  private readonly chunks: Int32Array[] = [];
  private count = 0;
  /**
   * The values kept outside the chunks, by place: `oddAt` in ascending order, `oddValues` alongside (a row's
   * values are put in order, rows one after another: appended; put again in place). Two lists, not a map:
   * the text shape at 100k keeps 10,000 rule texts itself, whose map took about 0.9 MB with its copies.
   */
  private oddAt: number[] | undefined = undefined;
  private oddValues: (number | string | SourceLocation)[] | undefined = undefined;
  /** The rules' notes by row (most rules have none). */
  private notes: Map<number, RuleNotes> | undefined = undefined;
  /**
   * The alternatives of the model rules made while reading that are not a plain verdict (entry-rule.ts
   * EntryRule.flat: a jump, a verdict with effects…), or a jump's target (EntryRule.keepJump), until
   * buildChain releases them: a few rules, not a field of every model rule.
   */
  private holds: Map<object, Flat | string> | undefined = undefined;

  /** A new row of headRow's values: its place (the row's first column) for EntryRule. */
  row(
    at: number | SourceLocation,
    column: number,
    endColumn: number,
    text: string | number,
    to: number,
    hiLines: number,
    hashLo: number,
    nth: number,
    notes: RuleNotes | undefined,
  ): number {
    const r = this.count * ROW;
    const c = r >>> CHUNK_BITS;
    // Tested against the length, not read past it (optimised code gives up on a read out of bounds).
    let rows = c < this.chunks.length ? this.chunks[c] : undefined;
    if (rows === undefined) {
      rows = new Int32Array(c === 0 ? ROW * 16 : CHUNK);
      this.chunks.push(rows);
    } else if ((r & CHUNK_MASK) + ROW > rows.length) {
      // Only the first chunk grows (the others are made at their size).
      const grown = new Int32Array(Math.min(CHUNK, rows.length * 2));
      grown.set(rows);
      this.chunks[c] = rows = grown;
    }
    this.count++;
    const at0 = r & CHUNK_MASK;
    // Written in place when all are 32-bit integers (every rule the readers make), else one by one.
    if (
      typeof at === 'number' &&
      typeof text === 'number' &&
      fits(at) &&
      fits(column) &&
      fits(endColumn) &&
      fits(text) &&
      fits(to) &&
      fits(hiLines) &&
      fits(hashLo) &&
      fits(nth)
    ) {
      rows[at0 + AT] = at;
      rows[at0 + COLUMN] = column;
      rows[at0 + END_COLUMN] = endColumn;
      rows[at0 + TEXT] = text;
      rows[at0 + TO] = to;
      rows[at0 + HI_LINES] = hiLines;
      rows[at0 + HASH_LO] = hashLo;
      rows[at0 + NTH] = nth;
    } else {
      this.put(r + AT, at);
      this.put(r + COLUMN, column);
      this.put(r + END_COLUMN, endColumn);
      this.put(r + TEXT, text);
      this.put(r + TO, to);
      this.put(r + HI_LINES, hiLines);
      this.put(r + HASH_LO, hashLo);
      this.put(r + NTH, nth);
    }
    if (notes !== undefined) (this.notes ??= new Map()).set(r, notes);
    return r;
  }

  /** Sets the value at `k` to a number (EntryRule.numbered: one a rule, in place when it fits). */
  putNumber(k: number, v: number): void {
    const rows = this.chunks[k >>> CHUNK_BITS];
    if (rows !== undefined && fits(v)) rows[k & CHUNK_MASK] = v;
    else this.put(k, v);
  }

  /** The value at `k` (a row's place plus its column). */
  get(k: number): number | string | SourceLocation {
    const v = this.chunks[k >>> CHUNK_BITS]?.[k & CHUNK_MASK] ?? ODD;
    return v === ODD ? this.oddValue(k) : v;
  }

  /** The value at `k`, of a column that holds only numbers. */
  num(k: number): number {
    const v = this.get(k);
    return typeof v === 'number' ? v : 0;
  }

  put(k: number, v: number | string | SourceLocation): void {
    const rows = this.chunks[k >>> CHUNK_BITS];
    if (rows === undefined) return;
    if (typeof v === 'number' && fits(v)) rows[k & CHUNK_MASK] = v;
    else {
      rows[k & CHUNK_MASK] = ODD;
      this.putOdd(k, v);
    }
  }

  /** The first index of `oddAt` whose place is not below `k`. */
  private oddIndex(k: number): number {
    const at = this.oddAt;
    if (at === undefined) return 0;
    let lo = 0;
    let hi = at.length;
    // Most puts come after the last (rows in order): no search.
    if (hi > 0 && (at[hi - 1] ?? 0) < k) return hi;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((at[mid] ?? 0) < k) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private putOdd(k: number, v: number | string | SourceLocation): void {
    const at = (this.oddAt ??= []);
    const values = (this.oddValues ??= []);
    const i = this.oddIndex(k);
    if (at[i] === k) values[i] = v;
    else if (i === at.length) {
      at.push(k);
      values.push(v);
    } else {
      at.splice(i, 0, k);
      values.splice(i, 0, v);
    }
  }

  private oddValue(k: number): number | string | SourceLocation {
    const i = this.oddIndex(k);
    return this.oddAt?.[i] === k ? (this.oddValues?.[i] ?? 0) : 0;
  }

  notesAt(r: number): RuleNotes | undefined {
    return this.notes?.get(r);
  }

  hold(rule: object, flat: Flat | string): void {
    (this.holds ??= new Map()).set(rule, flat);
  }

  held(rule: object): Flat | string | undefined {
    return this.holds?.get(rule);
  }

  release(rule: object): void {
    this.holds?.delete(rule);
  }
}
