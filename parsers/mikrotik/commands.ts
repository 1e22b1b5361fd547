import type { Ctx, Span } from './context.js';
import { keyName, readArgs, readArgsAt, readPlainView, readPropsView, skipBlanks, type Args } from './args.js';
import {
  splitParam,
  statementAt,
  statementsAt,
  unquote,
  type Statement,
  type StatementCursor,
  type Word,
} from './lexer.js';
import { Item, Menu, Prop, Props, Store, type EntryReader } from './store.js';

/**
 * Runs the statements of an export against a store of menus, the way RouterOS would import them:
 * section lines set the current menu path (`/ip firewall filter`, v7 also `/ip/firewall/filter`),
 * terse lines carry their own path (`/ip firewall nat add …`), and `add`/`set`/`remove`/`enable`/
 * `disable`/`unset`/`move` change the entries (docs/semantics.md#ros-syntax). Stray text, script
 * statements and `/import` are reported where they could change a verdict.
 */

/** First path segments RouterOS has (used to recognise commands and the format). */
export const TOP_MENUS = new Set([
  'ip',
  'ipv6',
  'interface',
  'system',
  'tool',
  'routing',
  'ppp',
  'queue',
  'user',
  'snmp',
  'certificate',
  'caps-man',
  'capsman',
  'disk',
  'iot',
  'port',
  'radius',
  'lcd',
  'mpls',
  'special-login',
  'file',
  'log',
  'container',
  'dude',
  'partitions',
  'zerotier',
  'console',
  'environment',
  'task',
  'user-manager',
  'openflow',
  'app',
  'import',
  'export',
  'lora',
  'beep',
  'delay',
  'quit',
  'redo',
  'undo',
  'setup',
  'password',
  'ping',
  'put',
  'execute',
  'terminal',
  'blink',
]);

/** Verbs that change entries. */
const EFFECT_VERBS = new Set([
  'add',
  'set',
  'remove',
  'enable',
  'disable',
  'unset',
  'move',
  'comment',
  'edit',
  'reset',
]);
/** Verbs that only read or act at run time. */
const NOOP_VERBS = new Set([
  'print',
  'export',
  'find',
  'get',
  'monitor',
  'reset-counters',
  'reset-counters-all',
  'make-static',
  'run',
  'sign',
  'flush',
  'release',
  'renew',
  'send',
  'fetch',
  'check-for-updates',
  'download',
  'install',
  'cancel',
  'monitor-traffic',
]);

const IDENT = /^[a-z0-9][a-z0-9.\-_]*$/i;

/** Menus whose changes can alter a verdict: unknown commands there are FWL900. */
export function isFirewallMenu(path: string): boolean {
  return /^(ip|ipv6) firewall\b/.test(path);
}

export interface Executed {
  store: Store;
  /** The file uses v7 slash paths (`/ip/firewall/filter`). */
  slashPaths: boolean;
  /** Statements that were RouterOS menu commands or section lines (not stray text). */
  commandCount: number;
  /** Statements with a known first menu (`/ip …`, `/interface …`): evidence the file is RouterOS. */
  knownMenuCount: number;
  /** The first statement that was not a RouterOS command, for wrong-vendor errors. */
  firstStray?: Statement;
  /** The first statement of any kind. */
  first?: Statement;
}

/**
 * Runs statements one at a time (as the lexer reads them); `result` holds the store so far. `fast` is
 * the lexer's hook for the usual line (plainAddLine): it runs that statement without the lexer.
 */
