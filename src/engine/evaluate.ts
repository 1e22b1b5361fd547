import { NO_ADDR, type AddrSet } from '../model/address.js';
import { intersect, isEmptyBox, subtract, subtractKnown, type Box } from '../model/box.js';
import type { Setting } from '../model/location.js';
import { NameSet } from '../model/name-set.js';
import {
  isRedirect,
  type Chain,
  type Interface,
  type Policy,
  type Rule,
  type Ruleset,
  type Stage,
} from '../model/policy.js';
import {
  copyPiece,
  flatten,
  graft,
  narrow,
  push,
  sameBox,
  startPiece,
  type Piece,
  type Step,
  type Translation,
  type Verdict,
} from './piece.js';
import { chainCandidates } from './chain-index.js';
import { egressFor, selfAddresses, wanNames } from './route.js';
import { applyDnat, applyNotrack, applySnat } from './translate.js';
import { overlapsWidened } from './widen.js';
import {
  doubtful,
  replyView,
  splitDims,
  without,
  type ChosenTranslation,
  type ReplyView,
  type ViewDim,
} from './reply-view.js';
import { at } from './at.js';
import { hullOf, mayOverlap } from './hull.js';

export type { Step, Translation, Verdict } from './piece.js';
export type { ChosenTranslation } from './reply-view.js';

export type PathName = 'forward' | 'input';

/**
 * One part of the exact partition of a flow class by what the stages do to it
 * (docs/semantics.md#pf-order, #fgt-policy, #ros-filter, #nft-hooks).
 */
export interface Part {
  /** The part of the flow class as it arrived (before any translation). */
  box: Box;
  /** The same packets as the last stage saw them: destination after DNAT, source after SNAT, state after notrack. */
  out: Box;
  verdict: Verdict;
  /**
   * The step that decided: the drop, or the accept a user would name (explicit rules before implicit ones,
   * chain policies before passes of packets a chain never sees, Rule.unseen).
   */
  decidedBy: Step;
  /** Every step, in order (at most 2,000). */
  trail: Step[];
  /** Rules with hostname/URL/geo members that might also match this part: the verdict is uncertain. */
  maybe: Rule[];
  /** Translations applied, in order, with the rule and stage of each. */
  translations: Translation[];
  /** The path the part ended on: destination NAT can turn a packet to the firewall into a routed one. */
  path: PathName;
  /** True when the packets are outside connection tracking (notrack, tracking disabled): no NAT, no reply state. */
  untracked: boolean;
  /** Jumps not followed because they would loop or exceed the jump depth limit (MAX_JUMP_DEPTH). */
  limits: Rule[];
  /** UDP only, accepted and tracked: the idle timeout of the connection (a rule's on the path, else the platform's). */
  udpTimeout?: Setting<number>;
}

/** One depth limit for every chain walk: the Linux kernel's NFT_JUMP_STACK_SIZE. */
export const MAX_JUMP_DEPTH = 16;

type Outcome = 'accept' | 'drop' | 'return' | 'end' | 'nat';

interface Result {
  piece: Piece;
  outcome: Outcome;
}

interface Env {
  rs: Ruleset;
  ifaces: readonly Interface[];
  wan: readonly string[];
  /** TraceOptions.dnatOnly. */
  dnatOnly: boolean;
  /** TraceOptions.dnatStop. */
  dnatStop?: boolean;
  /** Per stage: a chain's results per entry box, computed once from a blank piece (repeated jumps are linear). */
  memo: Map<string, Map<Chain, { box: Box; results: Result[] }[]>>;
  done: Part[];
  /** The flow is a reply to a source-NATed connection: how stages before NAT reversal see it. */
  view?: ReplyView;
  /** TraceOptions.cover: the source addresses accepted so far, and the base chain being walked. */
  cover?: Cover;
}

/** Where a filter stage's base chain is walked: an accept there goes on along the path at once (cover mode). */
interface CoverAt {
  path: PathName;
  stage: number;
  chain: number;
}

interface Cover {
  acc: AddrSet;
  at?: CoverAt;
}

const NEW = NameSet.of(['new']);
const TRACKED = NameSet.of(['new', 'established', 'related', 'invalid']);
const MEMO_PER_CHAIN = 32;

