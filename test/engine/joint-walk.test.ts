import { describe, expect, it } from 'vitest';
import { ANY_BOX, box } from '../../src/engine/box.js';
import { evaluate, type Part } from '../../src/engine/evaluate.js';
import { hullOf, mayOverlap } from '../../src/engine/hull.js';
import { NameSet } from '../../src/model/name-set.js';
import { formatPortSet, formatProtoSet, protoSet } from '../../src/model/ports.js';
import { chain, ifs, net, ports, rule, ruleset, TCP, UDP } from './fixtures.js';

const show = (p: Part) =>
  `${p.verdict} ${formatProtoSet(p.box.proto)} ${formatPortSet(p.box.dport)} by ${p.decidedBy.rule?.id ?? 'policy'}`;

describe('engine: pieces entering a chain together', () => {
  it("keep each piece's results together, in the order of the pieces, as walks one by one give them", () => {
    // The first stage splits the flow: tcp leaves its chain first (the rest), then udp (the continue).
    const pre = chain('pre', [rule(1, { proto: UDP }, 'continue')], 'accept');
    // Rules alternate between the two pieces: a walk in rule order would interleave their results.
    const fw = chain(
      'fw',
      [
        rule(2, { proto: UDP, dport: ports(1, 10) }, 'accept'),
        rule(3, { proto: TCP, dport: ports(1, 10) }, 'drop'),
        rule(4, { proto: UDP, dport: ports(11, 20) }, 'drop'),
        rule(5, { proto: TCP }, 'accept'),
      ],
      'drop',
    );
    const rs = ruleset([pre, fw], [['pre'], ['fw']]);
    const flow = box({
      src: net('10.0.0.0/24'),
      dst: net('192.0.2.0/24'),
      proto: protoSet([6, 17]),
      dport: ports(1, 100),
    });
    expect(evaluate(rs, 'forward', flow).map(show)).toEqual([
      'drop tcp 1-10 by r3',
      'drop udp 11-20 by r4',
      'drop udp 21-100 by policy',
      'accept tcp 11-100 by r5',
      'accept udp 1-10 by r2',
    ]);
  });
});

describe('engine/hull', () => {
  it('keeps the sets the boxes share and widens the others to anything', () => {
    const a = box({ src: net('10.0.0.0/24'), proto: TCP, iif: ifs('lan') });
    const b = { ...a, proto: UDP };
    const h = hullOf([a, b]);
    expect(h.src).toBe(a.src);
    expect(h.iif).toBe(a.iif);
    expect(h.proto).toBe(ANY_BOX.proto);
    expect(hullOf([a])).toEqual(a);
  });

  it('tests every dimension but state and the NAT mark', () => {
    const h = box({ src: net('10.0.0.0/24'), iif: ifs('lan'), state: NameSet.of(['new']) });
    expect(mayOverlap(h, { src: net('10.0.0.0/25') })).toBe(true);
    expect(mayOverlap(h, { src: net('10.1.0.0/24') })).toBe(false);
    expect(mayOverlap(h, { iif: ifs('wan') })).toBe(false);
    // notrack can make a piece untracked within the walk: the state is no reason to skip a rule.
    expect(mayOverlap(h, { state: NameSet.of(['untracked']) })).toBe(true);
  });
});
