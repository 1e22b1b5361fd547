import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ALL_RULE_META } from '../../rules/index.js';
import { ruleDocs } from '../../src/reporters/rule-docs.js';
import { DOCS_BASE } from '../../src/reporters/sarif.js';

describe('docs/rules (the SARIF helpUri targets)', () => {
  it('are up to date with the rule metadata (regenerate with npm run docs:rules)', () => {
    const want = ruleDocs();
    for (const [name, text] of want) {
      expect(existsSync(`docs/rules/${name}`), `docs/rules/${name} is missing`).toBe(true);
      expect(readFileSync(`docs/rules/${name}`, 'utf8'), `docs/rules/${name} is stale`).toBe(text);
    }
    expect(readdirSync('docs/rules').sort()).toEqual([...want.keys()].sort());
  });

  it('has one page per rule, where helpUri points', () => {
    for (const r of ALL_RULE_META) expect(existsSync(`docs/rules/${r.id}.md`)).toBe(true);
    expect(DOCS_BASE.endsWith('/docs/rules/')).toBe(true);
  });
});
