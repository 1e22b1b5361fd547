import { ParseError } from '../../src/model/errors.js';
import type { SourceLocation } from '../../src/model/location.js';
import { BANG, EQ, GT, QMARK, SLASH } from '../toolkit/chars.js';

const AMP = 0x26;
import { assertText } from '../toolkit/binary.js';
import { LineCursor } from '../toolkit/line-cursor.js';
import { detach } from '../toolkit/detach.js';

/**
 * A small, linear, non-validating XML reader that keeps source positions. fast-xml-parser 5 can
 * report start offsets too; this reader is kept because it is faster on 40 MB exports (see the
 * bench), refuses DTD entity declarations outright instead of expanding them, and records where
 * each element ends (end line/column for SARIF regions). Safe by construction: DTD entity
 * declarations are refused, only the five predefined entities and numeric character references
 * are decoded, nesting depth is bounded, and every scan moves forward with indexOf/charCodeAt so the whole document is read in O(n).
 */

/** 1-based; `line/column` is the `<` of the start tag, `endLine/endColumn` is just past the final `>`. */
export interface XmlLoc {
  line: number;
  column: number;
  endLine: number;
  /** Exclusive (the column after the closing `>`), as SARIF regions count. */
  endColumn: number;
  /** End of the start tag (exclusive column), for "the start tag of <system>" locations. */
  openEndLine: number;
  openEndColumn: number;
}

/**
 * The elements of one document, stored column-wise in typed arrays (a 100k-rule export has over
 * 1.5 million elements; as objects with a text string and a children array each they took ~170
 * bytes apiece, here 14): per element its name, the offset of its start tag's `<`, and as small
 * differences the end of its start tag, its final `>`, the index just past its subtree (elements are
 * numbered in document order, so the first child of `i` is `i + 1` and the next sibling of a child
 * `c` is the end of c's subtree), and where its text ends. Text is sliced from the source when asked
 * for: a single run right after the start tag without entity references (nearly every leaf) is kept
 * as its end, a lone CDATA section right after the start tag as its end too, anything else
 * (entities, text between children) as a decoded string beside the columns.
 */
class XmlDocument {
  readonly source: string;
  readonly lines: LineColumns;
  readonly names: string[] = [];
  /** Name → its number in `names`. */
  readonly nameIds = new Map<string, number>();
  count = 0;
  readonly attrs = new Map<number, Readonly<Record<string, string>>>();
  readonly texts = new Map<number, string>();
  private readonly nameCol = new Column();
  /** The start tag's `<`: the one column of whole offsets. */
  private readonly startCol = new Column(true);
  /** The start tag's `>` minus its `<`. */
  private readonly openCol = new Column();
  /** The final `>` minus the start tag's `>`. */
  private readonly endCol = new Column();
  /** The index past the subtree minus the element's own. */
  private readonly afterCol = new Column();
  /** The text's end as TEXT_* codes and differences from the start tag's `>` (see `textTo`). */
  private readonly textCol = new Column();

  constructor(source: string, lines: LineColumns) {
    this.source = source;
    this.lines = lines;
  }

  /** Frees the columns (see XmlElement.releaseDocument): no element can be read afterwards. */
  release(): void {
    for (const c of [this.nameCol, this.startCol, this.openCol, this.endCol, this.afterCol, this.textCol]) c.release();
  }

  nameId(name: string): number | undefined {
    return this.nameIds.get(name);
  }

  /** Appends an element and returns its index; `end`, `after` and the text are set later. */
  add(nameId: number, start: number, openEnd: number): number {
    const k = this.count++;
    this.nameCol.push(k, nameId);
    this.startCol.push(k, start);
    this.openCol.push(k, openEnd - start);
    this.endCol.push(k, 0);
    this.afterCol.push(k, 1);
    this.textCol.push(k, NO_TEXT);
    return k;
  }

  name(k: number): number {
    return this.nameCol.get(k);
  }