export function executor(ctx: Ctx): {
  run: (cur: StatementCursor) => void;
  fast: (at: number) => number;
  result: Executed;
} {
  const store = new Store();
  let current: Menu | undefined;
  const out: Executed = { store, slashPaths: false, commandCount: 0, knownMenuCount: 0 };
  /** Braces still open in a multi-line `{ … }` block (a script `source={`) already reported once. */
  let block = 0;
  const paths = new PathReader();
  const at = statementsAt(ctx.text);
  const entries: EntryReader = {
    read: (start, argsFrom) => readArgsAt(at(start), argsFrom).props,
    view: (start, argsFrom, unbroken, argsAt) =>
      (unbroken ? readPlainView(ctx.text, start, argsFrom, argsAt) : undefined) ?? readPropsView(at(start), argsFrom),
  };
  const run = (st: StatementCursor): void => {
    out.first ??= st.toStatement();
    if (block > 0) {
      // Inside the block: script lines, indented lines and the closing brace belong to it; a
      // command at the start of a line ends it (so a real damaged line never hides what follows).
      const text = ctx.text.slice(st.start, st.end);
      if (st.script || indented(ctx.text, st.start) || /^[}\])]/.test(text)) {
        block = Math.max(0, block + braceDelta(text));
        return;
      }
      block = 0;
    }
    if (st.damaged === 'unbalanced "{"') {
      ctx.unsupportedAt(
        st,
        'script block',
        'a { … } block spanning lines (a script source, or a hand-edited export): RouterOS script code runs ' +
          'when the file is imported and can change firewall configuration; fwlint does not execute scripts',
        'script block',
      );
      block = Math.max(1, braceDelta(ctx.text.slice(st.start, st.end)));
      out.firstStray ??= st.toStatement();
      return;
    }
    if (st.damaged) {
      ctx.unsupportedAt(
        st,
        'damaged command',
        `${st.damaged}: RouterOS would refuse this line, so whatever it was meant to do is not applied and is not evaluated`,
        'damaged command',
      );
      out.firstStray ??= st.toStatement();
      return;
    }
    if (st.script) {
      script(ctx, st);
      return;
    }
    if (st.text.charCodeAt(st.start) === 47 /* / */) {
      const parsed = paths.read(st);
      if (!parsed) {
        stray(ctx, st);
        out.firstStray ??= st.toStatement();
        return;
      }
      out.commandCount++;
      if (parsed.slash) out.slashPaths = true;
      if (parsed.known) out.knownMenuCount++;
      if (parsed.path[0] === 'import') {
        ctx.unsupportedAt(
          st,
          '/import',
          'imports another script: its commands are not in this file and are not evaluated',
          '/import',
        );
        return;
      }
      const menu = (parsed.menu ??= store.menu(parsed.pathText));
      menu.anchor ??= { start: st.start, end: st.wordEnd(parsed.pathWords - 1) };
      if (parsed.verb === undefined) {
        if (parsed.argsFrom < st.count) {
          ctx.unsupportedAt(
            st,
            `/${parsed.pathText} ${st.raw(parsed.argsFrom).split('=')[0] ?? ''}`,
            'not a RouterOS command (a menu path followed by values but no command such as add or set); it is ignored',
            'malformed command',
          );
          return;
        }
        current = menu;
        return;
      }
      command(ctx, menu, parsed.verb, parsed.verbIndex, st, parsed.argsFrom, entries);
      return;
    }
    const verb = isAdd(st) ? 'add' : st.raw(0).toLowerCase();
    if (EFFECT_VERBS.has(verb) || NOOP_VERBS.has(verb)) {
      if (!current) {
        ctx.unsupportedAt(
          st,
          `${verb} outside a menu`,
          'a command before any menu path (/ip …): RouterOS cannot tell which menu it belongs to; it is ignored',
          'command outside a menu',
        );
        out.firstStray ??= st.toStatement();
        return;
      }
      out.commandCount++;
      command(ctx, current, verb, 0, st, 1, entries);
      return;
    }
    stray(ctx, st);
    out.firstStray ??= st.toStatement();
  };
  /** The last menu fast found among DEFERRED_MENUS (a large export adds to one menu line after line). */
  let deferring: Menu | undefined;
  const fast = (at: number): number => {
    // Only where run would do nothing but count the command and defer the entry: after the first
    // statement (out.first), outside a script block, in a menu that has its anchor already.
    if (block > 0 || out.first === undefined) return -1;
    const text = ctx.text;
    let menu: Menu | undefined;
    let from: number;
    let argsFrom: number;
    let parsed: ParsedPath | undefined;
    if (text.charCodeAt(at) === 47 /* / */) {
      // A terse line with the last path (PathReader.same): that path's menu and first argument.
      parsed = paths.lastAt(text, at);
      if (parsed === undefined) return -1;
      // Compared only when there is a path: a comparison that has only met strings is compiled for
      // strings, and the first undefined (`parsed?.verb`) would throw that code away.
      if (parsed.verb !== 'add') return -1;
      menu = parsed.menu;
      from = at + paths.lastLength;
      argsFrom = parsed.argsFrom;
    } else {
      if (current === undefined || !text.startsWith('add', at)) return -1;
      menu = current;
      from = at + 3;
      argsFrom = 1;
    }
    if (menu?.anchor === undefined) return -1;
    if (menu !== deferring) {
      if (!DEFERRED_MENUS.has(menu.path)) return -1;
      deferring = menu;
    }
    const end = plainAddLine(text, from);
    if (end < 0) return -1;
    out.commandCount++;
    if (parsed?.slash) out.slashPaths = true;
    if (parsed?.known) out.knownMenuCount++;
    // As command() defers it: no word broken, read again from its first argument, disabled as plainAdd says.
    menu.addDeferred(at, end, entries, argsFrom, takenDisabled, true, skipBlanks(text, from));
    return end;
  };
  return { run, fast, result: out };
}