export interface TraceOptions {
  /** Where the flow starts; default: input for the part addressed to the firewall, forward for the rest. */
  path?: PathName;
  /**
   * Only the parts destination NAT translated are wanted (port-forward questions): a piece still
   * untranslated after the last DNAT stage of its path is not traced further. The result is the
   * parts tracePath returns without this option that have a DNAT translation, in the same order.
   */
  dnatOnly?: boolean;
  /**
   * With dnatOnly: the translated pieces are returned as they leave the last DNAT stage of their path
   * (verdict accept, `out` the translated packet), not traced through the stages after it. Those
   * stages only split a piece further, so the parts dnatOnly returns make up exactly these pieces.
   */
  dnatStop?: boolean;
  /** WAN interface names for routing after destination NAT (default: interfaces with role wan). */
  wan?: readonly string[];
  /**
   * The flow is the reply to this accepted outbound part (the mirrored packet, as FWL008 asks): stages
   * a reply reaches before conntrack reverses the part's source NAT (Stage.beforeReplyNat) see it
   * addressed to the translated source address and port (reply-view.ts, docs/semantics.md#nft-nat).
   */
  replyTo?: Part;
  /**
   * With replyTo: the translation the kernel chose for this connection, as observed (conntrack's reply
   * tuple). The stages before the NAT reversal then see the reply at exactly that address and port
   * instead of every choice the rule allows (masquerade `random`, port ranges): exact for that packet.
   */
  chosen?: ChosenTranslation;
  /**
   * Only the union of the accepted parts' original source addresses is wanted (outbound NAT when every
   * packet of the flow gets the same source NAT): a part a filter chain accepts goes on along the path
   * at once, and a piece whose source addresses the accepted parts already cover is not traced further.
   * The result: accepted parts, in no particular order, whose `box.src` union is that of the parts
   * tracePath returns without this option; each is (part of) one of those, but a part accepted inside a
   * called chain starts its box and trail at that chain. Drops are not all reported.
   */
  cover?: boolean;
}

/**
 * The packet path of a flow class through a firewall: every stage (filter, raw, destination and
 * source NAT) in the vendor's order. Returns the exact partition of the flow into parts, each with
 * its verdict, the rule that decided, the translations applied and the packets as they leave.
 * This is the engine's entry point for rules, `explain` and the kernel differential harness.
 */
export function tracePath(policy: Policy, flow: Box, opts: TraceOptions = {}): Part[] {
  const env: Env = {
    rs: policy.ruleset,
    ifaces: policy.interfaces,
    wan: opts.wan ?? wanNames(policy.interfaces),
    dnatOnly: opts.dnatOnly === true,
    dnatStop: opts.dnatOnly === true && opts.dnatStop === true,
    memo: new Map(),
    done: [],
  };
  const view = opts.replyTo ? replyView(opts.replyTo, opts.chosen) : undefined;
  if (view) env.view = view;
  else if (opts.cover) env.cover = { acc: NO_ADDR };
  if (isEmptyBox(flow)) return [];
  if (opts.path) runStages(env, opts.path, 0, [startPiece(flow)]);
  else {
    const self = selfAddresses(policy.interfaces);
    const toSelf = flow.dst.intersect(self);
    const routed = flow.dst.subtract(self);
    if (!toSelf.isEmpty) runStages(env, 'input', 0, [startPiece({ ...flow, dst: toSelf })]);
    if (!routed.isEmpty) runStages(env, 'forward', 0, [startPiece({ ...flow, dst: routed })]);
  }
  for (const p of env.done) {
    const t = udpTimeoutOf(policy, p);
    if (t) p.udpTimeout = t;
  }
  return env.dnatOnly ? env.done.filter((p) => p.translations.some(isDnat)) : env.done;
}

/**
 * Evaluates a flow class through a path of the ruleset (every stage, NAT included) and returns the
 * exact partition of it into accepted and dropped parts. Without interfaces, masquerade keeps the
 * address it would rewrite and a redirect sends the packet to the firewall's unknown own address
 * (translate.ts applyDnat). Prefer tracePath(policy, flow).
 */
export function evaluate(
  ruleset: Ruleset,
  path: PathName,
  flow: Box,
  ifaces: readonly Interface[] = [],
  wan: readonly string[] = wanNames(ifaces),
): Part[] {
  if (isEmptyBox(flow)) return []; // e.g. no WAN identified: nothing to evaluate, nothing to report
  const env: Env = { rs: ruleset, ifaces, wan, dnatOnly: false, memo: new Map(), done: [] };
  runStages(env, path, 0, [startPiece(flow)]);
  return env.done;
}

/**
 * The path of a packet the firewall itself sends (an echo reply, docs/semantics.md#nft-hooks): the
 * output stages (nftables: output, then postrouting). Parts report the input path (local traffic).
 * Empty when the platform's model has no output stages.
 */
export function traceOutput(policy: Policy, flow: Box, opts: TraceOptions = {}): Part[] {
  const stages = policy.ruleset.output;
  if (!stages || stages.length === 0) return [];
  const rs: Ruleset = { ...policy.ruleset, input: stages };
  return evaluate(rs, 'input', flow, policy.interfaces, opts.wan ?? wanNames(policy.interfaces));
}

