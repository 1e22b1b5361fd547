import {
  ANY_ADDR,
  ANY_V4,
  ANY_V6,
  AddrUnion,
  NO_ADDR,
  inFamily,
  parseAddressSpec,
  type AddrSet,
} from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';
import { CONN_STATES, type Match, type SymbolicRef, type UncertainRef } from '../../src/model/policy.js';
import { protoSet, type PortSet, type ProtoSet } from '../../src/model/ports.js';
import { isPattern, lookupSet } from './context.js';
import type { ParseOptions } from '../types.js';
import { condPos, condValues, type Cond, type Effect, type Elements } from './expand.js';
import { ifaceName } from './interfaces.js';
import { isObject, keyOf, str, type Expr, type NSet, type NTable, type Pos } from './ir.js';
import { hasWords, wordElement } from './set-words.js';
import { printExpr } from './print.js';
import { BoundsMemo, Sightings, addV4Address, addressSet, addressValue, addressValueOf, releaseMemos } from './memo.js';
import { PORT_PROTOCOLS, icmpTypeNumber, protocolByName, serviceNumber } from './values.js';
import { icmpTypes, type IcmpTypeSet } from '../../src/model/icmp.js';
import { emptyList } from '../toolkit/scratch.js';
import { sized } from '../toolkit/sized.js';

/**
 * Conditions → one Match (a box). Each supported selector maps to a dimension: addresses
 * (`ip saddr`, `ip6 daddr`, `fib daddr type local`), protocol (`meta l4proto`, `ip protocol`, the
 * protocol a `tcp dport` implies), ports, interfaces (`iifname`/`oifname` with `*` wildcards against
 * the known names), `ct state` and `ct status dnat`. `ip …` implies IPv4 and `ip6 …` IPv6 (nft adds
 * that dependency, docs/semantics.md#nft-syntax), so an `inet` rule on `ip saddr` never matches IPv6.
 * Negation complements within the selector's domain.
 */
export class MatchBuilder {
  // The dimensions so far (the model's Match), before the family applies: fields rather than a Match
  // object, so that reset() empties them without a new object per rule (direct-match.ts reuses one).
  private src: AddrSet | undefined;
  private dst: AddrSet | undefined;
  private proto: ProtoSet | undefined;
  private sport: PortSet | undefined;
  private dport: PortSet | undefined;
  private iif: NameSet | undefined;
  private oif: NameSet | undefined;
  private state: NameSet | undefined;
  private nat: NameSet | undefined;
  private icmpType: IcmpTypeSet | undefined;
  fam: 4 | 6 | undefined;
  never = false;
  /** Made on the first entry (most rules have none: no two empty lists per rule). */
  private symbolic: SymbolicRef[] | undefined;
  private uncertain: UncertainRef[] | undefined;
  /** `th sport/dport` seen (position), and whether any other match names the protocol. */
  thAt: Pos | undefined;
  l4Named = false;

  /**
   * The family whose addresses alone each side is known to hold (the address conditions give sets
   * already cut to their family's universe): toMatch then need not cut them again. 0: not known.
   */
  private srcIn: 0 | 4 | 6 = 0;
  private dstIn: 0 | 4 | 6 = 0;

  /** Empties the builder for the next rule (as a new one). */
  reset(): void {
    this.src = undefined;
    this.dst = undefined;
    this.proto = undefined;
    this.sport = undefined;
    this.dport = undefined;
    this.iif = undefined;
    this.oif = undefined;
    this.state = undefined;
    this.nat = undefined;
    this.icmpType = undefined;
    this.fam = undefined;
    this.never = false;
    this.symbolic = undefined;
    this.uncertain = undefined;
    this.thAt = undefined;
    this.l4Named = false;
    this.srcIn = 0;
    this.dstIn = 0;
  }

  /** `within`: the family whose universe `set` lies in, if known. */
  addr(dim: 'src' | 'dst', set: AddrSet, within: 0 | 4 | 6 = 0): void {
    // An intersection lies in every universe one of its sides lies in.
    if (dim === 'src') {
      const cur = this.src;
      this.srcIn = cur === undefined ? within : this.srcIn || within;
      this.src = cur?.intersect(set) ?? set;
    } else {
      const cur = this.dst;
      this.dstIn = cur === undefined ? within : this.dstIn || within;
      this.dst = cur?.intersect(set) ?? set;
    }
  }

  protocols(set: ProtoSet, fromTh = false): void {
    if (!fromTh) this.l4Named = true;
    this.proto = this.proto?.intersect(set) ?? set;
  }

  ports(dim: 'sport' | 'dport', set: PortSet): void {
    if (dim === 'sport') this.sport = this.sport?.intersect(set) ?? set;
    else this.dport = this.dport?.intersect(set) ?? set;
  }

  icmp(set: IcmpTypeSet): void {
    this.icmpType = this.icmpType?.intersect(set) ?? set;
  }

  names(dim: 'iif' | 'oif' | 'state' | 'nat', set: NameSet): void {
    switch (dim) {
      case 'iif':
        this.iif = this.iif?.intersect(set) ?? set;
        return;
      case 'oif':
        this.oif = this.oif?.intersect(set) ?? set;
        return;
      case 'state':
        this.state = this.state?.intersect(set) ?? set;
        return;
      default:
        this.nat = this.nat?.intersect(set) ?? set;
    }
  }

  addSymbolic(ref: SymbolicRef): void {
    (this.symbolic ??= []).push(ref);
  }

  addUncertain(ref: UncertainRef): void {
    (this.uncertain ??= []).push(ref);
  }

  family(f: 4 | 6): void {
    if (this.fam && this.fam !== f) this.never = true;
    this.fam = f;
  }

