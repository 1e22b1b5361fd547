import { describe, expect, it } from 'vitest';
import { parseNftables } from '../../parsers/nftables/index.js';
import { ruleWith } from '../../src/model/rule-copy.js';

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

  it('gives model rules their fields by name, made when read, and no undefined member', () => {
    const [first, second] = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    // Id, label, text, location and comment are read through getters (entry-rule.ts): not own members.
    for (const r of [first, second]) {
      const own = Object.keys(r ?? {}).filter((k) => !k.startsWith('_'));
      expect(own).toEqual(['match', 'action']);
      for (const k of own) expect(r?.[k as keyof typeof r]).not.toBeUndefined();
    }
    expect(first?.id).toMatch(/^nft-[0-9a-f]{12}$/);
    expect(first?.label).toBe(`rule "${first?.text ?? ''}" in inet fw input`);
    expect(first?.text).toBe('iifname lan0 ip saddr 10.0.0.0/24 tcp dport 22 accept');
    expect(first?.comment).toBeUndefined();
    expect(second?.label).toBe('rule "dns" in inet fw input');
    expect(second?.comment).toBe(' admin access\ndns');
  });

  it("copies a model rule with every field read by name (ruleWith), in the literal's order", () => {
    const [, second] = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    if (!second) throw new Error('no rule');
    const copy = ruleWith(second, { action: { kind: 'notrack' } });
    expect(Object.keys(copy)).toEqual(['id', 'loc', 'label', 'match', 'action', 'text', 'comment']);
    expect(copy).toMatchObject({ id: second.id, label: second.label, text: second.text, comment: second.comment });
    // A model rule's location is made when read (entry-rule.ts): the copy has the same members.
    expect(copy.loc).toEqual(second.loc);
    expect(copy.action).toEqual({ kind: 'notrack' });
  });

  it('gives rule locations the members of the literal, in order', () => {
    const [first] = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    expect(JSON.stringify(first?.loc)).toBe('{"file":"fw.nft","line":4,"column":5,"endLine":4,"endColumn":60}');
  });
});
