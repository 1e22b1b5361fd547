import type { Setting } from '../model/location.js';
import type { Policy, Stage, UnorderedChains } from '../model/policy.js';
import { timeoutAlong, type Part, type Step } from './evaluate.js';

/** Another order of a group of unordered chains (Stage.unordered) and the UDP timeout a part gets in it. */
export interface TimeoutOrder {
  group: UnorderedChains;
  /** The order, for messages: "if inet fw pre runs last". */
  how: string;
  timeout: Setting<number>;
}

/**
 * The UDP idle timeouts an accepted, tracked UDP part gets when chains its stages leave unordered
 * (Stage.unordered: nftables base chains of different tables with equal priority) run in another
 * order than the one fwlint evaluates, where they differ from the one it gets (Part.udpTimeout). The
 * timeout is the first helper's, else the last rule's on the path that sets one (timeoutAlong), so
 * only which chain of a group comes first or last matters: each chain of a group is tried first and
 * last (the others in their order), one group at a time (the timeout comes from the first or the last
 * group that sets one). The steps in each chain stay as they were: chains that change what another of
 * the group matches (marks, notrack, NAT) are not followed in the other order.
 */
export function timeoutOrders(policy: Policy, p: Part): TimeoutOrder[] {
  const base = p.udpTimeout;
  if (!base) return [];
  const stages = unorderedStages(policy);
  if (stages.size === 0) return [];
  const trail = p.trail;
  const out: TimeoutOrder[] = [];
  for (const [name, stage] of stages) {
    // The base chain each step of this stage runs in: a called chain's steps belong to the caller's.
    const owner: (string | undefined)[] = [];
    let current: string | undefined;
    for (const s of trail) {
      if (s.stage !== name) {
        owner.push(undefined);
        current = undefined;
        continue;
      }
      if (stage.chains.includes(s.chain)) current = s.chain;
      owner.push(current);
    }
    for (const group of stage.unordered ?? []) {
      const at = owner.flatMap((c, i) => (c !== undefined && group.chains.includes(c) ? [i] : []));
      const lo = at[0];
      const hi = at.at(-1);
      if (lo === undefined || hi === undefined) continue;
      const blocks = new Map<string, Step[]>();
      for (let i = lo; i <= hi; i++) {
        const c = owner[i];
        const step = trail[i];
        if (c === undefined || step === undefined) continue;
        const b = blocks.get(c);
        if (b) b.push(step);
        else blocks.set(c, [step]);
      }
      if (blocks.size < 2) continue;
      for (const chain of blocks.keys())
        for (const place of ['last', 'first'] as const) {
          const others = [...blocks].filter(([c]) => c !== chain).flatMap(([, b]) => b);
          const mine = blocks.get(chain) ?? [];
          const middle = place === 'last' ? [...others, ...mine] : [...mine, ...others];
          const t = timeoutAlong(policy, [...trail.slice(0, lo), ...middle, ...trail.slice(hi + 1)]);
          const timeout = t ?? policy.sessions.udpTimeout;
          if (timeout !== base && !out.some((o) => o.timeout === timeout))
            out.push({ group, how: `if ${chain} runs ${place}`, timeout });
        }
    }
  }
  return out;
}

/** The stages with unordered chains, by name, on every path. */
function unorderedStages(policy: Policy): Map<string, Stage> {
  const rs = policy.ruleset;
  const out = new Map<string, Stage>();
  for (const s of [...rs.forward, ...rs.input, ...(rs.output ?? [])]) if (s.unordered?.length) out.set(s.name, s);
  return out;
}
