import { NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { redirectTarget, type Action, type Nat, type Rule, type SnatTarget } from '../../src/model/policy.js';
import { ANY_PORT, portSet } from '../../src/model/ports.js';
import { ruleWith } from '../../src/model/rule-copy.js';
import type { Ctx } from './context.js';
import { FULLY_RANDOM_REASON, PRESERVE_REASON, RANDOM_REASON } from './defaults.js';
import type { NatSpec } from './expand.js';
import { isObject, str, type Expr } from './ir.js';
import type { ChainInfo, Entry } from './rules.js';
import { serviceNumber } from './values.js';

/**
 * nftables NAT statements → the model's NAT actions (docs/semantics.md#nft-nat). The chains stay
 * chains: the engine evaluates nat-type base chains at their hook by priority (chains.ts), with
 * jumps, gotos, returns and accepts (no NAT) like any chain, and only for the first packet of a
 * tracked connection. DNAT happens in prerouting, before the forward hook, so the filter sees the
 * translated destination; SNAT in postrouting.
 */

function addrOf(e: Expr): AddrSet | undefined {
  if (typeof e === 'string') return parseAddressSpec(e);
  if (isObject(e) && isObject(e.prefix)) return parseAddressSpec(`${str(e.prefix.addr)}/${str(e.prefix.len)}`);
  if (isObject(e) && Array.isArray(e.range)) return parseAddressSpec(`${str(e.range[0])}-${str(e.range[1])}`);
  return undefined;
}

function portRange(e: Expr | undefined): [number, number] | undefined {
  if (e === undefined) return undefined;
  const one = (x: Expr | undefined): number | undefined =>
    typeof x === 'number' ? x : typeof x === 'string' ? (/^\d+$/.test(x) ? Number(x) : serviceNumber(x)) : undefined;
  if (isObject(e) && Array.isArray(e.range)) {
    const a = one(e.range[0]);
    const b = one(e.range[1]);
    return a !== undefined && b !== undefined ? [a, b] : undefined;
  }
  const n = one(e);
  return n === undefined ? undefined : [n, n];
}

/** The model rules of one entry: its NAT statement as an action (two rules when a port range splits it). */
export function natRules(ctx: Ctx, e: Entry): Rule[] {
  const nat = e.flat.nat;
  if (!nat) return [e.rule];
  if (nat.kind === 'dnat' || nat.kind === 'redirect') {
    const action = dnatAction(ctx, e, nat);
    return [ruleWith(e.rule, { action })];
  }
  const random = nat.flags.includes('random') || nat.flags.includes('fully-random');
  const reason = nat.flags.includes('fully-random')
    ? FULLY_RANDOM_REASON
    : nat.flags.includes('random')
      ? RANDOM_REASON
      : PRESERVE_REASON;
  let addr: AddrSet | undefined;
  if (nat.kind === 'snat') for (const a of nat.addrs) addr = (addr ?? NO_ADDR).union(addrOf(a) ?? NO_ADDR);
  const base: SnatTarget = { ports: random ? 'random' : 'preserve', portsReason: reason };
  if (addr && !addr.isEmpty) base.addr = addr;
  const port = portRange(nat.port);
  if (!port) return [ruleWith(e.rule, { action: { kind: 'snat', to: base } })];
  const range = portSet([port]);
  const lo = String(port[0]);
  const hi = String(port[1]);
  if (random) return [ruleWith(e.rule, { action: { kind: 'snat', to: { ...base, toPorts: range } } })];
  // nf_nat_core keeps a source port already inside the given range and remaps the others.
  const inside: Rule = ruleWith(e.rule, {
    match: { ...e.rule.match, sport: (e.rule.match.sport ?? ANY_PORT).intersect(range) },
    action: {
      kind: 'snat',
      to: {
        ...base,
        toPorts: range,
        portsReason: `\`to :${lo}-${hi}\`: source ports inside the range are kept when free (docs/semantics.md#nft-nat)`,
      },
    },
  });
  const outside: Rule = ruleWith(e.rule, {
    match: { ...e.rule.match, sport: (e.rule.match.sport ?? ANY_PORT).subtract(range) },
    action: {
      kind: 'snat',
      to: {
        ...base,
        ports: 'random',
        toPorts: range,
        portsReason:
          port[0] === port[1]
            ? `\`to :${lo}\`: every source port is rewritten to ${lo}`
            : `\`to :${lo}-${hi}\`: source ports outside the range are remapped into it`,
      },
    },
  });
  return port[0] < port[1] ? [inside, outside] : [outside];
}

function dnatAction(ctx: Ctx, e: Entry, nat: NatSpec): Action {
  const port = portRange(nat.port);
  if (nat.kind === 'redirect') return { kind: 'dnat', to: redirectTarget(port?.[0]) };
  let addr: AddrSet = NO_ADDR;
  for (const a of nat.addrs) addr = addr.union(addrOf(a) ?? NO_ADDR);
  if (nat.balanced)
    ctx.note(
      `${ctx.where(e.rule.loc)}: ${e.rule.label} spreads connections over several targets; fwlint treats each of them as a target`,
    );
  if (addr.isEmpty) return { kind: 'accept' }; // no target address fwlint can read: evaluated as no NAT
  return { kind: 'dnat', to: port ? { addr, port: port[0] } : { addr } };
}

/** NAT settings of the ruleset: there is no implicit NAT, so the lists stay empty; the chains hold the rules. */
export function buildNat(_ctx: Ctx, _infos: Map<string, ChainInfo>, _pre: ChainInfo[], _post: ChainInfo[]): Nat {
  return { dnat: [], snat: [] };
}
