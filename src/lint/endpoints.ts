import { formatAddrSet, parseAddressSpec, type AddrSet } from '../model/address.js';
import { UsageError } from '../model/errors.js';
import type { Interface, Policy } from '../model/policy.js';
import type { Notification } from '../model/report.js';
import type { Endpoints } from './context.js';

const VOICE_NAME = /voice|voip|phone|sip|tele|\btel\b|ip-?tel/i;

function ifaceLabel(i: Interface): string {
  return i.description && i.description !== i.name ? `${i.description} (${i.name})` : i.name;
}

export function findInterface(policy: Policy, name: string): Interface | undefined {
  const n = name.toLowerCase();
  return (
    policy.interfaces.find((i) => i.name.toLowerCase() === n) ??
    policy.interfaces.find((i) => i.description?.toLowerCase() === n || i.device?.toLowerCase() === n)
  );
}

/** `--phones` values: `10.20.0.0/24`, `opt1` / `VOICE` (interface name, description or device), or `10.20.0.0/24@opt1`. */
export function parsePhoneSpec(spec: string): { cidr?: AddrSet; iface?: string } {
  const at = spec.lastIndexOf('@');
  const left = at >= 0 ? spec.slice(0, at) : spec;
  const right = at >= 0 ? spec.slice(at + 1) : undefined;
  const cidr = parseAddressSpec(left);
  if (at >= 0) {
    if (!cidr || !right || !/^[\w.:\-/ ]+$/.test(right))
      throw new UsageError(`--phones '${spec}': expected CIDR@interface, e.g. 10.20.0.0/24@opt1`);
    return { cidr, iface: right };
  }
  if (cidr) return { cidr };
  if (/^[A-Za-z][\w.:\-]*$/.test(spec)) return { iface: spec };
  throw new UsageError(`--phones '${spec}': not a CIDR, an interface name, or CIDR@interface`);
}

/** Resolves the phone networks for one firewall: explicit specs, else voice-named interfaces, else all internal networks. */
export function resolvePhones(
  policy: Policy,
  specs: readonly string[],
  notify: (n: Notification) => void,
): Endpoints[] {
  if (specs.length > 0) return specs.map((s) => resolveSpec(policy, s));
  const named = policy.interfaces.filter(
    (i) =>
      i.role !== 'wan' &&
      i.enabled &&
      !i.networks.isEmpty &&
      VOICE_NAME.test(`${i.name} ${i.description ?? ''} ${i.device ?? ''}`),
  );
  if (named.length > 0) {
    notify({
      level: 'note',
      message: `${where(policy)}phones: using ${named.map((i) => `${ifaceLabel(i)} ${formatAddrSet(i.networks)}`).join(', ')}, detected by interface name; pass --phones to choose.`,
    });
    return named.map(toEndpoints);
  }
  const internal = internalEndpoints(policy);
  notify({
    level: 'note',
    message: internal.length
      ? `${where(policy)}phones: no --phones and no voice-named interface; treating every internal network as phones (${internal.map((e) => e.label).join(', ')}).`
      : `${where(policy)}phones: no --phones and no internal network with a static subnet; phone checks are skipped. Pass --phones CIDR@interface.`,
  });
  return internal;
}

function where(policy: Policy): string {
  return policy.name ? `${policy.file} [${policy.name}]: ` : `${policy.file}: `;
}

function toEndpoints(i: Interface): Endpoints {
  return { label: ifaceLabel(i), networks: i.networks, iface: i.name };
}

export function internalEndpoints(policy: Policy): Endpoints[] {
  return policy.interfaces.filter((i) => i.role !== 'wan' && i.enabled && !i.networks.isEmpty).map(toEndpoints);
}

function resolveSpec(policy: Policy, spec: string): Endpoints {
  const { cidr, iface } = parsePhoneSpec(spec);
  if (iface) {
    const i = findInterface(policy, iface);
    if (cidr)
      return { label: `${i ? ifaceLabel(i) : iface} ${formatAddrSet(cidr)}`, networks: cidr, iface: i?.name ?? iface };
    if (!i)
      throw new UsageError(
        `--phones '${spec}': ${policy.file} has no interface named '${iface}' (known: ${policy.interfaces.map(ifaceLabel).join(', ') || 'none'})`,
      );
    if (i.networks.isEmpty)
      throw new UsageError(
        `--phones '${spec}': interface ${ifaceLabel(i)} has no static subnet in ${policy.file}; give CIDR@${i.name}`,
      );
    return toEndpoints(i);
  }
  const holders = policy.interfaces.filter((i) => i.role !== 'wan' && i.networks.overlaps(cidr!));
  if (holders.length !== 1)
    throw new UsageError(
      `--phones '${spec}': ${holders.length ? 'several interfaces hold' : 'no interface holds'} this network in ${policy.file}; give CIDR@interface`,
    );
  return { label: `${ifaceLabel(holders[0]!)} ${formatAddrSet(cidr!)}`, networks: cidr!, iface: holders[0]!.name };
}

/** WAN interfaces: --wan values, else the interfaces the parser marked as WAN. */
export function resolveWan(policy: Policy, names: readonly string[], notify: (n: Notification) => void): string[] {
  if (names.length > 0) {
    return names.map((n) => {
      const i = findInterface(policy, n);
      // Rulesets (nftables) name only the interfaces their rules mention: an unknown name is
      // taken as given, without addresses, and said so.
      if (!i)
        notify({
          level: 'warning',
          message: `${where(policy)}--wan '${n}' is not an interface this configuration names (known: ${policy.interfaces.map(ifaceLabel).join(', ') || 'none'}); checks of its address are skipped.`,
        });
      return i?.name ?? n;
    });
  }
  const wan = policy.interfaces.filter((i) => i.role === 'wan' && i.enabled).map((i) => i.name);
  if (wan.length === 0)
    notify({
      level: 'warning',
      message: `${where(policy)}no WAN interface identified; Internet-bound checks are skipped. Pass --wan <interface>.`,
    });
  return wan;
}
