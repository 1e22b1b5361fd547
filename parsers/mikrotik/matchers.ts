import {
  ADDR_MAX,
  ADDR_MIN,
  ANY_V4,
  ANY_V6,
  NO_ADDR,
  addrSet,
  inFamily,
  parseAddressSpec,
  type AddrSet,
} from '../../src/model/address.js';
import { IntervalSet } from '../../src/model/interval-set.js';
import { NameSet } from '../../src/model/name-set.js';
import { CONN_STATES, type Match, type SymbolicRef } from '../../src/model/policy.js';
import { ANY_PROTO, parsePortRange, portSet, protoSet, type PortSet, type ProtoSet } from '../../src/model/ports.js';
import type { AddressLists, Family } from './address-lists.js';
import type { Ctx, Span } from './context.js';
import type { InterfaceTable } from './interfaces.js';
import { routerosProtocol } from './protocols.js';
import { ipv4Range, parseIpv4Spec } from '../toolkit/ipv4.js';
import { STRIDE, type Item, type Prop } from './store.js';

/**
 * RouterOS matchers → the model's Match (docs/semantics.md#ros-filter): addresses, address lists, ports,
 * protocols, in/out interfaces and interface lists with `!` negation, connection-state and
 * connection-nat-state. Every rule of `/ip firewall …` only sees IPv4 packets and every rule of
 * `/ipv6 firewall …` only IPv6: the destination is restricted to the family.
 */

export interface RuleEnv {
  ctx: Ctx;
  ifaces: InterfaceTable;
  lists: AddressLists;
  /** Sets of the single networks rules name other than IPv4 ones (`fd00::/64`), by their text, for this file. */
  nets: Map<string, AddrSet | null>;
  /** Sets of the IPv4 networks rules name (`src-address=10.1.2.0/24`), by first address and size (netKey), for this file. */
  nets4: Map<number, AddrSet>;
}

export interface BuiltMatch {
  match: Match;
  /** `port=`: source OR destination port; the rule becomes two (dport, then sport). */
  eitherPort?: PortSet;
  /** Conditions the model cannot express; the rule is kept without them. */
  unsupported: { span: Span; what: string; why: string }[];
  /** The rule can never match the evaluated traffic (plain, not IPsec, normal TTL): why. */
  never?: string;
  /** A value RouterOS would refuse: the command fails on import, so the rule does not exist. */
  invalid?: { span: Span; message: string };
}

/** Parameters that do not change which packets match. */
const HARMLESS = new Set([
  'chain',
  'action',
  'comment',
  'disabled',
  'log',
  'log-prefix',
  'jump-target',
  'reject-with',
  'address-list',
  'address-list-timeout',
  'hw-offload',
  'to-addresses',
  'to-address',
  'to-ports',
  'randomise-ports',
  '.number',
  'dynamic',
  'invalid',
  'passthrough',
  'new-connection-mark',
  'new-packet-mark',
  'new-routing-mark',
  'new-mss',
  'new-priority',
  'new-dscp',
  'new-ttl',
  'sniff-target',
  'sniff-target-port',
  'sniff-id',
  'route-dst',
  'same-not-by-dst',
]);

