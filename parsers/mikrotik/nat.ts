import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { Setting } from '../../src/model/location.js';
import { dnatRule, natChain, snatRule, withNatStages } from '../../src/model/nat-stages.js';
import type { DnatRule, Match, Nat, Ruleset, SnatRule } from '../../src/model/policy.js';
import type { Family } from './address-lists.js';
import { MASQUERADE_PORTS, NAT_MODE_REASON } from './defaults.js';
import { andMatch, buildMatch, matchesOverlap, parsePorts, universe, type RuleEnv } from './matchers.js';
import type { Item, Store } from './store.js';
import { isYes } from './store.js';
import { contentId, quoteComment, ruleText } from './text.js';

/**
 * `/ip firewall nat` (and `/ipv6 firewall nat`) → the model's first-match DNAT and SNAT lists
 * (vendor-semantics C.3). dstnat runs in prerouting, before the forward filter, which then sees the
 * translated destination (C.2, F.7). User chains entered with `jump` are flattened: each rule of
 * the called chain gets the jump's conditions too. srcnat `accept` is "no NAT" (SnatRule 'none').
 * Masquerade and src-nat keep the source port when it is free; only v7 endpoint-independent NAT
 * with randomise-ports=yes randomises it.
 */

interface NatEntry {
  item: Item;
  index: number;
  family: Family;
  label: string;
  match: Match;
  action: string;
}

const MAX_DEPTH = 16;

export function buildNat(env: RuleEnv, store: Store): Nat {
  const { ctx } = env;
  const dnat: DnatRule[] = [];
  const snat: SnatRule[] = [];
  for (const family of ['ip', 'ipv6'] as const) {
    const menuPath = `${family} firewall nat`;
    const chains = new Map<string, NatEntry[]>();
    store.items(menuPath).forEach((item, index) => {
      if (item.disabled) return;
      const chain = item.get('chain');
      const comment = item.get('comment') ?? '';
      const label = comment
        ? `NAT rule ${quoteComment(comment)}`
        : `${family === 'ip' ? '' : 'IPv6 '}NAT rule #${index}`;
      if (!chain) {
        ctx.note(`${ctx.where(item.span)}: ${label} has no chain=; RouterOS refuses it, ignored`);
        return;
      }
      const action = item.get('action') ?? 'accept';
      const bm = buildMatch(env, item, family, menuPath);
      if (bm.invalid) {
        ctx.unsupportedAt(
          bm.invalid.span,
          `/${menuPath} ${bm.invalid.message.split(':')[0]}`,
          `${label}: ${bm.invalid.message}; RouterOS refuses the command, so the rule does not exist on the device`,
        );
        return;
      }
      if (bm.never) {
        ctx.note(
          `${ctx.where(item.span)}: ${label} matches ${bm.never}, unlike the flows fwlint evaluates, so it never applies to them`,
        );
        return;
      }
      for (const u of bm.unsupported) ctx.unsupportedAt(u.span, u.what, `${label}: ${u.why}`, u.what.split('=')[0]);
      const entries: Match[] = bm.eitherPort
        ? [
            { ...bm.match, dport: bm.eitherPort },
            { ...bm.match, sport: bm.eitherPort },
          ]
        : [bm.match];
      const list = chains.get(chain) ?? [];
      for (const match of entries) list.push({ item, index, family, label, match, action });
      chains.set(chain, list);
    });
    const seenExclusions = new Set<Item>();
    walkDnat(env, menuPath, chains, 'dstnat', {}, 0, [], dnat, seenExclusions, undefined);
    walkSnat(env, menuPath, chains, 'srcnat', {}, 0, snat, undefined);
    for (const chain of chains.keys()) {
      if (chain === 'input' || chain === 'output') {
        ctx.note(`/${menuPath} chain=${chain} (v7 NAT for the router's own traffic) is not evaluated`);
      }
    }
  }
  const anchor = store.get('ip firewall nat')?.anchor;
  const mode: Setting<string> = {
    value: 'srcnat rules only',
    source: 'default',
    loc: anchor ? ctx.loc(anchor) : ctx.headerLoc,
    reason: NAT_MODE_REASON,
  };
  return { dnat, snat, mode };
}

function viaText(via: NatEntry | undefined, env: RuleEnv): string {
  return via ? ` (reached by jump from line ${env.ctx.line(via.item.span.start)})` : '';
}

