import { NO_ADDR, addrSet, parseAddress, unknownOwnAddress } from '../model/address.js';
import type { WanHint } from '../model/inventory.js';
import type { Interface, Policy } from '../model/policy.js';
import type { Notification } from '../model/report.js';
import {
  evidence,
  findInterface,
  ifaceLabel,
  matchingPatterns,
  namesOnlyRuleInterfaces,
  patternNote,
} from './evidence.js';
import { UNNAMED_INTERFACES, interfaceList, noInterface } from './spec.js';
import type { Evidence, SiteNetwork } from './types.js';

/** Names and descriptions of uplinks: wan, wan2, uplink, internet, isp. */
const UPLINK = /(^|[^a-z])(wan\d*|uplink|internet|isp)([^a-z]|$)/i;
/** pfSense/OPNsense's LAN assignments: lan (and OPNsense's lan2... when renamed so). */
const LAN = /^lan\d*$/i;

/**
 * nftables: the interface a `--wan` names that the ruleset never does (rulesets name only the
 * interfaces their rules use). Its address is unknown to the ruleset but is the firewall's own, so
 * the unknown own address stands for it (model/address.ts unknownOwnAddress; `fib daddr type local`
 * matches it too): a ping to it meets the input chain as a ping to any WAN address does, and a
 * redirect of what arrives on it goes to the firewall itself. Added to the policy's interfaces once;
 * its role stays unknown, so only the flag makes it this run's WAN (a run without it detects none).
 */
function unnamedInterface(p: Policy, name: string): Interface {
  const had = p.interfaces.find((i) => i.name === name && UNNAMED_INTERFACES.has(i));
  if (had) return had;
  const i: Interface = {
    name,
    device: name,
    role: 'unknown',
    networks: NO_ADDR,
    addresses: unknownOwnAddress(false),
    enabled: true,
    loc: p.root,
  };
  UNNAMED_INTERFACES.add(i);
  p.interfaces.push(i);
  return i;
}

/** The interface a hint names, or the one whose subnet holds its gateway. */
function hintInterface(p: Policy, h: WanHint): string | undefined {
  if (h.iface) return findInterface(p, h.iface)?.name ?? h.iface;
  const a = h.gateway ? parseAddress(h.gateway) : undefined;
  if (a === undefined) return undefined;
  const one = addrSet([[a, a]]);
  return p.interfaces.find((i) => i.networks.overlaps(one))?.name;
}

function hintEvidence(p: Policy, h: WanHint, iface: string): Evidence {
  const why = h.gateway && !h.iface ? `${h.reason}, which ${iface}'s subnet holds` : h.reason;
  return evidence('route', p.file, h.loc.line, `${why} (line ${h.loc.line})`);
}

/**
 * WAN interfaces with evidence: --wan values, else the interfaces the parser gave the WAN role, else
 * the uplink hints of the inventory (default routes and their gateways, PPPoE/DHCP clients, an
 * interface list named WAN, pfSense gateways, FortiGate `role wan` and SD-WAN members).
 */
