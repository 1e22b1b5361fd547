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
 * Empty: every cause the harness found so far is fixed in fwlint and kept as a regression fixture
 * in fixtures/nftables/kernel/ (docs/kernel-check.md lists them). A new cause gets a recognizer here,
 * an entry in test/kernel/known-disagreements.json and a minimal fixture, until fwlint is fixed.
 */
export const CAUSES: Cause[] = [];

export function classify(p: Probe, k: KernelObs, f: FwlintObs, text: string): string | undefined {
  return CAUSES.find((c) => c.test(p, k, f, text))?.id;
}
