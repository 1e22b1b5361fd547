import {
  ANY_V4,
  ANY_V6,
  NO_ADDR,
  inFamily,
  addrSet,
  isV6,
  parseAddress,
  type AddrSet,
} from '../../src/model/address.js';
import type { NamedObject } from '../../src/model/inventory.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import type { SymbolicRef } from '../../src/model/policy.js';
import { parseIpv4Spec } from '../toolkit/ipv4.js';
import type { Ctx } from './context.js';
import type { Interfaces } from './interfaces.js';
import { addressObject } from './inventory.js';
import { Restart, getSet, value, values, type Block, type Entry } from './tree.js';

export type Family = 4 | 6;

export interface SymbolicName {
  kind: SymbolicRef['kind'];
  /** The hostname, country or object name as written. */
  name: string;
}

/** What an address name stands for: the concrete addresses and the members that cannot be known offline. */
export interface ResolvedAddr {
  set: AddrSet;
  symbolic: readonly SymbolicName[];
  /** Names that are neither addresses nor groups of this family. */
  missing: readonly string[];
}

/** No symbolic members, no missing names: shared (nothing changes a ResolvedAddr's lists). */
const NONE: readonly never[] = [];
const EMPTY: ResolvedAddr = { set: NO_ADDR, symbolic: NONE, missing: NONE };

/** Groups inside groups deeper than this are cut (no real configuration comes close). */
export const MAX_NESTING = 256;

/** Wildcard masks with more free bits above the lowest mask bit than this become an approximation. */
const MAX_WILDCARD_BITS = 8;

/**
 * `config firewall address` / `addrgrp` (IPv4) and `address6` / `addrgrp6` (IPv6), docs/semantics.md#fgt-objects.
 * Names resolve lazily and once; groups nest (a cycle is cut and noted).
 */
export class Addresses {
  private readonly ctx: Ctx;
  private readonly ifaces: Interfaces;
  private readonly memo: readonly [Map<string, ResolvedAddr>, Map<string, ResolvedAddr>] = [new Map(), new Map()];
  /** Per family, the names being resolved (groups inside groups); `depth` counts both. */
  private readonly resolving: readonly [Set<string>, Set<string>] = [new Set(), new Set()];
  private depth = 0;
  /** Per family: the address entries, or (a streamed table) the addresses converted as they were read. */
  private readonly objects: [ReadonlyMap<string, Streamed> | undefined, Map<string, Entry> | undefined];
  private readonly groups: [Map<string, Entry> | undefined, Map<string, Entry> | undefined];
  /** `config system external-resource`: threat feeds, whose `type address` entries policies use as addresses. */
  private readonly feeds: Map<string, Entry> | undefined;

  constructor(ctx: Ctx, ifaces: Interfaces) {
    this.ctx = ctx;
    this.ifaces = ifaces;
    this.objects = [objectMap(ctx.section('firewall address')), ctx.section('firewall address6')?.entries];
    this.groups = [ctx.section('firewall addrgrp')?.entries, ctx.section('firewall addrgrp6')?.entries];
    this.feeds = ctx.section('system external-resource')?.entries;
  }

  /** Whether the name is an address or group of the family. */
  has(name: string, family: Family): boolean {
    const i = family === 4 ? 0 : 1;
    return this.objects[i]?.has(name) === true || this.groups[i]?.has(name) === true || isBuiltin(name);
  }

  resolve(name: string, family: Family): ResolvedAddr {
    // A streamed address is already converted (what compute gives, without a group to cut).
    if (family === 4 && this.depth < MAX_NESTING) {
      const o = this.objects[0]?.get(name);
      if (o !== undefined && !isEntry(o)) return resolved(o);
    }
    const i = family === 4 ? 0 : 1;
    const memo = this.memo[i];
    const hit = memo.get(name);
    if (hit) return hit;
    const resolving = this.resolving[i];
    if (resolving.has(name)) {
      this.ctx.note(`address group "${name}" contains itself (directly or through other groups); the loop is cut`);
      return EMPTY;
    }
    if (this.depth >= MAX_NESTING) {
      this.ctx.note(`address group "${name}" is nested more than ${MAX_NESTING} groups deep; fwlint stops there`);
      return EMPTY;
    }
    resolving.add(name);
    this.depth++;
    const r = this.compute(name, family);
    this.depth--;
    resolving.delete(name);
    memo.set(name, r);
    return r;
  }

