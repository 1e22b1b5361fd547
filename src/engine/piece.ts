import { copyBox, type Box } from '../model/box.js';
import type { ChainPolicy, DnatTarget, Rule, SnatTarget } from '../model/policy.js';
import { portSet, type PortSet } from '../model/ports.js';
import { at } from './at.js';
import type { ReplyView } from './reply-view.js';

export type Verdict = 'accept' | 'drop';

/** One thing that happened to a part of the flow on its way through the stages. */
export interface Step {
  stage: string;
  chain: string;
  rule?: Rule;
  policy?: ChainPolicy;
  /**
   * accept/drop: verdict; jump/goto/return/continue: control flow; tentative: a non-quick last-match
   * verdict that later rules may override; dnat/snat/notrack: a transformation; limit: a jump not
   * followed because it would exceed the jump depth limit or loop.
   */
  effect: Verdict | 'jump' | 'goto' | 'return' | 'continue' | 'tentative' | 'dnat' | 'snat' | 'notrack' | 'limit';
}

/** A translation applied to a part: which rule of which stage, and its target. */
export type Translation =
  | { kind: 'dnat'; stage: string; chain: string; rule: Rule; target: DnatTarget }
  | { kind: 'snat'; stage: string; chain: string; rule: Rule; target: SnatTarget };

export type Dim = keyof Box;
export const DIMS: readonly Dim[] = ['iif', 'oif', 'state', 'nat', 'proto', 'dport', 'sport', 'dst', 'src', 'icmpType'];

/**
 * How a dimension of the current packet relates to the same dimension of the original flow:
 * absent = unchanged, shift = ports moved by a constant (a port-forward range), const = rewritten
 * to something that does not depend on the original value (an address, a random port, a state).
 */
export type DimMap = { shift: number } | 'const';
export type Maps = Partial<Record<Dim, DimMap>>;

/** Persistent rope of steps: pieces split often and share their history; jumps share the callee's. */
export type Trail = { prev?: Trail; step: Step; sub?: undefined } | { prev?: Trail; sub: Trail; step?: undefined };

/** A part of the flow on its way: the packet as the current stage sees it and the original it came from. */
export interface Piece {
  cur: Box;
  orig: Box;
  maps: Maps;
  trail?: Trail;
  /** The last step, kept apart so a drop's deciding step needs no walk of the trail. */
  last?: Step;
  maybe: Rule[];
  /** Last-match chains: the verdict so far and who set it. */
  tentative?: Step;
  xlate: Translation[];
  /** pf `rdr pass`: filter stages are skipped until the next transformation stage. */
  pass?: boolean;
  /** Jump rules not followed because of the depth limit or a loop. */
  limits: Rule[];
  /** A reply before NAT reversal whose public address or port is one of several (reply-view.ts). */
  view?: ReplyView;
}

export function startPiece(b: Box): Piece {
  return {
    cur: b,
    orig: b,
    maps: {},
    trail: undefined,
    last: undefined,
    maybe: [],
    tentative: undefined,
    xlate: [],
    pass: undefined,
    limits: [],
    view: undefined,
  };
}

/**
 * p with another current box, original and maps: every member written out, so pieces keep one shape
 * (a spread followed by more members is a slow path in Node 20, and chain walks make many pieces).
 */
function withParts(p: Piece, cur: Box, orig: Box, maps: Maps): Piece {
  return {
    cur,
    orig,
    maps,
    trail: p.trail,
    last: p.last,
    maybe: p.maybe,
    tentative: p.tentative,
    xlate: p.xlate,
    pass: p.pass,
    limits: p.limits,
    view: p.view,
  };
}

/** A copy of p to change a member or two of (pieces keep one shape; see withParts). */
export function copyPiece(p: Piece): Piece {
  return withParts(p, p.cur, p.orig, p.maps);
}

export function push(p: Piece, step: Step): Piece {
  const q = copyPiece(p);
  q.trail = { step, prev: p.trail };
  q.last = step;
  return q;
}

export function shiftPorts(s: PortSet, delta: number): PortSet {
  if (delta === 0) return s;
  const out: [number, number][] = [];
  for (const [lo, hi] of s.intervals()) {
    const a = Math.max(0, lo + delta);
    const b = Math.min(65535, hi + delta);
    if (a <= b) out.push([a, b]);
  }
  return portSet(out);
}

