/** Random-ruleset building blocks the engine's property tests share (fast-check). */
import fc from 'fast-check';
import { addrSet } from '../../src/model/address.js';
import type { Interface } from '../../src/model/policy.js';
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