function udpTimeoutOf(policy: Policy, p: Part): Setting<number> | undefined {
  if (p.verdict !== 'accept' || p.untracked || !p.out.proto.has(17)) return undefined;
  return timeoutAlong(policy, p.trail) ?? policy.sessions.udpTimeout;
}

/**
 * The UDP timeout the rules of `steps` give a connection, or undefined when none sets one: a helper's
 * own timeout first (it wins over the timeout policy and the sysctl; the parser says which and why),
 * else the last rule that sets one (pf `statetimeout` on the passing rule, nftables `ct timeout set`).
 * Rules in stages before conntrack see no entry: their ct timeout/helper objects attach nothing
 * (nft_ct_timeout_obj_eval, nft_ct_helper_obj_eval return without a ct; docs/semantics.md#nft-conntrack).
 */
export function timeoutAlong(policy: Policy, steps: readonly Step[]): Setting<number> | undefined {
  const all = [...policy.ruleset.forward, ...policy.ruleset.input, ...(policy.ruleset.output ?? [])];
  const raw = new Set(all.filter((s) => s.kind === 'raw').map((s) => s.name));
  const tracked = steps.filter((s) => !raw.has(s.stage));
  const helper = tracked.find((s) => s.rule?.helperTimeout)?.rule?.helperTimeout;
  if (helper) return helper;
  for (let i = tracked.length - 1; i >= 0; i--) {
    const t = tracked[i]?.rule?.udpTimeout;
    if (t) return t;
  }
  return undefined;
}

function runStages(env: Env, path: PathName, from: number, start: Piece[]): void {
  const stages = env.rs[path];
  let pieces = start;
  const cover = env.cover;
  const saved = cover?.at;
  for (let i = from; i < stages.length; i++) {
    const stage = at(stages, i);
    if (pieces.length === 0) break;
    // dnatStop: no destination NAT left on this path, so nothing translates any more.
    if (env.dnatStop && !stages.slice(i).some((st) => st.kind === 'dnat')) break;
    const kind = stage.kind ?? 'filter';
    if (cover) cover.at = undefined;
    if (kind === 'dnat' || kind === 'snat') {
      const { passed, translated } = natStage(env, path, stage, pieces);
      pieces = passed;
      if (kind === 'dnat') {
        // dnatOnly: what no DNAT stage translated by now never will be.
        if (env.dnatOnly && stage === lastDnat(stages)) pieces = pieces.filter((p) => p.xlate.some(isDnat));
        pieces.push(...reroute(env, path, stage, translated));
      } else pieces.push(...translated);
    } else {
      // Cover mode: a filter stage's accepts go on at once, where nothing rewrites the piece around the stage.
      const here = kind === 'filter' && !stage.egressUnknown && !(stage.beforeReplyNat && env.view) ? i : undefined;
      const run = (ps: Piece[]): Piece[] =>
        kind === 'raw' ? rawStage(env, path, stage, ps) : filterStage(env, path, stage, ps, here);
      const inStage = (ps: Piece[]): Piece[] => (stage.egressUnknown ? withoutEgress(ps, run) : run(ps));
      pieces =
        stage.beforeReplyNat && env.view
          ? beforeReversal(env, path, stage, env.view, pieces, inStage)
          : inStage(pieces);
    }
  }
  if (cover) cover.at = saved;
  for (const p of pieces) {
    env.done.push(toPart(p, 'accept', path));
    if (cover) cover.acc = cover.acc.union(p.orig.src);
  }
}

const isDnat = (t: Translation): boolean => t.kind === 'dnat';

function lastDnat(stages: readonly Stage[]): Stage | undefined {
  for (let i = stages.length - 1; i >= 0; i--) if (stages[i]?.kind === 'dnat') return stages[i];
  return undefined;
}

function memoOf(env: Env, stage: Stage): Map<Chain, { box: Box; results: Result[] }[]> {
  let m = env.memo.get(stage.name);
  if (!m) env.memo.set(stage.name, (m = new Map<Chain, { box: Box; results: Result[] }[]>()));
  return m;
}

function filterStage(env: Env, path: PathName, stage: Stage, pieces: Piece[], index?: number): Piece[] {
  const skipped = pieces.filter((p) => p.pass);
  const run = stageChains(
    env,
    path,
    stage,
    pieces.filter((p) => !p.pass),
    0,
    index,
  );
  return [...run, ...skipped];
}

/**
 * The base chains of a filter stage from the one at `from`, in order: what one accepts the next sees.
 * `index` (cover mode): the stage's place on the path, so an accept can go on at once (acceptNow).
 */
