import { NO_ADDR, formatAddrSet, parseAddressSpec, type AddrSet } from '../model/address.js';
import { UsageError } from '../model/errors.js';
import type { Policy } from '../model/policy.js';
import type { Profile } from '../model/profile.js';
import type { Notification } from '../model/report.js';
import { group, pbxCandidates, phoneCandidates, strongest } from './detect.js';
import {
  ANY_NON_WAN,
  LOOPBACK,
  evidence,
  excludedAddresses,
  ifaceLabel,
  internalInterfaces,
  ownAddresses,
} from './evidence.js';
import { describeRole, describeWan, type Removed } from './describe.js';
import { resolveSpec } from './spec.js';
import type { Site, SiteNetwork } from './types.js';
import { objectWords } from './object-words.js';
import { infraWord, pbxWord, pcWord, phoneWord } from './vocabulary.js';
import { resolveSiteWan } from './wan.js';

export interface SiteOptions {
  phones: readonly string[];
  pcs?: readonly string[];
  pbx?: string;
  /** `NAME=SPEC` values of --server. */
  servers?: readonly string[];
  wan: readonly string[];
  /** The file holds several firewalls (FortiGate VDOMs): a flag value another one holds is no error here. */
  multi?: boolean;
  /** The file's other firewalls that hold the phones (src/lint/run.ts phoneHolders): said instead of "not found". */
  phonesElsewhere?: readonly string[];
}

/** `--phones all-internal`: every internal network is taken as phones (fwlint's behaviour before site detection). */
export const ALL_INTERNAL = 'all-internal';

function where(p: Policy): string {
  return p.name ? `${p.file} [${p.name}]: ` : `${p.file}: `;
}

/** Every address a profile names for its provider: what "rules to the provider" means for detection. */
function providerNetworks(profiles: readonly Profile[]): AddrSet {
  let acc = NO_ADDR;
  for (const pr of profiles)
    for (const n of Object.values(pr.networks))
      for (const c of n.cidrs) acc = acc.union(parseAddressSpec(c) ?? NO_ADDR);
  return acc;
}

