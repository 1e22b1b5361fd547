import { isObject, type Expr } from './ir.js';
import { Memo } from './memo.js';
import { keepPrinted, printedPrefix, printedRange } from './print.js';

/**
 * Values that thousands of rules of an `nft -j` listing write alike — selectors (`{"payload": {"protocol":
 * "ip", "field": "saddr"}}`, `{"meta": {"key": "iifname"}}`, `{"ct": {"key": "state"}}`), prefixes and
 * ranges — as one shared object each, as the text reader shares them (text-rules.ts wordValue): rules
 * then hold one object instead of a copy each, printRule prints it once (keepPrinted), and the
 * converters' memos keyed by the value object (match.ts, interfaces.ts) find it again. Only objects of
 * exactly these shapes are shared; nothing modifies a value once read (the memo elementsOf keeps on it
 * does not depend on the table for values without `@`). The first object of each text becomes the
 * shared one; the table is bounded (memo.ts).
 */
const SHARED = new Memo<Expr>();

/** The shared object equal to `o`, or `o` itself when it is not one of the shapes above. */
export function sharedValue(o: Record<string, Expr>): Expr {
  const id = shapeId(o);
  return id === undefined ? o : (SHARED.get(id) ?? SHARED.set(id, keepPrinted(o)));
}

/**
 * The shared selector, prefix or range with these parts, as sharedValue gives it for the object JSON.parse
 * builds of it (the same id, the same table): the direct reader (json-direct.ts) builds the object only
 * when the table does not hold it yet.
 */
export function sharedPayload(protocol: string, field: string): Expr {
  const id = `p\0${protocol}\0${field}`;
  return SHARED.get(id) ?? SHARED.set(id, keepPrinted({ payload: { protocol, field } }));
}

export function sharedKey(kind: 'meta' | 'ct', key: string): Expr {
  const id = `${kind}\0${key}`;
  return SHARED.get(id) ?? SHARED.set(id, keepPrinted(kind === 'meta' ? { meta: { key } } : { ct: { key } }));
}

export function sharedPrefix(addr: string, len: number): Expr {
  const id = `/\0${addr}\0${String(len)}`;
  return SHARED.get(id) ?? SHARED.set(id, printedPrefix(addr, len));
}

export function sharedRange(x: string | number, y: string | number): Expr {
  const id = typeof x === 'number' ? `-n\0${String(x)}\0${String(y)}` : `-s\0${x}\0${String(y)}`;
  return SHARED.get(id) ?? SHARED.set(id, printedRange(x, y));
}

function shapeId(o: Record<string, Expr>): string | undefined {
  const k = onlyKey(o);
  if (k === undefined) return undefined;
  const b = o[k];
  let id: string | undefined;
  switch (k) {
    case 'payload':
      if (
        isObject(b) &&
        keysAre(b, 'protocol', 'field') &&
        typeof b.protocol === 'string' &&
        typeof b.field === 'string'
      )
        id = `p\0${b.protocol}\0${b.field}`;
      break;
    case 'meta':
    case 'ct':
      if (isObject(b) && onlyKey(b) === 'key' && typeof b.key === 'string') id = `${k}\0${b.key}`;
      break;
    case 'prefix':
      if (isObject(b) && keysAre(b, 'addr', 'len') && typeof b.addr === 'string' && typeof b.len === 'number')
        id = `/\0${b.addr}\0${String(b.len)}`;
      break;
    case 'range':
      if (Array.isArray(b) && b.length === 2) {
        const [x, y] = b;
        if (typeof x === 'number' && typeof y === 'number') id = `-n\0${String(x)}\0${String(y)}`;
        else if (typeof x === 'string' && typeof y === 'string') id = `-s\0${x}\0${y}`;
      }
      break;
    default:
      break;
  }
  return id;
}

/** The object's one key, or undefined when it has none or several. */
function onlyKey(o: Record<string, Expr>): string | undefined {
  let key: string | undefined;
  for (const k in o) {
    if (key !== undefined) return undefined;
    key = k;
  }
  return key;
}

/** Whether the object's keys are exactly `a` and `b`, in that order. */
function keysAre(o: Record<string, Expr>, a: string, b: string): boolean {
  let i = 0;
  for (const k in o) {
    if (i === 0 ? k !== a : i === 1 ? k !== b : true) return false;
    i++;
  }
  return i === 2;
}
