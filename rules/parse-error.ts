import type { LintRule } from '../src/lint/context.js';
import type { Finding } from '../src/model/finding.js';

/** FWL901: the file could not be parsed. Reported by the runner for a file it could not read, not by a check. */
export const parseErrorMeta: LintRule['meta'] = {
  id: 'FWL901',
  name: 'parse-error',
  shortDescription: 'The configuration file could not be parsed.',
  fullDescription:
    'The file is not a readable configuration of the selected vendor (syntax error, truncated, ' +
    'binary, wrong vendor, or hostile content such as XML entity declarations).',
  defaultLevel: 'error',
  securitySeverity: 0,
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

/** The FWL901 finding for a file that could not be parsed, at the parser's line and column. */
export function parseErrorFinding(e: { file: string; line: number; column: number; message: string }): Finding {
  return {
    ruleId: parseErrorMeta.id,
    ruleName: parseErrorMeta.name,
    level: parseErrorMeta.defaultLevel,
    message: e.message,
    loc: { file: e.file, line: e.line, column: e.column, endLine: e.line },
    fingerprintParts: [e.message],
  };
}