  /** The Match, dimensions in the model's order; the family narrows the addresses. */
  toMatch(): Match {
    const m: Match = {};
    const universe = this.fam === 4 ? ANY_V4 : this.fam === 6 ? ANY_V6 : undefined;
    // A side already inside the family's universe is what intersect would give back (itself); no side
    // at all is the universe (ANY_ADDR ∩ universe).
    const src = universe
      ? this.src === undefined
        ? universe
        : this.srcIn === this.fam
          ? this.src
          : this.src.intersect(universe)
      : this.src;
    if (src) m.src = src;
    if (this.dst) m.dst = universe && this.dstIn !== this.fam ? this.dst.intersect(universe) : this.dst;
    if (this.proto) m.proto = this.proto;
    if (this.sport) m.sport = this.sport;
    if (this.dport) m.dport = this.dport;
    if (this.iif) m.iif = this.iif;
    if (this.oif) m.oif = this.oif;
    if (this.state) m.state = this.state;
    if (this.nat) m.nat = this.nat;
    if (this.icmpType) m.icmpType = this.icmpType;
    if (this.thAt && !this.l4Named) thWithoutProtocol(m, this.thAt);
    if (this.never) m.proto = protoSet([]);
    if (this.symbolic) m.symbolic = this.symbolic;
    if (this.uncertain) m.uncertain = this.uncertain;
    // The model keeps it per rule: all its members in the object itself.
    return sized(m);
  }
}

/**
 * `th sport/dport` without a protocol match: nft adds no protocol dependency, the kernel reads bytes
 * 0-3 of any transport header (for ICMP type, code and checksum; docs/semantics.md#nft-syntax). Full
 * port ranges match any such header exactly; otherwise packets of other protocols are uncertain.
 */
function thWithoutProtocol(m: Match, loc: Pos): void {
  if ((!m.sport || m.sport.isFull) && (!m.dport || m.dport.isFull)) {
    delete m.proto;
    return;
  }
  const why =
    'th ports without a protocol match read the first bytes of any transport header (ICMP: type, code, checksum)';
  m.uncertain = [...(m.uncertain ?? []), { field: 'proto', why, loc }];
}

export type Positive = '==' | '!=';

function nftAtMost(version: string, max: readonly number[]): boolean {
  const v = version.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < max.length; i++) {
    const a = v[i] ?? 0;
    const b = max[i] ?? 0;
    if (Number.isNaN(a)) return false;
    if (a !== b) return a < b;
  }
  return true;
}

function polarity(op: string): Positive | undefined {
  if (op === '==' || op === 'in') return '==';
  if (op === '!=') return '!=';
  return undefined;
}

const TRANSPORT = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th']);
const TRANSPORT_NUMBER: Record<string, number> = { tcp: 6, udp: 17, udplite: 136, sctp: 132, dccp: 33 };
/** A set this module writes as a constant: parsed once at load time. */
function constant(spec: string): AddrSet {
  const set = parseAddressSpec(spec);
  if (!set) throw new Error(`nftables parser: ${spec} is not an address`);
  return set;
}
const MULTICAST = constant('224.0.0.0/4').union(constant('ff00::/8'));
const BROADCAST = constant('255.255.255.255');

/** Protocol sets rules share (immutable): the one a `tcp dport` implies, ICMP. */
const TRANSPORT_SETS = new Map<string, ProtoSet>();
export function transportSet(proto: string): ProtoSet {
  let set = TRANSPORT_SETS.get(proto);
  if (!set) {
    const n = TRANSPORT_NUMBER[proto];
    set = proto === 'th' || n === undefined ? protoSet(PORT_PROTOCOLS) : protoSet([n]);
    TRANSPORT_SETS.set(proto, set);
  }
  return set;
}
export const ICMP4 = protoSet([1]);
export const ICMP6 = protoSet([58]);

/**
 * Single-value sets (`dport 443`, `l4proto udp`), shared by the rules that name them: IntervalSet keeps
 * them per universe in a list indexed by the value (interval-set.ts SINGLES), made at its full size when first
 * asked, so a ruleset of many distinct ports (the bench's huge chain at 100k: about 65,000) builds each
 * once and grows no table (this module's own list per domain, kept before that, held the same sets).
 */
function single(max: number, n: number): IntervalSet<number> {
  return IntervalSet.range(0, max, n, n);
}

const nameSets = new Map<string, NameSet>();
/** Sets of one interface name, and of every name but one. */
const ofOne = new Map<string, NameSet>();
const exceptOne = new Map<string, NameSet>();

/** Interface sets by their names: rules share one object (sets are immutable). */
export function nameSet(names: readonly string[], negated: boolean): NameSet {
  const [only] = names;
  // One name (most interface matches): looked up by the name itself, no key string built per rule.
  if (names.length === 1 && only !== undefined) return remembered(negated ? exceptOne : ofOne, only, names, negated);
  return remembered(nameSets, `${negated ? '!' : '='}${names.join('\0')}`, names, negated);
}

/** The set of `names` (or of every name but them) kept in `memo` under `key`; the memo is emptied past 4096. */
function remembered(memo: Map<string, NameSet>, key: string, names: readonly string[], negated: boolean): NameSet {
  let set = memo.get(key);
  if (!set) {
    set = negated ? NameSet.except(names) : NameSet.of(names);
    if (memo.size > 4096) memo.clear();
    memo.set(key, set);
  }
  return set;
}

