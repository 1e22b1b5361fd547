import type { Step } from '../engine/evaluate.js';
import type { RuleContext } from '../lint/context.js';
import type { Evidence } from '../model/report.js';
import { describeStep, stepIsDefault, unfiltered } from '../lint/finding.js';

/**
 * Records that a requirement holds on this firewall, with the rules or defaults that make it
 * hold. Verdicts need this positive evidence: "no finding" alone never makes a pass.
 */
export function passed(
  ctx: Pick<RuleContext, 'notify' | 'profile' | 'policy'>,
  requirement: string,
  why: string,
  evidence: Evidence[],
  uncertain?: string,
): void {
  ctx.notify({
    level: 'note',
    message: why,
    passed: { profile: ctx.profile.id, requirement, firewall: ctx.policy.name, why, evidence, uncertain },
  });
}

/** Evidence for one engine step: the rule or default policy that decided, with its location. */
export function stepEvidence(s: Step, what: string): Evidence {
  const loc = s.rule?.loc ?? s.policy?.loc;
  const none = s.effect === 'drop' ? undefined : unfiltered(s);
  if (none) return { text: `${what}: ${none}`, loc, fromDefault: stepIsDefault(s) };
  const verb = s.effect === 'drop' ? 'drops' : 'accepts';
  return { text: `${describeStep(s)} ${verb} ${what}`, loc, fromDefault: stepIsDefault(s) };
}
