import { describe, expect, it } from 'vitest';
import { Expander, type Flat } from '../../parsers/nftables/expand.js';
import type { NRule } from '../../parsers/nftables/ir.js';
import { readText } from '../../parsers/nftables/text-parser.js';

/**
 * expand.ts eachAlternative gives a verdict map's alternatives one at a time (index.ts buildPolicy
 * expands such a rule for each pass instead of keeping them): they must be expand's, in its order,
 * and any rule it does not take must give nothing (undefined) so that expand reads it.
 */

const MAPS = `table inet fw {
  map m { type ipv4_addr : verdict; elements = { 10.0.0.1 : accept, 10.0.0.2 : drop, 10.0.0.3 : jump c } }
  map cat { type ifname . ipv4_addr : verdict; elements = { "a" . 10.0.0.1 : accept, "b" . 10.0.0.2 : drop } }
  map one { type ipv4_addr : verdict; elements = { 10.0.0.1 : accept } }
  map any { type ipv4_addr : verdict; elements = { 10.0.0.1 : accept, * : drop } }
  map dyn { type ipv4_addr : verdict; flags dynamic; elements = { 10.0.0.1 : accept, 10.0.0.2 : drop } }
  chain c { counter }
  chain f {
`;

/** The rules of chain f for `lines`, each with what expand and eachAlternative give. */
function expansions(lines: string[]): { line: string; flats: Flat[]; each: Flat[]; n: number | undefined }[] {
  const doc = readText(`${MAPS}${lines.map((l) => `    ${l}\n`).join('')}  }\n}\n`, 'e.nft', {});
  const table = doc.tables[0];
  const rules = (table?.chains.get('f')?.rules ?? []) as NRule[];
  if (!table || rules.length !== lines.length) throw new Error('the rules were not read');
  return rules.map((rule, i) => {
    const flats = new Expander().expand(rule, table);
    const each: Flat[] = [];
    const n = new Expander().eachAlternative(rule, table, (f) => each.push(f));
    return { line: lines[i] ?? '', flats, each, n };
  });
}

describe('Expander.eachAlternative', () => {
  it("gives a verdict map's alternatives as expand does, one at a time", () => {
    const taken = [
      'ip daddr vmap @m',
      'iifname "lan0" ip daddr vmap @m',
      'iifname "lan0" counter ip daddr vmap @m',
      'iifname . ip saddr vmap @cat',
      'meta l4proto tcp iifname . ip saddr vmap @cat',
      'ip daddr vmap { 10.1.0.0/16 : accept, 10.2.0.0/16 : jump c }',
      'tcp dport { 22, 80 } ip daddr vmap @m',
    ];
    for (const { line, flats, each, n } of expansions(taken)) {
      expect(n, line).toBe(flats.length);
      expect(flats.length, line).toBeGreaterThan(1);
      expect(each, line).toEqual(flats);
    }
  });

  it('gives nothing for a rule expand reads itself', () => {
    const left = [
      'ip daddr 10.0.0.1 accept',
      'ip daddr vmap @one',
      'ip daddr vmap @any',
      'ip daddr vmap @dyn',
      'ip daddr vmap @missing',
      'tcp dport vmap { 22 : accept, 23 : drop } counter',
      'ip daddr vmap @m counter',
      'ip saddr . ip daddr vmap @m',
      'tcp dport vmap { 22 : accept, 23 : drop } ip daddr vmap @m',
    ];
    for (const { line, each, n } of expansions(left)) {
      expect(n, line).toBeUndefined();
      expect(each, line).toEqual([]);
    }
  });
});
