import { RangeTable, rangeHash } from './range-table.js';

/**
 * One string per distinct short text, looked up by the characters of a range of a larger string
 * (`src[start, end)`), so a reader that meets `accept` or `protocol` 100k times neither slices a new
 * string each time nor keeps 100k copies (range-table.ts: when full, it starts over).
 */
export class RangeInterner {
  private readonly table: RangeTable<string>;
  /** What a text stands for (default: itself), computed once per distinct text. */
  private readonly map: (text: string) => string;

  constructor(slots = 8192, map?: (text: string) => string, maxSlots = slots) {
    this.table = new RangeTable<string>(slots, maxSlots);
    this.map = map ?? identity;
  }

  /** The string for `src[start, end)`. */
  get(src: string, start: number, end: number): string {
    return this.getHashed(src, start, end, rangeHash(src, start, end));
  }

  /**
   * As `get`, with the range's hash `h` already worked out by the caller (a reader that hashes the
   * characters as it scans them: range-table.ts RANGE_HASH_BASIS and rangeHashStep).
   */
  getHashed(src: string, start: number, end: number, h: number): string {
    const hit = this.table.get(src, start, end, h);
    if (hit !== undefined) return hit;
    const text = src.slice(start, end);
    const value = this.map(text);
    this.table.set(text, h, value);
    return value;
  }
}

function identity(t: string): string {
  return t;
}
