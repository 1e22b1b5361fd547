import type { Finding } from '../model/finding.js';
import type { Evidence, RequirementVerdict, VerdictStatus } from '../model/report.js';
import { fingerprint } from '../reporters/fingerprint.js';
import type { RosterEntry } from './roster.js';

/**
 * The verdict of each requirement, from what the rules left: findings (after suppressions and
 * per-rule levels) decide fail or uncertain; not-checked notes say what is missing; a pass needs
 * a rule to have recorded it with evidence, except for checks that have no positive evidence to
 * give (then `why` says which rule found nothing).
 */
export function assembleVerdicts(
  roster: readonly RosterEntry[],
  findings: readonly Finding[],
  ruleNames: ReadonlyMap<string, string>,
): RequirementVerdict[] {
  const byKey = new Map<string, Finding[]>();
  for (const f of findings) {
    if (!f.requirement || !f.profile) continue;
    const k = key(f.profile, f.requirement, f.firewall);
    const list = byKey.get(k);
    if (list) list.push(f);
    else byKey.set(k, [f]);
  }
  // Each verdict is a fresh object: the branches below fill it in place (same members, same order).
  return roster.map((e) => {
    const mine = byKey.get(key(e.profile, e.id, e.matchFirewall)) ?? [];
    // Built member by member (same members, same order as a literal with conditional spreads, which
    // V8 builds slowly); a run assembles one verdict per requirement per file.
    const head =
      e.firewall !== undefined
        ? { id: e.id, profile: e.profile, file: e.file, firewall: e.firewall }
        : { id: e.id, profile: e.profile, file: e.file };
    const v: RequirementVerdict = Object.assign(head, {
      kind: e.kind,
      description: e.description,
      status: PASS,
      severity: e.severity,
      why: '',
      findings: [] as string[],
      evidence: [] as Evidence[],
      checkedBy: e.checkedBy,
    });
    if (e.source) v.source = { section: e.source.section, quote: e.source.quote };
    if (mine.length > 0) {
      const active = mine.filter((f) => !f.suppressions?.length);
      const deciding = active.length ? active : mine;
      const status: VerdictStatus = deciding.some((f) => !f.uncertain) ? 'fail' : 'uncertain';
      const worst = deciding.filter((f) => (status === 'fail' ? !f.uncertain : true));
      v.status = status;
      v.why = worst.map((f) => (status === 'uncertain' ? `uncertain: ${f.message}` : f.message)).join(' ');
      v.findings = mine.map(fingerprint);
      v.evidence = mine.map(findingEvidence);
      if (active.length === 0) v.accepted = true;
      return v;
    }
    if (e.notChecked.length > 0) {
      v.status = 'not-checked';
      v.why = e.notChecked.join(' ');
      return v;
    }
    if (e.pass) {
      v.status = e.pass.uncertain ? 'uncertain' : 'pass';
      v.why = e.pass.uncertain ? `uncertain: ${e.pass.why} Holds ${e.pass.uncertain}.` : e.pass.why;
      v.evidence = e.pass.evidence;
      return v;
    }
    if (e.kind === 'flow') {
      v.status = 'not-checked';
      v.why =
        'No flow could be built for it on this firewall (no network of its audience has a path to the destination).';
      return v;
    }
    const rule = ruleNames.get(e.checkedBy);
    v.why = `${e.checkedBy}${rule ? ` ${rule}` : ''} checked it and found no problem.`;
    return v;
  });
}

const PASS: VerdictStatus = 'pass';

/** Unambiguous for any three texts: the first two carry their lengths (cheaper than JSON.stringify). */
function key(profile: string, requirement: string, firewall: string | undefined): string {
  return `${profile.length}:${profile}${requirement.length}:${requirement}${firewall ?? ''}`;
}

function findingEvidence(f: Finding): Evidence {
  return {
    text: f.details ? `${f.message} ${f.details}` : f.message,
    loc: f.loc,
    ...(f.fromDefault ? { fromDefault: true } : {}),
  };
}

/** Per-profile counts, as in `ipnordic: 24 pass, 3 fail, 2 not checked`. */
export interface VerdictCounts {
  profile: string;
  pass: number;
  fail: number;
  uncertain: number;
  notChecked: number;
  /**
   * Of `notChecked`, the requirements fwlint does not model (kind `not-modelled`: DHCP, QoS, ...): no
   * flag makes them checked, so they never make a run incomplete (`--fail-on incomplete`).
   */
  notModelled: number;
}

export function countVerdicts(vs: readonly RequirementVerdict[]): VerdictCounts[] {
  const by = new Map<string, VerdictCounts>();
  for (const v of vs) {
    const c = by.get(v.profile) ?? {
      profile: v.profile,
      pass: 0,
      fail: 0,
      uncertain: 0,
      notChecked: 0,
      notModelled: 0,
    };
    if (v.status === 'pass') c.pass++;
    else if (v.status === 'fail') c.fail++;
    else if (v.status === 'uncertain') c.uncertain++;
    else {
      c.notChecked++;
      if (v.kind === 'not-modelled') c.notModelled++;
    }
    by.set(v.profile, c);
  }
  return [...by.values()];
}

export function formatCounts(c: VerdictCounts): string {
  const parts = [`${c.pass} pass`, `${c.fail} fail`];
  if (c.uncertain) parts.push(`${c.uncertain} uncertain`);
  parts.push(`${c.notChecked} not checked${c.notModelled ? ` (${c.notModelled} not modelled)` : ''}`);
  return `${c.profile}: ${parts.join(', ')}`;
}

/** Requirements not checked that a flag or a config could get checked (all but the not-modelled ones). */
export function incompleteCount(vs: readonly VerdictCounts[]): number {
  return vs.reduce((n, c) => n + c.notChecked - c.notModelled, 0);
}

/** Requirements fwlint does not model, over all profiles. */
export function notModelledCount(vs: readonly VerdictCounts[]): number {
  return vs.reduce((n, c) => n + c.notModelled, 0);
}

/** Whether a verdict makes the run incomplete: not checked, and checkable (not a not-modelled entry). */
export function leavesIncomplete(v: Pick<RequirementVerdict, 'status' | 'kind'>): boolean {
  return v.status === 'not-checked' && v.kind !== 'not-modelled';
}
