import type { Setting } from '../../src/model/location.js';
import type { NameSet } from '../../src/model/name-set.js';
import type { AddrSet } from '../../src/model/address.js';
import type { Action, Match, Rule, SymbolicRef } from '../../src/model/policy.js';
import type { PortSet, ProtoSet } from '../../src/model/ports.js';
import { resolveEndpoint, type Endpoint, type Env, type Family } from './addresses.js';
import { Fields, child, readEach, type Ctx } from './context.js';
import { resolvePortSpec, ruleProtocol } from './protocols.js';
import { contentId } from '../toolkit/hash.js';
import { flat, quoted } from '../toolkit/labels.js';
import type { XmlElement } from './xml.js';
import { literal } from '../toolkit/values.js';

/** A filter rule of either store, normalized before it is placed into chains. */
export interface RuleDraft {
  el: XmlElement;
  store: 'legacy' | 'mvc';
  /** Position in its store, in XML order. */
  index: number;
  descr: string;
  tracker?: string;
  uuid?: string;
  type: string;
  interfaces: string[];
  interfaceNot: boolean;
  floating: boolean;
  direction: 'in' | 'out' | 'any';
  quick: boolean;
  family: Family;
  protocol: string;
  src: Endpoint;
  dst: Endpoint;
  statetype: string;
  /** `<statetimeout>` (pfSense) or `<udp-multiple>` (OPNsense) when it sets the UDP idle timeout. */
  udpTimeoutEl?: XmlElement;
  udpTimeoutReason?: string;
  /** OPNsense MVC `<sequence>`. */
  sequence: number;
  /** Constructs found in the rule that the model cannot express. */
  unsupported: { el: XmlElement; what: string; why: string }[];
}

/** A rule ready for the chains: `rule.match` has no iif/oif yet; `ifaces` goes there. */
export interface FilterEntry {
  /** See `sortKey`: pfSense's two-part key as one number (compare with chains.ts compareKeys). */
  sortKey: number | number[];
  inbound: boolean;
  outbound: boolean;
  ifaces?: NameSet;
  rule: Rule;
}

const ACTIONS: Record<string, Action> = {
  pass: { kind: 'accept' },
  block: { kind: 'drop' },
  reject: { kind: 'reject' },
  match: { kind: 'continue' },
};

/** Fields that cannot change a verdict (bookkeeping, logging, shaping, state limits, reply-to). */
const HARMLESS = new Set([
  'id',
  'tracker',
  'type',
  'interface',
  'ipprotocol',
  'protocol',
  'source',
  'destination',
  'descr',
  'log',
  'created',
  'updated',
  'statetype',
  'disabled',
  'quick',
  'floating',
  'direction',
  'statetimeout',
  'associated-rule-id',
  'max',
  'max-src-nodes',
  'max-src-conn',
  'max-src-states',
  'max-src-conn-rates',
  'tag',
  'allowopts',
  'disablereplyto',
  'reply-to',
  'nopfsync',
  'nosync',
  'statepolicy',
  'state-policy',
  'source-track',
  'dnpipe',
  'pdnpipe',
  'defaultqueue',
  'ackqueue',
  'labels',
  'category',
  'categories',
  'label',
  'vlanprioset',
  'set-prio',
  'set-prio-low',
  'adaptivestart',
  'adaptiveend',
  'udp-first',
  'udp-single',
  'udp-multiple',
  'shaper1',
  'shaper2',
  'interfacenot',
  'replyto',
  'sequence',
  'enabled',
  'action',
  'description',
  'source_net',
  'source_not',
  'source_port',
  'destination_net',
  'destination_not',
  'destination_port',
  'icmptype',
  'icmp6type',
  'os',
  'tagged',
  'nottagged',
  'tcpflags1',
  'tcpflags2',
  'tcpflags_any',
  'sched',
  'gateway',
  'dscp',
  'vlanprio',
  'prio',
  'tos',
  'nat',
  'max-src-conn-rate',
  'max-pkt-rate-number',
  'max-pkt-rate-seconds',
  'divert-to',
  'overload',
  'skip_rules_gw_down',
  'separator',
  'ipsec',
  'uuid',
  'seq',
  '#ref',
  'prio_group',
  'sort_order',
]);