  start(k: number): number {
    return this.startCol.get(k);
  }

  openEnd(k: number): number {
    return this.startCol.get(k) + this.openCol.get(k);
  }

  end(k: number): number {
    return this.openEnd(k) + this.endCol.get(k);
  }

  setEnd(k: number, end: number): void {
    this.endCol.set(k, end - this.openEnd(k));
  }

  after(k: number): number {
    return k + this.afterCol.get(k);
  }

  setAfter(k: number, after: number): void {
    this.afterCol.set(k, after - k);
  }

  /** Whether the element has no text yet. */
  noText(k: number): boolean {
    return this.textCol.get(k) === NO_TEXT;
  }

  /** Sets the end of a text run starting right after the start tag (no entities). */
  setTextTo(k: number, to: number): void {
    this.textCol.set(k, to - this.openEnd(k));
  }

  /** A copy, not a slice: the model keeps some of these strings, and a slice would keep the whole source. */
  text(k: number): string {
    const t = this.textCol.get(k);
    if (t === NO_TEXT) return '';
    if (t === SIDE_TEXT) return detach(this.texts.get(k) ?? '');
    const open = this.openEnd(k);
    // A lone CDATA section right after the start tag: its `]]>` at open - t + CDATA_BASE.
    if (t <= CDATA_BASE) return detach(this.source.slice(open + 10, open + CDATA_BASE - t));
    return detach(this.source.slice(open + 1, open + t));
  }

  /**
   * Records a CDATA section [from, end) of element k: kept as its end when it is the element's first
   * content and comes right after its start tag (every `<descr>` pfSense writes), else appended.
   */
  cdata(k: number, lt: number, end: number): void {
    const open = this.openEnd(k);
    if (lt === open + 1 && this.noText(k)) {
      if (end > lt + 9) this.textCol.set(k, CDATA_BASE - (end - open));
      return;
    }
    const s = this.source.slice(lt + 9, end);
    if (s.length > 0) this.appendText(k, s);
  }

  /** Appends character data (already decoded) to element k's text. */
  appendText(k: number, s: string): void {
    const old = this.text(k);
    this.texts.set(k, old === '' ? s : old + s);
    this.textCol.set(k, SIDE_TEXT);
  }
}

/** 16384 elements per chunk. */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
/** Text codes; a plain run's end is stored as its difference from the start tag's `>` (at least 2). */
const NO_TEXT = -1;
const SIDE_TEXT = -2;
/** At or below this: a lone CDATA section whose `]]>` is CDATA_BASE - code past the start tag's `>` (at least 10). */
const CDATA_BASE = -3;

/**
 * One number per element in fixed-size chunks (growing never copies, the slack is under one chunk):
 * two bytes each while the values fit, a chunk widened to four bytes for good when one does not
 * (the few large elements: the root, `<filter>`).
 */
class Column {
  private readonly chunks: (Int16Array | Int32Array)[] = [];
  private readonly wide: boolean;

  constructor(wide = false) {
    this.wide = wide;
  }

  /** Sets the value of element k, the next element (a new chunk every CHUNK elements). */
  push(k: number, v: number): void {
    if ((k & CHUNK_MASK) === 0) this.chunks.push(this.wide ? new Int32Array(CHUNK) : new Int16Array(CHUNK));
    this.set(k, v);
  }

  get(k: number): number {
    return this.chunks[k >> CHUNK_BITS]?.[k & CHUNK_MASK] ?? 0;
  }

  /**
   * Gives each chunk's memory up now. The chunks live as long as the parse, so the collector has
   * moved their buffers to the old generation, which frees the memory behind them only at its next
   * full collection (none comes during the lint that follows a parse); a buffer transferred to a
   * fresh (young) one is freed by the next scavenge, so the lint reuses that memory instead of
   * growing beside it. (ArrayBuffer.prototype.transfer is not in Node 20; structuredClone moves
   * the memory without copying it.)
   */
  release(): void {
    for (const c of this.chunks) structuredClone(c.buffer, { transfer: [c.buffer] });
    this.chunks.length = 0;
  }

