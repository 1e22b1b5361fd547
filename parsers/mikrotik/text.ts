import type { Item } from './store.js';

/**
 * Short stable content hash (RouterOS exports carry no rule ids; ids must not depend on line
 * numbers). A 53-bit non-cryptographic hash (cyrb53): 100k rules hash in a few milliseconds, and
 * Ctx.uniqueId separates the rare collision as it separates identical rules.
 */
export function contentId(prefix: string, ...parts: string[]): string {
  const h = new Hasher();
  for (const part of parts) h.add(part);
  return h.id(prefix);
}

/** Incremental cyrb53: parts are separated, so ("ab", "c") and ("a", "bc") differ. */
export class Hasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  add(text: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    this.h1 = Math.imul(h1 ^ 124, 2654435761);
    this.h2 = Math.imul(h2 ^ 124, 1597334677);
    return this;
  }

  id(prefix: string): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    const n = 4294967296 * (2097151 & h2) + (h1 >>> 0);
    return `${prefix}-${n.toString(16).padStart(14, '0').slice(-12)}`;
  }
}

/**
 * Content id of a firewall entry: the hash of what its normalized text (ruleText) says, and its
 * comment, computed without building the text.
 */
export function entryId(prefix: string, menu: string, item: Item, comment: string): string {
  const h = new Hasher().add(menu);
  const keys = item.props.keys().sort();
  for (const key of keys) {
    if (TEXT_SKIP.has(key)) continue;
    const p = item.props.get(key)!;
    h.add(key)
      .add(p.negated ? '!' : '')
      .add(p.value);
  }
  return h.add(comment).id(prefix);
}

/** Labels quote comments; keep them one line and bounded. */
export function quoteComment(comment: string): string {
  const one = comment.replace(/\s+/g, ' ').trim();
  return `"${one.length > 80 ? `${one.slice(0, 77)}...` : one}"`;
}

/** Keys left out of a rule's normalized text: bookkeeping that does not change what the rule does. */
const TEXT_SKIP = new Set(['comment', 'log', 'log-prefix', 'disabled', '.number']);

function quoteValue(v: string): string {
  return /^[\w.:/,!*@+-]+$/.test(v) ? v : JSON.stringify(v);
}

/**
 * The normalized text of a firewall entry (`/ip firewall filter add action=… chain=… …`, keys
 * sorted): stable under reformatting and line moves. Firewall matchers carry no secrets.
 */
export function ruleText(menu: string, item: Item): string {
  const parts: string[] = [];
  for (const key of [...item.props.keys()].sort()) {
    if (TEXT_SKIP.has(key)) continue;
    const p = item.props.get(key)!;
    parts.push(`${key}=${p.negated ? '!' : ''}${quoteValue(p.value)}`);
  }
  return `/${menu} add ${parts.join(' ')}`;
}