/** Connection-state sets by their states (`ct state new`, `!= established,related`): rules share one object. */
const stateSets = new Map<string, NameSet>();
/** Sets of one state, and of every state but one. */
const oneState = new Map<string, NameSet>();
const exceptState = new Map<string, NameSet>();
export function stateSet(states: readonly string[], negated: boolean): NameSet {
  const [only] = states;
  // One state (`ct state new`, most): looked up by the state itself, no key string built per rule.
  const one = states.length === 1 && only !== undefined;
  const memo = one ? (negated ? exceptState : oneState) : stateSets;
  const key = one ? only : `${negated ? '!' : '='}${states.join(',')}`;
  let set = memo.get(key);
  if (!set) {
    set = negated ? NameSet.of(CONN_STATES.filter((s) => !states.includes(s))) : NameSet.of(states);
    if (memo.size > 4096) memo.clear();
    memo.set(key, set);
  }
  return set;
}

type Values = Elements;

/**
 * What the interpreter reads besides the condition: the file's context (context.ts Ctx), or the text
 * reader's preparer (prepare.ts), which converts a rule while it is read and gives up (throws) where
 * the rest of the file decides: interface patterns, local addresses, notes.
 */
export interface InterpEnv {
  readonly options: ParseOptions;
  readonly doc: { readonly version?: string | undefined };
  namesMatching(pattern: string): string[];
  note(message: string): void;
  localAddresses(): AddrSet;
}

export class CondInterpreter {
  private readonly ctx: InterpEnv;

  constructor(ctx: InterpEnv) {
    this.ctx = ctx;
  }

  /** Applies one condition; returns why it cannot when the model cannot express it. */
  apply(c: Cond, table: NTable, mb: MatchBuilder): Effect | undefined {
    const left = c.left;
    const k = keyOf(left);
    const body = k && isObject(left) ? left[k] : undefined;
    if (k === 'payload' && isObject(body) && typeof body.protocol === 'string') {
      const proto = body.protocol;
      const field = str(body.field);
      if ((proto === 'ip' || proto === 'ip6') && (field === 'saddr' || field === 'daddr'))
        return this.address(c, mb, proto === 'ip' ? 4 : 6, field === 'saddr' ? 'src' : 'dst', table);
      if ((proto === 'ip' && field === 'protocol') || (proto === 'ip6' && field === 'nexthdr')) {
        mb.family(proto === 'ip' ? 4 : 6);
        return this.protocol(c, mb, table);
      }
      if (proto === 'ip' && field === 'version') {
        const v = condValues(c, table).values;
        if (v.length === 1 && (v[0] === 4 || v[0] === 6) && c.op !== '!=') {
          mb.family(v[0]);
          return undefined;
        }
      }
      if (TRANSPORT.has(proto) && (field === 'sport' || field === 'dport'))
        return this.port(c, mb, proto, field, table);
      if ((proto === 'icmp' || proto === 'icmpv6') && field === 'type')
        return this.icmpType(c, mb, proto === 'icmpv6', condValues(c, table));
      // The EtherType (bridge and netdev tables): as `meta protocol`.
      if (proto === 'ether' && field === 'type') return this.nfproto(c, mb, 'ether type', condValues(c, table));
      return unsupportedOf(c, `${proto} ${field} is not modeled`);
    }
    if (k === 'meta' && isObject(body)) {
      const key = str(body.key);
      if (key === 'l4proto') return this.protocol(c, mb, table);
      if (key === 'iifname' || key === 'oifname' || key === 'iif' || key === 'oif')
        return this.iface(c, mb, key.startsWith('i') ? 'iif' : 'oif', condValues(c, table));
      if (key === 'nfproto' || key === 'protocol') return this.nfproto(c, mb, key, condValues(c, table));
      if (key === 'pkttype') return this.pkttype(c, mb, condValues(c, table));
      return unsupportedOf(c, `meta ${key} is not modeled`);
    }
    if (k === 'ct' && isObject(body)) {
      const key = str(body.key);
      if (key === 'state' && body.dir === undefined) return this.ctState(c, mb, condValues(c, table));
      if (key === 'status' && body.dir === undefined) return this.ctStatus(c, mb, condValues(c, table));
      return unsupportedOf(c, `ct ${key} is not modeled`);
    }
    if (k === 'fib' && isObject(body)) return this.fib(c, mb, body, condValues(c, table));
    // A masked field (`tcp flags & (fin | syn)`) is named by the field, so its conditions are one kind.
    return unsupportedOf(c, `${printExpr(maskedField(left)) || 'this expression'} is not modeled`);
  }

