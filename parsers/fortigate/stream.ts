import { AddressTable } from './addresses.js';
import type { Prepared } from './index.js';
import { Restart, type Block, type ConfigTree, type Entry, type TableStream } from './tree.js';

/** How the stream starts a firewall from the tree read so far, and checks the whole tree against that start. */
export interface StreamSetup {
  /** The file's name (for the locations of converted objects). */
  file: string;
  /** The firewall prepared from the tables read so far, or undefined when the file cannot be streamed. */
  begin(tree: ConfigTree): Prepared | undefined;
  /** Whether the whole tree gives the same start (same header, one firewall, no new prompts or repairs). */
  same(tree: ConfigTree, prepared: Prepared): boolean;
}

/**
 * Streams `config firewall policy` (tree.ts TableStream): when the table opens, the firewall is
 * prepared from the tables before it (full configurations write interfaces, addresses, services and
 * VIPs first), and each policy is converted as soon as its `next` is read, so the entries of a large
 * file never accumulate. The result stands only if nothing read for the preparation changed after
 * the table opened (every section the preparation and the conversions looked up is recorded by the
 * Ctx); otherwise the caller reads the file again without a stream, as before.
 *
 * `config firewall address`, when it comes before the policies, is streamed too: each address is
 * converted when its `next` is read (addresses.ts AddressTable), whether or not the policies stream.
 */
export class PolicyStream implements TableStream {
  private prepared: Prepared | undefined;
  private readonly setup: StreamSetup;
  private readonly keys = new KeySet();

  constructor(setup: StreamSetup) {
    this.setup = setup;
  }

  /** Whether a table was streamed (then the tree lacks its entries). */
  get started(): boolean {
    return this.prepared !== undefined;
  }

  open(table: Block, tree: ConfigTree): 'keys' | 'names' | undefined {
    if (table.path === 'firewall address') {
      // Only before the policies: their preparation reads the addresses.
      if (tree.after) return undefined;
      table.converted = new AddressTable(this.setup.file);
      return 'names';
    }
    if (table.path !== 'firewall policy') return undefined;
    try {
      this.prepared = this.setup.begin(tree);
    } catch {
      // Whatever the preparation throws is thrown again, after the whole file is read, without a stream.
      this.prepared = undefined;
    }
    if (this.prepared === undefined) return undefined;
    tree.after = new Set();
    return 'keys';
  }

  entry(table: Block, e: Entry): void {
    if (table.converted instanceof AddressTable) {
      try {
        table.converted.add(e);
      } catch {
        // Whatever converting an address throws is thrown again, in file order, by the read without a stream.
        throw new Restart();
      }
      return;
    }
    const p = this.prepared;
    if (!p) throw new Restart();
    // A policy edited again: its conversion is already made.
    if (!this.keys.add(e.key)) throw new Restart();
    try {
      p.policies.entry(e, false);
    } catch {
      // Whatever the conversion throws is thrown again, in file order, by the read without a stream.
      throw new Restart();
    }
  }

  /** The prepared firewall with the streamed policies, when the whole tree confirms the preparation. */
  result(tree: ConfigTree): Prepared | undefined {
    const p = this.prepared;
    if (!p) return undefined;
    const looked = p.ctx.looked;
    const after = tree.after;
    if (!looked || !after) return undefined;
    for (const path of looked) if (after.has(path)) return undefined;
    if (!this.setup.same(tree, p)) return undefined;
    p.ctx.looked = undefined;
    return p;
  }
}

/**
 * The keys a streamed table has seen. Policy ids are numbers: those are bits in a bitmap (a Set of
 * 100k fresh strings costs more than reading them); other keys go to a Set.
 */
class KeySet {
  private bits = new Uint8Array(1024);
  private readonly others = new Set<string>();

  /** Adds the key; false when it was there already. */
  add(key: string): boolean {
    const n = key.length;
    let v = 0;
    let numeric = n > 0 && n <= 6 && (n === 1 || key.charCodeAt(0) !== 0x30);
    for (let i = 0; numeric && i < n; i++) {
      const d = key.charCodeAt(i) - 0x30;
      if (d < 0 || d > 9) numeric = false;
      else v = v * 10 + d;
    }
    if (!numeric) {
      if (this.others.has(key)) return false;
      this.others.add(key);
      return true;
    }
    const byte = v >> 3;
    if (byte >= this.bits.length) {
      let size = this.bits.length;
      while (size <= byte) size *= 2;
      const bigger = new Uint8Array(size);
      bigger.set(this.bits);
      this.bits = bigger;
    }
    const mask = 1 << (v & 7);
    const old = this.bits[byte] ?? 0;
    if (old & mask) return false;
    this.bits[byte] = old | mask;
    return true;
  }
}