  set(k: number, v: number): void {
    const j = k >> CHUNK_BITS;
    const i = k & CHUNK_MASK;
    const c = this.chunks[j];
    if (!c) return;
    c[i] = v;
    if (c[i] !== v) {
      const w = new Int32Array(CHUNK);
      w.set(c);
      w[i] = v;
      this.chunks[j] = w;
    }
  }
}

/**
 * An element: a small view (document and index) made when asked for, so the tree costs only its
 * columns. Views of the same element are different objects: compare them with `same`.
 */
export class XmlElement {
  readonly index: number;
  private readonly doc: XmlDocument;
  private txt?: string;

  constructor(doc: XmlDocument, index: number) {
    this.doc = doc;
    this.index = index;
  }

  get name(): string {
    return this.doc.names[this.doc.name(this.index)] ?? '';
  }

  /** The element's name as the document numbers names (see `nameIdOf`). */
  get nameId(): number {
    return this.doc.name(this.index);
  }

  /** The number the document gives a name, or -1 when no element has it. */
  nameIdOf(name: string): number {
    return this.doc.nameId(name) ?? -1;
  }

  get attrs(): Readonly<Record<string, string>> {
    return this.doc.attrs.get(this.index) ?? EMPTY_ATTRS;
  }

  /**
   * Child elements in document order: new views on every call (a view keeps nothing it was asked
   * for, so a long-lived element such as the root does not end up holding the whole tree).
   */
  get children(): XmlElement[] {
    const { doc, index } = this;
    const after = doc.after(index);
    if (after === index + 1) return NO_CHILDREN;
    const out: XmlElement[] = [];
    for (let c = index + 1; c < after; c = doc.after(c)) out.push(new XmlElement(doc, c));
    return out;
  }

  /** Calls `fn` on each child element named `name`, in document order, making views of those only. */
  eachChild(name: string, fn: (el: XmlElement) => void): void {
    const { doc, index } = this;
    const id = doc.nameId(name);
    if (id === undefined) return;
    const after = doc.after(index);
    for (let c = index + 1; c < after; c = doc.after(c)) if (doc.name(c) === id) fn(new XmlElement(doc, c));
  }

  /** The first child element named `name`, without making views of the others. */
  child(name: string): XmlElement | undefined {
    const { doc, index } = this;
    const id = doc.nameId(name);
    if (id === undefined) return undefined;
    const after = doc.after(index);
    for (let c = index + 1; c < after; c = doc.after(c)) if (doc.name(c) === id) return new XmlElement(doc, c);
    return undefined;
  }

  /** Character data directly inside the element (entities decoded, CDATA included); whitespace-only runs are dropped. */
  get text(): string {
    return (this.txt ??= this.doc.text(this.index));
  }

  /**
   * Frees the memory of the whole document's columns (about 14 bytes per element: 18 MB for a
   * 100k-rule export) as soon as the parse no longer reads it, rather than at the collector's next
   * full collection. No element of the document (this or any other view) may be read afterwards.
   */
  releaseDocument(): void {
    this.doc.release();
  }

  /** Whether `other` is a view of the same element. */
  same(other: XmlElement | undefined): boolean {
    return other?.doc === this.doc && other.index === this.index;
  }

  get loc(): XmlLoc {
    const { doc, index } = this;
    const lines = doc.lines;
    const a = doc.start(index);
    const b = doc.end(index);
    const c = doc.openEnd(index);
    return {
      line: lines.line(a),
      column: lines.column(a),
      endLine: lines.line(b),
      endColumn: lines.column(b) + 1,
      openEndLine: lines.line(c),
      openEndColumn: lines.column(c) + 1,
    };
  }

