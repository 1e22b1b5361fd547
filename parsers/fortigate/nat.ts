import type { SourceLocation, Setting } from '../../src/model/location.js';
import { snatRule } from '../../src/model/nat-stages.js';
import type { Action, Match, Nat, Rule, Ruleset, SnatRule } from '../../src/model/policy.js';
import { protoSet, portSet } from '../../src/model/ports.js';
import { CENTRAL_NAT_DEFAULT_REASON, PORT_PRESERVE_REASON, UNDEFINED_ADDRESS } from './defaults.js';
import type { Env, PolicyInfo } from './policies.js';
import { Appender } from '../toolkit/appender.js';
import { quoted } from '../toolkit/labels.js';
import { withNatPath } from '../toolkit/nat-path.js';
import { getSet, value, values, type Entry } from './tree.js';

/** `config system settings / set central-nat` (default disable, docs/semantics.md#fgt-policy). */
export function natMode(env: Env): Setting<string> {
  const { ctx } = env;
  const s = getSet(ctx.section('system settings'), 'central-nat');
  if (s) {
    const on = (s.values[0] ?? '').toLowerCase() === 'enable';
    return {
      value: on ? 'central' : 'policy',
      source: 'explicit',
      loc: ctx.loc(s),
      reason: on
        ? 'central-nat enable: source NAT comes from central-snat-map and VIPs apply on their own'
        : 'central-nat disable: source NAT comes from each policy',
    };
  }
  return {
    value: 'policy',
    source: 'default',
    loc: ctx.sectionLoc('system settings'),
    reason: CENTRAL_NAT_DEFAULT_REASON,
  };
}

interface PortBehaviour {
  ports: SnatRule['ports'];
  reason: string;
}

/** IP pool types (default overload); fixed-port-range and port-block-allocation rewrite source ports. */
function poolPorts(env: Env, names: string[]): PortBehaviour | undefined {
  const pools = env.ctx.section('firewall ippool')?.entries;
  for (const n of names) {
    const p = pools?.get(n);
    if (!p) {
      env.ctx.note(`IP pool "${n}" is not defined in the file; its type is taken to be overload (the default)`);
      continue;
    }
    const type = (value(p, 'type') ?? 'overload').toLowerCase();
    if (type === 'fixed-port-range' || type === 'port-block-allocation') {
      return {
        ports: 'random',
        reason: `IP pool "${n}" is of type ${type}: FortiOS translates source ports into per-host port ranges`,
      };
    }
  }
  return undefined;
}

/** Port behaviour of a policy with `nat enable` (docs/semantics.md#fgt-policy, docs/semantics.md#fgt-nat). */
function policyPorts(env: Env, e: Entry): PortBehaviour {
  const flag = (n: string) => value(e, n)?.toLowerCase();
  if (flag('fixedport') === 'enable') return { ports: 'preserve', reason: 'fixedport enable keeps the source port' };
  if (flag('port-random') === 'enable')
    return { ports: 'random', reason: 'port-random enable: FortiOS randomizes the translated source port' };
  if (flag('ippool') === 'enable') {
    const p = poolPorts(env, values(e, 'poolname'));
    if (p) return p;
  }
  if (flag('port-preserve') === 'disable')
    return { ports: 'random', reason: 'port-preserve disable: FortiOS picks a new source port' };
  return { ports: 'preserve', reason: PORT_PRESERVE_REASON };
}

/**
 * Source NAT, first match: policy mode — each accept policy in order, translating (`nat enable`) or
 * not; central NAT — the central-snat-map entries first, then accepted traffic no entry matches is
 * not translated. Denied traffic needs no entry: the lint layer only asks how accepted traffic is
 * translated, and the first accept policy matching it is the one that accepted it. Entries share their policy rule's match: its
 * filter-only dimensions (destination-NATed or not, hostname members) do not change which outbound
 * flows they select.
 */
export class SnatBuilder {
  private readonly rules = new Appender<SnatRule>();
  /** The SNAT stage's chain rules, one per entry of `rules` (what model/nat-stages.ts snatRule makes of it). */
  private readonly chainRules = new Appender<Rule>();
  private readonly env: Env;
  /**
   * The shared translation of each port behaviour, keyed by the reason (a few fixed sentences, so the
   * lookup hashes no new string) and checked against translation and ports.
   */
  private readonly hows = new Map<string, SnatHow>();

  constructor(env: Env) {
    this.env = env;
    if (env.central)
      for (const r of centralMap(env)) {
        this.rules.push(r);
        this.chainRules.push(snatRule(r));
      }
  }