  /** Union of several names, as a policy's `srcaddr "A" "B"` means. */
  resolveAll(names: string | readonly string[], family: Family): ResolvedAddr {
    if (typeof names === 'string') return this.resolve(names, family);
    if (names.length === 1 && names[0] !== undefined) return this.resolve(names[0], family);
    // One table per family, keyed by the joined names alone: a key made of a family prefix and the
    // names is a concatenation, kept (with its flat copy) until the parse ends, one per distinct list.
    const lists = this.lists[family === 4 ? 0 : 1];
    const key = names.join('\u0000');
    const hit = lists.get(key);
    // A union without symbolic or missing members is kept as its set alone; the record made here dies young.
    if (hit) return hit instanceof IntervalSet ? { set: hit, symbolic: NONE, missing: NONE } : hit;
    const r = this.union(names, family);
    lists.set(key, r.symbolic.length || r.missing.length ? r : r.set);
    return r;
  }

  private readonly lists: readonly [Map<string, AddrSet | ResolvedAddr>, Map<string, AddrSet | ResolvedAddr>] = [
    new Map(),
    new Map(),
  ];

  private union(names: readonly string[], family: Family): ResolvedAddr {
    const sets: AddrSet[] = [];
    const symbolic: SymbolicName[] = [];
    const missing: string[] = [];
    for (const n of names) {
      const r = this.resolve(n, family);
      if (!r.set.isEmpty) sets.push(r.set);
      if (r.symbolic.length) symbolic.push(...r.symbolic);
      if (r.missing.length) missing.push(...r.missing);
    }
    // Kept until the parse ends, one per distinct list of names: a list built by push holds 17
    // slots, so the lists are copied to their size, or shared when empty.
    return {
      set: unionAll(sets),
      symbolic: symbolic.length ? symbolic.slice() : NONE,
      missing: missing.length ? missing.slice() : NONE,
    };
  }

  private compute(name: string, family: Family): ResolvedAddr {
    const i = family === 4 ? 0 : 1;
    const obj = this.objects[i]?.get(name);
    if (obj) return isEntry(obj) ? this.object(obj, family) : resolved(obj);
    const grp = this.groups[i]?.get(name);
    if (grp) return this.group(grp, family);
    // Built-in objects (docs/semantics.md#fgt-objects): "all" is the whole family, "none" is empty.
    const lower = name.toLowerCase();
    if (lower === 'all') return { set: family === 4 ? ANY_V4 : ANY_V6, symbolic: NONE, missing: NONE };
    if (lower === 'none') return EMPTY;
    // An IP address threat feed (docs/semantics.md#fgt-objects): the FortiGate fetches its addresses at
    // run time, so they are unknown offline, as an FQDN's are. `type` defaults to category.
    const feed = this.feeds?.get(name);
    if (feed && (value(feed, 'type') ?? 'category').toLowerCase() === 'address')
      return symbolicAddr('dynamic', `${name} (IP address threat feed, fetched at run time)`);
    return { set: NO_ADDR, symbolic: NONE, missing: [name] };
  }

  private group(g: Entry, family: Family): ResolvedAddr {
    const members = values(g, 'member');
    const r = this.resolveAll(members, family);
    // 7.x `set exclude enable` + `exclude-member`: the group minus those members.
    if ((value(g, 'exclude') ?? 'disable').toLowerCase() === 'enable') {
      const ex = this.resolveAll(values(g, 'exclude-member'), family);
      const out: ResolvedAddr = {
        set: r.set.subtract(ex.set),
        symbolic: [...r.symbolic, ...ex.symbolic.map((s) => ({ ...s }))],
        missing: [...r.missing, ...ex.missing],
      };
      if (ex.symbolic.length)
        this.ctx.note(
          `${this.ctx.where(g)}: address group "${g.key}" excludes members whose addresses are unknown offline; the ` +
            `exclusion is applied only for the concrete addresses`,
        );
      return out;
    }
    return r;
  }

  /** An address object: what convertAddress gives, else what needs the interfaces or reports something. */
  private object(e: Entry, family: Family): ResolvedAddr {
    const pure = convertAddress(e, family);
    if (pure) return pure;
    const ctx = this.ctx;
    const type = addressType(e, family);
    switch (type) {
      case 'ipmask':
      case 'ipprefix': {
        const spec = subnetSpec(e, family);
        return this.bad(e, family === 4 ? 'subnet' : 'ip6', `"${spec}" is not an address/mask`);
      }
      case 'iprange':
        return this.bad(e, 'start-ip', 'the range is empty or malformed');
      case 'wildcard': {
        const v = values(e, 'wildcard');
        return { set: wildcardSet(ctx, e, v[0] ?? '0.0.0.0', v[1] ?? '0.0.0.0'), symbolic: NONE, missing: NONE };
      }
      case 'interface-subnet': {
        const iface = value(e, 'interface');
        const info = iface ? this.ifaces.get(iface) : undefined;
        if (!info) {
          ctx.note(
            `${ctx.where(e)}: address "${e.key}" is the subnet of interface "${iface ?? ''}", which this firewall does ` +
              `not have; it matches nothing`,
          );
          return EMPTY;
        }
        return { set: inFamily(info.model.networks, family === 6), symbolic: NONE, missing: NONE };
      }
      default: {
        const t = getSet(e, 'type') ?? e;
        ctx.unsupportedAt(
          t,
          `firewall address "${e.key}" type ${type}`,
          `address type "${type}" is not modeled; policies that use it are evaluated as if its addresses were unknown`,
        );
        return symbolicAddr('dynamic', `${e.key} (${type})`);
      }
    }
  }

