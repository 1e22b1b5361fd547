/** Labels quote names, descriptions and comments: one line, at most 80 characters, no fwlint-disable directive. */
export function quoted(name: string): string {
  const text = withoutDirective(name);
  // Only text with other white space than single inner spaces is rebuilt (100k labels stay cheap).
  const one = /[^\S ]|\s\s|^\s|\s$/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
  return flat(['"', one.length > 80 ? `${one.slice(0, 77)}...` : one, '"']);
}

/** `port forward "descr"`, or `port forward #3` (1-based position in its list) without a description. */
export function numberedLabel(kind: string, descr: string, index: number): string {
  return descr ? `${kind} ${quoted(descr)}` : `${kind} #${index + 1}`;
}

/**
 * Joins parts into one flat string. Template literals build rope (cons) strings, one node per part;
 * on 100k rules those nodes are millions of small long-lived objects for the garbage collector.
 */
export function flat(parts: readonly string[], sep = ''): string {
  return parts.join(sep);
}

/**
 * A comment without the inline suppression it carries (`fwlint-disable FWL001 -- reason`, to the end
 * of its line: src/suppress/inline.ts), so a label names the rule by what its comment says. A comment
 * that is only a directive is kept whole: it is all there is to name the rule by.
 */
export function withoutDirective(comment: string): string {
  // Most comments hold none: a substring test first (labels of 100k rules).
  if (!comment.includes('fwlint-disable')) return comment;
  // By index, not a regular expression: a long run of separators before it must not make it quadratic.
  const lines = comment.split('\n').map((line) => {
    const at = line.indexOf('fwlint-disable');
    if (at < 0) return line;
    let end = at;
    while (end > 0 && SEPARATORS.includes(line.charAt(end - 1))) end--;
    return line.slice(0, end);
  });
  const rest = lines.join('\n').trim();
  return rest === '' ? comment : rest;
}

/** What may stand between a comment's text and its directive: `drop rest; fwlint-disable …`. */
const SEPARATORS = ' \t\r,;:|-';
