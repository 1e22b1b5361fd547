import { ParseError } from '../../src/model/errors.js';
import type { ParseOptions } from '../types.js';
import {
  FAMILIES,
  ReadRule,
  newTable,
  tableKey,
  type BaseSpec,
  type ChainRule,
  type CtTimeout,
  type Expr,
  type Family,
  type NChain,
  type NDocument,
  type NRule,
  type NSet,
  type NTable,
  type Pos,
  must,
} from './ir.js';
import { Lexer, type Token } from './lexer.js';
import { priorityValue } from './priorities.js';
import type { Preparer } from './prepare.js';
import { ChainLabels, EntryRule, ReadEntries } from './entry-rule.js';
import { ReadRuns, type RunFacts, type RunRule } from './read-facts.js';
import { RuleChunks } from './rule-list.js';
import { RuleRows } from './rule-rows.js';
import { chainRef } from './rules.js';
import { DirectReader, startsDirectRule } from './text-direct.js';
import { addElements, shapeWords } from './set-words.js';
import { MAX_NESTING, RuleParser, Unreadable, parseValueTokens, tokPos } from './text-rules.js';
import { parseDuration } from './values.js';

/**
 * The nft text grammar as `nft list ruleset` prints it and as people write /etc/nftables.conf:
 * `flush ruleset`, tables of every family, chains, sets, maps, stateful objects, `define` /
 * `redefine` / `undefine` with `$vars` (scoped to their block, docs/semantics.md#nft-syntax), `include`
 * (read through ParseOptions.readInclude, which resolves relative paths against the including
 * file; nft itself searches its -I include paths), and the command form (`add rule …`, `delete
 * table …`). Errors in the structure are ParseErrors with nft's line and column; rules fwlint
 * cannot interpret become FWL900 and are left out of the evaluation.
 */

const MAX_INCLUDE_DEPTH = 16; // nft: "Include nested too deeply, max 16 levels"

interface Source {
  lexer: Lexer;
  /** Depth of nesting of includes (0: the file itself). */
  depth: number;
}

class Stream {
  private readonly sources: Source[] = [];
  private readonly buf: Token[] = [];
  /** Scopes of `define`s: the file, then each open table/chain block. */
  readonly scopes: Map<string, Token[]>[] = [new Map<string, Token[]>()];
  /** Set once an include could not be read: unknown variables may come from it. */
  includeFailed = false;
  last!: Token;

  constructor(lexer: Lexer) {
    this.sources.push({ lexer, depth: 0 });
  }

  /** The source being read (the file itself until an include is open). */
  private get top(): Source {
    return must(this.sources[this.sources.length - 1], 'the source being read');
  }

  /** The innermost `define` scope. */
  get scope(): Map<string, Token[]> {
    return must(this.scopes[this.scopes.length - 1], 'the define scope');
  }

  get depth(): number {
    return this.top.depth;
  }

  get file(): string {
    return this.top.lexer.file;
  }

  push(lexer: Lexer): void {
    this.sources.push({ lexer, depth: this.depth + 1 });
  }

  private pull(): void {
    for (;;) {
      const src = this.top;
      const tok = src.lexer.next();
      if (tok.kind === 'eof' && this.sources.length > 1) {
        // The end of an included file ends its last statement.
        this.sources.pop();
        this.buf.push({ ...tok, kind: 'nl', text: '\n' });
        return;
      }
      if (tok.kind === 'var') {
        const value = this.lookup(tok.text);
        if (value) {
          // Tokens of the value take the position of the `$var`, so rules keep their own lines.
          for (const v of value)
            this.buf.push({
              ...v,
              file: tok.file,
              line: tok.line,
              col: tok.col,
              endLine: tok.endLine,
              endCol: tok.endCol,
            });
          if (value.length === 0) continue;
          return;
        }
        if (!this.includeFailed) throw new ParseError(tok.file, tok.line, tok.col, `unknown identifier '${tok.text}'`);
      }
      this.buf.push(tok);
      return;
    }
  }

  lookup(name: string): Token[] | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]?.get(name);
      if (v) return v;
    }
    return undefined;
  }

  peek(k = 0): Token {
    for (;;) {
      const t = this.buf[k];
      if (t) return t;
      this.pull();
    }
  }

  next(): Token {
    const t = this.peek();
    this.buf.shift();
    this.last = t;
    return t;
  }

  /**
   * The lexer and the one token looked at, when that token is the lexer's last and nothing else is
   * buffered: the direct reader (text-direct.ts) may then read the rule from the source itself.
   */
  rawPeek(): { lexer: Lexer; tok: Token } | undefined {
    const tok = this.buf[0];
    if (tok === undefined || this.buf.length !== 1) return undefined;
    const lexer = this.top.lexer;
    return tok === lexer.lastTok ? { lexer, tok } : undefined;
  }

  /** The lexer being read when nothing is buffered (the direct reader may read from where it is). */
  idleLexer(): Lexer | undefined {
    return this.buf.length === 0 ? this.top.lexer : undefined;
  }

  /** Drops the looked-at token and goes on at `offset` of the same line (after a rule read directly). */
  skipTo(lexer: Lexer, offset: number): void {
    lexer.resume(offset);
    this.buf.pop(); // the one token rawPeek saw (pop keeps the buffer's room; `length = 0` frees it)
  }
}

