/**
 * TraceOptions.dnatOnly (src/engine/evaluate.ts): port-forward questions trace only what destination
 * NAT translates. On random rulesets (raw and filter stages before and after one or two DNAT stages,
 * input and forward paths, rdr pass, jumps) the parts are exactly the translated parts of the full
 * trace, in the same order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { box, isEmptyBox, type Box } from '../../src/engine/box.js';
import { tracePath, type Part } from '../../src/engine/evaluate.js';
import { unionOf } from '../../src/engine/box.js';
import { byForward, forwardsTo, portForwarded } from '../../src/lint/nat.js';
import { addrSet, formatAddrSet, NO_ADDR, type AddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Action, Chain, Rule, Stage } from '../../src/model/policy.js';
import { portSet } from '../../src/model/ports.js';
import { A, addrSpan, ifaceAt, matchOf, opt, span } from './arbitraries.js';
import { chain, rule, testPolicy } from './fixtures.js';

const addrs = addrSpan(12);
const matchArb = matchOf(addrs);

const filterAction = fc.constantFrom<Action>(
  { kind: 'accept' },
  { kind: 'drop' },
  { kind: 'continue' },
  { kind: 'jump', chain: 'sub' },
);
const natAction: fc.Arbitrary<Action> = fc.oneof(
  fc.constant<Action>({ kind: 'accept' }),
  fc.constant<Action>({ kind: 'dnat', to: { port: 7 } }),
  fc
    .tuple(fc.integer({ min: 0, max: 12 }), fc.boolean())
    .map(([n, pass]): Action => ({ kind: 'dnat', to: { addr: addrSet([[A(n), A(n)]]), port: 7 }, pass })),
);
const rulesArb = (prefix: string, actions: fc.Arbitrary<Action>, max: number) =>
  fc
    .array(fc.tuple(matchArb, actions), { maxLength: max })
    .map((rs) => rs.map(([m, a], i): Rule => ({ ...rule(i + 1, m, a), id: `${prefix}${i}` })));

function policyOf(raw: Rule[], pre: Rule[], nat1: Rule[], nat2: Rule[] | undefined, filter: Rule[], sub: Rule[]) {
  const chains: Chain[] = [
    chain('raw', raw, 'accept'),
    chain('pre', pre, 'accept'),
    chain('nat1', nat1, 'accept'),
    chain('nat2', nat2 ?? [], 'accept'),
    chain('filter', filter, 'drop'),
    chain('sub', sub),
  ];
  const dnat: Stage[] = [
    { name: 'dstnat', chains: ['nat1'], kind: 'dnat' },
    ...(nat2 ? [{ name: 'dstnat2', chains: ['nat2'], kind: 'dnat' as const }] : []),
  ];
  const head: Stage[] = [
    { name: 'raw', chains: ['raw'], kind: 'raw' },
    { name: 'pre', chains: ['pre'] },
  ];
  return testPolicy(
    chains,
    [...head, ...dnat, { name: 'filter', chains: ['filter'] }],
    [...head, ...dnat, { name: 'in', chains: ['filter'] }],
    [ifaceAt('a', 'wan', 0, 5), ifaceAt('b', 'lan', 6, 5)],
  );
}

const flowArb = fc
  .record({ dst: opt(addrs), dport: opt(span(8).map(([x, y]) => portSet([[x, y]]))) })
  .map((r) => {
    const parts: Partial<Box> = { iif: NameSet.of(['a']), state: NameSet.of(['new']) };
    if (r.dst) parts.dst = r.dst;
    if (r.dport) parts.dport = r.dport;
    return box(parts);
  })
  .filter((b) => !isEmptyBox(b));

const translated = (parts: Part[]) => parts.filter((p) => p.translations.some((t) => t.kind === 'dnat'));

/** The chains of policyOf: raw, pre-DNAT filter, one or two DNAT stages, filter, and the jump target. */
const rulesetArb = fc.tuple(
  rulesArb('r', fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'drop' }), 4),
  rulesArb('p', filterAction, 6),
  rulesArb('n', natAction, 6),
  fc.option(rulesArb('m', natAction, 4), { nil: undefined }),
  rulesArb('f', filterAction, 12),
  rulesArb('s', fc.constantFrom<Action>({ kind: 'accept' }, { kind: 'drop' }, { kind: 'return' }), 4),
);

describe('tracePath dnatOnly', () => {
  it('returns the translated parts of the full trace, in its order', () => {
    fc.assert(
      fc.property(rulesetArb, flowArb, ([raw, pre, nat1, nat2, filter, sub], flow) => {
        const p = policyOf(raw, pre, nat1, nat2, filter, sub);
        expect(tracePath(p, flow, { dnatOnly: true })).toEqual(translated(tracePath(p, flow)));
      }),
      { numRuns: 200 },
    );
  }, 120_000);

  it('dnatStop: per translation, the same boxes and translated packets as the full dnatOnly parts', () => {
    const byRule = (parts: Part[]) => {
      const m = new Map<string, { box: AddrSet; out: AddrSet }>();
      for (const p of parts) {
        const k = p.translations.map((t) => t.rule.id).join('>');
        const g = m.get(k) ?? { box: NO_ADDR, out: NO_ADDR };
        m.set(k, { box: g.box.union(p.box.dst), out: g.out.union(p.out.dst) });
      }
      return [...m.entries()]
        .map(([k, g]) => `${k}: ${formatAddrSet(g.box, 100)} -> ${formatAddrSet(g.out, 100)}`)
        .sort();
    };
    fc.assert(
      fc.property(rulesetArb, flowArb, addrs, ([raw, pre, nat1, nat2, filter, sub], flow, nets) => {
        const p = policyOf(raw, pre, nat1, nat2, filter, sub);
        const heads = tracePath(p, flow, { dnatOnly: true, dnatStop: true });
        expect(byRule(heads)).toEqual(byRule(tracePath(p, flow, { dnatOnly: true })));
        // forwardsTo (src/lint/nat.ts) against the grouping of portForwarded's parts it stands for.
        const ctx = { policy: p, wan: ['a'] };
        const reference = byForward(
          portForwarded(ctx).filter(({ part }) => part.out.dst.overlaps(nets)),
          (f) => f.dnat,
        ).map(
          ({ d, items }) =>
            `${d.rule.id} ${formatAddrSet(
              unionOf(
                items.map((f) => f.part.out),
                'dst',
              ),
              100,
            )}`,
        );
        const got = forwardsTo(ctx, nets).map(({ d, to }) => `${d.rule.id} ${formatAddrSet(to, 100)}`);
        expect(got).toEqual(reference);
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it('does not trace the untranslated rest through later stages', () => {
    const nat = [rule(1, { dport: portSet([[5060, 5060]]) }, { kind: 'dnat', to: { addr: addrSet([[A(7), A(7)]]) } })];
    const filter = [
      rule(2, { dport: portSet([[80, 80]]) }, 'accept'),
      rule(3, { dport: portSet([[443, 443]]) }, 'drop'),
    ];
    const p = policyOf([], [], nat, undefined, filter, []);
    const flow = box({ iif: NameSet.of(['a']), state: NameSet.of(['new']) });
    const parts = tracePath(p, flow, { dnatOnly: true });
    // Two parts (addressed to the firewall, and routed), both forwarded by r1; the filter's policy decides them.
    expect(parts.map((x) => [x.translations.map((t) => t.rule.id), x.verdict])).toEqual([
      [['r1'], 'drop'],
      [['r1'], 'drop'],
    ]);
    expect(tracePath(p, flow).length).toBeGreaterThan(parts.length);
  });
});
