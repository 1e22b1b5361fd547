import { ANY_ADDR, ANY_V4, ANY_V6, NO_ADDR, parseAddressSpec, type AddrSet } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import { ANY_BOX, hull, intersect, subtract, type Box } from '../../src/model/box.js';
import { dnatRule, natChain, snatRule, withNatStages } from '../../src/model/nat-stages.js';
import type { DnatRule, Match, Nat, Ruleset, SnatRule } from '../../src/model/policy.js';
import { ANY_PORT, ANY_PROTO, portSet, type PortSet } from '../../src/model/ports.js';
import type { Ctx } from './context.js';
import { FULLY_RANDOM_REASON, PRESERVE_REASON, RANDOM_REASON } from './defaults.js';
import { isObject, type Expr } from './ir.js';
import type { ChainInfo, Entry } from './rules.js';
import { serviceNumber } from './values.js';

/**
 * NAT chains → the model's port-forwards and source NAT (vendor-semantics D.2, D.3). Only the first
 * packet of a connection traverses NAT chains; base chains on a hook run by priority and the first
 * one that translates wins (nf_nat_inet_fn); `accept` (or the end of a chain) means "no NAT here"
 * and the next NAT chain is tried. The chains are evaluated symbolically over boxes, like the
 * engine evaluates filter chains, so jumps, gotos, returns and earlier accepts are exact: each NAT
 * rule gets the part of the traffic that really reaches it. DNAT happens in prerouting, before the
 * forward hook, so the filter sees the translated destination.
 */

type Region = Box;
const FULL: Region = ANY_BOX;
const DIMS = ['iif', 'oif', 'state', 'nat', 'proto', 'dport', 'sport', 'dst', 'src'] as const;
const get = (x: Region, d: (typeof DIMS)[number]) => x[d] as { isFull: boolean };

/** The region as a rule match: dimensions left full are left out. */
function toMatch(r: Region): Match {
  const m: Match = {};
  for (const d of DIMS) if (!get(r, d).isFull) (m as Record<string, unknown>)[d] = r[d];
  return m;
}

type Outcome = 'nat' | 'accept' | 'drop' | 'return' | 'end';
interface Result {
  outcome: Outcome;
  region: Region;
  entry?: Entry;
}

class TooComplex extends Error {}
const MAX_PIECES = 20_000;
const MAX_DEPTH = 32;

class Evaluator {
  private readonly infos: Map<string, ChainInfo>;
  private pieces = 0;

  constructor(infos: Map<string, ChainInfo>) {
    this.infos = infos;
  }

  run(info: ChainInfo, start: Region, depth: number): Result[] {
    const results: Result[] = [];
    let pending = [start];
    for (const entry of info.entries) {
      if (pending.length === 0) break;
      const next: Region[] = [];
      for (const p of pending) {
        const hit = intersect(p, entry.rule.match);
        if (!hit) {
          next.push(p);
          continue;
        }
        const rest = subtract(p, entry.rule.match);
        this.pieces += rest.length;
        if (this.pieces > MAX_PIECES) throw new TooComplex();
        next.push(...rest);
        if (entry.flat.nat) {
          results.push({ outcome: 'nat', region: hit, entry });
          continue;
        }
        const a = entry.rule.action;
        switch (a.kind) {
          case 'accept':
            results.push({ outcome: 'accept', region: hit, entry });
            break;
          case 'drop':
          case 'reject':
            results.push({ outcome: 'drop', region: hit, entry });
            break;
          case 'continue':
            next.push(hit);
            break;
          case 'return':
            results.push({ outcome: 'return', region: hit, entry });
            break;
          case 'jump':
          case 'goto': {
            const target = this.infos.get(a.chain);
            if (!target || depth >= MAX_DEPTH) {
              next.push(hit);
              break;
            }
            for (const r of this.run(target, hit, depth + 1)) {
              if (r.outcome === 'nat' || r.outcome === 'accept' || r.outcome === 'drop') results.push(r);
              else if (a.kind === 'jump') next.push(r.region);
              else results.push({ outcome: 'return', region: r.region });
            }
            break;
          }
        }
      }
      pending = next;
    }
    for (const p of pending) results.push({ outcome: 'end', region: p });
    return results;
  }

