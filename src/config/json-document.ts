import { findNodeAtLocation, getNodeValue, parseTree, type Node, type ParseError } from 'jsonc-parser';

/** Deeper nesting is refused before parsing (real config files nest 4 levels). */
export const MAX_JSON_DEPTH = 64;

export interface Position {
  line: number;
  column: number;
}

/** A parsed JSON file that can say where each value and key is. */
export interface JsonDocument {
  value: unknown;
  /** Where the value at a JSON pointer starts ("/ignore/2" → its `{`). */
  at(pointer: string): Position;
  /** Where the key `key` of the object at `pointer` is. */
  keyAt(pointer: string, key: string): Position;
}

/** A syntax error: where, and one line saying what. Never V8's error text. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly position: Position,
    message: string,
  ) {
    super(message);
  }
}

// jsonc-parser's ParseErrorCode values (a const enum in its types, so they are spelled out here).
const MESSAGES: Readonly<Record<number, string>> = {
  1: 'unexpected character',
  2: 'invalid number',
  3: 'expected a property name in double quotes',
  4: 'expected a value',
  5: "expected ':'",
  6: "expected ',' or the end of the object/array",
  7: "expected '}'",
  8: "expected ']'",
  9: 'unexpected text after the end of the document',
  10: 'comments are not allowed in JSON',
  11: 'unterminated comment',
  12: 'unterminated string',
  13: 'unterminated number',
  14: 'invalid unicode escape',
  15: 'invalid escape character',
  16: 'control character in a string (escape it)',
};

/** Parses strict JSON (no comments, no trailing commas); throws JsonSyntaxError. */
export function parseJsonDocument(text: string): JsonDocument {
  const lines = lineStarts(text);
  const pos = (offset: number) => position(lines, offset);
  const deep = tooDeep(text);
  if (deep !== undefined) throw new JsonSyntaxError(pos(deep), `nested deeper than ${MAX_JSON_DEPTH} levels`);
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  if (first) throw new JsonSyntaxError(pos(first.offset), MESSAGES[first.error] ?? 'not valid JSON');
  if (!tree) throw new JsonSyntaxError(pos(0), 'expected a value');
  const nodeAt = (pointer: string): Node | undefined => findNodeAtLocation(tree, segments(pointer, tree));
  return {
    value: getNodeValue(tree) as unknown,
    at: (pointer) => pos(nodeAt(pointer)?.offset ?? 0),
    keyAt: (pointer, key) => {
      const obj = nodeAt(pointer);
      const prop = obj?.children?.find((c) => c.children?.[0]?.value === key);
      return pos(prop?.offset ?? obj?.offset ?? 0);
    },
  };
}

/** JSON pointer → path for findNodeAtLocation (array indices as numbers). */
function segments(pointer: string, tree: Node): (string | number)[] {
  if (pointer === '') return [];
  const out: (string | number)[] = [];
  let node: Node | undefined = tree;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const seg: string | number = node?.type === 'array' && /^\d+$/.test(key) ? Number(key) : key;
    out.push(seg);
    node = node ? findNodeAtLocation(node, [seg]) : undefined;
  }
  return out;
}

/** Offset of the first bracket past MAX_JSON_DEPTH, if any (a linear scan that skips strings). */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

function lineStarts(text: string): number[] {
  const out = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) out.push(i + 1);
  return out;
}

function position(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
}
