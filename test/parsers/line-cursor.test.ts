import { describe, expect, it } from 'vitest';
import { LineCursor } from '../../parsers/toolkit/line-cursor.js';
import { PositionIndex } from '../../parsers/toolkit/positions.js';

/** A small deterministic generator, so a failure repeats. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function text(r: () => number, lines: number, breaks: readonly string[]): string {
  let out = '';
  for (let i = 0; i < lines; i++)
    out += 'x'.repeat(Math.floor(r() * 5)) + (breaks[Math.floor(r() * breaks.length)] ?? '\n');
  return out;
}

describe('LineCursor', () => {
  it('answers every offset as PositionIndex does, forward, backward and at random', () => {
    const r = rng(7);
    for (const breaks of [['\n'], ['\r\n'], ['\n', '\r\n'], ['\n', '\r']]) {
      for (const n of [0, 1, 63, 64, 65, 200, 1000]) {
        const t = text(r, n, breaks) + (r() < 0.5 ? 'tail' : '');
        const index = new PositionIndex(t);
        const offsets = Array.from({ length: t.length + 1 }, (_, i) => i);
        const orders = [offsets, [...offsets].reverse(), offsets.map(() => Math.floor(r() * (t.length + 1)))];
        for (const order of orders) {
          const cursor = new LineCursor(t);
          const got = order.map((o) => [cursor.lineIndexOf(o), cursor.lineStartOf(o)]);
          expect(got).toEqual(order.map((o) => [index.lineIndexOf(o), index.lineStart(index.lineIndexOf(o))]));
        }
      }
    }
  });
});