  /** All NAT base chains of one hook, in priority order: which entry translates which traffic. */
  hook(chains: ChainInfo[]): { nat: Map<Entry, Region[]>; exempt: Map<Entry, Region[]> } {
    const nat = new Map<Entry, Region[]>();
    const exemptRegions: { region: Region; entry?: Entry }[] = [];
    let pending: { region: Region; exempt?: Entry }[] = [{ region: FULL }];
    for (const info of chains) {
      const next: typeof pending = [];
      const fam = info.table.family;
      const universe = fam === 'ip' ? ANY_V4 : fam === 'ip6' ? ANY_V6 : undefined;
      for (const piece of pending) {
        let region = piece.region;
        if (universe) {
          // An ip (ip6) table never sees the other family: that part passes untouched.
          const other = region.src.subtract(universe);
          if (!other.isEmpty) next.push({ ...piece, region: { ...region, src: other } });
          const mine = region.src.intersect(universe);
          if (mine.isEmpty) continue;
          region = { ...region, src: mine };
        }
        for (const r of this.run(info, region, 0)) {
          if (r.outcome === 'nat') nat.set(r.entry!, [...(nat.get(r.entry!) ?? []), r.region]);
          else if (r.outcome === 'accept') next.push({ region: r.region, exempt: r.entry });
          else if (r.outcome === 'drop') continue;
          else if (info.chain.base?.policy?.value === 'drop') continue;
          else next.push({ region: r.region, exempt: piece.exempt });
        }
      }
      pending = next;
    }
    for (const p of pending) if (p.exempt) exemptRegions.push({ region: p.region, entry: p.exempt });
    const exempt = new Map<Entry, Region[]>();
    for (const e of exemptRegions) exempt.set(e.entry!, [...(exempt.get(e.entry!) ?? []), e.region]);
    return { nat, exempt };
  }
}

