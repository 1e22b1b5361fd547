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
    // One finding per construct kind and file: 30,000 rules of one unmodelled kind are one cause. A kind is
    // the same construct, or constructs with the same reason (`limit rate 1/second` and `limit rate 5/second`).
    return groupsOf(ctx.policy.unsupported).flatMap((found) => {
      // The finding at the first place in the file, the others related in file order.
      const us =
        found.length > 1 ? found.slice().sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column) : found;
      const [first, ...rest] = us;
      if (!first) return [];
      const subject = subjectOf(us.map((u) => u.what));
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
            message: headline(`Not modelled: ${subject}${count}`, ''),
            details: `${first.why}${more}`,
            related: related.length ? related : undefined,
            key: [subject],
          }),
          profile: undefined,
          fingerprintParts: [subject],
        },
      ];
    });
  },
};

/** Unsupported constructs grouped by file, joining those with the same construct text or the same reason. */
function groupsOf(all: readonly Unsupported[]): Unsupported[][] {
  const parent = all.map((_, i) => i);
  const root = (i: number): number => {
    let r = i;
    while (parent[r] !== r) {
      const up = parent[r] ?? r;
      parent[r] = parent[up] ?? up;
      r = up;
    }
    return r;
  };
  const firstOf = new Map<string, number>();
  all.forEach((u, i) => {
    for (const k of [JSON.stringify([u.loc.file, 'what', u.what]), JSON.stringify([u.loc.file, 'why', u.why])]) {
      const j = firstOf.get(k);
      if (j === undefined) firstOf.set(k, i);
      else parent[root(i)] = root(j);
    }
  });
  const groups = new Map<number, Unsupported[]>();
  all.forEach((u, i) => {
    const r = root(i);
    const g = groups.get(r);
    if (g) g.push(u);
    else groups.set(r, [u]);
  });
  return [...groups.values()];
}

/**
 * What a group is called: its construct when all are the same, else the words they start with
 * (`limit rate …`), else the first one's and "and similar".
 */
function subjectOf(whats: readonly string[]): string {
  const [first = ''] = whats;
  if (whats.every((w) => w === first)) return first;
  let words = first.split(' ');
  for (const w of whats) {
    const ws = w.split(' ');
    let n = 0;
    while (n < words.length && n < ws.length && words[n] === ws[n]) n++;
    words = words.slice(0, n);
  }
  return words.length > 0 ? `${words.join(' ')} …` : `${first} and similar`;
}
