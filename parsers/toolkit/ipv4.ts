import { addrRange, parseAddressSpec, prefixLengthAt, type AddrSet } from '../../src/model/address.js';

/**
 * `a.b.c.d`, `a.b.c.d/len` and `a.b.c.d/m.m.m.m`, the address forms of nearly every rule, read with number arithmetic:
 * the same set model/address.ts `parseAddressSpec` returns (host bits under the mask dropped), with
 * one bigint per bound (a single address shares one for both) instead of a chain of bigint
 * operations per rule. Any other form (ranges, IPv6, blanks, a non-contiguous mask) goes to parseAddressSpec.
 */
export function parseIpv4Spec(spec: string): AddrSet | undefined {
  const r = scratch;
  if (!ipv4Range(spec, r)) return parseAddressSpec(spec);
  return ipv4Set(r[0] ?? 0, r[1] ?? 0);
}

/** The set of the IPv4 addresses lo..hi (numbers from ipv4Range), one bigint for both bounds of a single address. */
export function ipv4Set(lo: number, hi: number): AddrSet {
  const first = BigInt(lo);
  return addrRange(first, hi === lo ? first : BigInt(hi));
}

const scratch = new Float64Array(2);

/**
 * The IPv4 forms parseIpv4Spec reads by number arithmetic, as the numbers `out[0]` (first address) and
 * `out[1]` (last address); false for any other form (which parseAddressSpec may still read).
 */
export function ipv4Range(spec: string, out: Float64Array): boolean {
  const n = spec.length;
  const i = readQuad(spec, 0);
  if (i < 0) return false;
  const v = quad;
  if (i === n) {
    out[0] = v;
    out[1] = v;
    return true;
  }
  if (spec.charCodeAt(i) !== 47 /* / */ || n - i < 2) return false;
  let len = 0;
  if (n - i <= 4) {
    // `/len`: 1-3 digits.
    len = prefixLengthAt(spec, i + 1);
    if (len < 0 || len > 32) return false;
  } else {
    // `/m.m.m.m`: a dotted netmask (FortiGate's `set subnet a.b.c.d m.m.m.m`), its 1 bits contiguous.
    const mask = dottedQuad(spec, i + 1);
    if (mask < 0) return false;
    // The leading 1 bits (the leading zeros of the complement); the rest must be 0 bits.
    len = Math.clz32(~mask);
    if (mask !== prefixMask(len)) return false;
  }
  const size = BLOCK[32 - len] ?? 1;
  const lo = Math.floor(v / size) * size;
  out[0] = lo;
  out[1] = lo + size - 1;
  return true;
}

/** 2^k for k = 0..32: the size of a block with k host bits. */
const BLOCK = Array.from({ length: 33 }, (_, k) => 2 ** k);

/** The netmask of a /k prefix as an unsigned number. */
function prefixMask(k: number): number {
  return k === 0 ? 0 : (-1 << (32 - k)) >>> 0;
}

/** `a.b.c.d` from `from` to the end of `s` as a number, or -1 (the rules of model/address.ts parseV4). */
function dottedQuad(s: string, from: number): number {
  return readQuad(s, from) === s.length ? quad : -1;
}

/** The value of the last quad readQuad read. */
let quad = 0;

/**
 * Reads `a.b.c.d` (octets of 1–3 digits, at most 255) starting at `from`: where it stops, with the
 * value in `quad`, or -1 when no quad starts there.
 */
function readQuad(s: string, from: number): number {
  const n = s.length;
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = from;
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
  quad = v * 256 + octet;
  return i;
}