function addrOf(e: Expr): AddrSet | undefined {
  if (typeof e === 'string') return parseAddressSpec(e);
  if (isObject(e) && isObject(e.prefix)) return parseAddressSpec(`${String(e.prefix.addr)}/${String(e.prefix.len)}`);
  if (isObject(e) && Array.isArray(e.range)) return parseAddressSpec(`${String(e.range[0])}-${String(e.range[1])}`);
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

export function buildNat(
  ctx: Ctx,
  infos: Map<string, ChainInfo>,
  prerouting: ChainInfo[],
  postrouting: ChainInfo[],
): Nat {
  const ev = new Evaluator(infos);
  const dnat: DnatRule[] = [];
  const snat: SnatRule[] = [];
  let pre: ReturnType<Evaluator['hook']>;
  let post: ReturnType<Evaluator['hook']>;
  try {
    pre = ev.hook(prerouting);
    post = ev.hook(postrouting);
  } catch (e) {
    if (!(e instanceof TooComplex)) throw e;
    ctx.note(
      'the NAT chains are too branched to evaluate exactly; each NAT rule is taken with its own conditions, in chain order',
    );
    pre = naive(prerouting, infos);
    post = naive(postrouting, infos);
  }
  for (const [entry, regions] of pre.nat) {
    const nat = entry.flat.nat!;
    if (nat.kind !== 'dnat' && nat.kind !== 'redirect') continue;
    const match = toMatch(hull(regions)!);
    let addr: AddrSet = NO_ADDR;
    for (const a of nat.addrs) addr = addr.union(addrOf(a) ?? NO_ADDR);
    if (nat.kind === 'redirect') {
      // redirect = dnat to the address of the interface the packet came in on.
      const iif = match.iif;
      const on = ctx.interfaces.filter((i) => !iif || iif.has(i.name));
      addr = (on.length ? on : ctx.interfaces).reduce((acc, i) => acc.union(i.addresses), NO_ADDR);
    } else if (addr.isEmpty) {
      continue;
    }
    const port = portRange(nat.port);
    const rule: DnatRule = {
      id: entry.rule.id,
      loc: entry.rule.loc,
      label: entry.rule.label,
      match,
      to: { addr },
      bypassFilter: false,
      text: entry.rule.text ?? '',
    };
    if (port) rule.to.port = port[0];
    if (entry.rule.comment) rule.comment = entry.rule.comment;
    if (nat.balanced)
      ctx.note(
        `${ctx.where(entry.rule.loc)}: ${entry.rule.label} spreads connections over several targets; fwlint treats each of them as a target`,
      );
    dnat.push(rule);
  }
  for (const [entry, regions] of post.nat) {
    const nat = entry.flat.nat!;
    if (nat.kind !== 'masquerade' && nat.kind !== 'snat') continue;
    const match = toMatch(hull(regions)!);
    const random = nat.flags.includes('random') || nat.flags.includes('fully-random');
    const reason = nat.flags.includes('fully-random')
      ? FULLY_RANDOM_REASON
      : nat.flags.includes('random')
        ? RANDOM_REASON
        : PRESERVE_REASON;
    const base: SnatRule = {
      id: entry.rule.id,
      loc: entry.rule.loc,
      label: entry.rule.label,
      match,
      action: 'translate',
      ports: random ? 'random' : 'preserve',
      portsReason: reason,
      text: entry.rule.text ?? '',
    };
    if (entry.rule.comment) base.comment = entry.rule.comment;
    const port = portRange(nat.port);
    if (!random && port) {
      // nf_nat_core keeps a source port already inside the given range and remaps the others.
      const inRange: PortSet = portSet(port[0] < port[1] ? [port] : []);
      const outside = ANY_PORT.subtract(inRange);
      if (!inRange.isEmpty)
        snat.push({
          ...base,
          match: { ...match, sport: (match.sport ?? ANY_PORT).intersect(inRange) },
          portsReason: `\`to :${port[0]}-${port[1]}\`: source ports inside the range are kept when free (vendor-semantics D.3)`,
        });
      snat.push({
        ...base,
        match: { ...match, sport: (match.sport ?? ANY_PORT).intersect(outside) },
        ports: 'random',
        portsReason:
          port[0] === port[1]
            ? `\`to :${port[0]}\`: every source port is rewritten to ${port[0]}`
            : `\`to :${port[0]}-${port[1]}\`: source ports outside the range are remapped into it`,
      });
      continue;
    }
    snat.push(base);
  }
  for (const [entry, regions] of post.exempt) {
    const none: SnatRule = {
      id: `${entry.rule.id}:no-nat`,
      loc: entry.rule.loc,
      label: entry.rule.label,
      match: toMatch(hull(regions)!),
      action: 'none',
      ports: 'preserve',
      portsReason: 'accepted in a NAT chain without translation',
      text: entry.rule.text ?? '',
    };
    if (entry.rule.comment) none.comment = entry.rule.comment;
    snat.push(none);
  }
  for (const info of [...prerouting, ...postrouting]) {
    for (const e of info.entries) {
      if (e.rule.action.kind === 'drop' || e.rule.action.kind === 'reject') {
        ctx.unsupported.push({
          loc: e.rule.loc,
          what: `${e.rule.action.kind} in NAT chain ${info.ref}`,
          why: 'a drop in a NAT chain drops the first packet of new connections; fwlint evaluates filter chains only',
        });
      }
    }
    if (info.chain.base?.policy?.value === 'drop')
      ctx.unsupported.push({
        loc: info.chain.base.policy.pos,
        what: `policy drop of NAT chain ${info.ref}`,
        why: 'new connections no NAT rule accepts are dropped; fwlint evaluates filter chains only',
      });
  }
  return { dnat, snat };
}

function naive(
  chains: ChainInfo[],
  infos: Map<string, ChainInfo>,
): { nat: Map<Entry, Region[]>; exempt: Map<Entry, Region[]> } {
  const nat = new Map<Entry, Region[]>();
  const seen = new Set<string>();
  const walk = (info: ChainInfo): void => {
    if (seen.has(info.ref)) return;
    seen.add(info.ref);
    for (const e of info.entries) {
      if (e.flat.nat) {
        const r = intersect(FULL, e.rule.match);
        if (r) nat.set(e, [r]);
      }
      const a = e.rule.action;
      if ((a.kind === 'jump' || a.kind === 'goto') && infos.get(a.chain)) walk(infos.get(a.chain)!);
    }
  };
  for (const c of chains) walk(c);
  return { nat, exempt: new Map() };
}

export function withNftNat(rs: Ruleset, nat: Nat): Ruleset {
  return withNatStages(rs, {
    dnat: {
      stage: { name: 'nat prerouting', kind: 'dnat', chains: ['nat:prerouting'] },
      chain: natChain('nat:prerouting', nat.dnat.map(dnatRule)),
      before: { forward: 'forward', input: 'input' },
    },
    snat: {
      stage: { name: 'nat postrouting', kind: 'snat', chains: ['nat:postrouting'] },
      chain: natChain('nat:postrouting', nat.snat.map(snatRule)),
    },
  });
}
