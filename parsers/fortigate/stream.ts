import type { Prepared } from './index.js';
import { Restart, type Block, type ConfigTree, type Entry, type TableStream } from './tree.js';

/** How the stream starts a firewall from the tree read so far, and checks the whole tree against that start. */
export interface StreamSetup {
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
 */
export class PolicyStream implements TableStream {
  private prepared: Prepared | undefined;
  private readonly setup: StreamSetup;

  constructor(setup: StreamSetup) {
    this.setup = setup;
  }

  /** Whether a table was streamed (then the tree lacks its entries). */
  get started(): boolean {
    return this.prepared !== undefined;
  }

  open(table: Block, tree: ConfigTree): boolean {
    if (table.path !== 'firewall policy') return false;
    try {
      this.prepared = this.setup.begin(tree);
    } catch {
      // Whatever the preparation throws is thrown again, after the whole file is read, without a stream.
      this.prepared = undefined;
    }
    return this.prepared !== undefined;
  }

  entry(e: Entry): void {
    const p = this.prepared;
    if (!p) throw new Restart();
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
