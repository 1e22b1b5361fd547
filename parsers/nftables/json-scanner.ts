import { visit } from 'jsonc-parser';
import { ParseError } from '../../src/model/errors.js';
import { positions, type Expr, type Pos } from './ir.js';
import { fastJson, type FastRules } from './json-fast.js';

/**
 * JSON with positions, read by jsonc-parser's visitor (one linear pass; line and column come with
 * its callbacks): every object and array gets its span (in `positions`), and members get the
 * position of their key (`memberPos`, down to the members of an item's body), so findings can point at the rule object of an `nft -j`
 * document — by line when it is pretty-printed, by column on the one line `nft -j` prints. Errors
 * are ParseErrors with line and column. Measured on a 10 MB one-line `nft -j` document against the
 * hand-written scanner this replaced: the same time within noise (both dominated by building the
 * tree; jsonc-parser's bare pass is under a second).
 */
export const KEYS = Symbol('keys');

/**
 * Where each member's key is written: keys in order, and per key its line, column and end column
 * (flat numbers: one small array per object instead of a Map and a Pos per member).
 */
export interface KeySpans {
  file: string;
  names: string[];
  spans: number[];
}

export function memberPos(obj: object, key: string): Pos | undefined {
  const k = (obj as { [KEYS]?: KeySpans })[KEYS];
  if (!k) return undefined;
  const i = k.names.lastIndexOf(key);
  if (i < 0) return undefined;
  const [line = 1, column = 1, endColumn = 1] = k.spans.slice(3 * i, 3 * i + 3);
  return { file: k.file, line, column, endLine: line, endColumn };
}

export const MAX_DEPTH = 512;

/** Nesting depth down to which objects keep their key positions: root, list, item, body, member. */
const KEYED_DEPTH = 4;
/**
 * The objects memberPos is asked about (json-reader.ts): chain bodies (`policy`), ct timeout bodies
 * and their `policy`. Rule bodies, most of a large document, keep no key positions.
 */
const KEYED = new Set(['chain', 'ct timeout', 'policy']);

/** nft's numbers are integers of at most 64 bits; anything else (10000.5, 1e400) is refused here. */
const MAX_NUMBER = 2 ** 64;

export function checkNumber(v: number, literal: string, file: string, line: number, column: number): void {
  if (Number.isInteger(v) && Math.abs(v) <= MAX_NUMBER) return;
  const shown = literal.length > 24 ? `${literal.slice(0, 23)}…` : literal;
  const why = Number.isInteger(v) || !Number.isFinite(v) ? 'is out of range' : 'is not an integer';
  throw new ParseError(file, line, column, `number ${shown} ${why} (nft values are integers of up to 64 bits)`);
}

/** jsonc-parser's error codes (a const enum in its types) as nft users read them. */
const MESSAGES: Record<number, string> = {
  1: 'unexpected character',
  2: 'invalid number',
  3: 'expected a string key',
  4: 'expected a value',
  5: "expected ':'",
  6: "expected ','",
  7: "expected ',' or '}'",
  8: "expected ',' or ']'",
  9: 'unexpected data after the JSON document',
  10: 'comments are not JSON',
  11: 'comments are not JSON',
  12: 'unterminated string',
  13: 'invalid number',
  14: 'bad \\u escape',
  15: 'bad escape in string',
  16: 'control character in string',
};

interface Container {
  value: Expr[] | Record<string, Expr>;
  line: number;
  column: number;
  key?: string;
}

/**
 * Nesting depth down to which every object and array keeps its span (root, list, item, body, and one
 * more for the command form `{"add": {"rule": …}}` and a ct timeout's policy). Deeper, only the
 * statements of a rule (elements of `expr`) and `[key, data]` pairs (map elements, expand.ts) keep
 * theirs. The expressions inside statements are most of a large document and nothing asks for their
 * position: a span each made positions a third of the heap.
 */
const SPAN_DEPTH = 5;

/** Short string values repeat (`ip`, `saddr`, `==`, `accept`, interface names): one string each. */
const INTERN_MAX = 64;

/**
 * The document's tree with positions: natively parsed when the fast path (json-fast.ts) reproduces the
 * visitor exactly, else read by the visitor (which also gives the errors their messages).
 */
export function scanJson(text: string, file: string): Expr {
  return fastJson(text, fastRules(file)) ?? visitJson(text, file);
}

