import { describe, expect, it } from 'vitest';
import { box, hull, intersect, subtract, type Box } from '../../src/engine/box.js';
import { evaluate, type Part } from '../../src/engine/evaluate.js';
import { ANY_V4, formatAddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import { formatPortSet } from '../../src/model/ports.js';
import { chain, ifs, net, ports, rule, ruleset, TCP, UDP } from './fixtures.js';

const phones = net('10.20.0.0/24');
const provider = net('185.72.208.0/22');
const flow = (extra: Partial<Box> = {}) =>
  box({
    src: phones,
    dst: provider,
    proto: UDP,
    dport: ports(10000, 65000),
    iif: ifs('voice'),
    oif: ifs('wan'),
    state: NameSet.of(['new']),
    ...extra,
  });

const accepted = (parts: Part[]) => parts.filter((p) => p.verdict === 'accept');
const dropped = (parts: Part[]) => parts.filter((p) => p.verdict === 'drop');
const lines = (parts: Part[]) => parts.map((p) => p.decidedBy.rule?.loc.line ?? 'policy');

describe('box algebra', () => {
  it('partitions a box exactly into the intersection and disjoint remainders', () => {
    const b = flow();
    const m = { dport: ports(20000, 30000), dst: net('185.72.208.0/24') };
    const inside = intersect(b, m)!;
    const rest = subtract(b, m);
    expect(rest.length).toBe(2);
    for (const r of rest) expect(intersect(r, m)).toBeUndefined();
    for (let i = 0; i < rest.length; i++)
      for (let j = i + 1; j < rest.length; j++) expect(intersect(rest[i]!, rest[j]!)).toBeUndefined();
    const all = [inside, ...rest];
    const size = (x: Box) => x.dport.size() * x.dst.size();
    expect(all.reduce((s, x) => s + size(x), 0n)).toBe(size(b));
    expect(hull(all)!.dport.equals(b.dport)).toBe(true);
  });
  it('returns the box untouched when the match is disjoint', () => {
    const b = flow();
    expect(subtract(b, { proto: TCP })).toEqual([b]);
    expect(intersect(b, { proto: TCP })).toBeUndefined();
  });
});

describe('first-match chains', () => {
  it('splits one evaluation of a port range by the first rule that matches each part', () => {
    const rs = ruleset(
      [
        chain(
          'fwd',
          [
            rule(10, { dport: ports(20000, 20010), proto: UDP }, 'drop'),
            rule(11, { iif: ifs('voice'), dst: provider }, 'accept'),
          ],
          'drop',
        ),
      ],
      [['fwd']],
    );
    const parts = evaluate(rs, 'forward', flow());
    expect(dropped(parts).map((p) => formatPortSet(p.box.dport))).toEqual(['20000-20010']);
    expect(lines(dropped(parts))).toEqual([10]);
    expect(accepted(parts).every((p) => p.decidedBy.rule?.loc.line === 11)).toBe(true);
    expect(
      formatPortSet(
        accepted(parts)
          .map((p) => p.box.dport)
          .reduce((a, b) => a.union(b)),
      ),
    ).toBe('10000-19999,20011-65000');
  });
  it('falls to the chain policy and says so', () => {
    const rs = ruleset([chain('fwd', [rule(5, { dst: net('185.72.208.0/23') }, 'accept')], 'drop')], [['fwd']]);
    const parts = evaluate(rs, 'forward', flow());
    const d = dropped(parts);
    expect(d.length).toBe(1);
    expect(d[0]!.decidedBy.policy?.reason).toBe('fwd policy');
    expect(formatAddrSet(d[0]!.box.dst)).toBe('185.72.210.0/23');
  });
  it('handles negated sets exactly (IPv4 only negation leaves IPv6 alone)', () => {
    const rs = ruleset([chain('fwd', [rule(3, { dst: ANY_V4.subtract(provider) }, 'drop')], 'accept')], [['fwd']]);
    expect(accepted(evaluate(rs, 'forward', flow())).length).toBe(1);
    const v6 = evaluate(rs, 'forward', flow({ dst: net('2001:db8::/32') }));
    expect(lines(v6)).toEqual(['policy']);
    expect(v6[0]!.verdict).toBe('accept');
  });
  it('follows jump, return and goto', () => {
    const voip = chain('voip', [
      rule(21, { dport: ports(5060) }, 'accept'),
      rule(22, { dport: ports(10000, 10999) }, 'return'),
      rule(23, {}, 'drop'),
    ]);
    const viaGoto = chain('g', [rule(31, { dport: ports(11000, 11999) }, 'accept')]);
    const fwd = chain(
      'fwd',
      [rule(1, { iif: ifs('voice') }, { kind: 'jump', chain: 'voip' }), rule(2, {}, 'accept')],
      'drop',
    );
    const rs = ruleset([fwd, voip, viaGoto], [['fwd']]);
    const parts = evaluate(rs, 'forward', flow({ dport: ports(5060) }));
    expect(lines(parts)).toEqual([21]);
    expect(parts[0]!.trail.map((s) => s.effect)).toEqual(['jump', 'accept']);
    // return resumes after the jump rule in the caller
    expect(lines(evaluate(rs, 'forward', flow({ dport: ports(10500) })))).toEqual([2]);
    expect(lines(evaluate(rs, 'forward', flow({ dport: ports(12000) })))).toEqual([23]);
    // goto: the end of the target returns from the calling chain too
    const rs2 = ruleset(
      [chain('fwd', [rule(1, {}, { kind: 'goto', chain: 'g' }), rule(2, {}, 'accept')], 'drop'), viaGoto],
      [['fwd']],
    );
    const p2 = evaluate(rs2, 'forward', flow({ dport: ports(5060) }));
    expect(p2[0]!.verdict).toBe('drop');
    expect(p2[0]!.decidedBy.policy).toBeDefined();
  });
});

describe('last-match chains (pf)', () => {
  it('lets the last matching non-quick rule win and a quick rule end evaluation', () => {
    const pf = chain(
      'pf-in',
      [
        rule(1, { dport: ports(10000, 65000) }, 'accept'), // non-quick pass
        rule(2, { dport: ports(30000, 40000) }, 'drop'), // non-quick block overrides
        rule(3, { iif: ifs('voice'), dport: ports(35000) }, 'accept', { quick: true }),
      ],
      'drop',
      'last-match',
    );
    const parts = evaluate(ruleset([pf], [['pf-in']]), 'forward', flow());
    const d = dropped(parts);
    expect(lines(d)).toEqual([2]);
    expect(formatPortSet(d[0]!.box.dport)).toBe('30000-34999,35001-40000');
    const q = accepted(parts).find((p) => p.decidedBy.rule?.loc.line === 3)!;
    expect(formatPortSet(q.box.dport)).toBe('35000');
  });
  it('keeps the default block when no rule matches', () => {
    const pf = chain('pf-in', [rule(1, { iif: ifs('lan') }, 'accept', { quick: true })], 'drop', 'last-match');
    const parts = evaluate(ruleset([pf], [['pf-in']]), 'forward', flow());
    expect(parts.map((p) => p.verdict)).toEqual(['drop']);
    expect(parts[0]!.decidedBy.policy?.reason).toBe('pf-in policy');
  });
});

describe('several base chains on one hook (nftables)', () => {
  it('an accept ends only its base chain; a later drop still drops', () => {
    const t1 = chain('t1', [rule(5, { iif: ifs('voice') }, 'accept')], 'accept');
    const t2 = chain('t2', [rule(9, { dport: ports(10000, 20000) }, 'drop')], 'accept');
    const parts = evaluate(ruleset([t1, t2], [['t1', 't2']]), 'forward', flow());
    expect(lines(dropped(parts))).toEqual([9]);
    expect(dropped(parts)[0]!.trail.map((s) => s.rule?.loc.line)).toEqual([5, 9]);
  });
  it('a packet must pass every stage', () => {
    const inC = chain('in', [rule(1, {}, 'accept')], 'drop');
    const outC = chain('out', [rule(7, { oif: ifs('wan'), dport: ports(5060) }, 'drop')], 'accept');
    const parts = evaluate(ruleset([inC, outC], [['in'], ['out']]), 'forward', flow({ dport: ports(5060, 5061) }));
    expect(lines(dropped(parts))).toEqual([7]);
    expect(formatPortSet(accepted(parts)[0]!.box.dport)).toBe('5061');
  });
});

describe('symbolic members', () => {
  it('marks parts a hostname rule might have matched as uncertain', () => {
    const r = rule(
      4,
      {
        dst: net('192.0.2.1/32'),
        symbolic: [{ field: 'dst', kind: 'fqdn', name: 'sip.example.net', loc: rule(4, {}, 'accept').loc }],
      },
      'accept',
    );
    const parts = evaluate(ruleset([chain('fwd', [r], 'drop')], [['fwd']]), 'forward', flow());
    expect(parts.length).toBe(1);
    expect(parts[0]!.verdict).toBe('drop');
    expect(parts[0]!.maybe.map((m) => m.loc.line)).toEqual([4]);
  });
});

describe('the nat dimension (ct status dnat / connection-nat-state)', () => {
  it('matches only flows a port-forward translated', () => {
    const fwd = chain('fwd', [rule(3, { nat: NameSet.of(['dnat']) }, 'accept')], 'drop');
    const rs = ruleset([fwd], [['fwd']]);
    expect(evaluate(rs, 'forward', flow()).map((p) => p.verdict)).toEqual(['drop']);
    expect(evaluate(rs, 'forward', flow({ nat: NameSet.of(['dnat']) })).map((p) => p.verdict)).toEqual(['accept']);
    expect(box({}).nat.equals(NameSet.of(['none']))).toBe(true);
  });
});
