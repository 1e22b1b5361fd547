import { describe, expect, it } from 'vitest';
import { RuleChunks } from '../../parsers/nftables/rule-list.js';

describe('RuleChunks', () => {
  it('gives what was pushed, in order, as one list (after) or as its chunks (parts)', () => {
    for (const n of [0, 1, 16, 17, 300, 5000]) {
      const pushed = Array.from({ length: n }, (_, i) => i);
      const list = new RuleChunks<number>();
      const chunked = new RuleChunks<number>(256);
      for (const x of pushed) {
        list.push(x);
        chunked.push(x);
      }
      expect(list.after([-2, -1])).toEqual([-2, -1, ...pushed]);
      const parts = chunked.parts();
      // Packed chunks cut at their count, none larger than asked.
      expect(parts.flat()).toEqual(pushed);
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(256);
        expect(p.includes(undefined as unknown as number)).toBe(false);
      }
    }
  });

  it('starts a new chunk for a push after parts', () => {
    const c = new RuleChunks<string>(4);
    for (const x of ['a', 'b', 'c']) c.push(x);
    expect(c.parts()).toEqual([['a', 'b', 'c']]);
    c.push('d');
    expect(c.parts().flat()).toEqual(['a', 'b', 'c', 'd']);
  });
});
