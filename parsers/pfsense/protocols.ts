import { PROTO, portSet, protoSet, type PortSet, type ProtoSet } from '../../src/model/ports.js';
import { parsePortEntry } from './aliases.js';
import type { Env, Family } from './addresses.js';
import { ipProtocolNumber, serviceNumber } from './services.js';

export interface ProtoInfo {
  /** undefined = any protocol */
  proto?: ProtoSet;
  /** Whether `<port>` values are emitted for this protocol (get_ipprotocols('portsonly')). */
  portsApply: boolean;
  text: string;
  /** Protocol absent but a port present: pfSense generates `proto tcp` (trap, A.1). */
  tcpTrap?: boolean;
  /** A protocol name fwlint does not know. */
  unknown?: string;
}

/** One set per protocol list: rules share them (a set per rule was a tenth of a 100k-rule model). */
const PROTO_SETS = new Map<string, ProtoSet>();
function protos(nums: readonly number[]): ProtoSet {
  const key = nums.join(',');
  let set = PROTO_SETS.get(key);
  if (set === undefined) {
    set = protoSet(nums);
    PROTO_SETS.set(key, set);
  }
  return set;
}

const PORT_PROTOS_PF = new Set(['tcp', 'udp', 'tcp/udp', 'sctp']);
const PORT_PROTOS_OPN = new Set(['tcp', 'udp', 'tcp/udp']);

export function ruleProtocol(env: Env, raw: string, family: Family, hasPorts: boolean): ProtoInfo {
  const p = raw.trim().toLowerCase();
  const opn = env.ctx.platform === 'opnsense';
  if (p === '') {
    if (!opn && hasPorts) {
      // docs/semantics.md#pf-layout, docs/semantics.md#across-vendors: protocol absent + port present ⇒ pfSense emits `proto tcp`.
      // filter_generate_port() then drops the port, because '' is not a ports-capable protocol.
      return { proto: protos([PROTO.tcp]), portsApply: false, text: 'tcp', tcpTrap: true };
    }
    return { portsApply: false, text: 'any' };
  }
  if (p === 'any') return { portsApply: false, text: 'any' };
  const portsApply = (opn ? PORT_PROTOS_OPN : PORT_PROTOS_PF).has(p);
  if (p === 'tcp/udp') return { proto: protos([PROTO.tcp, PROTO.udp]), portsApply, text: p };
  if (p === 'icmp') {
    // pfSense turns `icmp` into ipv6-icmp for inet6 rules; inet46 rules are generated twice.
    const nums =
      family === 'inet' ? [PROTO.icmp] : family === 'inet6' ? [PROTO.ipv6icmp] : [PROTO.icmp, PROTO.ipv6icmp];
    return { proto: protos(nums), portsApply, text: p };
  }
  const n = ipProtocolNumber(p);
  if (n === undefined) return { portsApply: false, text: p, unknown: p };
  return { proto: protos([n]), portsApply, text: p };
}

export interface PortInfo {
  /** undefined = any port */
  set?: PortSet;
  /** The platform skips (pfSense) or disables (OPNsense) the rule. */
  skip?: string;
  /** The port could not be resolved; the rule is kept and the spec reported as unsupported. */
  unsupported?: string;
}

/**
 * A rule port (docs/semantics.md#pf-layout): `a-b` (rules use a hyphen; `a:b` is accepted as pf does),
 * a single port, a port alias, or a getservbyname() name. `1-65535` means no restriction.
 */
export function resolvePortSpec(env: Env, raw: string): PortInfo {
  // Results are read only: rules naming the same port share one set (100k rules, a few hundred specs).
  const cache = (env.ports ??= new Map<string, PortInfo>());
  let r = cache.get(raw);
  if (r === undefined) {
    r = portSpec(env, raw);
    cache.set(raw, r);
  }
  return r;
}

function portSpec(env: Env, raw: string): PortInfo {
  let t = raw.trim();
  if (t === '' || t.toLowerCase() === 'any') return {};
  // OPNsense accepts `80:any` / `any:80` (Rule::mapAddressInfo).
  if (env.ctx.platform === 'opnsense' && /(^any[:-])|([:-]any$)/i.test(t))
    t = t.replace(/^any/i, '1').replace(/any$/i, '65535');
  const alias = env.aliases.get(t);
  if (alias) {
    if (alias.kind !== 'port' && alias.kind !== 'url-ports')
      return { skip: `alias ${t} used as a port is not a port alias` };
    const r = env.aliases.resolvePorts(t);
    if (r.unknown.length > 0) {
      const set = r.set.isEmpty ? undefined : r.set;
      const info: PortInfo = {
        unsupported: `port alias ${t} has entries fwlint cannot resolve (${r.unknown.slice(0, 3).join(', ')})`,
      };
      if (set) info.set = set;
      return info;
    }
    if (r.set.isEmpty) return { skip: `empty port alias ${t}` };
    return normalize(r.set);
  }
  const range = parsePortEntry(t);
  if (range) return normalize(portSet([range]));
  if (/^[A-Za-z][\w.+-]*$/.test(t) && serviceNumber(t) === undefined) {
    return { unsupported: `port "${t}" is neither an alias nor a service name fwlint knows` };
  }
  return { skip: `unresolvable port "${t}"` };
}

function normalize(set: PortSet): PortInfo {
  // pf's `port 1:65535` is emitted as no port restriction (A.1).
  if (set.isFull || (set.intervalCount === 1 && set.bounds[0] === 1 && set.bounds[1] === 65535)) return {};
  return { set };
}
