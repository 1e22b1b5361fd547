import { strongerSeverity } from '../src/model/vocabulary.js';
import type { LintRule } from '../src/lint/context.js';
import { describeStep, finding, stepKey, stepLoc, type FindingInput } from '../src/lint/finding.js';
import type { Finding } from '../src/model/finding.js';
import type { Rule } from '../src/model/policy.js';
import type { Severity } from '../src/model/profile.js';
import { headline, shortCause } from './blocked.js';
import { denies, membersOf, uncertainWhy } from './doubt.js';
import { ENTIRELY, byDecider, describeFlow, describePart, evaluatedFlows } from './required-flows.js';

/**
 * FWL012: a requirement that cannot be checked offline — its destination is a hostname, or a rule
 * that decides it names hostnames/URL tables or has a match fwlint cannot decide exactly
 * (Match.uncertain). Says what was found instead of guessing.
 */
export const unverifiableRequirement: LintRule = {
  meta: {
    id: 'FWL012',
    name: 'unverifiable-requirement',
    shortDescription: 'A requirement depends on hostnames that cannot be resolved offline.',
    fullDescription:
      'fwlint never resolves hostnames. When a required destination is only a hostname, or a rule ' +
      'that could decide the flow matches hostnames or URL tables, the verdict depends on DNS at ' +
      'run time; the finding says what the rules do for the concrete addresses. The same holds for a ' +
      'rule whose match fwlint cannot decide exactly (an nftables `ct state != a,b` whose meaning ' +
      'depends on the nft release, `th` ports without a protocol): the finding names the rule and why.',
    defaultLevel: 'warning',
    securitySeverity: 2.0,
    precision: 'medium',
    tags: ['voip', 'reachability', 'dns'],
    help: {
      what:
        'The requirement names a hostname (or the firewall rule uses an FQDN alias), so whether the ' +
        'flow is allowed depends on what the name resolves to.',
      why:
        'Providers publish hostnames whose addresses change; an allow list that does not cover the ' +
        'current addresses breaks provisioning, time sync or firmware updates.',
      fix: {
        generic:
          'Allow the port to any Internet destination, or to an FQDN alias of the hostname, or confirm ' +
          'the addresses with the provider and allow those networks.',
        pfsense:
          'Firewall > Aliases: create a Host alias with the hostname (filterdns keeps it current) and allow the port to that alias.',
        opnsense: 'Firewall > Aliases: create a Host(s) alias with the hostname and allow the port to it.',
        fortigate:
          'config firewall address: edit "<name>" set type fqdn set fqdn "<hostname>"; use it as dstaddr in the accept policy.',
        mikrotik:
          '/ip firewall address-list add list=<name> address=<hostname> (RouterOS resolves it) and accept dst-address-list=<name>.',
        nftables:
          'nftables cannot match hostnames: allow the port to any destination or maintain a set updated by a resolver script.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const doubts = new Map<Rule, { reqs: Map<string, string>; level: Severity }>();
    for (const ev of evaluatedFlows(ctx)) {
      const hosts = ev.req.remote.hostnames ?? [];
      const dropped = ev.parts.filter((p) => p.verdict === 'drop');
      const uncertain = dropped.filter((p) => p.maybe.length > 0);
      // One uncertain finding per rule or default that decides a group of the flow's parts.
      const doubtful = (group: typeof dropped, rest: Pick<FindingInput, 'related' | 'message' | 'details' | 'key'>) => {
        const step = group[0]?.decidedBy;
        if (!step) return;
        out.push(
          finding(this.meta, ctx, {
            level: ev.req.severity === 'error' ? 'warning' : ev.req.severity,
            requirement: ev.req.id,
            loc: stepLoc(step, ctx.policy.root),
            uncertain: true,
            // One flow per finding: entirely blocked or not (baselines compare the count).
            blockedEntirely: describePart(group, ev.flow.box) === ENTIRELY ? 1 : 0,
            ...rest,
          }),
        );
      };
      if (ev.hostnamesOnly) {
        if (dropped.length === 0) continue; // allowed to every Internet address: holds whatever the name resolves to
        const byName = namedRules(dropped, hosts);
        const named = byName.length
          ? ` Rules that name it: ${byName.map(ruleRef).join(', ')}; whether they match depends on DNS.`
          : '';
        for (const group of byDecider(dropped)) {
          const step = group[0]?.decidedBy;
          if (!step) continue;
          doubtful(group, {
            related: byName.map((r) => ({ loc: r.loc, message: `${r.label} names the hostname` })),
            message: headline(
              `Required flow "${ev.req.description}"`,
              `to ${hostList(hosts)} cannot be verified offline.`,
            ),
            details:
              `${describeFlow(ev.flow, hostList(hosts))}: traffic to Internet addresses is blocked ` +
              `${describePart(group, ev.flow.box)} by ${describeStep(step)}, and fwlint does not resolve hostnames.${named} ` +
              'Allow the port to any destination or to an FQDN alias of the hostname.',
            key: [stepKey(step), ev.flow.from.label, hosts.join(',')],
          });
        }
        continue;
      }
      for (const group of byDecider(uncertain)) {
        const step = group[0]?.decidedBy;
        if (!step) continue;
        const maybe = [...new Set(group.flatMap((p) => p.maybe))];
        doubtful(group, {
          related: maybe.map((r) => ({ loc: r.loc, message: `${r.label} ${doubtOf(r)}` })),
          message: headline(`Required flow "${ev.req.description}"`, `may be blocked by ${shortCause(step)}.`),
          details:
            `${describeFlow(ev.flow)}: blocked ${describePart(group, ev.flow.box)} by ${describeStep(step)} ` +
            `unless ${maybe.map((r) => `${ruleRef(r)} matches (it ${doubtOf(r)})`).join(', ')}, which cannot be checked offline. ` +
            'Allow the provider networks by address, with exact matches, to make the verdict certain.',
          key: [stepKey(step), ev.flow.from.label, ...maybe.map((r) => r.id)],
        });
      }
      // Accepted, unless an earlier deny rule's hostname members cover it: gathered per deny rule below.
      for (const p of ev.parts) {
        if (p.verdict !== 'accept') continue;
        for (const r of p.maybe.filter(denies)) {
          const d = doubts.get(r) ?? { reqs: new Map<string, string>(), level: 'note' as Severity };
          d.reqs.set(ev.req.id, ev.req.description);
          d.level = stronger(d.level, ev.req.severity === 'error' ? 'warning' : ev.req.severity);
          doubts.set(r, d);
        }
      }
    }
    for (const [r, d] of doubts) {
      const names = [...d.reqs.values()];
      out.push(
        finding(this.meta, ctx, {
          level: d.level,
          loc: r.loc,
          uncertain: true,
          message: headline(
            r.label,
            r.match.uncertain?.length
              ? 'may match packets fwlint cannot decide for; required flows may be blocked.'
              : `blocks ${membersOf(r, true)} fwlint cannot resolve offline; required flows may be blocked.`,
          ),
          details:
            (r.match.uncertain?.length
              ? `${r.label} (line ${r.loc.line}) ${doubtOf(r)}. If it matches, it blocks required flows that are ` +
                'otherwise allowed: '
              : `If any of the ${membersOf(r)} of ${r.label} (line ${r.loc.line}) holds a provider network, it ` +
                'blocks required flows that are otherwise allowed: ') +
            `${names
              .slice(0, 4)
              .map((n) => `"${n}"`)
              .join(', ')}${names.length > 4 ? ` and ${names.length - 4} more` : ''}. ` +
            (r.match.uncertain?.length
              ? 'Exclude the provider networks from this rule or write the match so its meaning is exact.'
              : 'Exclude the provider networks from this rule or check what those members hold.'),
          key: ['accept-doubt', r.id],
        }),
      );
    }
    return out;
  },
};

/** A rule named in a message, with its line. */
const ruleRef = (r: Rule) => `${r.label} (line ${r.loc.line})`;

/** Hostnames for messages: the first two, and how many more. */
function hostList(hosts: string[]): string {
  return hosts.length > 2 ? `${hosts.slice(0, 2).join(', ')} and ${hosts.length - 2} more` : hosts.join(', ');
}

const stronger = strongerSeverity;

/** Rules whose symbolic members name one of the hostnames. */
function namedRules(parts: { maybe: Rule[] }[], hosts: string[]): Rule[] {
  const wanted = new Set(hosts.map((h) => h.toLowerCase()));
  const rules = new Set<Rule>();
  for (const p of parts)
    for (const r of p.maybe) if (r.match.symbolic?.some((s) => wanted.has(s.name.toLowerCase()))) rules.add(r);
  return [...rules];
}

/**
 * Why a rule might match a packet fwlint cannot decide for: its uncertain matches (Match.uncertain,
 * e.g. an nft-release-dependent flag list) in their own words, else its hostname/URL-table members.
 */
function doubtOf(r: Rule): string {
  const why = uncertainWhy(r);
  return why ? `is uncertain: ${why}` : `matches ${membersOf(r)}`;
}
