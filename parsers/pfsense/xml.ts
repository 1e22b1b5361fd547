import { ParseError } from '../../src/model/errors.js';
import { BANG, EQ, GT, QMARK, SLASH } from '../toolkit/chars.js';
import { assertText } from '../toolkit/binary.js';
import { PositionIndex } from '../toolkit/positions.js';

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
 * An element. It keeps three offsets rather than a location object (a 100k-rule export has over a
 * million elements); `loc` works the lines and columns out from them when asked.
 */
export class XmlElement {
  name: string;
  attrs: Readonly<Record<string, string>>;
  children: XmlElement[];
  /** Character data directly inside the element (entities decoded, CDATA included); whitespace-only runs are dropped. */
  text: string;
  /** Offsets: the `<` of the start tag, its `>`, and the final `>` (the start tag's for an empty element). */
  private readonly start: number;
  private readonly openEnd: number;
  /** @internal set by the reader at the end tag */
  end: number;
  private readonly lines: LineColumns;

  constructor(
    name: string,
    attrs: Readonly<Record<string, string>>,
    lines: LineColumns,
    start: number,
    openEnd: number,
  ) {
    this.name = name;
    this.attrs = attrs;
    this.children = NO_CHILDREN;
    this.text = '';
    this.lines = lines;
    this.start = start;
    this.openEnd = openEnd;
    this.end = openEnd;
  }

  get loc(): XmlLoc {
    const [line, column] = this.lines.at(this.start);
    const [endLine, endColumn] = this.lines.at(this.end);
    const [openEndLine, openEndColumn] = this.lines.at(this.openEnd);
    return { line, column, endLine, endColumn: endColumn + 1, openEndLine, openEndColumn: openEndColumn + 1 };
  }
}

/** 1-based line and column of an offset, a byte-order mark not counting as a column. */
class LineColumns {
  private readonly positions: PositionIndex;
  private readonly bom: number;

  constructor(positions: PositionIndex, bom: number) {
    this.positions = positions;
    this.bom = bom;
  }

  at(offset: number): [number, number] {
    const k = this.positions.lineIndexOf(offset);
    const lineStart = k === 0 ? this.bom : this.positions.lineStart(k);
    return [k + 1, offset - lineStart + 1];
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

  // Positions asked for while reading only grow: the index answers them without searching.
  const positions = new PositionIndex(text);
  assertText(text, file, positions);
  const lineColumns = new LineColumns(positions, start);
  let line = 1;
  let lineStart = start;
  /** Sets `line` and `lineStart` to those of `pos` (a BOM does not count as a column). */
  function advance(pos: number): void {
    const k = positions.lineIndexOf(pos);
    line = k + 1;
    lineStart = k === 0 ? start : positions.lineStart(k);
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

  const stack: XmlElement[] = [];
  const names = new Map<string, string>();
  let root: XmlElement | undefined;

  function textRun(from: number, to: number): void {
    let i = from;
    while (i < to && isWs(text.charCodeAt(i))) i++;
    if (i === to) return;
    const top = stack.at(-1);
    if (!top) fail(i, root ? 'text after the root element' : 'text before the root element');
    const s = decode(from, to);
    top.text = top.text === '' ? s : top.text + s;
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
        if (!top) fail(lt, 'CDATA section outside the root element');
        const e = text.indexOf(']]>', lt + 9);
        if (e === -1) fail(lt, 'unterminated CDATA section (missing ]]>)');
        const s = text.slice(lt + 9, e);
        if (s.length > 0) top.text = top.text === '' ? s : top.text + s;
        pos = e + 3;
        continue;
      }
      if (text.startsWith('<!DOCTYPE', lt)) {
        if (root || stack.length > 0) fail(lt, 'DOCTYPE declaration inside or after the root element');
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
      const name = text.slice(lt + 2, i);
      while (i < len && isWs(text.charCodeAt(i))) i++;
      if (i >= len) fail(lt, `unexpected end of file inside end tag </${name}>`);
      if (text.charCodeAt(i) !== GT) fail(i, `malformed end tag </${name}>`);
      const top = stack[stack.length - 1];
      if (!top) fail(lt, `unexpected end tag </${name}> (no element is open)`);
      if (top.name !== name) {
        fail(
          lt,
          `mismatched end tag </${name}>: expected </${top.name}> (opened at line ${top.loc.line}, column ${top.loc.column})`,
        );
      }
      top.end = i;
      stack.pop();
      if (stack.length === 0) root = top;
      pos = i + 1;
      continue;
    }

    // start tag
    if (root) fail(lt, 'content after the root element (a document has exactly one root)');
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
    let name = names.get(raw);
    if (name === undefined) {
      name = raw;
      names.set(raw, raw);
    }
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
      attrs[aName] = !raw.includes('&') ? raw : decode(i + 1, close);
      i = close + 1;
    }
    if (stack.length + 1 > maxDepth) fail(lt, `elements nested deeper than ${maxDepth} levels`);
    const el = new XmlElement(name, attrs ?? EMPTY_ATTRS, lineColumns, lt, i);
    const parent = stack[stack.length - 1];
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [el];
      else parent.children.push(el);
    }
    if (selfClosing) {
      if (!parent) root = el;
    } else {
      stack.push(el);
    }
    pos = i + 1;
  }

  const open = stack[stack.length - 1];
  if (open) {
    fail(
      len,
      `unexpected end of file: <${open.name}> opened at line ${open.loc.line}, column ${open.loc.column} is not closed (truncated file?)`,
    );
  }
  if (!root) fail(len, 'no root element (empty or non-XML file)');
  return root;
}