function stageChains(env: Env, path: PathName, stage: Stage, pieces: Piece[], from: number, index?: number): Piece[] {
  let run = pieces;
  const cover = env.cover;
  const saved = cover?.at;
  for (let j = from; j < stage.chains.length; j++) {
    const chainName = at(stage.chains, j);
    const chain = env.rs.chains[chainName];
    if (!chain) continue;
    if (cover) cover.at = index === undefined ? undefined : { path, stage: index, chain: j };
    const next: Piece[] = [];
    for (const results of runChains(env, stage, chain, run, [chainName])) {
      for (const r of results) {
        const final = baseOutcome(chain, stage.name, r);
        if (final.verdict === 'drop') env.done.push(toPart(final.piece, 'drop', path));
        else next.push(final.piece);
      }
    }
    run = next;
  }
  if (cover) cover.at = saved;
  return run;
}

/**
 * Cover mode: a piece a filter stage's base chain accepted goes through the rest of the stage and the
 * path now, so the source addresses accepted so far can stop the tracing of pieces they cover.
 */
function acceptNow(env: Env, where: CoverAt, piece: Piece): void {
  const stage = at(env.rs[where.path], where.stage);
  const out = stageChains(env, where.path, stage, [piece], where.chain + 1, where.stage);
  runStages(env, where.path, where.stage + 1, out);
}

/** Cover mode: every source address of the piece is already among the accepted ones. */
function covered(cover: Cover, p: Piece): boolean {
  return !p.view && p.orig.src.isSubsetOf(cover.acc);
}

const INVALID = NameSet.of(['invalid']);

/**
 * A stage before connection tracking (priority < -200, docs/semantics.md#nft-conntrack): packets have
 * no conntrack entry yet, so `ct state` reads `invalid` (nft_ct_get_eval: no ct and not untracked) and
 * only packets a `notrack` already made untracked read `untracked`. The stage runs on that view; the
 * packets that leave it tracked get their real state back (conntrack at -200 gives it to them).
 */
function rawStage(env: Env, path: PathName, stage: Stage, pieces: Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const tracked = p.cur.state.intersect(TRACKED);
    const untracked = p.cur.state.subtract(TRACKED);
    if (!untracked.isEmpty) out.push(...filterStage(env, path, stage, [narrow(p, { ...p.cur, state: untracked })]));
    if (tracked.isEmpty) continue;
    const real = narrow(p, { ...p.cur, state: tracked });
    const seen: Piece = { ...real, cur: { ...real.cur, state: INVALID }, maps: { ...real.maps, state: 'const' } };
    for (const r of filterStage(env, path, stage, [seen])) {
      if (r.cur.state.overlaps(TRACKED))
        out.push({ ...r, cur: { ...r.cur, state: real.cur.state }, maps: withMap(r.maps, 'state', real.maps.state) });
      else out.push(r); // notrack: untracked from here on
    }
  }
  return out;
}

const NO_EGRESS = NameSet.of(['(no output device yet)']);

/** Runs a stage where the egress interface is not known yet: oif reads no device, then gets its value back. */
function withoutEgress(pieces: Piece[], run: (ps: Piece[]) => Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const seen: Piece = { ...p, cur: { ...p.cur, oif: NO_EGRESS }, maps: { ...p.maps, oif: 'const' } };
    for (const r of run([seen]))
      out.push({ ...r, cur: { ...r.cur, oif: p.cur.oif }, maps: withMap(r.maps, 'oif', p.maps.oif) });
  }
  return out;
}

/**
 * A stage that replies to a source-NATed connection reach before conntrack maps them back
 * (Stage.beforeReplyNat): the tracked part runs with the translated destination (reply-view.ts) and
 * gets its own back afterwards. A reply a `notrack` there takes out of connection tracking is never
 * mapped back: it stays addressed to the firewall's public address and never reaches the original
 * source (nf_nat_inet_fn does nothing without a conntrack entry, docs/semantics.md#nft-nat).
 */
function beforeReversal(
  env: Env,
  path: PathName,
  stage: Stage,
  view: ReplyView,
  pieces: Piece[],
  run: (ps: Piece[]) => Piece[],
): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    const tracked = p.cur.state.intersect(TRACKED);
    const untracked = p.cur.state.subtract(TRACKED);
    if (!untracked.isEmpty) out.push(...run([narrow(p, { ...p.cur, state: untracked })]));
    if (tracked.isEmpty) continue;
    const real = narrow(p, { ...p.cur, state: tracked });
    const cur: Box = { ...real.cur, dst: view.dst, ...(view.dport ? { dport: view.dport } : {}) };
    const maps: Piece['maps'] = { ...real.maps, dst: 'const', ...(view.dport ? { dport: 'const' as const } : {}) };
    const seen: Piece = { ...real, cur, maps, ...(view.vague.length > 0 ? { view } : {}) };
    for (const r of run([seen])) {
      const { view: _seen, ...rest } = r;
      if (!r.cur.state.overlaps(TRACKED)) {
        env.done.push(toPart(lostReply(stage, rest), 'drop', path));
        continue;
      }
      let back: Piece = { ...rest, cur: { ...r.cur, dst: real.cur.dst }, maps: withMap(r.maps, 'dst', real.maps.dst) };
      if (view.dport)
        back = {
          ...back,
          cur: { ...back.cur, dport: real.cur.dport },
          maps: withMap(back.maps, 'dport', real.maps.dport),
        };
      out.push(back);
    }
  }
  return out;
}

