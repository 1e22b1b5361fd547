import { dnatRule, natChain, snatRule, withNatStages } from '../../src/model/nat-stages.js';
import type { Nat, Ruleset } from '../../src/model/policy.js';

/**
 * Where a vendor's NAT happens in its packet path: destination NAT before the named filter stage
 * (forward and input paths), source NAT before the named stage of the forward path or at its end.
 * Each is one first-match chain, named after its stage unless `chain` says otherwise.
 */
export interface NatPath {
  dnat: { stage: string; chain?: string; before: { forward?: string; input?: string } };
  snat: { stage: string; chain?: string; before?: string };
}

/** The ruleset with the vendor's NAT rules as first-match chains at the places `path` names. */
export function withNatPath(rs: Ruleset, nat: Nat, path: NatPath): Ruleset {
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
      chain: natChain(snatChain, nat.snat.map(snatRule)),
      ...(path.snat.before !== undefined ? { before: path.snat.before } : {}),
    },
  });
}
