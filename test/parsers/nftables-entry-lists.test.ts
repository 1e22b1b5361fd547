import { describe, expect, it } from 'vitest';
import { parseNftables } from '../../parsers/nftables/index.js';

/**
 * buildChain (rules.ts) makes a chain's entry lists at the number of entries its rules will give and
 * fills them by index: a rule that gives no entry (unreadable: FWL900) must not leave an empty slot in
 * the model's chain, and a verdict map that gives several must not lose any.
 */
describe('nftables chain entry lists', () => {
  it('hold exactly the entries given when a rule gives none', () => {
    const text = [
      'table inet fw {',
      '  chain input {',
      '    type filter hook input priority filter; policy drop;',
      '    tcp dport 22 accept',
      '    inner ip saddr 10.0.0.1 accept',
      '    tcp dport 80 accept',
      '  }',
      '}',
      '',
    ].join('\n');
    const p = parseNftables(text, 'fw.nft');
    const rules = p.ruleset.chains['inet fw input']?.rules ?? [];
    expect(rules).toHaveLength(2);
    expect(rules.map((r) => r.text)).toEqual(['tcp dport 22 accept', 'tcp dport 80 accept']);
    expect(p.unsupported.map((u) => u.what).join()).toMatch(/inner/);
  });

  it('list each jump target once, in the order of its first jump (the chains evaluated and reported in that order)', () => {
    const text = [
      'table inet fw {',
      '  chain a {',
      '    inner ip saddr 10.0.0.1 accept',
      '  }',
      '  chain b {',
      '    inner ip saddr 10.0.0.2 accept',
      '  }',
      '  chain input {',
      '    type filter hook input priority filter; policy drop;',
      '    tcp dport 22 jump b',
      '    tcp dport 23 jump a',
      '    tcp dport 24 jump b',
      '  }',
      '}',
      '',
    ].join('\n');
    const p = parseNftables(text, 'fw.nft');
    // Evaluated depth first from the last target listed: a (its only jump at line 11) before b.
    const lines = p.unsupported.filter((u) => u.what.includes('inner')).map((u) => u.loc.line);
    expect(lines).toEqual([3, 6]);
    const input = p.ruleset.chains['inet fw input']?.rules ?? [];
    expect(input.map((r) => (r.action.kind === 'jump' ? r.action.chain : r.action.kind))).toEqual([
      'inet fw b',
      'inet fw a',
      'inet fw b',
    ]);
  });

  it('grow past one entry per rule when a rule gives several (a verdict map: one per element)', () => {
    const text = [
      'table inet fw {',
      '  chain input {',
      '    type filter hook input priority filter; policy drop;',
      '    tcp dport vmap { 22 : accept, 80 : drop, 443 : accept }',
      '  }',
      '}',
      '',
    ].join('\n');
    const rules = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    expect(rules).toHaveLength(3);
    expect(rules.map((r) => r.action.kind)).toEqual(['accept', 'drop', 'accept']);
  });

  it('grow past the count made first when a rule left to the passes gives several (a named verdict map)', () => {
    const text = [
      'table inet fw {',
      '  map m {',
      '    type inet_service : verdict',
      '    elements = { 22 : accept, 80 : drop }',
      '  }',
      '  chain input {',
      '    type filter hook input priority filter; policy drop;',
      '    tcp dport vmap @m',
      '    tcp dport 443 accept',
      '  }',
      '}',
      '',
    ].join('\n');
    const rules = parseNftables(text, 'fw.nft').ruleset.chains['inet fw input']?.rules ?? [];
    expect(rules.map((r) => r.action.kind)).toEqual(['accept', 'drop', 'accept']);
    expect(rules.map((r) => r.text)).toEqual(['tcp dport vmap @m', 'tcp dport vmap @m', 'tcp dport 443 accept']);
  });
});