/**
 * The arguments of the usual line of a large export, from `from` (right after its `add`) to the end of
 * its line: one or more `name=value` words, each after blanks or after blanks and a line continuation
 * (`\` + newline), its name lowercase (plainWord's NAME_CHAR), its value a run of characters that
 * quote, escape or bracket nothing or one quoted string without escapes or line ends, optionally on
 * the next line after `name=\` (a break commands.ts unbroken allows); no copy-from or place-before
 * word, and an action that plainWord takes (not add-…, no `!`, quote or backslash); `refused`, the
 * words it refuses besides (the disabled words it does not take). For such a line the lexer, plainAdd and unbroken
 * say: one statement ending after its last word, plain, unbroken. Sticky: it matches at lastIndex or
 * not at all.
 */
function plainArgs(refused: string): RegExp {
  return new RegExp(
    [
      '(?:',
      // Blanks, perhaps with a continuation after them (a continuation with no blank before it breaks a word).
      String.raw`[ \t]+(?:\\[ \t]*\r?\n[ \t]*)?`,
      // Not a word plainWord refuses (copy-from, place-before, an action it does not take), nor `refused`.
      String.raw`(?!(?:copy-from|place-before)=|${refused}|action=(?:add-|\S*["!\\]))`,
      // `name=`, perhaps followed by a break before the value.
      String.raw`[a-z0-9._-]+=(?:\\[ \t]*\r?\n[ \t]*(?=\S))?`,
      // A quoted string without escapes, or characters that quote, escape or bracket nothing (PLAIN).
      String.raw`(?:"[^"\\\r\n]*"|[!#-'*-Z^-z|~\u0080-\uffff]*)`,
      ')+',
      // The last word ends the line (blanks aside).
      String.raw`(?=[ \t]*(?:\r?\n|$))`,
    ].join(''),
    'y',
  );
}

/** Plain arguments of an enabled entry (no disabled word: nearly every line of a large export). */
const PLAIN_ARGS = plainArgs('disabled=');
/** Plain arguments with `disabled=yes`, `=true`, `=no` or `=false` words (the value right after the `=`). */
const PLAIN_ARGS_DISABLED = plainArgs(String.raw`disabled=(?!(?:yes|true|no|false)(?=[ \t]|\r?\n|$))`);

/** Set by plainAddLine: the line it took is of a disabled entry (plainAdd's DISABLED). */
let takenDisabled = false;

/**
 * Where the last word of a plain `add` line ends when its arguments, from `from` on, are what
 * PLAIN_ARGS or PLAIN_ARGS_DISABLED takes (one regular expression over the line: the lexer's and
 * plainAdd's scans in JavaScript cost several times as much per character), with takenDisabled set;
 * -1 for any other line.
 */
function plainAddLine(text: string, from: number): number {
  takenDisabled = false;
  const end = sticky(PLAIN_ARGS, text, from);
  if (end >= 0) return end;
  // The two take the same lines but for disabled words: a line only the second takes has one.
  const withDisabled = sticky(PLAIN_ARGS_DISABLED, text, from);
  if (withDisabled >= 0) takenDisabled = lastDisabled(text, from, withDisabled);
  return withDisabled;
}

/** Where the sticky expression's match at `from` ends, or -1. */
function sticky(re: RegExp, text: string, from: number): number {
  re.lastIndex = from;
  try {
    return re.test(text) ? re.lastIndex : -1;
  } catch (e) {
    // A line of a million words or more overflows the expression's backtracking stack: the lexer reads it.
    if (e instanceof RangeError) return -1;
    throw e;
  }
}

/**
 * `disabled=yes` or `=true` words and `=no` or `=false` words of the arguments of a line PLAIN_ARGS_DISABLED
 * took: a quoted value is passed over whole (its text may say anything), and a word starts after a
 * blank or a newline.
 */
const DISABLED_WORD = /"[^"]*"|(?<=[ \t\n])disabled=(yes|true|no|false)(?=[ \t]|\r?\n|$)/g;

/** Whether the last disabled word of `text[from, end)`, arguments PLAIN_ARGS_DISABLED took, says disabled (plainAdd). */
function lastDisabled(text: string, from: number, end: number): boolean {
  let disabled = false;
  for (const m of text.slice(from, end).matchAll(DISABLED_WORD)) {
    const v = m[1];
    if (v !== undefined) disabled = v === 'yes' || v === 'true';
  }
  return disabled;
}

/** The first word is `add` as written (most lines of an export): no string made for it. */
function isAdd(st: StatementCursor): boolean {
  const s = st.wordStart(0);
  return st.wordEnd(0) - s === 3 && st.joined(0) === undefined && st.text.startsWith('add', s);
}

