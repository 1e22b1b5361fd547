import type { SourceLocation } from '../../src/model/location.js';
import { Diagnostics } from '../toolkit/diagnostics.js';
import type { Header } from './header.js';
import type { Block, Entry, Opened, Span } from './tree.js';

/**
 * What one evaluated firewall sees: its own blocks (a VDOM's, or the whole file's without VDOMs) and
 * the global ones. Multi-VDOM files keep interfaces, `system global` and the session-helper table in
 * `config global`, and policies, objects and `system settings` in each VDOM (docs/semantics.md#fgt-syntax; uncertain).
 */
export interface Scope {
  /** VDOM name when the file has several VDOMs (or is a per-VDOM backup). */
  vdom?: string;
  own: Map<string, Block>;
  global: Map<string, Block>;
  /** The VDOM's `edit <name>` entry in multi-VDOM files. */
  entry?: Entry;
}

/** Per-firewall state shared by the section readers. */
export class Ctx extends Diagnostics {
  readonly file: string;
  readonly header: Header;
  readonly scope: Scope;
  readonly multiVdom: boolean;
  readonly root: SourceLocation;
  private dynamicCount = 0;
  /** When set, every section path looked up (a streamed file checks them against what came later: stream.ts). */
  looked: Set<string> | undefined;

  constructor(file: string, header: Header, scope: Scope, multiVdom: boolean, root: SourceLocation) {
    super();
    this.file = file;
    this.header = header;
    this.scope = scope;
    this.multiVdom = multiVdom;
    this.root = root;
  }

  /** A block of this firewall: the VDOM's own first, then the global one. */
  section(path: string): Block | undefined {
    this.looked?.add(path);
    return this.scope.own.get(path) ?? this.scope.global.get(path);
  }

  /** A block that only exists globally in multi-VDOM files (interfaces, system global, session helpers). */
  globalSection(path: string): Block | undefined {
    this.looked?.add(path);
    return this.scope.global.get(path) ?? this.scope.own.get(path);
  }

  /** The whole statement or block. */
  loc(s: Span): SourceLocation {
    return { file: this.file, line: s.line, column: s.column, endLine: s.endLine, endColumn: s.endColumn };
  }

  /** Only the `config …` / `edit …` line: where a default "would live". */
  openLoc(b: Opened): SourceLocation {
    return { file: this.file, line: b.line, column: b.column, endLine: b.openEndLine, endColumn: b.openEndColumn };
  }

  /** The `config <path>` line of a section when the file has it, else the firewall's root. */
  sectionLoc(path: string, global = false): SourceLocation {
    const b = global ? this.globalSection(path) : this.section(path);
    return b ? this.openLoc(b) : this.root;
  }

  where(s: Span): string {
    return `${this.file}:${s.line}`;
  }

  unsupportedAt(s: Span, what: string, why: string): void {
    this.report({ loc: this.loc(s), what, why });
  }

  /** Reported at the `config`/`edit` line of a block or entry. */
  unsupportedHead(b: Opened, what: string, why: string): void {
    this.report({ loc: this.openLoc(b), what, why });
  }

  /** In multi-VDOM files every note names its VDOM: `file:12: [guest] …` or `[guest] …`. */
  protected override tag(message: string): string {
    if (!this.multiVdom || this.scope.vdom === undefined) return message;
    const t = `[${this.scope.vdom}] `;
    if (!message.startsWith(this.file)) return t + message;
    const i = message.indexOf(': ', this.file.length);
    return i < 0 ? message : message.slice(0, i + 2) + t + message.slice(i + 2);
  }

  /** Numbers the run-time address placeholders of this firewall (model/address.ts dynamicAddress). */
  nextDynamic(): number {
    return ++this.dynamicCount;
  }
}
