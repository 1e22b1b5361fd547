import { Hasher } from '../toolkit/hash.js';
import type { Item } from './store.js';

/**
 * Content id of a firewall entry: the hash of what its normalized text (ruleText) says, and its
 * comment, computed without building the text.
 */
export function entryId(prefix: string, menu: string, item: Item, comment: string): string {
  const h = new Hasher().add(menu);
  const keys = item.props.keys().sort();
  for (const key of keys) {
    if (TEXT_SKIP.has(key)) continue;
    h.add(key)
      .add(item.props.negated(key) ? '!' : '')
      .add(item.props.value(key) ?? '');
  }
  return h.add(comment).id(prefix);
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
  for (const key of item.props.keys().sort()) {
    if (TEXT_SKIP.has(key)) continue;
    const p = item.props.get(key);
    if (!p) continue;
    parts.push(`${key}=${p.negated ? '!' : ''}${quoteValue(p.value)}`);
  }
  return `/${menu} add ${parts.join(' ')}`;
}