/**
 * Rule fields that change which packets match (or where they go) but that the model cannot
 * express. The rule is kept with what can be modeled and each construct is reported (FWL900).
 */
export function unsupportedFields(
  ctx: Ctx,
  f: Fields,
  section: string,
  protocol: string,
  isPass: boolean,
): RuleDraft['unsupported'] {
  const out: RuleDraft['unsupported'] = [];
  const proto = protocol.toLowerCase();
  const add = (name: string, why: string): void => {
    const el = f.get(name);
    if (el) out.push({ el, what: `${section}<${name}>`, why });
  };
  const set = (name: string): boolean => f.str(name) !== '';
  if (set('sched'))
    add(
      'sched',
      `schedule "${f.str('sched')}": the rule is active only at scheduled times; fwlint evaluates it as always active`,
    );
  if (set('gateway') && isPass)
    add(
      'gateway',
      `policy routing via gateway "${f.str('gateway')}": may change the egress interface (route-to), which fwlint does not model`,
    );
  if (proto === 'icmp' && set('icmptype') && f.str('icmptype') !== 'any')
    add(
      'icmptype',
      `ICMP types "${f.str('icmptype')}" are not modeled; the rule is treated as matching every ICMP type`,
    );
  if (proto === 'icmp' && set('icmp6type') && f.str('icmp6type') !== 'any')
    add('icmp6type', 'ICMPv6 types are not modeled; the rule is treated as matching every ICMPv6 type');
  if (proto === 'tcp' && set('os'))
    add('os', `OS fingerprint "${f.str('os')}" is not modeled; the rule is treated as matching every host`);
  if (set('tagged'))
    add(
      'tagged',
      `the rule only matches packets tagged "${f.str('tagged')}" by another rule; fwlint ignores the tag condition`,
    );
  if (proto === 'tcp' && (set('tcpflags1') || set('tcpflags2') || ctx.flag(f, 'tcpflags_any'))) {
    add(
      f.has('tcpflags2') ? 'tcpflags2' : f.has('tcpflags1') ? 'tcpflags1' : 'tcpflags_any',
      'custom TCP flag conditions are not modeled',
    );
  }
  if (set('dscp')) add('dscp', `DSCP match "${f.str('dscp')}" is not modeled`);
  if (set('tos')) add('tos', 'TOS match is not modeled');
  if (set('vlanprio') && f.str('vlanprio') !== 'none') add('vlanprio', 'VLAN priority match is not modeled');
  if (set('prio')) add('prio', 'priority match is not modeled');
  if (ctx.flag(f, 'nat')) add('nat', 'NAT64 translation in a filter rule is not modeled');
  if (set('max-src-conn-rate'))
    add(
      'max-src-conn-rate',
      'connection-rate limit with overload table: sources exceeding it are blocked, which fwlint does not model',
    );
  if (set('max-pkt-rate-number')) add('max-pkt-rate-number', 'packet-rate limit is not modeled');
  if (set('divert-to')) add('divert-to', 'divert-to hands packets to a user-space process; its verdict is unknown');
  for (const c of f.children) {
    if (!HARMLESS.has(c.name) && (c.text.trim() !== '' || c.children.length > 0)) {
      out.push({
        el: c,
        what: `${section}<${c.name}>`,
        why: `unrecognized rule field <${c.name}>; fwlint does not know whether it changes which packets match`,
      });
    }
  }
  return out;
}

