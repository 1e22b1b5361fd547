import { formatAddrSet, parseAddressSpec, type AddrSet } from '../model/address.js';
import { UsageError } from '../model/errors.js';
import type { Policy } from '../model/policy.js';
import type { Interface } from '../model/policy.js';
import {
  ANY_NON_WAN,
  evidence,
  findInterface,
  holders,
  ifaceLabel,
  matchingPatterns,
  namesOnlyRuleInterfaces,
  patternNote,
} from './evidence.js';
import type { SiteNetwork } from './types.js';

/** A parsed `--phones`/`--pcs`/`--pbx`/`--server` value: a CIDR and/or a name (interface or object). */
export interface Spec {
  cidr?: AddrSet;
  name?: string;
  iface?: string;
}

/** `10.20.0.0/24`, `10.20.0.0/24@opt1`, `opt1`, `VOICE`, `PHONEVLAN` (an alias, address list or group). */
export function parseSpec(flag: string, spec: string): Spec {
  const at = spec.lastIndexOf('@');
  const left = at >= 0 ? spec.slice(0, at) : spec;
  const right = at >= 0 ? spec.slice(at + 1) : undefined;
  const cidr = parseAddressSpec(left);
  if (at >= 0) {
    if (!right || !/^[\w.:/ -]+$/.test(right) || (!cidr && !/^[\w.:-]+$/.test(left)))
      throw new UsageError(`${flag} '${spec}': expected CIDR@interface, e.g. 10.20.0.0/24@opt1`);
    return cidr ? { cidr, iface: right } : { name: left, iface: right };
  }
  if (cidr) return { cidr };
  if (/^[\p{L}_][\p{L}\w.:-]*$/u.test(spec)) return { name: spec };
  throw new UsageError(`${flag} '${spec}': not a CIDR, CIDR@interface, an interface or the name of an address object`);
}

/**
 * What a flag value resolves to on one firewall: networks (with a note when the configuration does
 * not name their interface), or why this firewall (VDOM) has none.
 */
export type Resolved = { networks: SiteNetwork[]; note?: string } | { absent: string };

/** The interfaces of a configuration, for a message that lists the candidates. */
/**
 * Interfaces fwlint added to a policy for a --wan the configuration never names (site/wan.ts): not
 * the configuration's, so never listed as the interfaces it names.
 */
export const UNNAMED_INTERFACES = new WeakSet<Interface>();

export function interfaceList(p: Policy): string {
  const names = p.interfaces.filter((i) => !UNNAMED_INTERFACES.has(i)).map(ifaceLabel);
  const shown = names.slice(0, 25).join(', ');
  return names.length ? `${shown}${names.length > 25 ? `, … (${names.length - 25} more)` : ''}` : 'none';
}

/** The one line for a flag value that names an interface `file` does not have, with the ones it has. */
export function noInterface(flag: string, value: string, name: string, file: string, interfaces: string): UsageError {
  return new UsageError(
    `${flag} '${value}': no interface named '${name}' in ${file} (interfaces: ${interfaces})`,
    file,
  );
}

function unnamedNote(p: Policy, flag: string, spec: string, iface: string): string {
  return (
    `${flag} ${spec}: no rule names interface ${iface} (the rules name: ${interfaceList(p)}), ` +
    'so only rules without an interface apply to it; check the name if that is not meant'
  );
}

/**
 * A flag value on an interface the configuration disables: nothing passes it, so the role's
 * requirements cannot be judged there (the interface is down, not its rules at fault).
 */
function disabledNote(flag: string, spec: string, i: Interface): string {
  return (
    `${flag} ${spec}: interface ${ifaceLabel(i)} is disabled (line ${String(i.loc.line)}), ` +
    'so no traffic passes it and nothing is checked for it; enable it, or name the interface the hosts are on'
  );
}

/** The disabled interfaces whose subnets hold part of `addrs` (for the note when no enabled one does). */
function disabledHolders(p: Policy, addrs: AddrSet): Interface[] {
  return p.interfaces.filter((i) => !i.enabled && i.networks.overlaps(addrs));
}

function candidates(p: Policy): string {
  const names = [...p.interfaces.map(ifaceLabel), ...(p.inventory?.objects ?? []).map((o) => o.name)];
  const shown = names.slice(0, 25).join(', ');
  return names.length ? `${shown}${names.length > 25 ? `, … (${names.length - 25} more)` : ''}` : 'none';
}

function flagged(label: string, networks: AddrSet, iface: string, flag: string, spec: string, p: Policy): SiteNetwork {
  return {
    label: `${label} ${formatAddrSet(networks)}`.trim(),
    networks,
    iface,
    source: 'flag' as const,
    evidence: [evidence('flag', p.file, 0, `${flag} ${spec}`)],
  };
}

