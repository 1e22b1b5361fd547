import { dnatRule, natChain, snatRule, withNatStages } from '../../src/model/nat-stages.js';
import type { Nat, Rule, Ruleset } from '../../src/model/policy.js';

/**
 * Where a vendor's NAT happens in its packet path: destination NAT before the named filter stage
 * (forward and input paths), source NAT before the named stage of the forward path or at its end.
 * Each is one first-match chain, named after its stage unless `chain` says otherwise.
 */
export interface NatPath {
  dnat: { stage: string; chain?: string; before: { forward?: string; input?: string } };
  snat: { stage: string; chain?: string; before?: string };
}

/**
 * The ruleset with the vendor's NAT rules as first-match chains at the places `path` names. `snatRules`,
 * when given, is the source NAT chain's rules already made (model/nat-stages.ts snatRule of each of
 * `nat.snat`, in order): a parser that builds them as it reads does not make a second list of them.
 */
export function withNatPath(rs: Ruleset, nat: Nat, path: NatPath, snatRules?: Rule[]): Ruleset {
  const dnatChain = path.dnat.chain ?? path.dnat.stage;
  const snatChain = path.snat.chain ?? path.snat.stage;
  return withNatStages(rs, {
    dnat: {
      stage: { name: path.dnat.stage, kind: 'dnat', chains: [dnatChain] },
      chain: natChain(dnatChain, nat.dnat.map(dnatRule)),
      before: path.dnat.before,
    },
    snat: {
      stage: { name: path.snat.stage, kind: 'snat', chains: [snatChain] },
      chain: snatRules
        ? { name: snatChain, mode: 'first-match', rules: snatRules }
        : natChain(snatChain, nat.snat.map(snatRule)),
      ...(path.snat.before !== undefined ? { before: path.snat.before } : {}),
    },
  });
}
