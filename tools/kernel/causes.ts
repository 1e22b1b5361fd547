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

/** The bodies of the chains whose header line matches `hook`. */
function chainBodies(text: string, hook: RegExp): string[] {
  const out: string[] = [];
  const re = /chain\s+[\w-]+\s*\{((?:[^{}]|\{[^{}]*\})*)\}/g;
  for (let m = re.exec(text); m; m = re.exec(text)) if (hook.test(m[1] ?? '')) out.push(m[1] ?? '');
  return out;
}

/** A priority below dstnat's (-100), where a reply still carries the translated address. */
function beforeDenat(body: string): boolean {
  const m = /priority\s+(raw|mangle|-?\d+)/.exec(body);
  return !!m && (m[1] === 'raw' || m[1] === 'mangle' || Number(m[1]) < -100);
}

/**
 * Open causes: fwlint bugs the harness found and fwlint does not fix yet, each with a minimal fixture
 * in fixtures/nftables/kernel/ and an entry in test/kernel/known-disagreements.json.
 */
export const CAUSES: Cause[] = [
  {
    id: 'reply-before-denat',
    // A reply the kernel loses while fwlint delivers it, with a notrack in a prerouting chain that
    // runs before the NAT reversal and a source NAT the reply would have to be mapped back from.
    test: (p, k, f, text) =>
      p.kind === 'reply' &&
      k.passed === false &&
      f.passed &&
      /\b(snat|masquerade)\b/.test(text) &&
      chainBodies(text, /type filter hook prerouting/).some((b) => beforeDenat(b) && /\bnotrack\b/.test(b)),
  },
];

export function classify(p: Probe, k: KernelObs, f: FwlintObs, text: string): string | undefined {
  return CAUSES.find((c) => c.test(p, k, f, text))?.id;
}
