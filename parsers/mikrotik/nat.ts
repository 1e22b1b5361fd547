import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import type { Setting } from '../../src/model/location.js';
import { redirectTarget, type Action, type DnatTarget, type Nat, type SnatTarget } from '../../src/model/policy.js';
import type { Family } from './address-lists.js';
import { MASQUERADE_PORTS, NAT_MODE_REASON } from './defaults.js';
import { parsePorts, universe, type RuleEnv } from './matchers.js';
import type { Item, Store } from './store.js';
import { isYes } from './store.js';

/**
 * `/ip firewall nat` (and `/ipv6 firewall nat`) actions → the model's NAT actions
 * (docs/semantics.md#ros-nat). The rules themselves are chains like the filter's (filter.ts): dstnat
 * runs in prerouting before the forward filter, which then sees the translated destination; srcnat
 * in postrouting. The engine walks them (jump, return, accept = no NAT). Masquerade and src-nat keep
 * the source port when it is free; only v7 endpoint-independent NAT with randomise-ports=yes
 * randomises it.
 */

interface NatEntry {
  item: Item;
  family: Family;
  label: string;
  action: string;
}

/** The model action of a NAT rule, or undefined when RouterOS would not apply it (reported). */
export function natAction(env: RuleEnv, item: Item, family: Family, label: string, chain: string): Action | undefined {
  const { ctx } = env;
  const action = item.get('action') ?? 'accept';
  const e: NatEntry = { item, family, label, action };
  switch (action) {
    case 'dst-nat':
    case 'netmap':
    case 'same':
      if (chain === 'srcnat' && action !== 'dst-nat') return { kind: 'snat', to: { ...ports(e), ...snatTo(e) } };
      if (chain === 'srcnat') break;
      {
        const to = dnatTarget(env, e);
        return to ? { kind: 'dnat', to } : { kind: 'continue' }; // reported by dnatTarget
      }
    case 'redirect': {
      if (chain === 'srcnat') break;
      // redirect = dst-nat to the router itself, at its address on the incoming interface (model redirectTarget).
      const p = item.get('to-ports');
      const ps = p ? parsePorts(p) : undefined;
      return { kind: 'dnat', to: redirectTarget(ps?.bounds[0]) };
    }
    case 'masquerade':
    case 'src-nat':
    case 'endpoint-independent-nat':
      // The dstnat half of endpoint-independent NAT admits replies to existing mappings only.
      if (chain === 'dstnat' && action === 'endpoint-independent-nat') return { kind: 'continue' };
      if (chain === 'dstnat') break;
      return { kind: 'snat', to: { ...ports(e), ...snatTo(e) } };
    default:
      return undefined; // accept, return, jump, passthrough, log...: the filter's action table
  }
  ctx.note(
    `${ctx.where(item.span)}: ${label}: action=${action} in chain ${chain}; ` +
      `RouterOS only applies it in ${chain === 'srcnat' ? 'dstnat' : 'srcnat'}, ignored`,
  );
  return { kind: 'continue' };
}

function snatTo(e: NatEntry): Partial<SnatTarget> {
  const p = e.item.prop('to-addresses') ?? e.item.prop('to-address');
  if (!p || e.action === 'masquerade') return {};
  const s = parseAddressSpec(p.value);
  return s && !s.isEmpty ? { addr: s.intersect(universe(e.family)) } : {};
}

/** NAT mode and the NAT chains fwlint does not evaluate. */
export function buildNat(env: RuleEnv, store: Store): Nat {
  const { ctx } = env;
  for (const family of ['ip', 'ipv6'] as const) {
    const chains = new Set(store.items(`${family} firewall nat`).map((i) => i.get('chain')));
    for (const chain of ['input', 'output'])
      if (chains.has(chain))
        ctx.note(`/${family} firewall nat chain=${chain} (v7 NAT for the router's own traffic) is not evaluated`);
  }
  const anchor = store.get('ip firewall nat')?.anchor;
  const mode: Setting<string> = {
    value: 'srcnat rules only',
    source: 'default',
    loc: anchor ? ctx.loc(anchor) : ctx.headerLoc,
    reason: NAT_MODE_REASON,
  };
  return { dnat: [], snat: [], mode };
}

/** Where a dst-nat sends packets: to-addresses (an address or a range) and the first of to-ports. */
function dnatTarget(env: RuleEnv, e: NatEntry): DnatTarget | undefined {
  const { ctx } = env;
  const p = e.item.prop('to-addresses') ?? e.item.prop('to-address');
  const portsText = e.item.get('to-ports');
  let addr: AddrSet = NO_ADDR;
  if (p) {
    const s = parseAddressSpec(p.value);
    if (!s?.intersect(universe(e.family)).equals(s)) {
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
      `${e.label}: only the destination port changes (to-ports=${portsText ?? 'none'}); ` +
        'the destination stays the router or the original host, which fwlint does not model as a port-forward',
    );
    return undefined;
  }
  const to: DnatTarget = { addr };
  if (portsText) {
    const ps = parsePorts(portsText);
    const port = ps?.bounds[0];
    if (port !== undefined) to.port = port;
  }
  return to;
}

function ports(e: NatEntry): Pick<SnatTarget, 'ports' | 'portsReason'> {
  const toPorts = e.item.get('to-ports');
  if (e.action === 'endpoint-independent-nat') {
    const rnd = e.item.prop('randomise-ports');
    if (rnd && isYes(rnd.value))
      return {
        ports: 'random',
        portsReason:
          'endpoint-independent-nat randomise-ports=yes picks a random source port for each mapping (docs/semantics.md#ros-nat)',
      };
    return {
      ports: 'preserve',
      portsReason:
        'endpoint-independent-nat without randomise-ports=yes keeps the source port when it is free ' +
        '(docs/semantics.md#ros-nat; default randomise-ports=no (uncertain))',
    };
  }
  if (e.action === 'netmap')
    return { ports: 'preserve', portsReason: 'netmap maps addresses 1:1 and keeps ports (docs/semantics.md#ros-nat)' };
  if (toPorts)
    return {
      ports: 'random',
      portsReason: `to-ports=${toPorts}: source ports outside ${toPorts} are rewritten into it`,
    };
  return { ports: 'preserve', portsReason: MASQUERADE_PORTS };
}
