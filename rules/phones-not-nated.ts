import { ownAddresses } from '../src/site/evidence.js';
import type { Evidence } from '../src/model/report.js';
import type { LintRule } from '../src/lint/context.js';
import { finding } from '../src/lint/finding.js';
import { audienceOf } from '../src/lint/flows.js';
import { natIfAllowed, outboundNat, type NotrackView, type OutboundPart } from '../src/lint/nat.js';
import { notChecked } from '../src/lint/context.js';
import { formatAddrSet, type AddrSet } from '../src/model/address.js';
import type { Box } from '../src/model/box.js';
import { formatPortSet, formatProtoSet } from '../src/model/ports.js';
import { labelShows } from '../src/lint/wording.js';
import type { Finding } from '../src/model/finding.js';
import { cite, settingCause, settingPassed, settingsOf } from './settings.js';

/** FWL005: phone traffic leaves to the Internet without source NAT although the provider requires NAT. */
export const phonesNotNated: LintRule = {
  meta: {
    id: 'FWL005',
    name: 'phones-not-nated',
    shortDescription: 'Phones reach the Internet without source NAT.',
    fullDescription:
      "Splits the phones' traffic to the Internet by the source-NAT rules (first match) and reports " +
      'the parts that leave untranslated, with the rule or mode that causes it.',
    defaultLevel: 'error',
    securitySeverity: 5.5,
    precision: 'high',
    tags: ['voip', 'nat'],
    help: {
      what: 'Some phone traffic to the Internet is not source-NATed.',
      why:
        'Providers that require NAT expect phones on private addresses behind it; untranslated private ' +
        'sources are dropped upstream, and public phones are exposed.',
      fix: {
        generic:
          'Add a source-NAT (masquerade) rule for the phone network on the WAN interface, before any no-NAT exception.',
        pfsense:
          'Firewall > NAT > Outbound: use Automatic or Hybrid mode, or add a rule for the phone network ' +
          'on WAN; remove "Do not NAT" rules covering it. Automatic rules cover only interfaces with a gateway: ' +
          'give the WAN one (Interfaces > WAN, IPv4 Upstream gateway). System > Advanced > Firewall & NAT: ' +
          '"Disable all packet filtering" turns NAT off too; untick it.',
        opnsense: 'Firewall > NAT > Outbound: Automatic or Hybrid mode, or a manual rule for the phone network.',
        fortigate:
          'config firewall policy: `set nat enable` on the phone-to-WAN policy (or add a central-snat-map entry).',
        mikrotik:
          '/ip firewall nat add chain=srcnat src-address=<phones> out-interface-list=WAN action=masquerade place-before=0 ' +
          '(NAT needs connection tracking: /ip firewall connection tracking set enabled=yes)',
        nftables: 'In a nat postrouting chain: `ip saddr <phones> oifname "<wan>" masquerade`.',
      },
    },
  },
  check(ctx) {
    const out: Finding[] = [];
    for (const req of settingsOf(ctx, 'nat-required')) {
      const translating = new Map<string, Evidence>();
      const unjudged: string[] = [];
      for (const from of audienceOf(req, ctx)) {
        // One finding per cause: the exempting rule, or "no rule matches".
        const groups = new Map<string, Group>();
        // When the filters let none of its traffic out, the NAT stages alone decide: behind source NAT is a
        // property of the NAT configuration (docs/semantics.md), as for phonesAreNated.
        const leaving = outboundNat(ctx, from);
        const unfiltered = leaving.length === 0;
        const parts = unfiltered ? natIfAllowed(ctx, from, false) : leaving;
        if (parts.length === 0) unjudged.push(from.label);
        const once = unfiltered ? UNFILTERED : '';
        for (const part of parts) {
          if (part.rule?.action === 'translate') {
            const r = part.rule;
            if (!translating.has(r.id))
              translating.set(r.id, {
                text:
                  (r.implicit
                    ? `${r.implicit} (traffic from ${from.label})`
                    : `${r.label} translates the source address of traffic from ${from.label}`) + once,
                loc: r.loc,
                ...(r.implicit ? { fromDefault: true } : {}),
              });
            continue;
          }
          const k = part.untracked ? `untracked:${part.notrack?.id ?? ''}` : (part.rule?.id ?? '');
          const g = groups.get(k);
          if (g) {
            g.src = g.src.union(part.src);
            g.boxes.push(...part.boxes);
          } else groups.set(k, { ...part, boxes: [...part.boxes] });
        }
        for (const { rule, src, untracked, notrack, boxes, whole } of groups.values()) {
          const cause = untracked
            ? untrackedCause(notrack)
            : (rule?.implicit ??
              (rule
                ? `${rule.label} (line ${rule.loc.line}) exempts it from NAT`
                : ctx.policy.nat.mode
                  ? `no source-NAT rule matches it. ${settingCause(ctx.policy.nat.mode)}`
                  : 'no source-NAT rule matches it'));
          // Untracked traffic: the protocols and ports the notrack leaves out of tracking, and the notrack's place.
          const what = (untracked ? untrackedScope(boxes, whole) : undefined) ?? 'Traffic';
          const to = `the Internet${untracked ? untrackedPorts(boxes) : ''}`;
          const leaves = unfiltered
            ? 'would leave without source NAT once the filters let it out'
            : 'leaves without source NAT';
          out.push(
            finding(this.meta, ctx, {
              level: req.severity,
              requirement: req.id,
              loc: (untracked ? notrack?.loc : rule?.loc) ?? ctx.policy.nat.mode?.loc ?? ctx.policy.root,
              fromDefault: !rule && !notrack && ctx.policy.nat.mode?.source === 'default',
              message:
                `${what} from ${fromText(from.label, from.networks, src, ownAddresses(ctx.policy))} to ${to} ${leaves}: ` +
                `${cause}.${unfiltered ? ` ${UNFILTERED_FAIL}` : ''} ${cite(req, ctx)} requires the phones to be behind NAT: ${
                  untracked
                    ? notrack?.implicit
                      ? TRACKING_OFF_FIX
                      : 'let connection tracking see this traffic (narrow or remove the notrack), so it can be translated'
                    : rule && !rule.implicit
                      ? 'make this rule translate them, narrow it so it leaves them out, or translate them before it'
                      : 'translate their source address on the way to the WAN'
                } (\`fwlint rules show FWL005\` gives the steps for each platform).`,
              key: [from.label, untracked ? 'untracked' : (rule?.id ?? 'no-rule')],
            }),
          );
        }
      }
      // Nothing leaves even without the filters (or a filter stage rewrites packets): NAT was not judged.
      if (unjudged.length > 0 && !out.some((f) => f.requirement === req.id) && translating.size === 0)
        notChecked(
          ctx,
          [req.id],
          `FWL005 phones-not-nated: no traffic from ${unjudged.join(', ')} leaves for the Internet, and fwlint ` +
            'could not tell what source NAT it would get once it does.',
        );
      settingPassed(ctx, req, out, 'The phones leave behind source NAT.', [...translating.values()]);
    }
    return out;
  },
};