/** Known matchers the model does not express, with why they matter. */
const UNMODELED: Readonly<Record<string, string>> = {
  time: 'schedule: the rule is active only at the scheduled times; fwlint evaluates it as always active',
  'icmp-options': 'ICMP type/code is not modeled; the rule is treated as matching every ICMP message',
  'connection-type': 'matches connections a helper recognised (service-port); not modeled, the condition is ignored',
  'connection-mark': 'matches connections marked by mangle rules; fwlint ignores the mark condition',
  'packet-mark': 'matches packets marked by mangle rules; fwlint ignores the mark condition',
  'routing-mark': 'matches packets marked for policy routing; fwlint ignores the mark condition',
  'routing-table': 'matches the routing table chosen for the packet; fwlint ignores the condition',
  'layer7-protocol': 'payload pattern (layer7) is not modeled; the rule is treated as matching regardless of payload',
  content: 'payload content match is not modeled; the rule is treated as matching regardless of payload',
  'tls-host': 'TLS SNI match is not modeled; the rule is treated as matching every TLS host',
  limit: 'rate limit: packets over the limit do not match; fwlint treats the rule as always matching',
  'dst-limit':
    'per-destination rate limit: packets over the limit do not match; fwlint treats the rule as always matching',
  'connection-limit': 'connection-count limit is not modeled; the rule is treated as always matching',
  'connection-rate': 'connection-rate match is not modeled; the rule is treated as always matching',
  'connection-bytes': 'connection-bytes match is not modeled; the rule is treated as always matching',
  nth: 'every-nth-packet match is not modeled; the rule is treated as always matching',
  random: 'random match is not modeled; the rule is treated as always matching',
  'per-connection-classifier': 'per-connection classifier is not modeled; the rule is treated as always matching',
  'packet-size': 'packet-size match is not modeled; the rule is treated as matching every size',
  ttl: 'TTL match is not modeled; the rule is treated as matching every TTL',
  'hop-limit': 'hop-limit match is not modeled; the rule is treated as matching every hop limit',
  dscp: 'DSCP match is not modeled; the rule is treated as matching every DSCP value',
  priority: 'priority match is not modeled; the rule is treated as matching every priority',
  'tcp-flags': 'TCP flag conditions are not modeled; the rule is treated as matching every TCP packet',
  'tcp-mss': 'TCP MSS match is not modeled',
  fragment: 'fragment match is not modeled',
  'ipv4-options': 'IPv4 options match is not modeled',
  headers: 'IPv6 extension-header match is not modeled',
  psd: 'port-scan detection is not modeled; the rule is treated as always matching',
  p2p: 'peer-to-peer protocol match is not modeled',
  hotspot: 'hotspot state match is not modeled; the rule is treated as always matching',
  'src-mac-address': 'source MAC address match is not modeled; the rule is treated as matching every host',
  'in-bridge-port': 'bridge-port match (bridged traffic with use-ip-firewall) is not modeled',
  'out-bridge-port': 'bridge-port match (bridged traffic with use-ip-firewall) is not modeled',
  'in-bridge-port-list': 'bridge-port-list match (bridged traffic with use-ip-firewall) is not modeled',
  'out-bridge-port-list': 'bridge-port-list match (bridged traffic with use-ip-firewall) is not modeled',
  'ingress-priority': 'ingress priority match is not modeled',
  'dst-address-type': 'address-type match other than "local" is not modeled; the condition is ignored',
  'src-address-type': 'address-type match other than "local" is not modeled; the condition is ignored',
};

export function universe(family: Family): AddrSet {
  return family === 'ip' ? ANY_V4 : ANY_V6;
}

/** `set` restricted to the family, without allocating when it already lies inside it. */
function withinFamily(set: AddrSet, family: Family): AddrSet {
  return inFamily(set, family === 'ipv6');
}

const addrCache = new Map<string, AddrSet | null>();

/** Set by parseAddresses: the set it returned was read as one IPv4 address or network, so it lies in IPv4. */
let lastIpv4 = false;
const hostBounds = new Float64Array(2);

/** `a,b/n,c-d`: one build from all ranges; equal texts share one set (lists repeat across rules). */
function parseAddresses(text: string, env: RuleEnv): AddrSet | undefined {
  lastIpv4 = false;
  if (!text.includes(',')) {
    // One address (often unique per rule): read, not remembered. One network (`10.1.2.0/24`, named
    // again by many rules): one shared set, which also shares its negation and its restriction to a family.
    if (!text.includes('/')) {
      if (!ipv4Range(text, hostBounds)) return parseIpv4Spec(text);
      lastIpv4 = true;
      return ipv4Block(hostBounds[0] ?? 0, hostBounds[1] ?? 0);
    }
    if (ipv4Range(text, hostBounds)) {
      // Found by its numbers: the text (a new string per rule) would be hashed on every lookup.
      lastIpv4 = true;
      const lo = hostBounds[0] ?? 0;
      const hi = hostBounds[1] ?? 0;
      const key = netKey(lo, hi);
      let set = env.nets4.get(key);
      if (!set) {
        set = ipv4Block(lo, hi);
        env.nets4.set(key, set);
      }
      return set;
    }
    const nets = env.nets;
    const net = nets.get(text);
    if (net !== undefined) return net ?? undefined;
    const set = parseIpv4Spec(text) ?? null;
    nets.set(text, set);
    return set ?? undefined;
  }
  const hit = addrCache.get(text);
  if (hit !== undefined) return hit ?? undefined;
  const ranges: [bigint, bigint][] = [];
  for (const part of text.split(',')) {
    const s = parseAddressSpec(part.trim());
    if (!s) return remember(addrCache, text, null) ?? undefined;
    for (const iv of s.intervals()) ranges.push(iv);
  }
  return remember(addrCache, text, ranges.length ? addrSet(ranges) : NO_ADDR) ?? undefined;
}