/** The site of one firewall: roles from flags, else detected with evidence (docs/site-detection.md). */
export function resolveSite(
  p: Policy,
  profiles: readonly Profile[],
  opts: SiteOptions,
  notify: (n: Notification) => void,
): Site {
  const w = where(p);
  const wan = resolveSiteWan(p, opts.wan, notify, w, opts.multi === true);
  const wanNames = wan.map((x) => x.iface);
  // Loopback and the WAN subnets never hold clients; the firewall's own addresses stay inside the
  // networks (messages show them as written) and are taken out of every flow (src/lint/flows.ts).
  const own = ownAddresses(p);
  const excluded = excludedAddresses(p, wanNames).subtract(own).union(LOOPBACK);
  const setAside: string[] = [];
  const notes: string[] = [];
  const fromFlags = (flag: string, specs: readonly string[]): SiteNetwork[] =>
    specs.flatMap((s) => {
      const r = resolveSpec(p, wanNames, flag, s, opts.multi === true);
      if ('absent' in r) {
        notes.push(r.absent);
        return [];
      }
      if (r.note) notes.push(r.note);
      return r.networks;
    });
  const clientsOnly = (nets: SiteNetwork[]): SiteNetwork[] => nets.filter((n) => !n.networks.subtract(own).isEmpty);
  // An address that is the PBX is never a phone nor a PC, however the network holding it was given:
  // taken out once here, so no rule sees it as a client (FWL004 and FWL010 no forward to a "phone").
  const withoutPbx = (nets: SiteNetwork[], pbxOf: (n: SiteNetwork) => AddrSet): SiteNetwork[] =>
    nets.flatMap((n) => {
      const pbxAddrs = pbxOf(n);
      if (!n.networks.overlaps(pbxAddrs)) return [n];
      const networks = n.networks.subtract(pbxAddrs);
      return networks.isEmpty ? [] : [{ ...n, networks, written: n.written ?? n.networks }];
    });

  // PBX.
  let pbx: SiteNetwork[];
  if (opts.pbx) {
    try {
      pbx = fromFlags('--pbx', [opts.pbx]);
    } catch (e) {
      // An address of a PBX outside this firewall's subnets (hosted, behind a router) is still an address.
      if (!(e instanceof UsageError) || !parseAddressSpec(opts.pbx)) throw e;
      pbx = [];
      notes.push(
        `PBX: ${opts.pbx}, given with --pbx ${opts.pbx}, is on no interface of this firewall: it is taken to be ` +
          'reached through the WAN (the default route), as a hosted PBX is, so flows between it and the phones ' +
          "are checked as traffic to and from the Internet, and the PBX's own requirements (audience pbx) are " +
          'not checked here',
      );
    }
  } else pbx = group(p, wanNames, LOOPBACK, pbxCandidates(p), setAside);

  const pbxAddrs = pbx.reduce((acc, n) => acc.union(n.networks), NO_ADDR);
  // Taken out of the networks --phones and --pcs give when --pbx gives the PBX too (both the user's
  // word). A PBX only detected is taken out only where it is a part of such a network (an address
  // object "PBX" for one host of the phone VLAN); one that is all of it (an interface named "pbx" is a
  // whole subnet) does not overrule the flag.
  const flaggedPbx = (n: SiteNetwork): AddrSet =>
    opts.pbx
      ? pbxAddrs
      : pbx
          .filter((x) => x.networks.isSubsetOf(n.networks) && !n.networks.isSubsetOf(x.networks))
          .reduce((acc, x) => acc.union(x.networks), NO_ADDR);

  // Phones.
  let phones: SiteNetwork[];
  if (opts.phones.includes(ALL_INTERNAL)) {
    phones = internalInterfaces(p, wanNames).map((i) => ({
      label: ifaceLabel(i),
      networks: i.networks,
      iface: i.name,
      source: 'assumed' as const,
      evidence: [evidence('flag', p.file, 0, `--phones ${ALL_INTERNAL}: every internal network`)],
    }));
    phones = clientsOnly(withoutPbx(phones, flaggedPbx));
  } else if (opts.phones.length) phones = clientsOnly(withoutPbx(fromFlags('--phones', opts.phones), flaggedPbx));
  else
    phones = strongest(
      group(
        p,
        wanNames,
        excluded.union(pbxAddrs),
        phoneCandidates(p, providerNetworks(profiles), setAside),
        setAside,
        own,
      ),
    );

  // PCs.
  const pcs = opts.pcs?.length
    ? clientsOnly(withoutPbx(fromFlags('--pcs', opts.pcs), flaggedPbx))
    : detectPcs(p, wanNames, phones, excluded, pbx);

  // Named servers.
  const servers: Record<string, SiteNetwork[]> = {};
  for (const v of opts.servers ?? []) {
    const eq = v.indexOf('=');
    const name = eq > 0 ? v.slice(0, eq).trim().toLowerCase() : '';
    if (!name || eq === v.length - 1) throw new UsageError(`--server '${v}': expected NAME=SPEC, e.g. sam=10.1.0.5`);
    const spec = v.slice(eq + 1).trim();
    const nets = fromFlags(`--server ${name}=`, [spec]);
    servers[name] = [...(servers[name] ?? []), ...nets];
  }
  for (const name of serverNames(profiles)) {
    if (servers[name]) continue;
    const o = (p.inventory?.objects ?? []).find((x) => x.name.toLowerCase() === name);
    if (!o || o.addresses.isEmpty) continue;
    const nets = group(
      p,
      wanNames,
      own,
      [
        {
          networks: o.addresses,
          evidence: evidence(
            'object',
            p.file,
            o.loc.line,
            `${o.kind.replace('-', ' ')} ${o.name} (line ${o.loc.line})`,
          ),
        },
      ],
      setAside,
    );
    if (nets.length) servers[name] = nets;
  }

  const site: Site = { file: p.file, phones, pcs, pbx, servers, wan, notes: [...notes, ...setAside] };
  if (p.name) site.firewall = p.name;
  // Why addresses are missing from a network as written: the first of these that holds them.
  const removed: Removed[] = [
    { why: 'loopback', addresses: LOOPBACK },
    { why: 'the PBX', addresses: pbxAddrs },
    { why: "the firewall's own", addresses: own },
    { why: 'the WAN', addresses: excludedAddresses(p, wanNames).subtract(own) },
  ];
  report(site, w, opts, removed, notify, (p.wanNotes?.length ?? 0) > 0);
  return site;
}

const serverNamesOf = new WeakMap<Profile, readonly string[]>();

/** The server names the profiles' flows use, in order (each profile's list made once per run). */
function serverNames(profiles: readonly Profile[]): Set<string> {
  const out = new Set<string>();
  for (const pr of profiles) {
    let names = serverNamesOf.get(pr);
    if (!names) {
      names = pr.flows.flatMap((f) => [...(f.remote.servers ?? []), ...(f.local?.servers ?? [])]);
      serverNamesOf.set(pr, names);
    }
    for (const s of names) out.add(s);
  }
  return out;
}

/**
 * PCs: internal networks named for PCs/offices, else (assumed) every internal network that is not
 * phones, management, guests, DMZ, VPN or the PBX's. The PBX's own addresses are never PCs, and an
 * interface named for the PBX (vlan30-pbx) holds no PCs.
 */
