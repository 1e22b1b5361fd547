import {
  NON_INTERNET,
  NO_ADDR,
  UNKNOWN_OWN_NUMBER,
  dynamicAddress,
  formatAddrSet,
  parseAddressSpec,
  unionAddrs,
  type AddrSet,
} from '../../src/model/address.js';
import type { Interface } from '../../src/model/policy.js';
import type { Ctx } from './context.js';
import { addressSet, addressValue } from './memo.js';
import { condValues, type Flat, type FlatVerdict } from './expand.js';
import { EntryRule, ReadEntries } from './entry-rule.js';
import { runPos, type RunRule, type SeenRun } from './read-facts.js';
import { isObject, keyOf, str, type Expr, type NDocument, type NRule, type NTable, type Pos } from './ir.js';

/**
 * Rulesets hold no interface addresses: interfaces are the names rules use (`iifname`, `oifname`,
 * `iif`, `oif`, verdict-map keys, interface sets, chain devices). Each gets a placeholder address
 * (dynamicAddress) so `fib daddr type local` and traffic to the firewall itself stay exact. The WAN
 * is inferred from where source NAT leaves (`oifname "wan0" masquerade`), else from where
 * port-forwards arrive; internal networks from accept rules pairing an interface with private
 * source addresses. Every inference is a note; --wan and --phones CIDR@iface override.
 */

const IFACE_KEYS = new Set(['iifname', 'oifname', 'iif', 'oif']);

/**
 * The interface name a value of `left` stands for. `iif`/`oif` compare interface indexes: nft prints
 * the name when it knows the interface and the bare index otherwise (a number in text, a string of
 * digits in JSON), which names no interface.
 */
export function ifaceName(left: Expr, v: Expr): string | undefined {
  if (typeof v !== 'string') return undefined;
  const key = isObject(left) && isObject(left.meta) ? left.meta.key : undefined;
  return (key === 'iif' || key === 'oif') && /^\d+$/.test(v) ? undefined : v;
}

function ifaceKey(e: Expr): 'iif' | 'oif' | undefined {
  // Most conditions are on other selectors: their missing `meta` member answers before keyOf's walk.
  if (!isObject(e) || !isObject(e.meta) || keyOf(e) !== 'meta') return undefined;
  const key = str(e.meta.key);
  if (!IFACE_KEYS.has(key)) return undefined;
  return key.startsWith('i') ? 'iif' : 'oif';
}

/** Every interface name a condition of an alternative compares with, in order. */
function sawNames(out: string[], f: Flat, t: NTable): void {
  for (const cond of f.conds) {
    if (!ifaceKey(cond.left)) continue;
    for (const v of condValues(cond, t).values) {
      const name = ifaceName(cond.left, v);
      if (name !== undefined) out.push(name);
    }
  }
}

function literalNames(f: Flat, dim: 'iif' | 'oif', t: NTable): string[] {
  const out: string[] = [];
  for (const c of f.conds) {
    if (ifaceKey(c.left) !== dim || (c.op !== '==' && c.op !== 'in')) continue;
    for (const v of condValues(c, t).values) {
      const name = ifaceName(c.left, v);
      if (name !== undefined) out.push(name.replace(/\\\*/g, '*'));
    }
  }
  return out;
}

/** An address or prefix value (not a range) as a set. */
function plainAddress(v: Expr): AddrSet | undefined {
  if (typeof v === 'string') return addressSet(v);
  if (!isObject(v) || !isObject(v.prefix)) return undefined;
  // A prefix object keeps its value (memo.ts addressValue), which the condition interpreter reads too
  // (one value per prefix object for both).
  return addressValue(v).set;
}

