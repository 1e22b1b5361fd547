/**
 * The model shares immutable pieces instead of copying them per rule (issue 15, model size): one-interval
 * port/protocol sets, a host address's bound, SNAT actions. Sharing must never change a value, and the
 * one-interval fast paths of intersect/overlaps must agree with the general ones.
 */
import { describe, expect, it } from 'vitest';
import { addrRange, parseAddressSpec } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { snatRule, dnatRule } from '../../src/model/nat-stages.js';
import { portSet, protoSet } from '../../src/model/ports.js';
import type { SnatRule } from '../../src/model/policy.js';

const loc = { file: 'f', line: 1, column: 1, endLine: 1 };

describe('shared model pieces', () => {
  it('one-interval number sets of the same universe and bounds are one object, with the same values', () => {
    const a = portSet([[5060, 5061]]);
    const b = IntervalSet.range(0, 65535, 5060, 5061);
    expect(a).toBe(b);
    expect([...a.intervals()]).toEqual([[5060, 5061]]);
    expect(protoSet([17])).toBe(protoSet([17]));
    // Another universe (protocols are 0-255) is another set.
    expect(IntervalSet.range(0, 255, 17, 17)).not.toBe(IntervalSet.range(0, 65535, 17, 17));
    expect(IntervalSet.range(0, 255, 17, 17).max).toBe(255);
    // Sets of several intervals are built as before.
    expect([
      ...portSet([
        [1, 2],
        [4, 5],
      ]).intervals(),
    ]).toEqual([
      [1, 2],
      [4, 5],
    ]);
  });

  it('a one-value number set stays one object however many other values are asked for', () => {
    const first = IntervalSet.range(0, 65535, 5, 5);
    // More distinct values than the table of ranges holds before it is cleared (SMALL_MAX).
    for (let p = 100; p < 20100; p++) IntervalSet.range(0, 65535, p, p);
    expect(IntervalSet.range(0, 65535, 5, 5)).toBe(first);
    expect(portSet([[5, 5]])).toBe(first);
    expect([...first.intervals()]).toEqual([[5, 5]]);
    expect(IntervalSet.range(0, 65535, 65535, 65535).max).toBe(65535);
    expect([...IntervalSet.range(0, 255, 0, 0).intervals()]).toEqual([[0, 0]]);
  });

  it('a host address holds one bound value', () => {
    const h = parseAddressSpec('192.0.2.7');
    expect(h?.bounds).toEqual([3221225991n, 3221225991n]);
    expect(h?.size()).toBe(1n);
    expect(addrRange(5n, 5n).equals(addrRange(5n, 5n))).toBe(true);
  });

  it('intersect and overlaps of one-interval sets agree with the members they share', () => {
    const ranges = [
      [0, 9],
      [5, 5],
      [5, 20],
      [10, 20],
      [21, 30],
      [0, 100],
      [100, 100],
    ] as const satisfies readonly (readonly [number, number])[];
    const sets = ranges.map(([lo, hi]) => IntervalSet.range<number>(0, 100, lo, hi));
    const members = (x: IntervalSet<number>): number[] =>
      Array.from({ length: 101 }, (_, v) => v).filter((v) => x.has(v));
    for (const x of sets)
      for (const y of sets) {
        const both = x.intersect(y);
        const shared = members(x).filter((v) => y.has(v));
        expect(members(both)).toEqual(shared);
        expect(both.intervalCount).toBe(shared.length === 0 ? 0 : 1);
        expect(x.overlaps(y)).toBe(shared.length > 0);
      }
  });

  it('SNAT rules with the same port behaviour share one action; the action is as before', () => {
    const s = (id: string, over: Partial<SnatRule> = {}): SnatRule => ({
      id,
      loc,
      label: id,
      match: {},
      action: 'translate',
      ports: 'random',
      portsReason: 'FortiGate rewrites source ports',
      ...over,
    });
    const [a, b, c] = [snatRule(s('1')), snatRule(s('2')), snatRule(s('3', { ports: 'preserve' }))];
    expect(a.action).toBe(b.action);
    expect(a.action).toEqual({ kind: 'snat', to: { ports: 'random', portsReason: 'FortiGate rewrites source ports' } });
    expect(c.action).toEqual({
      kind: 'snat',
      to: { ports: 'preserve', portsReason: 'FortiGate rewrites source ports' },
    });
    expect(snatRule(s('4', { uncertain: 'x' })).action).toEqual({
      kind: 'snat',
      to: { ports: 'random', portsReason: 'FortiGate rewrites source ports', uncertain: 'x' },
    });
    expect(snatRule(s('5', { action: 'none' })).action).toEqual({ kind: 'accept' });
    const d = dnatRule({
      id: 'd',
      loc,
      label: 'd',
      match: {},
      to: { addr: addrRange(1n, 1n) },
      action: 'none',
      bypassFilter: false,
    });
    expect(d.action).toEqual({ kind: 'accept' });
  });
});
