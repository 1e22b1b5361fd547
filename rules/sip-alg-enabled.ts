import { ingressOf } from '../src/site/evidence.js';
import { box, overlaps } from '../src/engine/box.js';
import type { LintRule, RuleContext } from '../src/lint/context.js';
import { NameSet } from '../src/model/name-set.js';
import type { ScopedSetting } from '../src/model/policy.js';
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
    for (const req of settingsOf(ctx, 'sip-alg-off')) {
      const off = [];
      for (const s of ctx.policy.sessions.sipAlg) {
        if (!touchesPhones(ctx, s)) continue;
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
      settingPassed(ctx, req, out, 'SIP ALG is off for the phones.', off);
    }
    return numberRepeats(out);
  },
};

/** Whether a helper acting on `s.scope` can see traffic from or to a phone network. */
function touchesPhones(ctx: RuleContext, s: ScopedSetting<boolean>): boolean {
  // The phones' traffic to the provider passes through the firewall, never to or from it.
  if (s.local) return false;
  const { scope } = s;
  if (!scope) return true;
  return ctx.phones.some(
    (p) =>
      overlaps(box({ src: p.networks, iif: ingressOf(p.iface, ctx.wan), nat: NameSet.ANY }), scope) ||
      overlaps(box({ dst: p.networks, oif: ingressOf(p.iface, ctx.wan), nat: NameSet.ANY }), scope),
  );
}