function detectPcs(
  p: Policy,
  wan: readonly string[],
  phones: readonly SiteNetwork[],
  excluded: AddrSet,
  pbx: readonly SiteNetwork[],
): SiteNetwork[] {
  const phoneNets = phones.reduce((a, x) => a.union(x.networks), NO_ADDR);
  const pbxNets = pbx.reduce((a, x) => a.union(x.networks), NO_ADDR);
  // Networks an object names as management, guests, DMZ or VPN (a MGMT address list) are not PCs either.
  const infraNets = objectWords(p.inventory?.objects ?? []).infra.reduce((a, o) => a.union(o.addresses), NO_ADDR);
  const pool = internalInterfaces(p, wan).filter((i) => {
    const text = `${i.name} ${i.description ?? ''} ${i.device ?? ''}`;
    if (phoneWord(text) || infraWord(text) || i.networks.isSubsetOf(infraNets)) return false;
    if (pbxWord(`${i.name} ${i.description ?? ''}`)) return false;
    return !i.networks.subtract(phoneNets).subtract(excluded).subtract(pbxNets).isEmpty;
  });
  const named = pool.filter((i) => pcWord(`${i.name} ${i.description ?? ''}`));
  const chosen = named.length ? named : pool;
  return chosen.map((i) => {
    // Shown as written without the PBX ("internal (without the PBX 192.168.1.10)"), as the phones are.
    const written = i.networks.subtract(phoneNets).subtract(excluded);
    const networks = written.subtract(pbxNets);
    return {
      label: written.equals(i.networks) ? ifaceLabel(i) : `${ifaceLabel(i)} ${formatAddrSet(written)}`,
      networks,
      ...(networks.equals(written) ? {} : { written }),
      iface: i.name,
      source: named.length ? ('detected' as const) : ('assumed' as const),
      evidence: [
        evidence(
          'interface-name',
          p.file,
          i.loc.line,
          named.length
            ? `interface ${ifaceLabel(i)} named for PCs (line ${i.loc.line})`
            : `internal network ${ifaceLabel(i)} not named for phones, management, guests, DMZ, VPN or the PBX (line ${i.loc.line})`,
        ),
      ],
    };
  });
}

const UNPLACED =
  'fwlint does not know which interface they arrive on, so a rule for one interface covers them only in part: ' +
  'name it with --phones CIDR@interface';
const FLAGS_MISS = 'the --phones values name no enabled network of this firewall';
/** An nftables ruleset knows a subnet only where a rule pairs it with an interface. */
const ALL_INTERNAL_MISS = `--phones ${ALL_INTERNAL} found no internal interface with a known subnet`;
const NO_EVIDENCE =
  'no --phones and no evidence of a phone network (DHCP provisioning options 66/150/160, objects, interfaces or VLANs named for phones)';

/** Notes that say what the site is and why: the winning evidence of each role. */
function report(
  site: Site,
  w: string,
  opts: SiteOptions,
  removed: readonly Removed[],
  notify: (n: Notification) => void,
  parserNamedWan = false,
): void {
  if (site.phones.length) {
    // A rule naming one interface covers such phones only in part: say how to name theirs.
    const unplaced = site.phones.some((n) => n.iface === ANY_NON_WAN) ? `; ${UNPLACED}` : '';
    notify({ level: 'note', message: `${w}${describeRole('phones', site.phones, removed)}${unplaced}` });
  } else if (opts.phonesElsewhere?.length) {
    const on = opts.phonesElsewhere.map((n) => `[${n}]`).join(', ');
    notify({ level: 'note', message: `${w}no phones on this firewall: they are on ${on}, where they are checked.` });
  } else {
    const all = opts.phones.includes(ALL_INTERNAL);
    const why = all ? ALL_INTERNAL_MISS : opts.phones.length ? FLAGS_MISS : NO_EVIDENCE;
    const pass = all
      ? 'Pass --phones CIDR@interface.'
      : `Pass --phones CIDR|interface|object, or --phones ${ALL_INTERNAL}.`;
    notify({ level: 'note', message: `${w}phones not found: ${why}; phone requirements are not checked. ${pass}` });
  }
  // A detected WAN is a guess the Internet-bound verdicts rest on: say it (one given with --wan is known,
  // and the RouterOS and nftables parsers already say which they took and why).
  const detected = site.wan.filter((n) => n.source !== 'flag');
  if (detected.length && !parserNamedWan) notify({ level: 'note', message: `${w}${describeWan(detected)}` });
  if (site.pbx.length) notify({ level: 'note', message: `${w}${describeRole('PBX', site.pbx, removed)}` });
  for (const [name, nets] of Object.entries(site.servers))
    if (nets.length) notify({ level: 'note', message: `${w}${describeRole(`server ${name}`, nets, removed)}` });
  for (const n of site.notes) notify({ level: 'note', message: `${w}${n}` });
}
