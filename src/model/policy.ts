import type { AddrSet } from './address.js';
import type { IcmpTypeSet } from './icmp.js';
import type { Inventory } from './inventory.js';
import type { SourceLocation, Setting } from './location.js';
import type { NameSet } from './name-set.js';
import type { PortSet, ProtoSet } from './ports.js';

/**
 * The vendor-independent policy model. Parsers (parsers/<vendor>) produce it; the engine and
 * the rules only ever read it. Vendor semantics (rule order, defaults, NAT) are expressed
 * here in general terms: chains that are first- or last-match, jumps, base chains per stage,
 * and settings that record whether they are explicit or defaults.
 */
export type Vendor = 'pfsense' | 'opnsense' | 'fortigate' | 'mikrotik' | 'nftables';

export type ConnState = 'new' | 'established' | 'related' | 'invalid' | 'untracked';
export const CONN_STATES: readonly ConnState[] = ['new', 'established', 'related', 'invalid', 'untracked'];

/** Values of the `nat` dimension: destination-NATed (by a port-forward) or not. */
export const NAT_STATES = ['dnat', 'none'] as const;

/** What a rule matches. An absent dimension matches everything. Negation is encoded in the sets. */
export interface Match {
  src?: AddrSet;
  dst?: AddrSet;
  proto?: ProtoSet;
  sport?: PortSet;
  dport?: PortSet;
  /** Ingress interfaces (model interface names). */
  iif?: NameSet;
  /** Egress interfaces (model interface names). */
  oif?: NameSet;
  state?: NameSet;
  /**
   * Whether the packet was destination-NATed: NameSet over NAT_STATES ('dnat', 'none').
   * RouterOS `connection-nat-state=dstnat`, nftables `ct status dnat`.
   */
  nat?: NameSet;
  /** ICMP message types (icmp.ts: ICMPv4 t, ICMPv6 256 + t); a parser that sets it also restricts proto to ICMP. */
  icmpType?: IcmpTypeSet;
  /**
   * Members whose addresses cannot be known offline (FQDNs, URL tables, geo objects).
   * src/dst hold only the concrete part; the rule may really match more (or, negated, less).
   */
  symbolic?: SymbolicRef[];
  /**
   * Dimensions whose restriction fwlint cannot know exactly for some packets (e.g. nftables `th dport`
   * without a protocol reads other header bytes of ICMP; a negated flag list whose meaning depends on
   * the nft release). The rule is evaluated with the restriction; packets the widened match (the
   * dimension dropped) would also hit get the rule in `maybe`: their verdict is uncertain.
   */
  uncertain?: UncertainRef[];
}

export interface UncertainRef {
  /**
   * dst/dport: only on a reply the engine sees before NAT reversal (src/engine/reply-view.ts); nat: whether
   * the rule also matches destination-NATed packets (a FortiGate deny policy's match-vip by release).
   */
  field: 'state' | 'proto' | 'dst' | 'dport' | 'nat';
  /** Why the match is not exact, for messages. */
  why: string;
  loc: SourceLocation;
}

export interface SymbolicRef {
  field: 'src' | 'dst';
  kind: 'fqdn' | 'url-table' | 'geo' | 'dynamic';
  /** The hostname, table name or object name as written. */
  name: string;
  negated?: boolean;
  loc: SourceLocation;
}

export type Action =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  | { kind: 'return' }
  /** Match-only rules: logging, counters, pf `match`, RouterOS passthrough. */
  | { kind: 'continue' }
  /** Destination NAT (pf `rdr`, FortiGate VIP, RouterOS dst-nat, nftables dnat/redirect): ends the NAT stage. */
  | { kind: 'dnat'; to: DnatTarget; pass?: boolean }
  /** Source NAT (pf `nat`, FortiGate policy/central SNAT, masquerade, src-nat, nftables snat): ends the NAT stage. */
  | { kind: 'snat'; to: SnatTarget }
  /** The packet leaves connection tracking (nftables `notrack`, RouterOS raw `action=notrack`); not terminal. */
  | { kind: 'notrack' };

