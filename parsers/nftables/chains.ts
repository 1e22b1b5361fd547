import { ANY_V4, ANY_V6 } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Chain, ChainPolicy, Rule, Ruleset, Stage, StageKind, UnorderedChains } from '../../src/model/policy.js';
import type { Ctx } from './context.js';
import {
  DEVICE_GUARD,
  IP6_TABLE_GUARD,
  IP_TABLE_GUARD,
  defaultPolicyReason,
  explicitPolicyReason,
} from './defaults.js';
import { must, type BaseSpec, type Pos } from './ir.js';
import { natRules } from './nat.js';
import type { ChainInfo, Entry } from './rules.js';
import { ruleWith } from '../../src/model/rule-copy.js';
import { familyGuard } from '../toolkit/family-guard.js';

/**
 * Hooks → the model's stages (docs/semantics.md#nft-hooks). Tables are namespaces: every base chain of
 * every table on a hook runs, in ascending priority (equal priorities keep file order, which nft
 * leaves undefined: such chains of different tables form Stage.unordered groups, and what depends on
 * their order is uncertain). An accept ends only its base chain, a drop is final — the engine's stage
 * semantics. A routed packet passes ingress (netdev), prerouting, forward, postrouting and egress;
 * a packet to the firewall ingress, prerouting and input. `ip`/`ip6` tables see one family only and
 * netdev chains only their devices: an implicit accept at the top of such chains lets other packets
 * through untouched. NAT chains (type nat) are NAT stages at their hook and priority: raw −300
 * (notrack), conntrack −200, dstnat −100, filter 0, srcnat 100 (docs/semantics.md#nft-hooks); the
 * engine skips them for untracked packets. The output hook (the firewall's own traffic) is not evaluated.
 */

export interface Hooks {
  /** Base filter chains per stage, sorted. */
  stages: Map<string, ChainInfo[]>;
  natPrerouting: ChainInfo[];
  natPostrouting: ChainInfo[];
  /** Base chains fwlint evaluates, and every chain reachable from them. */
  evaluated: Set<string>;
  /** Those of `evaluated` reached only from input or output base chains: they see only the firewall's own traffic. */
  localOnly: Set<string>;
  /** Where table-level defaults would live: the table holding the forward chain, else the first table. */
  anchor: Pos;
  /** Base chains of different tables on one hook with equal priority, whose order nft leaves undefined. */
  unordered: UnorderedChains[];
  /**
   * Bridge-family base chains on the hooks routed packets pass when they arrive on or leave by a bridge
   * port (prerouting, input, output, postrouting), sorted, and every chain they reach (bridgeReach).
   */
  bridge: Map<string, ChainInfo[]>;
  bridgeReach: Set<string>;
}

/**
 * Bridge hooks a routed packet passes on a bridge port (docs/semantics.md#nft-bridge): a frame
 * arriving on a port passes prerouting, then input on its way up to the IP stack (br_handle_frame,
 * br_pass_frame_up); a packet the IP stack sends through a bridge device passes output, then
 * postrouting (br_dev_xmit → __br_forward with local_orig). The bridge forward hook sees only frames
 * bridged from port to port.
 */
const BRIDGE_ROUTED_HOOKS = ['prerouting', 'input', 'output', 'postrouting'] as const;

const FORWARD_PATH = ['ingress', 'prerouting', 'forward', 'postrouting', 'egress'];
const INPUT_PATH = ['ingress', 'prerouting', 'input'];
/** Hooks that see only traffic to (input) or from (output) the firewall itself. */
const LOCAL_HOOKS = new Set(['input', 'output']);

/** The base chain spec of a chain classify() took as a base chain. */
function baseOf(info: ChainInfo): BaseSpec {
  return must(info.chain.base, `the hook of base chain ${info.ref}`);
}

function byPriority(a: ChainInfo, b: ChainInfo): number {
  return baseOf(a).priority - baseOf(b).priority;
}

