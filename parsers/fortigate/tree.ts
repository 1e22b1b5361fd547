import { ParseError } from '../../src/model/errors.js';
import { redact } from '../../src/model/redact.js';
import { BSL, CR, DQ, HASH, LF, SP, SQ, TAB } from '../toolkit/chars.js';
import { assertText } from '../toolkit/binary.js';
import { TextLines } from './lines.js';
import { detach } from '../toolkit/detach.js';
import { FNV_PRIME, FNV_SEED, TokenCache } from './tokens.js';

/**
 * FortiOS CLI configuration as a tree that keeps positions (docs/semantics.md#fgt-syntax):
 * `config <path words>` … `end` blocks hold `set`/`unset` settings, `edit <key>` … `next` table
 * entries and nested `config` blocks. The reader applies the CLI's own semantics while it reads, as
 * the FortiGate would when the file is replayed: a repeated `config` block or `edit` of an existing
 * key continues the existing one (entries keep their place), a later `set` replaces an earlier one,
 * `unset` restores the default, and the script verbs `append`, `unselect`, `delete`, `purge`,
 * `move` and `rename` edit what was read so far. It is one linear pass over the text.
 */

/** 1-based; `endColumn` is exclusive (the column after the last character), as SARIF counts. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface SetStmt extends Span {
  name: string;
  /** Values with quotes removed and escapes decoded; `set x` alone has none. */
  values: string[];
}

/** Blocks and entries span from their `config`/`edit` line to their `end`/`next`; `open*` ends the first line. */
export interface Opened extends Span {
  openEndLine: number;
  openEndColumn: number;
}

/**
 * The `set` statements of a block or entry, stored compactly (a 100k-policy file has a million):
 * parallel arrays of names, values (a single value as a plain string) and positions. Statement
 * objects are made only when asked for.
 */
export class Sets {
  /** Per statement, four slots: name, value(s), start offset, end offset. */
  private data: (string | string[] | number | null)[] = [];
  private readonly source: TextLines;
  /** A line the block or entry starts on (1-based) and its start offset: positions are counted from there. */
  private readonly line: number;
  private readonly lineStart: number;

  constructor(source: TextLines, line: number, lineStart: number) {
    this.source = source;
    this.line = line;
    this.lineStart = lineStart;
  }

  get size(): number {
    return this.data.length >> 2;
  }

  name(k: number): string {
    return this.data[4 * k] as string;
  }

  index(name: string): number {
    const d = this.data;
    for (let k = d.length - 4; k >= 0; k -= 4) if (d[k] === name) return k >> 2;
    return -1;
  }

  first(k: number): string | undefined {
    const v = this.data[4 * k + 1] as string | string[] | null;
    return v === null ? undefined : typeof v === 'string' ? v : v[0];
  }

  /** The value(s) as stored: one value as a string, several as an array, none as null. */
  raw(k: number): string | string[] | null {
    return this.data[4 * k + 1] as string | string[] | null;
  }

  all(k: number): string[] {
    const v = this.data[4 * k + 1] as string | string[] | null;
    return v === null ? [] : typeof v === 'string' ? [v] : v;
  }

  stmt(k: number): SetStmt {
    const start = this.data[4 * k + 2] as number;
    const a = this.source.position(start, this.line, this.lineStart);
    // The end is counted from the start's line.
    const b = this.source.position(this.data[4 * k + 3] as number, a.line, start - a.column + 1);
    return {
      name: this.name(k),
      values: this.all(k),
      line: a.line,
      column: a.column,
      endLine: b.line,
      endColumn: b.column,
    };
  }

  /** Start offset of statement k (for `append`, which keeps the statement's place). */
  start(k: number): number {
    return this.data[4 * k + 2] as number;
  }

  /** `set name v…` (a later set replaces the earlier one in place). `values` are taken from index `from`. */
  put(name: string, tokens: readonly string[], from: number, start: number, end: number, to = tokens.length): void {
    const n = to - from;
    const v = n <= 0 ? null : n === 1 ? (tokens[from] ?? null) : tokens.slice(from, to);
    const k = this.index(name);
    if (k < 0) {
      this.data.push(name, v, start, end);
      return;
    }
    this.data[4 * k + 1] = v;
    this.data[4 * k + 2] = start;
    this.data[4 * k + 3] = end;
  }

