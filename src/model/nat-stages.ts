import type { Action, Chain, DnatRule, Rule, Ruleset, SnatRule, Stage } from './policy.js';

/** Actions never change once a rule holds them: exempting rules share one accept. */
const ACCEPT: Action = { kind: 'accept' };

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
        ? ACCEPT
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

/**
 * Rules never change their actions, so SNAT rules with the same port behaviour share one action
 * object (a FortiGate export has one per accept policy): keyed by ports, reason and doubt.
 */
const snatActions = new Map<string, Map<string | undefined, Map<string | undefined, Action>>>();
function snatAction(ports: SnatRule['ports'], reason: string | undefined, uncertain: string | undefined): Action {
  let byReason = snatActions.get(ports);
  if (!byReason) snatActions.set(ports, (byReason = new Map<string | undefined, Map<string | undefined, Action>>()));
  let byDoubt = byReason.get(reason);
  if (!byDoubt) {
    // Reasons are a vendor's few fixed sentences; a parser writing unbounded ones would only fill the table.
    if (byReason.size > 64) byReason.clear();
    byReason.set(reason, (byDoubt = new Map<string | undefined, Action>()));
  }
  let a = byDoubt.get(uncertain);
  if (!a) {
    if (byDoubt.size > 64) byDoubt.clear();
    a = {
      kind: 'snat',
      to: {
        ports,
        ...(reason !== undefined ? { portsReason: reason } : {}),
        ...(uncertain !== undefined ? { uncertain } : {}),
      },
    };
    byDoubt.set(uncertain, a);
  }
  return a;
}

export function snatRule(s: SnatRule): Rule {
  const r: Rule = {
    id: s.id,
    loc: s.loc,
    label: s.label,
    match: s.match,
    action: s.action === 'none' ? ACCEPT : snatAction(s.ports, s.portsReason, s.uncertain),
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