export function classify(ctx: Ctx, infos: Map<string, ChainInfo>): Hooks {
  const stages = new Map<string, ChainInfo[]>(FORWARD_PATH.concat('input', 'output').map((s) => [s, []]));
  const natPrerouting: ChainInfo[] = [];
  const natPostrouting: ChainInfo[] = [];
  const bridge = new Map<string, ChainInfo[]>(BRIDGE_ROUTED_HOOKS.map((h) => [h, []]));
  for (const info of infos.values()) {
    const b = info.chain.base;
    if (!b) continue;
    const fam = info.table.family;
    if (fam === 'bridge') {
      const list = bridge.get(b.hook);
      if (list) list.push(info);
      else if (info.chain.rules.length || b.policy?.value === 'drop')
        ctx.note(
          `bridge table ${info.table.name}: chain ${info.chain.name} (hook ${b.hook}) filters only frames bridged ` +
            'from one bridge port to another, never routed traffic, so fwlint does not evaluate it',
        );
      continue;
    }
    if (fam === 'arp') {
      if (info.chain.rules.length)
        ctx.note(
          `arp table ${info.table.name}: chains of the arp family filter ARP traffic, which fwlint does not evaluate`,
        );
      continue;
    }
    if (fam === 'netdev') {
      if (b.hook === 'ingress' || b.hook === 'egress') stages.get(b.hook)?.push(info);
      continue;
    }
    if (b.type === 'nat') {
      if (b.hook === 'prerouting') natPrerouting.push(info);
      else if (b.hook === 'postrouting') natPostrouting.push(info);
      continue;
    }
    if (b.type === 'route' && b.hook !== 'output') continue;
    stages.get(b.hook)?.push(info);
  }
  const unordered: UnorderedChains[] = [];
  for (const [name, list] of stages) {
    list.sort(byPriority);
    for (const g of ties(list)) {
      ctx.note(
        `${tiedText(g, `on the ${name} hook`)}: nft leaves their order undefined; fwlint evaluates them in file ` +
          'order and reports a UDP timeout that depends on it (which `ct timeout set` runs last) as uncertain',
      );
      unordered.push(unorderedOf(g, name));
    }
  }
  natPrerouting.sort(byPriority);
  natPostrouting.sort(byPriority);
  for (const [name, list] of [
    ['prerouting', natPrerouting],
    ['postrouting', natPostrouting],
  ] as const)
    for (const g of ties(list)) {
      ctx.note(
        `${tiedText(g, `nat chains on the ${name} hook`)}: nft leaves their order undefined, and the first that ` +
          'translates a connection decides its translation; fwlint evaluates them in file order and does not mark ' +
          'the translation uncertain',
      );
      unordered.push(unorderedOf(g, `${name} (nat)`));
    }
  for (const list of bridge.values()) list.sort(byPriority);
  const bridgeReach = reach(infos, [...bridge.values()].flat());
  noteBridge(ctx, bridge, infos, bridgeReach);

  // Reachability: base chains fwlint evaluates, then every chain they jump or go to; and those that
  // forwarded traffic can reach (the NAT chains see it too, not only the firewall's own).
  const nats = [...natPrerouting, ...natPostrouting];
  const evaluated = reach(infos, [...[...stages.values()].flat(), ...nats]);
  const routed = reach(infos, [...[...stages].flatMap(([hook, list]) => (LOCAL_HOOKS.has(hook) ? [] : list)), ...nats]);
  const localOnly = new Set([...evaluated].filter((ref) => !routed.has(ref)));
  // notrack is modelled (the engine's raw stages): not an unsupported statement.
  for (const info of infos.values())
    if (info.unsupported.length) info.unsupported = info.unsupported.filter((u) => u.what !== 'notrack');
  const forwardTable = stages.get('forward')?.[0]?.table ?? [...infos.values()][0]?.table;
  return {
    stages,
    natPrerouting,
    natPostrouting,
    evaluated,
    localOnly,
    anchor: forwardTable?.pos ?? ctx.doc.root,
    unordered,
    bridge,
    bridgeReach,
  };
}

/** Whether a rule or a chain policy of a bridge chain can drop a packet: what bridgeRules makes uncertain. */
function bridgeDrops(info: ChainInfo): boolean {
  return (
    info.chain.base?.policy?.value === 'drop' ||
    info.rules.some((r) => r.action.kind === 'drop' || r.action.kind === 'reject')
  );
}

