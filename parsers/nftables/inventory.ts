import { AddrUnion, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { Inventory, NamedObject } from '../../src/model/inventory.js';
import { isObject, str, type Expr, type NDocument } from './ir.js';
import { wordsAddressSet } from './match.js';
import { hasWords, wordElement } from './set-words.js';

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
      const els = s.elements;
      const members: string[] = [];
      const words = hasWords(s);
      // A set of IPv4 words a rule's condition read (match.ts address): its set is the one built there,
      // the union of the same bounds (the sets shape at 100k: 50,000 intervals, built once, not twice).
      const built = words && allV4Words(els) ? wordsAddressSet(s) : undefined;
      const addresses = new AddrUnion(built ? 0 : els.length);
      // While every member is its element (a set kept as words, written as read), the members are the
      // set's own list (set-words.ts never changes it in place), not a list grown to 50,000 strings by
      // push (its copies promoted in the sets shape).
      let same = words;
      for (let i = 0; i < els.length; i++) {
        const e = els[i] ?? null;
        const m = words && typeof e === 'string' ? wordMember(e) : describe(e);
        if (same && m !== e) {
          same = false;
          for (let k = 0; k < i; k++) members.push(els[k] as string);
        }
        if (m === undefined) continue;
        if (!same) members.push(m);
        // Read from the text even for a prefix object: reading flattens it (the set keeps its members'
        // texts, and a joined text not read stays a tree of its pieces: 1.3 MB more in the sets shape).
        if (!built) addMember(addresses, m);
      }
      const list = same ? (els as string[]) : members;
      objects.push({ kind: 'set', name: s.name, addresses: built ?? addresses.done(), members: list, loc: s.pos });
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

/** Every element an IPv4 address or prefix word (whose members add the bounds the words add). */
function allV4Words(els: readonly Expr[]): boolean {
  for (const e of els) if (typeof e !== 'string' || !AddrUnion.isV4Spec(e)) return false;
  return true;
}

/**
 * describe() of a word's value (set-words.ts): the word itself when it reads so (the set then shares
 * its string with the inventory, which keeps it: 50,000 members in the sets shape at 100k).
 */
function wordMember(w: string): string | undefined {
  const m = describe(wordElement(w));
  return m === w ? w : m;
}

/**
 * One build from every member's bounds (model address.ts AddrUnion), not a union per member, nor a set
 * per member: at 150,000 members (the bench's sets shape at 100k) the members' sets were about 3 MB
 * that lived until the build, long enough to be copied to the old generation.
 */
function union(members: readonly string[]): AddrSet {
  const u = new AddrUnion(members.length);
  for (const m of members) addMember(u, m);
  return u.done();
}

function addMember(u: AddrUnion, m: string): void {
  if (u.addV4Spec(m)) return;
  const set = parseAddressSpec(m);
  if (set && !set.isEmpty) u.add(set);
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