/** The reply a notrack took out of connection tracking before NAT reversal: lost, decided by that notrack. */
function lostReply(stage: Stage, p: Piece): Piece {
  const { steps } = flatten(p.trail);
  let n: Step | undefined;
  for (const s of steps) if (s.effect === 'notrack') n = s;
  return push(p, {
    stage: n?.stage ?? stage.name,
    chain: n?.chain ?? '',
    ...(n?.rule ? { rule: n.rule } : {}),
    effect: 'drop',
  });
}

function withMap(maps: Piece['maps'], d: 'state' | 'oif' | 'dst' | 'dport', m: Piece['maps']['state']): Piece['maps'] {
  const { [d]: _old, ...rest } = maps;
  return m ? { ...rest, [d]: m } : rest;
}

/**
 * NAT chains: only the first packet of a tracked connection passes them. A translation ends the
 * stage; an accept or the end of a chain tries the next chain; a drop is final.
 */
function natStage(env: Env, path: PathName, stage: Stage, pieces: Piece[]): { passed: Piece[]; translated: Piece[] } {
  const passed: Piece[] = [];
  const translated: Piece[] = [];
  let run: Piece[] = [];
  for (const p0 of pieces) {
    const p = p0.pass ? with1(p0, (q) => (q.pass = false)) : p0;
    const fresh = p.cur.state.intersect(NEW);
    if (fresh.isEmpty) {
      passed.push(p);
      continue;
    }
    const rest = p.cur.state.subtract(NEW);
    if (!rest.isEmpty) passed.push(narrow(p, { ...p.cur, state: rest }));
    run.push(narrow(p, { ...p.cur, state: fresh }));
  }
  for (const chainName of stage.chains) {
    const chain = env.rs.chains[chainName];
    if (!chain) continue;
    const next: Piece[] = [];
    for (const results of runChains(env, stage, chain, run, [chainName])) {
      for (const r of results) {
        if (r.outcome === 'nat') translated.push(r.piece);
        else if (r.outcome === 'drop') env.done.push(toPart(r.piece, 'drop', path));
        else if (r.outcome === 'accept' || chain.policy?.action !== 'drop') next.push(r.piece);
        else {
          const step: Step = { stage: stage.name, chain: chain.name, policy: chain.policy, effect: 'drop' };
          env.done.push(toPart(push(r.piece, step), 'drop', path));
        }
      }
    }
    run = next;
  }
  passed.push(...run);
  return { passed, translated };
}

/**
 * After destination NAT the packet is routed on its new destination: to the firewall itself (the
 * input path) or through it, out of the interface that holds the new address. A redirect always
 * goes to the firewall itself, whatever address stands for its own there (translate.ts applyDnat).
 */
function reroute(env: Env, path: PathName, stage: Stage, pieces: Piece[]): Piece[] {
  const stay: Piece[] = [];
  const self = selfAddresses(env.ifaces);
  for (const p of pieces) {
    const last = p.xlate[p.xlate.length - 1];
    const redirected = last?.kind === 'dnat' && isRedirect(last.target);
    const mine = redirected ? p.cur.dst : p.cur.dst.intersect(self);
    const away = redirected ? NO_ADDR : p.cur.dst.subtract(self);
    if (!away.isEmpty) {
      const routed = narrow(p, { ...p.cur, dst: away });
      const oif = egressFor(env.ifaces, env.wan, away);
      const moved = { ...routed, cur: { ...routed.cur, oif }, maps: { ...routed.maps, oif: 'const' as const } };
      if (path === 'forward') stay.push(moved);
      else switchPath(env, 'forward', stage, moved);
    }
    if (!mine.isEmpty) {
      const local = narrow(p, { ...p.cur, dst: mine });
      if (path === 'input') stay.push(local);
      else switchPath(env, 'input', stage, local);
    }
  }
  return stay;
}

function switchPath(env: Env, to: PathName, stage: Stage, piece: Piece): void {
  const stages = env.rs[to];
  let at = stages.findIndex((s) => s.name === stage.name);
  if (at < 0) {
    // The other path has no such stage: continue after its leading raw and NAT stages.
    at = -1;
    while (at + 1 < stages.length && (stages[at + 1]?.kind === 'raw' || stages[at + 1]?.kind === 'dnat')) at++;
  }
  runStages(env, to, at + 1, [piece]);
}

