import { describe, expect, it } from 'vitest';
import { CategoryRules, SortedRules } from '../../parsers/pfsense/chains.js';
import { KEY_SHIFT, type FilterEntry } from '../../parsers/pfsense/rules.js';
import type { Rule } from '../../src/model/policy.js';

function entry(cat: number, index: number, direction: number): FilterEntry {
  const rule: Rule = {
    id: `r${index}`,
    loc: { file: 'f', line: index + 1, column: 1, endLine: index + 1, endColumn: 2 },
    label: `rule #${index + 1}`,
    match: {},
    action: { kind: 'accept' },
  };
  return { sortKey: cat * KEY_SHIFT + index, inbound: direction !== 1, outbound: direction !== 0, rule };
}

describe('pfSense user rules in chain order', () => {
  it('places rules by category as they are built, as the sort of every entry does', () => {
    const cats = [3, 0, 3, 1, 0, 2, 3, 3, 0, 1, 2, 2, 3, 0];
    const byCategory = new CategoryRules();
    const sorted = new SortedRules();
    cats.forEach((c, i) => {
      byCategory.add(entry(c, i, i % 3));
      sorted.add(entry(c, i, i % 3));
    });
    const join = (runs: ReturnType<CategoryRules['placed']>) => ({
      inRules: runs.flatMap((r) => r.inRules),
      outRules: runs.flatMap((r) => r.outRules),
    });
    const a = join(byCategory.placed());
    const b = join(sorted.placed());
    expect(a.inRules.map((r) => r.id)).toEqual(b.inRules.map((r) => r.id));
    expect(a.outRules.map((r) => r.id)).toEqual(b.outRules.map((r) => r.id));
    expect(a.inRules.map((r) => r.id).slice(0, 4)).toEqual(['r8', 'r3', 'r9', 'r5']);
  });

  it('refuses entries out of document order', () => {
    const rules = new CategoryRules();
    rules.add(entry(3, 5, 0));
    expect(() => {
      rules.add(entry(3, 4, 0));
    }).toThrow();
  });
});
