/**
 * A copy of `s` that does not keep the text it was sliced from alive. V8 makes a slice of 13 or more
 * characters a view of its parent string, so one such value kept in the model (a rule's comment, an
 * object name) keeps the whole 40 MB configuration in memory as long as the model lives.
 */
export function detach(s: string): string {
  // Shorter slices are copies already; the concatenation is flattened into a new string by `slice`.
  return s.length < 13 ? s : (' ' + s).slice(1);
}
