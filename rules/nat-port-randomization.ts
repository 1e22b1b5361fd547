import type { Evidence } from '../src/model/report.js';
import type { LintRule } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import { audienceOf } from '../src/lint/flows.js';
import { outboundNat } from '../src/lint/nat.js';
import type { Finding } from '../src/model/finding.js';
import { cite, settingsOf, settingPassed } from './settings.js';

/** FWL006: source NAT rewrites the phones' source ports (symmetric NAT) where the profile needs them kept. */
export const natPortRandomization: LintRule = {
  meta: {
    id: 'FWL006',
    name: 'nat-port-randomization',
    shortDescription: "Source NAT randomizes the phones' source ports (symmetric NAT).",
    fullDescription:
      "Reports the source-NAT rules (explicit or the platform's automatic ones) that rewrite the " +
      'source port of phone traffic when the provider requires port-preserving (non-symmetric) NAT.',
    defaultLevel: 'error',
    securitySeverity: 3.0,
    precision: 'high',
    tags: ['voip', 'nat', 'symmetric-nat'],
    help: {
      what: 'The firewall picks a new random source port for each outbound session of the phones.',
      why:
        'With per-session port randomization the NAT behaves as symmetric NAT: STUN-based traversal ' +
        '(e.g. OpenScape device@home) cannot predict the public port and media fails.',
      fix: {
        generic: "Keep the source port for the phones' traffic (static port / port preservation).",
        pfsense:
          'Firewall > NAT > Outbound: Hybrid mode, add a rule for the phone network on WAN with "Static ' +
          'Port" checked, above the automatic rules.',
        opnsense: 'Firewall > NAT > Outbound: Hybrid mode, rule for the phone network with "Static port" set.',
        fortigate:
          'On the phone policy: `unset port-random` and keep `port-preserve` enabled; with an IP pool ' +
          'use type overload (fixed-port-range and port-block-allocation pools rewrite ports), or `set fixedport enable`.',
        mikrotik:
          '/ip firewall nat set [find action=endpoint-independent-nat randomise-ports=yes] randomise-ports=no ' +
          '(masquerade and src-nat keep the source port when it is free)',
        nftables: 'Drop `random`/`fully-random` from the masquerade/snat statement for the phone traffic.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const req of settingsOf(ctx, 'source-port-preservation')) {
      const seen = new Set<string>();
      const kept = new Map<string, Evidence & { uncertain?: string }>();
      for (const from of audienceOf(req, ctx)) {
        for (const part of outboundNat(ctx, from)) {
          const r = part.rule;
          if (r?.action !== 'translate') continue;
          const why = r.portsReason ? ` (${r.portsReason})` : '';
          if (r.ports !== 'random') {
            if (!kept.has(r.id))
              kept.set(r.id, {
                text: `${r.implicit ?? r.label} keeps the source port of traffic from ${from.label}${why}`,
                loc: r.loc,
                ...(r.implicit ? { fromDefault: true } : {}),
                uncertain: r.uncertain,
              });
            continue;
          }
          if (seen.has(r.id)) continue;
          seen.add(r.id);
          out.push(
            finding(this.meta, ctx, {
              level: req.severity,
              requirement: req.id,
              loc: r.loc,
              fromDefault: !!r.implicit,
              uncertain: !!r.uncertain,
              // The first sentence says what is wrong; which rule does it (a long implicit description) comes after.
              message:
                `Source NAT rewrites the source port of traffic from ${from.label}; ${cite(req, ctx)} requires NAT ` +
                `that is not symmetric. By ${r.implicit ?? r.label}${why}.` +
                `${r.uncertain ? ` Uncertain: ${r.uncertain}.` : ''} ` +
                `Enable static port / port preservation for traffic from ${from.label}.`,
              key: [r.id, from.label],
            }),
          );
        }
      }
      const whose = req.audience === 'pbx' ? 'the PBX' : 'the phones';
      settingPassed(ctx, req, out, `Source NAT keeps the source ports of ${whose}.`, [...kept.values()]);
    }
    return out;
  },
};
