import { describe, expect, it } from 'vitest';
import { WordTable, wordHash } from '../../parsers/mikrotik/word-table.js';

/** word-table.ts: words found by a range of a larger text, with their marks; a full table starts over. */
describe('RouterOS word table (word-table.ts)', () => {
  it('finds each word by the characters of a range, not by a prefix or another word of the same hash slot', () => {
    const t = new WordTable(64);
    const words = ['chain', 'action', 'accept', 'forward', 'dst-port', 'a', 'ab', 'abc'];
    words.forEach((w, i) => t.add(w, wordHash(w, 0, w.length), i % 2));
    // Each word at a known place of a larger text, between other characters.
    const places: number[] = [];
    let text = 'x=';
    for (const w of [...words].reverse()) {
      places.unshift(text.length);
      text += `${w}=`;
    }
    text += 'abcd';
    words.forEach((w, i) => {
      const at = places[i] ?? 0;
      const slot = t.find(text, at, at + w.length, wordHash(text, at, at + w.length));
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(t.words[slot]).toBe(w);
      expect(t.marks[slot]).toBe(i % 2);
    });
    const at = text.indexOf('abcd');
    expect(t.find(text, at, at + 4, wordHash(text, at, at + 4))).toBe(-1);
    // `bcd` looked up with the hash of `abc`, a word of the same length: the characters decide.
    expect(t.find(text, at + 1, at + 4, wordHash('abc', 0, 3))).toBe(-1);
    expect(t.find(text, at, at + 3, wordHash('abc', 0, 3))).toBeGreaterThanOrEqual(0);
  });

  it('starts over when half full', () => {
    const t = new WordTable(16);
    for (let i = 0; i < 8; i++) t.add(`w${String(i)}`, wordHash(`w${String(i)}`, 0, 2), 0);
    expect(t.find('w0', 0, 2, wordHash('w0', 0, 2))).toBeGreaterThanOrEqual(0);
    t.add('x', wordHash('x', 0, 1), 1);
    expect(t.find('w0', 0, 2, wordHash('w0', 0, 2))).toBe(-1);
    const slot = t.find('x', 0, 1, wordHash('x', 0, 1));
    expect(t.words[slot]).toBe('x');
    expect(t.marks[slot]).toBe(1);
  });
});