  /** The whole element as a model location (as `loc`, without the start tag's end and its object). */
  location(file: string): SourceLocation {
    const { doc, index } = this;
    const lines = doc.lines;
    const a = doc.start(index);
    const b = doc.end(index);
    return {
      file,
      line: lines.line(a),
      column: lines.column(a),
      endLine: lines.line(b),
      endColumn: lines.column(b) + 1,
    };
  }
}

/** 1-based line and column of an offset, a byte-order mark not counting as a column. */
class LineColumns {
  private readonly lines: LineCursor;
  private readonly bom: number;

  constructor(lines: LineCursor, bom: number) {
    this.lines = lines;
    this.bom = bom;
  }

  line(offset: number): number {
    return this.lines.lineIndexOf(offset) + 1;
  }

  /** (The cursor answers a repeated offset's line without searching.) */
  column(offset: number): number {
    const k = this.lines.lineIndexOf(offset);
    return offset - (k === 0 ? this.bom : this.lines.lineStartOf(offset)) + 1;
  }
}

export interface XmlOptions {
  maxDepth?: number;
}

export const MAX_XML_DEPTH = 256;
const EMPTY_ATTRS: Readonly<Record<string, string>> = Object.freeze({});
/** Leaves share one frozen array; the parser swaps in a real one on the first child. */
const NO_CHILDREN: XmlElement[] = [];
Object.freeze(NO_CHILDREN);

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x3a || c >= 0x80;
}

/** Ends a tag or attribute name. */
function isNameEnd(c: number): boolean {
  return isWs(c) || c === GT || c === SLASH || c === EQ || Number.isNaN(c);
}

