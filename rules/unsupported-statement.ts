import type { LintRule } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';

/** FWL900: configuration the parser does not model and that could change a verdict. */
export const unsupportedStatement: LintRule = {
  meta: {
    id: 'FWL900',
    name: 'unsupported-statement',
    shortDescription: 'Configuration fwlint does not model could change a verdict.',
    fullDescription:
      'The parser met a construct it does not evaluate (schedules, policy routing, OS fingerprints, unknown object types...) that could change whether a flow is allowed; verdicts that depend on it may be wrong.',
    defaultLevel: 'warning',
    securitySeverity: 1.0,
    precision: 'high',
    tags: ['coverage'],
    help: {
      what: 'fwlint does not model this statement.',
      why: 'Findings for flows this statement touches may be incomplete; review it by hand.',
      fix: { generic: 'Review the statement by hand. If it cannot affect VoIP traffic, suppress the finding.' },
    },
  },
  perPolicy: true,
  check(ctx) {
    return ctx.policy.unsupported.map((u) => ({
      ...finding(this.meta, ctx, { loc: u.loc, message: `Not modelled: ${u.what}. ${u.why}`, key: [u.what] }),
      profile: undefined,
      fingerprintParts: [u.what],
    }));
  },
};

/** FWL901: the file could not be parsed. Reported by the runner, not by a check. */
export const parseErrorMeta: LintRule['meta'] = {
  id: 'FWL901',
  name: 'parse-error',
  shortDescription: 'The configuration file could not be parsed.',
  fullDescription:
    'The file is not a readable configuration of the selected vendor (syntax error, truncated, binary, wrong vendor, or hostile content such as XML entity declarations).',
  defaultLevel: 'error',
  securitySeverity: 1.0,
  precision: 'very-high',
  tags: ['parse'],
  help: {
    what: 'fwlint could not read this file.',
    why: 'Nothing in the file was checked.',
    fix: {
      generic:
        'Check that the file is a complete, unmodified export of the device, and that --vendor (if given) is right.',
    },
  },
};

/** FWL902: a suppression that does not do what it says. Reported by the runner, not by a check. */
export const suppressionProblemMeta: LintRule['meta'] = {
  id: 'FWL902',
  name: 'suppression-problem',
  shortDescription: 'A suppression is expired, matches nothing, or has no reason.',
  fullDescription:
    'Accepted findings must stay accountable: an `ignore` entry past its `expires` date stops suppressing and is reported, an entry that matches no finding is stale, and an inline `fwlint-disable` without `-- reason` suppresses nothing.',
  defaultLevel: 'warning',
  securitySeverity: 1.0,
  precision: 'very-high',
  tags: ['suppression'],
  help: {
    what: 'A suppression in fwlint.config.json or an inline fwlint-disable comment is expired, stale or has no reason.',
    why: 'Suppressions that outlive their reason hide real problems; stale ones mislead reviewers.',
    fix: {
      generic:
        'Renew the entry with a new expiry date and reason, delete it if the finding is gone, or add `-- <reason>` to the inline directive.',
    },
  },
};
