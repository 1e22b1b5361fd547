import type { NamedObject } from '../model/inventory.js';
import { infraIn, pbxIn, tokens } from './vocabulary.js';

/** Tokens of object names that stand for the firewall itself (`define fw_v4 = …`, `router_ip`, `self`). */
export const OWN_TOKENS: ReadonlySet<string> = new Set([
  'fw',
  'firewall',
  'router',
  'self',
  'gw',
  'gateway',
  'myself',
  'myip',
  'thishost',
]);

/**
 * The named objects site detection looks at by their words, each list in the objects' order: those
 * whose name has a word for the firewall itself (evidence.ts ownAddresses), and those whose name and
 * description (`name description`) name infrastructure (resolve.ts detectPcs) or a PBX (detect.ts
 * pbxCandidates).
 */
export interface ObjectWords {
  own: NamedObject[];
  infra: NamedObject[];
  pbx: NamedObject[];
}

const cache = new WeakMap<readonly NamedObject[], { n: number; words: ObjectWords }>();

/**
 * ObjectWords of an object list, made once per list in one pass: each of the three readers went
 * through every object and split its name again (FortiGate with 200k address objects: about a
 * quarter of the evaluation).
 */
export function objectWords(objects: readonly NamedObject[]): ObjectWords {
  const hit = cache.get(objects);
  if (hit?.n === objects.length) return hit.words;
  const words: ObjectWords = { own: [], infra: [], pbx: [] };
  for (const o of objects) {
    const name = tokens(o.name);
    if (name.some((t) => OWN_TOKENS.has(t))) words.own.push(o);
    // Without a description, `name ` splits into the name's own tokens.
    const text = o.description ? tokens(`${o.name} ${o.description}`) : name;
    if (infraIn(text)) words.infra.push(o);
    if (pbxIn(text)) words.pbx.push(o);
  }
  cache.set(objects, { n: objects.length, words });
  return words;
}