  private address(c: Cond, mb: MatchBuilder, fam: 4 | 6, dim: 'src' | 'dst', table: NTable): Effect | undefined {
    const pol = polarity(c.op);
    if (!pol) return unsupportedOf(c, 'an ordered comparison of addresses is not modeled');
    // A named set kept as words (set-words.ts): its union made from the words, without their values.
    const words = wordsSet(c, table);
    const v = words ? WORDS_VALUES : condValues(c, table);
    if (v.missing.length) return unsupportedOf(c, `set ${v.missing.join(', ')} is not defined in this file`);
    const universe = fam === 4 ? ANY_V4 : ANY_V6;
    // Rules repeat the same address (a string, or a prefix or range the reader shares) and the same
    // named sets (their elements are read once per set): each set is built once per family and polarity.
    // Lists of literal values the direct reader names by their text (Elements.key) are shared the same way.
    const named = isSetRef(c.right);
    if (!named && v.dynamic.length === 0) {
      // Literal addresses only (the direct reader's path too); hostnames and other values below.
      const lit = literalAddressSet(fam, pol, v.values, v.key);
      if (lit) {
        mb.family(fam);
        mb.addr(dim, lit, fam);
        return undefined;
      }
    }
    // Left: a named set (built once per family and polarity), or values with a hostname or an element
    // filled at run time (literalAddressSet takes every list of plain addresses).
    const memo =
      named && v.dynamic.length === 0 ? addressConds[(fam === 4 ? 0 : 2) + (pol === '==' ? 0 : 1)] : undefined;
    const hit = memo?.get(words ?? v);
    if (hit) {
      mb.family(fam);
      mb.addr(dim, hit, fam);
      return undefined;
    }
    // One build from the values' bounds: a named set's IPv4 elements without a set each (addV4Address).
    const values = words ? words.elements : v.values;
    const union = new AddrUnion(values.length);
    let hosts = false;
    for (const w of values) {
      // A word addV4Spec takes is an address or prefix whose value addV4Address would take the same.
      if (words && typeof w === 'string' && union.addV4Spec(w)) continue;
      const x = words ? wordElement(w) : w;
      if (addV4Address(union, x)) continue;
      const r = addressValue(x);
      if (r.set) union.add(r.set);
      else if (r.host) {
        hosts = true;
        mb.addSymbolic({ field: dim, kind: 'fqdn', name: r.host, negated: pol === '!=', loc: condPos(c) });
      } else return unsupportedOf(c, `${printExpr(x)} is not an address`);
    }
    let set = union.done();
    for (const d of v.dynamic)
      mb.addSymbolic({ field: dim, kind: 'dynamic', name: d, negated: pol === '!=', loc: condPos(c) });
    set = set.intersect(universe);
    if (pol !== '==') set = universe.subtract(set);
    if (memo && !hosts) {
      if (memo.size >= MEMO_LIMIT) memo.clear();
      memo.set(words ?? v, set);
    }
    mb.family(fam);
    mb.addr(dim, set, fam);
    return undefined;
  }

  private protocol(c: Cond, mb: MatchBuilder, table: NTable): Effect | undefined {
    const r = namedOr(c, table, 255, protocolByName);
    if (typeof r === 'string') return unsupportedOf(c, r);
    mb.protocols(r);
    return undefined;
  }

  private port(c: Cond, mb: MatchBuilder, proto: string, field: 'sport' | 'dport', table: NTable): Effect | undefined {
    const r = namedOr(c, table, 65535, portNumber);
    if (typeof r === 'string') return unsupportedOf(c, r);
    if (proto === 'th') mb.thAt ??= condPos(c);
    mb.protocols(transportSet(proto), proto === 'th');
    mb.ports(field, r);
    return undefined;
  }

  /** `icmp type` / `icmpv6 type` (names, numbers, ranges, sets, negation): the flow's ICMP type dimension (src/model/icmp.ts). */
  private icmpType(c: Cond, mb: MatchBuilder, v6: boolean, v: Values): Effect | undefined {
    const r = numbers(c.op, v, 255, v6 ? icmp6Number : icmp4Number);
    if (typeof r === 'string') return unsupportedOf(c, `${r} (an ICMP type)`);
    mb.protocols(v6 ? ICMP6 : ICMP4);
    mb.icmp(icmpSetOf(v6, r));
    return undefined;
  }

  private iface(c: Cond, mb: MatchBuilder, dim: 'iif' | 'oif', v: Values): Effect | undefined {
    const pol = polarity(c.op);
    if (!pol) return unsupportedOf(c, 'an ordered comparison of interfaces is not modeled');
    if (v.missing.length || v.dynamic.length)
      return unsupportedOf(
        c,
        `interface set ${[...v.missing, ...v.dynamic].join(', ')} ` +
          (v.missing.length ? 'is not defined in this file' : 'is filled at run time'),
      );
    const names: string[] = [];
    for (const x of v.values) {
      const name = ifaceName(c.left, x);
      if (name === undefined) return unsupportedOf(c, `${printExpr(x)} is not an interface name`);
      const matched = this.ctx.namesMatching(name);
      if (isPattern(name)) {
        // Longer patterns it matches (`vlan2*` for `vlan*`) stand for interfaces it matches too.
        const named = matched.filter((n) => n !== name && !isPattern(n));
        const longer = matched.filter((n) => n !== name && isPattern(n));
        const parts: string[] = [];
        if (named.length) parts.push(`the interfaces the ruleset names (${named.join(', ')})`);
        if (longer.length)
          parts.push(
            `the interfaces of the longer pattern${longer.length > 1 ? 's' : ''} ${longer.map((n) => `"${n}"`).join(', ')}`,
          );
        const itself = `the interface "${name}", which stands for the others matching it`;
        this.ctx.note(`interface pattern "${name}" matches ${parts.length ? `${parts.join(', ')} and ` : ''}${itself}`);
      }
      for (const n of matched) names.push(n);
    }
    mb.names(dim, nameSet(names, pol === '!='));
    return undefined;
  }

  /** `meta nfproto`, `meta protocol` and `ether type` (`key`): the family, or no IP packet at all. */
  private nfproto(c: Cond, mb: MatchBuilder, key: string, v: Values): Effect | undefined {
    const pol = polarity(c.op);
    const what = key === 'ether type' ? key : `meta ${key}`;
    if (!pol || v.values.length !== 1) return unsupportedOf(c, `${what} with several values is not modeled`);
    const x = v.values[0];
    // `meta protocol` and `ether type` compare the EtherType, which may be written as a number.
    const ethertype = key !== 'nfproto' && typeof x === 'number' ? x : undefined;
    const fam =
      x === 'ipv4' || x === 'ip' || ethertype === 0x0800
        ? 4
        : x === 'ipv6' || x === 'ip6' || ethertype === 0x86dd
          ? 6
          : undefined;
    if (!fam) {
      // Another protocol (arp, vlan...): routed IP flows never match it.
      if (pol === '==') mb.never = true;
      return undefined;
    }
    mb.family(pol === '==' ? fam : fam === 4 ? 6 : 4);
    return undefined;
  }

