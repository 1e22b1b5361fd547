import { NO_ADDR, parseAddressSpec, unionAddrs, type AddrSet } from '../../src/model/address.js';
import type { Inventory, NamedObject } from '../../src/model/inventory.js';
import { isObject, str, type Expr, type NDocument } from './ir.js';

/**
 * Site facts of an nftables ruleset (docs/site-detection.md): named address sets and the `define`s
 * whose values are addresses. Rulesets hold no DHCP servers or routes. Extraction only; src/site/
 * ranks them.
 */
export function readInventory(doc: NDocument, text?: string): Inventory {
  const objects: NamedObject[] = [];
  for (const t of doc.tables)
    for (const s of t.sets.values()) {
      if (s.kind !== 'set' || !/addr|saddr|daddr/.test(s.keyType)) continue;
      const members = s.elements.map(describe).filter((m): m is string => m !== undefined);
      objects.push({ kind: 'set', name: s.name, addresses: union(members), members, loc: s.pos });
    }
  if (text !== undefined && doc.format === 'text') objects.push(...defines(doc.file, text));
  return { objects, dhcp: [], wan: [] };
}

function describe(e: Expr): string | undefined {
  if (typeof e === 'string') return e;
  if (!isObject(e)) return undefined;
  const p = e.prefix;
  if (isObject(p) && typeof p.addr === 'string') return `${p.addr}/${str(p.len)}`;
  const r = e.range;
  if (Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'string') return `${r[0]}-${r[1]}`;
  const el = e.elem;
  if (isObject(el) && el.val !== undefined) return describe(el.val);
  return undefined;
}

/**
 * One build from every member's set (a sort and merge of their bounds as the sets keep them: model
 * address.ts unionAddrs), not a union per member. Not a list of `[lo, hi]` bigint pairs read through
 * each set's interval iterator: at 150,000 members (the bench's sets shape at 100k) those pairs, their
 * bigints and the iterator's results were about 20 MB allocated, much of it kept until the build.
 */
function union(members: readonly string[]): AddrSet {
  const sets: AddrSet[] = [];
  for (const m of members) {
    const set = parseAddressSpec(m);
    if (set && !set.isEmpty) sets.push(set);
  }
  return sets.length ? unionAddrs(sets) : NO_ADDR;
}

const DEFINE = /^[ \t]*(?:re)?define[ \t]+([A-Za-z_][\w]*)[ \t]*=[ \t]*([^\n#]*)/gm;

/** `define phones = 10.20.0.0/24` and `define phones = { 10.20.0.0/24, 10.21.0.0/24 }` in the main file. */
function defines(file: string, text: string): NamedObject[] {
  const out: NamedObject[] = [];
  // Line numbers counted incrementally: matches come in order, so the text is scanned once.
  let line = 1;
  let at = 0;
  for (const m of text.matchAll(DEFINE)) {
    const name = m[1] ?? '';
    const members = (m[2] ?? '')
      .replace(/[{}]/g, ' ')
      .split(/[\s,]+/)
      .filter((x) => x !== '');
    const addresses = union(members);
    if (addresses.isEmpty) continue;
    for (let i = text.indexOf('\n', at); i >= 0 && i < m.index; i = text.indexOf('\n', i + 1)) line++;
    at = m.index;
    const end = m.index + m[0].length - text.lastIndexOf('\n', m.index);
    out.push({
      kind: 'define',
      name,
      addresses,
      members,
      loc: { file, line, column: 1, endLine: line, endColumn: end },
    });
  }
  return out;
}
