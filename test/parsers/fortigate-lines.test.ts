import { describe, expect, it } from 'vitest';
import { TextLines } from '../../parsers/fortigate/lines.js';
import { FNV_PRIME, FNV_SEED, TokenCache } from '../../parsers/fortigate/tokens.js';
import { PositionIndex } from '../../parsers/toolkit/positions.js';
import { readTree, values } from '../../parsers/fortigate/tree.js';

/**
 * The FortiGate reader counts a statement's line and column from its entry's first line
 * (parsers/fortigate/lines.ts) instead of indexing every line start: it must answer exactly as
 * PositionIndex does, with LF, CRLF and lone CR line breaks, near and far from the known line.
 */
function lineStartsOf(text: string): { line: number; start: number }[] {
  const out = [{ line: 1, start: 0 }];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || (c === 0x0d && text.charCodeAt(i + 1) !== 0x0a)) out.push({ line: out.length + 1, start: i + 1 });
  }
  return out;
}

/** Every offset (every 997th past the first 300) from every known line before it (every 1499th line when many). */
function check(text: string): void {
  const index = new PositionIndex(text);
  const lines = new TextLines(text);
  const starts = lineStartsOf(text);
  const stride = starts.length > 100 ? 1499 : 1;
  for (let offset = 0; offset <= text.length; offset += offset > 300 ? 997 : 1) {
    const want = index.position(offset);
    for (let k = 0; k < starts.length; k += stride) {
      const base = starts[k];
      if (!base || base.start > offset) break;
      expect(lines.position(offset, base.line, base.start), `offset ${offset} from line ${base.line}`).toEqual(want);
    }
    const own = starts[want.line - 1];
    if (own) expect(lines.position(offset, own.line, own.start)).toEqual(want);
  }
}

describe('fortigate statement positions', () => {
  it('count lines from a known line as the line index does', () => {
    check('config a\n    set x 1\r\n    set y "2\r3"\rnext\n\nend');
    check('\r\n\r\r\n\n\rx\r');
    check('no break at all');
  });

  it('look far offsets up in the whole index', () => {
    const text = Array.from({ length: 9000 }, (_, i) => `    set attr${i} value${i}${i % 3 ? '\n' : '\r\n'}`).join('');
    expect(text.length).toBeGreaterThan(1 << 17);
    check(text);
  });

  it('give the positions of statements in a file read by readTree', () => {
    const text =
      'config firewall address\r\n    edit "a"\r\n        set subnet 10.0.0.0 255.0.0.0\r\n    next\r\nend\r\n';
    const tree = readTree(text, 't.conf');
    const e = tree.blocks.get('firewall address')?.entries.get('a');
    const k = e?.sets.index('subnet') ?? -1;
    expect(e?.sets.stmt(k)).toMatchObject({ line: 3, column: 9, endLine: 3, endColumn: 38 });
    expect(values(e, 'subnet')).toEqual(['10.0.0.0', '255.0.0.0']);
  });
});

describe('fortigate token cache', () => {
  const hash = (s: string): number => {
    let h = FNV_SEED;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), FNV_PRIME);
    return h;
  };

  it('returns the same string for the same token and the right one after a collision or release', () => {
    const cache = new TokenCache();
    const src = 'set enable enable enablf';
    const a = cache.get(src, 4, 10, hash('enable'));
    expect(a).toBe('enable');
    expect(cache.get(src, 11, 17, hash('enable'))).toBe(a);
    // A forged hash collision must still compare the characters.
    expect(cache.get(src, 18, 24, hash('enable'))).toBe('enablf');
    cache.release();
    expect(cache.get(src, 0, 3, hash('set'))).toBe('set');
    expect(cache.get(src, 0, 0, FNV_SEED)).toBe('');
  });
});