interface ParsedPath {
  path: string[];
  /** `path` joined with spaces: the store's key of the menu. */
  pathText: string;
  /** The first segment is a RouterOS menu. */
  known: boolean;
  /** How many words the path took. */
  pathWords: number;
  verb?: string;
  /** The word holding the verb (the path word itself for `/ip/firewall/filter/add`). */
  verbIndex: number;
  /** The first argument word. */
  argsFrom: number;
  slash: boolean;
  /** The store's menu, once looked up. */
  menu?: Menu;
}

/**
 * Reads menu paths; terse exports repeat the same path on every line (`/ip firewall filter add …`),
 * so the last one is remembered with its text and reused when the next statement starts the same way.
 */
class PathReader {
  private last: ParsedPath | undefined;
  /** The text of the last path up to its verb, or up to its last path word. */
  private lastText = '';

  read(st: StatementCursor): ParsedPath | undefined {
    const last = this.last;
    if (last && this.same(st, last)) return last;
    const parsed = parsePath(st.words());
    if (!parsed) return undefined;
    const used = Math.max(parsed.pathWords, parsed.verbIndex + 1);
    // Only a path without continuations inside it can be recognised by its text.
    let plain = true;
    for (let k = 0; k < used; k++) if (st.joined(k) !== undefined) plain = false;
    // Kept when a known verb ends it: what the path means then does not depend on the words after it.
    const verb = parsed.verb;
    const known = verb !== undefined && (EFFECT_VERBS.has(verb) || NOOP_VERBS.has(verb));
    if (plain && known && parsed.argsFrom === used) {
      this.last = parsed;
      this.lastText = st.text.slice(st.start, st.wordEnd(used - 1));
    } else this.last = undefined;
    return parsed;
  }

  /** Length of the last path's text (lastAt). */
  get lastLength(): number {
    return this.lastText.length;
  }

  /**
   * The last path, when the text at `at` starts with it and a blank follows (the words `same` would
   * find there, none broken: a continuation right after the path would join its last word with the next).
   */
  lastAt(text: string, at: number): ParsedPath | undefined {
    const last = this.last;
    if (last === undefined || !text.startsWith(this.lastText, at)) return undefined;
    const c = text.charCodeAt(at + this.lastText.length);
    return c === 32 || c === 9 ? last : undefined;
  }

  /** The statement starts with the last path's words, word for word. */
  private same(st: StatementCursor, last: ParsedPath): boolean {
    const used = last.argsFrom;
    const prefix = this.lastText;
    // The same characters up to the end of the same word: the reader split them the same way.
    if (st.count < used || st.wordEnd(used - 1) !== st.start + prefix.length) return false;
    if (!st.text.startsWith(prefix, st.start)) return false;
    for (let k = 0; k < used; k++) if (st.joined(k) !== undefined) return false;
    return true;
  }
}

/** `/ip firewall filter add …`, `/ip/firewall/filter`, `/ip/firewall/filter/add …`. */
function parsePath(words: readonly Word[]): ParsedPath | undefined {
  const head = words[0]?.raw ?? '';
  const segs = head.split('/').filter((s) => s !== '');
  if (!segs.every((s) => IDENT.test(s))) return undefined;
  const slash = segs.length > 1;
  const path: string[] = [];
  let verb: string | undefined;
  for (const s of segs) {
    const l = s.toLowerCase();
    if (verb === undefined && path.length > 0 && (EFFECT_VERBS.has(l) || NOOP_VERBS.has(l))) verb = l;
    else if (verb !== undefined) return undefined;
    else path.push(l);
  }
  let k = 1;
  let verbIndex = verb ? 0 : -1;
  if (!verb) {
    for (; k < words.length; k++) {
      const w = words[k]?.raw ?? '';
      if (!IDENT.test(w)) break;
      const l = w.toLowerCase();
      if (EFFECT_VERBS.has(l) || NOOP_VERBS.has(l)) {
        verb = l;
        verbIndex = k;
        k++;
        break;
      }
      path.push(l);
    }
    // `/menu unknown-verb [find …] k=v`: the last identifier before the values is a command we do not know.
    const unknownVerb = !verb && k < words.length && path.length > 1 && k > 1 ? path.pop() : undefined;
    if (unknownVerb !== undefined) {
      verb = unknownVerb;
      verbIndex = k - 1;
    }
  }
  const pathWords = verbIndex === 0 ? 1 : Math.max(1, verbIndex >= 0 ? verbIndex : k);
  return {
    path,
    pathText: path.join(' '),
    known: TOP_MENUS.has(path[0] ?? ''),
    pathWords,
    verb,
    verbIndex,
    argsFrom: k,
    slash,
  };
}

/** Whether the statement starts after spaces or tabs on its line. */
function indented(text: string, start: number): boolean {
  const c = text.charCodeAt(start - 1);
  return c === 32 || c === 9;
}