/** Resolves what a base chain's result means: `end` and `return` fall to the chain policy. */
function baseOutcome(chain: Chain, stage: string, r: Result): { piece: Piece; verdict: Verdict } {
  if (r.outcome === 'accept' || r.outcome === 'nat') return { piece: r.piece, verdict: 'accept' };
  if (r.outcome === 'drop') return { piece: r.piece, verdict: 'drop' };
  if (chain.mode === 'last-match' && r.piece.tentative) {
    const t = r.piece.tentative;
    const verdict = t.rule ? verdictOf(t.rule) : (t.policy?.action ?? 'accept');
    const step: Step = { ...t, effect: verdict };
    return {
      piece: push(
        with1(r.piece, (q) => (q.tentative = undefined)),
        step,
      ),
      verdict,
    };
  }
  const policy = chain.policy;
  const verdict: Verdict = policy?.action ?? 'accept';
  return { piece: push(r.piece, { stage, chain: chain.name, policy, effect: verdict }), verdict };
}

/** A copy of p with a member changed by `set` (a spread followed by members is a slow path in Node 20). */
function with1(p: Piece, set: (q: Piece) => unknown): Piece {
  const q = copyPiece(p);
  set(q);
  return q;
}

function verdictOf(rule: Rule): Verdict {
  return rule.action.kind === 'accept' ? 'accept' : 'drop';
}

function runChain(env: Env, stage: Stage, chain: Chain, start: Piece, depth: number, stack: string[]): Result[] {
  return walk(env, stage, chain, [start], start.cur, depth, stack)[0] ?? [];
}

/**
 * The results of a chain for each of several pieces entering it, as runChain gives them one by one.
 * Outside cover mode the pieces go through the chain in one walk: each piece is tested against the
 * same rules as alone, so every piece's results are the same, in the same order, and the walk of a
 * long chain (nftables at 100k rules: 99k rules, for the two parts of a flow an earlier stage split)
 * reads each rule once instead of once a piece. In cover mode an accepted piece goes on along the
 * path at once and can stop the tracing of later ones: the pieces are walked one after the other.
 */
function runChains(env: Env, stage: Stage, chain: Chain, pieces: Piece[], stack: string[]): Result[][] {
  const [one] = pieces;
  if (pieces.length === 1 && one) return [runChain(env, stage, chain, one, 0, stack)];
  if (env.cover || pieces.length === 0) return pieces.map((p) => runChain(env, stage, chain, p, 0, stack));
  return walk(env, stage, chain, pieces, hullOf(pieces.map((p) => p.cur)), 0, stack);
}

/**
 * Walks a chain with the pieces entering it (all inside `hull`); returns each one's results. With
 * several pieces, `from` says which entering piece each pending one came from, so each result goes
 * to its own list: the same list, in the same order, as a walk of that piece alone makes.
 */
function walk(
  env: Env,
  stage: Stage,
  chain: Chain,
  starts: Piece[],
  hull: Box,
  depth: number,
  stack: string[],
): Result[][] {
  const out: Result[][] = starts.map(() => []);
  let pending: Piece[] = starts.map((start) =>
    chain.mode === 'last-match' && !start.tentative && chain.policy
      ? with1(
          start,
          (q) => (q.tentative = { stage: stage.name, chain: chain.name, policy: chain.policy, effect: 'tentative' }),
        )
      : start,
  );
  let from: number[] | undefined = starts.length > 1 ? starts.map((_, i) => i) : undefined;
  // Only the rules the entering box can overlap (chain-index.ts); every piece below stays inside it.
  const index = chainCandidates(chain, hull);
  const cand = index?.rules;
  const count = cand ? cand.length : chain.rules.length;
  let k = 0;
  // Whether `pending` has been through the cover filter since it last changed.
  let filtered = false;
  for (; k < count && pending.length > 0; k++) {
    const rule = at(chain.rules, cand ? at(cand, k) : k);
    const m = rule.match;
    // Made only once a piece changes: most rules of a long walk miss every piece, which then stay as they are.
    let next: Piece[] | undefined;
    let nextFrom: number[] | undefined;
    // A rule that misses the hull misses every piece, and leaves each as it is unless it has hostname
    // or uncertain members (noteMaybe): tested once, not once a piece.
    const touched = hasWidened(m) || mayOverlap(hull, m);
    for (let i = 0; touched && i < pending.length; i++) {
      const p = at(pending, i);
      const inter = intersect(p.cur, m);
      if (!inter) {
        const q = noteMaybe(p, rule);
        if (next) {
          next.push(q);
          if (from) nextFrom?.push(at(from, i));
        } else if (q !== p) {
          (next = pending.slice(0, i)).push(q);
          if (from) (nextFrom = from.slice(0, i)).push(at(from, i));
        }
        continue;
      }
      if (!next) {
        next = pending.slice(0, i);
        if (from) nextFrom = from.slice(0, i);
      }
      const before = next.length;
      const dims = p.view ? splitDims(p.cur, m, p.view.vague) : undefined;
      if (p.view && dims && dims.length > 0) unsure(p, p.view, rule, dims, next);
      else {
        for (const rest of subtractKnown(p.cur, m, inter)) next.push(noteMaybe(narrow(p, rest), rule));
        const h = narrow(p, inter);
        const hit: Piece = negatedSymbolic(rule) ? with1(h, (q) => (q.maybe = [...h.maybe, rule])) : h;
        apply(env, stage, chain, rule, hit, depth, stack, next, at(out, from ? at(from, i) : 0));
      }
      if (from && nextFrom) for (let j = before; j < next.length; j++) nextFrom.push(at(from, i));
    }
    // Nothing changed (and only a piece's change can grow the accepted sources): the filter would keep all.
    if (!next && filtered) continue;
    if (next) {
      pending = next;
      from = nextFrom;
    }
    // Cover mode walks one piece at a time (runChains), so `from` is undefined here.
    const cover = env.cover;
    if (cover && !cover.acc.isEmpty) pending = pending.filter((p) => !covered(cover, p));
    filtered = true;
  }
  index?.visited(k);
  for (let i = 0; i < pending.length; i++)
    at(out, from ? at(from, i) : 0).push({ piece: at(pending, i), outcome: 'end' });
  return out;
}

