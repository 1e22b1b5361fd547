import type { Nat, Ruleset } from '../../src/model/policy.js';
import { withNatPath } from '../toolkit/nat-path.js';
import type { Env } from './addresses.js';
import { Fields, child, path, truthy } from './context.js';
import { outboundMode, outboundRules } from './outbound-nat.js';
import { portForwards } from './port-forwards.js';
import type { FilterEntry } from './rules.js';
import type { XmlElement } from './xml.js';

export interface NatResult {
  nat: Nat;
  /** OPNsense port forwards with `<pass>rule</pass>` register a filter rule at priority 500000 (A.6). */
  filterEntries: FilterEntry[];
}

export function parseNat(env: Env, filterDisabled: boolean): NatResult {
  const { ctx } = env;
  const mode = outboundMode(ctx);
  if (filterDisabled) return { nat: { dnat: [], snat: [], mode }, filterEntries: [] };
  const { dnat, filterEntries } = portForwards(env);
  const snat = outboundRules(env, mode.value);
  reportOtherNat(env);
  return { nat: { dnat, snat, mode }, filterEntries };
}

/** 1:1 NAT and NPt change addresses in ways the model does not express: report them. */
function reportOtherNat(env: Env): void {
  const { ctx } = env;
  const sections: [XmlElement | undefined, string][] = [
    [path(ctx.root, 'nat', 'onetoone'), '<nat><onetoone>'],
    [path(ctx.root, 'nat', 'npt'), '<nat><npt>'],
    [path(ctx.root, 'OPNsense', 'Firewall', 'Filter', 'onetoone'), '<OPNsense><Firewall><Filter><onetoone>'],
    [path(ctx.root, 'OPNsense', 'Firewall', 'Filter', 'npt'), '<OPNsense><Firewall><Filter><npt>'],
  ];
  // pfSense stores several <onetoone> elements directly under <nat>.
  for (const el of child(ctx.root, 'nat')?.children ?? []) {
    if (el.name === 'onetoone' || el.name === 'npt') sections.push([el, `<nat><${el.name}>`]);
  }
  // Element views are made when asked for: the same element reached twice is two views with one index.
  const seen = new Set<number>();
  for (const [el, what] of sections) {
    if (!el || seen.has(el.index)) continue;
    seen.add(el.index);
    const entries = el.children.filter((c) => c.name === 'rule');
    const targets = entries.length > 0 ? entries : el.children.length > 0 ? [el] : [];
    for (const t of targets) {
      const f = new Fields(t);
      if (!t.same(el) && (f.has('enabled') ? !truthy(f.text('enabled')) : ctx.flag(f, 'disabled'))) continue;
      ctx.unsupportedAt(
        t,
        what,
        '1:1 NAT / NPt translation is not modeled; it can change both inbound reachability and the source address and ' +
          'port of outbound flows',
      );
    }
  }
}

/**
 * pf's packet path (docs/semantics.md#pf-nat, pf.conf(5) "TRANSLATION"): `rdr` on the ingress before
 * the `in` rules, which see the translated destination; `nat` on the egress before the `out` rules,
 * which see the translated source. First match wins in both; `no rdr`/`no nat` exempt; `rdr pass`
 * skips the `in` rules.
 */
export function withPfNat(rs: Ruleset, nat: Nat): Ruleset {
  return withNatPath(rs, nat, {
    dnat: { stage: 'rdr', chain: 'pf-rdr', before: { forward: 'in', input: 'in' } },
    snat: { stage: 'nat', chain: 'pf-nat', before: 'out' },
  });
}