/** One note per bridge table whose evaluated chains can drop: what fwlint does with them and why. */
function noteBridge(
  ctx: Ctx,
  bridge: Map<string, ChainInfo[]>,
  infos: Map<string, ChainInfo>,
  reached: Set<string>,
): void {
  const tables = new Map<string, { info: ChainInfo; hooks: string[] }>();
  for (const [hook, list] of bridge)
    for (const info of list) {
      const t = tables.get(info.table.name) ?? { info, hooks: [] };
      t.hooks.push(hook);
      tables.set(info.table.name, t);
    }
  for (const [name, t] of tables) {
    const drops = [...reached].some((ref) => {
      const i = infos.get(ref);
      return i?.table === t.info.table && bridgeDrops(i);
    });
    if (!drops) continue;
    ctx.note(
      `bridge table ${name} (${ctx.where(t.info.table.pos)}): its ${[...new Set(t.hooks)].join(', ')} chains see ` +
        'routed packets too when they arrive on (or leave by) a bridge port, and fwlint does not know which ' +
        'interfaces are bridge ports: the packets its drops match get an uncertain verdict (docs/semantics.md#nft-bridge)',
    );
  }
}

/**
 * Why a drop in a bridge table may or may not apply to a routed packet (Match.uncertain): it does only
 * when the packet passes a bridge port.
 */
function bridgeWhy(ctx: Ctx, info: ChainInfo): string {
  return (
    `it is in bridge table ${info.table.name} (${ctx.where(info.table.pos)}), which sees routed packets only ` +
    'when they arrive on or leave by a bridge port, and fwlint does not know which interfaces are bridge ports ' +
    '(docs/semantics.md#nft-bridge)'
  );
}

const NO_STATE = NameSet.of([]);

/**
 * A bridge chain's rules for the model (docs/semantics.md#nft-bridge): a drop or reject may apply to
 * the phones' traffic or not, depending on whether their interface is a bridge port, so it never
 * drops (no state matches) but makes the verdict of the packets it would match, whatever their
 * interfaces and connection state, uncertain (Match.uncertain on state: widened, interfaces left out).
 * Jumps and the rest stay as written. An accept in a base chain, which ends only that chain, is its
 * `return` (the chain has no policy: its end lets the packet on and decides nothing), so the verdicts
 * name the chains of the IP families, not a bridge rule that may never see the packet. `ct timeout
 * set` and `ct helper set` there are not counted (bridge connection tracking is not modelled). A base
 * chain's policy drop becomes such a drop after its rules.
 */
function bridgeRules(ctx: Ctx, info: ChainInfo, rules: readonly Rule[]): Rule[] {
  const why = bridgeWhy(ctx, info);
  const base = info.chain.base !== undefined;
  const out: Rule[] = rules.map((r) => {
    const drop = r.action.kind === 'drop' || r.action.kind === 'reject';
    const accept = base && r.action.kind === 'accept';
    if (!drop && !accept && r.udpTimeout === undefined && r.helperTimeout === undefined) return r;
    const copy = ruleWith(r, {});
    delete copy.udpTimeout;
    delete copy.helperTimeout;
    if (drop) copy.match = unsureDrop(r.match, why, r.loc);
    if (accept) copy.action = { kind: 'return' };
    return copy;
  });
  const b = info.chain.base;
  if (b?.policy?.value === 'drop')
    out.push({
      id: `implicit:bridge-policy:${info.ref}`,
      loc: b.policy.pos,
      label: `policy drop of base chain ${info.ref}`,
      match: unsureDrop({}, why, b.policy.pos),
      action: { kind: 'drop' },
      text: `${info.ref} policy drop`,
    });
  return out;
}

function unsureDrop(m: Rule['match'], why: string, loc: Pos): Rule['match'] {
  const { iif: _iif, oif: _oif, ...rest } = m;
  return { ...rest, state: NO_STATE, uncertain: [...(m.uncertain ?? []), { field: 'state', why, loc }] };
}

/** Whether two tables' chains see the same packets: same family, or one of them inet (IPv4 and IPv6). */
function sameTraffic(a: ChainInfo, b: ChainInfo): boolean {
  const fa = a.table.family;
  const fb = b.table.family;
  return fa === fb || fa === 'inet' || fb === 'inet';
}

/**
 * The runs of base chains of a hook (sorted by priority) with equal priority in different tables that
 * see the same packets: nft leaves their order undefined, and the kernel puts a hook registered later
 * before those of equal priority already there (nf_hook_entries_grow), so the order can be the
 * reverse of the file's. Each run in file order, of chains that share traffic with another of it.
 */
function ties(list: readonly ChainInfo[]): ChainInfo[][] {
  const out: ChainInfo[][] = [];
  for (let i = 0; i < list.length;) {
    const first = must(list[i], 'a chain');
    let j = i + 1;
    while (j < list.length && baseOf(must(list[j], 'a chain')).priority === baseOf(first).priority) j++;
    const run = list.slice(i, j);
    const shared = run.filter((a) => run.some((b) => b.table !== a.table && sameTraffic(a, b)));
    if (shared.length > 1) out.push(shared);
    i = j;
  }
  return out;
}

