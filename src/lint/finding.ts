import type { Step } from '../engine/evaluate.js';
import type { Finding, RelatedLocation } from '../model/finding.js';
import type { SourceLocation } from '../model/location.js';
import type { RuleMeta } from '../model/report.js';
import type { DocSource, Profile, Severity } from '../model/profile.js';
import type { RuleContext } from './context.js';
import { splitMessage } from './wording.js';

export interface FindingInput {
  /** What is wrong, one sentence of at most 120 characters; further sentences move to `details`. */
  message: string;
  /** The flows, ports, networks, the deciding rule and the fix. */
  details?: string;
  loc: SourceLocation;
  level?: Severity;
  requirement?: string;
  related?: RelatedLocation[];
  fromDefault?: boolean;
  uncertain?: boolean;
  /** Flows named that are blocked entirely (Finding.blockedEntirely). */
  blockedEntirely?: number;
  /** Content that identifies the finding independently of line numbers. */
  key: string[];
}

export function finding(
  meta: RuleMeta,
  ctx: Pick<RuleContext, 'profile' | 'policy'> | undefined,
  f: FindingInput,
): Finding {
  const { headline, details } = splitMessage(f.message);
  const more = [details, f.details].filter((d): d is string => !!d).join(' ');
  return {
    ruleId: meta.id,
    ruleName: meta.name,
    level: f.level ?? meta.defaultLevel,
    message: headline,
    ...(more ? { details: more } : {}),
    loc: f.loc,
    related: f.related,
    profile: ctx?.profile.id,
    requirement: f.requirement,
    source: ctx && f.requirement ? requirementSource(ctx.profile, f.requirement) : undefined,
    fromDefault: f.fromDefault,
    uncertain: f.uncertain,
    ...(f.blockedEntirely !== undefined && { blockedEntirely: f.blockedEntirely }),
    firewall: ctx?.policy.name,
    fingerprintParts: [ctx?.profile.id ?? '', f.requirement ?? '', ...f.key],
  };
}

/** Names the rule or default that decided, for messages: `rule "X" (line 12)` or the default's reason. */
export function describeStep(s: Step): string {
  const none = unfiltered(s);
  if (none) return `no filter: ${none}`;
  if (s.rule)
    return s.rule.implicit ? `${s.rule.label} (${s.rule.implicit})` : `${s.rule.label} (line ${s.rule.loc.line})`;
  if (s.policy)
    return s.policy.source === 'default'
      ? `the default policy: ${s.policy.reason}`
      : `the chain policy (${s.policy.reason}, line ${s.policy.loc.line})`;
  return 'the ruleset';
}

/**
 * When no filter decided an accept, why (a clause): no chain on the path sees these packets (the engine
 * names a pass of packets a chain never sees only when no chain saw them, Rule.unseen), or no chain is
 * on the path at all. Undefined when a rule or a chain policy decided.
 */
export function unfiltered(s: Step): string | undefined {
  const r = s.rule;
  if (r?.unseen)
    return (
      `no base chain on the way sees ${r.unseen}, so ${r.unseen} is not filtered ` +
      `(${r.label}, line ${r.loc.line}: ${r.implicit ?? `it does not see ${r.unseen}`})`
    );
  if (!r && !s.policy && !s.chain) return `nothing on the ${s.stage} path filters it`;
  return undefined;
}

export function stepLoc(s: Step, fallback: SourceLocation): SourceLocation {
  return s.rule?.loc ?? s.policy?.loc ?? fallback;
}

/**
 * Identity of a step that survives unrelated edits and rewording: the rule's id, or the chain with its
 * policy's action and source (explicit or default); never a line, never the policy's reason, which is
 * fwlint's wording (a reworded reason would give every finding it decided a new fingerprint).
 */
export function stepKey(s: Step): string {
  return s.rule ? `rule:${s.rule.id}` : `policy:${s.chain}:${s.policy ? `${s.policy.action}:${s.policy.source}` : ''}`;
}

export function stepIsDefault(s: Step): boolean {
  return !!s.policy && s.policy.source === 'default' && !s.rule;
}

function requirementSource(p: Profile, id: string): DocSource | undefined {
  return [...p.flows, ...p.settings, ...(p.portForwards ?? [])].find((r) => r.id === id)?.source;
}
