/** Labels quote names, descriptions and comments: one line, at most 80 characters. */
export function quoted(name: string): string {
  // Only text with other white space than single inner spaces is rebuilt (100k labels stay cheap).
  const one = /[^\S ]|\s\s|^\s|\s$/.test(name) ? name.replace(/\s+/g, ' ').trim() : name;
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
