import { describe, expect, it } from 'vitest';
import { parseNftables } from '../../parsers/nftables/index.js';
import { OTHER, SAME, sourceForm } from '../../parsers/nftables/rule-text.js';

/**
 * The direct reader tells sourceForm where the source holds a value's text as written (text-direct.ts
 * printedAt), and sourceForm does not compare those parts again: a define's value, scanned at its `$`,
 * must never count as written there, even when `$NAME` is as long as the value.
 */

const textOf = (src: string): string | undefined =>
  parseNftables(`table inet fw {\n  chain c {\n    ${src}\n  }\n}\n`, 'r.nft').ruleset.chains['inet fw c']?.rules[0]
    ?.text;

describe('parts known in place', () => {
  it('are skipped only where the source holds them', () => {
    const src = 'ip daddr { 1.2.3.4, 5.6.7.8 } accept';
    expect(sourceForm(['ip daddr', '{ 1.2.3.4, 5.6.7.8 }', 'accept'], src, 0, src.length, [-1, 9, -1])).toBe(SAME);
    // An offset that is not where the part comes is ignored: the part is compared (and differs here).
    expect(sourceForm(['ip daddr', '{ 9.9.9.9, 5.6.7.8 }', 'accept'], src, 0, src.length, [-1, 3, -1])).toBe(OTHER);
  });

  it('give the canonical text of rules with values written as printed', () => {
    expect(textOf('ip saddr 10.1.0.0/16 ip daddr { 192.0.2.1, 198.51.100.0/24 } tcp dport { 22, 443 } accept')).toBe(
      'ip saddr 10.1.0.0/16 ip daddr { 192.0.2.1, 198.51.100.0/24 } tcp dport { 22, 443 } accept',
    );
    expect(textOf('tcp dport 0443 accept')).toBe('tcp dport 443 accept');
  });

  it('never take a define for its value', () => {
    // `$WAN` and `wan0` have the same length: only the text of the value is the canonical text.
    const src =
      'define WAN = wan0\ntable inet fw {\n  chain c {\n    oifname $WAN ip daddr 10.0.0.0/8 accept\n  }\n}\n';
    expect(parseNftables(src, 'r.nft').ruleset.chains['inet fw c']?.rules[0]?.text).toBe(
      'oifname wan0 ip daddr 10.0.0.0/8 accept',
    );
  });
});