  private pkttype(c: Cond, mb: MatchBuilder, v: Values): Effect | undefined {
    const pol = polarity(c.op);
    if (!pol || v.missing.length || v.dynamic.length) return unsupportedOf(c, 'this pkttype match is not modeled');
    // The flows fwlint evaluates are unicast to a host.
    const host = v.values.some((x) => x === 'host' || x === 'unicast');
    if (host !== (pol === '==')) mb.never = true;
    return undefined;
  }

  private ctState(c: Cond, mb: MatchBuilder, v: Values): Effect | undefined {
    const pol = polarity(c.op);
    if (!pol) return unsupportedOf(c, 'an ordered comparison of ct state is not modeled');
    if (v.missing.length || v.dynamic.length) return unsupportedOf(c, 'a ct state set fwlint cannot read');
    const states: string[] = [];
    for (const x of v.values) {
      if (typeof x !== 'string' || !(CONN_STATES as readonly string[]).includes(x))
        return unsupportedOf(c, `${printExpr(x)} is not a connection state`);
      states.push(x);
    }
    // `!= a,b` (a flag list, not a set): nft up to 1.0.6 compiles it to `cmp neq` against the combined
    // bits, which every packet's single state bit passes; the meaning depends on the nft release that
    // loaded the ruleset (docs/semantics.md#nft-syntax). Known release: exact; else uncertain.
    if (pol === '!=' && Array.isArray(c.right) && states.length > 1) {
      const v = this.ctx.options.nftVersion ?? this.ctx.doc.version;
      if (v && nftAtMost(v, [1, 0, 6])) return undefined;
      const release = v ? `nft ${v} is not verified` : 'not recorded in text rulesets; pass --nft-version';
      const why = `the meaning of \`ct state != a,b\` depends on the nft release that loaded the ruleset (${release})`;
      mb.addUncertain({ field: 'state', why, loc: condPos(c) });
    }
    mb.names('state', stateSet(states, pol === '!='));
    return undefined;
  }

  private ctStatus(c: Cond, mb: MatchBuilder, v: Values): Effect | undefined {
    const pol = polarity(c.op);
    if (!pol || v.values.length !== 1 || v.values[0] !== 'dnat')
      return unsupportedOf(c, 'ct status other than dnat is not modeled');
    mb.names('nat', NameSet.of([pol === '==' ? 'dnat' : 'none']));
    return undefined;
  }

  private fib(c: Cond, mb: MatchBuilder, body: Record<string, Expr>, v: Values): Effect | undefined {
    const flags = (Array.isArray(body.flags) ? body.flags : [body.flags]).map(String);
    const result = str(body.result);
    const pol = polarity(c.op);
    if (!pol) return unsupportedOf(c, 'an ordered fib comparison is not modeled');
    if (result === 'oif' || result === 'oifname' || result === 'check') {
      const missing =
        v.values.length === 1 &&
        (v.values[0] === false || v.values[0] === 'missing' || v.values[0] === 0 || v.values[0] === '');
      const exists = v.values.length === 1 && (v.values[0] === true || v.values[0] === 'exists');
      if (!missing && !exists) return unsupportedOf(c, 'a route lookup by output interface is not modeled');
      // Reverse-path filtering: legitimate traffic has a route back.
      this.ctx.note(
        '`fib … oif missing` (reverse-path filtering) is evaluated assuming legitimate traffic has a route back',
      );
      if (missing === (pol === '==')) mb.never = true;
      return undefined;
    }
    if (result !== 'type') return unsupportedOf(c, `fib ${result} is not modeled`);
    const dim = flags.includes('daddr') ? 'dst' : flags.includes('saddr') ? 'src' : undefined;
    if (!dim) return unsupportedOf(c, 'this fib lookup is not modeled');
    const local = this.ctx.localAddresses();
    let set = NO_ADDR;
    for (const x of v.values) {
      switch (x) {
        case 'local':
          set = set.union(local);
          break;
        case 'broadcast':
          set = set.union(BROADCAST);
          break;
        case 'multicast':
          set = set.union(MULTICAST);
          break;
        case 'anycast':
          break;
        case 'unicast':
          set = set.union(ANY_ADDR.subtract(local).subtract(BROADCAST).subtract(MULTICAST));
          break;
        default:
          return unsupportedOf(c, `address type ${printExpr(x)} depends on the routing table`);
      }
    }
    mb.addr(dim, pol === '==' ? set : ANY_ADDR.subtract(set));
    return undefined;
  }
}

/**
 * The ICMP type sets of type sets (per family): a single type's set is shared (single()), so rules
 * matching the same type share one set instead of building it again. Weak: sets of lists are per rule.
 */
const icmp4Sets = new WeakMap<IntervalSet<number>, IcmpTypeSet>();
const icmp6Sets = new WeakMap<IntervalSet<number>, IcmpTypeSet>();

/** Why condition `c` cannot be expressed in the model (an opaque condition), at its statement. */
function unsupportedOf(c: Cond, why: string): Effect {
  // nft prints `==` after a bitwise expression (`tcp flags & (fin | syn) == fin | syn`), elsewhere not.
  const implicit = c.op === 'in' || (c.op === '==' && !BITWISE.has(keyOf(c.left) ?? ''));
  const right = isMark(c.left) ? printMark(c.right) : printExpr(c.right);
  return {
    pos: condPos(c),
    what: `${printExpr(c.left)} ${implicit ? '' : `${c.op} `}${right}`.trim(),
    why,
  };
}

/** `meta mark` or `ct mark`: values nft prints in hexadecimal, and `nft -j` gives as numbers. */
function isMark(e: Expr): boolean {
  if (!isObject(e)) return false;
  const body = e.meta ?? e.ct;
  return isObject(body) && body.key === 'mark';
}

