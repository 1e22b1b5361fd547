/**
 * TraceOptions.cover (src/engine/evaluate.ts) and its reader outboundNat (src/lint/nat.ts): on random
 * rulesets (notrack before conntrack, a filter stage before DNAT, DNAT, a filter stage of two base chains
 * with jumps, first-match or last-match, source NAT that translates, exempts or drops, a filter stage
 * after source NAT) the cover trace accepts exactly the source addresses the full trace accepts, and
 * outboundNat's groups are those of the full trace: same order, same rules, same source addresses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { box, type Box } from '../../src/engine/box.js';
import { tracePath, type Part } from '../../src/engine/evaluate.js';
import { outboundNat, snatView, type OutboundPart } from '../../src/lint/nat.js';
import { addrSet, ANY_V4, formatAddrSet, NO_ADDR, type AddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Action, Chain, Match, Policy, Rule, Stage } from '../../src/model/policy.js';
import { protoSet } from '../../src/model/ports.js';
import { INTERNET_V4 as INTERNET } from '../../src/lint/topology.js';
import { ownAddresses } from '../../src/site/evidence.js';
import { A, addrSpan, ifaceAt, matchOf } from './arbitraries.js';
import { chain, rule, testPolicy } from './fixtures.js';

const addrs = addrSpan(24);
const matchArb = matchOf(addrs);

const filterAction = fc.constantFrom<Action>(
  { kind: 'accept' },
  { kind: 'accept' },
  { kind: 'drop' },
  { kind: 'continue' },
  { kind: 'jump', chain: 'sub' },
);
const dnatAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ kind: 'accept' }),
  fc.integer({ min: 0, max: 24 }).map((n): Action => ({ kind: 'dnat', to: { addr: addrSet([[A(n), A(n)]]) } })),
);
const snatAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ kind: 'accept' }),
  fc.constant<Action>({ kind: 'drop' }),
  fc.constant<Action>({ kind: 'jump', chain: 'natsub' }),
  fc.constantFrom<Action>(
    { kind: 'snat', to: { ports: 'preserve' } },
    { kind: 'snat', to: { ports: 'random' } },
    { kind: 'snat', to: { addr: addrSet([[A(30), A(30)]]), ports: 'preserve' } },
  ),
);
const rulesArb = (prefix: string, actions: fc.Arbitrary<Action>, max: number) =>
  fc
    .array(fc.tuple(matchArb, actions, fc.boolean()), { maxLength: max })
    .map((rs) => rs.map(([m, a, quick], i): Rule => ({ ...rule(i + 1, m, a), id: `${prefix}${i}`, quick })));

interface Shape {
  raw: Rule[];
  pre: Rule[];
  dnat: Rule[];
  filter: Rule[];
  filter2: Rule[];
  sub: Rule[];
  snat: Rule[];
  natsub: Rule[];
  out: Rule[];
  lastMatch: boolean;
}

function policyOf(s: Shape): Policy {
  const chains: Chain[] = [
    chain('raw', s.raw, 'accept'),
    chain('pre', s.pre, 'accept'),
    chain('dnat', s.dnat, 'accept'),
    chain('filter', s.filter, 'drop', s.lastMatch ? 'last-match' : 'first-match'),
    chain('filter2', s.filter2, 'accept'),
    chain('sub', s.sub),
    chain('snat', s.snat, 'accept'),
    chain('natsub', s.natsub),
    chain('out', s.out, 'accept'),
  ];
  const head: Stage[] = [
    { name: 'raw', chains: ['raw'], kind: 'raw' },
    { name: 'pre', chains: ['pre'] },
    { name: 'dstnat', chains: ['dnat'], kind: 'dnat' },
  ];
  return testPolicy(
    chains,
    [
      ...head,
      { name: 'forward', chains: ['filter', 'filter2'] },
      { name: 'srcnat', chains: ['snat'], kind: 'snat' },
      { name: 'out', chains: ['out'] },
    ],
    [...head, { name: 'in', chains: ['filter'] }],
    [ifaceAt('a', 'wan', 0, 5), ifaceAt('b', 'lan', 6, 5)],
  );
}

const shapeArb: fc.Arbitrary<Shape> = fc.record({
  raw: rulesArb('r', fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'notrack' }), 2),
  pre: rulesArb('p', filterAction, 3),
  dnat: rulesArb('d', dnatAction, 3),
  filter: rulesArb('f', filterAction, 12),
  filter2: rulesArb('g', filterAction, 4),
  sub: rulesArb('s', fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'drop' }, { kind: 'return' }), 5),
  snat: rulesArb('n', snatAction, 4),
  natsub: rulesArb(
    'm',
    snatAction.filter((a) => a.kind !== 'jump'),
    3,
  ),
  out: rulesArb('o', fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'drop' }), 2),
  lastMatch: fc.boolean(),
});

const srcOf = (parts: readonly Part[]): AddrSet =>
  parts.filter((p) => p.verdict === 'accept').reduce((acc, p) => acc.union(p.box.src), NO_ADDR);

/** The groups outboundNat promises, computed from the full trace: accepted parts that still leave for the Internet. */
function reference(policy: Policy, flow: Box): OutboundPart[] {
  const groups = new Map<string, OutboundPart>();
  for (const p of tracePath(policy, flow, { path: 'forward', wan: ['a'] })) {
    if (p.verdict !== 'accept' || p.path !== 'forward' || !p.out.dst.overlaps(INTERNET)) continue;
    const rule = snatView(policy, p);
    // Untracked parts are grouped by the notrack that took them out of connection tracking (the last one).
    const notrack = p.untracked ? p.trail.filter((st) => st.effect === 'notrack' && st.rule).pop()?.rule : undefined;
    const k = `${p.untracked ? `untracked:${notrack?.id ?? ''}` : ''}|${rule?.action ?? ''}|${rule?.id ?? ''}`;
    const g = groups.get(k);
    if (g) g.src = g.src.union(p.box.src);
    else
      groups.set(k, {
        src: p.box.src,
        ...(rule ? { rule } : {}),
        ...(p.untracked ? { untracked: true } : {}),
        ...(notrack ? { notrack: { id: notrack.id, loc: notrack.loc, label: notrack.label } } : {}),
        boxes: [],
        whole: flow,
      });
  }
  return [...groups.values()];
}

