import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';
import { ADDRESS, Sightings, addressValue } from '../../parsers/nftables/memo.js';
import { wordValue } from '../../parsers/nftables/text-rules.js';
import { parseAddressSpec, ANY_V4, type AddrSet } from '../../src/model/address.js';
import type { Policy, Rule } from '../../src/model/policy.js';
import { portSet } from '../../src/model/ports.js';

/**
 * The parser builds the model set of a value once and shares it between the rules that repeat it
 * (the same address, the same named set). Sharing must never mix up polarity, family, operator or
 * two tables' sets of the same name.
 */
function parse(text: string): Policy {
  const [p] = nftablesParser.parse(text, 'shared.nft', 'nftables');
  if (!p) throw new Error('no policy');
  return p;
}

function rules(p: Policy, chain: string): Rule[] {
  return (p.ruleset.chains[chain]?.rules ?? []).filter((r) => !r.implicit);
}

function addr(spec: string): AddrSet {
  const s = parseAddressSpec(spec);
  if (!s) throw new Error(spec);
  return s;
}

const TEXT = `
table inet a {
  set s { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.168.1.0/24 } }
  set ports { type inet_service; elements = { 22, 443 } }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ip saddr @s accept
    ip saddr != @s drop
    ip daddr @s tcp dport @ports accept
    tcp dport != @ports drop
    ip saddr 172.16.0.1 accept
    ip saddr != 172.16.0.1 drop
    ip daddr 172.16.0.1 accept
  }
}
table inet b {
  set s { type ipv4_addr; elements = { 203.0.113.7 } }
  chain forward {
    type filter hook forward priority filter; policy drop;
    ip saddr @s accept
  }
}
`;

describe('nftables: values shared between rules', () => {
  const p = parse(TEXT);
  const a = rules(p, 'inet a forward');
  const b = rules(p, 'inet b forward');
  const s = addr('10.0.0.0/8').union(addr('192.168.1.0/24'));

  it('a named set keeps its polarity, direction and table in every rule that names it', () => {
    expect(a[0]?.match.src?.equals(s)).toBe(true);
    expect(a[1]?.match.src?.equals(ANY_V4.subtract(s))).toBe(true);
    expect(a[2]?.match.dst?.equals(s)).toBe(true);
    expect(b[0]?.match.src?.equals(addr('203.0.113.7'))).toBe(true);
  });

  it('a named port set keeps its operator', () => {
    expect(
      a[2]?.match.dport?.equals(
        portSet([
          [22, 22],
          [443, 443],
        ]),
      ),
    ).toBe(true);
    expect(
      a[3]?.match.dport?.equals(
        portSet([
          [22, 22],
          [443, 443],
        ]).complement(),
      ),
    ).toBe(true);
  });

  it('the same address keeps its polarity and direction', () => {
    expect(a[4]?.match.src?.equals(addr('172.16.0.1'))).toBe(true);
    expect(a[5]?.match.src?.equals(ANY_V4.subtract(addr('172.16.0.1')))).toBe(true);
    expect(a[6]?.match.dst?.equals(addr('172.16.0.1'))).toBe(true);
    expect(a[6]?.match.src?.equals(ANY_V4)).toBe(true);
  });
});

describe('address values of shared prefix and range objects', () => {
  it('are kept on the object itself (memo.ts ADDRESS), once, and are what the text gives', () => {
    for (const [word, spec] of [
      ['10.1.0.0/16', '10.1.0.0/16'],
      ['10.0.0.1-10.0.0.9', '10.0.0.1-10.0.0.9'],
    ] as const) {
      const v = wordValue(word);
      const slot = (): unknown => (v as Record<PropertyKey, unknown>)[ADDRESS];
      expect(slot()).toBeNull();
      const first = addressValue(v);
      expect(slot()).toBe(first);
      expect(addressValue(v)).toBe(first);
      expect(first.set?.equals(addr(spec))).toBe(true);
    }
  });
});

describe('lists of literal values (memo.ts Sightings)', () => {
  it('a key is new at its first sighting, met again after it, and new again once cleared', () => {
    const seen = new Sightings();
    expect(seen.again('tcp dport { 22, 443 }')).toBe(false);
    expect(seen.again('tcp dport { 22, 443 }')).toBe(true);
    expect(seen.again('tcp dport { 22, 444 }')).toBe(false);
    seen.clear();
    expect(seen.again('tcp dport { 22, 443 }')).toBe(false);
  });

  it('a list is shared from its second sighting on, with the same ports in every rule', () => {
    // Five values: longer than the short lists memo.ts BoundsMemo takes, so the list goes by its text.
    const p = parse(`
table inet c {
  chain forward {
    type filter hook forward priority filter; policy drop;
    tcp dport { 5061, 5070, 5080, 5090, 6000 } accept
    tcp dport { 5061, 5070, 5080, 5090, 6000 } accept
    tcp dport { 5061, 5070, 5080, 5090, 6000 } accept
  }
}
`);
    const [r1, r2, r3] = rules(p, 'inet c forward').map((r) => r.match.dport);
    const want = portSet([
      [5061, 5061],
      [5070, 5070],
      [5080, 5080],
      [5090, 5090],
      [6000, 6000],
    ]);
    for (const d of [r1, r2, r3]) expect(d?.equals(want)).toBe(true);
    // A list takes a memo entry at its second sighting (most are written once): the first rule keeps its
    // own set, and the later ones share one.
    expect(r2).not.toBe(r1);
    expect(r3).toBe(r2);
  });

  it('a short list is shared from its first sighting on (memo.ts BoundsMemo), ports and addresses', () => {
    const p = parse(`
table inet c {
  chain forward {
    type filter hook forward priority filter; policy drop;
    ip daddr { 192.0.2.1, 198.51.100.0/24 } tcp dport { 5061, 5070, 5080 } accept
    ip daddr { 192.0.2.1, 198.51.100.0/24 } tcp dport { 5061, 5070, 5080 } accept
    ip daddr { 192.0.2.2, 198.51.100.0/24 } tcp dport { 5070, 5061, 5080 } accept
  }
}
`);
    const [r1, r2, r3] = rules(p, 'inet c forward').map((r) => r.match);
    const want = portSet([
      [5061, 5061],
      [5070, 5070],
      [5080, 5080],
    ]);
    for (const m of [r1, r2, r3]) expect(m?.dport?.equals(want)).toBe(true);
    // No text is kept for a short list, so the first rule's set is the one the next share.
    expect(r2?.dport).toBe(r1?.dport);
    expect(r2?.dst).toBe(r1?.dst);
    // Other bounds (other addresses, the same ports in another order) make a set of their own.
    expect(r3?.dport).not.toBe(r1?.dport);
    expect(r3?.dst).not.toBe(r1?.dst);
    expect(r1?.dst && r3?.dst?.equals(r1.dst)).toBe(false);
  });
});