  add(p: PolicyInfo): void {
    const env = this.env;
    let action: SnatRule['action'] = 'none';
    let ports: SnatRule['ports'] = 'preserve';
    let portsReason: string;
    if (p.action === 'deny') return; // dropped traffic is never translated
    // With central NAT a policy does no source NAT, whatever its `nat` says: the map's end (finish) stands for
    // the traffic no entry matches.
    if (env.central) return;
    if (p.nat) {
      const b = policyPorts(env, p.entry);
      action = 'translate';
      ports = b.ports;
      portsReason = b.reason;
    } else {
      portsReason = 'nat is disabled on the policy (the default): the source is not translated';
    }
    // Without a comment, no comment member (an undefined one costs a field per rule).
    const comment = p.comment;
    let how: SnatHow | undefined;
    for (const r of p.pieces) {
      const { loc, match } = r;
      how ??= this.howOf({ id: p.id, loc, label: p.label, match, action, ports, portsReason });
      const rule = new SnatChainRule(p.id, loc, p.label, match, how.to, p.text, comment);
      this.chainRules.push(rule);
      this.rules.push(new SnatEntry(rule, how));
    }
  }

  /** The shared translation of the entry's port behaviour: one object per behaviour, its action asked of snatRule once. */
  private howOf(s: SnatRule): SnatHow {
    const reason = s.portsReason ?? '';
    const a = this.hows.get(reason);
    if (a?.action === s.action && a.ports === s.ports) return a;
    const how: SnatHow = { action: s.action, ports: s.ports, portsReason: s.portsReason, to: snatRule(s).action };
    this.hows.set(reason, how);
    return how;
  }

  /** `nat.snat` and the SNAT stage's chain rules, once every policy is read. */
  finish(): { entries: SnatRule[]; chain: Rule[] } {
    if (this.env.central) {
      const end = centralMapEnd(this.env);
      this.rules.push(end);
      this.chainRules.push(snatRule(end));
    }
    return { entries: this.rules.toArray(), chain: this.chainRules.toArray() };
  }
}

/** A port behaviour of policy-made SNAT entries: the entries' own members, and their chain rules' action. */
interface SnatHow {
  action: SnatRule['action'];
  ports: SnatRule['ports'];
  portsReason: string | undefined;
  to: Action;
}

/**
 * A policy's rule in the SNAT stage's chain: the members model/nat-stages.ts snatRule gives a rule with
 * a text and no `implicit`, in its order. snatRule adds `text` and `comment` to an object literal of
 * five, which keeps them in a separate property store (about 40 bytes more per rule); a constructor's
 * objects hold them inline.
 */
class SnatChainRule implements Rule {
  declare id: string;
  declare loc: SourceLocation;
  declare label: string;
  declare match: Match;
  declare action: Action;
  declare text: string;
  declare comment?: string;

  constructor(
    id: string,
    loc: SourceLocation,
    label: string,
    match: Match,
    action: Action,
    text: string,
    comment: string | undefined,
  ) {
    this.id = id;
    this.loc = loc;
    this.label = label;
    this.match = match;
    this.action = action;
    this.text = text;
    if (comment !== undefined) this.comment = comment;
  }
}

/**
 * A policy's entry of `nat.snat`: the members of its chain rule (id, location, label, match, text,
 * comment) and of its port behaviour, read through them. Only inline suppressions read these entries
 * (their comments); the chain rules are what the engine evaluates. A literal of its own cost about 90
 * bytes per entry; this, about 40.
 */
class SnatEntry implements SnatRule {
  private readonly rule: SnatChainRule;
  private readonly how: SnatHow;

  constructor(rule: SnatChainRule, how: SnatHow) {
    this.rule = rule;
    this.how = how;
  }

  get id(): string {
    return this.rule.id;
  }

  get loc(): SourceLocation {
    return this.rule.loc;
  }

  get label(): string {
    return this.rule.label;
  }

  get match(): Match {
    return this.rule.match;
  }

  get action(): SnatRule['action'] {
    return this.how.action;
  }

  get ports(): SnatRule['ports'] {
    return this.how.ports;
  }

  get portsReason(): string | undefined {
    return this.how.portsReason;
  }

  get text(): string {
    return this.rule.text;
  }

  get comment(): string | undefined {
    return this.rule.comment;
  }
}