/** The grouping outboundNat promises (the boxes are for wording: without the filters when every part gets one treatment). */
const shown = (parts: readonly OutboundPart[]) =>
  parts
    .map((p) => ({ src: formatAddrSet(p.src, 1000), rule: p.rule, untracked: p.untracked, notrack: p.notrack?.id }))
    .map((p) => JSON.stringify(p));

describe('tracePath cover', () => {
  it('accepts exactly the source addresses the full trace accepts, and only accepted parts', () => {
    fc.assert(
      fc.property(shapeArb, addrs, (s, src) => {
        const policy = policyOf(s);
        const flow = box({ src, iif: NameSet.of(['b']), oif: NameSet.of(['a']), state: NameSet.of(['new']) });
        const full = tracePath(policy, flow, { path: 'forward', wan: ['a'] });
        const cover = tracePath(policy, flow, { path: 'forward', wan: ['a'], cover: true });
        expect(cover.filter((p) => p.verdict === 'accept').length).toBeLessThanOrEqual(
          full.filter((p) => p.verdict === 'accept').length,
        );
        expect(formatAddrSet(srcOf(cover), 1000)).toBe(formatAddrSet(srcOf(full), 1000));
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it("outboundNat's groups are the full trace's, in its order", () => {
    fc.assert(
      fc.property(shapeArb, addrs, (s, src) => {
        const policy = policyOf(s);
        const flow = box({
          src: src.intersect(ANY_V4).subtract(ownAddresses(policy)),
          dst: INTERNET.subtract(ownAddresses(policy)),
          iif: NameSet.of(['b']),
          oif: NameSet.of(['a']),
          state: NameSet.of(['new']),
        });
        const got = outboundNat({ policy, wan: ['a'] }, { label: 'phones', iface: 'b', networks: src });
        expect(shown(got)).toEqual(shown(reference(policy, flow)));
      }),
      { numRuns: 400 },
    );
  }, 120_000);

  it('stops at the first accept that covers the sources (the rules after it are not visited)', () => {
    const m = (n: number): Match => ({ dst: addrSet([[A(n), A(n)]]) });
    const split = Array.from({ length: 50 }, (_, i) => rule(i + 2, m(i), i % 2 ? 'drop' : 'accept'));
    const policy = policyOf({
      raw: [],
      pre: [],
      dnat: [],
      filter: [rule(1, { proto: protoSet([6]) }, 'accept'), ...split],
      filter2: [],
      sub: [],
      snat: [rule(1, {}, { kind: 'snat', to: { ports: 'preserve' } })],
      natsub: [],
      out: [],
      lastMatch: false,
    });
    const flow = box({ src: addrSet([[A(6), A(11)]]), iif: NameSet.of(['b']), state: NameSet.of(['new']) });
    const cover = tracePath(policy, flow, { path: 'forward', wan: ['a'], cover: true });
    expect(cover.filter((p) => p.verdict === 'accept').length).toBe(1);
    const full = tracePath(policy, flow, { path: 'forward', wan: ['a'] });
    expect(full.filter((p) => p.verdict === 'accept').length).toBeGreaterThan(25);
    expect(formatAddrSet(srcOf(cover))).toBe(formatAddrSet(srcOf(full)));
  });
});