/** Whether a set lies in the non-Internet ranges (private, loopback…), once per set (rules share sets). */
function nonInternet(s: AddrSet): boolean {
  // One interval (a host, a network: nearly every set here): a search in NON_INTERNET's bounds, with no
  // allocation, costs less than the table's entry for it (92% of the sets of the bench's 100k ruleset
  // were asked once: an entry each, kept to the next clear).
  if (s.intervalCount === 1) return s.isSubsetOf(NON_INTERNET);
  let hit = nonInternetSets.get(s);
  if (hit === undefined) {
    hit = s.isSubsetOf(NON_INTERNET);
    if (nonInternetSets.size >= 1 << 15) nonInternetSets.clear();
    nonInternetSets.set(s, hit);
  }
  return hit;
}
const nonInternetSets = new Map<AddrSet, boolean>();

/** A single public IPv4/IPv6 address written as a condition or NAT target, if that is what `v` is. */
function publicHost(v: Expr): AddrSet | undefined {
  const s = plainAddress(v);
  if (s?.size() !== 1n || s.isSubsetOf(NON_INTERNET)) return undefined;
  return s;
}

function hostConds(f: Flat, field: 'daddr', t: NTable): AddrSet | undefined {
  for (const c of f.conds) {
    const l = c.left;
    if (
      !isObject(l) ||
      !isObject(l.payload) ||
      l.payload.protocol !== 'ip' ||
      l.payload.field !== field ||
      (c.op !== '==' && c.op !== 'in')
    )
      continue;
    const els = condValues(c, t);
    const [only] = els.values;
    if (els.values.length !== 1 || only === undefined) return undefined;
    return publicHost(only);
  }
  return undefined;
}

function privateSources(f: Flat, field: 'saddr' | 'daddr', t: NTable): AddrSet | undefined {
  let acc: AddrSet | undefined;
  for (const c of f.conds) {
    const l = c.left;
    if (
      !isObject(l) ||
      !isObject(l.payload) ||
      (l.payload.protocol !== 'ip' && l.payload.protocol !== 'ip6') ||
      l.payload.field !== field
    )
      continue;
    if (c.op !== '==' && c.op !== 'in') return undefined;
    const els = condValues(c, t);
    if (els.dynamic.length || els.missing.length) return undefined;
    const set = privateSet(els.values);
    if (!set) return undefined;
    acc = acc ? acc.intersect(set) : set;
  }
  return acc && !acc.isEmpty ? acc : undefined;
}

/**
 * The addresses of one `==`/`in` address condition when every value is a private (non-Internet)
 * address or prefix: its part of privateSources (the networks are the intersection of the parts);
 * undefined when a value is not.
 */
export function privateSet(values: readonly Expr[]): AddrSet | undefined {
  if (values.length === 1) {
    // One value (most conditions): its set itself, without a list (an empty one grows to room for 17).
    const s = plainAddress(values[0] ?? null);
    return s && nonInternet(s) && !s.isEmpty ? s : undefined;
  }
  const sets: AddrSet[] = [];
  for (const v of values) {
    const s = plainAddress(v);
    if (!s || !nonInternet(s) || s.isEmpty) return undefined;
    sets.push(s);
  }
  return sets.length ? unionAddrs(sets) : NO_ADDR;
}

const LOOPBACK = parseAddressSpec('127.0.0.0/8') ?? NO_ADDR;

/**
 * The alternatives of the rules left to the passes (index.ts buildPolicy): each given to `visit` in
 * order (made once and kept on the rule until buildChain, or made each time they are asked for: a
 * large verdict map's, expand.ts eachAlternative), and how many a rule gives where that is known
 * without expanding it (rules.ts entriesOf).
 */
export interface RuleAlts {
  each(r: NRule, t: NTable, visit: (f: Flat) => void): void;
  count(r: NRule): number | undefined;
}

/**
 * What interface inference reads of one alternative (buildInterfaces): the names its conditions
 * compare with, the names it requires per side, and the addresses that pair with them. Computed
 * from the conditions, so the text reader can keep it when it converts a rule early (prepare.ts).
 */
