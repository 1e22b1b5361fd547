import type { Chain, ChainPolicy, Match, Rule, Ruleset } from '../model/policy.js';
import { intersect, isEmptyBox, overlaps, subtract, type Box } from './box.js';

export type Verdict = 'accept' | 'drop';

/** One thing that happened to a part of the flow on its way through the ruleset. */
export interface Step {
  stage: string;
  chain: string;
  rule?: Rule;
  policy?: ChainPolicy;
  /** accept/drop: verdict; jump/goto/return/continue: control flow; tentative: a non-quick last-match verdict that later rules may override. */
  effect: Verdict | 'jump' | 'goto' | 'return' | 'continue' | 'tentative';
}

export interface Part {
  box: Box;
  verdict: Verdict;
  /** The step that decided: the drop, or the accept a user would name (explicit rules before implicit ones). */
  decidedBy: Step;
  /** Every step, in order. */
  trail: Step[];
  /** Rules with hostname/URL/geo members that might also match this part: the verdict is uncertain. */
  maybe: Rule[];
}

/** Persistent list: pieces split often and share their history. */
interface Trail {
  step: Step;
  prev?: Trail;
}

interface Piece {
  box: Box;
  trail?: Trail;
  maybe: Rule[];
  /** Last-match chains: the verdict so far and who set it. */
  tentative?: Step;
}

type Outcome = 'accept' | 'drop' | 'return' | 'end';

interface Result {
  piece: Piece;
  outcome: Outcome;
}

const MAX_DEPTH = 64;

/**
 * Evaluates a flow class through a path of the ruleset and returns the exact partition of it into
 * accepted and dropped parts, each with the rule or default policy that decided it.
 */
export function evaluate(ruleset: Ruleset, path: 'forward' | 'input', flow: Box): Part[] {
  if (isEmptyBox(flow)) return []; // e.g. no WAN identified: nothing to evaluate, nothing to report
  let pieces: Piece[] = [{ box: flow, maybe: [] }];
  const done: Part[] = [];
  for (const stage of ruleset[path]) {
    for (const chainName of stage.chains) {
      const chain = ruleset.chains[chainName];
      if (!chain) continue;
      const next: Piece[] = [];
      for (const piece of pieces) {
        for (const r of runChain(ruleset, chain, stage.name, piece, 0)) {
          const final = baseOutcome(chain, stage.name, r);
          if (final.verdict === 'drop') done.push(toPart(final.piece, 'drop', path));
          else next.push(final.piece);
        }
      }
      pieces = next;
    }
  }
  for (const p of pieces) done.push(toPart(p, 'accept', path));
  return done;
}

/** Resolves what a base chain's result means: `end` and `return` fall to the chain policy. */
function baseOutcome(chain: Chain, stage: string, r: Result): { piece: Piece; verdict: Verdict } {
  if (r.outcome === 'accept' || r.outcome === 'drop') return { piece: r.piece, verdict: r.outcome };
  if (chain.mode === 'last-match' && r.piece.tentative) {
    const t = r.piece.tentative;
    const verdict = t.rule ? verdictOf(t.rule) : (t.policy?.action ?? 'accept');
    const step: Step = { ...t, effect: verdict };
    return { piece: push({ ...r.piece, tentative: undefined }, step), verdict };
  }
  const policy = chain.policy;
  const verdict: Verdict = policy?.action ?? 'accept';
  return { piece: push(r.piece, { stage, chain: chain.name, policy, effect: verdict }), verdict };
}

function verdictOf(rule: Rule): Verdict {
  return rule.action.kind === 'accept' ? 'accept' : 'drop';
}

function push(p: Piece, step: Step): Piece {
  return { ...p, trail: { step, prev: p.trail } };
}

