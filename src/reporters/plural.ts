/** "1 error", "2 errors": counts in reports are words, never "error(s)". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "2 errors, 1 warning, 0 notes" for a summary's counts. */
export function levelCounts(s: { errors: number; warnings: number; notes: number }): string {
  return `${plural(s.errors, 'error')}, ${plural(s.warnings, 'warning')}, ${plural(s.notes, 'note')}`;
}

/** "1 requirement was not checked", "3 requirements were not checked". */
/** "1 requirement is not modelled by fwlint", for summaries: listed, never checked, never incomplete. */
export function notModelledText(n: number): string {
  return `${plural(n, 'requirement')} ${n === 1 ? 'is' : 'are'} not modelled by fwlint`;
}

export function notCheckedText(n: number): string {
  return `${plural(n, 'requirement')} ${n === 1 ? 'was' : 'were'} not checked`;
}

/** "2 requirements fail with warnings or notes only (--quiet shows errors only)", for a summary without findings. */
export function failingText(n: number): string {
  return `${plural(n, 'requirement')} ${n === 1 ? 'fails' : 'fail'} with warnings or notes only (--quiet shows errors only)`;
}
