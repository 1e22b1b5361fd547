import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { SymbolicRef } from '../../src/model/policy.js';
import { NO_PORT, parsePortRange, portSet, type PortSet } from '../../src/model/ports.js';
import { Fields, child, path, truthy, type Ctx } from './context.js';
import type { InterfaceTable } from './interfaces.js';
import { serviceNumber } from './services.js';
import type { XmlElement } from './xml.js';

export type AliasKind = 'address' | 'port' | 'url' | 'url-ports' | 'geo' | 'other';

export interface AliasDef {
  name: string;
  type: string;
  kind: AliasKind;
  entries: string[];
  enabled: boolean;
  el: XmlElement;
}

export interface SymbolicPart {
  kind: SymbolicRef['kind'];
  name: string;
}

export interface AddrResolution {
  set: AddrSet;
  symbolic: SymbolicPart[];
}

export interface PortResolution {
  set: PortSet;
  /** Entries that could not be turned into ports (unknown service names, url port tables). */
  unknown: string[];
}

const HOSTNAME_RE = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?:\.(?!-)[A-Za-z0-9-]{1,63})*\.?$/;

export function isHostname(s: string): boolean {
  return HOSTNAME_RE.test(s) && !/^\d+$/.test(s) && !/^[\d.]+$/.test(s);
}

function kindOf(platform: Ctx['platform'], type: string): AliasKind {
  switch (type) {
    case 'host':
    case 'network':
    case 'networkgroup':
      return 'address';
    case 'port':
      return 'port';
    case 'url':
    case 'urltable':
    case 'urljson':
      return 'url';
    case 'url_ports':
    case 'urltable_ports':
      return 'url-ports';
    case 'geoip':
    case 'asn':
      return 'geo';
    default:
      return platform === 'pfsense' && type === '' ? 'address' : 'other';
  }
}

/**
 * Aliases by name, resolved lazily with pfSense's nesting rules (docs/semantics.md#pf-layout): entries are
 * addresses, CIDRs, other aliases (expanded recursively; names already expanded are skipped, which
 * also breaks cycles) or hostnames (resolved by filterdns at run time → symbolic, never resolved here).
 */
export class AliasTable {
  readonly defs = new Map<string, AliasDef>();
  private readonly addrCache = new Map<string, AddrResolution>();
  private readonly portCache = new Map<string, PortResolution>();
  private readonly ctx: Ctx;
  private readonly ifaces: InterfaceTable;

  constructor(ctx: Ctx, ifaces: InterfaceTable) {
    this.ctx = ctx;
    this.ifaces = ifaces;
  }

  get(name: string): AliasDef | undefined {
    return this.defs.get(name);
  }

  add(def: AliasDef): void {
    if (!this.defs.has(def.name)) this.defs.set(def.name, def);
  }

  resolveAddresses(name: string): AddrResolution {
    const cached = this.addrCache.get(name);
    if (cached) return cached;
    const out: AddrResolution = { set: NO_ADDR, symbolic: [] };
    this.expandAddr(name, new Set(), [], out);
    this.addrCache.set(name, out);
    return out;
  }

  private expandAddr(name: string, done: Set<string>, stack: string[], out: AddrResolution): void {
    const def = this.defs.get(name);
    if (!def) return;
    if (done.has(name)) {
      if (stack.includes(name)) {
        this.ctx.note(
          `alias cycle ${[...stack.slice(stack.indexOf(name)), name].join(' → ')}: ${this.ctx.vendorName} skips names it ` +
            `has already expanded, so the cycle adds nothing`,
        );
      }
      return;
    }
    done.add(name);
    stack.push(name);
    if (!def.enabled) {
      this.ctx.note(`alias ${name} is disabled; it is treated as empty`);
    } else if (def.kind === 'url') {
      out.symbolic.push({ kind: 'url-table', name });
    } else if (def.kind === 'geo') {
      out.symbolic.push({ kind: 'geo', name });
    } else if (def.kind === 'other' || def.kind === 'url-ports') {
      out.symbolic.push({ kind: 'dynamic', name });
    } else if (def.kind === 'port') {
      this.ctx.note(`port alias ${name} is used where addresses are expected; it contributes no addresses`);
    } else {
      for (const entry of def.entries) {
        const spec = parseAddressSpec(entry);
        if (spec) {
          out.set = out.set.union(spec);
          continue;
        }
        if (this.defs.has(entry)) {
          this.expandAddr(entry, done, stack, out);
          continue;
        }
        const internal = /^__(.+)_network$/.exec(entry);
        const ifInfo = internal?.[1] === undefined ? undefined : this.ifaces.get(internal[1]);
        if (ifInfo) {
          out.set = out.set.union(ifInfo.networks);
          if (ifInfo.dynamic4 || ifInfo.dynamic6) out.symbolic.push({ kind: 'dynamic', name: entry });
          continue;
        }
        if (isHostname(entry)) {
          // docs/semantics.md#pf-layout: FQDN entries are resolved by filterdns at run time.
          out.symbolic.push({ kind: 'fqdn', name: entry });
          continue;
        }
        this.ctx.note(`alias ${name}: entry "${entry}" is neither an address, an alias nor a hostname; ignored`);
      }
    }
    stack.pop();
  }

