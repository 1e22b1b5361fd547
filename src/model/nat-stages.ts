import type { Chain, DnatRule, Rule, Ruleset, SnatRule, Stage } from './policy.js';

/**
 * Declared NAT rules (pf `rdr`/`nat`, FortiGate VIPs and SNAT, lists a parser reads in order) as
 * the first-match chains of a NAT stage: the engine evaluates them like filter chains
 * (docs/semantics.md#pf-nat, #fgt-nat). An exemption (`no rdr`, `no nat`, "do not NAT") is an
 * accept: the packet leaves the NAT stage untranslated.
 */

export function dnatRule(d: DnatRule): Rule {
  const r: Rule = {
    id: d.id,
    loc: d.loc,
    label: d.label,
    match: d.match,
    action:
      d.action === 'none'
        ? { kind: 'accept' }
        : {
            kind: 'dnat',
            to: { addr: d.to.addr, ...(d.to.port !== undefined ? { port: d.to.port } : {}) },
            ...(d.bypassFilter ? { pass: true } : {}),
          },
  };
  if (d.to.symbolic && r.action.kind === 'dnat') r.action.to.symbolic = d.to.symbolic;
  if (d.text !== undefined) r.text = d.text;
  if (d.comment !== undefined) r.comment = d.comment;
  return r;
}

export function snatRule(s: SnatRule): Rule {
  const r: Rule = {
    id: s.id,
    loc: s.loc,
    label: s.label,
    match: s.match,
    action:
      s.action === 'none'
        ? { kind: 'accept' }
        : {
            kind: 'snat',
            to: {
              ports: s.ports,
              ...(s.portsReason !== undefined ? { portsReason: s.portsReason } : {}),
              ...(s.uncertain !== undefined ? { uncertain: s.uncertain } : {}),
            },
          },
  };
  if (s.implicit !== undefined) r.implicit = s.implicit;
  if (s.text !== undefined) r.text = s.text;
  if (s.comment !== undefined) r.comment = s.comment;
  return r;
}

export function natChain(name: string, rules: readonly Rule[]): Chain {
  return { name, mode: 'first-match', rules: [...rules] };
}

/** Where the NAT stages go in each path: before the named filter stage, or at the end when absent. */
export interface NatPlacement {
  dnat?: { stage: Stage; chain: Chain; before: { forward?: string; input?: string } };
  snat?: { stage: Stage; chain: Chain; before?: string };
}

/** Inserts NAT stages into a ruleset's paths (a new ruleset; the input is left as it is). */
export function withNatStages(rs: Ruleset, place: NatPlacement): Ruleset {
  const chains = { ...rs.chains };
  let forward = [...rs.forward];
  let input = [...rs.input];
  const insert = (path: Stage[], stage: Stage, before: string | undefined): Stage[] => {
    const at = before === undefined ? -1 : path.findIndex((s) => s.name === before);
    return at < 0 ? [...path, stage] : [...path.slice(0, at), stage, ...path.slice(at)];
  };
  if (place.dnat?.chain.rules.length) {
    chains[place.dnat.chain.name] = place.dnat.chain;
    forward = insert(forward, place.dnat.stage, place.dnat.before.forward);
    input = insert(input, place.dnat.stage, place.dnat.before.input);
  }
  if (place.snat?.chain.rules.length) {
    chains[place.snat.chain.name] = place.snat.chain;
    forward = insert(forward, place.snat.stage, place.snat.before);
  }
  return { chains, forward, input };
}
