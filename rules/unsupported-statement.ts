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
