/**
 * A rate condition fwlint does not model (limit, quota, meter) is reported once, with one account of
 * how the rule is evaluated, and that account follows the rule's verdict: an accept is evaluated as if
 * the condition held, a drop as if it never held. The reason used to say "for traffic within the
 * rate" as well, which a drop rule contradicted.
 */
import { describe, expect, it } from 'vitest';
import { nftablesParser } from '../../parsers/nftables/index.js';

function whyOf(rule: string): string[] {
  const text = `table inet t {\n\tchain c {\n\t\ttype filter hook forward priority 0; policy accept;\n\t\t${rule}\n\t}\n}\n`;
  const [p] = nftablesParser.parse(text, 'rate.nft', 'nftables', {});
  return (p?.unsupported ?? []).map((u) => u.why);
}

describe('rate conditions in FWL900', () => {
  it('an accept rule: evaluated as if the condition held, said once', () => {
    const [why, ...rest] = whyOf('udp dport 5060 limit rate 5/second accept');
    expect(rest).toEqual([]);
    expect(why).toBe(
      'a rate limit: packets beyond the rate do not match; fwlint evaluates the rule as if the condition held',
    );
  });

  it('a drop rule: evaluated as if the condition never held, and nothing says otherwise', () => {
    for (const stmt of ['limit rate over 5/second', 'quota over 10 mbytes']) {
      const [why] = whyOf(`udp dport 5060 ${stmt} drop`);
      expect(why).toMatch(/; fwlint evaluates this drop rule as if the condition never held$/);
      expect(why?.match(/fwlint evaluates/g)).toHaveLength(1);
    }
  });
});
