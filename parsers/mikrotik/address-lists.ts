import { ADDR_MAX, ADDR_MIN, NO_ADDR, addrSet, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { ipv4Range } from '../toolkit/ipv4.js';
import type { SymbolicRef } from '../../src/model/policy.js';
import type { Ctx, Span } from './context.js';
import { STRIDE, isYes, type Item, type Store } from './store.js';

/**
 * `/ip firewall address-list` and `/ipv6 firewall address-list` (separate namespaces). Entries are
 * addresses, CIDRs, ranges or DNS names; RouterOS resolves DNS names at run time and keeps dynamic
 * entries for them, so they stay symbolic (FWL012), never guessed (docs/semantics.md#ros-syntax, docs/semantics.md#pf-layout).
 * Lists that rules (`add-src-to-address-list`), DHCP servers or PPP profiles fill at run time are
 * dynamic as a whole.
 */

export type Family = 'ip' | 'ipv6';

export interface AddressList {
  name: string;
  set: AddrSet;
  hostnames: { name: string; span: Span }[];
  /** Why members are added at run time, if they are. */
  dynamic?: string;
  span?: Span;
  /** The reference to a list without hostnames or run-time entries, made once. */
  ref?: ListRef;
}

export interface ListRef {
  set: AddrSet;
  symbolic: Omit<SymbolicRef, 'field' | 'negated'>[];
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/i;

/**
 * The entries of one list: IPv4 addresses and networks as numbers (lo, hi pairs in a typed list, so the
 * code reading them sees one kind of array whatever the addresses), anything else as bigints.
 */
class Ranges {
  v4 = new Float64Array(64);
  /** Numbers used in `v4` (two per entry). */
  n = 0;
  other: [bigint, bigint][] = [];

  push(lo: number, hi: number): void {
    const n = this.n;
    if (n + 2 > this.v4.length) {
      const bigger = new Float64Array(this.v4.length * 2);
      bigger.set(this.v4);
      this.v4 = bigger;
    }
    this.v4[n] = lo;
    this.v4[n + 1] = hi;
    this.n = n + 2;
  }
}

const bounds = new Float64Array(2);

/**
 * The set of a list's entries. IPv4 entries alone (the usual list) are sorted as numbers and merged
 * by the set (IntervalSet.ofSmallBounds), with no bigint made: the same set as addrSet of every entry.
 */
function rangeSet(r: Ranges): AddrSet {
  const v4 = r.v4.subarray(0, r.n);
  if (r.other.length > 0 || v4.length === 0) {
    const all = r.other;
    for (let i = 0; i + 1 < v4.length; i += 2) all.push([BigInt(v4[i] ?? 0), BigInt(v4[i + 1] ?? 0)]);
    return addrSet(all);
  }
  const sorted = byStart(v4);
  return IntervalSet.ofSmallBounds(ADDR_MIN, ADDR_MAX, sorted, sorted.length);
}

/** Entries a list may have for byStart's packed keys (index below 2^20, start below 2^32: exact in a double). */
const PACKED_MAX = 1 << 20;

/**
 * The (lo, hi) pairs of `v4` ordered by lo (pairs with the same lo in any order: merging them gives
 * the same set), in a new list. Up to 2^20 pairs, each is sorted as one number lo · 2^20 + i by the
 * native numeric sort, without a comparator call per comparison.
 */
function byStart(v4: Float64Array): Float64Array {
  const pairs = v4.length / 2;
  const out = new Float64Array(v4.length);
  if (pairs > PACKED_MAX) {
    const order = new Uint32Array(pairs);
    for (let i = 0; i < pairs; i++) order[i] = 2 * i;
    order.sort((x, y) => (v4[x] ?? 0) - (v4[y] ?? 0));
    for (let k = 0; k < pairs; k++) copyPair(v4, order[k] ?? 0, out, 2 * k);
    return out;
  }
  const keys = new Float64Array(pairs);
  packKeys(v4, keys);
  keys.sort();
  unpackPairs(v4, keys, out);
  return out;
}

function copyPair(from: Float64Array, at: number, to: Float64Array, into: number): void {
  to[into] = from[at] ?? 0;
  to[into + 1] = from[at + 1] ?? 0;
}

/*
 * byStart's two loops, each a function of its own: a list's first loop runs long enough for V8 to
 * compile it while it runs, and code after a loop that has not run yet (the sort, the next loop)
 * would throw that compiled code away when reached, for each list again.
 */

/** keys[i] = lo of pair i · 2^20 + i. */
function packKeys(v4: Float64Array, keys: Float64Array): void {
  for (let i = 0; i < keys.length; i++) keys[i] = (v4[2 * i] ?? 0) * PACKED_MAX + i;
}

/** The pairs of `v4` in the order of the sorted keys, into `out`. */
function unpackPairs(v4: Float64Array, keys: Float64Array, out: Float64Array): void {
  for (let k = 0; k < keys.length; k++) {
    const i = 2 * ((keys[k] ?? 0) % PACKED_MAX);
    out[2 * k] = v4[i] ?? 0;
    out[2 * k + 1] = v4[i + 1] ?? 0;
  }
}

export class AddressLists {
  private readonly lists = { ip: new Map<string, AddressList>(), ipv6: new Map<string, AddressList>() };
  readonly ctx: Ctx;
  /**
   * For the inventory (inventory.ts): the addresses of the enabled entries of each list name, IPv4 and
   * IPv6 entries of the same name together, in file order, and the first comment among them.
   */
  readonly members = new Map<string, string[]>();
  readonly comments = new Map<string, string>();
  /** Where the first disabled entry of each list is, per family (for a list whose entries are all disabled). */
  readonly disabledAt = { ip: new Map<string, Span>(), ipv6: new Map<string, Span>() };

  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  get(family: Family, name: string): AddressList | undefined {
    return this.lists[family].get(name);
  }

  all(family: Family): IterableIterator<AddressList> {
    return this.lists[family].values();
  }

  /** resolve's answer for a list of addresses only (the usual case), which needs no location; else undefined. */
  plainRef(family: Family, name: string): ListRef | undefined {
    const l = this.lists[family].get(name);
    return l?.hostnames.length === 0 && !l.dynamic ? (l.ref ??= { set: l.set, symbolic: [] }) : undefined;
  }

  /** What a `src-address-list=` / `dst-address-list=` reference stands for. */
  resolve(family: Family, name: string, at: Span): ListRef {
    const l = this.lists[family].get(name);
    if (!l) {
      // A list whose entries are all disabled holds nothing from the export, as one without entries.
      const off = this.disabledAt[family].get(name);
      const what = off
        ? `address list whose entries in the export are all disabled, line ${String(this.ctx.loc(off).line)}`
        : 'address list with no entries in the export';
      return {
        set: NO_ADDR,
        symbolic: [{ kind: 'dynamic', name: `${name} (${what}; it may be filled at run time)`, loc: this.ctx.loc(at) }],
      };
    }
    // A list of addresses only (the usual case): one shared reference, no location to work out.
    const plain = this.plainRef(family, name);
    if (plain) return plain;
    const symbolic: ListRef['symbolic'] = l.hostnames.map((h) => ({
      kind: 'fqdn' as const,
      name: h.name,
      loc: this.ctx.loc(h.span),
    }));
    if (l.dynamic) symbolic.push({ kind: 'dynamic', name: `${name} (${l.dynamic})`, loc: this.ctx.loc(at) });
    return { set: l.set, symbolic };
  }

  /** The members of the list named last (entries of a list mostly follow each other). */
  private lastMembers: { name: string; list: string[] } | undefined;

  addMember(name: string, address: string, comment: string | undefined): void {
    const last = this.lastMembers;
    if (last?.name === name) last.list.push(address);
    else {
      let m = this.members.get(name);
      if (m) m.push(address);
      else this.members.set(name, (m = [address]));
      this.lastMembers = { name, list: m };
    }
    if (comment && !this.comments.has(name)) this.comments.set(name, comment);
  }

  /** The lists of a family, by name (EntrySink fills them). */
  listsOf(family: Family): Map<string, AddressList> {
    return this.lists[family];
  }

  static build(ctx: Ctx, store: Store): AddressLists {
    const out = new AddressLists(ctx);
    for (const family of ['ip', 'ipv6'] as const) {
      const map = out.lists[family];
      const menu = store.get(`${family} firewall address-list`);
      const count = menu?.count ?? 0;
      const sink = new EntrySink(out, family);
      for (let i = 0; i < count; i++) {
        // Read once (a deferred entry is read from its command here): the lists and the inventory's members.
        // Its properties may be a view valid until the next entry (Menu.viewAt): values are kept, not the list.
        const item = menu?.viewAt(i);
        if (item) sink.add(item);
      }
      const ranges = sink.ranges;
      // One sort-and-merge per list: large lists (100k entries) stay linear-logarithmic.
      for (const [name, r] of ranges) {
        const l = map.get(name);
        if (l) l.set = rangeSet(r);
      }
    }
    // Lists filled at run time.
    const fill = (family: Family, name: string, why: string, span: Span): void => {
      const map = out.lists[family];
      let l = map.get(name);
      if (!l) {
        l = { name, set: NO_ADDR, hostnames: [], span };
        map.set(name, l);
      }
      l.dynamic ??= why;
    };
    for (const family of ['ip', 'ipv6'] as const) {
      for (const table of ['filter', 'raw', 'mangle', 'nat']) {
        for (const item of store.keptItems(`${family} firewall ${table}`)) {
          // A deferred entry's action is known not to fill a list (commands.ts plainAdd); packed ones are all deferred.
          if (item.isDeferred || item.disabled) continue;
          const action = item.get('action');
          const list = item.get('address-list');
          if (list && (action === 'add-src-to-address-list' || action === 'add-dst-to-address-list')) {
            fill(
              family,
              list,
              `filled at run time by the ${table} rule at line ${String(ctx.line(item.span.start))}`,
              item.span,
            );
          }
        }
      }
    }
    for (const item of store.items('ip dhcp-server')) {
      const list = item.get('address-lists');
      if (list)
        for (const n of list.split(','))
          fill('ip', n.trim(), `DHCP server ${item.get('name') ?? ''} adds its leases`.replace('  ', ' '), item.span);
    }
    for (const item of store.items('ppp profile')) {
      const list = item.get('address-list');
      if (list) for (const n of list.split(',')) fill('ip', n.trim(), 'PPP profile adds its clients', item.span);
    }
    return out;
  }
}

/**
 * Reads the entries of one family's address-list menu into its lists (AddressLists.build), one call per
 * entry: a small function the compiler optimizes after a few entries, where the same work inline in
 * build's loop ran unoptimized until the loop was compiled on the fly.
 */
class EntrySink {
  private readonly out: AddressLists;
  private readonly disabledAt: Map<string, Span>;
  private readonly map: Map<string, AddressList>;
  readonly ranges = new Map<string, Ranges>();
  /** The list and ranges of the name met last (entries of a list mostly follow each other). */
  private lastName: string | undefined;
  private lastList: AddressList | undefined;
  private lastRanges: Ranges | undefined;

  constructor(out: AddressLists, family: Family) {
    this.out = out;
    this.map = out.listsOf(family);
    this.disabledAt = out.disabledAt[family];
  }

  add(item: Item): void {
    // The four properties read here, in one pass over the entry's (Item.get scans once per key).
    const props = item.props;
    let name: string | undefined;
    let value: string | undefined;
    let comment: string | undefined;
    let at = -1;
    let disabledText: string | undefined;
    const d = props.flat;
    const slots = props.slots;
    for (let i = 0; i < slots; i += STRIDE) {
      const key = d[i];
      if (key === 'list') name = d[i + 1] as string;
      else if (key === 'address') {
        value = d[i + 1] as string;
        at = i / STRIDE;
      } else if (key === 'comment') comment = d[i + 1] as string;
      else if (key === 'disabled') disabledText = d[i + 1] as string;
    }
    const disabled = isYes(disabledText);
    if (name && value && !disabled) this.out.addMember(name, value, comment);
    if (disabled && name && !this.disabledAt.has(name)) this.disabledAt.set(name, item.span);
    if (disabled || !name || value === undefined) return;
    let l: AddressList | undefined;
    let r: Ranges | undefined;
    if (name === this.lastName && this.lastList && this.lastRanges) {
      l = this.lastList;
      r = this.lastRanges;
    } else {
      l = this.map.get(name);
      if (!l) {
        l = { name, set: NO_ADDR, hostnames: [], span: item.span };
        this.map.set(name, l);
      }
      r = this.ranges.get(name);
      if (!r) {
        r = new Ranges();
        this.ranges.set(name, r);
      }
      this.lastName = name;
      this.lastList = l;
      this.lastRanges = r;
    }
    if (ipv4Range(value, bounds)) {
      r.push(bounds[0] ?? 0, bounds[1] ?? 0);
      return;
    }
    const spec = parseAddressSpec(value);
    const addr = at >= 0 ? props.propAt(at) : undefined;
    if (spec) {
      for (const iv of spec.intervals()) r.other.push(iv);
    } else if (addr && HOSTNAME.test(value) && /[a-z]/i.test(value)) {
      l.hostnames.push({ name: value, span: addr.span });
    } else {
      const ctx = this.out.ctx;
      ctx.noteOnce(
        `bad-entry:${name}`,
        `${ctx.where(item.span)}: address-list ${name} entry "${value}" is neither an address nor a DNS name; ` +
          'RouterOS would refuse it, ignored (further ones in this list are not noted)',
      );
    }
  }
}
