/**
 * describePart (rules/required-flows.ts) words the part of a required flow that one rule blocks, after
 * "blocked": a part narrower in its addresses or interfaces needs a noun ("blocked for traffic from
 * 192.0.2.1"), one narrower in its protocol or ports does not ("blocked for port 5060").
 */
import { describe, expect, it } from 'vitest';
import { describePart } from '../../rules/required-flows.js';
import { box, describeBox } from '../../src/model/box.js';
import { ANY_V4, parseAddressSpec } from '../../src/model/address.js';
import { INTERNET } from '../../src/lint/topology.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';
import type { Part } from '../../src/engine/evaluate.js';

const whole = box({ proto: protoSet([PROTO.udp]), dport: portSet([[5060, 5061]]) });
const part = (b: ReturnType<typeof box>) => ({ box: b }) as Part;
const addr = (spec: string) => {
  const a = parseAddressSpec(spec);
  if (!a) throw new Error(spec);
  return a;
};

describe('describePart', () => {
  it('says "entirely" for the whole flow', () => {
    expect(describePart([part(whole)], whole)).toBe('entirely');
  });

  it('puts a narrower port right after "for"', () => {
    expect(describePart([part({ ...whole, dport: portSet([[5060, 5060]]) })], whole)).toBe('for port 5060');
  });

  it('gives a part narrower in its source or destination a noun', () => {
    expect(describePart([part({ ...whole, src: addr('192.0.2.1') })], whole)).toBe('for traffic from 192.0.2.1');
    expect(describePart([part({ ...whole, dst: addr('198.51.100.0/24') })], whole)).toBe(
      'for traffic to 198.51.100.0/24',
    );
  });
});

describe('describePart names the Internet in words', () => {
  it('writes "Internet addresses except …" instead of the list of prefixes around one address', () => {
    const internet = INTERNET.intersect(ANY_V4);
    const w = { ...whole, src: internet };
    expect(describePart([part({ ...w, src: internet.subtract(addr('189.45.79.238')) })], w)).toBe(
      'for traffic from Internet addresses except 189.45.79.238',
    );
  });
});

describe('describeBox', () => {
  it('names ICMP types only for ICMP traffic (explain printed "echo request" for a UDP flow)', () => {
    expect(describeBox(box({ proto: protoSet([PROTO.udp]), dport: portSet([[5060, 5060]]) }))).toBe(
      'udp port 5060 from any to any',
    );
    expect(describeBox(box({ proto: protoSet([PROTO.icmp]) }))).toBe('icmp from any to any echo request');
  });
});