/** dstnat: dst-nat/netmap/same translate; jump flattens; accept/return exclude (not expressible: FWL900 when it matters). */
function walkDnat(
  env: RuleEnv,
  menuPath: string,
  chains: Map<string, NatEntry[]>,
  chain: string,
  prefix: Match,
  depth: number,
  exclusions: NatEntry[],
  out: DnatRule[],
  seen: Set<Item>,
  via: NatEntry | undefined,
): void {
  const { ctx } = env;
  if (depth > MAX_DEPTH) return;
  const local: NatEntry[] = [...exclusions];
  for (const e of chains.get(chain) ?? []) {
    const m = andMatch(prefix, e.match);
    if (!m) continue;
    switch (e.action) {
      case 'dst-nat':
      case 'netmap':
      case 'same': {
        const to = dnatTarget(env, e);
        if (!to) continue;
        for (const x of local) {
          if (seen.has(x.item) || !matchesOverlap(x.match, m)) continue;
          seen.add(x.item);
          ctx.unsupportedAt(
            x.item.span,
            `/${menuPath} chain=${x.item.get('chain')} action=${x.action}`,
            `${x.label}: exempts traffic from the destination NAT that follows (${e.label}, line ${ctx.line(e.item.span.start)}); fwlint cannot express the exemption and treats that traffic as forwarded`,
          );
        }
        const text = `${ruleText(menuPath, e.item)}${via ? ` via ${ruleText(menuPath, via.item)}` : ''}`;
        const rule: DnatRule = {
          id: ctx.uniqueId(contentId('dstnat', text, e.item.get('comment') ?? '')),
          loc: ctx.loc(e.item.span),
          label: `${e.label}${viaText(via, env)}`,
          match: m,
          to,
          bypassFilter: false, // C.2: forwarded packets still pass the forward chain
          text,
        };
        const comment = e.item.get('comment');
        if (comment) rule.comment = comment; // inline suppressions
        out.push(rule);
        continue;
      }
      case 'jump': {
        const target = e.item.get('jump-target');
        if (target) walkDnat(env, menuPath, chains, target, m, depth + 1, local, out, seen, via ?? e);
        continue;
      }
      case 'accept':
      case 'return':
        local.push({ ...e, match: m });
        continue;
      case 'redirect':
        ctx.unsupportedAt(
          e.item.span,
          `/${menuPath} action=redirect`,
          `${e.label}: redirects matching traffic to the router itself (${e.item.get('to-ports') ? `to-ports=${e.item.get('to-ports')}` : 'same port'}); the router's own services then answer it, while fwlint evaluates that traffic as routed`,
          'redirect',
        );
        continue;
      case 'passthrough':
      case 'log':
      case 'add-src-to-address-list':
      case 'add-dst-to-address-list':
        continue;
      case 'endpoint-independent-nat':
        // The dstnat half of endpoint-independent NAT admits replies to existing mappings only.
        continue;
      case 'masquerade':
      case 'src-nat':
        ctx.note(
          `${ctx.where(e.item.span)}: ${e.label}: action=${e.action} in chain ${chain}; RouterOS only applies it in srcnat, ignored`,
        );
        continue;
      default:
        ctx.unsupportedAt(
          e.item.prop('action')?.span ?? e.item.span,
          `/${menuPath} action=${e.action}`,
          `${e.label}: NAT action "${e.action}" is not modeled`,
        );
    }
  }
}

/** Where a dst-nat sends packets: to-addresses (an address or a range) and the first of to-ports. */
function dnatTarget(env: RuleEnv, e: NatEntry): DnatRule['to'] | undefined {
  const { ctx } = env;
  const p = e.item.prop('to-addresses') ?? e.item.prop('to-address');
  const portsText = e.item.get('to-ports');
  let addr: AddrSet = NO_ADDR;
  if (p) {
    const s = parseAddressSpec(p.value);
    if (!s || !s.intersect(universe(e.family)).equals(s)) {
      ctx.unsupportedAt(
        p.span,
        `/${e.family} firewall nat to-addresses=${p.value}`,
        `${e.label}: not an ${e.family === 'ip' ? 'IPv4' : 'IPv6'} address or range; RouterOS refuses the rule`,
      );
      return undefined;
    }
    addr = s;
  } else {
    ctx.unsupportedAt(
      e.item.span,
      `/${e.family} firewall nat action=${e.action} without to-addresses`,
      `${e.label}: only the destination port changes (to-ports=${portsText ?? 'none'}); the destination stays the router or the original host, which fwlint does not model as a port-forward`,
    );
    return undefined;
  }
  const to: DnatRule['to'] = { addr };
  if (portsText) {
    const ps = parsePorts(portsText);
    if (ps && !ps.isEmpty) to.port = ps.bounds[0]!;
  }
  return to;
}

