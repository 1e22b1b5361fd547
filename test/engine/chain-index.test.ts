/**
 * The compiled chain index (src/engine/chain-index.ts) against the plain walk of every rule, which
 * stays the reference: on random small rulesets and flow classes both give the same parts (boxes,
 * verdicts, trails, maybe-rules, translations, limits), in the same order.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { box, isEmptyBox, type Box } from '../../src/engine/box.js';
import { chainCandidates, chainIndexing, ChainIndex, type Candidates } from '../../src/engine/chain-index.js';
import { tracePath, type Part } from '../../src/engine/evaluate.js';
import { addrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Action, Chain, Match, Policy, Rule, Stage, SymbolicRef } from '../../src/model/policy.js';
import { portSet, protoSet } from '../../src/model/ports.js';
import { A, ifaceAt, span } from './arbitraries.js';
import { at, chain, ports, rule, testPolicy } from './fixtures.js';

const DEFAULTS = { ...chainIndexing };
/** Candidates as a plain list (the index answers with typed arrays; undefined: every rule). */
const list = (c: Candidates | undefined): number[] | undefined => (c?.rules ? Array.from(c.rules) : undefined);
afterEach(() => {
  Object.assign(chainIndexing, DEFAULTS);
});

const IFS = ['a', 'b', 'c'];
const addrs = fc
  .array(span(12), { minLength: 1, maxLength: 2 })
  .map((rs) => addrSet(rs.map(([x, y]) => [A(x), A(y)] as const)));
const portsArb = fc.array(span(8), { minLength: 1, maxLength: 2 }).map((rs) => portSet(rs));
const protos = fc.subarray([1, 6, 17], { minLength: 1 }).map((ps) => protoSet(ps));
const names = fc
  .tuple(fc.boolean(), fc.subarray(IFS, { minLength: 1 }))
  .map(([neg, ns]) => (neg ? NameSet.except(ns) : NameSet.of(ns)));
const states = fc.subarray(['new', 'established', 'related', 'untracked'], { minLength: 1 }).map((s) => NameSet.of(s));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

const symbolic = fc.record({ field: fc.constantFrom<'src' | 'dst'>('src', 'dst'), negated: fc.boolean() });

const matchArb = fc
  .record({
    src: opt(addrs),
    dst: opt(addrs),
    proto: opt(protos),
    sport: fc.option(portsArb, { nil: undefined, freq: 5 }),
    dport: opt(portsArb),
    iif: opt(names),
    oif: opt(names),
    state: fc.option(states, { nil: undefined, freq: 4 }),
    symbolic: fc.option(symbolic, { nil: undefined, freq: 5 }),
  })
  .map((r) => {
    const m: Match = {};
    for (const k of ['src', 'dst', 'proto', 'sport', 'dport', 'iif', 'oif', 'state'] as const)
      if (r[k]) (m as Record<string, unknown>)[k] = r[k];
    if (r.symbolic) {
      const s: SymbolicRef = { field: r.symbolic.field, kind: 'fqdn', name: 'sip.example', loc: at(1) };
      if (r.symbolic.negated) s.negated = true;
      m.symbolic = [s];
    }
    return m;
  });

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'drop' }) },
  { weight: 1, arbitrary: fc.constantFrom<Action>({ kind: 'reject' }, { kind: 'continue' }, { kind: 'return' }) },
  { weight: 2, arbitrary: fc.constantFrom<Action>({ kind: 'jump', chain: 'sub' }, { kind: 'goto', chain: 'sub' }) },
  { weight: 1, arbitrary: fc.constant<Action>({ kind: 'notrack' }) },
);
const natActionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ kind: 'accept' }),
  fc.constant<Action>({ kind: 'jump', chain: 'natsub' }),
  fc
    .integer({ min: 0, max: 12 })
    .map((n): Action => ({ kind: 'dnat', to: { addr: addrSet([[A(n), A(n)]]), port: 7 } })),
  fc.constant<Action>({ kind: 'snat', to: { ports: 'random' } }),
);