function chainList(g: readonly ChainInfo[]): string {
  const refs = g.map((i) => i.ref);
  return refs.length === 2
    ? `${refs[0] ?? ''} and ${refs[1] ?? ''}`
    : `${refs.slice(0, -1).join(', ')} and ${refs.at(-1) ?? ''}`;
}

/** "inet a pre and inet b pre are both on the prerouting hook with priority 0" */
function tiedText(g: readonly ChainInfo[], where: string): string {
  const prio = String(baseOf(must(g[0], 'a chain')).priority);
  return `${chainList(g)} are ${g.length === 2 ? 'both' : 'all'} ${where} with priority ${prio}`;
}

function unorderedOf(g: readonly ChainInfo[], hook: string): UnorderedChains {
  return {
    chains: g.map((i) => i.ref),
    why:
      `nft leaves the order of ${chainList(g)} (hook ${hook}, priority ${String(baseOf(must(g[0], 'a chain')).priority)}) ` +
      'undefined: equal priorities in different tables (docs/semantics.md#nft-hooks)',
  };
}

/**
 * Priority of connection tracking on the prerouting and output hooks (NF_IP_PRI_CONNTRACK, −200): a
 * chain of those hooks below it runs before conntrack (raw). On input, forward and postrouting the
 * entry exists already at any priority (docs/semantics.md#nft-conntrack).
 */
const CONNTRACK_PRIORITY = -200;

/**
 * Where a base chain runs relative to connection tracking (docs/semantics.md#nft-conntrack):
 * - `before`: the packet has no conntrack entry yet (netdev and inet ingress; prerouting and output
 *   below −200, where nf_conntrack_in runs: NF_IP_PRI_CONNTRACK);
 * - `at`: prerouting or output at exactly −200, before or after conntrack by the order the two hooks
 *   were registered (nf_hook_entries_grow puts a hook before those of equal priority already there);
 * - `tracked`: the entry exists and is not confirmed yet for the first packet (prerouting and output
 *   above −200; input, forward and postrouting, whose confirm hook runs last at INT_MAX);
 * - `confirmed`: netdev egress, after the postrouting confirm hook.
 */
export type CtPlace = 'before' | 'at' | 'tracked' | 'confirmed';

export function conntrackPlace(base: BaseSpec): CtPlace {
  if (base.hook === 'ingress') return 'before';
  if (base.hook === 'egress') return 'confirmed';
  if (base.hook !== 'prerouting' && base.hook !== 'output') return 'tracked';
  return base.priority < CONNTRACK_PRIORITY ? 'before' : base.priority === CONNTRACK_PRIORITY ? 'at' : 'tracked';
}

/** The chains `from` and every chain they jump or go to. */
export function reach(infos: Map<string, ChainInfo>, from: readonly ChainInfo[]): Set<string> {
  const seen = new Set<string>();
  const todo = from.map((i) => i.ref);
  for (let ref = todo.pop(); ref !== undefined; ref = todo.pop()) {
    if (seen.has(ref)) continue;
    seen.add(ref);
    for (const t of infos.get(ref)?.targets ?? []) todo.push(t);
  }
  return seen;
}

function guards(info: ChainInfo): Rule[] {
  const b = baseOf(info);
  const out: Rule[] = [];
  const fam = info.table.family;
  if (fam === 'ip' || fam === 'ip6') {
    out.push(
      familyGuard({
        id: `implicit:family:${info.ref}`,
        loc: b.pos,
        label: `${fam} family of ${info.ref}`,
        sees: fam === 'ip' ? 'IPv4' : 'IPv6',
        implicit: fam === 'ip' ? IP_TABLE_GUARD : IP6_TABLE_GUARD,
        text: `(${fam} table: ${fam === 'ip' ? 'IPv6' : 'IPv4'} packets do not traverse it)`,
      }),
    );
  }
  if ((fam === 'netdev' || b.hook === 'ingress' || b.hook === 'egress') && b.devices.length) {
    out.push({
      id: `implicit:devices:${info.ref}`,
      loc: b.pos,
      label: `devices of ${info.ref}`,
      match: b.hook === 'egress' ? { oif: NameSet.except(b.devices) } : { iif: NameSet.except(b.devices) },
      action: { kind: 'accept' },
      implicit: DEVICE_GUARD,
      unseen: `traffic of other ${b.hook === 'egress' ? 'output' : 'input'} devices`,
      text: `(bound to ${b.devices.join(', ')})`,
    });
  }
  return out;
}

