import { ParseError } from '../../src/model/errors.js';
import { PositionIndex } from '../toolkit/positions.js';
import { positions, type Expr, type Pos } from './ir.js';

/**
 * A small JSON reader that keeps positions: every object and array gets its span (in `positions`),
 * and members get the position of their key (`memberPos`), so findings can point at the rule
 * object of an `nft -j` document — by line when it is pretty-printed, by column on the one line
 * `nft -j` prints. Linear; errors are ParseErrors with line and column.
 */
const KEYS = Symbol('keys');

export function memberPos(obj: object, key: string): Pos | undefined {
  return (obj as { [KEYS]?: Map<string, Pos> })[KEYS]?.get(key);
}

const MAX_DEPTH = 512;

export function scanJson(text: string, file: string): Expr {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const n = text.length;

  const fail = (msg: string, at = i): never => {
    const p = new PositionIndex(text).position(at);
    throw new ParseError(file, p.line, p.column, msg);
  };

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        i++;
        line++;
        lineStart = i;
      } else if (c === 32 || c === 9 || c === 13) i++;
      else break;
    }
  };

  const here = (): { line: number; column: number } => ({ line, column: i - lineStart + 1 });

  const str = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    let from = i;
    for (;;) {
      if (i >= n) fail('unterminated string', start);
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) fail('control character in string');
      if (c === 92) {
        out += text.slice(from, i);
        const e = text[i + 1];
        if (e === 'u') {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad \\u escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          i += 6;
        } else {
          const map: Record<string, string> = {
            '"': '"',
            '\\': '\\',
            '/': '/',
            b: '\b',
            f: '\f',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          const v = e === undefined ? undefined : map[e];
          if (v === undefined) fail('bad escape in string');
          out += v;
          i += 2;
        }
        from = i;
        continue;
      }
      i++;
    }
    out += text.slice(from, i);
    i++;
    return out;
  };

  const value = (depth: number): Expr => {
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH}`);
    ws();
    if (i >= n) fail('unexpected end of input');
    const c = text.charCodeAt(i);
    if (c === 123) {
      const start = here();
      i++;
      const obj: Record<string, Expr> = {};
      const keys = new Map<string, Pos>();
      ws();
      if (text.charCodeAt(i) === 125) i++;
      else {
        for (;;) {
          ws();
          if (text.charCodeAt(i) !== 34) fail('expected a string key');
          const kpos = here();
          const k = str();
          keys.set(k, { file, line: kpos.line, column: kpos.column, endLine: line, endColumn: i - lineStart + 1 });
          ws();
          if (text.charCodeAt(i) !== 58) fail("expected ':'");
          i++;
          obj[k] = value(depth + 1);
          ws();
          const d = text.charCodeAt(i);
          if (d === 44) {
            i++;
            continue;
          }
          if (d === 125) {
            i++;
            break;
          }
          fail(i >= n ? 'unexpected end of input' : "expected ',' or '}'");
        }
      }
      positions.set(obj, { file, line: start.line, column: start.column, endLine: line, endColumn: i - lineStart + 1 });
      (obj as { [KEYS]?: Map<string, Pos> })[KEYS] = keys;
      return obj;
    }
    if (c === 91) {
      const start = here();
      i++;
      const arr: Expr[] = [];
      ws();
      if (text.charCodeAt(i) === 93) i++;
      else {
        for (;;) {
          arr.push(value(depth + 1));
          ws();
          const d = text.charCodeAt(i);
          if (d === 44) {
            i++;
            continue;
          }
          if (d === 93) {
            i++;
            break;
          }
          fail(i >= n ? 'unexpected end of input' : "expected ',' or ']'");
        }
      }
      positions.set(arr, { file, line: start.line, column: start.column, endLine: line, endColumn: i - lineStart + 1 });
      return arr;
    }
    if (c === 34) return str();
    if (c === 116 && text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (c === 102 && text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (c === 110 && text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    const num = m.exec(text);
    if (num && num[0].length > 0) {
      i += num[0].length;
      return Number(num[0]);
    }
    const ch = text.codePointAt(i)!;
    return fail(
      `unexpected character ${ch < 32 || ch > 126 ? `U+${ch.toString(16).toUpperCase().padStart(4, '0')}` : `'${String.fromCodePoint(ch)}'`}`,
    );
  };

  const v = value(0);
  ws();
  if (i < n) fail('unexpected data after the JSON document');
  return v;
}