interface AnySet {
  intersect(o: AnySet): AnySet;
  equals(o: AnySet): boolean;
}
const get = (b: Box, d: Dim) => b[d] as unknown as AnySet;

/** The original-flow values of dimension d for current values `cur` (pullback through the map). */
function pull(cur: AnySet, map: DimMap | undefined, orig: AnySet): AnySet {
  if (!map) return cur;
  if (map === 'const') return orig;
  return (shiftPorts(cur as unknown as PortSet, -map.shift) as unknown as AnySet).intersect(orig);
}

/** The piece restricted to `cur` (a subset of its current box): the original narrows with it. */
export function narrow(p: Piece, cur: Box): Piece {
  if (cur === p.cur) return p;
  const orig = copyBox(p.orig) as unknown as Record<Dim, AnySet>;
  for (const d of DIMS) {
    const c = get(cur, d);
    if (c === get(p.cur, d)) continue;
    orig[d] = pull(c, p.maps[d], get(p.orig, d));
  }
  return withParts(p, cur, orig as unknown as Box, p.maps);
}

/** Rewrites dimensions of the current packet; the original stays what it was. */
export function rewrite(p: Piece, changes: Partial<Box>, maps: Maps): Piece {
  const m: Maps = { ...p.maps };
  for (const [d, v] of Object.entries(maps) as [Dim, DimMap][]) m[d] = compose(m[d], v);
  const cur = copyBox(p.cur);
  for (const [d, v] of Object.entries(changes) as [Dim, AnySet][]) (cur as unknown as Record<Dim, AnySet>)[d] = v;
  return withParts(p, cur, p.orig, m);
}

function compose(first: DimMap | undefined, then: DimMap): DimMap {
  if (then === 'const' || first === 'const') return 'const';
  if (!first) return then;
  return { shift: first.shift + then.shift };
}

/** A callee's result, computed from a blank piece on the caller's current box, applied to the caller. */
export function graft(caller: Piece, rel: Piece): Piece {
  const base = caller.cur;
  const orig = copyBox(caller.orig) as unknown as Record<Dim, AnySet>;
  for (const d of DIMS) {
    const r = get(rel.orig, d);
    if (r === get(base, d)) continue;
    const m = caller.maps[d];
    orig[d] = m === 'const' ? get(caller.orig, d) : pull(r, m, get(caller.orig, d)).intersect(get(caller.orig, d));
  }
  const maps: Maps = { ...caller.maps };
  for (const [d, v] of Object.entries(rel.maps) as [Dim, DimMap][]) maps[d] = compose(maps[d], v);
  const maybe = rel.maybe.length
    ? [...caller.maybe, ...rel.maybe.filter((r) => !caller.maybe.includes(r))]
    : caller.maybe;
  return {
    cur: rel.cur,
    orig: orig as unknown as Box,
    maps,
    trail: rel.trail ? { sub: rel.trail, prev: caller.trail } : caller.trail,
    last: rel.last ?? caller.last,
    maybe,
    tentative: rel.tentative ?? caller.tentative,
    xlate: rel.xlate.length ? [...caller.xlate, ...rel.xlate] : caller.xlate,
    pass: caller.pass ? true : rel.pass,
    limits: rel.limits.length ? [...caller.limits, ...rel.limits] : caller.limits,
  };
}

export function sameBox(a: Box, b: Box): boolean {
  if (a === b) return true;
  for (const d of DIMS) {
    const x = get(a, d);
    const y = get(b, d);
    if (x !== y && !x.equals(y)) return false;
  }
  return true;
}

/** The steps of a trail in order, at most `cap` of them (a rope can describe exponentially many). */
export function flatten(t: Trail | undefined, cap = 2000): { steps: Step[]; truncated: boolean } {
  const steps: Step[] = [];
  let truncated = false;
  const walk = (node: Trail | undefined, level: number): void => {
    const chain: Trail[] = [];
    for (let n = node; n; n = n.prev) chain.push(n);
    for (let i = chain.length - 1; i >= 0; i--) {
      if (steps.length >= cap) {
        truncated = true;
        return;
      }
      const n = at(chain, i);
      if (n.step) steps.push(n.step);
      else if (level < 64) walk(n.sub, level + 1);
    }
  };
  walk(t, 0);
  return { steps, truncated };
}
