import {
  ANY_ADDR,
  ANY_V4,
  ANY_V6,
  NO_ADDR,
  inFamily,
  parseAddressSpec,
  type AddrSet,
} from '../../src/model/address.js';
import type { SymbolicRef } from '../../src/model/policy.js';
import type { AliasTable, SymbolicPart } from './aliases.js';
import { Fields, type Ctx } from './context.js';
import type { InterfaceTable } from './interfaces.js';
import type { PortInfo } from './protocols.js';
import type { XmlElement } from './xml.js';

export type Family = 'inet' | 'inet6' | 'inet46';

export interface Env {
  ctx: Ctx;
  ifaces: InterfaceTable;
  aliases: AliasTable;
  /** Resolutions by `kind|family` and name; results are immutable so rules can share them. */
  cache?: Map<string, Map<string, Resolved>>;
  /** Port specs by their text (protocols.ts resolvePortSpec); read only, shared by rules. */
  ports?: Map<string, PortInfo>;
}

/** The resolutions of one kind and family (`n|inet`): looked up by name, without a key string per lookup. */
function cacheOf(env: Env, kind: string): Map<string, Resolved> {
  env.cache ??= new Map();
  let m = env.cache.get(kind);
  if (!m) {
    m = new Map();
    env.cache.set(kind, m);
  }
  return m;
}

const NETWORK_KEY: Record<Family, string> = { inet: 'n|inet', inet6: 'n|inet6', inet46: 'n|inet46' };
const ADDRESS_KEY: Record<Family, string> = { inet: 'a|inet', inet6: 'a|inet6', inet46: 'a|inet46' };

/** One side of a rule after resolution. `set` undefined = any address. */
export interface Endpoint {
  set?: AddrSet;
  symbolic: SymbolicRef[];
  /** Why the platform would not load the rule (unresolvable alias, interface without address...). */
  skip?: string;
  /** Normalized spec as written, e.g. `!IPNORDIC`, `opt1 net`, `any`. */
  text: string;
  /** The `<port>` text (legacy) or `_port` field (MVC), not yet resolved. */
  port: string;
}

export interface Resolved {
  set?: AddrSet;
  symbolic: SymbolicPart[];
  skip?: string;
}

/** No symbolic members: shared by the cached results of plain addresses (nothing changes a Resolved's list). */
const NO_SYMBOLIC: SymbolicPart[] = [];

export function familySet(family: Family): AddrSet | undefined {
  return family === 'inet' ? ANY_V4 : family === 'inet6' ? ANY_V6 : undefined;
}

function inOwnFamily(set: AddrSet, family: Family): AddrSet {
  return family === 'inet46' ? set : inFamily(set, family === 'inet6');
}

function dynamicIn(dyn4: boolean, dyn6: boolean, family: Family): boolean {
  return family === 'inet' ? dyn4 : family === 'inet6' ? dyn6 : dyn4 || dyn6;
}

const FAMILY_NAME: Record<Family, string> = { inet: 'IPv4', inet6: 'IPv6', inet46: 'IPv4/IPv6' };

/**
 * A special network name (docs/semantics.md#pf-layout): `lan`/`wan`/`optN` = the interface's subnets,
 * `lanip`/`wanip`/`optNip` = its address, `(self)` = every firewall address, interface groups =
 * their members' subnets. Run-time addresses (DHCP, PPPoE...) become symbolic `dynamic` members.
 */
export function resolveNetworkName(env: Env, name: string, family: Family): Resolved {
  const m = cacheOf(env, NETWORK_KEY[family]);
  let r = m.get(name);
  if (!r) {
    r = networkName(env, name, family);
    m.set(name, r);
  }
  return r;
}

