import { describe, expect, it } from 'vitest';
import { parseNftables } from '../../parsers/nftables/index.js';

/**
 * The text reader makes its long-lived records (rule locations among them) by `new` rather than as
 * literals (toolkit/location.ts says why). What reaches the model must stay what the literals gave:
 * the same members in the same order, and no member that is merely undefined (JSON, Object.keys and
 * spreads see them); a class with optional members declared as fields would add them as undefined.
 */
describe('nftables records made by new', () => {
  const text = [
    'table inet fw {',
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    iifname "lan0" ip saddr 10.0.0.0/24 tcp dport 22 accept',
    '    # admin access',
    '    iifname "lan1" udp dport 53 accept comment "dns"',
    '  }',
    '}',
    '',
  ].join('\n');

  it('gives model rules their members in order, and no undefined member', () => {
    const [first, second] = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    expect(Object.keys(first ?? {})).toEqual(['id', 'loc', 'label', 'match', 'action', 'text']);
    expect(Object.keys(second ?? {})).toEqual(['id', 'loc', 'label', 'match', 'action', 'text', 'comment']);
    expect(second?.comment).toBe(' admin access\ndns');
    for (const r of [first, second]) for (const v of Object.values(r ?? {})) expect(v).not.toBeUndefined();
  });

  it('gives rule locations the members of the literal, in order', () => {
    const [first] = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    expect(JSON.stringify(first?.loc)).toBe('{"file":"fw.nft","line":4,"column":5,"endLine":4,"endColumn":60}');
  });
});