/** srcnat: masquerade/src-nat/netmap/same/endpoint-independent-nat translate, accept = no NAT, jump flattens. */
function walkSnat(
  env: RuleEnv,
  menuPath: string,
  chains: Map<string, NatEntry[]>,
  chain: string,
  prefix: Match,
  depth: number,
  out: SnatRule[],
  via: NatEntry | undefined,
): void {
  const { ctx } = env;
  if (depth > MAX_DEPTH) return;
  for (const e of chains.get(chain) ?? []) {
    const m = andMatch(prefix, e.match);
    if (!m) continue;
    const text = `${ruleText(menuPath, e.item)}${via ? ` via ${ruleText(menuPath, via.item)}` : ''}`;
    const base = {
      id: '',
      loc: ctx.loc(e.item.span),
      label: `${e.label}${viaText(via, env)}`,
      match: m,
      text,
      ...(e.item.get('comment') ? { comment: e.item.get('comment') } : {}),
    };
    switch (e.action) {
      case 'masquerade':
      case 'src-nat':
      case 'netmap':
      case 'same':
      case 'endpoint-independent-nat': {
        const rule: SnatRule = {
          ...base,
          id: ctx.uniqueId(contentId('srcnat', text, e.item.get('comment') ?? '')),
          action: 'translate',
          ...ports(e),
        };
        out.push(rule);
        continue;
      }
      case 'accept': {
        const rule: SnatRule = {
          ...base,
          id: ctx.uniqueId(contentId('srcnat', text, e.item.get('comment') ?? '')),
          action: 'none',
          ports: 'preserve',
          portsReason: 'action=accept in srcnat: the source is not translated',
        };
        out.push(rule);
        continue;
      }
      case 'jump': {
        const target = e.item.get('jump-target');
        if (target) walkSnat(env, menuPath, chains, target, m, depth + 1, out, via ?? e);
        continue;
      }
      case 'return':
        if (depth > 0)
          ctx.unsupportedAt(
            e.item.span,
            `/${menuPath} chain=${chain} action=return`,
            `${e.label}: returns to the calling chain; later rules of this chain are evaluated as if it were not there`,
            'srcnat return',
          );
        continue;
      case 'passthrough':
      case 'log':
      case 'add-src-to-address-list':
      case 'add-dst-to-address-list':
        continue;
      case 'dst-nat':
      case 'redirect':
        ctx.note(
          `${ctx.where(e.item.span)}: ${e.label}: action=${e.action} in chain ${chain}; RouterOS only applies it in dstnat, ignored`,
        );
        continue;
      default:
        ctx.unsupportedAt(
          e.item.prop('action')?.span ?? e.item.span,
          `/${menuPath} action=${e.action}`,
          `${e.label}: NAT action "${e.action}" is not modeled`,
        );
    }
  }
}

function ports(e: NatEntry): Pick<SnatRule, 'ports' | 'portsReason'> {
  const toPorts = e.item.get('to-ports');
  if (e.action === 'endpoint-independent-nat') {
    const rnd = e.item.prop('randomise-ports');
    if (rnd && isYes(rnd.value))
      return {
        ports: 'random',
        portsReason:
          'endpoint-independent-nat randomise-ports=yes picks a random source port for each mapping (vendor-semantics C.3)',
      };
    return {
      ports: 'preserve',
      portsReason:
        'endpoint-independent-nat without randomise-ports=yes keeps the source port when it is free (vendor-semantics C.3; default randomise-ports=no [U])',
    };
  }
  if (e.action === 'netmap')
    return { ports: 'preserve', portsReason: 'netmap maps addresses 1:1 and keeps ports (vendor-semantics C.3)' };
  if (toPorts)
    return {
      ports: 'random',
      portsReason: `to-ports=${toPorts}: source ports outside ${toPorts} are rewritten into it`,
    };
  return { ports: 'preserve', portsReason: MASQUERADE_PORTS };
}

/** RouterOS packet flow (docs/semantics.md#ros-nat): raw prerouting, dstnat, filter forward/input, srcnat. */
export function withRouterOsNat(rs: Ruleset, nat: Nat): Ruleset {
  return withNatStages(rs, {
    dnat: {
      stage: { name: 'dstnat', kind: 'dnat', chains: ['nat:dstnat'] },
      chain: natChain('nat:dstnat', nat.dnat.map(dnatRule)),
      before: { forward: 'filter forward', input: 'filter input' },
    },
    snat: {
      stage: { name: 'srcnat', kind: 'snat', chains: ['nat:srcnat'] },
      chain: natChain('nat:srcnat', nat.snat.map(snatRule)),
    },
  });
}
