/** Random-ruleset building blocks the engine's property tests share (fast-check). */
import fc from 'fast-check';
import { addrSet, type AddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Interface, Match } from '../../src/model/policy.js';
import { portSet, protoSet } from '../../src/model/ports.js';
import { at } from './fixtures.js';

/** 10.0.0.n */
export const A = (n: number) => 0x0a000000n + BigInt(n);

/** An ordered pair of integers in [0, max]. */
export const span = (max: number) =>
  fc
    .tuple(fc.integer({ min: 0, max }), fc.integer({ min: 0, max }))
    .map(([x, y]): [number, number] => (x <= y ? [x, y] : [y, x]));

/** An interface with the networks 10.0.0.n–10.0.0.(n + width) and the address 10.0.0.n. */
export const ifaceAt = (name: string, role: Interface['role'], n: number, width: number): Interface => ({
  name,
  role,
  networks: addrSet([[A(n), A(n + width)]]),
  addresses: addrSet([[A(n), A(n)]]),
  enabled: true,
  loc: at(1),
});

/** Absent twice as often as present: random rules restrict only some dimensions. */
export const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

/** The addresses 10.0.0.x–10.0.0.y for an ordered pair in [0, max]. */
export const addrSpan = (max: number) => span(max).map(([x, y]) => addrSet([[A(x), A(y)]]));

/** A match on some of: source and destination (from `addrs`), TCP/UDP, a destination port range, input interface a or b. */
export const matchOf = (addrs: fc.Arbitrary<AddrSet>): fc.Arbitrary<Match> =>
  fc
    .record({
      src: opt(addrs),
      dst: opt(addrs),
      proto: opt(fc.subarray([6, 17], { minLength: 1 }).map((p) => protoSet(p))),
      dport: opt(span(8).map(([x, y]) => portSet([[x, y]]))),
      iif: opt(fc.constantFrom('a', 'b').map((n) => NameSet.of([n]))),
    })
    .map((r) => {
      const m: Match = {};
      for (const [k, v] of Object.entries(r)) if (v) (m as Record<string, unknown>)[k] = v;
      return m;
    });