/**
 * A mark value as nft prints it (`0x00123434`), whether read from text or from `nft -j`'s numbers, so
 * a finding's text and fingerprint are the same for both forms of one ruleset.
 */
function printMark(e: Expr): string {
  const n = typeof e === 'number' ? e : typeof e === 'string' && /^(0x[0-9a-f]+|\d+)$/i.test(e) ? Number(e) : NaN;
  if (Number.isSafeInteger(n) && n >= 0) return `0x${n.toString(16).padStart(8, '0')}`;
  if (isObject(e) && Array.isArray(e.range) && e.range.length === 2)
    return `${printMark(e.range[0] as Expr)}-${printMark(e.range[1] as Expr)}`;
  if (isObject(e) && Array.isArray(e.set)) return `{ ${e.set.map((x) => printMark(x)).join(', ')} }`;
  return printExpr(e);
}

const BITWISE = new Set(['&', '|', '^', '<<', '>>']);

/** The field a bitwise expression starts from (`tcp flags` of `tcp flags & (fin | syn)`), else `e`. */
function maskedField(e: Expr): Expr {
  let x = e;
  for (let k = keyOf(x); k !== undefined && BITWISE.has(k); k = keyOf(x)) {
    const operands: unknown = isObject(x) ? x[k] : undefined;
    if (!Array.isArray(operands) || operands.length === 0) break;
    x = operands[0] as Expr;
  }
  return x;
}

const MEMO_LIMIT = 1 << 15;

/** literalAddressSet's union, emptied for each list (room for a rule's anonymous set kept). */
const LIST_UNION = new AddrUnion(16);

/** Address sets of short lists of IPv4 literals by their bounds, in addressConds' four slots (tags). */
const SHORT_ADDRESSES = new BoundsMemo<AddrSet>();
/** Numeric sets of short lists of literal values by their bounds, by domain and operator. */
const SHORT_NUMBERS = new BoundsMemo<IntervalSet<number>>();
/**
 * Address sets of single-value conditions by value: IPv4 ==, IPv4 !=, IPv6 ==, IPv6 !=; named sets by
 * their values (elementsOf's, one per set), or by the set when it is kept as words.
 */
const addressConds = [0, 1, 2, 3].map(() => new Map<Expr | Values | NSet, AddrSet>());
/** Address sets of lists of literal values by their text (Elements.key), in the same four slots. */
const addressLists = [0, 1, 2, 3].map(() => new Map<Expr | Values, AddrSet>());

/** What a named set kept as words (wordsSet) has besides its elements: nothing missing or dynamic. */
const WORDS_VALUES: Values = { values: [], dynamic: [], missing: [] };

/**
 * The set a condition names when it keeps its elements as words (set-words.ts) and is not filled at run
 * time: elementsOf would give its elements' values, and nothing missing or dynamic.
 */
function wordsSet(c: Cond, table: NTable): NSet | undefined {
  if (c.vals !== undefined || !isSetRef(c.right)) return undefined;
  const set = lookupSet(table, c.right as string);
  return set && !set.dynamic && hasWords(set) ? set : undefined;
}

/**
 * The IPv4 `==` address set a rule's condition made of a named set kept as words (address()), when one
 * did: the union of its words, which the inventory of a set of IPv4 words holds too (inventory.ts).
 */
export function wordsAddressSet(set: NSet): AddrSet | undefined {
  return addressConds[0]?.get(set);
}

/** `@name`: a named set, whose elements elementsOf reads once (one Values object per set). */
function isSetRef(e: Expr): boolean {
  return typeof e === 'string' && e.startsWith('@');
}

/** The lists of literal values (their texts) met so far, for the two tables of lists (literalAddressSet, literalNumberSet). */
const listsSeen = new Sightings();

/** Numeric sets of conditions on lists of literal values, by domain, operator and the list's text. */
const listedSets = new Map<number, Map<string, Map<string, IntervalSet<number> | string>>>();

function listedNumbers(op: string, max: number): Map<string, IntervalSet<number> | string> {
  let byOp = listedSets.get(max);
  if (!byOp) listedSets.set(max, (byOp = new Map<string, Map<string, IntervalSet<number> | string>>()));
  let byKey = byOp.get(op);
  if (!byKey) byOp.set(op, (byKey = new Map<string, IntervalSet<number> | string>()));
  return byKey;
}

/**
 * Numeric sets of conditions on named sets, by the set's Values (or the set, when kept as words) and the
 * operator and domain.
 */
const namedNumbers = new WeakMap<Values | NSet, Map<string, IntervalSet<number> | string>>();

/**
 * The numeric set of a condition, its values read by `byName` (numbers() for this domain: protocols,
 * ports); built once per named set, operator and domain.
 */
function namedOr(
  c: Cond,
  table: NTable,
  max: 255 | 65535,
  byName: (x: string | number) => number | undefined,
): IntervalSet<number> | string {
  // A named set kept as words (set-words.ts): read from its words, without their values kept.
  const words = wordsSet(c, table);
  const v = words ? WORDS_VALUES : condValues(c, table);
  // Literal values: literalNumberSet, which reads names as byName does for this domain.
  if (!words && !isSetRef(c.right))
    return v.missing.length || v.dynamic.length
      ? numbers(c.op, v, max, byName)
      : literalNumberSet(c.op, v.values, v.key, max);
  const memoKey = words ?? v;
  let byOp = namedNumbers.get(memoKey);
  if (!byOp) namedNumbers.set(memoKey, (byOp = new Map<string, IntervalSet<number> | string>()));
  const key = `${c.op} ${String(max)}`;
  const hit = byOp.get(key);
  if (hit !== undefined) return hit;
  const r = words ? literalNumbers(c.op, words.elements, max, byName, true) : numbers(c.op, v, max, byName);
  byOp.set(key, r);
  return r;
}

