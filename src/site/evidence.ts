import { NON_INTERNET, NO_ADDR, formatAddrSet, parseAddressSpec, type AddrSet } from '../model/address.js';
import { NameSet } from '../model/name-set.js';
import type { Interface, Policy } from '../model/policy.js';
import type { Evidence, EvidenceKind, SiteNetwork } from './types.js';
import { objectWords } from './object-words.js';

/** Loopback in both families: never a phone, a PC or a server. */
export const LOOPBACK: AddrSet = (parseAddressSpec('127.0.0.0/8') ?? NO_ADDR).union(parseAddressSpec('::1') ?? NO_ADDR);

/** Stands for "any interface that is not a WAN" where a ruleset names no interface for a network (nftables). */
export const ANY_NON_WAN = '(any non-WAN interface)';

/**
 * nftables rulesets declare no interfaces: they name only those their rules match, so an interface
 * they do not name may still exist (rules without iifname/oifname apply to it), and a network no rule
 * pairs with an interface arrives on ANY_NON_WAN.
 */
export function namesOnlyRuleInterfaces(p: Policy): boolean {
  return p.vendor === 'nftables';
}

/**
 * nftables: the model interface that stands for `name` when the rules do not name it but an
 * `iifname`/`oifname` pattern matches it (nft(8): a trailing `*` matches by prefix). The ruleset's
 * model has an interface per pattern (`vlan*`), which stands for the interfaces matching it that the
 * rules do not name (parsers/nftables/context.ts namesMatching): a name given on the command line is
 * that interface, so the rules with the pattern apply to it and those naming other interfaces do not.
 * Of several matching patterns, the longest: a pattern's name set holds every pattern it matches
 * (`vlan*` holds `vlan2*`), so the longest one's interface is in the set of each rule whose pattern
 * matches the name, and in no other. Longest first, as patternNote names them; empty for other
 * vendors (their configurations declare every interface) and for a name the rules name.
 */
export function matchingPatterns(policy: Policy, name: string): Interface[] {
  if (!namesOnlyRuleInterfaces(policy) || policy.interfaces.some((i) => i.name === name)) return [];
  return policy.interfaces
    .filter((i) => i.name.endsWith('*') && name.startsWith(i.name.slice(0, -1)))
    .sort((a, b) => b.name.length - a.name.length);
}

/**
 * The note for a flag value whose interface only a pattern matches (matchingPatterns): the pattern it
 * is evaluated as, and the other patterns whose rules apply to it too.
 */
export function patternNote(flag: string, value: string, name: string, patterns: readonly Interface[]): string {
  const [rep, ...more] = patterns;
  if (!rep) return '';
  const others = more.length
    ? `; the rules with ${more.map((i) => `"${i.name}" (line ${String(i.loc.line)})`).join(', ')} apply to it too`
    : '';
  return (
    `${flag} ${value}: no rule names interface ${name}, but the pattern "${rep.name}" (line ${String(rep.loc.line)}) ` +
    `matches it (a trailing * matches by prefix), so ${name} is evaluated as "${rep.name}", which stands for the ` +
    `interfaces matching it that no rule names${others}`
  );
}

/**
 * The interfaces traffic of a site network arrives on (and replies to it leave by): its own, or every
 * interface but the WAN for a network no rule pairs with an interface. The placeholder is no name a
 * rule could match, so it must never reach a flow as one.
 */
export function ingressOf(iface: string, wan: readonly string[]): NameSet {
  return iface === ANY_NON_WAN ? NameSet.except(wan) : NameSet.of([iface]);
}

/** Where a site network sits, for messages: "on vlan202", "arriving on any non-WAN interface". */
export function placeText(iface: string): string {
  return iface === ANY_NON_WAN ? 'arriving on any non-WAN interface' : `on ${iface}`;
}

export function evidence(kind: EvidenceKind, file: string, line: number, reason: string): Evidence {
  return { kind, file, line, reason };
}

export function ifaceLabel(i: Interface): string {
  return i.description && i.description !== i.name ? `${i.description} (${i.name})` : i.name;
}

export function findInterface(policy: Policy, name: string): Interface | undefined {
  const n = name.toLowerCase();
  return (
    policy.interfaces.find((i) => i.name.toLowerCase() === n) ??
    policy.interfaces.find((i) => i.description?.toLowerCase() === n || i.device?.toLowerCase() === n)
  );
}

/** Every member a single address: objects naming the firewall hold its addresses, not networks. */
function hostsOnly(a: AddrSet): boolean {
  for (const [lo, hi] of a.intervals()) if (lo !== hi) return false;
  return !a.isEmpty;
}

const ownCache = new WeakMap<Policy, AddrSet>();

/**
 * The firewall's own addresses, and loopback: never clients. Interfaces' addresses, plus named objects
 * whose name says they are the firewall's (nftables `define fw_v4 = { … }`: rulesets carry no
 * interface addresses).
 */
export function ownAddresses(policy: Policy): AddrSet {
  const hit = ownCache.get(policy);
  if (hit) return hit;
  let acc = policy.interfaces.reduce((a, i) => a.union(i.addresses), LOOPBACK);
  for (const o of objectWords(policy.inventory?.objects ?? []).own)
    if (hostsOnly(o.addresses)) acc = acc.union(o.addresses);
  ownCache.set(policy, acc);
  return acc;
}

/** What can never hold phones or PCs: loopback, the firewall's own addresses, the WAN subnets. */
export function excludedAddresses(policy: Policy, wan: readonly string[]): AddrSet {
  const wanNets = policy.interfaces.filter((i) => wan.includes(i.name)).reduce((a, i) => a.union(i.networks), NO_ADDR);
  return ownAddresses(policy).union(wanNets);
}

/** Internal interfaces with a subnet: enabled, not WAN, not loopback. */
export function internalInterfaces(policy: Policy, wan: readonly string[]): Interface[] {
  return policy.interfaces.filter(
    (i) =>
      i.enabled && i.role !== 'wan' && !wan.includes(i.name) && !i.networks.isEmpty && !i.networks.isSubsetOf(LOOPBACK),
  );
}

/** Interfaces (not WAN) whose subnets overlap `addrs`. */
export function holders(policy: Policy, wan: readonly string[], addrs: AddrSet): Interface[] {
  return internalInterfaces(policy, wan).filter((i) => i.networks.overlaps(addrs));
}

/** Private (non-Internet) part of a set: phones, PCs and PBXs sit on internal networks. */
export function internalPart(addrs: AddrSet): AddrSet {
  return addrs.intersect(NON_INTERNET);
}

export function siteNetwork(
  label: string,
  networks: AddrSet,
  iface: string,
  source: SiteNetwork['source'],
  ev: Evidence[],
): SiteNetwork {
  return { label: `${label} ${formatAddrSet(networks)}`.trim(), networks, iface, source, evidence: ev };
}