/** Networks on the interfaces that hold `addrs`; nftables: any non-WAN interface when no rule names one. */
function onHolders(p: Policy, wan: readonly string[], addrs: AddrSet, flag: string, spec: string): SiteNetwork[] {
  const hs = holders(p, wan, addrs);
  if (hs.length) return hs.map((i) => flagged(ifaceLabel(i), addrs, i.name, flag, spec, p));
  // The label is the network alone: "from 10.20.0.0/24" reads well where the interface is unknown.
  return namesOnlyRuleInterfaces(p) ? [flagged('', addrs, ANY_NON_WAN, flag, spec, p)] : [];
}

/**
 * Resolves one flag value on one firewall. `multi`: the file holds several firewalls (VDOMs), so a
 * value another VDOM holds is not an error here: this firewall simply has none (issue 11 item 5).
 */
export function resolveSpec(p: Policy, wan: readonly string[], flag: string, spec: string, multi: boolean): Resolved {
  const s = parseSpec(flag, spec);
  const here = p.name ? `${p.file} [${p.name}]` : p.file;
  if (s.iface !== undefined) {
    const i = findInterface(p, s.iface);
    if (!i && multi) return { absent: `${flag} ${spec}: interface ${s.iface} is not in ${here}` };
    if (!i && !namesOnlyRuleInterfaces(p)) throw noInterface(flag, spec, s.iface, p.file, interfaceList(p));
    if (i && !i.enabled) return { absent: disabledNote(flag, spec, i) };
    const addrs = s.cidr ?? objectAddresses(p, s.name ?? '', flag, spec);
    // nftables: an interface the rules name only through a pattern (`iifname "vlan*"`) is that pattern's.
    const patterns = i ? [] : matchingPatterns(p, s.iface);
    const [rep] = patterns;
    if (rep)
      return {
        networks: [flagged(s.iface, addrs, rep.name, flag, spec, p)],
        note: patternNote(flag, spec, s.iface, patterns),
      };
    const nets = [flagged(i ? ifaceLabel(i) : s.iface, addrs, i?.name ?? s.iface, flag, spec, p)];
    return i ? { networks: nets } : { networks: nets, note: unnamedNote(p, flag, spec, s.iface) };
  }
  if (s.cidr) {
    const nets = onHolders(p, wan, s.cidr, flag, spec);
    if (nets.length) return { networks: nets };
    const off = disabledHolders(p, s.cidr)[0];
    if (off) return { absent: disabledNote(flag, spec, off) };
    if (multi) return { absent: `${flag} ${spec}: no interface of ${here} holds this network` };
    throw new UsageError(
      `${flag} '${spec}': no interface holds this network in ${p.file}; give CIDR@interface`,
      p.file,
    );
  }
  const name = s.name ?? '';
  const i = findInterface(p, name);
  if (i) {
    if (!i.enabled) return { absent: disabledNote(flag, spec, i) };
    if (i.networks.isEmpty)
      throw new UsageError(
        `${flag} '${spec}': interface ${ifaceLabel(i)} has no static subnet in ${p.file}; give CIDR@${i.name}`,
        p.file,
      );
    return { networks: [flagged(ifaceLabel(i), i.networks, i.name, flag, spec, p)] };
  }
  const o = findObject(p, name);
  if (!o) {
    if (multi) return { absent: `${flag} ${spec}: no interface or address object of ${here} is named ${name}` };
    throw new UsageError(
      `${flag} '${spec}': no interface or address object named '${name}' in ${p.file} (candidates: ${candidates(p)})`,
      p.file,
    );
  }
  const nets = onHolders(p, wan, o.addresses, flag, spec);
  if (nets.length) return { networks: nets };
  const off = disabledHolders(p, o.addresses)[0];
  if (off) return { absent: disabledNote(flag, spec, off) };
  if (multi) return { absent: `${flag} ${spec}: the addresses of ${name} are on no interface of ${here}` };
  throw new UsageError(
    `${flag} '${spec}': the addresses of ${name} (${formatAddrSet(o.addresses)}) are on no interface of ${p.file}; give ${name}@interface`,
    p.file,
  );
}

function findObject(p: Policy, name: string) {
  const objs = p.inventory?.objects ?? [];
  return objs.find((o) => o.name === name) ?? objs.find((o) => o.name.toLowerCase() === name.toLowerCase());
}

function objectAddresses(p: Policy, name: string, flag: string, spec: string): AddrSet {
  const o = findObject(p, name);
  if (!o)
    throw new UsageError(
      `${flag} '${spec}': no address object named '${name}' in ${p.file} (candidates: ${candidates(p)})`,
      p.file,
    );
  return o.addresses;
}