  /** Ports of a port alias (entries `a:b` per A.1; `a-b` and service names are accepted too). */
  resolvePorts(name: string): PortResolution {
    const cached = this.portCache.get(name);
    if (cached) return cached;
    const out: PortResolution = { set: NO_PORT, unknown: [] };
    this.expandPorts(name, new Set(), out);
    this.portCache.set(name, out);
    return out;
  }

  private expandPorts(name: string, done: Set<string>, out: PortResolution): void {
    const def = this.defs.get(name);
    if (!def || done.has(name)) return;
    done.add(name);
    if (!def.enabled) return;
    if (def.kind === 'url-ports' || def.kind === 'url') {
      out.unknown.push(name);
      return;
    }
    for (const entry of def.entries) {
      const r = parsePortEntry(entry);
      if (r) {
        out.set = out.set.union(portSet([r]));
        continue;
      }
      if (this.defs.has(entry)) {
        this.expandPorts(entry, done, out);
        continue;
      }
      out.unknown.push(entry);
    }
  }
}

/** One port or range: `5060`, `10000:20000`, `10000-20000`, or service names on either side. */
export function parsePortEntry(text: string): [number, number] | undefined {
  const t = text.trim();
  const direct = parsePortRange(t, ':-');
  if (direct) return direct;
  const single = serviceNumber(t);
  if (single !== undefined) return [single, single];
  const m = /^([^:-]+)[:-]([^:-]+)$/.exec(t);
  if (m) {
    const [, lo = '', hi = ''] = m;
    const a = /^\d+$/.test(lo) ? Number(lo) : serviceNumber(lo);
    const b = /^\d+$/.test(hi) ? Number(hi) : serviceNumber(hi);
    if (a !== undefined && b !== undefined && a <= b && b <= 65535) return [a, b];
  }
  return undefined;
}

export function parseAliases(ctx: Ctx, ifaces: InterfaceTable): AliasTable {
  const table = new AliasTable(ctx, ifaces);
  // pfSense (and old OPNsense) store: <aliases><alias>, <address> space-separated (A.1).
  for (const el of child(ctx.root, 'aliases')?.children ?? []) {
    if (el.name !== 'alias') continue;
    const f = new Fields(el);
    const name = f.str('name');
    if (!name) continue;
    const type = f.str('type').toLowerCase();
    const entries = f.str('address').split(/\s+/).filter(Boolean);
    const enabled = ctx.platform === 'opnsense' && f.has('enabled') ? truthy(f.text('enabled')) : true;
    const kind = kindOf(ctx.platform, type);
    if (kind === 'other') {
      ctx.unsupportedAt(
        el,
        `<aliases><alias><type>${type}</type>`,
        `alias ${name} has an alias type fwlint does not know; rules using it may match other addresses than shown`,
      );
    }
    table.add({ name, type, kind, entries, enabled, el });
  }
  // OPNsense MVC store: <OPNsense><Firewall><Alias><aliases><alias>, <content> newline-separated (A.6).
  for (const el of path(ctx.root, 'OPNsense', 'Firewall', 'Alias', 'aliases')?.children ?? []) {
    if (el.name !== 'alias') continue;
    const f = new Fields(el);
    const name = f.str('name');
    if (!name) continue;
    const type = f.str('type').toLowerCase();
    const entries = f
      .str('content')
      .split(/[\s,]+/)
      .filter(Boolean);
    const enabled = f.has('enabled') ? truthy(f.text('enabled')) : true;
    const kind = kindOf(ctx.platform, type);
    if (kind === 'other') {
      ctx.unsupportedAt(
        el,
        `<OPNsense><Firewall><Alias><aliases><alias><type>${type}</type>`,
        `alias ${name} of type ${type || '(none)'} has run-time membership fwlint cannot evaluate; rules using it may ` +
          `match other addresses than shown`,
      );
    }
    table.add({ name, type, kind, entries, enabled, el });
  }
  return table;
}