/** Where destination NAT sends a packet. */
export interface DnatTarget {
  /**
   * The new destination; absent: a redirect (redirectTarget), to the firewall itself at the address
   * of the interface the packet came in on.
   */
  addr?: AddrSet;
  /** First translated port; ports of a matched range keep their offset (pf `port 5060:5070 -> 6060`). */
  port?: number;
  /** A target given by name that cannot be resolved offline. */
  symbolic?: string;
}

/**
 * A redirect (nftables `redirect`, RouterOS `action=redirect`): destination NAT to the firewall itself,
 * at the primary address of the interface the packet came in on (nft(8); the kernel's
 * nf_nat_redirect.c, which RouterOS runs too). The engine always takes it to the input path, never
 * to another host; where the ingress interface's address is unknown, a placeholder stands for it
 * (model/address.ts unknownOwnAddress). `port`: the new destination port (`redirect to :5070`,
 * `to-ports=`); absent, the port is kept. docs/semantics.md#nft-nat, #ros-nat.
 */
export function redirectTarget(port?: number): DnatTarget {
  return port === undefined ? {} : { port };
}

/** Whether destination NAT to `t` is a redirect to the firewall itself (redirectTarget). */
export function isRedirect(t: DnatTarget): boolean {
  return t.addr === undefined && t.symbolic === undefined;
}

/** How source NAT rewrites the source port (docs/semantics.md#pf-nat, #fgt-nat, #ros-nat, #nft-nat). */
export type PortBehaviour = 'preserve' | 'random';

export interface SnatTarget {
  /** The new source; absent: the address of the egress interface (masquerade, pf `(wan)`, FortiGate interface NAT). */
  addr?: AddrSet;
  /** Source-port behaviour of the translation. */
  ports: PortBehaviour;
  /** Ports new source ports are taken from (nftables `to :1024-65535`, RouterOS to-ports). */
  toPorts?: PortSet;
  /** Why ports behave so (e.g. "pfSense rewrites source ports unless static-port"). */
  portsReason?: string;
  /** Set when the vendor documentation does not confirm the port behaviour. */
  uncertain?: string;
}

export interface Rule {
  /** Stable identity for fingerprints: tracker, uuid, policy id, or normalized content. */
  id: string;
  loc: SourceLocation;
  /** Short human name used in messages, e.g. `rule "Phones to provider"` or `policy 12`. */
  label: string;
  match: Match;
  action: Action;
  /** Last-match chains only: a matching quick rule ends evaluation (pf `quick`). */
  quick?: boolean;
  /** Accepted connections get their replies through the platform's state table. */
  keepState?: boolean;
  /** Per-rule UDP idle timeout override (pf `statetimeout`, OPNsense `udp-multiple`...). */
  udpTimeout?: Setting<number>;
  /**
   * The UDP timeout a conntrack helper this rule attaches imposes on the connection, over any timeout
   * policy (nftables `ct helper set` of a SIP helper: sip_timeout). Where it comes from is in its reason.
   */
  helperTimeout?: Setting<number>;
  /** Set for rules the platform adds by itself; says what and why. */
  implicit?: string;
  /**
   * Set on a platform rule that lets through, untouched, packets its chain never sees (an nftables
   * ip/ip6 table and the other family, a netdev chain and other devices): which packets ("IPv4").
   * Such a pass is no filter's decision: the engine names it only when no chain saw the packet.
   */
  unseen?: string;
  /** Normalized text of the rule without secrets, for fingerprints and inline suppressions. */
  text?: string;
  /**
   * The comment the vendor format attaches to the object (pfSense `<descr>`, FortiGate `set comments`,
   * RouterOS `comment=`, nftables `comment "…"` or the `#` lines directly above the rule), verbatim:
   * it carries inline suppressions (`fwlint-disable FWL004 -- reason`).
   */
  comment?: string;
}

export interface ChainPolicy {
  action: 'accept' | 'drop';
  loc: SourceLocation;
  /** e.g. "pf default deny (block in all, non-quick)" or "RouterOS: chain end accepts". */
  reason: string;
  source: 'explicit' | 'default';
}

