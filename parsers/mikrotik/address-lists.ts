import { NO_ADDR, addrSet, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { SymbolicRef } from '../../src/model/policy.js';
import type { Ctx, Span } from './context.js';
import type { Store } from './store.js';

/**
 * `/ip firewall address-list` and `/ipv6 firewall address-list` (separate namespaces). Entries are
 * addresses, CIDRs, ranges or DNS names; RouterOS resolves DNS names at run time and keeps dynamic
 * entries for them, so they stay symbolic (FWL012), never guessed (docs/semantics.md#ros-syntax, docs/semantics.md#pf-layout).
 * Lists that rules (`add-src-to-address-list`), DHCP servers or PPP profiles fill at run time are
 * dynamic as a whole.
 */

export type Family = 'ip' | 'ipv6';

export interface AddressList {
  name: string;
  set: AddrSet;
  hostnames: { name: string; span: Span }[];
  /** Why members are added at run time, if they are. */
  dynamic?: string;
  span?: Span;
}

export interface ListRef {
  set: AddrSet;
  symbolic: Omit<SymbolicRef, 'field' | 'negated'>[];
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\.?$/i;

export class AddressLists {
  private readonly lists = { ip: new Map<string, AddressList>(), ipv6: new Map<string, AddressList>() };
  private readonly ctx: Ctx;

  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  get(family: Family, name: string): AddressList | undefined {
    return this.lists[family].get(name);
  }

  all(family: Family): IterableIterator<AddressList> {
    return this.lists[family].values();
  }

  /** What a `src-address-list=` / `dst-address-list=` reference stands for. */
  resolve(family: Family, name: string, at: Span): ListRef {
    const l = this.lists[family].get(name);
    const loc = this.ctx.loc(at);
    if (!l) {
      return {
        set: NO_ADDR,
        symbolic: [
          {
            kind: 'dynamic',
            name: `${name} (address list with no entries in the export; it may be filled at run time)`,
            loc,
          },
        ],
      };
    }
    const symbolic: ListRef['symbolic'] = l.hostnames.map((h) => ({
      kind: 'fqdn' as const,
      name: h.name,
      loc: this.ctx.loc(h.span),
    }));
    if (l.dynamic) symbolic.push({ kind: 'dynamic', name: `${name} (${l.dynamic})`, loc });
    return { set: l.set, symbolic };
  }

  static build(ctx: Ctx, store: Store): AddressLists {
    const out = new AddressLists(ctx);
    for (const family of ['ip', 'ipv6'] as const) {
      const ranges = new Map<string, [bigint, bigint][]>();
      const map = out.lists[family];
      for (const item of store.items(`${family} firewall address-list`)) {
        if (item.disabled) continue;
        const name = item.get('list');
        const addr = item.prop('address');
        if (!name || !addr) continue;
        let l = map.get(name);
        if (!l) {
          l = { name, set: NO_ADDR, hostnames: [], span: item.span };
          map.set(name, l);
          ranges.set(name, []);
        }
        const spec = parseAddressSpec(addr.value);
        if (spec) {
          let r = ranges.get(name);
          if (!r) {
            r = [];
            ranges.set(name, r);
          }
          for (const iv of spec.intervals()) r.push(iv);
        } else if (HOSTNAME.test(addr.value) && /[a-z]/i.test(addr.value)) {
          l.hostnames.push({ name: addr.value, span: addr.span });
        } else {
          ctx.noteOnce(
            `bad-entry:${name}`,
            `${ctx.where(item.span)}: address-list ${name} entry "${addr.value}" is neither an address nor a DNS name; ` +
              'RouterOS would refuse it, ignored (further ones in this list are not noted)',
          );
        }
      }
      // One sort-and-merge per list: large lists (100k entries) stay linear-logarithmic.
      for (const [name, r] of ranges) {
        const l = map.get(name);
        if (l) l.set = addrSet(r);
      }
    }
    // Lists filled at run time.
    const fill = (family: Family, name: string, why: string, span: Span): void => {
      const map = out.lists[family];
      let l = map.get(name);
      if (!l) {
        l = { name, set: NO_ADDR, hostnames: [], span };
        map.set(name, l);
      }
      l.dynamic ??= why;
    };
    for (const family of ['ip', 'ipv6'] as const) {
      for (const table of ['filter', 'raw', 'mangle', 'nat']) {
        for (const item of store.items(`${family} firewall ${table}`)) {
          if (item.disabled) continue;
          const action = item.get('action');
          const list = item.get('address-list');
          if (list && (action === 'add-src-to-address-list' || action === 'add-dst-to-address-list')) {
            fill(
              family,
              list,
              `filled at run time by the ${table} rule at line ${String(ctx.line(item.span.start))}`,
              item.span,
            );
          }
        }
      }
    }
    for (const item of store.items('ip dhcp-server')) {
      const list = item.get('address-lists');
      if (list)
        for (const n of list.split(','))
          fill('ip', n.trim(), `DHCP server ${item.get('name') ?? ''} adds its leases`.replace('  ', ' '), item.span);
    }
    for (const item of store.items('ppp profile')) {
      const list = item.get('address-list');
      if (list) for (const n of list.split(',')) fill('ip', n.trim(), 'PPP profile adds its clients', item.span);
    }
    return out;
  }
}
