import { NO_ADDR, formatAddrSet, type AddrSet } from '../model/address.js';
import type { DhcpServer } from '../model/inventory.js';
import type { Policy } from '../model/policy.js';
import { PROTO } from '../model/ports.js';
import { ANY_NON_WAN, evidence, holders, ifaceLabel, internalPart, namesOnlyRuleInterfaces } from './evidence.js';
import { RANK, byRank, rankOf } from './rank.js';
import type { Evidence, SiteNetwork } from './types.js';
import { objectWords } from './object-words.js';
import { notPhoneWord, pbxWord, phoneWord } from './vocabulary.js';

/** One piece of evidence that `networks` (behind `iface`, when known) hold a role. */
export interface Candidate {
  networks: AddrSet;
  written?: AddrSet;
  iface?: string;
  evidence: Evidence;
}

export interface Detection {
  found: SiteNetwork[];
  /** Candidates set aside, with why (guest and charging networks, public addresses, loopback, WAN). */
  setAside: string[];
}

/** DHCP options that point phones at provisioning: 66 (TFTP server name), 150 (Cisco TFTP), 160 (Polycom). */
const PROVISIONING = new Set([66, 150, 160]);

function dhcpEvidence(p: Policy, d: DhcpServer): Evidence[] {
  const out: Evidence[] = [];
  const server = d.name.startsWith('DHCP') ? d.name : `DHCP server "${d.name}"`;
  const where = `${server}${d.iface && !d.name.includes(d.iface) ? ` on ${d.iface}` : ''}`;
  const codes = new Set(d.options.map((o) => o.code));
  // Option 66 with a boot file (67) is network boot (PXE), not phone provisioning.
  const prov = d.options.filter((o) => PROVISIONING.has(o.code) && !(o.code === 66 && codes.has(67)));
  const named = [d.name, d.description ?? '', ...d.optionSets, ...d.options.map((o) => o.name ?? '')].join(' ');
  const word = phoneWord(named);
  const not = notPhoneWord(named);
  if (codes.has(43) && word && !not) prov.push(...d.options.filter((o) => o.code === 43));
  if (prov.length) {
    const first = prov[0];
    const list = [...new Set(prov.map((o) => o.code))].join('/');
    out.push(
      evidence(
        'dhcp-option',
        p.file,
        first?.loc.line ?? d.loc.line,
        `${where} hands out option ${list} (phone provisioning, line ${first?.loc.line ?? d.loc.line})`,
      ),
    );
  }
  if (word && !not) {
    const sets = d.optionSets.length ? ` with option set ${d.optionSets.join(', ')}` : '';
    out.push(evidence('dhcp-name', p.file, d.loc.line, `${where}${sets} (line ${d.loc.line})`));
  }
  return out;
}

/** Every piece of evidence for phones in the model: DHCP, named objects, interface names, rules to the provider. */
export function phoneCandidates(p: Policy, provider: AddrSet, setAside: string[]): Candidate[] {
  const out: Candidate[] = [];
  const inv = p.inventory;
  for (const d of inv?.dhcp ?? []) {
    if (!d.network || d.network.isEmpty) continue;
    for (const ev of dhcpEvidence(p, d)) out.push({ networks: d.network, iface: d.iface, evidence: ev });
  }
  for (const o of inv?.objects ?? []) {
    const text = `${o.name} ${o.description ?? ''}`;
    const word = phoneWord(text);
    if (!word || pbxWord(o.name)) continue;
    const kind = {
      alias: 'alias',
      'address-list': 'address list',
      address: 'address',
      'address-group': 'address group',
      set: 'set',
      define: 'define',
    }[o.kind];
    const not = notPhoneWord(text);
    if (not) {
      setAside.push(
        `${kind} ${o.name} (line ${o.loc.line}) is named like phones but "${not}" says it is not a phone network`,
      );
      continue;
    }
    const nets = internalPart(o.addresses);
    // Only public addresses: a provider's network (VOIP_PROVIDERS), not phones.
    if (nets.isEmpty) continue;
    out.push({
      networks: nets,
      evidence: evidence('object', p.file, o.loc.line, `${kind} ${o.name} (line ${o.loc.line})`),
    });
  }
  for (const i of p.interfaces) {
    const text = `${i.name} ${i.description ?? ''} ${i.device ?? ''}`;
    const word = phoneWord(text);
    if (!word || i.networks.isEmpty) continue;
    const not = notPhoneWord(text);
    if (not) {
      setAside.push(`interface ${ifaceLabel(i)} is named like phones but "${not}" says it is not a phone network`);
      continue;
    }
    const vlan = i.vlan !== undefined ? ` (VLAN ${i.vlan})` : '';
    out.push({
      networks: i.networks,
      iface: i.name,
      evidence: evidence(
        'interface-name',
        p.file,
        i.loc.line,
        `interface ${ifaceLabel(i)}${vlan} named "${word}" (line ${i.loc.line})`,
      ),
    });
  }
  if (!provider.isEmpty) out.push(...providerRuleCandidates(p, provider));
  return out;
}

const SIP_PORTS: readonly number[] = [5060, 5061];