export interface Chain {
  name: string;
  mode: 'first-match' | 'last-match';
  rules: Rule[];
  /**
   * Base chains have a policy; regular chains (jump targets) have none and return to the caller.
   * In last-match chains the policy is the verdict before any rule matches (pf's default block).
   */
  policy?: ChainPolicy;
}

/**
 * A hook a packet passes: every base chain listed is evaluated in order; an accept ends only that
 * base chain (nftables semantics) while a drop is final. Single-chain platforms list one chain.
 *
 * - `filter` (the default): chains with verdicts.
 * - `raw`: before connection tracking; `notrack` makes packets untracked (state 'untracked').
 * - `dnat` / `snat`: NAT chains. Only the first packet of a tracked connection (state 'new') passes
 *   them; a dnat/snat action ends the stage, an accept (or the chain end) ends only that chain
 *   without translating (nf_nat_inet_fn; pf's first matching nat/rdr rule; RouterOS dstnat/srcnat).
 * Packets on the input path that destination NAT sends elsewhere continue on the forward path after
 * the stage of the same name, and the other way round.
 */
export type StageKind = 'filter' | 'raw' | 'dnat' | 'snat';

export interface Stage {
  name: string;
  chains: string[];
  kind?: StageKind;
  /**
   * The egress interface is not chosen yet (nftables prerouting and input hooks): egress-interface
   * matches see no device and never match (meta oifname: NFT_BREAK without an output device).
   */
  egressUnknown?: boolean;
  /**
   * Replies to a source-NATed connection reach this stage before conntrack maps them back: they are
   * still addressed to the translated (public) source address and port of the connection. nftables:
   * netdev ingress and prerouting chains with priority below −100, where the NAT hook
   * (NF_IP_PRI_NAT_DST) reverses the translation (docs/semantics.md#nft-nat).
   */
  beforeReplyNat?: boolean;
  /**
   * Groups of this stage's chains whose order the platform leaves undefined (nftables: base chains
   * of different tables on one hook with equal priority), each in the order fwlint evaluates them,
   * with why. What depends on their order is uncertain (src/engine/unordered.ts).
   */
  unordered?: UnorderedChains[];
}

/** Chains of one stage that may run in any order (Stage.unordered). */
export interface UnorderedChains {
  chains: string[];
  why: string;
}

export interface Ruleset {
  chains: Record<string, Chain>;
  /** Stages a routed packet passes, in order (e.g. pf: in on the ingress, out on the egress interface). */
  forward: Stage[];
  /** Stages a packet addressed to the firewall itself passes. */
  input: Stage[];
  /**
   * Stages the firewall's own packets pass (nftables: output, then postrouting), e.g. its echo
   * replies. Absent: the platform's model does not filter them.
   */
  output?: Stage[];
}

export interface Interface {
  /** Model name used by rules' iif/oif (pfSense: wan/lan/optN; nftables: the device name). */
  name: string;
  device?: string;
  description?: string;
  role: 'wan' | 'lan' | 'unknown';
  /** Subnets attached to the interface. */
  networks: AddrSet;
  /** The firewall's own addresses on it. */
  addresses: AddrSet;
  vlan?: number;
  enabled: boolean;
  loc: SourceLocation;
}

export interface DnatRule {
  id: string;
  loc: SourceLocation;
  label: string;
  /** What arrives: iif, proto, dst (the public side), dport, src. */
  match: Match;
  /** Where it goes: the internal target and the first translated port (ranges keep their width). */
  to: { addr: AddrSet; port?: number; symbolic?: string };
  /**
   * 'none' exempts what it matches from later port-forwards (pf `no rdr`, RouterOS dstnat accept/return);
   * absent means 'translate'.
   */
  action?: 'translate' | 'none';
  /** pf `rdr pass`: translated packets skip the filter rules. */
  bypassFilter: boolean;
  text?: string;
  /** See Rule.comment. */
  comment?: string;
}

