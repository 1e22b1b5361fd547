import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../rules/index.js';
import { allFixtures } from '../helpers/fixtures.js';
import { expectedFindings, found, lintFixture } from './expectations.js';
import { FIXTURE_RUNS, type FixtureRun, type VendorFixtures } from './fixture-runs.js';

/**
 * One harness for the rule fixtures of every vendor: each file in fixtures/<vendor>/rules/ is linted
 * as fixture-runs.ts says (or with its vendor's defaults) and must give exactly the findings its
 * `expect:` comments declare, rule and line. Adding a fixture is adding a file.
 */

const vendorsWithRuleFixtures = readdirSync('fixtures')
  .filter((v) => statSync(join('fixtures', v)).isDirectory() && readdirSync(join('fixtures', v)).includes('rules'))
  .sort();

interface PlannedRun extends FixtureRun {
  file: string;
  path: string;
}

function plan(vendor: string, spec: VendorFixtures): PlannedRun[] {
  const dir = join('fixtures', vendor, 'rules');
  return allFixtures(dir).flatMap((path) => {
    const file = relative(dir, path);
    const runs = spec.runs[file] ?? [{ why: 'run with the vendor defaults' }];
    return runs.map((r) => ({ ...r, file, path }));
  });
}

const expected = (r: PlannedRun) => (r.expectNone ? [] : expectedFindings(r.path));
const ruleIds = RULES.map((r) => r.meta.id).sort();

it('every vendor folder with rule fixtures has its runs declared, and no other', () => {
  expect(Object.keys(FIXTURE_RUNS).sort()).toEqual(vendorsWithRuleFixtures);
  expect(vendorsWithRuleFixtures.length).toBeGreaterThanOrEqual(4);
});

for (const [vendor, spec] of Object.entries(FIXTURE_RUNS)) {
  const runs = plan(vendor, spec);

  describe(`${vendor} rule fixtures (expect comments give rule and line)`, () => {
    for (const r of runs) {
      const profiles = r.profiles ?? spec.defaults.profiles;
      const opts = r.opts ?? spec.defaults.opts;
      const label = `${r.file} [${profiles.join(',')}${opts ? ` ${JSON.stringify(opts)}` : ''}]: ${r.why}`;
      it(label, () => {
        expect(found(lintFixture(r.path, profiles, opts))).toEqual(expected(r));
      });
    }

    it('every file named in fixture-runs.ts exists', () => {
      const files = new Set(runs.map((r) => r.file));
      expect(Object.keys(spec.runs).filter((f) => !files.has(f))).toEqual([]);
    });

    it('every rule that can apply has a triggering fixture (FWL901/FWL902: see test/cli)', () => {
      const triggered = new Set(runs.flatMap((r) => expected(r).map((e) => e.split('@')[0])));
      const applicable = ruleIds.filter((id) => !spec.notApplicable?.[id]);
      expect(applicable.filter((id) => !triggered.has(id))).toEqual([]);
      expect([...triggered].filter((id) => id !== undefined && !ruleIds.includes(id))).toEqual([]);
    });

    it('rules declared not applicable are never expected', () => {
      const na = Object.keys(spec.notApplicable ?? {});
      expect(runs.flatMap((r) => expected(r)).filter((e) => na.some((id) => e.startsWith(`${id}@`)))).toEqual([]);
    });

    it('a clean fixture is linted and must trigger nothing', () => {
      expect(runs.filter((r) => r.file.startsWith('clean.') && expected(r).length === 0).length).toBeGreaterThan(0);
    });
  });
}
