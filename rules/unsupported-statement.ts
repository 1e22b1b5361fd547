import type { LintRule } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import type { Unsupported } from '../src/model/policy.js';
import { headline } from './blocked.js';

/** Related locations listed for a grouped FWL900 finding; the rest are counted. */
const MAX_RELATED = 50;

/** FWL900: configuration the parser does not model and that could change a verdict. */
export const unsupportedStatement: LintRule = {
  meta: {
    id: 'FWL900',
    name: 'unsupported-statement',
    shortDescription: 'Configuration fwlint does not model could change a verdict.',
    fullDescription:
      'The parser met a construct it does not evaluate (schedules, policy routing, OS fingerprints, ' +
      'unknown object types...) that could change whether a flow is allowed; verdicts that depend on it may be wrong.',
    defaultLevel: 'warning',
    securitySeverity: 0,
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
    // One finding per construct kind and file: 30,000 rules of one unmodelled kind are one cause.
    const groups = new Map<string, Unsupported[]>();
    for (const u of ctx.policy.unsupported) {
      const k = JSON.stringify([u.loc.file, u.what]);
      groups.set(k, [...(groups.get(k) ?? []), u]);
    }
    return [...groups.values()].flatMap((found) => {
      // The finding at the first place in the file, the others related in file order.
      const us =
        found.length > 1 ? found.slice().sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column) : found;
      const [first, ...rest] = us;
      if (!first) return [];
      const count = us.length > 1 ? ` (${us.length} places)` : '';
      // A place whose reason is the first's says so in a few words, not the same sentence again.
      const related = rest
        .slice(0, MAX_RELATED)
        .map((u) => ({ loc: u.loc, message: u.why === first.why ? `also ${u.what}` : u.why }));
      const more = rest.length > MAX_RELATED ? ` ${rest.length - MAX_RELATED} more places are not listed.` : '';
      return [
        {
          ...finding(this.meta, ctx, {
            loc: first.loc,
            message: headline(`Not modelled: ${first.what}${count}`, ''),
            details: `${first.why}${more}`,
            related: related.length ? related : undefined,
            key: [first.what],
          }),
          profile: undefined,
          fingerprintParts: [first.what],
        },
      ];
    });
  },
};
