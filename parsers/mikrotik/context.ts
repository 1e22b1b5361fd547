import { IdRegistry } from '../ids.js';
import type { SourceLocation } from '../../src/model/location.js';
import type { Unsupported } from '../../src/model/policy.js';
import type { LineIndex } from './lexer.js';

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

/** Reports of one kind are capped so a damaged file does not drown the real findings. */
const MAX_PER_KIND = 50;
const MAX_NOTES = 100;

/** Per-file state shared by the section readers. */
export class Ctx {
  readonly file: string;
  readonly text: string;
  readonly lines: LineIndex;
  readonly unsupported: Unsupported[] = [];
  readonly notes: string[] = [];
  version: VersionInfo = { source: 'unknown' };
  private readonly idRegistry = new IdRegistry();
  private readonly noted = new Set<string>();
  private readonly kindCount = new Map<string, number>();

  constructor(file: string, text: string, lines: LineIndex) {
    this.file = file;
    this.text = text;
    this.lines = lines;
  }

  /** Exact location of a span: 1-based line and column, endColumn exclusive. */
  loc(span: Span): SourceLocation {
    const a = this.lines.position(span.start);
    const endOffset = Math.max(span.start, span.end - 1);
    const endIdx = this.lines.lineIndexOf(endOffset);
    return {
      file: this.file,
      line: a.line,
      column: a.column,
      endLine: endIdx + 1,
      endColumn: span.end - this.lines.lineStart(endIdx) + 1,
    };
  }

  line(offset: number): number {
    return this.lines.lineIndexOf(offset) + 1;
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
    const n = (this.kindCount.get(kind) ?? 0) + 1;
    this.kindCount.set(kind, n);
    if (n > MAX_PER_KIND) {
      if (n === MAX_PER_KIND + 1)
        this.note(
          `more than ${MAX_PER_KIND} statements of the kind "${kind}"; only the first ${MAX_PER_KIND} are reported`,
        );
      return;
    }
    this.unsupported.push({ loc: this.loc(span), what, why });
  }

  /** A note said once per `key` (the first occurrence wins), so a large export does not repeat it per rule. */
  noteOnce(key: string, message: string): void {
    if (this.noted.has(`key:${key}`)) return;
    this.noted.add(`key:${key}`);
    this.note(message);
  }

  note(message: string): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    if (this.notes.length === MAX_NOTES) this.notes.push(`more than ${MAX_NOTES} notes; the rest are omitted`);
    if (this.notes.length > MAX_NOTES) return;
    this.notes.push(message);
  }

  /** Makes rule ids unique inside one file (see parsers/ids.ts). */
  uniqueId(id: string): string {
    return this.idRegistry.unique(id);
  }

  /** "RouterOS 7.18.2", "RouterOS 7 (assumed: slash paths)" or "RouterOS (version unknown)". */
  get versionLabel(): string {
    const v = this.version;
    if (v.source === 'header') return `RouterOS ${v.text}`;
    if (v.source === 'slash-paths') return 'RouterOS 7 (assumed from the v7 slash-path syntax; no export header)';
    return 'RouterOS (version unknown: no export header)';
  }
}
