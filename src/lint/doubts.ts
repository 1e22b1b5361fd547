import type { Finding } from '../model/finding.js';
import type { SourceLocation } from '../model/location.js';
import type { Doubt, Policy } from '../model/policy.js';
import type { Notification } from '../model/report.js';

/**
 * Readings the model rests on that no vendor source confirms (Policy.doubts): the model elements that
 * stand for one are located at its construct, so what a rule reports there, or a pass it proves with
 * evidence there, rests on the reading and is uncertain (docs/semantics.md#unconfirmed). `skip` names
 * the rules whose findings state the doubt themselves (FWL900).
 */
export function withDoubts(policy: Policy, f: Finding, skip: ReadonlySet<string>): Finding {
  if (!policy.doubts?.length || skip.has(f.ruleId)) return f;
  const locs = [f.loc, ...(f.related ?? []).map((r) => r.loc)];
  const whys = doubtsAt(policy.doubts, locs);
  if (whys.length === 0) return f;
  const said = whys.map((w) => ` Uncertain: ${w}.`).join('');
  return { ...f, uncertain: true, details: `${f.details ?? ''}${said}`.trim() };
}

/** A pass whose evidence lies at a doubt's construct holds only if the reading is right. */
export function passWithDoubts(policy: Policy, n: Notification): Notification {
  const p = n.passed;
  if (!p || !policy.doubts?.length) return n;
  const whys = doubtsAt(
    policy.doubts,
    p.evidence.flatMap((e) => (e.loc ? [e.loc] : [])),
  );
  if (whys.length === 0) return n;
  const only = `only if this unconfirmed point is right: ${whys.join('; ')}`;
  return { ...n, passed: { ...p, uncertain: p.uncertain ? `${p.uncertain}, and ${only}` : only } };
}

/** Why each doubt whose construct holds one of `locs` makes what rests there uncertain. */
export function doubtsAt(doubts: readonly Doubt[], locs: readonly SourceLocation[]): string[] {
  return doubts.filter((d) => locs.some((l) => within(l, d.loc))).map((d) => d.why);
}

/** Whether `loc` starts inside the construct at `at` (same file, within its lines). */
function within(loc: SourceLocation, at: SourceLocation): boolean {
  return loc.file === at.file && loc.line >= at.line && loc.line <= at.endLine;
}
