import { Hasher } from '../toolkit/hash.js';
import { STRIDE, type Item, type Props } from './store.js';

/**
 * Content hash of a firewall entry: the hash of what its normalized text (ruleText) says, and its
 * comment, computed without building the text. `hashText(prefix, entryHash(…))` is its id.
 */
export function entryHash(menu: string, item: Item, comment: string): number {
  return propsHash(menu, item.props, comment);
}

/** entryHash of an entry's properties. */
export function propsHash(menu: string, props: Props, comment: string): number {
  const h = hasher.reset().add(menu);
  for (const n of hashedOrder(props)) h.addProperty(props.keyAt(n), props.negatedAt(n), props.valueAt(n));
  return h.add(comment).value();
}

/**
 * A cheap summary of what entryHash hashes (lengths and last characters of the hashed properties and
 * the comment, summed, so the key order does not matter): entries with the same content have the same
 * key, so entries with another key need not be hashed to tell that their content differs. A 100k-rule
 * export then hashes only the few entries whose ids are read (filter.ts EntrySource), not every entry.
 */
export function contentKey(props: Props, comment: string): number {
  // Last characters read only where there is one: reading before the start makes V8 start over (out of bounds).
  let k = Math.imul(comment.length, 7919) + (comment.length > 0 ? comment.charCodeAt(comment.length - 1) : 0);
  const d = props.flat;
  const slots = props.slots;
  for (let i = 0; i < slots; i += STRIDE) {
    const key = d[i] as string;
    // TEXT_SKIP.has(key), by reference: the property names are interned.
    if (key === 'comment' || key === 'log' || key === 'log-prefix' || key === 'disabled' || key === '.number') continue;
    const v = d[i + 1] as string;
    const last = v.length > 0 ? v.charCodeAt(v.length - 1) : 0;
    k = (k + Math.imul(v.length, 131) + last + Math.imul(key.length, 31)) | 0;
    if ((d[i + 2] as number) < 0) k = (k + 977) | 0;
  }
  return k;
}

/** Scratch state of entryHash (one call at a time). */
const hasher = new Hasher();

/**
 * Entries of a table mostly name the same keys in the same order: the positions of the hashed keys
 * (TEXT_SKIP left out) in key order are worked out once per sequence of keys, found by walking a
 * tree of the keys in their written order (interned names: one hash lookup per key, no sorting).
 */
interface OrderNode {
  next: Map<string, OrderNode> | undefined;
  order: number[] | undefined;
}
let orders: OrderNode = { next: undefined, order: undefined };
let orderNodes = 0;

function hashedOrder(props: Props): number[] {
  let node = orders;
  const n = props.size;
  if (n > 64) return props.sortedOrder([]).filter((k) => !TEXT_SKIP.has(props.keyAt(k)));
  for (let i = 0; i < n; i++) {
    const key = props.keyAt(i);
    let next = node.next?.get(key);
    if (!next) {
      // A file of ever new key sequences cannot grow the tree without bound.
      if (++orderNodes > 50_000) {
        orders = { next: undefined, order: undefined };
        orderNodes = 0;
        return hashedOrder(props);
      }
      next = { next: undefined, order: undefined };
      (node.next ??= new Map()).set(key, next);
    }
    node = next;
  }
  return (node.order ??= props.sortedOrder([]).filter((k) => !TEXT_SKIP.has(props.keyAt(k))));
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
