import ipaddr from 'ipaddr.js';
import { IntervalSet } from './interval-set.js';

/**
 * Addresses of both families live in one bigint space so a single interval set holds
 * any mix of IPv4 and IPv6: IPv4 occupies [0, 2^32), IPv6 occupies [2^32, 2^32 + 2^128).
 */
export const V6_BASE = 1n << 32n;
export const ADDR_MIN = 0n;
export const ADDR_MAX = V6_BASE + (1n << 128n) - 1n;
const V4_MAX = V6_BASE - 1n;

export type AddrSet = IntervalSet<bigint>;

export const ANY_ADDR: AddrSet = IntervalSet.full(ADDR_MIN, ADDR_MAX);
export const NO_ADDR: AddrSet = IntervalSet.empty(ADDR_MIN, ADDR_MAX);
export const ANY_V4: AddrSet = IntervalSet.of(ADDR_MIN, ADDR_MAX, [[0n, V4_MAX]]);
export const ANY_V6: AddrSet = IntervalSet.of(ADDR_MIN, ADDR_MAX, [[V6_BASE, ADDR_MAX]]);

export function addrSet(ranges: Iterable<readonly [bigint, bigint]>): AddrSet {
  return IntervalSet.of(ADDR_MIN, ADDR_MAX, ranges);
}

/** The addresses lo..hi (one range: no list of pairs to build, as parsers call this per rule). */
/**
 * The union of many address sets, built once from all their bounds (n log n, never a union per set);
 * a single set is returned as it is.
 */
export function unionAddrs(sets: readonly AddrSet[]): AddrSet {
  const [first] = sets;
  if (sets.length === 1 && first) return first;
  return IntervalSet.unionOf(ADDR_MIN, ADDR_MAX, sets);
}

export function addrRange(lo: bigint, hi: bigint): AddrSet {
  return IntervalSet.range(ADDR_MIN, ADDR_MAX, lo, hi);
}

/** leadingQuad's address, less 2^31: a 32-bit integer (a small integer to V8, never a heap number). */
let quadShifted = 0;
const HALF = 2 ** 31;

/**
 * The dotted quad `a.b.c.d` (1–3 ASCII digits per octet, each at most 255) that `s` starts with, read
 * by a scan (no regular expression, no slices): the length it takes (7–15), its address less 2^31 left
 * in quadShifted; -1 when `s` does not start with one. The hot callers allocate nothing: with inlining
 * off (cli/inlining.ts) a number of 2^31 or more returned or passed to a call is a heap number, and
 * most IPv4 addresses are (the value × 16 + length this returned before: 3.9 MB at 100k rules).
 */
function leadingQuad(s: string): number {
  const n = s.length;
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      octet = octet * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (octet > 255) return -1;
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else break;
  }
  if (dots !== 3 || digits === 0 || octet > 255) return -1;
  quadShifted = (v * 256 + octet - HALF) | 0;
  return i;
}

/** `a.b.c.d` and nothing else. */
function parseV4(s: string): bigint | undefined {
  if (leadingQuad(s) !== s.length) return undefined;
  return BigInt(quadShifted + HALF);
}

function parseV6(s: string): bigint | undefined {
  const bare = s.replace(/%.*$/, '');
  if (!bare.includes(':') || !ipaddr.IPv6.isValid(bare)) return undefined;
  const parts = ipaddr.IPv6.parse(bare).parts;
  let v = 0n;
  for (const p of parts) v = (v << 16n) | BigInt(p);
  return V6_BASE + v;
}

/** Where the IPv6 placeholders start: ::0.0.1.0 (::100). */
const V6_DYNAMIC = 0x100n;

/**
 * Addresses a firewall learns at run time (DHCP, PPPoE, SLAAC) are unknown in an export, but each is
 * still exactly one address that rules like pfSense's `wanip` name. They are stood in for by
 * placeholders that no real traffic uses: 0.0.0.n (RFC 1122 "this host on this network") and
 * ::0.0.1.n, written ::1nn (RFC 4291 2.5.5.1: the deprecated IPv4-compatible addresses; not ::n,
 * whose first is the loopback ::1, which real rules name). Rules naming the interface's address
 * match the placeholder exactly; `any` contains it, as it contains the real address.
 */