const PREDEFINED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(source: string, file: string, options: XmlOptions = {}): XmlElement {
  const maxDepth = options.maxDepth ?? MAX_XML_DEPTH;
  const text = source;
  const len = text.length;
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  assertText(text, file);
  // Positions are asked for mostly in document order: a cursor counts lines instead of indexing them all.
  const positions = new LineCursor(text);
  const doc = new XmlDocument(text, new LineColumns(positions, start));
  let line = 1;
  let lineStart = start;
  /** Sets `line` and `lineStart` to those of `pos` (a BOM does not count as a column). */
  function advance(pos: number): void {
    const k = positions.lineIndexOf(pos);
    line = k + 1;
    lineStart = k === 0 ? start : positions.lineStartOf(pos);
  }
  function fail(pos: number, message: string): never {
    advance(Math.min(pos, len));
    throw new ParseError(file, line, Math.min(pos, len) - lineStart + 1, message);
  }

  /** Decodes [from, to); works on the slice so a run without '&' never scans past its end. */
  function decode(from: number, to: number): string {
    const s = text.slice(from, to);
    let amp = s.indexOf('&');
    if (amp === -1) return s;
    let out = '';
    let pos = 0;
    while (amp !== -1) {
      out += s.slice(pos, amp);
      const semi = s.indexOf(';', amp + 1);
      if (semi === -1 || semi - amp > 12)
        fail(from + amp, "unescaped '&' (expected an entity reference such as &amp;)");
      const ref = s.slice(amp + 1, semi);
      if (ref.charCodeAt(0) === 0x23 /* # */) {
        const hex = ref.charCodeAt(1) === 0x78 || ref.charCodeAt(1) === 0x58;
        const digits = hex ? ref.slice(2) : ref.slice(1);
        const ok = hex ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
        const cp = ok ? parseInt(digits, hex ? 16 : 10) : NaN;
        if (!ok || cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
          fail(from + amp, `invalid character reference &${ref};`);
        out += String.fromCodePoint(cp);
      } else {
        const rep = PREDEFINED[ref];
        if (rep === undefined)
          fail(from + amp, `undefined entity &${ref}; (only the five predefined XML entities are accepted)`);
        out += rep;
      }
      pos = semi + 1;
      amp = s.indexOf('&', pos);
    }
    return out + s.slice(pos);
  }

  /** Indices of the open elements. */
  const stack: number[] = [];
  /** Element names: one string and one number per distinct name. */
  const names = doc.nameIds;
  let root: number | undefined;
  const view = (k: number): XmlElement => new XmlElement(doc, k);

  function textRun(from: number, to: number): void {
    let i = from;
    while (i < to && isWs(text.charCodeAt(i))) i++;
    if (i === to) return;
    const top = stack.at(-1);
    if (top === undefined) fail(i, root !== undefined ? 'text after the root element' : 'text before the root element');
    // The common case (a leaf's text right after its start tag, no entity): only its end offset is kept.
    let amp = i;
    while (amp < to && text.charCodeAt(amp) !== AMP) amp++;
    if (amp === to && from === doc.openEnd(top) + 1 && doc.noText(top)) {
      doc.setTextTo(top, to);
      return;
    }
    doc.appendText(top, decode(from, to));
  }

  function skipDoctype(lt: number): number {
    // <!DOCTYPE name [internal subset]> ; the internal subset may declare entities: refuse those.
    let i = lt + 9;
    const gt = text.indexOf('>', i);
    const br = text.indexOf('[', i);
    if (br !== -1 && (gt === -1 || br < gt)) {
      const close = text.indexOf(']', br);
      const subsetEnd = close === -1 ? len : close;
      const ent = text.indexOf('<!ENTITY', br);
      if (ent !== -1 && ent < subsetEnd)
        fail(ent, 'entity declarations are not allowed (possible entity-expansion attack)');
      if (close === -1) fail(lt, 'unterminated DOCTYPE internal subset');
      i = close + 1;
    }
    const end = text.indexOf('>', i);
    if (end === -1) fail(lt, 'unterminated DOCTYPE declaration');
    return end + 1;
  }

  let pos = start;
  while (pos < len) {
    const lt = text.indexOf('<', pos);
    const runEnd = lt === -1 ? len : lt;
    if (runEnd > pos) textRun(pos, runEnd);
    if (lt === -1) break;
    const c1 = text.charCodeAt(lt + 1);

    if (c1 === BANG) {
      if (text.startsWith('<!--', lt)) {
        const e = text.indexOf('-->', lt + 4);
        if (e === -1) fail(lt, 'unterminated comment (missing -->)');
        pos = e + 3;
        continue;
      }
      if (text.startsWith('<![CDATA[', lt)) {
        const top = stack.at(-1);
        if (top === undefined) fail(lt, 'CDATA section outside the root element');
        const e = text.indexOf(']]>', lt + 9);
        if (e === -1) fail(lt, 'unterminated CDATA section (missing ]]>)');
        doc.cdata(top, lt, e);
        pos = e + 3;
        continue;
      }
      if (text.startsWith('<!DOCTYPE', lt)) {
        if (root !== undefined || stack.length > 0) fail(lt, 'DOCTYPE declaration inside or after the root element');
        pos = skipDoctype(lt);
        continue;
      }
      fail(lt, "unexpected markup declaration '<!'");
    }

    if (c1 === QMARK) {
      const e = text.indexOf('?>', lt + 2);
      if (e === -1) fail(lt, 'unterminated processing instruction (missing ?>)');
      pos = e + 2;
      continue;
    }

    if (c1 === SLASH) {
      let i = lt + 2;
      while (i < len && !isNameEnd(text.charCodeAt(i))) i++;
      const nameEnd = i;
      const endName = (): string => text.slice(lt + 2, nameEnd);
      while (i < len && isWs(text.charCodeAt(i))) i++;
      if (i >= len) fail(lt, `unexpected end of file inside end tag </${endName()}>`);
      if (text.charCodeAt(i) !== GT) fail(i, `malformed end tag </${endName()}>`);
      const top = stack[stack.length - 1];
      if (top === undefined) fail(lt, `unexpected end tag </${endName()}> (no element is open)`);
      const topName = doc.names[doc.name(top)] ?? '';
      if (nameEnd - lt - 2 !== topName.length || !text.startsWith(topName, lt + 2)) {
        const at = view(top).loc;
        fail(
          lt,
          `mismatched end tag </${endName()}>: expected </${topName}> (opened at line ${at.line}, column ${at.column})`,
        );
      }
      doc.setEnd(top, i);
      doc.setAfter(top, doc.count);
      stack.pop();
      if (stack.length === 0) root = top;
      pos = i + 1;
      continue;
    }

    // start tag
    if (root !== undefined) fail(lt, 'content after the root element (a document has exactly one root)');
    if (!isNameStart(c1)) {
      fail(
        lt,
        Number.isNaN(c1)
          ? "unexpected end of file after '<'"
          : "'<' not followed by an element name (unescaped '<' in text?)",
      );
    }
    let i = lt + 1;
    while (i < len && !isNameEnd(text.charCodeAt(i))) i++;
    const raw = text.slice(lt + 1, i);
    // Element names repeat a lot (rule, type, interface...): share one string per name.
    let nameId = names.get(raw);
    if (nameId === undefined) {
      nameId = doc.names.length;
      doc.names.push(detach(raw));
      names.set(raw, nameId);
    }
    const name = doc.names[nameId] ?? raw;
    let attrs: Record<string, string> | undefined;
    let selfClosing = false;
    for (;;) {
      while (i < len && isWs(text.charCodeAt(i))) i++;
      if (i >= len) fail(lt, `unexpected end of file inside start tag <${name}>`);
      const c = text.charCodeAt(i);
      if (c === GT) break;
      if (c === SLASH) {
        if (text.charCodeAt(i + 1) !== GT) fail(i, `malformed start tag <${name}>: expected '/>'`);
        selfClosing = true;
        i++;
        break;
      }
      if (!isNameStart(c)) fail(i, `malformed attribute in start tag <${name}>`);
      const aStart = i;
      while (i < len && !isNameEnd(text.charCodeAt(i))) i++;
      const aName = text.slice(aStart, i);
      while (i < len && isWs(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== EQ) fail(i >= len ? lt : i, `attribute ${aName} of <${name}> has no value`);
      i++;
      while (i < len && isWs(text.charCodeAt(i))) i++;
      const q = text.charCodeAt(i);
      if (q !== 0x22 && q !== 0x27) fail(i >= len ? lt : i, `attribute ${aName} of <${name}> must be quoted`);
      const close = text.indexOf(q === 0x22 ? '"' : "'", i + 1);
      if (close === -1) fail(lt, `unterminated attribute value in start tag <${name}>`);
      const raw = text.slice(i + 1, close);
      const lt2 = raw.indexOf('<');
      if (lt2 !== -1) fail(i + 1 + lt2, `'<' inside the value of attribute ${aName}`);
      attrs ??= Object.create(null) as Record<string, string>;
      if (Object.prototype.hasOwnProperty.call(attrs, aName)) fail(aStart, `duplicate attribute ${aName} in <${name}>`);
      attrs[aName] = detach(!raw.includes('&') ? raw : decode(i + 1, close));
      i = close + 1;
    }
    if (stack.length + 1 > maxDepth) fail(lt, `elements nested deeper than ${maxDepth} levels`);
    const el = doc.add(nameId, lt, i);
    if (attrs) doc.attrs.set(el, attrs);
    if (selfClosing) {
      if (stack.length === 0) root = el;
    } else {
      stack.push(el);
    }
    pos = i + 1;
  }

  const open = stack[stack.length - 1];
  if (open !== undefined) {
    const at = view(open).loc;
    const name = doc.names[doc.name(open)] ?? '';
    fail(
      len,
      `unexpected end of file: <${name}> opened at line ${at.line}, column ${at.column} is not closed (truncated file?)`,
    );
  }
  if (root === undefined) fail(len, 'no root element (empty or non-XML file)');
  return view(root);
}
