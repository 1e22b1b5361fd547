import { PositionIndex } from './positions.js';

/** Every MARK_EVERY-th line's start is kept for questions that go back. */
const MARK_BITS = 6;
const MARK_EVERY = 1 << MARK_BITS;

/**
 * Offset → 0-based line, as PositionIndex answers it, for a reader whose questions mostly move
 * forward through the text (a converter visiting elements in document order): line breaks are
 * counted from the previous answer, and only every 64th line's start is kept (a 1.5-million-line
 * export: 96 KB instead of a 6–9 MB index of every line). A question behind the previous answer
 * starts from the nearest kept line. Texts with a lone CR (a line break PositionIndex counts that a
 * search for LF does not see) are answered by a PositionIndex.
 */
export class LineCursor {
  private readonly text: string;
  private readonly full?: PositionIndex;
  /** marks[i]: the start of line i · MARK_EVERY, for every such line up to `front`. */
  private marks = new Int32Array(256);
  /** The furthest line reached so far and its start. */
  private front = 0;
  private frontStart = 0;
  /** The line of the previous answer, its start and the start of the next line (Infinity on the last). */
  private line = 0;
  private start = 0;
  private next = -1;

  constructor(text: string) {
    this.text = text;
    if (hasLoneCr(text)) this.full = new PositionIndex(text);
  }

  /** 0-based line holding `offset`. */
  lineIndexOf(offset: number): number {
    if (this.full) return this.full.lineIndexOf(offset);
    if (offset >= this.start && offset < this.next) return this.line;
    let line: number;
    let start: number;
    if (offset >= this.frontStart) {
      // Beyond everything seen: on from the furthest line (or the previous answer, when it is that line).
      line = this.front;
      start = this.frontStart;
    } else if (offset >= this.start) {
      line = this.line;
      start = this.start;
      const m = this.markBefore(offset);
      if (m << MARK_BITS > line) {
        line = m << MARK_BITS;
        start = this.marks[m] ?? 0;
      }
    } else {
      const m = this.markBefore(offset);
      line = m << MARK_BITS;
      start = this.marks[m] ?? 0;
    }
    const text = this.text;
    let nl = text.indexOf('\n', start);
    while (nl !== -1 && nl < offset) {
      line++;
      start = nl + 1;
      if (line > this.front) this.reach(line, start);
      nl = text.indexOf('\n', start);
    }
    this.line = line;
    this.start = start;
    this.next = nl === -1 ? Infinity : nl + 1;
    return line;
  }

  /** Start offset of the line holding `offset` (as PositionIndex.lineStart of its lineIndexOf). */
  lineStartOf(offset: number): number {
    if (this.full) return this.full.lineStart(this.full.lineIndexOf(offset));
    this.lineIndexOf(offset);
    return this.start;
  }

  /** Records a line seen for the first time (lines are reached one after the other). */
  private reach(line: number, start: number): void {
    this.front = line;
    this.frontStart = start;
    if ((line & (MARK_EVERY - 1)) !== 0) return;
    const m = line >> MARK_BITS;
    if (m >= this.marks.length) {
      const bigger = new Int32Array(this.marks.length * 2);
      bigger.set(this.marks);
      this.marks = bigger;
    }
    this.marks[m] = start;
  }

  /** The last mark at or before `offset` (offset is before the front). */
  private markBefore(offset: number): number {
    let lo = 0;
    let hi = this.front >> MARK_BITS;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.marks[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function hasLoneCr(text: string): boolean {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 0x0a) return true;
  }
  return false;
}
