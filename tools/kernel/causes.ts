import type { FwlintObs, KernelObs, Probe } from './probes.js';

/**
 * Known fwlint bugs the harness found, each with a minimal fixture in fixtures/nftables/kernel/
 * and a precise test that recognizes it in a generated ruleset. A disagreement in a generated
 * ruleset counts as `known` only when one of these recognizes it; anything else is a failure.
 */
export interface Cause {
  id: string;
  test(p: Probe, k: KernelObs, f: FwlintObs, text: string): boolean;
}

/**
 * Open causes: fwlint bugs the harness found and fwlint does not fix yet, each with a minimal fixture
 * in fixtures/nftables/kernel/ and an entry in test/kernel/known-disagreements.json. None is open: the
 * last one (reply-before-denat) is fixed (the engine's reply view, src/engine/reply-view.ts) and its
 * fixture is a regression fixture that must agree.
 */
export const CAUSES: Cause[] = [];

export function classify(p: Probe, k: KernelObs, f: FwlintObs, text: string): string | undefined {
  return CAUSES.find((c) => c.test(p, k, f, text))?.id;
}