export function resolveSiteWan(
  p: Policy,
  flags: readonly string[],
  notify: (n: Notification) => void,
  where: string,
  multi = false,
): SiteNetwork[] {
  const hints = p.inventory?.wan ?? [];
  const make = (name: string, source: SiteNetwork['source'], ev: Evidence[]): SiteNetwork => {
    const i = p.interfaces.find((x) => x.name === name);
    return {
      label: i ? ifaceLabel(i) : name,
      networks: i?.addresses ?? addrSet([]),
      iface: name,
      source,
      evidence: ev,
    };
  };
  if (flags.length > 0)
    return flags.map((n) => {
      const i = findInterface(p, n);
      // nftables: a WAN the rules name only through a pattern (`oifname "ppp*"`) is that pattern's.
      const patterns = i ? [] : matchingPatterns(p, n);
      const [rep] = patterns;
      if (rep) {
        notify({ level: 'note', message: `${where}${patternNote('--wan', n, n, patterns)}` });
        return { ...make(rep.name, 'flag', [evidence('flag', p.file, 0, `--wan ${n}`)]), label: n };
      }
      // A configuration that declares its interfaces and has none of this name: a typo, not a WAN.
      // Rulesets (nftables) name only the interfaces their rules mention, and a file of several
      // firewalls (VDOMs) holds the others' interfaces: there an unknown name is taken as given.
      if (!i && !multi && !namesOnlyRuleInterfaces(p)) throw noInterface('--wan', n, n, p.file, interfaceList(p));
      const unnamed = i ? UNNAMED_INTERFACES.has(i) : namesOnlyRuleInterfaces(p);
      if (unnamed) {
        notify({
          level: 'warning',
          message:
            `${where}--wan '${n}' is not an interface this configuration names (known: ${interfaceList(p)}): ` +
            'only the rules that name no interface, or exclude others, apply to it, and a placeholder stands ' +
            "for its address (the firewall's own, unknown to the ruleset).",
        });
        return make(unnamedInterface(p, n).name, 'flag', [evidence('flag', p.file, 0, `--wan ${n}`)]);
      }
      if (!i)
        notify({
          level: 'warning',
          message:
            `${where}--wan '${n}' is not an interface this configuration names (known: ${interfaceList(p)}); ` +
            'checks of its address are skipped.',
        });
      return make(i?.name ?? n, 'flag', [evidence('flag', p.file, 0, `--wan ${n}`)]);
    });
  const byIface = new Map<string, Evidence[]>();
  for (const h of hints) {
    const name = hintInterface(p, h);
    if (!name) continue;
    const list = byIface.get(name) ?? [];
    list.push(hintEvidence(p, h, name));
    byIface.set(name, list);
  }
  const uplinks = p.interfaces.filter((i) => i.role === 'wan' && i.enabled);
  // pfSense gives every DHCP/PPPoE client interface the WAN role (its own rule generation treats them
  // alike); its `lan` assignment beside one named as the uplink is a LAN that takes its address by DHCP.
  // Only pfSense/OPNsense: there `lan` is the logical LAN; on a FortiGate `lan2` is a port name, often an uplink.
  const pf = p.vendor === 'pfsense' || p.vendor === 'opnsense';
  const namedUplink = pf && uplinks.some((i) => UPLINK.test(`${i.name} ${i.description ?? ''}`));
  const lanNamed = (i: (typeof uplinks)[number]) =>
    namedUplink && LAN.test(i.name) && !UPLINK.test(`${i.name} ${i.description ?? ''}`);
  for (const i of uplinks.filter(lanNamed))
    notify({
      level: 'note',
      message:
        `${where}interface ${ifaceLabel(i)} (line ${i.loc.line}) is a DHCP or PPPoE client but named as a LAN: ` +
        `not taken as a WAN; pass --wan with both if it is an uplink.`,
    });
  const roles = uplinks.filter((i) => !lanNamed(i));
  if (roles.length)
    return roles.map((i) =>
      make(
        i.name,
        'detected',
        byIface.get(i.name) ?? [
          evidence('route', p.file, i.loc.line, `interface ${ifaceLabel(i)} is the uplink (line ${i.loc.line})`),
        ],
      ),
    );
  const fromHints = [...byIface.entries()].filter(
    ([name]) =>
      findInterface(p, name)?.role !== 'lan' || byIface.get(name)?.some((e) => e.reason.includes('default route')),
  );
  if (fromHints.length) return fromHints.map(([name, ev]) => make(name, 'detected', ev));
  // Last resort: an interface whose name or description says it is the uplink.
  const named = p.interfaces.filter((i) => i.enabled && UPLINK.test(`${i.name} ${i.description ?? ''}`));
  if (named.length)
    return named.map((i) =>
      make(i.name, 'detected', [
        evidence(
          'interface-name',
          p.file,
          i.loc.line,
          `interface ${ifaceLabel(i)} is named as the uplink (line ${i.loc.line})`,
        ),
      ]),
    );
  notify({
    level: 'warning',
    message: `${where}no WAN interface identified; Internet-bound checks are skipped. Pass --wan <interface>.`,
  });
  return [];
}
