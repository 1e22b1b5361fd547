import { Hasher } from '../toolkit/hash.js';
import type { Item } from './store.js';

/**
 * Content hash of a firewall entry: the hash of what its normalized text (ruleText) says, and its
 * comment, computed without building the text. `hashText(prefix, entryHash(…))` is its id.
 */
export function entryHash(menu: string, item: Item, comment: string): number {
  const h = hasher.reset().add(menu);
  const props = item.props;
  for (const n of props.sortedOrder(order)) {
    const key = props.keyAt(n);
    if (TEXT_SKIP.has(key)) continue;
    h.add(key)
      .add(props.negatedAt(n) ? '!' : '')
      .add(props.valueAt(n));
  }
  return h.add(comment).value();
}

/** Scratch state of entryHash (one call at a time). */
const order: number[] = [];
const hasher = new Hasher();

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
  for (const key of item.props.keys().sort()) {
    if (TEXT_SKIP.has(key)) continue;
    const p = item.props.get(key);
    if (!p) continue;
    parts.push(`${key}=${p.negated ? '!' : ''}${quoteValue(p.value)}`);
  }
  return `/${menu} add ${parts.join(' ')}`;
}
