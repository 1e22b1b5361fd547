import { ingressOf } from '../src/site/evidence.js';
import { box, overlaps, type Box } from '../src/engine/box.js';
import type { LintRule, RuleContext } from '../src/lint/context.js';
import { NameSet } from '../src/model/name-set.js';
import { PROTO, portSet, protoSet } from '../src/model/ports.js';
import type { Chain, Match, Rule, ScopedSetting } from '../src/model/policy.js';
import type { Finding } from '../src/model/finding.js';
import { cite, numberRepeats, settingFinding, settingsOf, settingEvidence, settingPassed } from './settings.js';

/** FWL002: a SIP ALG / helper rewrites or tracks SIP although the provider requires it off. */
export const sipAlgEnabled: LintRule = {
  meta: {
    id: 'FWL002',
    name: 'sip-alg-enabled',
    shortDescription: 'SIP ALG or SIP helper is enabled.',
    fullDescription:
      'Reports every mechanism that acts as a SIP application-layer gateway (FortiGate SIP ALG and ' +
      'session helper, RouterOS service-port sip, nftables ct helper sip, siproxd), including ones ' +
      'enabled by a default the export does not show.',
    defaultLevel: 'error',
    securitySeverity: 4.0,
    precision: 'high',
    tags: ['voip', 'sip', 'alg'],
    help: {
      what: 'The firewall inspects and rewrites SIP messages (SIP ALG / helper).',
      why:
        "ALGs rewrite SIP headers and SDP inconsistently with the provider's own NAT traversal, causing " +
        'failed registrations, one-way audio and dropped calls; providers require it off.',
      fix: {
        generic: 'Disable the SIP ALG / helper.',
        pfsense:
          'pfSense has no SIP ALG; remove the siproxd package (System > Package Manager) unless the provider asks for it.',
        opnsense: 'OPNsense has no SIP ALG; remove the os-siproxd plugin.',
        fortigate:
          'config system settings\n    set default-voip-alg-mode kernel-helper-based\nend\nconfig system ' +
          'session-helper\n    delete <id of the "sip" entry>\nend\nconfig voip profile\n    edit "<profile>"\n ' +
          '       config sip\n            set status disable\n        end\n    next\nend\n(or unset voip-profile ' +
          'and ips-voip-filter on the phone policies)',
        mikrotik: '/ip firewall service-port set sip disabled=yes',
        nftables:
          'Remove the `ct helper set` statement that assigns the sip helper (and the `ct helper` object of type "sip").',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    const phones = phoneBoxes(ctx);
    for (const req of settingsOf(ctx, 'sip-alg-off')) {
      const off = [];
      for (const s of ctx.policy.sessions.sipAlg) {
        if (!touchesPhones(ctx, s, phones)) {
          // A mechanism on other traffic only is part of why the phones' SIP is left alone.
          if (s.value && !s.local)
            off.push({
              ...settingEvidence(s, "SIP ALG is on, but not for the phones' traffic"),
              uncertain: s.uncertain,
            });
          continue;
        }
        if (!s.value) {
          off.push({ ...settingEvidence(s, 'SIP ALG is off'), uncertain: s.uncertain });
          continue;
        }
        out.push(
          settingFinding(
            this.meta,
            ctx,
            req,
            s,
            'SIP ALG is enabled.',
            `${cite(req, ctx)} requires SIP inspection off: disable it.`,
          ),
        );
      }
      settingPassed(ctx, req, out, ctx.phones.length > 0 ? 'SIP ALG is off for the phones.' : 'SIP ALG is off.', off);
    }
    return numberRepeats(out);
  },
};

/**
 * Whether a mechanism acting where `s` says can see the phones' SIP with the provider: connections the
 * phones open (from their networks, arriving on their interface), and connections from the Internet to
 * them (arriving on a WAN interface, e.g. through a port-forward), to the SIP ports. Traffic to the
 * phones from other internal networks is not the provider's, nor is a helper bound to other ports
 * (`scope.dport`, `scope.proto`). `scope` and `rules` must both allow it.
 */
function touchesPhones(ctx: RuleContext, s: ScopedSetting<boolean>, phones: readonly Box[]): boolean {
  // The phones' traffic to the provider passes through the firewall, never to or from it.
  if (s.local) return false;
  const { scope, rules } = s;
  // Phones unknown: whatever acts on some SIP may act on theirs (phoneBoxes).
  const theirs = (m: Match): boolean => phones.some((b) => overlaps(b, m));
  if (scope && !theirs(scope)) return false;
  if (!rules) return true;
  const chain = ctx.policy.ruleset.chains[rules.chain];
  const passes = (r: Rule): boolean => r.implicit === undefined && ACCEPTING.has(r.action.kind) && theirs(r.match);
  if (rules.except !== true) return rules.ids.some((id) => rulesById(chain).get(id)?.some(passes) === true);
  const ids = new Set(rules.ids);
  let accepted = false;
  for (const r of chain?.rules ?? []) {
    if (!passes(r)) continue;
    if (!ids.has(r.id)) return true;
    accepted = true;
  }
  // A mechanism of every policy but some: phones' traffic no policy accepts yet gets it from the one added for it.
  return !accepted;
}

/** A chain's rules by id (FortiGate: a policy's pieces share its id), made once per chain. */
const BY_ID = new WeakMap<Chain, Map<string, Rule[]>>();
function rulesById(chain: Chain | undefined): Map<string, Rule[]> {
  if (!chain) return new Map();
  let m = BY_ID.get(chain);
  if (!m) {
    m = new Map();
    for (const r of chain.rules) {
      const list = m.get(r.id);
      if (list) list.push(r);
      else m.set(r.id, [r]);
    }
    BY_ID.set(chain, m);
  }
  return m;
}

/** Rules through which traffic passes on (a jump's chain decides the rest). */
const ACCEPTING = new Set(['accept', 'jump', 'goto']);

/**
 * The phones' SIP signalling: TCP and UDP to the SIP ports of RFC 3261 (5060, 5061 for TLS). A helper
 * bound to other ports (ScopedSetting.scope.dport) never sees it (docs/semantics.md#ros-sip, #fgt-sip).
 */
const SIP = { proto: protoSet([PROTO.tcp, PROTO.udp]), dport: portSet([[5060, 5061]]) };

/**
 * The phones' SIP a SIP ALG could act on, per phone network: outgoing, and incoming from the WAN. With
 * the phones unknown, SIP from and to anywhere.
 */
function phoneBoxes(ctx: RuleContext): Box[] {
  if (ctx.phones.length === 0) return [box({ ...SIP, nat: NameSet.ANY })];
  // Without a known WAN, any interface may be it.
  const fromWan = ctx.wan.length > 0 ? NameSet.of(ctx.wan) : NameSet.ANY;
  return ctx.phones.flatMap((p) => [
    box({ ...SIP, src: p.networks, iif: ingressOf(p.iface, ctx.wan), nat: NameSet.ANY }),
    box({ ...SIP, dst: p.networks, iif: fromWan, nat: NameSet.ANY }),
  ]);
}