  private bad(e: Entry, field: string, why: string): ResolvedAddr {
    const s = getSet(e, field) ?? e;
    this.ctx.unsupportedAt(s, `firewall address "${e.key}" ${field}`, `${why}; the address matches nothing`);
    return EMPTY;
  }
}

function isEntry(x: Streamed): x is Entry {
  return 'sets' in x;
}

/**
 * A streamed address as stored: the entry (not converted), its addresses alone (the usual case: no
 * symbolic or missing names, so no ResolvedAddr per address lives until the parse ends), or what it resolved to.
 */
type Streamed = Entry | ResolvedAddr | AddrSet;

/** What a streamed address resolves to (a fresh record for a plain address set: callers only read it, and it dies young). */
function resolved(x: ResolvedAddr | AddrSet): ResolvedAddr {
  return x instanceof IntervalSet ? { set: x, symbolic: NONE, missing: NONE } : x;
}

function addressType(e: Entry, family: Family): string {
  return (value(e, 'type') ?? (family === 4 ? 'ipmask' : 'ipprefix')).toLowerCase();
}

/** `subnet` absent = 0.0.0.0 0.0.0.0 (the built-in "all" is written without one). */
function subnetSpec(e: Entry, family: Family): string {
  const v = family === 4 ? values(e, 'subnet') : values(e, 'ip6');
  return v.length === 0 ? (family === 4 ? '0.0.0.0/0' : '::/0') : v.length >= 2 ? `${v[0]}/${v[1]}` : (v[0] ?? '');
}

function symbolicAddr(kind: SymbolicName['kind'], name: string): ResolvedAddr {
  return { set: NO_ADDR, symbolic: [{ kind, name }], missing: NONE };
}

/**
 * What an address object stands for when that depends on the entry alone and reports nothing
 * (addresses, ranges, hostnames, countries, run-time objects); undefined for the rest (malformed
 * values, wildcards, interface subnets, unknown types), which Addresses converts with its context.
 */
function convertAddress(e: Entry, family: Family): ResolvedAddr | undefined {
  const type = addressType(e, family);
  switch (type) {
    case 'ipmask':
    case 'ipprefix': {
      const set = parseIpv4Spec(subnetSpec(e, family));
      return set ? { set: inFamily(set, family === 6), symbolic: NONE, missing: NONE } : undefined;
    }
    case 'iprange': {
      const zero = family === 4 ? '0.0.0.0' : '::';
      const a = parseAddress(value(e, 'start-ip') ?? zero);
      const b = parseAddress(value(e, 'end-ip') ?? zero);
      if (a === undefined || b === undefined || isV6(a) !== isV6(b) || a > b) return undefined;
      return { set: inFamily(addrSet([[a, b]]), family === 6), symbolic: NONE, missing: NONE };
    }
    case 'fqdn':
    case 'wildcard-fqdn':
      // Resolved by the FortiGate at run time; fwlint never resolves hostnames (docs/semantics.md#pf-layout).
      return symbolicAddr('fqdn', value(e, 'fqdn') ?? value(e, 'wildcard-fqdn') ?? e.key);
    case 'geography':
      return symbolicAddr('geo', `${e.key} (country ${value(e, 'country') ?? '?'})`);
    case 'dynamic':
    case 'mac':
    case 'route-tag':
    case 'template':
      // SDN connectors, FSSO/EMS tags, MAC addresses: the members are learned at run time.
      return symbolicAddr('dynamic', `${e.key} (${type})`);
    default:
      return undefined;
  }
}

/**
 * `config firewall address` converted while the file is read (stream.ts): each entry becomes what
 * Addresses would resolve it to and its inventory object, and only entries that need more (the
 * interfaces, a report) are kept, so 100k address entries never pile up in the tree. The names keep
 * the file's order (an entry edited again restarts the read without a stream).
 */