  /**
   * Called when the entry is closed: copies the statements into an array of their exact size (a
   * growing array keeps up to half again as many slots, a fifth of a large tree).
   */
  seal(): void {
    if (this.data.length > 0) this.data = this.data.slice();
  }

  /**
   * Forgets every statement, for an entry nothing will read again (a converted policy: most of a
   * 100k-policy tree, which would otherwise stay alive beside the model it became).
   */
  release(): void {
    this.data = [];
  }

  remove(name: string): void {
    const k = this.index(name);
    if (k >= 0) this.data.splice(4 * k, 4);
  }

  *[Symbol.iterator](): IterableIterator<SetStmt> {
    for (let k = 0; k < this.size; k++) yield this.stmt(k);
  }
}

export interface Block extends Opened {
  /** The words after `config`, joined by one space: `firewall policy`, `system replacemsg mail email-block`. */
  path: string;
  sets: Sets;
  entries: Map<string, Entry>;
  blocks: Map<string, Block>;
  /** A streamed table's entries as its stream converted them (then `entries` is empty): see TableStream. */
  converted?: object;
}

export interface Entry extends Opened {
  key: string;
  sets: Sets;
  blocks: Map<string, Block>;
  /** The last `edit` of the same key when the file edits it more than once (multi-VDOM files do). */
  reopened?: Span;
}

export type Node = Block | Entry;

export interface ConfigTree {
  /** Top-level `config` blocks. */
  blocks: Map<string, Block>;
  /** `#` comment lines with their 1-based line, e.g. the `#config-version` header and `# expect:` marks. */
  comments: { line: number; text: string }[];
  /** Lines skipped as CLI prompts (`FGT # show`). */
  prompts: number[];
  /** Statements read with a repair (a quote inside a word, which `show` never writes), for FWL900. */
  repaired: Span[];
  lastLine: number;
  /** With a stream: the top-level tables opened (or reopened) after the policy table opened (stream.ts sets it). */
  after?: Set<string>;
}

export const MAX_DEPTH = 64;

/**
 * Converts the entries of top-level tables while the file is read, so they never pile up in the
 * tree (a 100k-policy file's entries would otherwise all survive until the end). The reader offers
 * every top-level table when it opens for the first time; from the ones the stream accepts, each
 * closed entry goes to `entry` and is not stored in `entries`. Whatever the stream cannot reproduce
 * exactly (the table reopened, an entry edited again, deleted or moved) makes the reader or the
 * stream throw `Restart`, and the caller reads the file again without a stream.
 */
export interface TableStream {
  /**
   * The table was just opened for the first time, at the top level: `keys` to stream its entries
   * with keys read as they are (unique ids nothing else names: policy ids), `names` to stream them
   * with interned keys (object names that later statements repeat), undefined to keep it in the tree.
   */
  open(table: Block, tree: ConfigTree): 'keys' | 'names' | undefined;
  /** A closed entry of a streamed table. Throws `Restart` when it cannot be converted now. */
  entry(table: Block, e: Entry): void;
}

/** Thrown by the reader or a stream: the file must be read again without streaming. */
export class Restart extends Error {
  constructor() {
    super('streamed table changed after it was read');
  }
}

export function getSet(node: Node | undefined, name: string): SetStmt | undefined {
  if (!node) return undefined;
  const k = node.sets.index(name);
  return k < 0 ? undefined : node.sets.stmt(k);
}

/** First value of a setting, or undefined when the setting is absent. */
export function value(node: Node | undefined, name: string): string | undefined {
  if (!node) return undefined;
  const k = node.sets.index(name);
  return k < 0 ? undefined : node.sets.first(k);
}

/** Every value of a multi-value setting (`set member "A" "B"`), or [] when absent. */
export function values(node: Node | undefined, name: string): string[] {
  if (!node) return [];
  const k = node.sets.index(name);
  return k < 0 ? [] : node.sets.all(k);
}