function networkName(env: Env, name: string, family: Family): Resolved {
  const { ifaces, ctx } = env;
  if (name === '(self)') {
    const set = inOwnFamily(ifaces.selfAddresses, family);
    return { set, symbolic: [] }; // dynamic addresses are placeholders in selfAddresses (model/address.ts)
  }
  if (name === 'any') return { symbolic: [] };
  const ipMatch = /^(wan|lan|opt\d+)ip$/.exec(name);
  if (ipMatch) {
    const info = ifaces.get(ipMatch[1] ?? '');
    if (!info?.enabled)
      return {
        symbolic: [],
        skip: `interface ${ipMatch[1]} is not enabled or does not exist, so "${name}" has no address`,
      };
    // A run-time address is one placeholder address (model/address.ts), so `wanip` stays exact.
    const set = inOwnFamily(info.addresses, family);
    if (set.isEmpty) return { symbolic: [], skip: `interface ${ipMatch[1]} has no ${FAMILY_NAME[family]} address` };
    return { set, symbolic: [] };
  }
  const info = ifaces.get(name);
  if (info) {
    if (!info.enabled) return { symbolic: [], skip: `interface ${name} is not enabled` };
    const set = inOwnFamily(info.networks, family);
    let dyn = dynamicIn(info.dynamic4, info.dynamic6, family) || info.isGroup;
    if (info.networks.isEmpty && !info.dynamic4 && !info.dynamic6) {
      // pfSense: the $IF__NETWORK macro needs an address, else "source address is empty" (skip).
      // OPNsense writes (if:network), which pf fills at run time (e.g. WireGuard devices).
      if (ctx.platform === 'pfsense') return { symbolic: [], skip: `interface ${name} has no address` };
      dyn = true;
    }
    // A subnet only in the other family: the rule is loaded but matches nothing in this family.
    return { set, symbolic: dyn ? [{ kind: 'dynamic', name }] : [] };
  }
  const members = ifaces.groupMembers(name);
  if (members) {
    let set = NO_ADDR;
    let dyn = false;
    for (const m of members) {
      const mi = ifaces.get(m);
      if (!mi) continue;
      set = set.union(mi.networks);
      dyn ||= dynamicIn(mi.dynamic4, mi.dynamic6, family);
    }
    set = inOwnFamily(set, family);
    if (set.isEmpty && !dyn) return { symbolic: [], skip: `interface group ${name} has no member with a subnet` };
    return { set, symbolic: dyn ? [{ kind: 'dynamic', name }] : [] };
  }
  if (ifaces.isSystemGroup(name)) return { set: NO_ADDR, symbolic: [{ kind: 'dynamic', name }] };
  if (ctx.platform === 'opnsense') return resolveAddressValue(env, name, family);
  return { symbolic: [], skip: `unknown network "${name}"` };
}

/** `<address>`: an IP, a CIDR or an alias name. Anything else is an unresolvable alias (rule skipped, A.1). */
export function resolveAddressValue(env: Env, value: string, family: Family): Resolved {
  const m = cacheOf(env, ADDRESS_KEY[family]);
  let r = m.get(value);
  if (!r) {
    r = addressValue(env, value, family);
    m.set(value, r);
  }
  return r;
}

function addressValue(env: Env, value: string, family: Family): Resolved {
  if (!value.includes('-')) {
    const spec = parseAddressSpec(value);
    // Cached per distinct value until the parse ends (one per host of a 100k-rule file): no list each.
    if (spec) return { set: inOwnFamily(spec, family), symbolic: NO_SYMBOLIC };
  }
  const alias = env.aliases.get(value);
  if (alias) {
    const r = env.aliases.resolveAddresses(value);
    if (r.set.isEmpty && r.symbolic.length === 0) {
      env.ctx.note(`alias ${value} resolves to no address: rules using it load but match nothing`);
    }
    return { set: inOwnFamily(r.set, family), symbolic: r.symbolic };
  }
  if (env.ctx.platform === 'opnsense') {
    // OPNsense MVC nets also accept interface names and (self); legacy <network> uses the same table.
    if (value === '(self)' || env.ifaces.get(value) || /^(wan|lan|opt\d+)ip$/.test(value))
      return resolveNetworkName(env, value, family);
  }
  return { symbolic: [], skip: `unresolvable alias "${value}"` };
}