const rulesArb = (prefix: string, actions: fc.Arbitrary<Action>, max: number) =>
  fc
    .array(fc.tuple(matchArb, actions, fc.boolean()), { maxLength: max })
    .map((rs) => rs.map(([m, a, quick], i): Rule => ({ ...rule(i + 1, m, a, { quick }), id: `${prefix}${i}` })));

const IFACES = [ifaceAt('a', 'wan', 0, 3), ifaceAt('b', 'lan', 4, 3), ifaceAt('c', 'lan', 8, 3)];

function policyOf(
  main: Rule[],
  sub: Rule[],
  nat: Rule[],
  natsub: Rule[],
  lastMatch: boolean,
  policy: 'accept' | 'drop',
) {
  const chains: Chain[] = [
    chain('main', main, policy, lastMatch ? 'last-match' : 'first-match'),
    chain('sub', sub),
    chain('pre', nat, 'accept'),
    chain('natsub', natsub),
    chain('post', nat.slice().reverse(), 'accept'),
  ];
  const forward: Stage[] = [
    { name: 'dstnat', chains: ['pre'], kind: 'dnat' },
    { name: 'filter', chains: ['main'] },
    { name: 'srcnat', chains: ['post'], kind: 'snat' },
  ];
  const input: Stage[] = [
    { name: 'dstnat', chains: ['pre'], kind: 'dnat' },
    { name: 'filter', chains: ['main'] },
  ];
  return testPolicy(chains, forward, input, IFACES);
}

const flowArb = fc
  .record({
    src: opt(addrs),
    dst: opt(addrs),
    proto: opt(protos),
    dport: opt(portsArb),
    iif: opt(fc.constantFrom(...IFS).map((n) => NameSet.of([n]))),
    oif: opt(fc.subarray(IFS, { minLength: 1 }).map((n) => NameSet.of(n))),
    state: opt(states),
  })
  .map((r) => {
    const parts: Partial<Box> = {};
    for (const [k, v] of Object.entries(r)) if (v) (parts as Record<string, unknown>)[k] = v;
    return box(parts);
  })
  .filter((b) => !isEmptyBox(b));

function trace(p: Policy, flow: Box, minRules: number): Part[] {
  chainIndexing.minRules = minRules;
  return tracePath(p, flow);
}