/** What the native paths (json-fast.ts, json-stream.ts) must reproduce of the visitor's reading. */
export function fastRules(file: string): FastRules {
  return {
    file,
    maxDepth: MAX_DEPTH,
    spanDepth: SPAN_DEPTH,
    keyedDepth: KEYED_DEPTH,
    keyed: KEYED,
    maxNumber: MAX_NUMBER,
    setKeys: (obj, names, spans) => {
      (obj as { [KEYS]?: KeySpans })[KEYS] = { file, names, spans };
    },
  };
}

/** jsonc-parser's visitor: one linear pass with line and column, exact errors. */
export function visitJson(text: string, file: string): Expr {
  const stack: Container[] = [];
  let root: Expr | undefined;
  let rootSet = false;
  const put = (v: Expr): void => {
    const top = stack[stack.length - 1];
    if (!top) {
      root = v;
      rootSet = true;
      return;
    }
    if (Array.isArray(top.value)) top.value.push(v);
    else if (top.key !== undefined) top.value[top.key] = v;
  };
  const open = (value: Expr[] | Record<string, Expr>, line: number, ch: number): void => {
    if (stack.length >= MAX_DEPTH)
      throw new ParseError(file, line + 1, ch + 1, `nesting deeper than ${String(MAX_DEPTH)}`);
    stack.push({ value, line: line + 1, column: ch + 1 });
  };
  /** A `[key, data]` map element: an array of two in a list (not a `range` or `concat` operand list). */
  const isPair = (v: Container['value']): boolean =>
    Array.isArray(v) && v.length === 2 && Array.isArray(stack[stack.length - 1]?.value);
  /** The container being closed is an element of a rule's `expr` list. */
  const isStatement = (): boolean =>
    Array.isArray(stack[stack.length - 1]?.value) && stack[stack.length - 2]?.key === 'expr';
  const close = (line: number, ch: number): void => {
    const c = stack.pop();
    if (!c) return;
    if (stack.length <= SPAN_DEPTH || isPair(c.value) || isStatement())
      positions.set(c.value, { file, line: c.line, column: c.column, endLine: line + 1, endColumn: ch + 2 });
    put(c.value);
  };
  const interned = new Map<string, string>();
  const intern = (v: string): string => {
    if (v.length > INTERN_MAX) return v;
    const hit = interned.get(v);
    if (hit !== undefined) return hit;
    interned.set(v, v);
    return v;
  };
  visit(
    text,
    {
      onObjectBegin: (_o, _l, line, ch) => {
        const obj: Record<string, Expr> = {};
        // Key positions only where memberPos asks for them: the objects of the `nftables` list, their
        // bodies and the objects in those (a ct timeout's policy). Rule expressions, deeper down, are
        // most of a large document and need none.
        if (stack.length <= KEYED_DEPTH && KEYED.has(stack[stack.length - 1]?.key ?? ''))
          (obj as { [KEYS]?: KeySpans })[KEYS] = { file, names: [], spans: [] };
        open(obj, line, ch);
      },
      onObjectProperty: (key, _o, length, line, ch) => {
        const top = stack[stack.length - 1];
        if (!top || Array.isArray(top.value)) return;
        top.key = key;
        const keys = (top.value as { [KEYS]?: KeySpans })[KEYS];
        keys?.names.push(key);
        keys?.spans.push(line + 1, ch + 1, ch + 1 + length);
      },
      onObjectEnd: (_o, _l, line, ch) => {
        close(line, ch);
      },
      onArrayBegin: (_o, _l, line, ch) => {
        open([], line, ch);
      },
      onArrayEnd: (_o, _l, line, ch) => {
        close(line, ch);
      },
      onLiteralValue: (value: unknown, offset, length, line, ch) => {
        if (typeof value === 'number') checkNumber(value, text.slice(offset, offset + length), file, line + 1, ch + 1);
        put(typeof value === 'string' ? intern(value) : (value as Expr));
      },
      onError: (code, offset, _l, line, ch) => {
        const msg =
          offset >= text.length || text.slice(offset).trim() === ''
            ? 'unexpected end of input'
            : rootSet && stack.length === 0
              ? 'unexpected data after the JSON document'
              : (MESSAGES[code] ?? 'invalid JSON');
        throw new ParseError(file, line + 1, ch + 1, msg);
      },
    },
    { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false },
  );
  if (root === undefined) throw new ParseError(file, 1, 1, 'unexpected end of input');
  return root;
}
