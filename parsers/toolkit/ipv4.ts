import { addrRange, parseAddressSpec, type AddrSet } from '../../src/model/address.js';

/**
 * `a.b.c.d` and `a.b.c.d/len`, the address forms of nearly every rule, read with number arithmetic:
 * the same set model/address.ts `parseAddressSpec` returns (host bits under the mask dropped), with
 * one bigint per bound (a single address shares one for both) instead of a chain of bigint
 * operations per rule. Any other form (ranges, netmasks, IPv6, blanks) goes to parseAddressSpec.
 */
export function parseIpv4Spec(spec: string): AddrSet | undefined {
  const n = spec.length;
  let v = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = spec.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++digits > 3) return parseAddressSpec(spec);
      octet = octet * 10 + (c - 48);
    } else if (c === 46 && digits > 0 && dots < 3) {
      if (octet > 255) return parseAddressSpec(spec);
      v = v * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else break;
  }
  if (dots !== 3 || digits === 0 || octet > 255 || i < 7) return parseAddressSpec(spec);
  v = v * 256 + octet;
  if (i === n) {
    const a = BigInt(v);
    return addrRange(a, a);
  }
  if (spec.charCodeAt(i) !== 47 /* / */ || n - i < 2 || n - i > 3) return parseAddressSpec(spec);
  let len = 0;
  for (let k = i + 1; k < n; k++) {
    const c = spec.charCodeAt(k);
    if (c < 48 || c > 57) return parseAddressSpec(spec);
    len = len * 10 + (c - 48);
  }
  if (len > 32) return parseAddressSpec(spec);
  const size = 2 ** (32 - len);
  const lo = Math.floor(v / size) * size;
  const first = BigInt(lo);
  return addrRange(first, size === 1 ? first : BigInt(lo + size - 1));
}
