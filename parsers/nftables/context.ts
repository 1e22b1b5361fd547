import { NO_ADDR, parseAddressSpec, unknownOwnAddress, type AddrSet } from '../../src/model/address.js';
import type { Interface } from '../../src/model/policy.js';
import { Diagnostics } from '../toolkit/diagnostics.js';
import type { ParseOptions } from '../types.js';
import type { NDocument, NSet, NTable, Pos } from './ir.js';
import { RuleRows } from './rule-rows.js';

/** Per-file state shared by the semantic passes. */
export class Ctx extends Diagnostics {
  readonly doc: NDocument;
  readonly options: ParseOptions;
  /** Interface names in first-seen order, with where each was first named. */
  readonly ifaceSeen = new Map<string, Pos>();
  interfaces: Interface[] = [];
  readonly byName = new Map<string, Interface>();
  /** Loopback plus every interface's (placeholder) address: what `fib daddr type local` matches. */
  local: AddrSet = NO_ADDR;
  /** Where buildChain's model rules keep their numbers (entry-rule.ts headRow; one store for all chains). */
  readonly rows = new RuleRows();

  constructor(doc: NDocument, options: ParseOptions) {
    super();
    this.doc = doc;
    this.options = options;
    // Document-level unsupported constructs are always reported (within the caps).
    for (const u of doc.unsupported) this.report(u);
    for (const n of doc.notes) this.note(n);
  }

  get file(): string {
    return this.doc.file;
  }

  /** `line 12` in the file itself, `include/x.nft:3` in an included one (notes are prefixed with the file). */
  where(pos: Pos): string {
    const at =
      this.doc.format === 'json' && pos.line === 1
        ? `line 1, column ${String(pos.column)}`
        : `line ${String(pos.line)}`;
    return pos.file === this.doc.file ? at : `${pos.file}:${String(pos.line)}`;
  }

  /**
   * Records an interface name. A pattern (`ppp*`) is recorded too: it stands for the interfaces
   * matching it that the ruleset does not name (PPPoE sessions, VPN tunnels created at run time).
   */
  sawInterface(name: string, pos: Pos): void {
    const n = this.unseenInterface(name);
    if (n !== undefined) this.ifaceSeen.set(n, pos);
  }

  /**
   * sawInterface at `rule`'s position, read only for a name not seen before: a rule the text reader
   * read makes its position when asked (ir.ts ReadRule), and most rules name interfaces seen already.
   */
  sawInterfaceIn(name: string, rule: { readonly pos: Pos }): void {
    const n = this.unseenInterface(name);
    if (n !== undefined) this.ifaceSeen.set(n, rule.pos);
  }

  /** The name as recorded (`\*` a literal star), when it is not recorded yet. */
  private unseenInterface(name: string): string | undefined {
    if (!name) return undefined;
    const n = name.includes('\\') ? name.replace(/\\\*/g, '*') : name;
    return this.ifaceSeen.has(n) ? undefined : n;
  }

  /** Interface names an nft interface-name value matches: `eth*` matches by prefix (and stands for itself), `\*` is a literal star. */
  namesMatching(pattern: string): string[] {
    if (isPattern(pattern)) {
      const prefix = pattern.slice(0, -1);
      const out = [...this.ifaceSeen.keys()].filter((n) => n.startsWith(prefix));
      return out.includes(pattern) ? out : [...out, pattern];
    }
    return [pattern.replace(/\\\*/g, '*')];
  }

  /**
   * What `fib daddr type local` matches: loopback, the interfaces' placeholders and the unknown own
   * address (model/address.ts unknownOwnAddress), which stands for the address of an interface the
   * rules do not name (a `--wan` they never mention) and for a redirect's target where the ingress
   * interface's address is unknown: both are the firewall's own.
   */
  localAddresses(): AddrSet {
    return this.local.union(LOOPBACK).union(UNKNOWN_OWN);
  }
}

const LOOPBACK = parseAddressSpec('127.0.0.0/8') ?? NO_ADDR;
const UNKNOWN_OWN = unknownOwnAddress(false).union(unknownOwnAddress(true));

/** `eth*` (not `eth\*`): an interface-name pattern. */
export function isPattern(name: string): boolean {
  return name.endsWith('*') && !name.endsWith('\\*');
}

/** Looks a named set or map up in the table a rule belongs to. */
export function lookupSet(table: NTable, ref: string): NSet | undefined {
  return table.sets.get(ref.startsWith('@') ? ref.slice(1) : ref);
}
