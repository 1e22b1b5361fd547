import type { Box } from '../src/engine/box.js';
import type { Part } from '../src/engine/evaluate.js';
import type { RuleContext } from '../src/lint/context.js';
import { describeStep, finding, stepIsDefault, stepKey, stepLoc } from '../src/lint/finding.js';
import type { Finding } from '../src/model/finding.js';
import type { Severity } from '../src/model/profile.js';
import type { RuleMeta } from '../src/model/report.js';
import { byDecider, describePart } from './required-flows.js';

export interface BlockedSpec {
  /** What is blocked, as a sentence subject: `Required flow "SIP" (udp 5060 from ...)`. */
  subject: string;
  /** What to do when a rule blocks it. */
  fixRule: string;
  /** What to do when a default blocks it. */
  fixDefault: string;
  requirement: string;
  level: Severity;
  key: string[];
}

/** One finding per rule or default policy that drops part of `whole`; parts with hostname doubts are left to FWL012. */
export function reportBlocked(
  meta: RuleMeta,
  ctx: RuleContext,
  parts: Part[],
  whole: Box,
  spec: BlockedSpec,
): Finding[] {
  const blocked = parts.filter((p) => p.verdict === 'drop' && p.maybe.length === 0);
  return byDecider(blocked).map((group) => {
    const step = group[0]!.decidedBy;
    const fromDefault = stepIsDefault(step);
    const what = describePart(group, whole);
    return finding(meta, ctx, {
      level: spec.level,
      requirement: spec.requirement,
      loc: stepLoc(step, ctx.policy.root),
      fromDefault,
      message: `${spec.subject} is blocked ${what} by ${describeStep(step)}. ${fromDefault ? spec.fixDefault : spec.fixRule}`,
      key: [...spec.key, stepKey(step), what],
    });
  });
}