/** Reads a legacy `<filter><rule>` (pfSense, and OPNsense's legacy store). */
export function readLegacyRule(env: Env, el: XmlElement, index: number): RuleDraft | undefined {
  const { ctx } = env;
  const f = new Fields(el);
  const opn = ctx.platform === 'opnsense';
  // docs/semantics.md#pf-layout, docs/semantics.md#pf-opnsense: pfSense `<disabled/>` is presence;
  // OPNsense needs a non-empty, non-"0" value.
  if (ctx.flag(f, 'disabled')) return undefined;
  // docs/semantics.md#pf-order: floating = isset($rule['floating']) on both platforms.
  const floating = f.has('floating');
  const iface = f.str('interface');
  // pfSense looks an interface-tab rule's <interface> up as one key (a comma list only works on
  // floating rules); OPNsense's reader splits the list for every rule.
  const interfaces =
    iface === '' || (floating && iface.toLowerCase() === 'any')
      ? []
      : floating || opn
        ? iface
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [iface];

  // Direction: pfSense forces `in` on interface-tab rules and honours <direction> only for floating
  // rules (`<floating>yes`); OPNsense honours it everywhere, empty = in (A.2, A.6).
  const dirText = f.str('direction').toLowerCase();
  let direction: RuleDraft['direction'];
  if (opn) direction = dirText === 'out' ? 'out' : dirText === 'any' ? 'any' : 'in';
  else if (floating && f.str('floating') === 'yes')
    direction = dirText === 'in' ? 'in' : dirText === 'out' ? 'out' : 'any';
  else direction = 'in';

  // Quick: pfSense `!isset(floating) || isset(quick)` (A.2). OPNsense: missing → !floating, else !empty (A.6).
  const quick = opn ? (f.has('quick') ? ctx.flag(f, 'quick') : !floating) : !floating || f.has('quick');

  // ipprotocol: pfSense treats anything but inet6/inet46 as inet (A.7); OPNsense without it emits no family.
  const ipp = f.str('ipprotocol').toLowerCase();
  const family: Family =
    ipp === 'inet6' ? 'inet6' : ipp === 'inet46' ? 'inet46' : ipp === 'inet' ? 'inet' : opn ? 'inet46' : 'inet';
  if (ipp !== '' && ipp !== 'inet' && ipp !== 'inet6' && ipp !== 'inet46')
    ctx.note(`${ctx.where(el)}: unknown <ipprotocol>${ipp}</ipprotocol>; treated as ${family}`);

  const protocol = f.str('protocol');
  const src = resolveEndpoint(env, f.get('source'), 'src', family);
  const dst = resolveEndpoint(env, f.get('destination'), 'dst', family);
  const type = f.str('type').toLowerCase();
  const isPass = !(type in ACTIONS) || type === 'pass';

  const draft: RuleDraft = {
    el,
    store: 'legacy',
    index,
    descr: f.str('descr'),
    type,
    interfaces,
    interfaceNot: false,
    floating,
    direction,
    quick,
    family,
    protocol,
    src,
    dst,
    statetype: f.str('statetype'),
    sequence: 0,
    unsupported: unsupportedFields(ctx, f, '<filter><rule>', protocol, isPass),
  };
  const tracker = f.str('tracker');
  if (tracker) draft.tracker = tracker;
  if (el.attrs.uuid) draft.uuid = el.attrs.uuid;
  stateTimeout(ctx, f, draft);
  return draft;
}

/** Per-rule UDP idle timeout (A.1, A.4, A.6). */
export function stateTimeout(ctx: Ctx, f: Fields, draft: RuleDraft): void {
  if (ctx.platform === 'pfsense') {
    const st = f.get('statetimeout');
    const proto = draft.protocol.toLowerCase();
    // filter.inc: udp.multiple for udp, tcp/udp and no protocol (not when the port trap made it tcp).
    const hasPorts = draft.src.port !== '' || draft.dst.port !== '';
    if (st && /^\d+$/.test(st.text.trim()) && (proto === 'udp' || proto === 'tcp/udp' || (proto === '' && !hasPorts))) {
      draft.udpTimeoutEl = st;
      draft.udpTimeoutReason =
        `per-rule <statetimeout>${st.text.trim()}</statetimeout>: pfSense emits udp.multiple ` +
        `${st.text.trim()} for this rule's states (docs/semantics.md#pf-states)`;
    }
  } else {
    // OPNsense: statetimeout is tcp.established only; per-rule udp-multiple sets the UDP timeout (A.6).
    const um = f.get('udp-multiple');
    if (um && /^\d+$/.test(um.text.trim()) && Number(um.text.trim()) > 0) {
      draft.udpTimeoutEl = um;
      draft.udpTimeoutReason =
        `per-rule <udp-multiple>${um.text.trim()}</udp-multiple>: OPNsense sets udp.multiple for ` +
        `this rule's states (docs/semantics.md#pf-opnsense)`;
    }
  }
}