export interface SnatRule {
  id: string;
  loc: SourceLocation;
  label: string;
  match: Match;
  action: 'translate' | 'none';
  /** Source-port behaviour of the translation. */
  ports: 'preserve' | 'random';
  /** Why ports behave so when it is a default (e.g. "pfSense rewrites source ports unless static-port"). */
  portsReason?: string;
  /** Set when the vendor documentation does not confirm the port behaviour (docs/semantics.md#unconfirmed). */
  uncertain?: string;
  implicit?: string;
  text?: string;
  /** See Rule.comment. */
  comment?: string;
}

export interface Nat {
  dnat: DnatRule[];
  /** First match wins. */
  snat: SnatRule[];
  /** The outbound NAT mode where the platform has one (pfSense automatic/hybrid/advanced/disabled). */
  mode?: Setting<string>;
  /** Where port-forwards live (pfSense `<nat>`, the nftables prerouting nat chain): the place to add a missing one. */
  dnatLoc?: SourceLocation;
}

/** A setting that acts only on the traffic `scope` matches (absent: all traffic). */
export interface ScopedSetting<T> extends Setting<T> {
  scope?: Match;
  /**
   * Acts only on traffic that an accepting rule of `chain` matches: the rules with these ids, or with
   * `except` every other one (FortiGate: the policies that name a VoIP profile, or those that do not).
   */
  rules?: { chain: string; ids: readonly string[]; except?: boolean };
  /** Acts only on traffic to or from the firewall itself (an nftables input or output hook), never on traffic it forwards. */
  local?: boolean;
}

export interface SessionSettings {
  /** Every mechanism that can act as a SIP ALG/helper, each with its effective state and where it acts. */
  sipAlg: ScopedSetting<boolean>[];
  /** Effective idle timeout in seconds of an established (bidirectional) UDP flow. */
  udpTimeout: Setting<number>;
  /**
   * Each filter stage that passes a packet with keep state creates a state of its own, with its own
   * timeout (pf: one state in on the ingress and one out on the egress interface): a flow lasts as long
   * as the shortest-lived of them. Unset: one connection-tracking entry per flow (netfilter, FortiOS).
   */
  statePerStage?: boolean;
}

export interface Unsupported {
  loc: SourceLocation;
  /** The construct, e.g. `<filter><rule><sched>`. */
  what: string;
  /** Why it matters: which verdicts it could change. */
  why: string;
}

/**
 * A reading of a construct that the whole model rests on and no vendor source confirms in detail
 * (docs/semantics.md#unconfirmed), e.g. pfSense `<disablefilter>`: pf off, so every packet passes,
 * untranslated and untracked. The model elements that stand for the reading (chain policies, rules)
 * are located at the construct, so a finding located there, or a pass whose evidence is there, rests
 * on it: it is reported as uncertain, with `why` (src/lint/doubts.ts).
 */
export interface Doubt {
  loc: SourceLocation;
  /** Names the construct and its line, says how fwlint reads it and cites the docs section. */
  why: string;
}

export interface Policy {
  vendor: Vendor;
  version?: string;
  file: string;
  /** Hostname, VDOM or other name of the evaluated firewall. */
  name?: string;
  /** The whole document, the fallback location. */
  root: SourceLocation;
  interfaces: Interface[];
  ruleset: Ruleset;
  nat: Nat;
  sessions: SessionSettings;
  /** How replies are allowed: by the state of the accepted flow, or only by explicit rules. */
  replies: 'stateful' | 'rules';
  unsupported: Unsupported[];
  /** Readings the model rests on that no vendor source confirms: what rests on them is uncertain. */
  doubts?: Doubt[];
  /** Things the parser assumed and the user should know, shown as notes. */
  notes: string[];
  /** Those of `notes` that say which interfaces were taken as WAN: not shown when --wan chooses them. */
  wanNotes?: string[];
  /** Site facts (named objects, DHCP servers, uplink hints) for src/site/ detection. */
  inventory?: Inventory;
  /**
   * Why the file is a fragment of a configuration rather than a whole one (no interfaces, no rules, no
   * settings of its own): the platform defaults the parser fills in are then not the device's
   * settings, so the setting requirements are not checked on it.
   */
  fragment?: string;
}