/** `config firewall central-snat-map` entries in order (central NAT mode). */
function centralMap(env: Env): SnatRule[] {
  const { ctx, ifaces, addrs } = env;
  const out: SnatRule[] = [];
  for (const e of ctx.section('firewall central-snat-map')?.entries.values() ?? []) {
    if ((value(e, 'status') ?? 'enable').toLowerCase() === 'disable') continue;
    const comments = value(e, 'comments');
    const label = `central-snat-map ${e.key}${comments ? ` ${quoted(comments)}` : ''}`;
    const match: Match = {};
    const si = ifaces.resolve(values(e, 'srcintf'));
    const di = ifaces.resolve(values(e, 'dstintf'));
    if (si.set) match.iif = si.set;
    if (di.set) match.oif = di.set;
    const src = addrs.resolveAll(values(e, 'orig-addr').length ? values(e, 'orig-addr') : ['all'], 4);
    const dst = addrs.resolveAll(values(e, 'dst-addr').length ? values(e, 'dst-addr') : ['all'], 4);
    for (const m of [...src.missing, ...dst.missing])
      ctx.unsupportedHead(
        e,
        UNDEFINED_ADDRESS,
        `${label}: address "${m}" is not defined in the file; the entry is evaluated without it`,
      );
    match.src = src.set;
    match.dst = dst.set;
    const proto = Number(value(e, 'protocol') ?? '0');
    if (Number.isInteger(proto) && proto > 0 && proto < 256) match.proto = protoSet([proto]);
    const op = /^(\d+)(?:-(\d+))?$/.exec(value(e, 'orig-port') ?? '0');
    if (op && Number(op[1]) > 0) match.sport = portSet([[Number(op[1]), Number(op[2] ?? op[1])]]);
    const nat = (value(e, 'nat') ?? 'enable').toLowerCase() !== 'disable';
    const r: SnatRule = {
      id: `central-snat:${e.key}`,
      loc: ctx.loc(e),
      label,
      match,
      action: nat ? 'translate' : 'none',
      ports: 'preserve',
      text:
        `central-snat-map ${e.key} ${values(e, 'srcintf').join(',')} -> ${values(e, 'dstintf').join(',')} ` +
        `${values(e, 'orig-addr').join(',')} -> ${values(e, 'dst-addr').join(',')}${nat ? ' nat' : ' no-nat'}`,
    };
    const comment = value(e, 'comments');
    if (comment) r.comment = comment;
    if (!nat) r.portsReason = 'nat disable: the source is not translated';
    else {
      const natPort = value(e, 'nat-port');
      const pool = poolPorts(env, values(e, 'nat-ippool'));
      if (natPort && natPort !== '0' && natPort !== '0-0') {
        r.ports = 'random';
        r.portsReason = `nat-port ${natPort}: source ports are translated into that range`;
      } else if (pool) {
        r.ports = pool.ports;
        r.portsReason = pool.reason;
      } else if ((value(e, 'port-preserve') ?? 'enable').toLowerCase() === 'disable') {
        r.ports = 'random';
        r.portsReason = 'port-preserve disable: FortiOS picks a new source port';
      } else r.portsReason = PORT_PRESERVE_REASON;
    }
    out.push(r);
  }
  return out;
}

/**
 * The end of the central SNAT map: with central NAT only central-snat-map entries translate sources, and
 * policies do none (`set nat` on a policy is ignored), so traffic no entry matches leaves untranslated.
 * Its place is the central-snat-map section, or the `set central-nat enable` line without one.
 */
function centralMapEnd(env: Env): SnatRule {
  const { ctx } = env;
  const map = ctx.section('firewall central-snat-map');
  const mode = natMode(env);
  return {
    id: 'central-snat:unmatched',
    loc: map ? ctx.sectionLoc('firewall central-snat-map') : mode.loc,
    label: 'central NAT',
    match: {},
    action: 'none',
    ports: 'preserve',
    portsReason: 'central NAT: no central-snat-map entry matches, so the source is not translated',
    implicit: map
      ? 'central NAT is on and no central-snat-map entry matches it; with central NAT, policies do no source NAT'
      : 'central NAT is on and there is no central-snat-map; with central NAT, policies do no source NAT',
    text: 'central-snat-map end: no nat',
  };
}

/**
 * FortiOS's packet path (docs/semantics.md#fgt-nat, #fgt-policy): VIP destination NAT before the
 * policy lookup (the policy then matches the mapped address), the policy, then source NAT (interface
 * address, IP pool or central SNAT). A VIP on the firewall's own address turns local-in traffic into
 * routed traffic.
 */
export function withFortiNat(rs: Ruleset, nat: Nat, snatRules?: Rule[]): Ruleset {
  return withNatPath(
    rs,
    nat,
    {
      dnat: { stage: 'vip', before: { forward: 'policy', input: 'local-in' } },
      snat: { stage: 'snat' },
    },
    snatRules,
  );
}
