import { createHash } from 'node:crypto';

/** Short stable content hash for rules without tracker/uuid (ids must not depend on line numbers). */
export function contentId(prefix: string, text: string): string {
  return `${prefix}-${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
}

/** Labels quote descriptions; keep them one line and bounded. */
export function quoteDescr(descr: string): string {
  const one = descr.replace(/\s+/g, ' ').trim();
  return `"${one.length > 80 ? `${one.slice(0, 77)}...` : one}"`;
}

/** `port forward "descr"` or `port forward #3` (1-based position in its list). */
export function numberedLabel(kind: string, descr: string, index: number): string {
  return descr ? `${kind} ${quoteDescr(descr)}` : `${kind} #${index + 1}`;
}