function policyOf(info: ChainInfo): ChainPolicy {
  const b = baseOf(info);
  if (b.policy) {
    return {
      action: b.policy.value === 'drop' ? 'drop' : 'accept',
      loc: b.policy.pos,
      reason: explicitPolicyReason(info.ref, b.policy.value),
      source: 'explicit',
    };
  }
  return { action: 'accept', loc: b.pos, reason: defaultPolicyReason(info.ref), source: 'default' };
}

/** The model ruleset: every chain (base chains with policy and guards), and the two paths. */
export function buildRuleset(ctx: Ctx, infos: Map<string, ChainInfo>, hooks: Hooks): Ruleset {
  const chains: Record<string, Chain> = {};
  const staged = new Set(
    [...hooks.stages.values(), hooks.natPrerouting, hooks.natPostrouting].flat().map((i) => i.ref),
  );
  for (const info of infos.values()) {
    // Most chains neither translate nor have effects: their entries' rules are the model's as they are.
    const rules: Rule[] = info.special ? [] : info.rules;
    if (info.special)
      for (let i = 0; i < info.rules.length; i++) {
        const e: Entry = { rule: must(info.rules[i], 'an entry'), flat: must(info.flats[i], 'an entry') };
        if (e.flat.nat) for (const r of natRules(ctx, e)) rules.push(r);
        else if (e.flat.effects.length === 0) rules.push(e.rule);
        else for (const r of withNotrack(e)) rules.push(r);
      }
    if (hooks.bridgeReach.has(info.ref)) {
      // No policy: a policy drop is an uncertain rule now (bridgeRules), and the end of the chain
      // decides nothing (the verdicts name the chains of the IP families).
      chains[info.ref] = { name: info.ref, mode: 'first-match', rules: bridgeRules(ctx, info, rules) };
      continue;
    }
    if (staged.has(info.ref)) {
      const g = guards(info);
      chains[info.ref] = {
        name: info.ref,
        mode: 'first-match',
        rules: g.length ? [...g, ...rules] : rules,
        policy: policyOf(info),
      };
    } else chains[info.ref] = { name: info.ref, mode: 'first-match', rules };
  }
  const nat = new Map<string, ChainInfo[]>([
    ['prerouting', hooks.natPrerouting],
    ['postrouting', hooks.natPostrouting],
  ]);
  const stagesOf = (hook: string): Stage[] =>
    hookStages(hook, hooks.stages.get(hook) ?? [], nat.get(hook) ?? [], hooks.unordered);
  // Bridge chains: on a bridge port, prerouting and input before the IP stack sees the packet, output
  // and postrouting after it sent it (docs/semantics.md#nft-bridge).
  const bridgeIn = bridgeStages(hooks.bridge, ['prerouting', 'input']);
  const bridgeOut = bridgeStages(hooks.bridge, ['output', 'postrouting']);
  const afterIngress = (hooks2: readonly string[], last: Stage[]): Stage[] => {
    const [first, ...rest] = hooks2;
    return [...(first ? stagesOf(first) : []), ...bridgeIn, ...rest.flatMap(stagesOf), ...last];
  };
  const forward = afterIngress(FORWARD_PATH.slice(0, -1), bridgeOut).concat(stagesOf('egress'));
  const input = afterIngress(INPUT_PATH, []);
  // The firewall's own packets (e.g. echo replies): output, then postrouting (docs/semantics.md#nft-hooks).
  const output = [...['output', 'postrouting'].flatMap(stagesOf), ...bridgeOut];
  const sysctl = ctx.options.sysctl ?? {};
  const off: Rule[] = [];
  for (const [key, fam, universe] of [
    ['net.ipv4.ip_forward', 'IPv4', ANY_V4],
    ['net.ipv6.conf.all.forwarding', 'IPv6', ANY_V6],
  ] as const) {
    if (sysctl[key]?.trim() !== '0') continue;
    off.push({
      id: `implicit:sysctl:${key}`,
      loc: ctx.doc.root,
      label: `${key} = 0`,
      match: { src: universe },
      action: { kind: 'drop' },
      implicit: `${key} = 0 from --sysctl: the host does not route ${fam} (docs/semantics.md#nft-hooks)`,
      text: `${key} = 0`,
    });
  }
  if (off.length) {
    chains['sysctl forwarding'] = {
      name: 'sysctl forwarding',
      mode: 'first-match',
      rules: off,
      policy: { action: 'accept', loc: ctx.doc.root, reason: 'forwarding enabled', source: 'explicit' },
    };
    forward.unshift({ name: 'routing', chains: ['sysctl forwarding'] });
  }
  if (forward.length === 0 && Object.keys(chains).length > 0)
    ctx.note(
      'no base chain filters the forward path (hooks prerouting, forward, postrouting): routed traffic is not filtered',
    );
  return { chains, forward, input, output };
}