export interface IfaceFacts {
  /** Every interface name a condition compares with, in order (sawNames). */
  readonly seen: readonly string[];
  /** Names the alternative requires (`==`/`in`) on input and output. */
  readonly iif: readonly string[];
  readonly oif: readonly string[];
  /** dnat: the single public destination address it matches (the WAN's address). */
  readonly dnatHost?: AddrSet | undefined;
  /** Private networks behind the single input (source) or output (destination) interface of a passing rule. */
  readonly srcNets?: AddrSet | undefined;
  readonly dstNets?: AddrSet | undefined;
}

const NO_NAMES: readonly string[] = Object.freeze([]);
/**
 * Every member set in the constructor: the object holds them itself (a member added later went to a
 * separate property list). Made by `new`, not as a literal: facts live until the model is built, and
 * V8 would switch a literal's allocation site to the old generation mid-parse, throwing away the
 * compiled code of the text reader that inlines factsOf (toolkit/location.ts).
 */
class Facts implements IfaceFacts {
  declare readonly seen: readonly string[];
  declare readonly iif: readonly string[];
  declare readonly oif: readonly string[];
  declare readonly dnatHost: AddrSet | undefined;
  declare readonly srcNets: AddrSet | undefined;
  declare readonly dstNets: AddrSet | undefined;

  constructor(
    seen: readonly string[],
    iif: readonly string[],
    oif: readonly string[],
    dnatHost: AddrSet | undefined,
    srcNets: AddrSet | undefined,
    dstNets: AddrSet | undefined,
  ) {
    this.seen = seen;
    this.iif = iif;
    this.oif = oif;
    this.dnatHost = dnatHost;
    this.srcNets = srcNets;
    this.dstNets = dstNets;
  }
}

/**
 * The facts of an alternative that names no interface and translates nothing (shared): an instance of
 * the same class as the others (not a frozen literal), so the records that hold facts see one shape.
 */
export const NO_FACTS: IfaceFacts = new Facts(NO_NAMES, NO_NAMES, NO_NAMES, undefined, undefined, undefined);

/** One-name lists, shared by every rule that names that interface (frozen; bounded, so no document keeps many alive). */
const ONE_NAME = new Map<string, readonly string[]>();

/**
 * The list the facts keep: a shared one for no name or one name (most rules), else an exact-size copy
 * (a list built by push keeps room for 16 names, for as long as the facts live).
 */