function apply(
  env: Env,
  stage: Stage,
  chain: Chain,
  rule: Rule,
  hit: Piece,
  depth: number,
  stack: string[],
  next: Piece[],
  results: Result[],
): void {
  const step = (effect: Step['effect']): Step => ({ stage: stage.name, chain: chain.name, rule, effect });
  const a = rule.action;
  if (a.kind === 'notrack') {
    // Only before connection tracking: a packet that already has its entry keeps it (nft_notrack_eval,
    // docs/semantics.md#nft-conntrack).
    next.push(stage.kind === 'raw' ? push(applyNotrack(hit), step('notrack')) : push(hit, step('continue')));
    return;
  }
  if (chain.mode === 'last-match') {
    // pf: the last matching rule wins unless a matching rule is quick (docs/semantics.md#pf-order).
    if (a.kind === 'accept' || a.kind === 'drop' || a.kind === 'reject') {
      if (rule.quick) {
        const piece = push(
          with1(hit, (q) => (q.tentative = undefined)),
          step(verdictOf(rule)),
        );
        if (env.cover?.at && verdictOf(rule) === 'accept') acceptNow(env, env.cover.at, piece);
        else results.push({ piece, outcome: verdictOf(rule) });
      } else
        next.push(
          push(
            with1(hit, (q) => (q.tentative = step('tentative'))),
            step('tentative'),
          ),
        );
    } else next.push(push(hit, step('continue')));
    return;
  }
  switch (a.kind) {
    case 'accept':
      if (env.cover?.at) acceptNow(env, env.cover.at, push(hit, step('accept')));
      else results.push({ piece: push(hit, step('accept')), outcome: 'accept' });
      return;
    case 'drop':
    case 'reject':
      results.push({ piece: push(hit, step('drop')), outcome: 'drop' });
      return;
    case 'continue':
      next.push(push(hit, step('continue')));
      return;
    case 'return':
      results.push({ piece: push(hit, step('return')), outcome: 'return' });
      return;
    case 'dnat': {
      const x: Translation = { kind: 'dnat', stage: stage.name, chain: chain.name, rule, target: a.to };
      for (const t of applyDnat(hit, a.to, rule.match, env.ifaces)) {
        const piece = push({ ...t, xlate: [...t.xlate, x], pass: a.pass === true }, step('dnat'));
        results.push({ piece, outcome: 'nat' });
      }
      return;
    }
    case 'snat': {
      const t = applySnat(hit, a.to, env.ifaces);
      const x: Translation = { kind: 'snat', stage: stage.name, chain: chain.name, rule, target: a.to };
      results.push({ piece: push({ ...t, xlate: [...t.xlate, x] }, step('snat')), outcome: 'nat' });
      return;
    }
    case 'jump':
    case 'goto': {
      const target = env.rs.chains[a.chain];
      if (!target) {
        next.push(push(hit, step('continue')));
        return;
      }
      if (depth + 1 >= MAX_JUMP_DEPTH || stack.includes(a.chain)) {
        // A loop or a chain deeper than the kernel allows: the jump is not followed (docs/semantics.md#nft-syntax).
        next.push(
          push({ ...hit, limits: hit.limits.includes(rule) ? hit.limits : [...hit.limits, rule] }, step('limit')),
        );
        return;
      }
      for (const r of call(env, stage, target, push(hit, step(a.kind)), depth + 1, [...stack, a.chain])) {
        if (r.outcome === 'accept' || r.outcome === 'drop' || r.outcome === 'nat') results.push(r);
        // jump: the caller resumes after the jump rule; goto: the caller itself returns.
        else if (a.kind === 'jump') next.push(r.piece);
        else results.push({ piece: r.piece, outcome: 'return' });
      }
      return;
    }
  }
}

