/**
 * A mark condition fwlint does not model is written as nft prints it (hexadecimal), whether the
 * ruleset was read from text or from `nft -j`, whose JSON gives marks as numbers: the FWL900 text and
 * its fingerprint must not depend on which of the two forms of one ruleset was linted.
 */
import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';

function whatOf(text: string, file: string): string[] {
  const [p] = nftablesParser.parse(text, file, 'nftables', {});
  return (p?.unsupported ?? []).map((u) => u.what);
}

const json = (right: unknown, key: 'meta' | 'ct') =>
  JSON.stringify({
    nftables: [
      { table: { family: 'inet', name: 't', handle: 1 } },
      {
        chain: {
          family: 'inet',
          table: 't',
          name: 'c',
          handle: 1,
          type: 'filter',
          hook: 'forward',
          prio: 0,
          policy: 'accept',
        },
      },
      {
        rule: {
          family: 'inet',
          table: 't',
          chain: 'c',
          handle: 2,
          expr: [{ match: { op: '==', left: { [key]: { key: 'mark' } }, right } }, { accept: null }],
        },
      },
    ],
  });

const text = (cond: string) =>
  `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\t${cond} accept\n\t}\n}\n`;

describe('mark values in FWL900', () => {
  it('text and nft -j give the same words: a range, a set, a single value, meta and ct', () => {
    const cases: [string, unknown, 'meta' | 'ct', string][] = [
      ['meta mark 0x00000010-0x00000020', { range: [16, 32] }, 'meta', 'mark 0x00000010-0x00000020'],
      ['meta mark { 0x00000001, 0x00000002 }', { set: [1, 2] }, 'meta', 'mark { 0x00000001, 0x00000002 }'],
      ['ct mark 0x0000002a', 42, 'ct', 'ct mark 0x0000002a'],
    ];
    for (const [cond, right, key, want] of cases) {
      expect(whatOf(text(cond), 'm.nft'), cond).toEqual([want]);
      expect(whatOf(json(right, key), 'm.json'), cond).toEqual([want]);
    }
  });
});
