import type { LintRule } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';
import type { SourceLocation } from '../src/model/location.js';

/** FWL902: a suppression that does not do what it says. Reported by the runner after suppressions are applied, not by a check. */
export const suppressionProblemMeta: LintRule['meta'] = {
  id: 'FWL902',
  name: 'suppression-problem',
  shortDescription: 'A suppression is expired, matches nothing, or has no reason.',
  fullDescription:
    'Accepted findings must stay accountable: an `ignore` entry past its `expires` date stops suppressing ' +
    'and is reported, an entry that matches no finding is stale, and an inline `fwlint-disable` ' +
    'without `-- reason` suppresses nothing.',
  defaultLevel: 'warning',
  securitySeverity: 0,
  precision: 'very-high',
  tags: ['suppression'],
  help: {
    what: 'A suppression in fwlint.config.json or an inline fwlint-disable comment is expired, stale or has no reason.',
    why: 'Suppressions that outlive their reason hide real problems; stale ones mislead reviewers.',
    fix: {
      generic:
        'Renew the entry with a new expiry date and reason, delete it if the finding is gone, or add ' +
        '`-- <reason>` to the inline directive.',
    },
  },
};

const problem = (loc: SourceLocation, level: Finding['level'], message: string, key: string[]): Finding => ({
  ruleId: suppressionProblemMeta.id,
  ruleName: suppressionProblemMeta.name,
  level,
  message,
  loc,
  fingerprintParts: key,
});

/** An inline `fwlint-disable` without `-- reason`. */
export function missingReasonFinding(loc: SourceLocation): Finding {
  return problem(
    loc,
    suppressionProblemMeta.defaultLevel,
    'Inline fwlint-disable without a reason suppresses nothing: write `fwlint-disable <rule> -- <reason>`.',
    ['inline-missing-reason'],
  );
}

interface IgnoreEntryRef {
  rule: string;
  reason: string;
  loc: SourceLocation;
}

/** A config `ignore` entry past its `expires` date: it stops suppressing. */
export function expiredSuppressionFinding(e: IgnoreEntryRef & { expires?: string }): Finding {
  const message =
    `Suppression of ${e.rule} expired on ${e.expires ?? '?'} and no longer applies ("${e.reason}"): ` +
    'fix the findings, or renew the entry with a new date and reason.';
  return problem(e.loc, 'warning', message, ['expired', e.rule, e.reason]);
}

/** A config `ignore` entry that matches no finding. */
export function staleSuppressionFinding(e: IgnoreEntryRef): Finding {
  return problem(e.loc, 'note', `Suppression of ${e.rule} matches no finding ("${e.reason}"): delete it.`, [
    'stale',
    e.rule,
    e.reason,
  ]);
}
