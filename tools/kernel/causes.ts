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

const ruleLines = (body: string): string[] =>
  body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('type ') && !l.startsWith('#'));

/** A priority below conntrack's (-200): numeric, or raw (-300). */
function beforeConntrack(body: string): boolean {
  const m = /priority\s+(raw|-?\d+)/.exec(body);
  return !!m && (m[1] === 'raw' || Number(m[1]) < -200);
}

export const CAUSES: Cause[] = [
  {
    id: 'sip-helper-timeout',
    test: (p, k, f, text) =>
      p.kind === 'timeout' &&
      /ct helper set/.test(text) &&
      // sip_help_udp refreshes every UDP flow the helper is attached to, SIP or not (sip_timeout 3600 s).
      (p.sport === 5060 || (typeof k.timeout === 'number' && k.timeout >= 3590)) &&
      typeof k.timeout === 'number' &&
      typeof f.timeout === 'number' &&
      k.timeout > f.timeout,
  },
  {
    id: 'local-reply-output-path',
    test: (p, k, f, text) =>
      p.kind === 'ping' &&
      !k.passed &&
      f.passed &&
      chainBodies(text, /type filter hook (postrouting|output)/).length > 0,
  },

  {
    id: 'th-matches-icmp',
    test: (p, k, f, text) =>
      p.kind === 'ping' &&
      // Either way: the checksum decides, so a th rule can also accept a ping fwlint sees dropped.
      k.passed !== f.passed &&
      text.split('\n').some((l) => /\bth [sd]port\b/.test(l) && !/meta l4proto|\b(udp|tcp) [sd]port\b/.test(l)),
  },

  {
    id: 'ct-before-conntrack',
    test: (_p, _k, _f, text) =>
      chainBodies(text, /type filter hook prerouting/).some(
        (b) => beforeConntrack(b) && ruleLines(b).some((l) => /\bct (state|timeout set|helper set)\b/.test(l)),
      ),
  },
  {
    id: 'unmodelled-match-assumed',
    // fwlint names the accept rule that decided; it holds a match fwlint evaluates as if it held.
    test: (_p, k, f) => k.passed === false && f.passed && /\bipsec (in|out)\b/.test(f.by),
  },
  {
    id: 'nft-negated-flag-list',
    test: (_p, _k, _f, text) => /ct state != \w+,/.test(text),
  },
];

export function classify(p: Probe, k: KernelObs, f: FwlintObs, text: string): string | undefined {
  return CAUSES.find((c) => c.test(p, k, f, text))?.id;
}