/** `{` minus `}` outside double-quoted strings (backslash escapes skipped). */
function braceDelta(text: string): number {
  let d = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) quoted = !quoted;
    else if (!quoted && c === 123) d++;
    else if (!quoted && c === 125) d--;
  }
  return d;
}

function stray(ctx: Ctx, st: Span): void {
  // Never quote the line: hand-edited files can hold fragments of secrets.
  ctx.unsupportedAt(
    st,
    'stray text',
    'this line is not a RouterOS command (hand-edited file?); if it is a damaged command, what it was meant to do is not evaluated',
    'stray text',
  );
}

/** `:local`, `:foreach … do={ … }`, `{ … }`: scripts run at import time. */
function script(ctx: Ctx, st: StatementCursor): void {
  const text = ctx.text.slice(st.start, st.end);
  const head = st.raw(0).toLowerCase();
  if (
    /^:(put|log|delay|beep|local|global|set|environment|error|nothing)$/.test(head) &&
    !/firewall|\/ip\b|\/interface\b/i.test(text)
  )
    return;
  ctx.unsupportedAt(
    st,
    // The head only: a `{ … }` block's first word is the whole block, which may hold secrets.
    `script statement ${head.startsWith('{') ? '{ … }' : (/^:?[\w-]{1,20}/.exec(head)?.[0] ?? ':')}`,
    'RouterOS script code runs when the file is imported and can add or change firewall configuration; fwlint does not execute scripts',
    'script statement',
  );
}

function command(
  ctx: Ctx,
  menu: Menu,
  verb: string,
  verbIndex: number,
  st: StatementCursor,
  argsFrom: number,
  entries: EntryReader,
): void {
  menu.anchor ??= { start: st.start, end: st.wordEnd(verbIndex) };
  if (NOOP_VERBS.has(verb)) return;
  if (verb === 'add') {
    const plain = DEFERRED_MENUS.has(menu.path) ? plainAdd(st, argsFrom) : NOT_PLAIN;
    if (plain !== NOT_PLAIN) {
      // The first argument's offset: its entry is read again from there (store.ts PackedEntries).
      const argsAt = argsFrom < st.count ? st.wordStart(argsFrom) : -1;
      menu.addDeferred(st.start, st.end, entries, argsFrom, plain === DISABLED, unbroken(st), argsAt);
    } else add(ctx, menu, readArgsAt(st, argsFrom), { start: st.start, end: st.end });
    return;
  }
  const span: Span = { start: st.start, end: st.end };
  const args = st.words(argsFrom);
  switch (verb) {
    case 'set':
    case 'comment':
      set(ctx, menu, args, span, verb);
      return;
    case 'remove':
      remove(ctx, menu, args, span);
      return;
    case 'enable':
    case 'disable':
      toggle(ctx, menu, args, span, verb === 'disable');
      return;
    case 'unset':
      unsetCmd(ctx, menu, args, span);
      return;
    case 'move':
      move(ctx, menu, args, span);
      return;
    default:
      if (isFirewallMenu(menu.path)) {
        ctx.unsupportedAt(
          span,
          `/${menu.path} ${verb}`,
          `the command "${verb}" is not modeled; it may change the firewall`,
          `/${menu.path} ${verb}`,
        );
      }
  }
}

function add(ctx: Ctx, menu: Menu, a: Args, span: Span): void {
  let props = a.props;
  const copyFrom = props.get('copy-from');
  if (copyFrom) {
    props.delete('copy-from');
    const src = resolveTargets(menu, copyFrom.value, false);
    const [only] = src.items;
    if (only && src.items.length === 1) {
      const merged = new Props();
      for (const [k, v] of only.props) merged.set(k, v);
      for (const [k, v] of props) merged.set(k, v);
      props = merged;
    } else if (isFirewallMenu(menu.path)) {
      ctx.unsupportedAt(
        copyFrom.span,
        `/${menu.path} add copy-from`,
        `copy-from=${copyFrom.value} does not name one entry of the export; the copied settings are unknown`,
      );
    }
  }
  const before = props.get('place-before');
  if (before) props.delete('place-before');
  for (const w of a.bare) props.put(keyName(w.raw), 'yes', false, w.start, w.end);
  // Props read from the words are exact-size already; merged or extended ones are trimmed.
  const item = new Item(span, false, props === a.props && a.bare.length === 0 ? props : props.compact());
  // Reading the command again (rereadEntry) gives these properties, unless they were copied from another entry.
  props.changed = copyFrom !== undefined;
  if (before) {
    const t = resolveTargets(menu, before.value, false);
    const target = t.items[0];
    const at = target ? menu.items.indexOf(target) : -1;
    if (at >= 0) {
      menu.items.splice(at, 0, item);
      return;
    }
    if (isFirewallMenu(menu.path))
      ctx.note(
        `${ctx.where(span)}: place-before=${before.value} does not name an entry of the export; the entry is placed last`,
      );
  }
  menu.items.push(item);
}

