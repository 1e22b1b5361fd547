import { ANY_V6, NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { SourceLocation } from '../../src/model/location.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Chain, ChainPolicy, Rule, Ruleset, Stage } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';
import type { Env } from './addresses.js';
import { Fields, child, type Ctx } from './context.js';
import {
  ANTI_LOCKOUT_IMPLICIT,
  BLOCKPRIV_IMPLICIT,
  DEFAULT_DENY_REASON,
  DISABLEFILTER_REASON,
  disablefilterOff,
  OPN_DEFAULT_DENY_REASON,
  OPN_PASS_OUT_IMPLICIT,
  PASS_OUT_IMPLICIT,
} from './defaults.js';
import { KEY_SHIFT, type FilterEntry } from './rules.js';
import type { XmlElement } from './xml.js';
import { literal } from '../toolkit/values.js';

const PRIVATE_NETS = ['10.0.0.0/8', '127.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'];

/** Keys compare part by part, a missing part as 0; a number is pfSense's [category, index] (rules.ts KEY_SHIFT). */
function compareKeys(a: number | number[], b: number | number[]): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'number' ? keyParts(a) : a;
  const y = typeof b === 'number' ? keyParts(b) : b;
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function keyParts(key: number): number[] {
  return [Math.floor(key / KEY_SHIFT), key % KEY_SHIFT];
}

/** Where section-level defaults live: the start tag of <filter>, else the root. */
export function filterLoc(ctx: Ctx): SourceLocation {
  const filter = child(ctx.root, 'filter');
  return filter ? ctx.openLoc(filter) : ctx.rootLoc;
}

/**
 * pfSense anti-lockout (A.2, filter.inc ~L5480): `pass in quick on <LAN> proto tcp to (<LAN>) port
 * {GUI ports}`; on WAN when it is the only interface. OPNsense (filter_core_get_antilockout) uses
 * the primary interface and `to (self)`.
 */
function antiLockout(env: Env): Rule | undefined {
  const { ctx, ifaces } = env;
  const system = child(ctx.root, 'system');
  const webgui = child(system, 'webgui');
  const wf = webgui ? new Fields(webgui) : undefined;
  if (wf?.has('noantilockout')) return undefined;
  const count = ifaces.byKey.size;
  const lan = ifaces.get('lan');
  const wan = ifaces.get('wan');
  const target =
    lan?.enabled && (count > 1 || ctx.platform === 'opnsense') ? lan : count === 1 && wan?.enabled ? wan : undefined;
  if (!target) return undefined;
  const proto = wf?.str('protocol') ?? '';
  const port = wf?.str('port') ?? '';
  const ports: number[] = [Number(port || (proto === 'https' ? 443 : 80))];
  if (proto === 'https' && !wf?.has('disablehttpredirect') && ports[0] !== 80) ports.push(80);
  const ssh = child(system, 'ssh');
  const sf = ssh ? new Fields(ssh) : undefined;
  const sshOn = ctx.platform === 'pfsense' ? sf?.has('enable') : sf?.has('enabled');
  if (sshOn && sf) ports.push(Number(sf.str('port') || 22));
  const valid = ports.filter((p) => Number.isInteger(p) && p > 0 && p <= 65535);
  const dst: AddrSet = ctx.platform === 'pfsense' ? target.addresses : ifaces.selfAddresses;
  const rule: Rule = {
    id: 'implicit:anti-lockout',
    loc: webgui ? ctx.openLoc(webgui) : system ? ctx.openLoc(system) : ctx.rootLoc,
    label: 'anti-lockout rule',
    match: {
      iif: NameSet.of([target.key]),
      proto: protoSet([PROTO.tcp]),
      dport: portSet(valid.map((p) => [p, p] as const)),
    },
    action: { kind: 'accept' },
    quick: true,
    keepState: true,
    implicit: ANTI_LOCKOUT_IMPLICIT,
    text:
      `pass in quick on ${target.key} proto tcp to ${ctx.platform === 'pfsense' ? `${target.key}ip` : '(self)'} port ` +
      `{${valid.join(' ')}}`,
  };
  if (!dst.isEmpty) rule.match.dst = dst;
  else if (target.dynamic4 || target.dynamic6) {
    rule.match.symbolic = [{ field: 'dst', kind: 'dynamic', name: `${target.key}ip`, loc: rule.loc }];
  }
  return rule;
}

/** `<blockpriv>` on an interface: quick block of private sources (A.2 step 1). `<blockbogons>` is only noted. */
function privateBlocks(env: Env): Rule[] {
  const { ctx, ifaces } = env;
  const out: Rule[] = [];
  let priv: AddrSet = NO_ADDR;
  for (const c of PRIVATE_NETS) priv = priv.union(literal(parseAddressSpec(c), c));
  for (const info of ifaces.byKey.values()) {
    if (!info.enabled) continue;
    const f = new Fields(info.el);
    if (ctx.flag(f, 'blockbogons')) {
      ctx.note(
        `interface ${info.key} blocks bogon networks (<blockbogons>); the bogons table is not modeled (bogons are never ` +
          `valid provider addresses)`,
      );
    }
    if (!ctx.flag(f, 'blockpriv')) continue;
    const el = f.get('blockpriv');
    if (!el) continue;
    out.push({
      id: `implicit:blockpriv:${info.key}`,
      loc: ctx.loc(el),
      label: `block private networks on ${info.key}`,
      match: { iif: NameSet.of([info.key]), src: priv },
      action: { kind: 'drop' },
      quick: true,
      implicit: BLOCKPRIV_IMPLICIT,
      text: `block in quick on ${info.key} from {${PRIVATE_NETS.join(' ')}}`,
    });
  }
  return out;
}

/**
 * Without <system><ipv6allow> pfSense emits `block in/out quick inet6 all` ("Block all IPv6",
 * filter.inc PFCONFIG_FILTER_BLOCK_IPV6); OPNsense registers the same rule unless IPv6 is allowed.
 */
function blockAllIpv6(ctx: Ctx): Rule | undefined {
  const system = child(ctx.root, 'system');
  if (system && ctx.flag(new Fields(system), 'ipv6allow')) return undefined;
  return {
    id: 'implicit:block-ipv6',
    loc: system ? ctx.openLoc(system) : ctx.rootLoc,
    label: 'Block all IPv6',
    match: { src: ANY_V6 },
    action: { kind: 'drop' },
    quick: true,
    implicit: `${ctx.vendorName}: IPv6 is not allowed (no <system><ipv6allow>), so all IPv6 traffic is blocked (quick)`,
    text: 'block quick inet6 all',
  };
}

function passOut(ctx: Ctx): Rule {
  return {
    id: 'implicit:pass-out',
    loc: filterLoc(ctx),
    label: 'let out anything from firewall host itself',
    match: {},
    action: { kind: 'accept' },
    quick: false,
    keepState: true,
    implicit: ctx.platform === 'pfsense' ? PASS_OUT_IMPLICIT : OPN_PASS_OUT_IMPLICIT,
    text: 'pass out all keep state allow-opts',
  };
}

export function disableFilterElement(ctx: Ctx): XmlElement | undefined {
  const system = child(ctx.root, 'system');
  if (!system) return undefined;
  const f = new Fields(system);
  return ctx.flag(f, 'disablefilter') ? f.get('disablefilter') : undefined;
}

/** The user rules of pf-in and pf-out, in chain order. */
interface Placed {
  inRules: Rule[];
  outRules: Rule[];
}

/** Puts an entry's rule into its chains: used as is for its first chain and copied for the second. */
function place(e: FilterEntry, to: Placed): void {
  if (e.inbound) {
    const r: Rule = e.outbound ? { ...e.rule, match: { ...e.rule.match } } : e.rule;
    if (e.ifaces) r.match.iif = e.ifaces;
    to.inRules.push(r);
  }
  if (e.outbound) {
    const r: Rule = e.rule;
    if (e.ifaces) r.match.oif = e.ifaces;
    to.outRules.push(r);
  }
}

/** Collects the user rules' entries as they are built and gives them in chain order, as runs to join. */
export interface UserRules {
  add(e: FilterEntry): void;
  placed(): Placed[];
}

/** Any entries (OPNsense: priorities, MVC sequences, port-forward rules): kept until all are in, then sorted. */
export class SortedRules implements UserRules {
  private readonly entries: FilterEntry[] = [];

  add(e: FilterEntry): void {
    this.entries.push(e);
  }

  placed(): Placed[] {
    const out: Placed = { inRules: [], outRules: [] };
    const sorted = [...this.entries].sort((a, b) => compareKeys(a.sortKey, b.sortKey));
    for (const e of sorted) place(e, out);
    return [out];
  }
}

/**
 * pfSense's entries, whose keys are category · KEY_SHIFT + position and which are built in document
 * order: each rule goes straight into its category's chains, so no entry per rule is kept until a
 * sort (100k entries were garbage once sorted). The order is the sorted one.
 */
export class CategoryRules implements UserRules {
  private readonly cats: Placed[] = [];
  private readonly last: number[] = [];

  add(e: FilterEntry): void {
    const key = e.sortKey;
    const cat = typeof key === 'number' ? Math.floor(key / KEY_SHIFT) : -1;
    if (typeof key !== 'number' || cat < 0 || key < (this.last[cat] ?? -1))
      throw new Error('pfSense rule entries must come with numeric keys in document order');
    this.last[cat] = key;
    let to = this.cats[cat];
    if (!to) {
      for (let c = this.cats.length; c <= cat; c++) this.cats.push({ inRules: [], outRules: [] });
      to = this.cats[cat] ?? { inRules: [], outRules: [] };
    }
    place(e, to);
  }

  placed(): Placed[] {
    return this.cats;
  }
}

/**
 * pf as two last-match chains (A.2): `pf-in` (rules for direction in/any, matched on iif) and
 * `pf-out` (direction out/any, matched on oif), both with pf's non-quick default block as policy.
 */
export function buildRuleset(env: Env, rules: UserRules): Ruleset {
  const { ctx } = env;
  const disabled = disableFilterElement(ctx);
  let policy: ChainPolicy = {
    action: 'drop',
    source: 'default',
    loc: filterLoc(ctx),
    reason: ctx.platform === 'pfsense' ? DEFAULT_DENY_REASON : OPN_DEFAULT_DENY_REASON,
  };
  let inRules: Rule[] = [];
  let outRules: Rule[] = [];
  // pf off (docs/semantics.md#pf-disablefilter): a stage before the filter takes every packet out of
  // tracking, as RouterOS `connection tracking enabled=no` does: no NAT, no state, no UDP timeout.
  let off: Stage | undefined;
  const chains: Record<string, Chain> = {};
  if (disabled) {
    const loc = ctx.loc(disabled);
    policy = { action: 'accept', source: 'explicit', loc, reason: DISABLEFILTER_REASON };
    ctx.unsupportedAt(
      disabled,
      '<system><disablefilter>',
      'pf is disabled: fwlint assumes every packet passes, untranslated and without a state, which the vendor ' +
        'describes only in outline; findings that rest on it are uncertain ' +
        '(docs/semantics.md#pf-disablefilter, docs/semantics.md#unconfirmed)',
    );
    ctx.note('<system><disablefilter> is set: filter rules and NAT are not applied');
    chains['pf-disabled'] = {
      name: 'pf-disabled',
      mode: 'first-match',
      // No policy: the stand-in decides nothing but untracking; the accepting chain policies follow.
      rules: [
        {
          id: 'implicit:pf-disabled',
          loc,
          label: '<system><disablefilter>',
          match: {},
          action: { kind: 'notrack' },
          implicit: disablefilterOff(loc.line),
          text: 'pfctl -d',
        },
      ],
    };
    off = { name: 'pf disabled', kind: 'raw', chains: ['pf-disabled'] };
  } else {
    // Implicit rules emitted before the user rules (A.2 step 1). They are quick, so their place
    // among the quick rules is what matters: before every user rule.
    const v6 = blockAllIpv6(ctx);
    if (v6) {
      inRules.push(v6);
      outRules.push({ ...v6, id: 'implicit:block-ipv6-out' });
    }
    const al = antiLockout(env);
    if (al) inRules.push(al);
    inRules.push(...privateBlocks(env));
    // pfSense emits "let out anything" (PFCONFIG_FILTER_SELF) before the user rules; OPNsense
    // registers it at priority 5. Being non-quick, later floating `out` rules override it.
    outRules.push(passOut(ctx));
    // One native copy of each run (no iterator step or growing array per rule).
    const runs = rules.placed();
    inRules = inRules.concat(...runs.map((r) => r.inRules));
    outRules = outRules.concat(...runs.map((r) => r.outRules));
  }
  const pfIn: Chain = { name: 'pf-in', mode: 'last-match', rules: inRules, policy };
  const pfOut: Chain = { name: 'pf-out', mode: 'last-match', rules: outRules, policy: { ...policy } };
  const first = off ? [off] : [];
  return {
    chains: { ...chains, 'pf-in': pfIn, 'pf-out': pfOut },
    forward: [...first, { name: 'in', chains: ['pf-in'] }, { name: 'out', chains: ['pf-out'] }],
    input: [...first, { name: 'in', chains: ['pf-in'] }],
  };
}