function finish(
  env: Env,
  r: Resolved,
  negate: boolean,
  family: Family,
  field: 'src' | 'dst',
  locEl: XmlElement,
): Pick<Endpoint, 'set' | 'symbolic' | 'skip'> {
  if (r.skip) return { symbolic: [], skip: r.skip };
  let symbolic: SymbolicRef[] = [];
  if (r.symbolic.length > 0) {
    // Located only when there is something to locate (most endpoints are plain addresses).
    const loc = env.ctx.loc(locEl);
    symbolic = r.symbolic.map((s) =>
      negate ? { field, kind: s.kind, name: s.name, negated: true, loc } : { field, kind: s.kind, name: s.name, loc },
    );
  }
  const fam = familySet(family);
  let set = r.set;
  if (negate) {
    // `<not/>`: complement inside the rule's address family (ANY_V4 / ANY_V6 / both).
    const universe = fam ?? ANY_ADDR;
    set = universe.subtract(set ?? universe);
  } else {
    set ??= fam;
  }
  const out: Pick<Endpoint, 'set' | 'symbolic' | 'skip'> = { symbolic };
  if (set !== undefined && !set.isFull) out.set = set;
  return out;
}

/** `finish`'s result with the endpoint's text and port, fields in the same order as a spread would give. */
function withText(e: Pick<Endpoint, 'set' | 'symbolic' | 'skip'>, text: string, port: string): Endpoint {
  if (e.skip !== undefined) return { symbolic: e.symbolic, skip: e.skip, text, port };
  if (e.set !== undefined) return { symbolic: e.symbolic, set: e.set, text, port };
  return { symbolic: e.symbolic, text, port };
}

/** `<any/>` (or nothing, on OPNsense): every address of the family. */
function anyEndpoint(family: Family, port: string): Endpoint {
  const fam = familySet(family);
  return fam ? { symbolic: [], text: 'any', port, set: fam } : { symbolic: [], text: 'any', port };
}

const NOT_NET = /ip$|^\(self\)$/;

/**
 * `<source>` / `<destination>` of a legacy rule. pfSense: `<any/>` wins, then `<network>`, then
 * `<address>`; nothing at all = "source address is empty" and the rule is skipped. OPNsense
 * (legacyMoveAddressFields): `<network>`, then `<address>`, else any.
 */
export function resolveEndpoint(env: Env, el: XmlElement | undefined, field: 'src' | 'dst', family: Family): Endpoint {
  const { ctx } = env;
  if (!el) {
    if (ctx.platform === 'opnsense') return anyEndpoint(family, '');
    return { symbolic: [], skip: `${field === 'src' ? 'source' : 'destination'} address is empty`, text: '', port: '' };
  }
  const f = new Fields(el);
  const port = f.str('port');
  const negate = ctx.flag(f, 'not');
  const network = f.str('network');
  const address = f.str('address');
  if (ctx.platform === 'pfsense' && f.has('any')) return anyEndpoint(family, port);
  const bang = negate ? '!' : '';
  if (network !== '') {
    const r = resolveNetworkName(env, network, family);
    const text = `${bang}${network}${NOT_NET.test(network) ? '' : ' net'}`;
    return withText(finish(env, r, negate, family, field, f.get('network') ?? f.el), text, port);
  }
  if (address !== '') {
    const r = resolveAddressValue(env, address, family);
    return withText(finish(env, r, negate, family, field, f.get('address') ?? f.el), `${bang}${address}`, port);
  }
  if (ctx.platform === 'opnsense' || f.has('any')) return anyEndpoint(family, port);
  return { symbolic: [], skip: `${field === 'src' ? 'source' : 'destination'} address is empty`, text: '', port };
}

/** An OPNsense MVC `source_net`/`destination_net`: comma list; each entry is a separate pf rule, so the union. */
export function resolveNetList(
  env: Env,
  list: string,
  negate: boolean,
  family: Family,
  field: 'src' | 'dst',
  locEl: XmlElement,
  port: string,
): Endpoint {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const text = `${negate ? '!' : ''}${names.join(',') || 'any'}`;
  if (names.length === 0 || names.includes('any')) {
    // mapAddressInfo(): 'any' is never negated.
    const fam = familySet(family);
    const e: Endpoint = { symbolic: [], text: 'any', port };
    if (fam) e.set = fam;
    return e;
  }
  let set: AddrSet | undefined = NO_ADDR;
  const symbolic: SymbolicRef[] = [];
  for (const n of names) {
    const r = finish(env, resolveAddressValue(env, n, family), negate, family, field, locEl);
    if (r.skip) return { symbolic: [], skip: r.skip, text, port };
    set = r.set === undefined || set === undefined ? undefined : set.union(r.set);
    symbolic.push(...r.symbolic);
  }
  const e: Endpoint = { symbolic, text, port };
  if (set !== undefined) e.set = set;
  return e;
}
