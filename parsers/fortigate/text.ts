/** Labels quote names; keep them one line and bounded. */
export function quote(name: string): string {
  const one = /\s\s|[\t\n\r]|^\s|\s$/.test(name) ? name.replace(/\s+/g, ' ').trim() : name;
  return flat(['"', one.length > 80 ? `${one.slice(0, 77)}...` : one, '"']);
}

/**
 * Joins parts into one flat string. Template literals build rope (cons) strings, one node per part;
 * on 100k policies those nodes are millions of small long-lived objects for the garbage collector.
 */
export function flat(parts: readonly string[], sep = ''): string {
  return parts.join(sep);
}