function runChain(rs: Ruleset, chain: Chain, stage: string, start: Piece, depth: number): Result[] {
  const results: Result[] = [];
  let pending: Piece[] = [
    chain.mode === 'last-match' && !start.tentative && chain.policy
      ? { ...start, tentative: { stage, chain: chain.name, policy: chain.policy, effect: 'tentative' } }
      : start,
  ];
  for (const rule of chain.rules) {
    if (pending.length === 0) break;
    const next: Piece[] = [];
    for (const p of pending) {
      const inter = intersect(p.box, rule.match);
      if (!inter) {
        next.push(noteMaybe(p, rule));
        continue;
      }
      for (const rest of subtract(p.box, rule.match)) next.push(noteMaybe({ ...p, box: rest }, rule));
      const hit: Piece = { ...p, box: inter, maybe: negatedSymbolic(rule) ? [...p.maybe, rule] : p.maybe };
      apply(rs, chain, stage, rule, hit, depth, next, results);
    }
    pending = next;
  }
  for (const p of pending) results.push({ piece: p, outcome: 'end' });
  return results;
}

function apply(
  rs: Ruleset,
  chain: Chain,
  stage: string,
  rule: Rule,
  hit: Piece,
  depth: number,
  next: Piece[],
  results: Result[],
): void {
  const step = (effect: Step['effect']): Step => ({ stage, chain: chain.name, rule, effect });
  const a = rule.action;
  if (chain.mode === 'last-match') {
    // pf: the last matching rule wins unless a matching rule is quick (vendor-semantics A.2).
    if (a.kind === 'accept' || a.kind === 'drop' || a.kind === 'reject') {
      if (rule.quick)
        results.push({
          piece: push({ ...hit, tentative: undefined }, step(verdictOf(rule))),
          outcome: verdictOf(rule),
        });
      else next.push(push({ ...hit, tentative: step('tentative') }, step('tentative')));
    } else next.push(push(hit, step('continue')));
    return;
  }
  switch (a.kind) {
    case 'accept':
      results.push({ piece: push(hit, step('accept')), outcome: 'accept' });
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
    case 'jump':
    case 'goto': {
      const target = rs.chains[a.chain];
      if (!target || depth >= MAX_DEPTH) {
        next.push(push(hit, step('continue')));
        return;
      }
      for (const r of runChain(rs, target, stage, push(hit, step(a.kind)), depth + 1)) {
        if (r.outcome === 'accept' || r.outcome === 'drop') results.push(r);
        // jump: the caller resumes after the jump rule; goto: the caller itself returns.
        else if (a.kind === 'jump') next.push(r.piece);
        else results.push({ piece: r.piece, outcome: 'return' });
      }
      return;
    }
  }
}

/** Rules whose hostname/URL members might match this piece even though the known addresses do not. */
function noteMaybe(p: Piece, rule: Rule): Piece {
  const sym = rule.match.symbolic;
  if (!sym || sym.length === 0) return p;
  if (!overlaps(p.box, looseMatch(rule))) return p;
  return p.maybe.includes(rule) ? p : { ...p, maybe: [...p.maybe, rule] };
}

function negatedSymbolic(rule: Rule): boolean {
  return !!rule.match.symbolic?.some((s) => s.negated);
}

const looseCache = new WeakMap<Rule, Match>();

/** The rule's match with the dimensions that have unknown members widened to anything. */
function looseMatch(rule: Rule): Match {
  let m = looseCache.get(rule);
  if (!m) {
    m = { ...rule.match };
    for (const s of rule.match.symbolic ?? []) delete m[s.field];
    looseCache.set(rule, m);
  }
  return m;
}

function toPart(p: Piece, verdict: Verdict, path: string): Part {
  const trail: Step[] = [];
  for (let t = p.trail; t; t = t.prev) trail.push(t.step);
  trail.reverse();
  const finals = trail.filter((s) => s.effect === verdict);
  const decidedBy = (verdict === 'drop'
    ? finals[finals.length - 1]
    : (finals.find((s) => s.rule && !s.rule.implicit) ?? finals.find((s) => s.rule) ?? finals[0])) ??
    trail[trail.length - 1] ??
      // No chain on this path looked at the part (e.g. an nftables ruleset without a forward hook):
      // nothing filters it, and that is what decided.
      { stage: path, chain: '', effect: verdict };
  return { box: p.box, verdict, decidedBy, trail, maybe: p.maybe };
}