/**
 * Rule tables and address lists whose plain entries are kept as their command's offset until their
 * rules or lists are built (store.ts Item.deferred): by far the most entries of a large export, read once.
 */
const DEFERRED_MENUS = new Set([
  'ip firewall filter',
  'ipv6 firewall filter',
  'ip firewall raw',
  'ipv6 firewall raw',
  'ip firewall address-list',
  'ipv6 firewall address-list',
]);

const NOT_PLAIN = -1;
const ENABLED = 0;
const DISABLED = 1;

/** Lowercase property-name characters: a-z, 0-9, `.`, `-`, `_`. */
const NAME_CHAR = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyz0123456789.-_') NAME_CHAR[c.charCodeAt(0)] = 1;

/**
 * Whether the arguments of an `add` are all `name=value` with lowercase plain names, none of them
 * copy-from or place-before, and an action that is plainly not add-src/dst-to-address-list (which
 * fills a list at run time: address-lists.ts reads it before the rules are built): then the entry is
 * what its command says and can be read again later. NOT_PLAIN, or whether it is disabled.
 */
function plainAdd(st: StatementCursor, from: number): number {
  let state = ENABLED;
  const text = st.text;
  for (let k = from; k < st.count; k++) {
    const joined = st.joined(k);
    const w =
      joined === undefined ? plainWord(text, st.wordStart(k), st.wordEnd(k)) : plainWord(joined, 0, joined.length);
    if (w === NOT_PLAIN) return NOT_PLAIN;
    if (w !== OTHER) state = w === DISABLED_YES ? DISABLED : ENABLED;
  }
  return state;
}

const OTHER = 0;
const DISABLED_YES = 1;
const DISABLED_NO = 2;

/** One word of plainAdd: NOT_PLAIN, OTHER, DISABLED_YES or DISABLED_NO. */
function plainWord(src: string, s: number, e: number): number {
  let i = s;
  while (i < e && NAME_CHAR[src.charCodeAt(i)] === 1) i++;
  if (i === s || i >= e || src.charCodeAt(i) !== 61 /* = */) return NOT_PLAIN;
  const len = i - s;
  const v = i + 1;
  if (len === 8 && src.startsWith('disabled', s)) {
    const n = e - v;
    if ((n === 3 && src.startsWith('yes', v)) || (n === 4 && src.startsWith('true', v))) return DISABLED_YES;
    if ((n === 2 && src.startsWith('no', v)) || (n === 5 && src.startsWith('false', v))) return DISABLED_NO;
    return NOT_PLAIN;
  }
  if (len === 6 && src.startsWith('action', s)) {
    if (src.startsWith('add-', v)) return NOT_PLAIN;
    for (let j = v; j < e; j++) {
      const c = src.charCodeAt(j);
      if (c === 33 /* ! */ || c === 34 /* " */ || c === 92 /* \ */) return NOT_PLAIN;
    }
    return OTHER;
  }
  if ((len === 9 && src.startsWith('copy-from', s)) || (len === 12 && src.startsWith('place-before', s)))
    return NOT_PLAIN;
  return OTHER;
}

/**
 * No word of the statement is broken by a continuation except right after its `=` (`key=\` + newline:
 * where RouterOS wraps a line before a long value), so args.ts readPlainView may read it; a
 * continuation between words may join its lines. Words reaching here passed plainWord: `name=…`.
 */
function unbroken(st: StatementCursor): boolean {
  if (!st.continued) return true;
  const text = st.text;
  for (let k = 0; k < st.count; k++) {
    const joined = st.joined(k);
    if (joined === undefined) continue;
    const at = st.wordStart(k) + joined.indexOf('=');
    if (text.charCodeAt(at) !== 61 /* = */ || text.charCodeAt(at + 1) !== 92 /* \ */) return false;
  }
  return true;
}

/**
 * The properties the `add` at offset `start` wrote, read from the text again: for an entry whose
 * properties did not change afterwards (Props.changed is false), the same as when it was added.
 */
export function rereadEntry(text: string, start: number): Props {
  const st = statementAt(text, start);
  const argsFrom = st.text.charCodeAt(st.start) === 47 /* / */ ? (parsePath(st.words())?.argsFrom ?? st.count) : 1;
  const a = readArgsAt(st, argsFrom);
  const props = a.props;
  if (props.get('place-before')) props.delete('place-before');
  for (const w of a.bare) props.put(keyName(w.raw), 'yes', false, w.start, w.end);
  return props;
}