/** Said of a verdict read from the NAT configuration alone (natIfAllowed). */
const UNFILTERED =
  ' (the filters let none of this traffic out today: judged by what the NAT configuration does to it once they do)';

const UNFILTERED_FAIL =
  'The filters let none of this traffic out today; this is what the NAT configuration does to it once they do.';

type Group = Omit<OutboundPart, 'src'> & { src: AddrSet };

/** The fix when the platform's own stand-in untracks the traffic (tracking switched off): a setting, not a notrack to narrow. */
const TRACKING_OFF_FIX =
  'change the setting this line holds (a platform setting, not a rule) so this traffic is tracked and can be translated';

/** Why untracked traffic is not translated, naming the rule that took it out of connection tracking. */
function untrackedCause(notrack: NotrackView | undefined): string {
  if (notrack?.implicit) return notrack.implicit;
  const how = 'untracked packets are never translated';
  return notrack
    ? `${notrack.label} (line ${notrack.loc.line}) takes it out of connection tracking (notrack), and ${how}`
    : `it is not connection-tracked (notrack, or connection tracking is off), and ${how}`;
}

/**
 * "UDP traffic" when the untracked traffic is limited to some protocols: a headline must not say all
 * traffic leaves untranslated when only UDP does. Undefined when it is not.
 */
function untrackedScope(boxes: readonly Box[], whole: Box): string | undefined {
  const [first, ...rest] = boxes;
  if (!first) return undefined;
  const protos = rest.reduce((acc, b) => acc.union(b.proto), first.proto);
  if (protos.equals(whole.proto)) return undefined;
  return `${formatProtoSet(protos).toUpperCase()} traffic`;
}

/** " on port 5060" when every untracked part is limited to the same destination ports. */
function untrackedPorts(boxes: readonly Box[]): string {
  const [first] = boxes;
  if (!first || first.dport.isFull || !boxes.every((b) => b.dport.equals(first.dport))) return '';
  const text = formatPortSet(first.dport);
  return ` on port${first.dport.size() > 1n ? 's' : ''} ${text}`;
}

/** "vlan20 (10.20.0.0/24)"; the label alone when it already ends with exactly those addresses. */
/**
 * The source as its label says it, with the addresses in brackets where the label does not show them;
 * the firewall's own addresses are never translated, so their absence is not worth saying.
 */
function fromText(label: string, networks: AddrSet, src: AddrSet, own: AddrSet): string {
  const shown = src.equals(networks.subtract(own)) ? networks : src;
  return labelShows(label, shown) ? label : `${label} (${formatAddrSet(shown)})`;
}
