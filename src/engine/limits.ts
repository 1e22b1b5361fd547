import type { Rule, Ruleset, Unsupported } from '../model/policy.js';
import { MAX_JUMP_DEPTH } from './evaluate.js';

/**
 * Jumps the engine does not follow: those that close a loop and those that would nest deeper than
 * MAX_JUMP_DEPTH chains (the kernel refuses both: nft reports ELOOP / EMLINK, docs/semantics.md#nft-syntax).
 * Each is reported once, as FWL900 at the jump rule. Linear: each chain is visited at most once per depth.
 */
export function jumpLimits(rs: Ruleset): Unsupported[] {
  const out = new Map<Rule, Unsupported>();
  const seen = new Set<string>();
  const visit = (name: string, depth: number, stack: string[]): void => {
    const key = `${name}@${depth}`;
    if (seen.has(key)) return;
    seen.add(key);
    for (const rule of rs.chains[name]?.rules ?? []) {
      const a = rule.action;
      if ((a.kind !== 'jump' && a.kind !== 'goto') || !rs.chains[a.chain]) continue;
      if (stack.includes(a.chain) || depth + 1 >= MAX_JUMP_DEPTH) {
        if (!out.has(rule))
          out.set(rule, {
            loc: rule.loc,
            what: `jump depth limit: ${a.kind} ${a.chain}`,
            why:
              (stack.includes(a.chain)
                ? `${rule.label} jumps back into chain ${a.chain}, which is already being evaluated (a loop)`
                : `${rule.label} nests chains deeper than ${MAX_JUMP_DEPTH} levels`) +
              '; the firewall refuses such a ruleset, and fwlint does not follow the jump',
          });
        continue;
      }
      visit(a.chain, depth + 1, [...stack, a.chain]);
    }
  };
  for (const stage of [...rs.forward, ...rs.input]) for (const c of stage.chains) visit(c, 0, [c]);
  return [...out.values()];
}
