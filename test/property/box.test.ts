/**
 * Property tests (fast-check) of the box algebra (src/model/box.ts) against a brute-force reference:
 * boxes that vary in source address, destination port and ingress interface over small domains,
 * checked point by point (with one point outside the small range standing for "anything else").
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addrSet } from '../../src/model/address.js';
import { box, intersect, isEmptyBox, overlaps, subtract, subtractKnown, type Box } from '../../src/model/box.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Match } from '../../src/model/policy.js';
import { portSet } from '../../src/model/ports.js';

const SRC = [0n, 1n, 2n, 3n, 4n, 5n, 1000n];
const PORTS = [0, 1, 2, 3, 4, 5, 60000];
const IFS = ['a', 'b', 'c', 'zz'];

const span = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max }))
    .map(([x, y]): [number, number] => (x <= y ? [x, y] : [y, x]));
const srcSet = fc.option(
  fc.array(span(5), { maxLength: 3 }).map((rs) => addrSet(rs.map(([x, y]) => [BigInt(x), BigInt(y)] as const))),
  { nil: undefined },
);
const portsArb = fc.option(
  fc.array(span(5), { maxLength: 3 }).map((rs) => portSet(rs)),
  { nil: undefined },
);
const names = fc.option(
  fc.tuple(fc.boolean(), fc.subarray(['a', 'b', 'c'])).map(([neg, ns]) => (neg ? NameSet.except(ns) : NameSet.of(ns))),
  { nil: undefined },
);
const matchArb = fc.record({ src: srcSet, dport: portsArb, iif: names }).map((m) => {
  const out: Match = {};
  if (m.src) out.src = m.src;
  if (m.dport) out.dport = m.dport;
  if (m.iif) out.iif = m.iif;
  return out;
});
// The engine never holds an empty box (evaluate() returns nothing for one; intersect/subtract yield none).
const boxArb = matchArb.map((m) => box(m)).filter((b) => !isEmptyBox(b));

type Point = [bigint, number, string];
const POINTS: Point[] = SRC.flatMap((s) => PORTS.flatMap((p) => IFS.map((i) => [s, p, i] as Point)));

function inBox(b: Box | Match, [s, p, i]: Point): boolean {
  return (!b.src || b.src.has(s)) && (!b.dport || b.dport.has(p)) && (!b.iif || b.iif.has(i));
}

describe('box algebra (brute force over source × port × interface)', () => {
  it('intersect and overlaps are the pointwise intersection', () => {
    fc.assert(
      fc.property(boxArb, matchArb, (b, m) => {
        const both = POINTS.filter((pt) => inBox(b, pt) && inBox(m, pt));
        const i = intersect(b, m);
        expect(overlaps(b, m)).toBe(both.length > 0);
        if (!i) expect(both).toEqual([]);
        else {
          expect(isEmptyBox(i)).toBe(false);
          expect(POINTS.filter((pt) => inBox(i, pt))).toEqual(both);
        }
      }),
    );
  });

  it('subtract: disjoint pieces inside the box, outside the match, covering exactly box ∖ match', () => {
    fc.assert(
      fc.property(boxArb, matchArb, (b, m) => {
        const pieces = subtract(b, m);
        for (const pt of POINTS) {
          const holders = pieces.filter((p) => inBox(p, pt)).length;
          expect(holders).toBeLessThanOrEqual(1);
          expect(holders === 1).toBe(inBox(b, pt) && !inBox(m, pt));
        }
        for (const p of pieces) expect(isEmptyBox(p)).toBe(false);
      }),
    );
  });

  it('subtractKnown (the fast path of the chain walk) gives the boxes of subtract, in order, when they overlap', () => {
    fc.assert(
      fc.property(boxArb, matchArb, (b, m) => {
        const inside = intersect(b, m);
        if (inside) expect(subtractKnown(b, m, inside)).toEqual(subtract(b, m));
      }),
    );
  });
});
