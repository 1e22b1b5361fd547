/** The order the lint pool's workers take files in (src/cli/affinity.ts). */
import { describe, expect, it } from 'vitest';
import { AffinityQueue } from '../../src/cli/affinity.js';

const KINDS = ['xml', 'conf', 'rsc', 'nft', 'xml', 'conf', 'rsc', 'nft', 'xml', 'conf', 'rsc', 'nft'];

/** Takes every job, worker 0 asking twice for each time worker 1 asks; returns each worker's jobs. */
function drain(q: AffinityQueue): number[][] {
  const got: number[][] = [[], []];
  for (let t = 0; ; t++) {
    const w = t % 3 === 2 ? 1 : 0;
    const i = q.take(w);
    if (i === undefined && q.firstPending() === Infinity) return got;
    if (i !== undefined) got[w]?.push(i);
  }
}

describe('AffinityQueue', () => {
  it('gives each worker the files of its own kinds first, each job once', () => {
    const got = drain(new AffinityQueue(KINDS));
    expect([...(got[0] ?? []), ...(got[1] ?? [])].sort((a, b) => a - b)).toEqual(KINDS.map((_, i) => i));
    // Worker 0 starts on xml and keeps to it; worker 1 takes conf, the kind nobody had.
    expect(got[0]?.slice(0, 3)).toEqual([0, 4, 8]);
    expect(got[1]?.slice(0, 3)).toEqual([1, 5, 9]);
    // A worker whose kinds are done takes a kind nobody has taken (the earliest first) before another's.
    expect(got[0]?.slice(3, 6)).toEqual([2, 6, 10]);
  });

  it('keeps input order within a kind, and hands out only jobs below the limit', () => {
    const q = new AffinityQueue(KINDS);
    expect(q.take(0, 5)).toBe(0);
    expect(q.take(0, 5)).toBe(4);
    expect(q.take(0, 5)).toBe(1);
    expect(q.take(1, 5)).toBe(2);
    expect(q.take(1, 5)).toBe(3);
    expect(q.take(1, 5)).toBeUndefined();
    expect(q.firstPending()).toBe(5);
  });
});
