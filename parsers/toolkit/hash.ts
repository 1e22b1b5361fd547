import { flat } from './labels.js';

/**
 * The content hash of parser ids: rules without a vendor id (RouterOS entries, nftables rules,
 * pfSense rules without tracker) are named by what they say, never by their line, so moving lines
 * keeps their ids and the fingerprints built on them. A 53-bit non-cryptographic hash (cyrb53):
 * 100k rules hash in milliseconds; IdRegistry separates the rare collision as it separates
 * identical rules.
 */
export function contentId(prefix: string, ...parts: string[]): string {
  const h = new Hasher();
  for (const part of parts) h.add(part);
  return h.id(prefix);
}

/**
 * Incremental cyrb53 over parts; parts are separated, so ("ab", "c") and ("a", "bc") differ. The state
 * lives in an Int32Array: 32-bit values in object fields would be boxed, one heap number per part.
 * One Hasher can serve many ids (`reset`).
 */
export class Hasher {
  private readonly h = new Int32Array(2);

  constructor() {
    this.reset();
  }

  /** Back to the empty state. */
  reset(): this {
    this.h[0] = 0xdeadbeef;
    this.h[1] = 0x41c6ce57;
    return this;
  }

  add(text: string): this {
    const st = this.h;
    let h1 = st[0] ?? 0;
    let h2 = st[1] ?? 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    // The separator `|` closes the part.
    st[0] = Math.imul(h1 ^ 124, 2654435761);
    st[1] = Math.imul(h2 ^ 124, 1597334677);
    return this;
  }

  /**
   * `add(text)` of `text` without the characters `skip` (a one-character string): the hash of a text
   * kept as a source slice whose quotes the canonical text drops, without building that text.
   */
  addWithout(text: string, skip: string): this {
    return this.addRange(text, 0, text.length, skip);
  }

  /**
   * `add(text.slice(from, to))`, or `addWithout` of that slice when `skip` is given, without making the
   * slice (a rule's text kept as its place in the source).
   */
  addRange(text: string, from: number, to: number, skip?: string): this {
    const st = this.h;
    const sk = skip === undefined ? -1 : skip.charCodeAt(0);
    let h1 = st[0] ?? 0;
    let h2 = st[1] ?? 0;
    for (let i = from; i < to; i++) {
      const ch = text.charCodeAt(i);
      if (ch === sk) continue;
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    st[0] = Math.imul(h1 ^ 124, 2654435761);
    st[1] = Math.imul(h2 ^ 124, 1597334677);
    return this;
  }

  /**
   * `add(key).add(negated ? '!' : '').add(value)` (a property of a rule) in one call: the state is
   * loaded and stored once, not three times.
   */
  addProperty(key: string, negated: boolean, value: string): this {
    const st = this.h;
    let h1 = st[0] ?? 0;
    let h2 = st[1] ?? 0;
    for (let i = 0; i < key.length; i++) {
      const ch = key.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    h1 = Math.imul(h1 ^ 124, 2654435761);
    h2 = Math.imul(h2 ^ 124, 1597334677);
    if (negated) {
      h1 = Math.imul(h1 ^ 33, 2654435761);
      h2 = Math.imul(h2 ^ 33, 1597334677);
    }
    h1 = Math.imul(h1 ^ 124, 2654435761);
    h2 = Math.imul(h2 ^ 124, 1597334677);
    for (let i = 0; i < value.length; i++) {
      const ch = value.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    st[0] = Math.imul(h1 ^ 124, 2654435761);
    st[1] = Math.imul(h2 ^ 124, 1597334677);
    return this;
  }

  /** The low 48 bits of the 53-bit hash (4 hex digits from h2, 8 from h1), as a number. */
  value(): number {
    let h1 = this.h[0] ?? 0;
    let h2 = this.h[1] ?? 0;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 & 0xffff) * 0x100000000 + (h1 >>> 0);
  }

  /** `prefix-` and 12 hex digits, as one flat string (ids live as long as the model; see labels.ts `flat`). */
  id(prefix: string): string {
    return hashText(prefix, this.value());
  }
}

/**
 * A 48-bit hash (Hasher.value) kept as two small integers, its high 16 and low 32 bits (signed): an
 * object holds them in place, where the number itself, above 2^31, is a heap number of its own (one
 * more object per record for the young generation's collector to copy).
 */
export function hashHigh(h: number): number {
  return Math.floor(h / 0x100000000);
}

export function hashLow(h: number): number {
  return h | 0;
}

/** The hash hashHigh and hashLow split. */
export function joinHash(hi: number, lo: number): number {
  return hi * 0x100000000 + (lo >>> 0);
}

const HEX = '0123456789abcdef';
const hexDigit = (v: number, shift: number): number => HEX.charCodeAt((v >>> shift) & 15);

/**
 * `prefix-` and the 48-bit hash as 12 hex digits. The digits come from two 32-bit integers: a double's
 * `toString(16)` takes V8's slow radix conversion (about 2 µs per id at 100k rules).
 */
export function hashText(prefix: string, hash: number): string {
  const hi = Math.floor(hash / 0x100000000);
  const lo = hash >>> 0;
  const digits = String.fromCharCode(
    hexDigit(hi, 12),
    hexDigit(hi, 8),
    hexDigit(hi, 4),
    hexDigit(hi, 0),
    hexDigit(lo, 28),
    hexDigit(lo, 24),
    hexDigit(lo, 20),
    hexDigit(lo, 16),
    hexDigit(lo, 12),
    hexDigit(lo, 8),
    hexDigit(lo, 4),
    hexDigit(lo, 0),
  );
  return flat([prefix, '-', digits]);
}