/** The stored value(s) of a setting without copying: a string for one value, an array for several. */
export function raw(node: Node | undefined, name: string): string | readonly string[] | undefined {
  if (!node) return undefined;
  const k = node.sets.index(name);
  if (k < 0) return undefined;
  return node.sets.raw(k) ?? undefined;
}

/** Values joined by `sep`, without building a list for a single value ('' when absent). */
export function joined(node: Node | undefined, name: string, sep = ','): string {
  const v = raw(node, name);
  return v === undefined ? '' : typeof v === 'string' ? v : v.join(sep);
}

export function block(node: { blocks: Map<string, Block> } | undefined, path: string): Block | undefined {
  return node?.blocks.get(path);
}

/**
 * Short tokens repeat endlessly (attribute names, `enable`, `all`, interface and object names): one
 * copy each keeps a 100k-policy tree small. Long ones (uuids, certificates) stay as they are.
 */
const INTERN_MAX = 24;
let interned = new Map<string, string>();
function intern(s: string): string {
  const hit = interned.get(s);
  if (hit !== undefined) return hit;
  if (interned.size > 1_000_000) interned = new Map();
  interned.set(s, s);
  return s;
}

/** Short tokens by the hash the reader folds while scanning them (tokens.ts); stored detached from the text. */
const TOKENS = new TokenCache();
const scratch: string[] = [];
/** Entries without nested blocks share this map until they get one. */
const NO_BLOCKS: ReadonlyMap<string, Block> = new Map();

type Frame = { kind: 'config'; block: Block } | { kind: 'edit'; block: Block; entry: Entry };

