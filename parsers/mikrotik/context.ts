import type { SourceLocation } from '../../src/model/location.js';
import { Diagnostics } from '../toolkit/diagnostics.js';
import type { PositionIndex } from '../toolkit/positions.js';

/** Where something is in the file: offsets into the original text, turned into lines on demand. */
export interface Span {
  start: number;
  end: number;
}

/** RouterOS major version, from the export header (or assumed). */
export interface VersionInfo {
  /** As written in the header, e.g. "7.18.2". */
  text?: string;
  major?: 6 | 7;
  /** How the major version was determined. */
  source: 'header' | 'slash-paths' | 'unknown';
  /** The header comment line, if any. */
  span?: Span;
}

/** Per-file state shared by the section readers. */
export class Ctx extends Diagnostics {
  readonly file: string;
  readonly text: string;
  readonly lines: PositionIndex;
  version: VersionInfo = { source: 'unknown' };

  constructor(file: string, text: string, lines: PositionIndex) {
    super();
    this.file = file;
    this.text = text;
    this.lines = lines;
  }

  /** Exact location of a span: 1-based line and column, endColumn exclusive. */
  loc(span: Span): SourceLocation {
    return this.lines.location(this.file, span.start, span.end);
  }

  line(offset: number): number {
    return this.lines.line(offset);
  }

  /** `file:line` prefix for notes. */
  where(span: Span): string {
    return `${this.file}:${this.line(span.start)}`;
  }

  /** The whole file. */
  get rootLoc(): SourceLocation {
    const count = Math.max(1, this.lines.count);
    const lastStart = this.lines.lineStart(count - 1);
    let lastEnd = this.text.indexOf('\n', lastStart);
    if (lastEnd < 0) lastEnd = this.text.length;
    return { file: this.file, line: 1, column: 1, endLine: count, endColumn: lastEnd - lastStart + 1 };
  }

  /**
   * Where version-dependent defaults live when no section holds the setting: the export header
   * (`# … by RouterOS 7.18.2`, which selects the defaults), else the first line.
   */
  get headerLoc(): SourceLocation {
    if (this.version.span) return this.loc(this.version.span);
    let end = this.text.indexOf('\n');
    if (end < 0) end = this.text.length;
    if (end > 0 && this.text.charCodeAt(end - 1) === 13) end--;
    return { file: this.file, line: 1, column: 1, endLine: 1, endColumn: Math.max(1, end) + 1 };
  }

  unsupportedAt(span: Span, what: string, why: string, kind = what): void {
    this.report({ loc: this.loc(span), what, why }, kind);
  }

  /** "RouterOS 7.18.2", "RouterOS 7 (assumed: slash paths)" or "RouterOS (version unknown)". */
  get versionLabel(): string {
    const v = this.version;
    if (v.source === 'header') return `RouterOS ${v.text}`;
    if (v.source === 'slash-paths') return 'RouterOS 7 (assumed from the v7 slash-path syntax; no export header)';
    return 'RouterOS (version unknown: no export header)';
  }
}
