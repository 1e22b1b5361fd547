/**
 * An ESLint-style RuleTester: runs ONE rule (a rules/*.ts LintRule) on hand-built models and checks
 * each case's findings: `valid` cases give none, `invalid` cases give exactly the listed findings,
 * compared on rule id, location (line), level, requirement and message text.
 */
import { describe, expect, it } from 'vitest';
import type { LintRule, RuleContext } from '../../src/lint/context.js';
import { internalEndpoints, resolveEndpoints } from '../../src/lint/endpoints.js';
import type { Finding } from '../../src/model/finding.js';
import type { Policy } from '../../src/model/policy.js';
import type { Audience, Profile } from '../../src/model/profile.js';
import { profile as emptyProfile } from './model.js';

export interface RuleCase {
  name: string;
  policy: Policy;
  profile?: Profile;
  /** As --phones (default: what fwlint detects from the model, with evidence). */
  phones?: string[];
  wan?: string[];
  audiences?: Audience[];
}

export interface ExpectedFinding {
  line: number;
  level?: Finding['level'];
  requirement?: string;
  /** A substring of the message, or a pattern it matches. */
  message?: string | RegExp;
  fromDefault?: boolean;
}

export interface InvalidCase extends RuleCase {
  errors: ExpectedFinding[];
}

/** The findings `rule` reports on one case. */
export function runRule(rule: LintRule, c: RuleCase): Finding[] {
  const notify = () => undefined;
  const profile = c.profile ?? emptyProfile();
  const site = resolveEndpoints(c.policy, [profile], { phones: c.phones ?? [], wan: c.wan ?? [] }, notify);
  const wan = site.wan.map((w) => w.iface);
  const ctx: RuleContext = {
    policy: c.policy,
    profile,
    phones: site.phones,
    clients: internalEndpoints(c.policy, wan),
    wan,
    site,
    audiences: new Set<Audience>(['phones', ...(c.audiences ?? [])]),
    devices: new Set(),
    notify,
  };
  return rule.check(ctx);
}

export function ruleTester(rule: LintRule, cases: { valid: RuleCase[]; invalid: InvalidCase[] }): void {
  describe(`${rule.meta.id} ${rule.meta.name} (RuleTester)`, () => {
    for (const c of cases.valid)
      it(`valid: ${c.name}`, () => {
        expect(runRule(rule, c).map((f) => `${f.loc.line}: ${f.message}`)).toEqual([]);
      });
    for (const c of cases.invalid)
      it(`invalid: ${c.name}`, () => {
        const found = runRule(rule, c);
        expect(found.map((f) => f.ruleId)).toEqual(c.errors.map(() => rule.meta.id));
        c.errors.forEach((e, i) => {
          const f = found[i];
          expect(f?.loc.line, `finding ${i} line`).toBe(e.line);
          if (e.level) expect(f?.level).toBe(e.level);
          if (e.requirement) expect(f?.requirement).toBe(e.requirement);
          if (e.fromDefault !== undefined) expect(f?.fromDefault ?? false).toBe(e.fromDefault);
          // The first sentence and the details below it, as the text report prints them.
          const text = [f?.message, f?.details].filter(Boolean).join(' ');
          if (typeof e.message === 'string') expect(text).toContain(e.message);
          else if (e.message) expect(text).toMatch(e.message);
        });
      });
  });
}
