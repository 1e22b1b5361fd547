import { findRuleMeta } from '../../rules/index.js';
import type { Finding } from '../model/finding.js';
import type { SourceLocation } from '../model/location.js';
import type { Policy } from '../model/policy.js';

/**
 * Inline suppressions live in the comment the vendor format attaches to the object a finding points
 * at: `fwlint-disable FWL004 -- reason` (ids or names, comma or space separated). The reason is
 * mandatory: a directive without one suppresses nothing and is reported.
 */
const DIRECTIVE = /fwlint-disable\s+([A-Za-z0-9][\w\s,-]*?)\s*(?:--\s*(.*?))?\s*$/m;

export interface InlineDirective {
  rules: Set<string>;
  reason?: string;
  loc: SourceLocation;
}

export function parseDirective(comment: string, loc: SourceLocation): InlineDirective | undefined {
  const m = DIRECTIVE.exec(comment);
  if (!m) return undefined;
  const rules = new Set<string>();
  for (const token of (m[1] ?? '').split(/[\s,]+/).filter(Boolean)) {
    const meta = findRuleMeta(token);
    if (meta) rules.add(meta.id);
  }
  const reason = m[2]?.trim();
  return { rules, reason: reason === '' ? undefined : reason, loc };
}

const key = (l: SourceLocation) => `${l.file}\u0000${l.line}\u0000${l.column}`;

/** Directives of every object in the model that has a comment, by the object's location. */
export function inlineDirectives(policy: Policy): Map<string, InlineDirective> {
  const out = new Map<string, InlineDirective>();
  const visit = (o: { comment?: string; loc: SourceLocation }) => {
    // Most comments hold no directive: a substring test is far cheaper than DIRECTIVE, which needs it.
    if (!o.comment?.includes('fwlint-disable')) return;
    const d = parseDirective(o.comment, o.loc);
    if (d) out.set(key(o.loc), d);
  };
  // Walked in place (every object of a large policy once), not copied into one array first.
  for (const c of Object.values(policy.ruleset.chains)) for (const r of c.rules) visit(r);
  for (const n of policy.nat.dnat) visit(n);
  for (const n of policy.nat.snat) visit(n);
  return out;
}

/** Marks findings covered by a directive as suppressed; returns the directives that lack a reason. */
export function applyInline(findings: Finding[], directives: Map<string, InlineDirective>): InlineDirective[] {
  for (const f of findings) {
    const d = directives.get(key(f.loc));
    if (!d?.reason || !d.rules.has(f.ruleId)) continue;
    (f.suppressions ??= []).push({ kind: 'inSource', justification: d.reason, source: `${d.loc.file}:${d.loc.line}` });
  }
  return [...directives.values()].filter((d) => !d.reason);
}