describe('chain index (issue 15): the same parts as the plain walk', () => {
  it('on random rulesets, flows, NAT stages, jumps, last-match chains and symbolic members', () => {
    fc.assert(
      fc.property(
        rulesArb('m', actionArb, 30),
        rulesArb(
          's',
          fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'drop' }, { kind: 'return' }, { kind: 'notrack' }),
          12,
        ),
        rulesArb('n', natActionArb, 10),
        rulesArb('ns', natActionArb, 6),
        fc.boolean(),
        fc.constantFrom<'accept' | 'drop'>('accept', 'drop'),
        flowArb,
        (main, sub, nat, natsub, lastMatch, pol, flow) => {
          const p = policyOf(main, sub, nat, natsub, lastMatch, pol);
          const plain = trace(p, flow, Number.POSITIVE_INFINITY);
          expect(trace(p, flow, 0)).toEqual(plain);
          chainIndexing.few = 0; // every dimension queried
          expect(trace(p, flow, 0)).toEqual(plain);
          chainIndexing.buildAfter = 0; // every column built on first use
          expect(trace(p, flow, 0)).toEqual(plain);
          chainIndexing.few = DEFAULTS.few;
          chainIndexing.buildAfter = DEFAULTS.buildAfter;
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);

  it('lists only the rules a box can overlap, in rule order', () => {
    const rules = [
      rule(1, { dport: ports(5060), proto: protoSet([17]) }, 'accept'),
      rule(2, { dport: ports(443) }, 'accept'),
      rule(3, { iif: NameSet.of(['b']) }, 'drop'),
      rule(4, {}, 'continue'),
      rule(5, { dport: ports(5000, 6000), iif: NameSet.except(['a']) }, 'drop'),
      rule(
        6,
        { dst: addrSet([[A(1), A(1)]]), symbolic: [{ field: 'dst', kind: 'fqdn', name: 'x', loc: at(6) }] },
        'drop',
      ),
      rule(7, { proto: protoSet([6]), dport: ports(5060) }, 'accept'),
    ];
    chainIndexing.few = 0;
    chainIndexing.buildAfter = 0;
    const ix = new ChainIndex(rules);
    const q = box({ proto: protoSet([17]), dport: ports(5060), iif: NameSet.of(['a']), dst: addrSet([[A(5), A(5)]]) });
    // 2: port 443; 3: interface b; 7: tcp. 6 stays: its hostname may resolve to 10.0.0.5.
    expect(list(ix.candidates(q))).toEqual([0, 3, 4, 5]);
    expect(list(ix.candidates(box({})))).toBeUndefined();
  });

  it('builds an address or port column only once walks have tested enough candidates without it', () => {
    const rules = [rule(1, { dport: ports(1) }, 'accept'), rule(2, { dport: ports(2) }, 'accept')];
    chainIndexing.minRules = 0;
    chainIndexing.buildAfter = 3; // a column after 3 × 2 candidates tested
    const ix = new ChainIndex(rules);
    for (let k = 1; k <= 3; k++) {
      const c = ix.candidates(box({ dport: ports(10 + k) }));
      expect(list(c)).toBeUndefined();
      c.visited(2);
    }
    // Walks have tested 6 candidates: the next query builds the column, and it filters.
    expect(list(ix.candidates(box({ dport: ports(2) })))).toEqual([1]);
    expect(list(ix.candidates(box({ dport: ports(4) })))).toEqual([]);
  });

  it('builds no column while walks end after a few candidates', () => {
    const rules = Array.from({ length: 40 }, (_, i) => rule(i + 1, { dport: ports(i + 1) }, 'accept'));
    chainIndexing.buildAfter = 1;
    const ix = new ChainIndex(rules);
    for (let k = 0; k < 30; k++) {
      const c = ix.candidates(box({ dport: ports(100 + k) }));
      expect(list(c)).toBeUndefined();
      c.visited(1);
    }
  });

  it('builds columns over the rules of the queried interfaces only', () => {
    const rules = [
      rule(1, { iif: NameSet.of(['a']), dport: ports(1) }, 'accept'),
      rule(2, { iif: NameSet.of(['b']), dport: ports(2) }, 'accept'),
      rule(3, { dport: ports(2) }, 'accept'),
      rule(4, { iif: NameSet.of(['a']), dport: ports(2) }, 'accept'),
    ];
    chainIndexing.minRules = 0;
    chainIndexing.few = 0;
    chainIndexing.buildAfter = 1;
    const ix = new ChainIndex(rules);
    const q = box({ iif: NameSet.of(['a']), dport: ports(2) });
    const first = ix.candidates(q);
    expect(list(first)).toEqual([0, 2, 3]);
    first.visited(3);
    expect(list(ix.candidates(q))).toEqual([2, 3]);
    expect(list(ix.candidates(box({ iif: NameSet.of(['a']), dport: ports(1) })))).toEqual([0]);
    // Another interface has its own base, without a column yet.
    expect(list(ix.candidates(box({ iif: NameSet.of(['b']), dport: ports(1) })))).toEqual([1, 2]);
  });

  it('recompiles a chain whose rule list changed', () => {
    chainIndexing.minRules = 0;
    chainIndexing.buildAfter = 0;
    const c = chain('c', [rule(1, { dport: ports(1) }, 'accept')]);
    const q = box({ dport: ports(2) });
    expect(list(chainCandidates(c, q))).toEqual([]);
    c.rules.push(rule(2, { dport: ports(2) }, 'accept'));
    expect(list(chainCandidates(c, q))).toEqual([1]);
  });
});