export function ruleLabel(d: { descr: string; tracker?: string; uuid?: string; index: number; store: string }): string {
  // Flat strings: labels live as long as the model (toolkit/labels.ts `flat`).
  if (d.descr) return flat(['rule ', quoted(d.descr)]);
  if (d.tracker) return flat(['rule tracker ', d.tracker]);
  if (d.uuid) return flat(['rule ', d.uuid]);
  return flat([d.store === 'mvc' ? 'MVC rule' : 'rule', ' #', String(d.index + 1)]);
}

function skipNote(ctx: Ctx, d: RuleDraft, reason: string): void {
  const verb = ctx.platform === 'pfsense' ? 'pfSense skips such rules' : 'OPNsense disables such rules';
  ctx.note(`${ctx.where(d.el)}: ${ruleLabel(d)} is not applied: ${reason} (${verb})`);
}

/**
 * Sort key inside the pf ruleset (A.2 for pfSense, A.6 for OPNsense). pfSense's [category, index] is
 * one number, category · KEY_SHIFT + index (no array per rule: 100k of them were garbage once sorted).
 */
function sortKey(env: Env, d: RuleDraft): number | number[] | undefined {
  const { ctx, ifaces } = env;
  const single = d.interfaces.length === 1 ? d.interfaces[0] : undefined;
  if (ctx.platform === 'pfsense') {
    // docs/semantics.md#pf-order: floating, then interface groups (user, then system), then interface tabs.
    const cat = d.floating
      ? 0
      : single && ifaces.groups.has(single)
        ? 1
        : single && ifaces.isSystemGroup(single)
          ? 2
          : 3;
    return cat * KEY_SHIFT + d.index;
  }
  // docs/semantics.md#pf-opnsense: priority groups, MVC rules (by <sequence>) before legacy ones (XML order).
  let prio: number;
  if (d.store === 'mvc') {
    const known = d.interfaces.some((n) => ifaces.get(n) !== undefined);
    if (d.interfaces.length > 0 && !known) return undefined; // prio 600000: "Invalid rules (not applied by PF)"
    if (d.interfaces.length !== 1 || d.interfaceNot) prio = 200000;
    else if (single !== undefined && (ifaces.get(single)?.isGroup || ifaces.groups.has(single)))
      prio = 300000 + (ifaces.groups.get(single)?.sequence ?? 0);
    else prio = 400000;
  } else if (d.floating) prio = 200000;
  else if (single && ifaces.groups.has(single)) prio = 300000 + (ifaces.groups.get(single)?.sequence ?? 0);
  else prio = 400000;
  return [prio, d.store === 'mvc' ? 0 : 1, d.store === 'mvc' ? d.sequence : 0, d.index];
}

/**
 * pfSense's sort key: category (0-3) · KEY_SHIFT + index. A `<rule>` takes at least 7 characters and
 * a string at most 2^29, so indices stay below 2^27 and every key is a small integer (no boxed number).
 */
export const KEY_SHIFT = 2 ** 27;

