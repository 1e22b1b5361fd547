import type { SourceLocation } from '../../src/model/location.js';

/**
 * Offset → 1-based line and column for one text: the offsets where lines start, found once (on the
 * first question) and searched by bisection. A line ends at LF, CRLF or a lone CR, as editors and
 * SARIF viewers count. Questions in document order (a reader moving forward) are answered from the
 * line of the previous answer without searching.
 */
export class PositionIndex {
  readonly text: string;
  private starts?: Int32Array;
  /** 0-based line of the last answer. */
  private last = 0;

  constructor(text: string) {
    this.text = text;
  }

  /** Number of lines; a final line break does not open another line. */
  get count(): number {
    const s = this.lineStarts();
    return s.length > 1 && s[s.length - 1] === this.text.length ? s.length - 1 : s.length;
  }

  /** 0-based line holding `offset`. */
  lineIndexOf(offset: number): number {
    const s = this.lineStarts();
    const n = s.length;
    let lo = this.last;
    if (offset >= (s[lo] ?? 0)) {
      // Forward from the last answer: the same line or one of the next few, else bisect.
      for (let k = 0; k < 4; k++) {
        if (lo + 1 >= n || (s[lo + 1] ?? 0) > offset) return (this.last = lo);
        lo++;
      }
    } else lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.last = lo);
  }

  /** Offset where 0-based line `index` starts. */
  lineStart(index: number): number {
    return this.lineStarts()[index] ?? this.text.length;
  }

  /** 1-based line of an offset. */
  line(offset: number): number {
    return this.lineIndexOf(offset) + 1;
  }

  /** 1-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    const i = this.lineIndexOf(offset);
    return { line: i + 1, column: offset - this.lineStart(i) + 1 };
  }

  /** The location of the text [start, end): 1-based, endColumn exclusive, the end on the line of the last character. */
  location(file: string, start: number, end: number): SourceLocation {
    const a = this.lineIndexOf(start);
    const column = start - this.lineStart(a) + 1;
    const b = this.lineIndexOf(Math.max(start, end - 1));
    return { file, line: a + 1, column, endLine: b + 1, endColumn: end - this.lineStart(b) + 1 };
  }

  private lineStarts(): Int32Array {
    return (this.starts ??= lineStarts(this.text));
  }
}

/** Offsets where lines start: after LF, after CRLF, after a lone CR. */
function lineStarts(text: string): Int32Array {
  // Filled in place and doubled when full: no array of boxed numbers, no iterator copy.
  let out = new Int32Array(Math.max(16, text.length >> 5));
  let n = 0;
  const push = (offset: number): void => {
    if (n === out.length) {
      const bigger = new Int32Array(out.length * 2);
      bigger.set(out);
      out = bigger;
    }
    out[n++] = offset;
  };
  push(0);
  if (!hasLoneCr(text)) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) push(i + 1);
  } else {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x0a) push(i + 1);
      else if (c === 0x0d) {
        if (text.charCodeAt(i + 1) === 0x0a) i++;
        push(i + 1);
      }
    }
  }
  return out.subarray(0, n);
}

function hasLoneCr(text: string): boolean {
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) {
    if (text.charCodeAt(i + 1) !== 0x0a) return true;
  }
  return false;
}
