import { describe, expect, it } from 'vitest';
import { buildPolicy } from '../../parsers/nftables/index.js';
import { readInventory } from '../../parsers/nftables/inventory.js';
import type { NDocument } from '../../parsers/nftables/ir.js';
import { Preparer } from '../../parsers/nftables/prepare.js';
import { addElements, hasWords, shapeWords } from '../../parsers/nftables/set-words.js';
import { readText } from '../../parsers/nftables/text-parser.js';
import type { NSet } from '../../parsers/nftables/ir.js';
import { IntervalSet } from '../../src/model/interval-set.js';

/**
 * Named sets the direct reader keeps as words (set-words.ts): every pass must read them as it reads
 * their values (the generic path's), whatever the words' forms and however the elements were added.
 */

function plain(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return `${String(v)}n`;
  if (v instanceof IntervalSet) return { iv: [v.min, v.max, [...(v.bounds as readonly unknown[])]] };
  if (v instanceof Map) return { map: [...(v as Map<unknown, unknown>)] };
  if (v instanceof Set) return { set: [...(v as Set<unknown>)] };
  return v;
}

function read(text: string, direct: boolean): NDocument {
  return readText(text, 'w.nft', {}, new Preparer({}, direct));
}

function outcome(text: string, direct: boolean): string {
  const doc = read(text, direct);
  const policy = buildPolicy(doc, {});
  const inventory = readInventory(doc, text);
  return JSON.stringify({ rules: policy.ruleset, unsupported: policy.unsupported, inventory }, plain);
}

const TEXT = `table inet w {
  set a { type ipv4_addr; flags interval; elements = { 10.0.0.0/8, 192.0.2.0/024, 198.51.100.7,
    203.0.113.1-203.0.113.9, 100.64.0.0/10 } }
  set p { type inet_service; flags interval; elements = { 22, 0080, 8000-8100, 443 } }
  set q { type ipv4_addr; elements = { 10.1.0.0/16 } }
  set h { type ipv4_addr; elements = { 10.9.0.1 } }
  chain c {
    type filter hook forward priority 0; policy drop;
    ip saddr @a accept
    ip daddr != @a drop
    ip6 saddr @a drop
    tcp dport @p accept
    udp dport != @p drop
    meta l4proto @p accept
    ip saddr @q tcp dport @a accept
    ip daddr @h accept
  }
}
add element inet w q { 10.2.0.0/16, "10.3.0.0/16" }
add element inet w h { 10.9.0.2 }
`;

describe('named sets kept as words (set-words.ts)', () => {
  it('give the rules, reports and inventory their values give', () => {
    const doc = read(TEXT, true);
    const sets = doc.tables.flatMap((t) => [...t.sets.values()]);
    // Read as words: a, p and h; q is given its values once a quoted string joins it.
    expect(sets.filter((s) => hasWords(s)).map((s) => s.name)).toEqual(['a', 'p', 'h']);
    expect(outcome(TEXT, true)).toBe(outcome(TEXT, false));
  });

  it('give a set its values in a list of its own, and join lists of both kinds as values', () => {
    const set: NSet = {
      name: 's',
      kind: 'set',
      pos: { file: 'x', line: 1, column: 1, endLine: 1, endColumn: 2 },
      keyType: 'ipv4_addr',
      flags: [],
      elements: [],
      dynamic: false,
    };
    addElements(set, ['10.0.0.0/8', 80], true);
    expect(hasWords(set)).toBe(true);
    addElements(set, ['1-2'], true);
    const words = set.elements;
    expect(words).toEqual(['10.0.0.0/8', 80, '1-2']);
    addElements(set, ['10.0.0.0/8'], false);
    expect(hasWords(set)).toBe(false);
    expect(set.elements).toEqual([{ prefix: { addr: '10.0.0.0', len: 8 } }, 80, { range: [1, 2] }, '10.0.0.0/8']);
    // The list of words is left as it was: an inventory may hold it as its members.
    expect(words).toEqual(['10.0.0.0/8', 80, '1-2']);
    shapeWords(set);
    expect(set.elements[3]).toBe('10.0.0.0/8');
  });
});