/** A CLI prompt line before or between `show` outputs: `FGT60F # show`, `FG_VM-Demo $ show full-configuration`, `FGT (root) #`. */
const PROMPT_RE = /^[^\s#"'][^"'\n]*?\s?[#$](\s+(show|get|config|diagnose|execute)\b.*|\s*)$/;

const VERBS = new Set([
  'config',
  'edit',
  'set',
  'unset',
  'next',
  'end',
  'append',
  'unselect',
  'delete',
  'purge',
  'move',
  'rename',
  'select',
]);

const TABLE_VERBS = new Set(['delete', 'purge', 'move', 'rename', 'select']);

/**
 * Reads the whole text. Throws ParseError (with line and column) for text that is not a FortiOS
 * configuration: unknown statements, `next`/`end` without their block, unterminated strings, blocks
 * still open at the end of the file (a truncated file), binary data.
 */
export function readTree(text: string, file: string, stream?: TableStream): ConfigTree {
  assertText(text, file);
  const source = new TextLines(text);
  const root: Block = {
    path: '',
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 1,
    openEndLine: 1,
    openEndColumn: 1,
    sets: new Sets(source, 1, 0),
    entries: new Map(),
    blocks: new Map(),
    converted: undefined,
  };
  // `after` from the start (stream.ts sets it when the policy table opens): one shape for the loop.
  const tree: ConfigTree = {
    blocks: root.blocks,
    comments: [],
    prompts: [],
    repaired: [],
    lastLine: 1,
    after: undefined,
  };
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;
  let statements = 0;
  /** The tables whose entries go to the stream, and whether their keys are interned. */
  const streamed = new Map<Block, boolean>();
  interned = new Map();

  /** `next` (or `end` inside an entry): the entry ends here; a streamed one is converted now. */
  const closeEntry = (top: { block: Block; entry: Entry }, endLine: number, endCol: number): void => {
    const entry = top.entry;
    entry.endLine = endLine;
    entry.endColumn = endCol;
    stack.pop();
    if (streamed.size > 0 && streamed.has(top.block)) stream?.entry(top.block, entry);
    else entry.sets.seal();
  };

  const fail: Fail = (l, col, msg) => {
    throw new ParseError(file, l, col, msg);
  };
  const scan: Scan = { i: 0, line: 1, lineStart: 0, repaired: false };

  const opened = (f: Frame): string =>
    f.kind === 'edit'
      ? `\`edit ${f.entry.key}\` (line ${f.entry.line})`
      : `\`config ${f.block.path}\` (line ${f.block.line})`;

  while (i < n) {
    // Start of a line: skip indentation.
    let c = text.charCodeAt(i);
    while (c === SP || c === TAB) c = text.charCodeAt(++i);
    if (i >= n) break;
    if (c === LF || c === CR) {
      if (c === CR && text.charCodeAt(i + 1) === LF) i++;
      i++;
      line++;
      lineStart = i;
      continue;
    }
    const col = i - lineStart + 1;
    const stmtStart = i;
    if (c === HASH) {
      // A comment line (the `#config-version` header, `# expect:` marks): FortiOS has no inline comments.
      const e = lineEnd(text, i);
      const body = detach(text.slice(i, e));
      tree.comments.push({ line, text: body });
      i = e;
      continue;
    }

    // Tokens of one statement; quoted strings may span lines.
    const startLine = line;
    // The token array is reused (setting its length to 0 would free and regrow it every statement).
    const tokens = scratch;
    let nt = 0;
    let endLine = line;
    let endCol = col;
    let stmtEnd = i;
    let repaired = false;
    while (i < n) {
      c = text.charCodeAt(i);
      if (c === SP || c === TAB) {
        i++;
        continue;
      }
      if (c === CR && text.charCodeAt(i + 1) === LF) {
        i++;
        c = LF;
      }
      if (c === LF || c === CR) break;
      // Fast path: a plain word, or one quoted string without escapes, followed by a separator.
      // Repeated short tokens come from the intern table without allocating (most of a big file).
      {
        let a: number;
        let b: number;
        let j: number;
        let multiLine = 0;
        let lastLf = -1;
        // The token's hash for the token cache, folded in while its end is sought.
        let h = FNV_SEED;
        if (c === DQ || c === SQ) {
          a = i + 1;
          j = a;
          let d = text.charCodeAt(j);
          while (j < n && d !== c && d !== BSL) {
            // Line breaks inside the string: LF, CRLF (counted at its LF) or a lone CR, as lineStarts counts.
            if (d === LF || (d === CR && text.charCodeAt(j + 1) !== LF)) {
              multiLine++;
              lastLf = j;
            }
            h = Math.imul(h ^ d, FNV_PRIME);
            d = text.charCodeAt(++j);
          }
          b = j;
          j++; // past the closing quote
          if (d !== c) j = -1; // escape or end of text: general path
        } else {
          a = i;
          j = i;
          let d = c;
          while (j < n && d !== SP && d !== TAB && d !== LF && d !== CR && d !== DQ && d !== SQ && d !== BSL) {
            h = Math.imul(h ^ d, FNV_PRIME);
            d = text.charCodeAt(++j);
          }
          b = j;
        }
        if (j >= 0) {
          const after = j < n ? text.charCodeAt(j) : LF;
          if (after === SP || after === TAB || after === LF || after === CR) {
            // Names and comments are unique per object, and so are the keys of a streamed table's
            // entries (policy ids): not worth a table slot. (`at` is this token's index: in
            // `tokens[nt++] = …` the right side already sees nt incremented.)
            const at = nt;
            tokens[nt++] =
              b - a <= INTERN_MAX &&
              !(at === 2 && (tokens[1] === 'name' || tokens[1] === 'comments')) &&
              !(
                at === 1 &&
                streamed.size > 0 &&
                tokens[0] === 'edit' &&
                streamed.get(stack.at(-1)?.block ?? root) === false
              )
                ? TOKENS.get(text, a, b, h)
                : at === 2 && tokens[1] === 'uuid'
                  ? text.slice(a, b) // dropped below
                  : detach(text.slice(a, b));
            if (multiLine) {
              line += multiLine;
              lineStart = lastLf + 1;
            }
            i = j;
            endLine = line;
            endCol = i - lineStart + 1;
            stmtEnd = i;
            continue;
          }
        }
      }
      // One token the fast path does not take (its own function: rare, and readTree's optimized
      // compile grows with every line of the loop).
      scan.i = i;
      scan.line = line;
      scan.lineStart = lineStart;
      const tok = generalToken(text, scan, fail);
      i = scan.i;
      line = scan.line;
      lineStart = scan.lineStart;
      if (scan.repaired) {
        repaired = true;
        scan.repaired = false;
      }
      tokens[nt++] = tok.length <= INTERN_MAX ? intern(detach(tok)) : detach(tok);
      endLine = line;
      endCol = i - lineStart + 1;
      stmtEnd = i;
    }
    // i is at the end of the line (or of the text).
    const verb = tokens[0] ?? '';
    statements++;
    const top = stack[stack.length - 1];
    if (verb === 'set' && top && nt >= 2 && !repaired) {
      // The common case, without intermediate objects.
      const name = tokens[1] ?? '';
      // Object uuids are bookkeeping only; not keeping them saves a tenth of a large tree.
      if (name === 'uuid') continue;
      (top.kind === 'edit' ? top.entry.sets : top.block.sets).put(name, tokens, 2, stmtStart, stmtEnd, nt);
      continue;
    }
    if (verb === 'next' && top?.kind === 'edit' && !repaired) {
      // The other common case: closes an entry (as \`case 'next'\` below, without the statement's span).
      closeEntry(top, endLine, endCol);
      continue;
    }
    const span: Span = { line: startLine, column: col, endLine, endColumn: endCol };
    if (repaired) tree.repaired.push(span);
    const words = tokens.slice(0, nt);
    if (!VERBS.has(verb)) {
      const raw = text.slice(lineStart, lineEnd(text, lineStart));
      if (stack.length === 0 && startLine === endLine && PROMPT_RE.test(raw.trim())) {
        tree.prompts.push(startLine);
        continue;
      }
      // The stray token may be the inside of a secret (a PEM line, an ENC value): redacted (docs/semantics.md#fgt-syntax).
      fail(startLine, col, `expected config, edit, set, unset, next or end, found \`${clip(redact(verb))}\``);
    }
    switch (verb) {
      case 'config': {
        if (words.length < 2) fail(startLine, col, '`config` without a path');
        if (stack.length >= MAX_DEPTH) fail(startLine, col, `nesting deeper than ${MAX_DEPTH} levels`);
        const path = words.slice(1).join(' ');
        let parent: Map<string, Block>;
        if (!top) parent = root.blocks;
        else if (top.kind === 'config') parent = top.block.blocks;
        else {
          if (top.entry.blocks === NO_BLOCKS) top.entry.blocks = new Map<string, Block>();
          parent = top.entry.blocks;
        }
        let b = parent.get(path);
        const fresh = !b;
        if (!b) {
          // Every block has the same members from the start (the root's too): a block that gained
          // `converted` later, or copied the span by a spread, had another shape, and the optimized
          // read loop was thrown out and compiled again at each table a stream converts.
          b = {
            path,
            line: startLine,
            column: col,
            endLine,
            endColumn: endCol,
            openEndLine: endLine,
            openEndColumn: endCol,
            sets: new Sets(source, line, lineStart),
            entries: new Map(),
            blocks: new Map(),
            converted: undefined,
          };
          parent.set(path, b);
        }
        if (stream && !top) {
          if (streamed.has(b)) throw new Restart();
          tree.after?.add(path);
          const how = fresh ? stream.open(b, tree) : undefined;
          if (how) streamed.set(b, how === 'names');
        }
        stack.push({ kind: 'config', block: b });
        break;
      }
      case 'edit': {
        if (!top) fail(startLine, col, '`edit` outside a `config` block');
        if (top.kind === 'edit') fail(startLine, col, `\`edit\` inside ${opened(top)}: expected \`next\` first`);
        if (words.length < 2) fail(startLine, col, '`edit` without a key');
        if (stack.length >= MAX_DEPTH) fail(startLine, col, `nesting deeper than ${MAX_DEPTH} levels`);
        const key = nt === 2 ? (tokens[1] ?? '') : words.slice(1).join(' ');
        const entries = top.block.entries;
        // A streamed table's entries go to the stream (which restarts when one is edited again).
        const streaming = streamed.size > 0 && streamed.has(top.block);
        let e = streaming ? undefined : entries.get(key);
        if (!e) {
          e = {
            key,
            line: startLine,
            column: col,
            endLine,
            endColumn: endCol,
            openEndLine: endLine,
            openEndColumn: endCol,
            sets: new Sets(source, line, lineStart),
            blocks: NO_BLOCKS as Map<string, Block>,
          };
          // A streamed table keeps no entries (stream.ts converts each when it closes).
          if (!streaming) entries.set(key, e);
        } else e.reopened = span;
        stack.push({ kind: 'edit', block: top.block, entry: e });
        break;
      }
      case 'next': {
        if (top?.kind !== 'edit')
          fail(startLine, col, top ? `\`next\` without \`edit\` in ${opened(top)}` : '`next` without `edit`');
        closeEntry(top, endLine, endCol);
        break;
      }
      case 'end': {
        if (!top) fail(startLine, col, '`end` without `config`');
        // `end` inside an entry closes the entry and its table (the CLI saves both).
        if (top.kind === 'edit') closeEntry(top, endLine, endCol);
        // An `edit` frame always sits on the `config` frame of its table.
        const cfg = stack.pop();
        if (!cfg) fail(startLine, col, '`end` without `config`');
        cfg.block.endLine = endLine;
        cfg.block.endColumn = endCol;
        break;
      }
      default: {
        if (!top) fail(startLine, col, `\`${verb}\` outside a \`config\` block`);
        const node: Node = top.kind === 'edit' ? top.entry : top.block;
        // delete, purge, move, rename in the streamed table: its entries are already converted.
        if (top.kind === 'config' && streamed.has(top.block) && TABLE_VERBS.has(verb)) throw new Restart();
        applyVerb(verb, words, node, top.kind === 'config' ? top.block : undefined, span, stmtStart, stmtEnd, fail);
      }
    }
  }
  const f = stack.at(-1);
  if (f) {
    const where = f.kind === 'edit' ? f.entry : f.block;
    fail(where.line, where.column, `unexpected end of file: ${opened(f)} is not closed (truncated file?)`);
  }
  interned = new Map();
  TOKENS.release();
  scratch.fill('');
  if (statements === 0) fail(1, 1, 'no configuration statements (expected `config ...` blocks)');
  tree.lastLine = line;
  return tree;
}

/** Where readTree's scan stands around a call of generalToken. */
interface Scan {
  i: number;
  line: number;
  lineStart: number;
  /** Set by generalToken when it read a quote inside a word (a repair); the caller resets it. */
  repaired: boolean;
}

/**
 * One token from `s.i`: unquoted runs and quoted segments glued together, with escapes; advances the
 * scan past it (and its lines, for quoted strings that span lines).
 */
function generalToken(text: string, s: Scan, fail: Fail): string {
  const n = text.length;
  let i = s.i;
  let line = s.line;
  let lineStart = s.lineStart;
  let c: number;
  let tok = '';
  const tokStart = i;
  let segStart = i;
  while (i < n) {
    c = text.charCodeAt(i);
    if (c === SP || c === TAB || c === LF || c === CR) break;
    if ((c === DQ || c === SQ) && i > tokStart) {
      // A quote inside a word (`""HTTPS"`, `don't`) is never written by `show`: read it as a
      // character so one bad line cannot swallow the rest of the file, and report the statement.
      s.repaired = true;
      i++;
      continue;
    }
    if (c === DQ || c === SQ) {
      tok += text.slice(segStart, i);
      const q = c;
      const qLine = line;
      const qCol = i - lineStart + 1;
      i++;
      segStart = i;
      for (;;) {
        if (i >= n)
          fail(qLine, qCol, `unterminated ${q === DQ ? 'double' : 'single'}-quoted string (the file ends inside it)`);
        const d = text.charCodeAt(i);
        if (d === q) break;
        if (d === BSL && q === DQ && i + 1 < n) {
          tok += text.slice(segStart, i);
          const e = text.charCodeAt(i + 1);
          if (e === LF) {
            line++;
            lineStart = i + 2;
          }
          tok += text.charAt(i + 1);
          i += 2;
          segStart = i;
          continue;
        }
        if (d === LF || (d === CR && text.charCodeAt(i + 1) !== LF)) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      tok += text.slice(segStart, i);
      i++; // closing quote
      segStart = i;
      continue;
    }
    if (c === BSL && i + 1 < n && text.charCodeAt(i + 1) !== LF && text.charCodeAt(i + 1) !== CR) {
      tok += text.slice(segStart, i) + text.charAt(i + 1);
      i += 2;
      segStart = i;
      continue;
    }
    i++;
  }
  tok += text.slice(segStart, i);
  s.i = i;
  s.line = line;
  s.lineStart = lineStart;
  return tok;
}

/** Offset of the line break (LF or CR) at or after i, or the text length. */
function lineEnd(text: string, i: number): number {
  let lf = text.indexOf('\n', i);
  if (lf === -1) lf = text.length;
  for (let k = i; k < lf; k++) if (text.charCodeAt(k) === CR) return k;
  return lf;
}

function clip(s: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are exactly what this replaces.
  const one = s.replace(/[\x00-\x1f]/g, '?');
  return one.length > 40 ? `${one.slice(0, 39)}…` : one;
}

type Fail = (line: number, col: number, msg: string) => never;

function applyVerb(
  verb: string,
  tokens: string[],
  node: Node,
  table: Block | undefined,
  span: Span,
  start: number,
  end: number,
  fail: Fail,
): void {
  const name = tokens[1];
  switch (verb) {
    case 'set': {
      if (name === undefined) fail(span.line, span.column, '`set` without an attribute');
      node.sets.put(name, tokens, 2, start, end);
      return;
    }
    case 'unset': {
      if (name === undefined) fail(span.line, span.column, '`unset` without an attribute');
      node.sets.remove(name);
      return;
    }
    case 'append':
    case 'unselect': {
      if (name === undefined) fail(span.line, span.column, `\`${verb}\` without an attribute`);
      const k = node.sets.index(name);
      const oldVals = k < 0 ? [] : node.sets.all(k);
      const add = tokens.slice(2);
      const vals =
        verb === 'append'
          ? [...oldVals, ...add.filter((v) => !oldVals.includes(v))]
          : oldVals.filter((v) => !add.includes(v));
      node.sets.put(name, ['set', name, ...vals], 2, k < 0 ? start : node.sets.start(k), end);
      return;
    }
    case 'delete':
    case 'purge':
    case 'move':
    case 'rename':
    case 'select': {
      if (!table) fail(span.line, span.column, `\`${verb}\` inside an \`edit\` entry`);
      const entries = table.entries;
      if (verb === 'purge') entries.clear();
      else if (verb === 'delete') {
        if (name === undefined) fail(span.line, span.column, '`delete` without a key');
        entries.delete(name);
      } else if (verb === 'rename') {
        // rename <old> to <new>
        const to = tokens[3];
        const e = name === undefined ? undefined : entries.get(name);
        if (!e || tokens[2] !== 'to' || to === undefined)
          fail(span.line, span.column, '`rename` expects `rename <key> to <new key>` for an existing entry');
        const list = [...entries.entries()].map(([k, v]) =>
          k === name ? ([to, { ...v, key: to }] as [string, Entry]) : ([k, v] as [string, Entry]),
        );
        entries.clear();
        for (const [k, v] of list) entries.set(k, v);
      } else if (verb === 'move') {
        // move <key> before|after <key>
        const where = tokens[2];
        const ref = tokens[3];
        const e = name === undefined ? undefined : entries.get(name);
        const bad = where !== 'before' && where !== 'after';
        if (!e || name === undefined || bad || ref === undefined || !entries.has(ref)) {
          fail(span.line, span.column, '`move` expects `move <key> before|after <key>` for existing entries');
        }
        const list = [...entries.entries()].filter(([k]) => k !== name);
        const at = list.findIndex(([k]) => k === ref) + (where === 'after' ? 1 : 0);
        list.splice(at, 0, [name, e]);
        entries.clear();
        for (const [k, v] of list) entries.set(k, v);
      } else fail(span.line, span.column, '`select` is not a configuration statement');
      return;
    }
  }
}