/**
 * A rule that matches only some of the values a reply before NAT reversal may carry (ReplyView.vague):
 * whether it matches is unknown. Like an uncertain match (Match.uncertain), it is evaluated as not
 * matching, and the part it may match gets it in `maybe`, with the view's reason.
 */
function unsure(p: Piece, view: ReplyView, rule: Rule, dims: ViewDim[], next: Piece[]): void {
  const m = without(rule.match, dims);
  for (const rest of subtract(p.cur, m)) next.push(noteMaybe(narrow(p, rest), rule));
  const inside = intersect(p.cur, m);
  if (!inside) return;
  const h = narrow(p, inside);
  const d = doubtful(rule, view, dims);
  next.push(h.maybe.includes(d) ? h : { ...h, maybe: [...h.maybe, d] });
}

/** Runs a called chain once per distinct entry box and stage, and applies the result to each caller. */
function call(env: Env, stage: Stage, target: Chain, hit: Piece, depth: number, stack: string[]): Result[] {
  // Cover mode reads a piece's source addresses from its original: a blank piece has the caller's
  // unless the caller's were rewritten.
  if (hit.tentative || hit.view || target.mode === 'last-match' || (env.cover && hit.maps.src))
    return runChain(env, stage, target, hit, depth, stack);
  const memo = memoOf(env, stage);
  let entries = memo.get(target);
  if (!entries) memo.set(target, (entries = []));
  let found = entries.find((e) => sameBox(e.box, hit.cur))?.results;
  if (!found) {
    found = runChain(env, stage, target, startPiece(hit.cur), depth, stack);
    if (entries.length < MEMO_PER_CHAIN) entries.push({ box: hit.cur, results: found });
  }
  return found.map((r) => ({ outcome: r.outcome, piece: graft(hit, r.piece) }));
}

/**
 * Rules that might match this piece even though their exact part does not: hostname/URL members, and
 * dimensions the match cannot know exactly for every packet (Match.uncertain).
 */
function noteMaybe(p: Piece, rule: Rule): Piece {
  if (!hasWidened(rule.match)) return p;
  if (!overlapsWidened(p.cur, rule.match)) return p;
  return p.maybe.includes(rule) ? p : with1(p, (q) => (q.maybe = [...p.maybe, rule]));
}

/** The match has dimensions it cannot know exactly (hostname/URL/geo members, uncertain matches). */
function hasWidened(m: Rule['match']): boolean {
  return !!m.symbolic?.length || !!m.uncertain?.length;
}

function negatedSymbolic(rule: Rule): boolean {
  return !!rule.match.symbolic?.some((s) => s.negated);
}

function toPart(p: Piece, verdict: Verdict, path: PathName): Part {
  const { steps: trail } = flatten(p.trail);
  const finals = trail.filter((s) => s.effect === verdict);
  // No chain on this path looked at the part (e.g. an nftables ruleset without a forward hook):
  // nothing filters it, and that is what decided.
  const fallback: Step = p.last ?? { stage: path, chain: '', effect: verdict };
  // pf `rdr pass`: the port-forward itself passed the packet (no filter rule was evaluated).
  const passed = trail.find((s) => s.effect === 'dnat' && s.rule?.action.kind === 'dnat' && s.rule.action.pass);
  const decidedBy =
    verdict === 'drop'
      ? p.last?.effect === 'drop'
        ? p.last
        : (finals[finals.length - 1] ?? fallback)
      : (passed ??
        finals.find((s) => s.rule && !s.rule.implicit) ??
        finals.find((s) => s.rule && !s.rule.unseen) ??
        // A chain policy that accepted saw the packet; a pass of packets a chain never sees did not. The end
        // of a chain without a policy (a NAT chain, RouterOS's connection-tracking switch) decided nothing.
        finals.find((s) => !s.rule && s.policy) ??
        finals.find((s) => !s.rule) ??
        finals[0] ??
        fallback);
  return {
    box: p.orig,
    out: p.cur,
    verdict,
    decidedBy,
    trail,
    maybe: p.maybe,
    translations: p.xlate,
    path,
    untracked: !p.cur.state.overlaps(TRACKED),
    limits: p.limits,
  };
}