/**
 * Numeric sets (ports, protocols) from values, single numbers, ranges and names; negation and
 * ordered comparisons (`tcp dport < 1024`) become intervals. Returns an error text when it cannot.
 */
function numbers(
  op: string,
  v: Values,
  max: number,
  byName: (x: string | number) => number | undefined,
): IntervalSet<number> | string {
  if (v.missing.length) return `set ${v.missing.join(', ')} is not defined in this file`;
  if (v.dynamic.length) return `set ${v.dynamic.join(', ')} gets its elements at run time`;
  return literalNumbers(op, v.values, max, byName);
}

/** numbers() of literal values (no named set, nothing filled at run time). */
/** literalNumbers' scratch list of bounds. */
const BOUNDS: number[] = [];

function literalNumbers(
  op: string,
  values: readonly Expr[],
  max: number,
  byName: (x: string | number) => number | undefined,
  words = false,
): IntervalSet<number> | string {
  return gatherBounds(values, max, byName, words) ?? boundsSet(op, max);
}

/**
 * The bounds of `values` into BOUNDS (lo0, hi0, lo1, hi1, …: no pair per value, IntervalSet.ofBounds),
 * a scratch list kept from call to call (ofBounds keeps a copy at its size, never the list; byName
 * calls back nothing here); why not, when a value is not one of the domain.
 */
function gatherBounds(
  values: readonly Expr[],
  max: number,
  byName: (x: string | number) => number | undefined,
  words: boolean,
): string | undefined {
  const bounds = BOUNDS;
  emptyList(bounds);
  // By index: for…of made an iterator result a value while the loop was not optimised.
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: unoptimised loops)
  for (let i = 0; i < values.length; i++) {
    const w = values[i] ?? null;
    // A set's words (set-words.ts): each value made here, young garbage, not kept with the set.
    const x = words ? wordElement(w) : w;
    if (isObject(x) && Array.isArray(x.range) && x.range.length === 2) {
      const a = typeof x.range[0] === 'string' || typeof x.range[0] === 'number' ? byName(x.range[0]) : undefined;
      const b = typeof x.range[1] === 'string' || typeof x.range[1] === 'number' ? byName(x.range[1]) : undefined;
      if (a === undefined || b === undefined || a > b || b > max)
        return `${printExpr(x)} is not a range fwlint understands`;
      bounds.push(a, b);
      continue;
    }
    if (typeof x !== 'string' && typeof x !== 'number') return `${printExpr(x)} is not a value fwlint understands`;
    const n = byName(x);
    if (n === undefined || n < 0 || n > max) return `${printExpr(x)} is not a known value`;
    bounds.push(n, n);
  }
  return undefined;
}

/** The set of condition `op` on the bounds in BOUNDS (gatherBounds), or why it cannot be built. */
function boundsSet(op: string, max: number): IntervalSet<number> | string {
  const bounds = BOUNDS;
  const count = bounds.length / 2;
  // By index: a destructuring read the list through an iterator (an object a call).
  const lo = bounds[0] ?? 0;
  const hi = bounds[1] ?? 0;
  const one = count === 1 && lo === hi;
  if (op === '==' || op === 'in') return one ? single(max, lo) : IntervalSet.ofBounds(0, max, bounds);
  if (op === '!=') return (one ? single(max, lo) : IntervalSet.ofBounds(0, max, bounds)).complement();
  if (!one) return `an ordered comparison with ${String(count)} values is not modeled`;
  const n = lo;
  const r: [number, number] | undefined =
    op === '<' ? [0, n - 1] : op === '<=' ? [0, n] : op === '>' ? [n + 1, max] : op === '>=' ? [n, max] : undefined;
  if (!r) return `operator ${op} is not modeled`;
  return IntervalSet.of(0, max, r[0] <= r[1] ? [r] : []);
}

/** A port as a value names it: a number, digits, or a service name. */
function portNumber(x: string | number): number | undefined {
  return typeof x === 'number' ? x : /^\d+$/.test(x) ? Number(x) : serviceNumber(x);
}

function icmp4Number(x: string | number): number | undefined {
  return icmpTypeNumber(x, false);
}

function icmp6Number(x: string | number): number | undefined {
  return icmpTypeNumber(x, true);
}

/** The ICMP type set of a type number set, shared per set (single() shares one-type sets). */
export function icmpSetOf(v6: boolean, r: IntervalSet<number>): IcmpTypeSet {
  const memo = v6 ? icmp6Sets : icmp4Sets;
  let set = memo.get(r);
  if (set === undefined) {
    set = icmpTypes(v6, r.intervals());
    memo.set(r, set);
  }
  return set;
}

/**
 * The address set of a condition on literal values (no named set, nothing filled at run time), cut to
 * the family's universe and complemented for `!=`: `key` is the text of a list of several values
 * (Elements.key). Undefined when a value is not an address (a hostname, anything else): the
 * interpreter then goes value by value. Shared by the rules that write the same value or list.
 */