function namesList(names: readonly string[]): readonly string[] {
  const [first] = names;
  if (first === undefined) return NO_NAMES;
  if (names.length > 1) return names.slice();
  let list = ONE_NAME.get(first);
  if (list === undefined) {
    if (ONE_NAME.size >= 4096) ONE_NAME.clear();
    list = Object.freeze([first]);
    ONE_NAME.set(first, list);
  }
  return list;
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a verdict lets its packets on (accept, jump, goto). */
export function verdictPasses(v: FlatVerdict | undefined): boolean {
  const k = v?.kind;
  return k === 'accept' || k === 'jump' || k === 'goto';
}

/** Whether an alternative lets its packets on (verdictPasses, or source NAT): its networks are inferred. */
function passes(f: Flat): boolean {
  return verdictPasses(f.verdict) || (f.nat !== undefined && f.nat.kind !== 'dnat' && f.nat.kind !== 'redirect');
}

/**
 * The facts of an alternative the direct reader converted itself (text-direct.ts): the names its
 * interface conditions compare with (`seen`) and require (`iif`, `oif`), and the private networks
 * of its address conditions when it passes with one interface on that side (privateSources), as
 * factsOf gives them for an alternative that translates nothing. `named`: any interface condition.
 */
export function directFacts(
  named: boolean,
  pass: boolean,
  seen: readonly string[],
  iif: readonly string[],
  oif: readonly string[],
  nets: { privateNets(dim: 'src' | 'dst'): AddrSet | undefined },
): IfaceFacts {
  if (!named && !pass) return NO_FACTS;
  const seenList = namesList(seen);
  return new Facts(
    seenList,
    sameNames(iif, seenList) ? seenList : namesList(iif),
    sameNames(oif, seenList) ? seenList : namesList(oif),
    undefined,
    pass && iif.length === 1 ? nets.privateNets('src') : undefined,
    pass && oif.length === 1 ? nets.privateNets('dst') : undefined,
  );
}

/** The interface facts of one alternative (while it has its conditions). */
export function factsOf(f: Flat, t: NTable): IfaceFacts {
  let named = false;
  for (const c of f.conds)
    if (ifaceKey(c.left)) {
      named = true;
      break;
    }
  const pass = passes(f);
  if (!named && !f.nat && !pass) return NO_FACTS;
  const seen: string[] = [];
  if (named) sawNames(seen, f, t);
  const iif = named ? literalNames(f, 'iif', t) : NO_NAMES;
  const oif = named ? literalNames(f, 'oif', t) : NO_NAMES;
  // Usually one name on one side: the lists that hold the same names share one array.
  const seenList = namesList(seen);
  return new Facts(
    seenList,
    sameNames(iif, seenList) ? seenList : namesList(iif),
    sameNames(oif, seenList) ? seenList : namesList(oif),
    f.nat?.kind === 'dnat' ? hostConds(f, 'daddr', t) : undefined,
    pass && iif.length === 1 ? privateSources(f, 'saddr', t) : undefined,
    pass && oif.length === 1 ? privateSources(f, 'daddr', t) : undefined,
  );
}

/**
 * Builds ctx.interfaces: the names rules compare with and chain devices (in file order), WAN role
 * and networks inferred, placeholder addresses. One walk over the rules.
 */
/** What buildInterfaces gathers from the rules, alternative by alternative (observe). */
interface Seen {
  readonly wanByNat: Map<string, Pos>;
  readonly wanByDnat: Map<string, Pos>;
  /** Public addresses the WAN is known by: `snat to A` out of it, `ip daddr A … dnat` into it. */
  readonly wanAddr: Map<string, { sets: AddrSet[]; where: Pos[] }>;
  /** Private networks per interface: the sets of the rules that show them, joined once at the end (not a union per rule). */
  readonly networks: Map<string, Networks>;
}

function addWanAddr(seen: Seen, n: string, a: AddrSet, pos: Pos): void {
  const cur = seen.wanAddr.get(n);
  if (cur) {
    cur.sets.push(a);
    cur.where.push(pos);
  } else seen.wanAddr.set(n, { sets: [a], where: [pos] });
}

/** The network an alternative pairs with its one input (srcNets) or output (dstNets) interface, added to what is seen. */
function addNetwork(seen: Seen, names: readonly string[], nets: AddrSet | undefined, rule: NRule): void {
  // names[0], not `const [name] = names`: destructuring iterates (see observe).
  const name = names[0];
  if (names.length !== 1 || name === undefined || !nets) return;
  const cur = seen.networks.get(name);
  if (cur) {
    cur.sets.push(nets);
    // Notes name the first three; the count decides the `, …`.
    if (cur.where.length < 4) cur.where.push(rule.pos);
  } else seen.networks.set(name, { sets: [nets], where: [rule.pos] });
}

/** A run's rule's position, read only where it is kept (as observe reads a rule's). */
class RunAnchor {
  constructor(private readonly rule: RunRule) {}

  get pos(): Pos {
    return runPos(this.rule);
  }
}

/**
 * The networks rules pair with an interface (Seen.networks): `sets`, and the runs' lists after the first
 * (`more`, applyRun), joined once at the end (allSets): not pushed one by one onto `sets`, whose copies
 * as it grew were promoted (the text shape at 100k: 50,000 sets from 200 runs). Their union does not
 * depend on their order.
 */
interface Networks {
  sets: AddrSet[];
  more?: AddrSet[][];
  where: Pos[];
}

/** The sets of `n`: its own, then its runs' lists. */
function allSets(n: Networks): AddrSet[] {
  const more = n.more;
  if (more === undefined) return n.sets;
  let size = n.sets.length;
  for (const m of more) size += m.length;
  const out = Array.from<AddrSet>({ length: size });
  let j = 0;
  for (const x of n.sets) out[j++] = x;
  for (const m of more) for (const x of m) out[j++] = x;
  return out;
}

/**
 * What a run of rules kept as their model rules alone shows (read-facts.ts), as observe gives it for
 * each of them in turn: the names in order at the first rule naming each, the networks in order with
 * the first four rules' positions.
 */
function applyRun(ctx: Ctx, seen: Seen, run: SeenRun): void {
  for (const [n, entry] of run.names) ctx.sawInterfaceIn(n, new RunAnchor(entry));
  for (const [name, got] of run.nets) {
    let cur = seen.networks.get(name);
    // An interface first seen in the run takes the run's list of networks itself, not a copy (a run is
    // applied once: buildPolicy builds a document once); the text shape at 100k has 50,000 of them.
    const own = cur === undefined;
    for (const w of got.where) {
      if (cur === undefined) {
        cur = { sets: got.sets, where: [runPos(w)] };
        seen.networks.set(name, cur);
      } else if (cur.where.length < 4) cur.where.push(runPos(w));
    }
    if (cur === undefined) continue;
    if (!own) (cur.more ??= []).push(got.sets);
    // The run's later networks as its chunks themselves (read-facts.ts), not a list made of them.
    if (got.more !== undefined) {
      const more = (cur.more ??= []);
      for (const p of got.more.parts()) more.push(p);
    }
  }
}

/**
 * One alternative of `rule`: the interfaces it names, the WAN its NAT shows, the networks it pairs
 * with an interface. The rule's position is read only where it is kept (a read rule makes it when
 * asked: ir.ts ReadRule). A function of its own, called per alternative: the optimising compiler compiles
 * it as a whole, where the loop inside buildInterfaces ran interpreted once its on-stack compilation
 * was dropped (100k rules).
 */
function observe(ctx: Ctx, seen: Seen, f: Flat, facts: IfaceFacts, rule: NRule): void {
  // Indexed loops: the name lists are often the shared frozen NO_NAMES, over which for…of makes an
  // iterator and a result object per step even in optimised code (node 20).
  const saw = facts.seen;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
  for (let i = 0; i < saw.length; i++) {
    const n = saw[i];
    if (n !== undefined) ctx.sawInterfaceIn(n, rule);
  }
  const nat = f.nat;
  if (nat) {
    if (nat.kind === 'masquerade' || nat.kind === 'snat') {
      const names = facts.oif;
      // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
      for (let i = 0; i < names.length; i++) {
        const n = names[i];
        if (n !== undefined && !seen.wanByNat.has(n)) seen.wanByNat.set(n, rule.pos);
      }
      const target = nat.addrs[0];
      const a = nat.kind === 'snat' && nat.addrs.length === 1 && target !== undefined ? publicHost(target) : undefined;
      const name = names[0];
      if (a && names.length === 1 && name !== undefined) addWanAddr(seen, name, a, rule.pos);
    }
    if (nat.kind === 'dnat') {
      const names = facts.iif;
      // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
      for (let i = 0; i < names.length; i++) {
        const n = names[i];
        if (n !== undefined && !seen.wanByDnat.has(n)) seen.wanByDnat.set(n, rule.pos);
      }
      const a = facts.dnatHost;
      const name = names[0];
      if (a && names.length === 1 && name !== undefined) addWanAddr(seen, name, a, rule.pos);
    }
  }
  if (!passes(f)) return;
  addNetwork(seen, facts.iif, facts.srcNets, rule);
  addNetwork(seen, facts.oif, facts.dstNets, rule);
}

/**
 * Builds ctx.interfaces: the names rules compare with and chain devices (in file order), WAN role
 * and networks inferred, placeholder addresses. One walk over the rules.
 */
export function buildInterfaces(ctx: Ctx, doc: NDocument, alts: RuleAlts): void {
  const seen: Seen = { wanByNat: new Map(), wanByDnat: new Map(), wanAddr: new Map(), networks: new Map() };
  const { wanByNat, wanByDnat, wanAddr, networks } = seen;
  for (const t of doc.tables) {
    for (const c of t.chains.values()) {
      if (c.base) for (const d of c.base.devices) ctx.sawInterface(d, c.base.pos);
      // Indexed: a for…of step allocates while the loop runs unoptimised (100k rules, once per parse).
      const rules = c.rules;
      // The runs of rules kept as their model rules alone (read-facts.ts), each where its first rule is.
      const runs = c.runs;
      let k = 0;
      let next = runs?.[0];
      for (let i = 0; i < rules.length; i++) {
        while (next?.at === i) {
          applyRun(ctx, seen, next);
          next = runs?.[++k];
        }
        const r = rules[i];
        // A rule kept as its model rule alone: what it shows is in its run.
        if (r === undefined || r instanceof EntryRule || (r instanceof ReadEntries && r.factsElsewhere)) continue;
        const pre = r.pre;
        if (pre && pre.alts === undefined) {
          observe(ctx, seen, pre.flat, pre.facts, r);
          continue;
        }
        if (pre) {
          for (const a of pre.alts) observe(ctx, seen, a.flat, a.facts, r);
          continue;
        }
        alts.each(r, t, (flat) => {
          observe(ctx, seen, flat, factsOf(flat, t), r);
        });
      }
    }
  }
  const wan = wanByNat.size ? wanByNat : wanByDnat;
  for (const [n, pos] of wan) {
    ctx.sawInterface(n, pos);
    ctx.noteWan(
      `interface ${n} is taken as WAN: ` +
        `${wanByNat.size ? 'source NAT (masquerade/snat) leaves through it' : 'port-forwards (dnat) arrive on it'} ` +
        `(${ctx.where(pos)}); pass --wan to choose`,
    );
  }
  let n = 0;
  const list: Interface[] = [];
  for (const [name, pos] of ctx.ifaceSeen) {
    const isWan = wan.has(name);
    const seen = isWan ? undefined : networks.get(name);
    const net = seen && { set: unionAddrs(allSets(seen)), where: seen.where };
    let addresses: AddrSet;
    const byNat = isWan ? wanAddr.get(name) : undefined;
    const known = byNat && { set: unionAddrs(byNat.sets), where: byNat.where };
    if (name === 'lo') addresses = LOOPBACK;
    else if (known) {
      addresses = known.set;
      ctx.note(
        `interface ${name}: address ${formatAddrSet(known.set)} inferred from the NAT rules at ${known.where
          .slice(0, 3)
          .map((p) => ctx.where(p))
          .join(', ')}`,
      );
    } else if (n < UNKNOWN_OWN_NUMBER - 1) addresses = dynamicAddress(++n);
    else addresses = NO_ADDR;
    const i: Interface = {
      name,
      device: name,
      role: isWan ? 'wan' : net ? 'lan' : 'unknown',
      networks: net?.set ?? NO_ADDR,
      addresses,
      enabled: true,
      loc: pos,
    };
    if (net) {
      ctx.note(
        `interface ${name}: network ${formatAddrSet(net.set)} inferred from the rules at ${net.where
          .slice(0, 3)
          .map((p) => ctx.where(p))
          .join(
            ', ',
          )}${net.where.length > 3 ? ', …' : ''} (rulesets carry no interface addresses; pass --phones CIDR@${name} to set it)`,
      );
    }
    const vlan = /(?:\.|vlan)(\d{1,4})$/.exec(name);
    if (vlan && Number(vlan[1]) < 4095) i.vlan = Number(vlan[1]);
    list.push(i);
  }
  if (n >= UNKNOWN_OWN_NUMBER - 1) {
    const max = String(UNKNOWN_OWN_NUMBER - 1);
    ctx.note(
      `more than ${max} interfaces: only the first ${max} get an address placeholder for traffic to the firewall itself`,
    );
  }
  ctx.interfaces = list;
  for (const i of list) ctx.byName.set(i.name, i);
  ctx.local = list.reduce((acc, i) => acc.union(i.addresses), NO_ADDR);
}