/**
 * The set of the IPv4 addresses lo..hi (ipv4Range's numbers): toolkit/ipv4.ts ipv4Set's set, made
 * from the numbers as they are (IntervalSet.smallRange), with no bigint for its bounds: most rules
 * name a host of their own.
 */
function ipv4Block(lo: number, hi: number): AddrSet {
  return IntervalSet.smallRange(ADDR_MIN, ADDR_MAX, lo, hi);
}

/**
 * The key of the IPv4 block lo..hi (ipv4Range of a network: aligned, 2^k addresses) in RuleEnv.nets4:
 * the first address and k, exact in a double.
 */
function netKey(lo: number, hi: number): number {
  const size = hi - lo + 1;
  return lo * 64 + (size >= 0x100000000 ? 32 : 31 - Math.clz32(size));
}

/** `uni` minus `set`, memoized on the set (address lists are negated by many rules; sets are immutable). */
const negations = { ip: new WeakMap<AddrSet, AddrSet>(), ipv6: new WeakMap<AddrSet, AddrSet>() };
function negate(family: Family, set: AddrSet): AddrSet {
  const memo = negations[family];
  let v = memo.get(set);
  if (!v) {
    v = universe(family).subtract(set);
    memo.set(set, v);
  }
  return v;
}

/** Sets are immutable, so equal texts share one (large exports repeat the same ports and protocols). */
const portCache = new Map<string, PortSet | null>();
const protoCache = new Map<number, ProtoSet>();

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size > 4096) cache.clear();
  cache.set(key, value);
  return value;
}

export function parsePorts(text: string): PortSet | undefined {
  const hit = portCache.get(text);
  if (hit !== undefined) return hit ?? undefined;
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const r = parsePortRange(part.trim(), '-');
    if (!r) return remember(portCache, text, null) ?? undefined;
    ranges.push(r);
  }
  return remember(portCache, text, ranges.length ? portSet(ranges) : null) ?? undefined;
}

/** Protocols RouterOS accepts ports with: tcp, udp, dccp, sctp, udp-lite. */
const PORT_PROTOCOLS = protoSet([6, 17, 33, 132, 136]);
const portProtocolsOf = new WeakMap<ProtoSet, boolean>();

/** `proto` lies within PORT_PROTOCOLS (asked once per set: rules share the sets of protoOf). */
function portProtocols(proto: ProtoSet): boolean {
  let ok = portProtocolsOf.get(proto);
  if (ok === undefined) {
    ok = proto.isSubsetOf(PORT_PROTOCOLS);
    portProtocolsOf.set(proto, ok);
  }
  return ok;
}

/** Sets by their text, one table per sign: no `!text` key string made per lookup. */
const nameCache = { plain: new Map<string, NameSet>(), negated: new Map<string, NameSet>() };

