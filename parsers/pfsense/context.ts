import type { SourceLocation } from '../../src/model/location.js';
import type { Unsupported } from '../../src/model/policy.js';
import { Diagnostics } from '../toolkit/diagnostics.js';
import type { XmlElement } from './xml.js';

export type Platform = 'pfsense' | 'opnsense';

/**
 * Child lookup by name, built once per element (rules have ~20 children and are queried ~30 times):
 * the children's name numbers in a small array searched by number (a Map per rule was most of what
 * reading a rule allocated).
 */
export class Fields {
  readonly el: XmlElement;
  private kids?: XmlElement[];
  private ids?: number[];

  constructor(el: XmlElement) {
    this.el = el;
  }

  /** The element's children, made once. */
  get children(): XmlElement[] {
    return (this.kids ??= this.el.children);
  }

  /** The first child named `name`. */
  get(name: string): XmlElement | undefined {
    const kids = this.children;
    if (kids.length === 0) return undefined;
    let ids = this.ids;
    if (!ids) {
      ids = new Array<number>(kids.length);
      for (let k = 0; k < kids.length; k++) ids[k] = kids[k]?.nameId ?? -1;
      this.ids = ids;
    }
    const id = this.el.nameIdOf(name);
    if (id < 0) return undefined;
    const k = ids.indexOf(id);
    return k < 0 ? undefined : kids[k];
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Trimmed text of the first child `name`; '' when present but empty, undefined when absent. */
  text(name: string): string | undefined {
    const c = this.get(name);
    return c === undefined ? undefined : c.text.trim();
  }

  /** Trimmed text or '' when absent. */
  str(name: string): string {
    return this.text(name) ?? '';
  }
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.child(name);
}

export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.name === name);
}

export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Per-file state shared by the section parsers. */
export class Ctx extends Diagnostics {
  readonly file: string;
  readonly platform: Platform;
  readonly root: XmlElement;

  /** Notes and reports held back while `holding` (see `heldBack`). */
  private queue: (() => void)[] = [];
  private holding = false;

  constructor(file: string, platform: Platform, root: XmlElement) {
    super();
    this.file = file;
    this.platform = platform;
    this.root = root;
  }

  /**
   * Runs `fn` with its notes and reports held back until `sayHeldBack`: a pass that reads and builds
   * each rule in turn (so that no list of every rule's draft is alive at once) then says them in the
   * order of two passes, every rule read before any is built.
   */
  heldBack<T>(fn: () => T): T {
    const was = this.holding;
    this.holding = true;
    try {
      return fn();
    } finally {
      this.holding = was;
    }
  }

  /** Says what `heldBack` held back, in the order it was said. */
  sayHeldBack(): void {
    const q = this.queue;
    this.queue = [];
    for (const say of q) say();
  }

  override note(message: string): void {
    if (this.holding)
      this.queue.push(() => {
        super.note(message);
      });
    else super.note(message);
  }

  override noteOnce(key: string, message: string): void {
    if (this.holding)
      this.queue.push(() => {
        super.noteOnce(key, message);
      });
    else super.noteOnce(key, message);
  }

  override report(u: Unsupported, kind = u.what): void {
    if (this.holding)
      this.queue.push(() => {
        super.report(u, kind);
      });
    else super.report(u, kind);
  }

  get vendorName(): string {
    return this.platform === 'pfsense' ? 'pfSense' : 'OPNsense';
  }

  /** The whole element, from its start tag to the end of its end tag. */
  loc(el: XmlElement): SourceLocation {
    return el.location(this.file);
  }

  /** Only the start tag: where a default "would live" inside a section. */
  openLoc(el: XmlElement): SourceLocation {
    const l = el.loc;
    return { file: this.file, line: l.line, column: l.column, endLine: l.openEndLine, endColumn: l.openEndColumn };
  }

  get rootLoc(): SourceLocation {
    return this.openLoc(this.root);
  }

  /** `file:line` prefix for notes about one element. */
  where(el: XmlElement): string {
    return `${this.file}:${el.loc.line}`;
  }

  unsupportedAt(el: XmlElement, what: string, why: string): void {
    this.report({ loc: this.loc(el), what, why });
  }

  /**
   * Boolean flags differ per platform (docs/semantics.md#pf-layout, docs/semantics.md#pf-opnsense, trap F.4): pfSense tests
   * presence (`isset`), OPNsense tests `!empty()` so `<x/>` and `<x>0</x>` are false.
   */
  flag(f: Fields, name: string): boolean {
    const c = f.get(name);
    if (!c) return false;
    if (this.platform === 'pfsense') return true;
    return truthy(c.text);
  }
}

/** PHP `!empty()` on a config string: '' and '0' are false. */
export function truthy(text: string | undefined): boolean {
  if (text === undefined) return false;
  const t = text.trim();
  return t !== '' && t !== '0';
}

export function describe(el: XmlElement): string {
  return `<${el.name}>`;
}

/** Calls `fn` on every child element named `name`, numbering them in document order. */
export function eachNamed(
  parent: XmlElement | undefined,
  name: string,
  fn: (el: XmlElement, index: number) => void,
): void {
  // Views of the other children are never made: a 100k-rule <filter> would hold 100k of them.
  let index = 0;
  parent?.eachChild(name, (el) => {
    fn(el, index++);
  });
}

/** Reads every child element named `name`, numbering them in document order; undefined results are dropped. */
export function readEach<T>(
  parent: XmlElement | undefined,
  name: string,
  read: (el: XmlElement, index: number) => T | undefined,
): T[] {
  const out: T[] = [];
  eachNamed(parent, name, (el, index) => {
    const v = read(el, index);
    if (v !== undefined) out.push(v);
  });
  return out;
}
