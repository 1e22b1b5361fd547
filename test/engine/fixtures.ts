import { parseAddressSpec } from '../../src/model/address.js';
import type { SourceLocation } from '../../src/model/location.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Action, Chain, Interface, Match, Policy, Rule, Ruleset, Stage } from '../../src/model/policy.js';
import { portSet, protoSet } from '../../src/model/ports.js';

export const at = (line: number): SourceLocation => ({ file: 't.conf', line, column: 1, endLine: line });
export const net = (s: string) => parseAddressSpec(s)!;
export const ports = (lo: number, hi = lo) => portSet([[lo, hi]]);
export const UDP = protoSet([17]);
export const TCP = protoSet([6]);
export const ifs = (...n: string[]) => NameSet.of(n);
/** An enabled interface with its role, networks and own address. */
export const iface = (name: string, role: Interface['role'], networks: string, address: string): Interface => ({
  name,
  role,
  networks: net(networks),
  addresses: net(address),
  enabled: true,
  loc: at(1),
});

export function rule(line: number, match: Match, action: Action | Action['kind'], extra: Partial<Rule> = {}): Rule {
  const act = typeof action === 'string' ? ({ kind: action } as Action) : action;
  return { id: `r${line}`, loc: at(line), label: `rule at ${line}`, match, action: act, ...extra };
}

export function chain(
  name: string,
  rules: Rule[],
  policy?: 'accept' | 'drop',
  mode: Chain['mode'] = 'first-match',
): Chain {
  return {
    name,
    mode,
    rules,
    policy: policy ? { action: policy, loc: at(1), reason: `${name} policy`, source: 'default' } : undefined,
  };
}

export function ruleset(chains: Chain[], forward: string[][], input: string[][] = []): Ruleset {
  return {
    chains: Object.fromEntries(chains.map((c) => [c.name, c])),
    forward: forward.map((cs, i) => ({ name: `s${i}`, chains: cs })),
    input: input.map((cs, i) => ({ name: `i${i}`, chains: cs })),
  };
}

/** An nftables-like policy of these chains and stages, with no NAT tables and the kernel's UDP default. */
export function testPolicy(chains: Chain[], forward: Stage[], input: Stage[], interfaces: Interface[]): Policy {
  return {
    vendor: 'nftables',
    file: 't.conf',
    root: at(1),
    interfaces,
    ruleset: { chains: Object.fromEntries(chains.map((c) => [c.name, c])), forward, input },
    nat: { dnat: [], snat: [] },
    sessions: { sipAlg: [], udpTimeout: { value: 120, source: 'default', loc: at(1), reason: 'kernel default' } },
    replies: 'rules',
    unsupported: [],
    notes: [],
  };
}