/** `set <target> k=v …`, `set k=v …` (menu settings), `comment <target> comment=…`. */
function set(ctx: Ctx, menu: Menu, words: readonly Word[], span: Span, verb: string): void {
  let targetText: string | undefined;
  let rest = words;
  const firstParam = words[0] ? splitParam(words[0].raw) : undefined;
  if (words[0] && (!firstParam || words[0].raw.startsWith('['))) {
    targetText = words[0].raw;
    rest = words.slice(1);
  }
  const a = readArgs(rest);
  const numbers = a.props.get('numbers');
  if (numbers) {
    targetText = numbers.value;
    a.props.delete('numbers');
  }
  if (targetText === undefined) {
    menu.settings ??= new Item(span);
    apply(menu.settings, a);
    return;
  }
  const t = resolveTargets(menu, targetText, true, span);
  if (t.unknown && isFirewallMenu(menu.path)) {
    ctx.unsupportedAt(
      span,
      `/${menu.path} ${verb} ${t.unknown}`,
      `the target "${t.unknown}" does not name an entry of the export; the change is not applied`,
      `/${menu.path} ${verb} unknown target`,
    );
  }
  for (const item of t.items) apply(item, a);
}

function apply(item: Item, a: Args): void {
  for (const [k, v] of a.props) item.props.set(k, v);
  for (const k of a.unset) item.props.delete(k);
}

function remove(ctx: Ctx, menu: Menu, words: readonly Word[], span: Span): void {
  const a = readArgs(words);
  const text = a.props.get('numbers')?.value ?? a.bare[0]?.raw;
  if (text === undefined) return;
  const t = resolveTargets(menu, text, false);
  if (t.unknown && isFirewallMenu(menu.path)) {
    ctx.unsupportedAt(
      span,
      `/${menu.path} remove ${t.unknown}`,
      `the target "${t.unknown}" does not name an entry of the export`,
      `/${menu.path} remove unknown target`,
    );
  }
  const gone = new Set(t.items);
  if (gone.size) menu.items = menu.items.filter((it) => !gone.has(it));
}

function toggle(ctx: Ctx, menu: Menu, words: readonly Word[], span: Span, disable: boolean): void {
  const a = readArgs(words);
  const text = a.props.get('numbers')?.value ?? a.bare.map((w) => w.raw).join(',');
  if (!text) return;
  const t = resolveTargets(menu, text, true, span);
  if (t.unknown && isFirewallMenu(menu.path)) {
    ctx.unsupportedAt(
      span,
      `/${menu.path} ${disable ? 'disable' : 'enable'} ${t.unknown}`,
      `the target "${t.unknown}" does not name an entry of the export`,
      `/${menu.path} toggle unknown target`,
    );
  }
  for (const item of t.items) item.props.set('disabled', Prop.of(disable ? 'yes' : 'no', false, span));
}

function unsetCmd(ctx: Ctx, menu: Menu, words: readonly Word[], span: Span): void {
  const a = readArgs(words);
  const targetWord = a.bare[0];
  const names = [...a.bare.slice(1).map((w) => w.raw.toLowerCase())];
  const vn = a.props.get('value-name');
  if (vn) names.push(...vn.value.split(',').map((s) => s.trim().toLowerCase()));
  const targets = targetWord ? resolveTargets(menu, targetWord.raw, false).items : menu.settings ? [menu.settings] : [];
  if (targets.length === 0 && isFirewallMenu(menu.path))
    ctx.note(`${ctx.where(span)}: unset: no entry matches; ignored`);
  for (const item of targets) for (const n of names) item.props.delete(n);
}

/** `move <targets> [destination=]<n>`: the entries go before the entry that was number n. */
function move(ctx: Ctx, menu: Menu, words: readonly Word[], span: Span): void {
  const a = readArgs(words);
  const what = a.props.get('numbers')?.value ?? a.bare[0]?.raw;
  const dest = a.props.get('destination')?.value ?? a.bare[what === a.bare[0]?.raw ? 1 : 0]?.raw;
  if (!what) return;
  const moving = resolveTargets(menu, what, false).items;
  if (moving.length === 0) {
    if (isFirewallMenu(menu.path))
      ctx.unsupportedAt(
        span,
        `/${menu.path} move`,
        `move ${what}: no entry matches; the order of the rules may differ from the device`,
      );
    return;
  }
  const anchor = dest !== undefined && /^\d+$/.test(dest) ? menu.items[Number(dest)] : undefined;
  const rest = menu.items.filter((it) => !moving.includes(it));
  let at = anchor ? rest.indexOf(anchor) : rest.length;
  if (at < 0) at = rest.length;
  rest.splice(at, 0, ...moving);
  menu.items = rest;
}

interface Targets {
  items: Item[];
  /** The part of the target that named nothing. */
  unknown?: string;
}