export class AddressTable {
  /** The converted address (its set alone when nothing else is known about it), or the entry where convertAddress gives nothing. */
  readonly byName = new Map<string, Streamed>();
  /** In file order: the inventory object of each converted address, or the entry. */
  readonly order: (NamedObject | Entry)[] = [];
  private readonly file: string;

  constructor(file: string) {
    this.file = file;
  }

  add(e: Entry): void {
    const byName = this.byName;
    const size = byName.size;
    const r = convertAddress(e, 4);
    // One lookup: a name already there (edited again) leaves the size as it was.
    byName.set(e.key, r ? (r.symbolic === NONE && r.missing === NONE ? r.set : r) : e);
    if (byName.size === size) throw new Restart();
    if (r) this.order.push(addressObject(this.file, e, r.set));
    else {
      e.sets.seal();
      this.order.push(e);
    }
  }
}

/** The IPv4 address objects of a `config firewall address` table, as read or as streamed. */
function objectMap(b: Block | undefined): ReadonlyMap<string, Streamed> | undefined {
  if (!b) return undefined;
  return b.converted instanceof AddressTable ? b.converted.byName : b.entries;
}

/** Groups of small members (the usual group: hosts and subnets) are built in one sort and merge. */
const SMALL_UNION = 4096;

/**
 * Union of many sets: small ones from all their intervals at once (one set built instead of one per
 * pair), large ones by halves (linear merges that share the chunks of large sets).
 */
function unionAll(sets: readonly AddrSet[]): AddrSet {
  if (sets.length === 0) return NO_ADDR;
  let intervals = 0;
  for (const s of sets) intervals += s.intervalCount;
  if (sets.length > 2 && intervals <= SMALL_UNION) {
    const ranges: [bigint, bigint][] = [];
    for (const s of sets) for (const iv of s.intervals()) ranges.push(iv);
    return addrSet(ranges);
  }
  let layer = sets;
  while (layer.length > 1) {
    const next: AddrSet[] = [];
    for (let i = 0; i < layer.length; i += 2) {
      const [a, b] = [layer[i], layer[i + 1]];
      if (a) next.push(b ? a.union(b) : a);
    }
    layer = next;
  }
  return layer[0] ?? NO_ADDR;
}

export function isBuiltin(name: string): boolean {
  const l = name.toLowerCase();
  return l === 'all' || l === 'none';
}

/**
 * `set wildcard 10.0.1.0 255.255.0.255`: addresses equal to the base where the mask has 1 bits. Exact
 * when the free bits above the lowest mask bit are few (one interval per combination), else the
 * smallest range that holds every member, reported.
 */
function wildcardSet(ctx: Ctx, e: Entry, baseText: string, maskText: string): AddrSet {
  const base = parseAddress(baseText);
  const mask = parseAddress(maskText);
  if (base === undefined || mask === undefined || isV6(base) || isV6(mask)) {
    ctx.unsupportedAt(
      getSet(e, 'wildcard') ?? e,
      `firewall address "${e.key}" wildcard`,
      'malformed wildcard; the address matches nothing',
    );
    return NO_ADDR;
  }
  const m = Number(mask);
  const b = Number(base) & m;
  // Bits below the lowest set mask bit are a contiguous free block.
  let low = 0;
  while (low < 32 && ((m >>> low) & 1) === 0) low++;
  if (low === 32) return ANY_V4;
  const free: number[] = [];
  for (let bit = low; bit < 32; bit++) if (((m >>> bit) & 1) === 0) free.push(bit);
  const span = 2 ** low;
  if (free.length > MAX_WILDCARD_BITS) {
    let hi = b >>> 0;
    for (const bit of free) hi = (hi | (1 << bit)) >>> 0;
    ctx.unsupportedAt(
      getSet(e, 'wildcard') ?? e,
      `firewall address "${e.key}" wildcard`,
      `the wildcard mask leaves ${free.length} scattered bits free; fwlint uses the range that holds every member, which ` +
        `also contains other addresses`,
    );
    return addrSet([[BigInt(b >>> 0), BigInt(hi >>> 0) + BigInt(span - 1)]]);
  }
  const ranges: [bigint, bigint][] = [];
  for (let k = 0; k < 2 ** free.length; k++) {
    let v = b >>> 0;
    free.forEach((bit, j) => {
      if ((k >>> j) & 1) v = (v | (1 << bit)) >>> 0;
    });
    ranges.push([BigInt(v), BigInt(v) + BigInt(span - 1)]);
  }
  return addrSet(ranges);
}