/** Accepting rules whose destination is the provider on 5060/5061: their source networks talk SIP to it. */
function providerRuleCandidates(p: Policy, provider: AddrSet): Candidate[] {
  const out: Candidate[] = [];
  for (const chain of Object.values(p.ruleset.chains))
    for (const r of chain.rules) {
      const m = r.match;
      if (r.action.kind !== 'accept' || !m.src || m.src.isFull || !m.dst?.overlaps(provider)) continue;
      if (!m.dport || !SIP_PORTS.some((port) => m.dport?.has(port))) continue;
      if (m.proto && !m.proto.has(PROTO.udp) && !m.proto.has(PROTO.tcp)) continue;
      const nets = internalPart(m.src);
      if (nets.isEmpty) continue;
      const iif = m.iif && !m.iif.negated && m.iif.names.size === 1 ? [...m.iif.names][0] : undefined;
      out.push({
        networks: nets,
        iface: iif,
        evidence: evidence(
          'provider-rule',
          p.file,
          r.loc.line,
          `${r.label} (line ${r.loc.line}) allows SIP to the provider`,
        ),
      });
    }
  return out;
}

/** PBX evidence: objects and interfaces named for a PBX, on internal addresses. */
export function pbxCandidates(p: Policy): Candidate[] {
  const out: Candidate[] = [];
  for (const o of objectWords(p.inventory?.objects ?? []).pbx) {
    const nets = internalPart(o.addresses);
    if (!nets.isEmpty)
      out.push({
        networks: nets,
        evidence: evidence('object', p.file, o.loc.line, `${o.kind.replace('-', ' ')} ${o.name} (line ${o.loc.line})`),
      });
  }
  for (const i of p.interfaces)
    if (pbxWord(`${i.name} ${i.description ?? ''}`) && !i.networks.isEmpty)
      out.push({
        networks: i.networks,
        iface: i.name,
        evidence: evidence('interface-name', p.file, i.loc.line, `interface ${ifaceLabel(i)} (line ${i.loc.line})`),
      });
  return out;
}

/**
 * Groups candidates by the interface they sit behind. In each group the strongest evidence decides
 * the networks (docs/site-detection.md#ranking); weaker evidence is kept as support.
 */
export function group(
  p: Policy,
  wan: readonly string[],
  excluded: AddrSet,
  cands: readonly Candidate[],
  setAside: string[],
  own: AddrSet = NO_ADDR,
): SiteNetwork[] {
  const byIface = new Map<string, Candidate[]>();
  for (const c of cands) {
    const nets = c.networks.subtract(excluded);
    const written = c.networks;
    if (nets.subtract(own).isEmpty) {
      setAside.push(`${c.evidence.reason}: only loopback, WAN or the firewall's own addresses`);
      continue;
    }
    let ifs = c.iface ? [c.iface] : holders(p, wan, nets).map((i) => i.name);
    if (c.iface && wan.includes(c.iface)) {
      setAside.push(`${c.evidence.reason}: ${c.iface} is a WAN interface`);
      continue;
    }
    if (ifs.length === 0) {
      if (!namesOnlyRuleInterfaces(p)) {
        setAside.push(`${c.evidence.reason}: ${formatAddrSet(nets)} is on no interface of this firewall`);
        continue;
      }
      ifs = [ANY_NON_WAN];
    }
    for (const name of ifs) {
      const i = p.interfaces.find((x) => x.name === name);
      const clip = (a: AddrSet) => (i && !i.networks.isEmpty && !c.iface ? a.intersect(i.networks) : a);
      const list = byIface.get(name) ?? [];
      list.push({ ...c, networks: clip(nets), written: clip(written), iface: name });
      byIface.set(name, list);
    }
  }
  const out: SiteNetwork[] = [];
  for (const [name, list] of byIface) {
    const ev = byRank(list.map((c) => c.evidence));
    const top = rankOf(ev);
    // Every piece of phone evidence on the interface says "phones": together they cover the union of
    // what they name (a PHONES alias of two hosts and a VOICE VLAN give the VLAN). A rule to the
    // provider counts only when it is the best there is: PCs with softphones send SIP too.
    const floor = Math.min(top, RANK['interface-name']);
    const winners = list.filter((c) => RANK[c.evidence.kind] >= floor);
    const networks = winners.reduce((a, c) => a.union(c.networks), NO_ADDR);
    const written = winners.reduce((a, c) => a.union(c.written ?? c.networks), NO_ADDR);
    const i = p.interfaces.find((x) => x.name === name);
    out.push({
      label: i?.networks.equals(networks)
        ? ifaceLabel(i)
        : `${i ? ifaceLabel(i) : placeLabel(name)} ${formatAddrSet(written)}`.trim(),
      networks,
      written,
      iface: name,
      source: 'detected',
      evidence: dedupe(ev),
    });
  }
  return out;
}

/** An interface name for a label; none for a network no rule pairs with an interface (the addresses say it). */
function placeLabel(name: string): string {
  return name === ANY_NON_WAN ? '' : name;
}

function dedupe(ev: Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return ev.filter((e) => (seen.has(e.reason) ? false : (seen.add(e.reason), true)));
}

/** Keeps the groups with real evidence (names or better); a rule to the provider counts only when nothing else does. */
export function strongest(found: SiteNetwork[]): SiteNetwork[] {
  const strong = found.filter((f) => rankOf(f.evidence) >= RANK['interface-name']);
  return strong.length ? strong : found;
}
