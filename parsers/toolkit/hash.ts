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

/** Incremental cyrb53 over parts; parts are separated, so ("ab", "c") and ("a", "bc") differ. */
export class Hasher {
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;

  add(text: string): this {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
    // The separator `|` closes the part.
    this.h1 = Math.imul(h1 ^ 124, 2654435761);
    this.h2 = Math.imul(h2 ^ 124, 1597334677);
    return this;
  }

  /** `prefix-` and 12 hex digits. */
  id(prefix: string): string {
    let h1 = this.h1;
    let h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
    h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
    h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    // The low 48 bits of the 53-bit hash, as 12 hex digits: 4 from h2, 8 from h1.
    return `${prefix}-${hex(h2 & 0xffff, 4)}${hex(h1 >>> 0, 8)}`;
  }
}

/** `n` as exactly `digits` lowercase hex digits. */
function hex(n: number, digits: number): string {
  const s = n.toString(16);
  return s.length === digits ? s : '0'.repeat(digits - s.length) + s;
}