export function literalAddressSet(
  fam: 4 | 6,
  pol: Positive,
  values: readonly Expr[],
  key: string | undefined,
): AddrSet | undefined {
  const n = values.length;
  const [first] = values;
  if (n === 1 && pol === '==' && typeof first === 'object' && first !== null) {
    // A prefix or range object the readers share: addressValue finds its set by identity already, and
    // the part in the family's universe is that set itself (intersect gives it back) for nearly every
    // one; a second table by the same object cost an entry per prefix (most are written once).
    const own = addressValue(first).set;
    return own?.intersect(fam === 4 ? ANY_V4 : ANY_V6);
  }
  if (n === 1 && pol === '==' && typeof first === 'string') {
    // One address word: its set, without a memo entry. Most are written once (a large chain of host
    // rules: 200,000 misses and no hit at 100k), and an entry kept its key until the table filled up
    // and was cleared, long enough to be copied to the old generation.
    return addressSet(first)?.intersect(fam === 4 ? ANY_V4 : ANY_V6);
  }
  const listed = n > 1 && key !== undefined;
  const slot = (fam === 4 ? 0 : 2) + (pol === '==' ? 0 : 1);
  if (listed) {
    // A short list of IPv4 addresses and prefixes (most): by its bounds (SHORT_ADDRESSES), without its
    // text hashed; the union made from them is the one the general way below makes.
    const union = LIST_UNION;
    union.reset();
    let i = 0;
    while (i < n && addV4Address(union, values[i] ?? null)) i++;
    const added = i === n ? union.v4Only : undefined;
    const count = union.v4Count;
    if (added !== undefined && BoundsMemo.takes(count)) {
      const hit = SHORT_ADDRESSES.find(added, count, slot);
      if (hit !== undefined) return hit;
      const universe = fam === 4 ? ANY_V4 : ANY_V6;
      let set = inFamily(union.done(), fam === 6);
      if (pol !== '==') set = universe.subtract(set);
      SHORT_ADDRESSES.keep(set);
      return set;
    }
  }
  const memo = listed ? addressLists[slot] : n === 1 ? addressConds[slot] : undefined;
  const memoKey = listed ? key : values[0];
  const hit = memo && memoKey !== undefined ? memo.get(memoKey) : undefined;
  if (hit) return hit;
  const [only] = values;
  let set: AddrSet;
  if (n === 1 && only !== undefined) {
    // A single value's own set (the memo above already keys it by the value): no copy of its bounds.
    const own = (typeof only === 'string' ? addressValueOf(only) : addressValue(only)).set;
    if (!own) return undefined;
    set = own;
  } else {
    // One build from all intervals: large sets stay linear (n log n), never a union per element. The
    // union is the one kept for this (emptied first): done() builds a set that does not refer to it.
    const union = LIST_UNION;
    union.reset();
    for (let i = 0; i < n; i++) {
      const x = values[i] ?? null;
      if (addV4Address(union, x)) continue;
      const own = addressValue(x).set;
      if (!own) return undefined;
      union.add(own);
    }
    set = union.done();
  }
  const universe = fam === 4 ? ANY_V4 : ANY_V6;
  // intersect gives the set itself when it lies in the universe already (nearly always): inFamily
  // tells so from its last or first bound, without the subset test's lists.
  set = inFamily(set, fam === 6);
  if (pol !== '==') set = universe.subtract(set);
  // A list gets its entry from its second sighting on (Sightings): most are written once.
  if (memo && memoKey !== undefined && (!listed || listsSeen.again(key))) {
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(memoKey, set);
  }
  return set;
}

/**
 * The numeric set (ports: max 65535, protocols: 255) of a condition on literal values, or why it
 * cannot be built; lists of several values written as `key` (Elements.key) are built once per text.
 */
export function literalNumberSet(
  op: string,
  values: readonly Expr[],
  key: string | undefined,
  max: 255 | 65535,
): IntervalSet<number> | string {
  const [only] = values;
  // One number (`tcp dport 443`, most port matches): the set every rule naming it shares.
  if (values.length === 1 && typeof only === 'number' && only >= 0 && only <= max && (op === '==' || op === 'in'))
    return single(max, only);
  const byName = max === 255 ? protocolByName : portNumber;
  if (key === undefined || values.length < 2) return literalNumbers(op, values, max, byName);
  if (op === '==' || op === 'in' || op === '!=') {
    // A short list (most): by its bounds (SHORT_NUMBERS), without its text hashed.
    const why = gatherBounds(values, max, byName, false);
    if (why !== undefined) return why;
    const count = BOUNDS.length;
    if (BoundsMemo.takes(count)) {
      // `==` and `in` give the same set.
      const tag = (max === 255 ? 2 : 4) + (op === '!=' ? 1 : 0);
      const hit = SHORT_NUMBERS.find(BOUNDS, count, tag);
      if (hit !== undefined) return hit;
      const r = boundsSet(op, max);
      if (typeof r !== 'string') SHORT_NUMBERS.keep(r);
      return r;
    }
  }
  const byKey = listedNumbers(op, max);
  const hit = byKey.get(key);
  if (hit !== undefined) return hit;
  const r = literalNumbers(op, values, max, byName);
  // Most lists are written once (a port list per rule): an entry from the second sighting on.
  if (!listsSeen.again(key)) return r;
  if (byKey.size >= MEMO_LIMIT) byKey.clear();
  byKey.set(key, r);
  return r;
}

/** The ICMP type set of an `icmp type` / `icmpv6 type` condition on literal values, or why it cannot be built. */
export function literalIcmpSet(v6: boolean, op: string, values: readonly Expr[]): IcmpTypeSet | string {
  const r = literalNumbers(op, values, 255, v6 ? icmp6Number : icmp4Number);
  return typeof r === 'string' ? r : icmpSetOf(v6, r);
}

/** Empties the memos of this file and memo.ts once a parse is done (see releaseMemos). */
export function releaseParseMemos(): void {
  for (const m of addressConds) m.clear();
  for (const m of addressLists) m.clear();
  listedSets.clear();
  // Their keys are names as read, which can be slices of the source.
  ofOne.clear();
  exceptOne.clear();
  oneState.clear();
  exceptState.clear();
  releaseMemos();
}