/** Interface and state sets by their text (immutable, so rules share them). */
function names(text: string, negated: boolean): NameSet {
  const cache = negated ? nameCache.negated : nameCache.plain;
  const hit = cache.get(text);
  if (hit) return hit;
  const set = NameSet.of(
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
  return remember(cache, text, negated ? set.complement() : set);
}

/** Complements of interface-list sets, one per set (rules negate the same few lists; sets are immutable). */
const complements = new WeakMap<NameSet, NameSet>();

function complementOf(set: NameSet): NameSet {
  let c = complements.get(set);
  if (!c) {
    c = set.complement();
    complements.set(set, c);
  }
  return c;
}

/** `connection-state=` values whose states are all known (checked once per text). */
const knownStates = new Set<string>();

/** The first state of a `connection-state=` value that is not a connection state, if any. */
function badState(value: string): string | undefined {
  if (knownStates.has(value)) return undefined;
  const bad = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .find((s) => !(CONN_STATES as readonly string[]).includes(s));
  if (bad === undefined && knownStates.size < 4096) knownStates.add(value);
  return bad;
}

function protoOf(n: number): ProtoSet {
  return protoCache.get(n) ?? remember(protoCache, n, protoSet([n]));
}

/** `protocol=` values (tcp, udp, 17…) → their set, or null for an unknown protocol; looked up once per text. */
const protoByText = new Map<string, ProtoSet | null>();

function protoNamed(text: string): ProtoSet | undefined {
  let set = protoByText.get(text);
  if (set === undefined) {
    const num = routerosProtocol(text);
    set = remember(protoByText, text, num === undefined ? null : protoOf(num));
  }
  return set ?? undefined;
}

/** BuiltMatch.unsupported of the usual rule, shared (never written: unsupportedList gives a rule its own list). */
const NO_UNSUPPORTED: BuiltMatch['unsupported'] = [];

function unsupportedList(out: BuiltMatch): BuiltMatch['unsupported'] {
  if (out.unsupported === NO_UNSUPPORTED) out.unsupported = [];
  return out.unsupported;
}

function narrow(cur: AddrSet | undefined, s: AddrSet): AddrSet {
  return cur ? cur.intersect(s) : s;
}

function invalidIn(out: BuiltMatch, p: Prop, key: string, what: string): void {
  out.invalid ??= { span: p.span, message: `${key}=${p.negated ? '!' : ''}${p.value}: ${what}` };
}

function unsupportedIn(out: BuiltMatch, menuPath: string, p: Prop, key: string, why: string): void {
  const shown = key === 'content' || key === 'tls-host' ? key : `${key}=${p.negated ? '!' : ''}${p.value}`;
  unsupportedList(out).push({ span: p.span, what: `/${menuPath} ${shown}`, why });
}

/**
 * buildMatch's answer, one object refilled per entry: its one caller (filter.ts buildRules) reads it
 * before the next entry and keeps only its match and lists, so 100k rules make no answer object each.
 */
const built: BuiltMatch = {
  match: {},
  unsupported: NO_UNSUPPORTED,
  eitherPort: undefined,
  never: undefined,
  invalid: undefined,
};

/** Builds the Match of a firewall entry (filter, raw, nat): valid until the next call (see `built`). */
export function buildMatch(env: RuleEnv, item: Item, family: Family, menuPath: string): BuiltMatch {
  const { ctx, ifaces, lists } = env;
  const out = built;
  const m: Match = {};
  out.match = m;
  out.unsupported = NO_UNSUPPORTED;
  out.eitherPort = undefined;
  out.never = undefined;
  out.invalid = undefined;
  const uni = universe(family);
  let symbolic: SymbolicRef[] | undefined;
  let src: AddrSet | undefined;
  let dst: AddrSet | undefined;
  /** `dst` may reach beyond the family (every other condition is restricted to it as it is read). */
  let dstUnchecked = false;

  const props = item.props;
  const d = props.flat;
  const slots = props.slots;
  for (let i = 0; i < slots; i += STRIDE) {
    const key = d[i] as string;
    // The three keys of nearly every rule are told by reference (property names are interned) before the set.
    if (key === 'chain' || key === 'action' || key === 'comment' || HARMLESS.has(key)) continue;
    const value = d[i + 1] as string;
    const negated = (d[i + 2] as number) < 0;
    const n = i / STRIDE;
    if (value === '' && !negated) continue; // verbose exports print unset matchers as ""
    // The Prop (with its span) is made only where a message or a reference needs it: props.propAt(n).
    switch (key) {
      case 'protocol': {
        const set = protoNamed(value);
        if (!set) {
          invalidIn(out, props.propAt(n), key, 'unknown protocol');
          break;
        }
        m.proto = negated ? ANY_PROTO.subtract(set) : set;
        break;
      }
      case 'src-address':
      case 'dst-address': {
        const s = parseAddresses(value, env);
        if (!s) {
          invalidIn(out, props.propAt(n), key, 'not an address, network or range');
          break;
        }
        // withinFamily returns an IPv4 set itself for /ip rules: no bigint comparisons when it is known to be one.
        const v = negated ? negate(family, s) : lastIpv4 && family === 'ip' ? s : withinFamily(s, family);
        if (key === 'src-address') src = narrow(src, v);
        else dst = narrow(dst, v);
        break;
      }
      case 'src-address-list':
      case 'dst-address-list': {
        const field = key === 'src-address-list' ? 'src' : 'dst';
        const r = lists.plainRef(family, value) ?? lists.resolve(family, value, props.propAt(n).span);
        const v = negated ? negate(family, r.set) : withinFamily(r.set, family);
        if (field === 'src') src = narrow(src, v);
        else dst = narrow(dst, v);
        for (const s of r.symbolic) (symbolic ??= []).push(negated ? { ...s, field, negated: true } : { ...s, field });
        break;
      }
      case 'src-address-type':
      case 'dst-address-type': {
        if (value !== 'local') {
          unsupportedIn(out, menuPath, props.propAt(n), key, UNMODELED[key] ?? '');
          break;
        }
        // "local": any of the router's own addresses, incl. run-time placeholders (model/address.ts).
        const self = family === 'ip' ? ifaces.self4 : ifaces.self6;
        const v = negated ? negate(family, self) : self;
        if (key === 'src-address-type') src = narrow(src, v);
        else {
          dst = narrow(dst, v);
          if (!negated) dstUnchecked = true;
        }
        break;
      }
      case 'src-port':
      case 'dst-port':
      case 'port': {
        const ps = parsePorts(value);
        if (!ps) {
          invalidIn(out, props.propAt(n), key, 'not a port, port range or comma list of them');
          break;
        }
        const v = negated ? ps.complement() : ps;
        if (key === 'port') {
          // docs/semantics.md#ros-filter `port`: either the source or the destination port. Negated:
          // neither is in the set, which is one box.
          if (negated) {
            m.sport = m.sport ? m.sport.intersect(v) : v;
            m.dport = m.dport ? m.dport.intersect(v) : v;
          } else out.eitherPort = v;
        } else if (key === 'src-port') m.sport = m.sport ? m.sport.intersect(v) : v;
        else m.dport = m.dport ? m.dport.intersect(v) : v;
        break;
      }
      case 'in-interface':
      case 'out-interface': {
        const port =
          ifaces.bridgePort.size === 0
            ? undefined
            : value
                .split(',')
                .map((s) => s.trim())
                .find((n) => ifaces.bridgePort.has(n));
        if (port !== undefined) {
          ctx.noteOnce(
            `bridge-port:${port}`,
            `${ctx.where(props.propAt(n).span)}: ${key}=${value} names a port of bridge ${ifaces.bridgePort.get(port) ?? ''}; ` +
              'routed packets are seen on the bridge interface, so this condition only matches with use-ip-firewall ' +
              '(further rules naming it are not noted)',
          );
        }
        const v = names(value, negated);
        const f = key === 'in-interface' ? 'iif' : 'oif';
        m[f] = m[f]?.intersect(v) ?? v;
        break;
      }
      case 'in-interface-list':
      case 'out-interface-list': {
        const r = ifaces.listMembers(value);
        if (r.opaque)
          unsupportedIn(
            out,
            menuPath,
            props.propAt(n),
            key,
            `${r.opaque}: its members are unknown offline; ` +
              `treated as ${negated ? 'every interface' : 'no interface'}${r.set.isEmpty ? '' : ' beyond the known ones'}`,
          );
        const v = negated ? complementOf(r.set) : r.set;
        const f = key === 'in-interface-list' ? 'iif' : 'oif';
        m[f] = m[f]?.intersect(v) ?? v;
        break;
      }
      case 'connection-state': {
        const bad = badState(value);
        if (bad !== undefined) {
          invalidIn(out, props.propAt(n), key, `unknown connection state "${bad}"`);
          break;
        }
        m.state = names(value, negated);
        break;
      }
      case 'connection-nat-state': {
        const states = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (states.some((s) => s !== 'srcnat' && s !== 'dstnat')) {
          invalidIn(out, props.propAt(n), key, 'expected srcnat and/or dstnat');
          break;
        }
        if (states.includes('srcnat')) {
          unsupportedIn(
            out,
            menuPath,
            props.propAt(n),
            key,
            'the source-NAT state of a connection is not modeled; the condition is ignored',
          );
          break;
        }
        // Match.nat: 'dnat' when a port-forward translated the packet (model/policy.ts).
        m.nat = negated ? NameSet.except(['dnat']) : NameSet.of(['dnat']);
        break;
      }
      case 'ipsec-policy': {
        const [dir, pol] = value.split(',').map((s) => s.trim());
        if ((dir !== 'in' && dir !== 'out') || (pol !== 'ipsec' && pol !== 'none')) {
          invalidIn(out, props.propAt(n), key, 'expected in|out,ipsec|none');
          break;
        }
        // fwlint's flows are plain (not IPsec) traffic: `…,none` holds for all of them, `…,ipsec` for none.
        if ((pol === 'ipsec') !== negated) out.never = `ipsec-policy=${negated ? '!' : ''}${value}: only IPsec traffic`;
        break;
      }
      case 'ttl':
      case 'hop-limit': {
        // v7 defconf: `hop-limit=equal:1` drops ICMPv6 about to expire. Conditions that hold only
        // for a TTL of 0 or 1 never match the flows fwlint evaluates; anything else is reported.
        const t = /^(equal|less-than):(\d+)$/.exec(value);
        if (t && !negated && Number(t[2]) <= (t[1] === 'equal' ? 1 : 2)) {
          out.never = `${key}=${value}: only packets about to expire`;
          break;
        }
        unsupportedIn(out, menuPath, props.propAt(n), key, UNMODELED[key] ?? '');
        break;
      }
      default: {
        const why = UNMODELED[key];
        if (why) unsupportedIn(out, menuPath, props.propAt(n), key, why);
        else
          unsupportedList(out).push({
            span: props.propAt(n).span,
            what: `/${menuPath} ${key}`,
            why: `unrecognized parameter "${key}"; fwlint does not know whether it changes which packets match`,
          });
      }
    }
  }
  // The family: /ip rules see IPv4 packets only, /ipv6 rules IPv6 only.
  m.dst = dst ? (dstUnchecked ? withinFamily(dst, family) : dst) : uni;
  if (src) m.src = src;
  if (symbolic?.length) m.symbolic = symbolic;
  const proto = m.proto;
  if ((m.dport || m.sport || out.eitherPort) && !(proto && portProtocols(proto))) {
    ctx.noteOnce(
      'ports-without-protocol',
      `${ctx.where(item.span)}: ports without protocol=tcp/udp/sctp/dccp/udp-lite: RouterOS refuses such rules; ` +
        'evaluated as written (further rules like it are not noted)',
    );
  }
  return out;
}

/** Intersection of two matches (a jump's conditions and a rule of the called chain); undefined when nothing can match both. */
export function andMatch(a: Match, b: Match): Match | undefined {
  const out: Match = {};
  const dims = ['src', 'dst', 'proto', 'sport', 'dport'] as const;
  for (const d of dims) {
    const x = a[d];
    const y = b[d];
    if (x && y) {
      const v = (x as AddrSet).intersect(y as AddrSet);
      if (v.isEmpty) return undefined;
      (out as Record<string, unknown>)[d] = v;
    } else if (x || y) (out as Record<string, unknown>)[d] = x ?? y;
  }
  for (const d of ['iif', 'oif', 'state', 'nat'] as const) {
    const x = a[d];
    const y = b[d];
    if (x && y) {
      const v = x.intersect(y);
      if (v.isEmpty) return undefined;
      out[d] = v;
    } else {
      const either = x ?? y;
      if (either) out[d] = either;
    }
  }
  // A dimension one side leaves empty (an undefined interface list) cannot match either.
  for (const d of ['src', 'dst', 'proto', 'sport', 'dport', 'iif', 'oif', 'state', 'nat'] as const)
    if (out[d]?.isEmpty) return undefined;
  const sym = [...(a.symbolic ?? []), ...(b.symbolic ?? [])];
  if (sym.length) out.symbolic = sym;
  return out;
}

/** Two matches can hold for the same packet. */
export function matchesOverlap(a: Match, b: Match): boolean {
  return andMatch(a, b) !== undefined;
}