/** Turns a draft into a chain entry, or undefined when the platform would not load the rule. */
export function buildEntry(env: Env, d: RuleDraft): FilterEntry | undefined {
  const { ctx, ifaces } = env;
  const opn = ctx.platform === 'opnsense';

  // Interfaces: groups expand to members; missing/disabled interfaces make pfSense skip an
  // interface-tab rule and drop the name from a floating list; OPNsense disables that expansion.
  let ifSet: NameSet | undefined;
  if (d.interfaces.length === 0) {
    if (!opn && !d.floating) {
      skipNote(ctx, d, 'it has no interface');
      return undefined;
    }
  } else {
    const r = ifaces.resolve(d.interfaces);
    if (r.missing.length > 0 && (!d.floating && !opn ? true : r.names.length === 0)) {
      skipNote(ctx, d, `interface ${r.missing.join(', ')} is not enabled or does not exist`);
      return undefined;
    }
    if (r.missing.length > 0)
      ctx.note(
        `${ctx.where(d.el)}: ${ruleLabel(d)}: interface ${r.missing.join(', ')} is not enabled or does not exist and is ignored`,
      );
    for (const o of r.opaque) {
      d.unsupported.push({
        el: child(d.el, 'interface') ?? d.el,
        what: `${d.store === 'mvc' ? '<OPNsense><Firewall><Filter><rules><rule>' : '<filter><rule>'}<interface>${o}</interface>`,
        why:
          `interface group ${o} (VPN/tunnel or group interface): its member interfaces are not in the file, so ` +
          `traffic it matches is unknown`,
      });
    }
    ifSet = r.set;
    if (ifSet && d.interfaceNot) ifSet = ifSet.complement();
  }
  const key = sortKey(env, d);
  // 0 is a key: the first rule of the file, when it is floating.
  if (key === undefined) {
    skipNote(ctx, d, `interface ${d.interfaces.join(', ')} does not exist`);
    return undefined;
  }

  if (d.src.skip) {
    skipNote(ctx, d, d.src.skip);
    return undefined;
  }
  if (d.dst.skip) {
    skipNote(ctx, d, d.dst.skip);
    return undefined;
  }

  const hasPorts = d.src.port !== '' || d.dst.port !== '';
  const p = ruleProtocol(env, d.protocol, d.family, hasPorts);
  if (p.tcpTrap) {
    ctx.note(
      `${ctx.where(d.el)}: ${ruleLabel(d)} has a port but no protocol: pfSense generates "proto tcp" and drops the port ` +
        `(docs/semantics.md#pf-layout, docs/semantics.md#across-vendors)`,
    );
  } else if (hasPorts && !p.portsApply && opn) {
    ctx.note(
      `${ctx.where(d.el)}: ${ruleLabel(d)} has a port but protocol "${p.text}": OPNsense only applies ports to tcp/udp, ` +
        `the port is ignored`,
    );
  }
  if (p.unknown) {
    d.unsupported.push({
      el: child(d.el, 'protocol') ?? d.el,
      what: `<protocol>${p.unknown}</protocol>`,
      why: `unknown protocol "${p.unknown}"; the rule is treated as matching every protocol`,
    });
  }

  const match: Match = new FilterMatch(d.src.set, d.dst.set, p.proto);
  if (p.portsApply) {
    for (const [side, field] of [
      [d.src, 'sport'],
      [d.dst, 'dport'],
    ] as const) {
      if (side.port === '') continue;
      const r = resolvePortSpec(env, side.port);
      if (r.skip) {
        skipNote(ctx, d, r.skip);
        return undefined;
      }
      if (r.unsupported)
        d.unsupported.push({
          el: d.el,
          what: `<port>${side.port}</port>`,
          why: `${r.unsupported}; treated as ${r.set ? 'the resolvable part' : 'any port'}`,
        });
      if (r.set) match[field] = r.set;
    }
  }
  if (d.src.symbolic.length > 0 || d.dst.symbolic.length > 0) match.symbolic = [...d.src.symbolic, ...d.dst.symbolic];

  // docs/semantics.md#pf-layout: missing or unknown <type> is pass.
  const action = ACTIONS[d.type] ?? literal(ACTIONS.pass, 'ACTIONS.pass');
  const text = ruleText(d, p.text);
  const base = d.tracker ?? d.uuid ?? contentId(d.store === 'mvc' ? 'mvc' : 'rule', `${text}|${d.descr}`);
  // One object literal with every field, so all rules share one shape and keep their fields in the object.
  const label = ruleLabel(d);
  const rule: Rule = {
    id: ctx.uniqueId(base),
    loc: ctx.loc(d.el),
    label,
    match,
    action,
    quick: d.quick,
    text,
    comment: d.descr ? labelPart(label, d.descr) : undefined, // carries inline suppressions (fwlint-disable ...)
    // A.1: <statetype>none = no state; anything else keeps state.
    keepState: action.kind === 'accept' ? d.statetype.toLowerCase() !== 'none' : undefined,
    udpTimeout: undefined,
  };
  if (action.kind === 'accept') {
    if (rule.keepState && d.udpTimeoutEl && d.udpTimeoutReason) {
      const t: Setting<number> = {
        value: Number(d.udpTimeoutEl.text.trim()),
        source: 'explicit',
        loc: ctx.loc(d.udpTimeoutEl),
        reason: d.udpTimeoutReason,
      };
      rule.udpTimeout = t;
    }
  }
  for (const u of d.unsupported) ctx.unsupportedAt(u.el, u.what, `${ruleLabel(d)}: ${u.why}`);

  const entry: FilterEntry = {
    sortKey: key,
    inbound: d.direction !== 'out',
    outbound: d.direction !== 'in',
    rule,
  };
  if (ifSet) entry.ifaces = ifSet;
  return entry;
}