/** The bridge chains of `hooks` as one filter stage each, in priority order ("bridge prerouting"). */
function bridgeStages(bridge: Map<string, ChainInfo[]>, hooks: readonly string[]): Stage[] {
  const out: Stage[] = [];
  for (const hook of hooks) {
    const list = bridge.get(hook) ?? [];
    if (list.length === 0) continue;
    const stage: Stage = { name: `bridge ${hook}`, chains: list.map((i) => i.ref) };
    // Before routing (and on the way up to the IP stack) there is no output device.
    if (hook === 'prerouting' || hook === 'input') stage.egressUnknown = true;
    out.push(stage);
  }
  return out;
}

/** The NAT hook on prerouting (NF_IP_PRI_NAT_DST): where conntrack maps replies to a source-NATed flow back. */
const REPLY_NAT_PRIORITY = -100;

/**
 * The base chains of one hook as stages, by priority: consecutive chains of one kind form a stage
 * (filter, raw before conntrack, or NAT); the first filter stage keeps the hook's name.
 */
function hookStages(
  hook: string,
  filters: ChainInfo[],
  nats: ChainInfo[],
  unordered: readonly UnorderedChains[] = [],
): Stage[] {
  const kindOf = (i: ChainInfo): StageKind =>
    i.chain.base?.type === 'nat'
      ? hook === 'prerouting'
        ? 'dnat'
        : 'snat'
      : (hook === 'prerouting' || hook === 'output') && (i.chain.base?.priority ?? 0) < CONNTRACK_PRIORITY
        ? 'raw'
        : 'filter';
  // Replies to source-NATed flows still carry the public address before the NAT hook (docs/semantics.md#nft-nat).
  const early = (i: ChainInfo): boolean =>
    i.chain.base?.type !== 'nat' &&
    (hook === 'ingress' || (hook === 'prerouting' && (i.chain.base?.priority ?? 0) < REPLY_NAT_PRIORITY));
  const all = [...filters, ...nats].sort(byPriority);
  const out: Stage[] = [];
  for (const i of all) {
    const kind = kindOf(i);
    const last = out[out.length - 1];
    if (last && (last.kind ?? 'filter') === kind && (last.beforeReplyNat === true) === early(i)) {
      last.chains.push(i.ref);
      continue;
    }
    const used = new Set(out.map((s) => s.name));
    const name =
      kind === 'filter' && !used.has(hook)
        ? hook
        : kind === 'dnat' || kind === 'snat'
          ? `${hook} nat`
          : `${hook} ${kind}`;
    const unique = used.has(name) ? `${name} ${String(i.chain.base?.priority ?? 0)}` : name;
    const stage: Stage =
      kind === 'filter' ? { name: unique, chains: [i.ref] } : { name: unique, kind, chains: [i.ref] };
    // Before routing (and on input) there is no output device: oifname matches nothing there.
    if (hook === 'prerouting' || hook === 'input' || hook === 'ingress') stage.egressUnknown = true;
    if (early(i)) stage.beforeReplyNat = true;
    out.push(stage);
  }
  // Chains of equal priority are consecutive in `all`, and of one kind: a group lies within one stage.
  for (const stage of out) {
    const groups = unordered.filter((g) => g.chains.every((c) => stage.chains.includes(c)));
    if (groups.length) stage.unordered = groups;
  }
  return out;
}

/** A rule with a `notrack` statement: the packet leaves connection tracking, then the rule's verdict applies. */
function withNotrack(e: Entry): Rule[] {
  if (!e.flat.effects.some((x) => x.what === 'notrack')) return [e.rule];
  const notrack = ruleWith(e.rule, { action: { kind: 'notrack' } });
  return e.rule.action.kind === 'continue' ? [notrack] : [notrack, e.rule];
}