/**
 * Entries a command targets: print numbers (`0,2`), names (`sip`, `ether1`), or `[ find k=v … ]`.
 * A `set` on a built-in entry the export never added (service-port sip, ether1, the default
 * security profile) creates it (`create`).
 */
function resolveTargets(menu: Menu, text: string, createBuiltin: boolean, span?: Span): Targets {
  // Firewall rule tables have no built-in entries; service-port has (sip, ftp, h323…).
  const create = createBuiltin && (!isFirewallMenu(menu.path) || menu.path === 'ip firewall service-port');
  const t = text.trim();
  if (t.startsWith('[')) return findTargets(menu, t, create, span);
  const items: Item[] = [];
  const unknown: string[] = [];
  for (const part of t
    .split(',')
    .map((s) => unquote(s.trim()))
    .filter(Boolean)) {
    if (/^\d+$/.test(part)) {
      const it = menu.items[Number(part)];
      if (it) items.push(it);
      else if (create && span) {
        const b = new Item(span, true);
        b.props.set('.number', Prop.of(part, false, span));
        menu.items.push(b);
        items.push(b);
      } else unknown.push(part);
      continue;
    }
    const named = menu.byName(part);
    if (named.length) {
      items.push(...named);
      continue;
    }
    if (create && span && !part.startsWith('*')) {
      const b = new Item(span, true);
      b.props.set('name', Prop.of(part, false, span));
      menu.items.push(b);
      items.push(b);
      continue;
    }
    unknown.push(part);
  }
  return unknown.length ? { items, unknown: unknown.join(',') } : { items };
}

interface Condition {
  key: string;
  op: '=' | '!=' | '~' | 'true' | 'false';
  value: string;
}

/** Boolean properties whose absence means "no" in find expressions. */
const DEFAULT_NO = new Set(['dynamic', 'disabled', 'default', 'invalid', 'builtin', 'inactive', 'running']);

function findTargets(menu: Menu, text: string, create: boolean, span?: Span): Targets {
  const inner = text.replace(/^\[\s*/, '').replace(/\s*\]$/, '');
  const toks = tokens(inner);
  let k = 0;
  if (/(^|\/)find$/i.test(toks[k] ?? '')) k++;
  else return { items: [], unknown: text };
  if (toks[k]?.toLowerCase() === 'where') k++;
  const conds: Condition[] = [];
  for (const tok of toks.slice(k)) {
    if (/^(and|&&)$/i.test(tok)) continue;
    const cmp = /^([a-z0-9.\-_]+)(!=|=|~)(.*)$/is.exec(tok);
    if (cmp) {
      const [, key = '', op = '=', value = ''] = cmp;
      conds.push({ key: key.toLowerCase(), op: op as Condition['op'], value: unquote(value) });
      continue;
    }
    const flag = /^(!?)([a-z0-9.\-_]+)$/i.exec(tok);
    if (flag) {
      const [, not = '', key = ''] = flag;
      conds.push({ key: key.toLowerCase(), op: not ? 'false' : 'true', value: '' });
      continue;
    }
    return { items: [], unknown: text };
  }
  const value = (it: Item, key: string): string | undefined =>
    it.get(key) ?? (DEFAULT_NO.has(key) ? 'no' : key === 'name' ? it.get('default-name') : undefined);
  const test = (it: Item, c: Condition): boolean => {
    const v = value(it, c.key);
    switch (c.op) {
      case '=':
        return v === c.value;
      case '!=':
        return v !== c.value;
      case '~':
        try {
          return v !== undefined && new RegExp(c.value).test(v);
        } catch {
          return false;
        }
      case 'true':
        return v !== undefined && v !== 'no' && v !== 'false';
      case 'false':
        return v === undefined || v === 'no' || v === 'false';
    }
  };
  const items = menu.items.filter((it) => conds.every((c) => test(it, c)));
  if (items.length === 0 && create && span && conds.length > 0 && conds.every((c) => c.op === '=')) {
    // A built-in entry (`[ find default-name=ether1 ]`, `[ find default=yes ]`).
    const b = new Item(span, true);
    for (const c of conds) b.props.set(c.key, Prop.of(c.value, false, span));
    const defaultName = b.get('default-name');
    if (defaultName !== undefined && b.get('name') === undefined)
      b.props.set('name', Prop.of(defaultName, false, span));
    menu.items.push(b);
    return { items: [b] };
  }
  return { items };
}

/** Whitespace-separated tokens, keeping quoted parts together. */
function tokens(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = false;
  for (let k = 0; k < s.length; k++) {
    const c = s.charAt(k);
    if (quote) {
      cur += c;
      if (c === '\\' && k + 1 < s.length) cur += s.charAt(++k);
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') {
      quote = true;
      cur += c;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}