export function dynamicAddress(n: number, v6 = false): AddrSet {
  const v = BigInt(n) + (v6 ? V6_BASE + V6_DYNAMIC : 0n);
  return addrRange(v, v);
}

/**
 * The last placeholder number is no interface's: it stands for an own address of the firewall that
 * the export does not give and no interface placeholder holds: the address of an interface the
 * configuration does not name (an nftables ruleset names only the interfaces its rules use, so a
 * `--wan ppp0` it never mentions has one), or the ingress address a redirect sends a packet to on an
 * interface whose address is unknown (docs/semantics.md#nft-nat). Parsers number their placeholders
 * from 1 and stop before it.
 */
export const UNKNOWN_OWN_NUMBER = 255;

/** The firewall's own address that no interface of the export holds (UNKNOWN_OWN_NUMBER), in one family. */
export function unknownOwnAddress(v6: boolean): AddrSet {
  return dynamicAddress(UNKNOWN_OWN_NUMBER, v6);
}

/** The placeholder's number n (1–255), or 0 when v is a real address. */
function dynamicNumber(v: bigint): number {
  const rel = v >= V6_BASE ? v - V6_BASE - V6_DYNAMIC : v;
  return rel > 0n && rel < 256n ? Number(rel) : 0;
}

/** One address as a point in the unified space, or undefined if it is not an address. */
export function parseAddress(s: string): bigint | undefined {
  return parseV4(s) ?? parseV6(s);
}

export function isV6(v: bigint): boolean {
  return v >= V6_BASE;
}

/** 2^32, the first IPv6 point, as a double (exact): approxFirst/approxLast round monotonically around it. */
const V6_START = 2 ** 32;

/**
 * Every address of the set is IPv4 (true for the empty set). Reads the last bound as a double, with
 * no bigint made: parsers asked `bounds` for this per rule, a new list and two bigints each time.
 */
export function allV4(set: AddrSet): boolean {
  return set.isEmpty || set.approxLast < V6_START;
}

/** Every address of the set is IPv6 (true for the empty set); as allV4. */
export function allV6(set: AddrSet): boolean {
  return set.isEmpty || set.approxFirst >= V6_START;
}

/**
 * The part of `set` in one address family (IPv6 when `v6`): the set itself when it lies inside
 * already, the usual case, with no new set and no bound list read to know it.
 */
export function inFamily(set: AddrSet, v6: boolean): AddrSet {
  if (v6 ? allV6(set) : allV4(set)) return set;
  return set.intersect(v6 ? ANY_V6 : ANY_V4);
}

/** "a.b.c.d", "a.b.c.d/n", "x::y/n", "a-b" ranges. Host bits under the mask are ignored, as firewalls do. */
export function parseAddressSpec(spec: string): AddrSet | undefined {
  const v4 = v4Spec(spec);
  if (v4 !== undefined) return v4;
  const s = spec.trim();
  const dash = s.indexOf('-');
  if (dash > 0 && !s.includes('/')) {
    const a = parseAddress(s.slice(0, dash).trim());
    const b = parseAddress(s.slice(dash + 1).trim());
    if (a === undefined || b === undefined || isV6(a) !== isV6(b) || a > b) return undefined;
    return addrRange(a, b);
  }
  const slash = s.indexOf('/');
  const host = slash >= 0 ? s.slice(0, slash) : s;
  const base = parseAddress(host);
  if (base === undefined) return undefined;
  const width = isV6(base) ? 128 : 32;
  let len = width;
  if (slash >= 0) {
    const lenText = s.slice(slash + 1);
    if (/^\d{1,3}$/.test(lenText)) len = Number(lenText);
    else if (!isV6(base)) {
      const mask = parseV4(lenText); // dotted netmask, as FortiGate writes
      if (mask === undefined) return undefined;
      len = maskLength(Number(mask));
      if (len < 0) return undefined;
    } else return undefined;
  }
  if (len > width) return undefined;
  const offset = isV6(base) ? V6_BASE : 0n;
  const rel = base - offset;
  const hostBits = BigInt(width - len);
  const lo = (rel >> hostBits) << hostBits;
  const hi = lo + (1n << hostBits) - 1n;
  return addrRange(lo + offset, hi + offset);
}