/**
 * A filter rule's match, made by a constructor with the members it starts with; the ports, symbolic
 * members and (chains.ts) the interfaces are added after. An object literal `{}` holds four members in
 * the object and moves a fifth (a rule's interface, after addresses, protocol and port) to a separate
 * property store, about 40 bytes more per rule; a constructor's objects have room for the members its
 * first objects were given. Members are declared, not initialized: an absent member stays absent.
 */
class FilterMatch implements Match {
  declare src?: AddrSet;
  declare dst?: AddrSet;
  declare proto?: ProtoSet;
  declare sport?: PortSet;
  declare dport?: PortSet;
  declare symbolic?: SymbolicRef[];
  declare iif?: NameSet;
  declare oif?: NameSet;

  constructor(src: AddrSet | undefined, dst: AddrSet | undefined, proto: ProtoSet | undefined) {
    if (src) this.src = src;
    if (dst) this.dst = dst;
    if (proto) this.proto = proto;
  }
}

/**
 * The description as the label quotes it (`rule "descr"`, when it is one line of at most 80
 * characters): that part of the label, a slice of a string the model keeps anyway, instead of a
 * second copy per rule. Else the description itself.
 */
function labelPart(label: string, descr: string): string {
  return label.length === descr.length + 7 && label.startsWith(descr, 6) ? label.slice(6, -1) : descr;
}

function ruleText(d: RuleDraft, proto: string): string {
  const parts: string[] = [d.type || 'pass', d.direction];
  if (d.quick) parts.push('quick');
  if (d.floating) parts.push('floating');
  parts.push(
    `on ${d.interfaceNot ? '!' : ''}${d.interfaces.length ? d.interfaces.join(',') : 'any'}`,
    d.family,
    `proto ${proto}`,
  );
  parts.push(`from ${d.src.text || '?'}${d.src.port ? ` port ${d.src.port}` : ''}`);
  parts.push(`to ${d.dst.text || '?'}${d.dst.port ? ` port ${d.dst.port}` : ''}`);
  const st = d.statetype.toLowerCase();
  if (st === 'none') parts.push('no state');
  else if (st && st !== 'keep state' && st !== 'keep') parts.push(st);
  if (d.udpTimeoutEl) parts.push(`udp.multiple ${d.udpTimeoutEl.text.trim()}`);
  return parts.join(' ');
}

export function readLegacyRules(env: Env, filter: XmlElement | undefined): RuleDraft[] {
  return readEach(filter, 'rule', (el, index) => readLegacyRule(env, el, index));
}