function describe(tok: Token): string {
  if (tok.kind === 'eof') return 'end of file';
  if (tok.kind === 'nl') return 'newline';
  if (tok.kind === 'string') return 'string';
  if (tok.kind === 'punct') return `'${tok.text}'`;
  if (tok.kind === 'var') return `$${tok.text}`;
  if (tok.kind === 'ref') return `@${tok.text}`;
  return tok.text;
}

function syntax(tok: Token, expecting?: string): never {
  throw new ParseError(
    tok.file,
    tok.line,
    tok.col,
    `syntax error, unexpected ${describe(tok)}${expecting ? `, expecting ${expecting}` : ''}`,
  );
}

const GLOB = /[*?[]/;

/** Whether a rule's tokens name a set or map (`@s`, or a string nft would read as one). */
function namesSet(toks: readonly Token[]): boolean {
  for (const t of toks) if (t.kind === 'ref' || (t.kind === 'string' && t.text.startsWith('@'))) return true;
  return false;
}

export class TextReader {
  private readonly s: Stream;
  private readonly doc: NDocument;
  private readonly options: ParseOptions;
  private readonly tables = new Map<string, NTable>();
  /** The lexer of each file read (the file itself and its includes), for the comments above rules. */
  private readonly lexers = new Map<string, Lexer>();
  /** Anonymous chains named so far (`__chain0`, `__chain1`…), and how deep the current one is nested. */
  private anonChains = 0;
  private anonDepth = 0;

  /** Converts rules as they are read (prepare.ts); without it the document keeps every statement. */
  private readonly prep: Preparer | undefined;
  /** Reads the common rule forms straight from the source (with prep only). */
  private readonly direct = new DirectReader();

  constructor(text: string, file: string, options: ParseOptions = {}, prep?: Preparer) {
    this.prep = prep;
    const lexer = new Lexer(text, file);
    this.lexers.set(file, lexer);
    this.s = new Stream(lexer);
    this.options = options;
    const firstLine = text.includes('\n') ? text.slice(0, text.indexOf('\n')) : text;
    this.doc = {
      file,
      format: 'text',
      tables: [],
      unsupported: [],
      notes: [],
      root: { file, line: 1, column: 1, endLine: 1, endColumn: Math.max(2, firstLine.length + 1) },
    };
  }

  read(): NDocument {
    this.topLevel();
    this.doc.tables = [...this.tables.values()];
    return this.doc;
  }

  // ------------------------------------------------------------------ helpers

  private isWord(k: number, ...words: string[]): boolean {
    const t = this.s.peek(k);
    return t.kind === 'word' && (words.length === 0 || words.includes(t.text));
  }

  private isPunct(k: number, p: string): boolean {
    const t = this.s.peek(k);
    return t.kind === 'punct' && t.text === p;
  }

  private skipSeps(): void {
    for (;;) {
      const t = this.s.peek();
      if (t.kind === 'nl' || (t.kind === 'punct' && t.text === ';')) this.s.next();
      else return;
    }
  }

  /** A name: a word or a quoted string. */
  private name(expecting: string): Token {
    const t = this.s.next();
    if (t.kind !== 'word' && t.kind !== 'string') syntax(t, expecting);
    return t;
  }

  private expectPunct(p: string): Token {
    const t = this.s.next();
    if (t.kind !== 'punct' || t.text !== p) syntax(t, `'${p}'`);
    return t;
  }

  private endOfStatement(): void {
    const t = this.s.peek();
    if (t.kind === 'nl' || t.kind === 'eof' || (t.kind === 'punct' && (t.text === ';' || t.text === '}'))) return;
    syntax(t, 'newline or semicolon');
  }

  /**
   * The tokens of one statement: up to a newline or `;` outside braces, or a `}` that closes the
   * enclosing block (not consumed). Newlines inside `{ … }` and `( … )` are dropped, except in the
   * body of an anonymous chain (`jump { … }`), where they end its rules and become `;`.
   */
  private statementTokens(): Token[] {
    const out: Token[] = [];
    /** One entry per open brace or parenthesis: true for the body of an anonymous chain. */
    const open: boolean[] = [];
    for (;;) {
      const t = this.s.peek();
      if (t.kind === 'eof') {
        if (open.length > 0) syntax(t, "'}'");
        return out;
      }
      if (t.kind === 'nl') {
        this.s.next();
        if (open.length === 0) return out;
        if (open[open.length - 1]) out.push({ ...t, kind: 'punct', text: ';' });
        continue;
      }
      if (t.kind === 'punct') {
        if (open.length === 0 && t.text === ';') {
          this.s.next();
          return out;
        }
        if (t.text === '{' || t.text === '(') {
          const prev = out[out.length - 1];
          open.push(t.text === '{' && prev?.kind === 'word' && (prev.text === 'jump' || prev.text === 'goto'));
        } else if (t.text === '}' || t.text === ')') {
          // A `)` nothing opened cannot end a statement (a `}` ends the block): nft refuses it too.
          if (open.length === 0) return t.text === ')' ? syntax(t) : out;
          open.pop();
        }
      }
      out.push(this.s.next());
    }
  }

  /** `{ … }` as tokens (braces excluded, newlines dropped), after the opening brace was peeked. */
  private braceTokens(): { tokens: Token[]; open: Token; close: Token } {
    const open = this.expectPunct('{');
    const out: Token[] = [];
    let depth = 1;
    for (;;) {
      const t = this.s.next();
      if (t.kind === 'eof') syntax(t, "'}'");
      if (t.kind === 'nl') continue;
      if (t.kind === 'punct' && t.text === '{') depth++;
      if (t.kind === 'punct' && t.text === '}' && --depth === 0) return { tokens: out, open, close: t };
      out.push(t);
    }
  }

  private family(): Family | undefined {
    const t = this.s.peek();
    if (t.kind === 'word' && (FAMILIES as readonly string[]).includes(t.text)) {
      const n = this.s.peek(1);
      if (n.kind === 'word' || n.kind === 'string') {
        this.s.next();
        return t.text as Family;
      }
    }
    return undefined;
  }

  private table(family: Family, name: string, pos: Pos): NTable {
    const key = tableKey(family, name);
    let t = this.tables.get(key);
    if (!t) {
      t = newTable(family, name, pos);
      this.tables.set(key, t);
    }
    return t;
  }

  private chain(table: NTable, name: string, pos: Pos): NChain {
    let c = table.chains.get(name);
    if (!c) {
      c = {
        family: table.family,
        table: table.name,
        name,
        pos,
        rules: [],
        runs: undefined,
        labels: undefined,
        jumpedFrom: undefined,
      };
      table.chains.set(name, c);
    }
    return c;
  }

  private unsupported(pos: Pos, what: string, why: string): void {
    this.doc.unsupported.push({ loc: pos, what, why });
  }

  // ------------------------------------------------------------------ define / include

  /** `define NAME = value`: the value's tokens, variables already expanded (nft evaluates at definition). */
  private define(kind: 'define' | 'redefine'): void {
    this.s.next();
    const name = this.name('variable name');
    this.expectPunct('=');
    const toks = this.statementTokens();
    if (toks.length === 0) syntax(this.s.last, 'a value');
    const scope = this.s.scope;
    if (kind === 'define' && scope.has(name.text))
      throw new ParseError(name.file, name.line, name.col, `redefinition of symbol '${name.text}'`);
    scope.set(name.text, toks);
  }

  private undefine(): void {
    this.s.next();
    const name = this.name('variable name');
    const scope = this.s.scope;
    if (!scope.delete(name.text) && !this.s.lookup(name.text))
      throw new ParseError(name.file, name.line, name.col, `undefined symbol '${name.text}'`);
    this.endOfStatement();
  }

  private include(): void {
    const kw = this.s.next();
    const path = this.s.next();
    if (path.kind !== 'string') syntax(path, 'string');
    const pos = tokPos(kw, path);
    this.endOfStatement();
    if (GLOB.test(path.text)) {
      this.s.includeFailed = true;
      this.unsupported(
        pos,
        `include "${path.text}"`,
        'an include with a wildcard: fwlint reads single files only, so the rules it loads are not evaluated',
      );
      return;
    }
    if (this.s.depth + 1 > MAX_INCLUDE_DEPTH)
      throw new ParseError(
        kw.file,
        kw.line,
        kw.col,
        `include nested too deeply, max ${String(MAX_INCLUDE_DEPTH)} levels`,
      );
    const got = this.options.readInclude?.(path.text, kw.file);
    if (!got) {
      this.s.includeFailed = true;
      this.unsupported(
        pos,
        `include "${path.text}"`,
        'the included file could not be read, so the rules, sets and defines it holds are not evaluated',
      );
      return;
    }
    const lexer = new Lexer(got.text, got.display);
    this.lexers.set(got.display, lexer);
    this.s.push(lexer);
  }

  /** define / redefine / undefine / include in any block. True when one was handled. */
  private common(): boolean {
    const t = this.s.peek();
    if (t.kind !== 'word') return false;
    if (t.text === 'define' || t.text === 'redefine') this.define(t.text);
    else if (t.text === 'undefine') this.undefine();
    else if (t.text === 'include') this.include();
    else return false;
    return true;
  }

  // ------------------------------------------------------------------ top level

  private topLevel(): void {
    for (;;) {
      this.skipSeps();
      const t = this.s.peek();
      if (t.kind === 'eof') return;
      if (this.common()) continue;
      if (t.kind !== 'word') syntax(t);
      switch (t.text) {
        case 'table':
          this.tableStatement(false);
          break;
        case 'add':
        case 'create':
        case 'insert':
          this.command();
          break;
        case 'flush':
          this.flush();
          break;
        case 'delete':
        case 'destroy':
        case 'replace':
        case 'rename':
        case 'reset': {
          if ((t.text === 'delete' || t.text === 'destroy') && this.isWord(1, 'table', 'chain')) {
            this.deleteObject();
            break;
          }
          const toks = this.statementTokens();
          this.unsupported(
            tokPos(t, toks[toks.length - 1]),
            `${t.text} command`,
            `\`${t.text}\` changes the ruleset as it is loaded; fwlint does not apply it`,
          );
          break;
        }
        case 'list':
        case 'describe':
        case 'monitor':
        case 'export':
          this.statementTokens();
          break;
        default:
          syntax(t);
      }
    }
  }

  private tableStatement(command: boolean): void {
    const kw = this.s.next();
    const family = this.family() ?? 'ip';
    const name = this.name('table name');
    const table = this.table(family, name.text, tokPos(kw, name));
    if (this.isPunct(0, '{')) this.tableBlock(table);
    else if (!command) this.endOfStatement();
  }

  /**
   * `{ … }`: calls `item` for each statement up to the closing brace. Table and chain blocks have
   * their own `define` scope and accept the statements allowed anywhere (define, include...).
   */
  private block(item: (t: Token) => void, scoped = false, line?: () => boolean): void {
    this.expectPunct('{');
    if (scoped) this.s.scopes.push(new Map());
    for (;;) {
      // `line`: a statement taken without tokens (chainBlock's rules read directly), or false.
      if (line?.()) continue;
      this.skipSeps();
      const t = this.s.peek();
      if (t.kind === 'punct' && t.text === '}') {
        this.s.next();
        break;
      }
      if (t.kind === 'eof') syntax(t, "'}'");
      if (scoped && this.common()) continue;
      item(t);
    }
    if (scoped) this.s.scopes.pop();
  }

  private tableBlock(table: NTable): void {
    this.block((t) => {
      if (t.kind !== 'word') syntax(t);
      switch (t.text) {
        case 'chain': {
          const kw = this.s.next();
          const name = this.name('chain name');
          const chain = this.chain(table, name.text, tokPos(kw, name));
          if (this.isPunct(0, '{')) this.chainBlock(chain);
          break;
        }
        case 'set':
        case 'map': {
          const kw = this.s.next();
          const name = this.name(`${t.text} name`);
          this.setBlock(table, t.text, name.text, tokPos(kw, name));
          break;
        }
        case 'ct': {
          this.s.next();
          const kind = this.name('helper, timeout or expectation');
          const name = this.name('object name');
          this.ctObject(table, kind, name);
          break;
        }
        case 'flowtable': {
          const kw = this.s.next();
          const name = this.name('flowtable name');
          table.flowtables.set(name.text, tokPos(kw, name));
          this.braceTokens();
          break;
        }
        case 'counter':
        case 'quota':
        case 'limit':
        case 'secmark':
        case 'synproxy':
        case 'tunnel': {
          this.s.next();
          this.name('object name');
          this.braceTokens();
          break;
        }
        case 'flags': {
          this.s.next();
          const toks = this.statementTokens();
          for (const f of toks) if (f.kind === 'word') table.flags.push(f.text);
          break;
        }
        case 'comment':
          this.s.next();
          this.name('string');
          this.endOfStatement();
          break;
        default:
          syntax(t);
      }
    }, true);
  }

  private chainBlock(chain: NChain): void {
    // The block's rules, joined to the chain's at its end (rule-list.ts); nothing else adds to the chain meanwhile.
    const block = { list: new RuleChunks<ChainRule>(), base: chain.rules.length };
    this.block(
      (t) => {
        if (t.kind === 'word' && t.text === 'type' && this.isWord(1) && this.isWord(2, 'hook')) {
          this.baseSpec(chain);
          return;
        }
        if (
          t.kind === 'word' &&
          t.text === 'policy' &&
          (this.isWord(1, 'accept', 'drop') || this.s.peek(1).kind === 'word')
        ) {
          const kw = this.s.next();
          const v = this.name('accept or drop');
          if (v.text !== 'accept' && v.text !== 'drop')
            throw new ParseError(v.file, v.line, v.col, `syntax error, unexpected ${v.text}, expecting accept or drop`);
          if (!chain.base)
            throw new ParseError(
              kw.file,
              kw.line,
              kw.col,
              'policy on a chain without a hook (only base chains have a policy)',
            );
          chain.base.policy = { value: v.text, pos: tokPos(kw, v) };
          this.endOfStatement();
          return;
        }
        if (
          t.kind === 'word' &&
          (t.text === 'comment' || t.text === 'flags' || t.text === 'devices') &&
          !this.isWord(1, 'set')
        ) {
          if (t.text === 'comment' && this.s.peek(1).kind === 'string') {
            this.s.next();
            this.s.next();
            this.endOfStatement();
            return;
          }
          if (t.text !== 'comment') {
            this.statementTokens();
            return;
          }
        }
        this.append(chain, this.directRule(chain) ?? this.rule(this.statementTokens(), chain), block);
      },
      true,
      () => {
        const got = this.directLine(chain);
        if (got === undefined) return false;
        this.append(chain, got, block);
        return true;
      },
    );
    chain.rules = block.list.after(chain.rules);
  }

  private baseSpec(chain: NChain): void {
    const kw = this.s.next(); // type
    const type = this.name('filter, nat or route');
    this.s.next(); // hook
    const hook = this.name('hook');
    const devices: string[] = [];
    if (this.isWord(0, 'device')) {
      this.s.next();
      devices.push(this.name('device').text);
    } else if (this.isWord(0, 'devices')) {
      this.s.next();
      this.expectPunct('=');
      if (this.isPunct(0, '{')) {
        for (const d of this.braceTokens().tokens) if (d.kind === 'word' || d.kind === 'string') devices.push(d.text);
      } else devices.push(this.name('device').text);
    }
    const prioKw = this.s.next();
    if (prioKw.kind !== 'word' || prioKw.text !== 'priority') syntax(prioKw, "'priority'");
    const toks: Token[] = [];
    for (;;) {
      const t = this.s.peek();
      if (t.kind === 'nl' || t.kind === 'eof' || (t.kind === 'punct' && (t.text === ';' || t.text === '}'))) break;
      if (t.kind === 'word' && t.text === 'policy' && toks.length > 0) break;
      toks.push(this.s.next());
    }
    if (toks.length === 0) syntax(this.s.peek(), 'priority');
    const text = toks
      .map((x) => x.text)
      .join(' ')
      .replace(/ ?([+-]) ?/g, ' $1 ')
      .replace(/^ - /, '-')
      .trim();
    const value = priorityValue(text, chain.family, hook.text);
    if (value === undefined) {
      const first = must(toks[0], 'the priority');
      throw new ParseError(
        first.file,
        first.line,
        first.col,
        `'${text}' is not a valid priority for a ${chain.family} ${hook.text} chain`,
      );
    }
    const last = must(toks[toks.length - 1], 'the priority');
    const spec: BaseSpec = {
      type: type.text,
      hook: hook.text,
      priority: value,
      priorityText: text,
      devices,
      pos: tokPos(kw, last),
    };
    if (chain.base?.policy) spec.policy = chain.base.policy;
    chain.base = spec;
  }

  /** The last chain a rule was read in: its table and model name (rules come chain by chain). */
  private place: { chain: NChain; table: NTable; ref: string; labels: ChainLabels } | undefined;
  /** Where the model rules made while reading keep their numbers (one store for all chains). */
  private readonly rows = new RuleRows();

  /**
   * The table, model name (`inet fw forward`) and model rule labels of `chain`, for rules converted as
   * they are read.
   */
  private chainPlace(chain: NChain): { table: NTable; ref: string; labels: ChainLabels } | undefined {
    if (this.place?.chain === chain) return this.place;
    const table = this.tables.get(tableKey(chain.family, chain.table));
    if (!table) return undefined;
    // One labels per chain, however its rules come (NChain.labels), its model name made once.
    let labels = chain.labels;
    if (labels === undefined) {
      labels = new ChainLabels(chainRef(chain.family, chain.table, chain.name), this.doc.file, this.rows);
      chain.labels = labels;
    }
    this.place = { chain, table, ref: labels.ref, labels };
    return this.place;
  }

  /** `#` lines directly above `line` (no blank line between), in order. */
  private commentAbove(file: string, line: number): string | undefined {
    const lines = this.lexers.get(file)?.commentLines;
    const next = lines?.get(line - 1);
    // Most rules have none: no list for them.
    if (lines === undefined || next === undefined) return undefined;
    const out: string[] = [];
    for (let c = lines.get(line - 1), l = line - 1; c !== undefined; c = lines.get(--l)) out.unshift(c);
    return out.length ? out.join('\n') : undefined;
  }

  /** An anonymous chain (`jump { … }`) of `chain`'s table: named `__chainN` as nft names bound chains. */
  private anonChain(chain: NChain, rules: Token[][], open: Token): string {
    if (this.anonDepth >= MAX_NESTING)
      throw new ParseError(
        open.file,
        open.line,
        open.col,
        `anonymous chains nested deeper than ${String(MAX_NESTING)} levels`,
      );
    const table = this.table(chain.family, chain.table, chain.pos);
    let name = `__chain${String(this.anonChains++)}`;
    while (table.chains.has(name)) name = `__chain${String(this.anonChains++)}`;
    const anon = this.chain(table, name, tokPos(open));
    this.anonDepth++;
    try {
      for (const r of rules) this.append(anon, this.rule(r, anon));
    } finally {
      this.anonDepth--;
    }
    return name;
  }

  /**
   * Appends `rule` to `chain`, and gives the chain's runs (read-facts.ts) the interface facts of a rule
   * kept as its model rule alone (directRule's last, `kept`).
   */
  private append(
    chain: NChain,
    got: ChainRule | readonly EntryRule[],
    block?: { list: RuleChunks<ChainRule>; base: number },
  ): void {
    const group = Array.isArray(got) ? (got as readonly EntryRule[]) : undefined;
    const first = group ? group[0] : (got as ChainRule);
    const at = block ? block.base + block.list.length : chain.rules.length;
    if (group) for (const r of group) (block ? block.list : chain.rules).push(r);
    else if (first !== undefined) (block ? block.list : chain.rules).push(first);
    if (first !== undefined && first === this.kept) this.runs.appended(chain, at, first, this.keptFacts);
    else this.runs.appended(chain, at);
  }

  /** The interface facts of the chains' rules the runs take (read-facts.ts). */
  private readonly runs = new ReadRuns();
  /**
   * directRule's last rule whose interface facts go to the chain's runs (a model rule kept alone: prepare.ts
   * convertRead, or a verdict map's read rule), and its facts.
   */
  private kept: RunRule | undefined = undefined;
  private keptFacts: RunFacts | undefined = undefined;

  /**
   * The rule at the token looked at, read straight from the source and converted (text-direct.ts),
   * when it has one of the common forms and nothing of it depends on the rest of the file; otherwise
   * undefined, with nothing consumed, and the generic path reads it. A verdict map's model rules, one
   * per alternative, when the chain keeps them themselves (prepare.ts readAlts).
   */
  private directRule(chain: NChain, at?: Token): ChainRule | readonly EntryRule[] | undefined {
    if (!this.prep?.direct) return undefined;
    const raw = this.s.rawPeek();
    if (raw?.tok.kind !== 'word') return undefined;
    const { lexer, tok } = raw;
    // directLine tried this rule already: the generic path reads it.
    if (lexer === this.lineTried && lexer.lastStart === this.lineTriedAt) return undefined;
    return this.directRuleAt(chain, lexer, lexer.lastStart, tok.line, tok.col, at);
  }

  /** The rule directLine tried last and left to the tokens: its lexer and where it starts. */
  private lineTried: Lexer | undefined = undefined;
  private lineTriedAt = -1;

  /**
   * A chain block's next rule read as directRule reads it, without a token (chainBlock): when nothing is
   * buffered, the lexer is taken past blanks and line breaks (what skipSeps would take as tokens), and a
   * rule that starts with a word text-direct.ts startsDirectRule takes is read from there. Undefined when
   * it is not (nothing but those blanks consumed): the block goes on with tokens. Most rules of a large
   * chain come this way, without the line break's token and the first word's (about 170 bytes a rule).
   */
  private directLine(chain: NChain): ChainRule | readonly EntryRule[] | undefined {
    if (!this.prep?.direct) return undefined;
    const lexer = this.s.idleLexer();
    if (lexer === undefined) return undefined;
    const start = lexer.skipBlankLines();
    if (!startsDirectRule(lexer.source, start)) return undefined;
    const got = this.directRuleAt(chain, lexer, start, lexer.lineNo, start - lexer.lineOffset + 1, undefined);
    if (got === undefined) {
      this.lineTried = lexer;
      this.lineTriedAt = start;
    }
    return got;
  }

  /** directRule of the rule whose first word is at `start` (line `line`, column `col`) of `lexer`'s source. */
  private directRuleAt(
    chain: NChain,
    lexer: Lexer,
    start: number,
    line: number,
    col: number,
    at: Token | undefined,
  ): ChainRule | readonly EntryRule[] | undefined {
    const p = this.prep;
    const where = this.chainPlace(chain);
    if (!p || !where) return undefined;
    const file = lexer.file;
    // Every field the reader and the preparer set, in the object: no out-of-object property list per rule.
    // The last rule read when nothing kept it (most rules: their model rule is kept instead), else a new one.
    const rule = this.spare?.reuse(file, line, col) ?? new ReadRule(file, line, col);
    this.spare = undefined;
    const d = this.direct.read(lexer.source, start, line, lexer.lineOffset, this.lookup, rule);
    if (!d) {
      this.spare = rule;
      return undefined;
    }
    const above = this.commentAbove(file, line);
    if (above !== undefined) rule.remark = above;
    // `add rule …`: the rule is where its command begins (set before the model rule is made from it).
    if (at !== undefined) rule.pos = { ...rule.pos, line: at.line, column: at.col };
    const direct = d.direct;
    if (direct) {
      // The read rule, its converted form and its model rule (entry-rule.ts ReadEntry).
      const one = p.convertRead(
        rule,
        where.labels,
        d.text,
        d.unquoted,
        direct.flat,
        direct.match,
        direct.facts,
        d.from,
        d.to,
      );
      if (one instanceof EntryRule) {
        this.kept = one;
        this.keptFacts = direct.facts;
      }
      // Neither the model rule nor its record (ReadEntry: the rule's rare parts) keeps the read rule.
      this.spare = rule;
      this.s.skipTo(lexer, d.end);
      return one;
    }
    if (d.alts) {
      // Alternatives that translate nothing (every one the direct reader reads): their model rules made
      // now, their facts given to the runs.
      const alts = d.alts;
      if (alts.length > 0 && alts.every((a) => a.flat.nat === undefined && a.facts.dnatHost === undefined)) {
        const many = p.readAlts(rule, where.labels, d.text, d.unquoted, alts, d.from, d.to);
        this.kept = many instanceof ReadEntries ? many : many[0];
        this.keptFacts = alts;
        // As for convertRead: the model rules and their record (ReadEntries) keep the rule's rare parts alone.
        this.spare = rule;
        this.s.skipTo(lexer, d.end);
        return many;
      }
      p.convertDirectAlts(rule, where.ref, d.text, d.unquoted, alts, d.from, d.to);
    } else if (
      !p.convert(rule, where.table, where.ref, d.to < 0 ? d.text : d.text.slice(d.from, d.to), d.flats, d.unquoted)
    )
      return undefined;
    this.s.skipTo(lexer, d.end);
    return rule;
  }

  /** directRule's last read rule, once nothing keeps it: the next one read (ReadRule.reuse). */
  private spare: ReadRule | undefined = undefined;

  /** `$name` for the direct reader. */
  private readonly lookup = (name: string): Token[] | undefined => this.s.lookup(name);

  private rule(toks: Token[], chain: NChain): NRule {
    // No token: the statement starts with something that ends none (never a rule to read).
    const first = toks[0] ?? syntax(this.s.peek());
    const last = must(toks[toks.length - 1], 'the last token of a rule');
    const pos = tokPos(first, last);
    const end: Token = {
      kind: 'eof',
      text: '',
      file: last.file,
      line: last.endLine,
      col: last.endCol,
      endLine: last.endLine,
      endCol: last.endCol,
    };
    const p = new RuleParser(toks, end, (rules, open) => this.anonChain(chain, rules, open));
    try {
      const stmts = p.statements();
      const rule: NRule = { pos, stmts, spans: p.spans };
      if (p.comment !== undefined) rule.comment = p.comment;
      const above = this.commentAbove(first.file, first.line);
      if (above !== undefined) rule.remark = above;
      if (this.prep) {
        const where = this.chainPlace(chain);
        if (where) this.prep.prepare(rule, where.table, where.ref, namesSet(toks));
      }
      return rule;
    } catch (e) {
      if (!(e instanceof Unreadable)) throw e;
      const cmt = toks.findIndex((t) => t.kind === 'word' && t.text === 'comment');
      const rule: NRule = {
        pos,
        stmts: [],
        unreadable: {
          pos: tokPos(e.tok, last),
          what: `rule "${toks
            .map((t) =>
              t.kind === 'string'
                ? `"${t.text}"`
                : t.kind === 'var'
                  ? `$${t.text}`
                  : t.kind === 'ref'
                    ? `@${t.text}`
                    : t.text,
            )
            .join(' ')
            .slice(0, 80)}"`,
          why: `${e.message}; the rule is not evaluated`,
        },
      };
      const text = toks[cmt + 1];
      if (cmt >= 0 && text?.kind === 'string') rule.comment = text.text;
      return rule;
    }
  }

  // ------------------------------------------------------------------ sets and objects

  private setBlock(table: NTable, kind: string, name: string, pos: Pos): NSet {
    let set = table.sets.get(name);
    if (!set) {
      set = { name, kind: kind as NSet['kind'], pos, keyType: '', flags: [], elements: [], dynamic: false };
      table.sets.set(name, set);
    }
    if (!this.isPunct(0, '{')) return set;
    this.block((t) => {
      if (t.kind !== 'word') syntax(t);
      if (t.text === 'elements') {
        this.s.next();
        this.expectPunct('=');
        this.elements(set);
        return;
      }
      this.s.next();
      const toks = this.statementTokens();
      switch (t.text) {
        case 'type':
        case 'typeof': {
          const colon = toks.findIndex((x) => x.kind === 'punct' && x.text === ':');
          const key = (colon >= 0 ? toks.slice(0, colon) : toks).map((x) => x.text).join(' ');
          set.keyType = t.text === 'typeof' ? `typeof ${key}` : key;
          if (colon >= 0)
            set.dataType = toks
              .slice(colon + 1)
              .map((x) => x.text)
              .join(' ');
          break;
        }
        case 'flags':
          for (const f of toks) if (f.kind === 'word') set.flags.push(f.text);
          if (set.flags.includes('dynamic')) set.dynamic = true;
          break;
        case 'timeout':
          set.dynamic = true;
          break;
        default:
        // size, policy, gc-interval, comment, counter, auto-merge: no effect on matching
      }
    });
    return set;
  }

  private elements(set: NSet): void {
    // Lists of single values (large blocklists) straight from the source (text-direct.ts).
    const lexer = this.prep?.direct ? this.s.idleLexer() : undefined;
    const direct = lexer && this.direct.readElements(lexer.source, lexer.offset, lexer.lineNo, lexer.lineOffset);
    if (lexer && direct) {
      lexer.resumeAt(direct.end, direct.line, direct.lineStart);
      // The list read is the set's own (a copy at its size): taken as it is by a set without elements.
      addElements(set, direct.elements, direct.words);
      return;
    }
    const { tokens, open, close } = this.braceTokens();
    let value: Expr;
    try {
      value = parseValueTokens([open, ...tokens, close], close);
    } catch (e) {
      if (!(e instanceof Unreadable)) throw e;
      // e.g. `$PHONES` from an include that could not be read: the set's content is unknown.
      set.dynamic = true;
      this.unsupported(
        tokPos(e.tok),
        `elements of ${set.kind} ${set.name}`,
        `${e.message}; the ${set.kind}'s elements are unknown, so rules that use it are not evaluated exactly`,
      );
      return;
    }
    const elems =
      typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray(value.set)
        ? value.set
        : [value];
    shapeWords(set);
    set.elements.push(...elems);
  }

  private ctObject(table: NTable, kind: Token, name: Token): void {
    const pos = tokPos(kind, name);
    if (kind.text !== 'helper' && kind.text !== 'timeout' && kind.text !== 'expectation')
      syntax(kind, 'helper, timeout or expectation');
    if (!this.isPunct(0, '{')) syntax(this.s.peek(), "'{'");
    if (kind.text === 'expectation') {
      this.braceTokens();
      return;
    }
    const helper = { name: name.text, helperType: '', pos } as {
      name: string;
      helperType: string;
      protocol?: string;
      l3proto?: string;
      pos: Pos;
    };
    const timeout: CtTimeout = { name: name.text, policy: new Map(), pos };
    this.block((t) => {
      if (t.kind !== 'word') syntax(t);
      if (kind.text === 'timeout' && t.text === 'policy') {
        const kw = this.s.next();
        this.expectPunct('=');
        const { tokens, close } = this.braceTokens();
        timeout.policyPos = tokPos(kw, close);
        for (let i = 0; i < tokens.length; i++) {
          const st = must(tokens[i], 'a token');
          if (st.kind === 'punct' && st.text === ',') continue;
          const colon = tokens[i + 1];
          const val = tokens[i + 2];
          if (st.kind !== 'word' || colon?.text !== ':' || !val) syntax(colon ?? close, "'state : value'");
          const seconds = parseDuration(val.text);
          if (seconds === undefined)
            throw new ParseError(
              val.file,
              val.line,
              val.col,
              `syntax error, unexpected ${val.text}, expecting a timeout value`,
            );
          timeout.policy.set(st.text, { seconds, pos: tokPos(st, val) });
          i += 2;
        }
        return;
      }
      this.s.next();
      const toks = this.statementTokens();
      const words = [t, ...toks];
      for (const [i, word] of words.entries()) {
        const w = word.text;
        const v = words[i + 1];
        if (w === 'type' && v) helper.helperType = v.text;
        if (w === 'protocol' && v) helper.protocol = timeout.protocol = v.text;
        if (w === 'l3proto' && v) helper.l3proto = timeout.l3proto = v.text;
      }
    });
    if (kind.text === 'helper') table.helpers.set(name.text, helper);
    else table.timeouts.set(name.text, timeout);
  }

  // ------------------------------------------------------------------ commands

  /** `[family] table` for commands. */
  private tableRef(): NTable {
    const first = this.s.peek();
    const family = this.family() ?? 'ip';
    const name = this.name('table name');
    return this.table(family, name.text, tokPos(first, name));
  }

  private command(): void {
    const verb = this.s.next();
    const what = this.s.peek();
    if (what.kind !== 'word') syntax(what);
    switch (what.text) {
      case 'table':
        this.tableStatement(true);
        return;
      case 'chain': {
        this.s.next();
        const table = this.tableRef();
        const name = this.name('chain name');
        const chain = this.chain(table, name.text, tokPos(verb, name));
        if (this.isPunct(0, '{')) this.chainBlock(chain);
        return;
      }
      case 'rule': {
        this.s.next();
        const table = this.tableRef();
        const name = this.name('chain name');
        const chain = this.chain(table, name.text, tokPos(verb, name));
        if (this.isWord(0, 'position', 'handle', 'index')) {
          const kw = this.s.next();
          this.s.next();
          this.doc.notes.push(
            `line ${String(kw.line)}: \`${verb.text} rule … ${kw.text} N\` places the rule by a handle known only ` +
              `to the running ruleset; fwlint puts it at the ${verb.text === 'insert' ? 'start' : 'end'} of the chain`,
          );
        }
        const direct = this.directRule(chain, verb);
        const toks = direct ? undefined : this.statementTokens();
        if (toks?.length === 0) syntax(this.s.last, 'a rule');
        let rule: ChainRule;
        // A rule placed by its command keeps its position in one record (prepare.ts readAlts): never a group.
        if (Array.isArray(direct)) throw new Error('nftables: an `add rule` read as model rules alone');
        if (direct) rule = direct as ChainRule;
        else {
          const read = this.rule(toks ?? [], chain);
          read.pos = { ...read.pos, line: verb.line, column: verb.col };
          rule = read;
        }
        if (verb.text === 'insert') {
          chain.rules.unshift(rule);
          if (rule === this.kept) this.runs.inserted(chain, rule, this.keptFacts);
          else this.runs.inserted(chain);
        } else this.append(chain, rule);
        return;
      }
      case 'set':
      case 'map': {
        this.s.next();
        const table = this.tableRef();
        const name = this.name(`${what.text} name`);
        this.setBlock(table, what.text, name.text, tokPos(verb, name));
        return;
      }
      case 'element': {
        this.s.next();
        const table = this.tableRef();
        const name = this.name('set name');
        const set = table.sets.get(name.text) ?? this.setBlock(table, 'set', name.text, tokPos(verb, name));
        this.elements(set);
        return;
      }
      case 'ct': {
        this.s.next();
        const kind = this.name('helper, timeout or expectation');
        const table = this.tableRef();
        const name = this.name('object name');
        this.ctObject(table, kind, name);
        return;
      }
      case 'flowtable':
      case 'counter':
      case 'quota':
      case 'limit':
      case 'secmark':
      case 'synproxy': {
        this.s.next();
        const table = this.tableRef();
        const name = this.name('object name');
        if (what.text === 'flowtable') table.flowtables.set(name.text, tokPos(verb, name));
        if (this.isPunct(0, '{')) this.braceTokens();
        return;
      }
      default:
        syntax(what);
    }
  }

  /** `delete|destroy table …` / `… chain …`: the idiom that makes a file reloadable. */
  private deleteObject(): void {
    this.s.next();
    const what = this.s.next().text;
    const family = this.family() ?? 'ip';
    const name = this.name('table name');
    const key = tableKey(family, name.text);
    if (what === 'table') this.tables.delete(key);
    else {
      const chain = this.name('chain name');
      this.tables.get(key)?.chains.delete(chain.text);
    }
    this.endOfStatement();
  }

  private flush(): void {
    const kw = this.s.next();
    const what = this.name('ruleset, table, chain, set or map');
    switch (what.text) {
      case 'ruleset': {
        const fam =
          this.family() ??
          (this.isWord(0) && (FAMILIES as readonly string[]).includes(this.s.peek().text)
            ? (this.s.next().text as Family)
            : undefined);
        for (const [k, t] of this.tables) if (!fam || t.family === fam) this.tables.delete(k);
        break;
      }
      case 'table': {
        const t = this.tableRef();
        for (const c of t.chains.values()) {
          c.rules = [];
          this.runs.flushed(c);
        }
        break;
      }
      case 'chain': {
        const t = this.tableRef();
        const name = this.name('chain name');
        const c = t.chains.get(name.text);
        if (c) {
          c.rules = [];
          this.runs.flushed(c);
        }
        break;
      }
      case 'set':
      case 'map': {
        const t = this.tableRef();
        const name = this.name('set name');
        const set = t.sets.get(name.text);
        if (set) set.elements = [];
        break;
      }
      default:
        this.statementTokens();
        this.unsupported(tokPos(kw, what), `flush ${what.text}`, `\`flush ${what.text}\` is not modeled`);
        return;
    }
    this.endOfStatement();
  }
}

/**
 * The document of a text ruleset. With `prep`, rules that depend on nothing else in the file arrive
 * converted (NRule.pre) and without their statements: for buildPolicy, not for readers of the statements.
 */
export function readText(text: string, file: string, options: ParseOptions = {}, prep?: Preparer): NDocument {
  try {
    return new TextReader(text, file, options, prep).read();
  } catch (e) {
    // Valid syntax fwlint cannot interpret is caught where it is met; should one escape, it is still
    // a one-line error at its place, never an internal error.
    if (e instanceof Unreadable) throw new ParseError(e.tok.file, e.tok.line, e.tok.col, e.message);
    throw e;
  }
}