/**
 * The number `s` ends with from `from`, when that is one to three digits (a prefix length as written
 * after its `/`), else -1. Read in place: no slice for the length.
 */
export function prefixLengthAt(s: string, from: number): number {
  const n = s.length - from;
  if (n < 1 || n > 3) return -1;
  let v = 0;
  for (let i = from; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * parseAddressSpec of `a.b.c.d` or `a.b.c.d/len` (len 0–32, at most 3 digits) written exactly so (most
 * specs a ruleset holds), in numbers: no trimmed copy, slices or bigints. Undefined for anything else
 * (spaces, ranges, netmasks, IPv6, errors), which the general path reads.
 */
function v4Spec(s: string): AddrSet | undefined {
  const n = s.length;
  const i = leadingQuad(s);
  if (i < 0) return undefined;
  let len = 32;
  if (i < n) {
    if (s.charCodeAt(i) !== 47) return undefined;
    len = prefixLengthAt(s, i + 1);
    if (len < 0 || len > 32) return undefined;
  }
  return v4Prefix(quadShifted, len);
}

/**
 * The set of the IPv4 prefix of `shifted` (an address less 2^31) and length `len` (0–32), host bits
 * cleared: its bounds stay 32-bit integers (IntervalSet.shiftedRange), no heap number made for them.
 */
function v4Prefix(shifted: number, len: number): AddrSet {
  if (len === 0) return IntervalSet.shiftedRange(ADDR_MIN, ADDR_MAX, -HALF, HALF - 1);
  // The mask of the top `len` bits of the unshifted address; the shift by 2^31 flips only its top bit,
  // which the mask keeps (len >= 1), so masking the shifted value gives the shifted low bound.
  const keep = len === 32 ? -1 : ~((1 << (32 - len)) - 1);
  const lo = shifted & keep;
  return IntervalSet.shiftedRange(ADDR_MIN, ADDR_MAX, lo, lo | ~keep);
}

/**
 * parseAddressSpec(`${addr}/${len}`) (a prefix object's text, as the readers print it) when that is in
 * v4Spec's forms, read without the text; undefined otherwise (the caller then parses the text).
 */
export function v4PrefixSet(addr: string, len: number): AddrSet | undefined {
  if (!Number.isInteger(len) || len < 0 || len > 32) return undefined;
  if (leadingQuad(addr) !== addr.length) return undefined;
  return v4Prefix(quadShifted, len);
}

/**
 * An IPv4 address or prefix in v4Spec's forms: its prefix length (quadShifted holds its address), or
 * -1 when `spec` is not in them: what AddrUnion.isV4Spec asks and addV4Spec adds.
 */
function v4SpecLength(spec: string): number {
  const i = leadingQuad(spec);
  if (i < 0) return -1;
  let len = 32;
  if (i < spec.length) {
    if (spec.charCodeAt(i) !== 47) return -1;
    len = prefixLengthAt(spec, i + 1);
    if (len < 0 || len > 32) return -1;
  }
  return len;
}

/**
 * The union of many addresses, prefixes and ranges (a named set's elements, a long anonymous set),
 * built once from their bounds as unionAddrs builds it: members in v4Spec's forms go in as two numbers
 * each, without a set per member (the nftables sets shape at 100k: 50,000 of them, each a set, its
 * bounds and a text, all garbage once the union was built); anything else goes in as its set.
 */
export class AddrUnion {
  /**
   * IPv4 members' bounds: lo0, hi0, lo1, hi1, … (addresses as numbers), in a typed array: its storage
   * is outside the heap, where a list grown by push to 100,000 bounds left its copies, large objects
   * that stay until a full collection.
   */
  private v4: Float64Array;
  private count = 0;
  private sets: AddrSet[] | undefined;

  /** `members`: how many members are coming, when the caller knows (room for their bounds at once). */
  constructor(members = 8) {
    this.v4 = new Float64Array(Math.max(2, 2 * members));
  }

  /** Whether addV4Spec takes `spec` (an IPv4 address or prefix in v4Spec's forms). */
  static isV4Spec(spec: string): boolean {
    return v4SpecLength(spec) >= 0;
  }

  /** parseAddressSpec(spec) when it is in v4Spec's forms: added, true; else nothing added, false. */
  addV4Spec(spec: string): boolean {
    const len = v4SpecLength(spec);
    if (len < 0) return false;
    this.pushPrefix(quadShifted, len);
    return true;
  }

  /**
   * parseAddressSpec of `addr/len` (len as String prints it) when that is in v4Spec's forms: added,
   * true; else nothing added, false. No text made for it.
   */
  addV4Prefix(addr: string, len: number): boolean {
    if (!Number.isInteger(len) || len < 0 || len > 32) return false;
    if (leadingQuad(addr) !== addr.length) return false;
    this.pushPrefix(quadShifted, len);
    return true;
  }

  add(set: AddrSet): void {
    (this.sets ??= []).push(set);
  }

  /**
   * The IPv4 bounds added so far, in the order added (lo0, hi0, …: v4Count of them), when no set was
   * added: for a caller that looks the union up by them before done(), which orders them in place.
   * Read-only; undefined when a set was added.
   */
  get v4Only(): Float64Array | undefined {
    return this.sets ? undefined : this.v4;
  }

  get v4Count(): number {
    return this.count;
  }

  /** The union of everything added (empty when nothing was). */
  done(): AddrSet {
    const sets = this.sets;
    if (this.count === 0) return sets ? unionAddrs(sets) : NO_ADDR;
    const own = IntervalSet.ofSmallBounds(ADDR_MIN, ADDR_MAX, this.v4, this.count);
    if (!sets) return own;
    sets.push(own);
    return unionAddrs(sets);
  }

  /** `shifted`: the address less 2^31 (a small integer: no heap number for the call). */
  private pushPrefix(shifted: number, len: number): void {
    const size = 2 ** (32 - len);
    const lo = Math.floor((shifted + HALF) / size) * size;
    if (this.count + 2 > this.v4.length) {
      const grown = new Float64Array(2 * this.v4.length);
      grown.set(this.v4);
      this.v4 = grown;
    }
    this.v4[this.count++] = lo;
    this.v4[this.count++] = lo + size - 1;
  }

  /** Empties the union for reuse (its room kept): what done() built does not refer to it. */
  reset(): void {
    this.count = 0;
    this.sets = undefined;
  }
}

function maskLength(mask: number): number {
  let len = 0;
  let seenZero = false;
  for (let bit = 31; bit >= 0; bit--) {
    const set = Math.floor(mask / 2 ** bit) % 2 === 1;
    if (set && seenZero) return -1;
    if (set) len++;
    else seenZero = true;
  }
  return len;
}

export function formatAddress(v: bigint): string {
  const dynamic = dynamicNumber(v);
  if (dynamic === UNKNOWN_OWN_NUMBER) return `(the firewall's own ${isV6(v) ? 'IPv6 ' : ''}address)`;
  if (dynamic > 0) return `(dynamic ${isV6(v) ? 'IPv6 ' : ''}address #${String(dynamic)})`;
  if (!isV6(v)) {
    const n = Number(v);
    return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }
  let rel = v - V6_BASE;
  const parts: number[] = [];
  for (let i = 0; i < 8; i++) {
    parts.unshift(Number(rel & 0xffffn));
    rel >>= 16n;
  }
  return ipaddr.fromByteArray(parts.flatMap((p) => [p >> 8, p & 255])).toString();
}

/** Renders a set as a short list of CIDRs and ranges, for messages. */
export function formatAddrSet(set: AddrSet, limit = 6): string {
  if (set.isFull) return 'any';
  if (set.isEmpty) return 'none';
  if (set.equals(ANY_V4)) return 'any IPv4';
  if (set.equals(ANY_V6)) return 'any IPv6';
  const out: string[] = [];
  for (const [lo, hi] of set.intervals()) {
    for (const piece of rangeToCidrs(lo, hi)) out.push(piece);
    if (out.length > limit) break;
  }
  if (out.length > limit) return exceptForm(set, limit) ?? `${out.slice(0, limit).join(', ')}, …`;
  return out.join(', ');
}

/** Holes listed at most in "10.20.0.0/24 except 10.20.0.1": more is no clearer than the list itself. */
const MAX_HOLES = 3;

/**
 * A set too long to list, written as the smallest prefix that holds it without the few addresses it
 * lacks ("10.20.0.0/24 except 10.20.0.1": a phone network without the firewall's own address), or
 * undefined when that takes more than MAX_HOLES pieces or the set spans both address families.
 */
function exceptForm(set: AddrSet, limit: number): string | undefined {
  const lo = set.first;
  const hi = set.last;
  if (isV6(lo) !== isV6(hi)) return undefined;
  const offset = isV6(lo) ? V6_BASE : 0n;
  let bits = 0n;
  while ((lo - offset) >> bits !== (hi - offset) >> bits) bits++;
  const base = (((lo - offset) >> bits) << bits) + offset;
  const prefix = addrRange(base, base + (1n << bits) - 1n);
  const holes = prefix.subtract(set);
  const pieces: string[] = [];
  for (const [a, b] of holes.intervals()) {
    pieces.push(...rangeToCidrs(a, b));
    if (pieces.length > Math.min(MAX_HOLES, limit)) return undefined;
  }
  const [whole] = rangeToCidrs(base, base + (1n << bits) - 1n);
  return whole === undefined || pieces.length === 0 ? undefined : `${whole} except ${pieces.join(', ')}`;
}

function rangeToCidrs(lo: bigint, hi: bigint): string[] {
  if (hi < V6_BASE) return rangeToCidrsV4(Number(lo), Number(hi));
  const v6 = isV6(lo);
  const offset = v6 ? V6_BASE : 0n;
  const width = v6 ? 128n : 32n;
  let a = lo - offset;
  const b = hi - offset;
  const out: string[] = [];
  while (a <= b && out.length < 8) {
    let bits = 0n;
    while (bits < width && (a & ((1n << (bits + 1n)) - 1n)) === 0n && a + (1n << (bits + 1n)) - 1n <= b) bits++;
    const len = width - bits;
    out.push(len === width ? formatAddress(a + offset) : `${formatAddress(a + offset)}/${String(len)}`);
    a += 1n << bits;
  }
  if (a <= b) return [`${formatAddress(lo)}-${formatAddress(hi)}`];
  return out;
}

/**
 * rangeToCidrs of IPv4 addresses in doubles (exact below 2^53): the same text without a bigint per
 * step (sites are described with up to 64 CIDRs in every report, so this runs in every lint).
 */
function rangeToCidrsV4(lo: number, hi: number): string[] {
  let a = lo;
  const out: string[] = [];
  while (a <= hi && out.length < 8) {
    let bits = 0;
    while (bits < 32 && a % 2 ** (bits + 1) === 0 && a + 2 ** (bits + 1) - 1 <= hi) bits++;
    const len = 32 - bits;
    out.push(len === 32 ? formatV4(a) : `${formatV4(a)}/${String(len)}`);
    a += 2 ** bits;
  }
  if (a <= hi) return [`${formatV4(lo)}-${formatV4(hi)}`];
  return out;
}

/** formatAddress of an IPv4 address given as a number. */
function formatV4(n: number): string {
  if (n === UNKNOWN_OWN_NUMBER) return "(the firewall's own address)";
  if (n > 0 && n < 256) return `(dynamic address #${String(n)})`;
  return `${String(n >>> 24)}.${String((n >>> 16) & 255)}.${String((n >>> 8) & 255)}.${String(n & 255)}`;
}

/** Private, loopback, link-local and other non-Internet ranges (RFC 1918, 6598, 4193, ...). */
export const NON_INTERNET: AddrSet = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::/128',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].reduce((acc, c) => {
  const s = parseAddressSpec(c);
  if (!s) throw new Error(`address.ts: ${c} is not an address spec`);
  return acc.union(s);
}, NO_ADDR);
