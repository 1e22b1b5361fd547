import type { LintOptions } from '../../src/lint/run.js';

/**
 * How the rule fixtures in fixtures/<vendor>/rules/ are linted. The expected findings are not here:
 * each fixture declares them itself, with `expect: FWL001 FWL001` comments on the line above the line
 * a finding must point at (see expectations.ts). The harness (fixtures.test.ts) lints every file in
 * those folders; a file listed nowhere below gets one run with its vendor's defaults, so adding a
 * fixture that needs nothing special is adding a file. List a file here to give it profiles or
 * options other than the defaults, several runs, or a note that names what it shows.
 *
 * Every rule of rules/index.ts must have a fixture that triggers it in every vendor folder (unless
 * `notApplicable` says why it cannot apply there), and every folder has a run that expects no
 * finding at all (clean.*, whose runs are the must-not-trigger side; each fixture's exact
 * expectation list is the must-not-trigger side for the rules it does not name).
 */
export interface FixtureRun {
  profiles?: string[];
  opts?: Partial<LintOptions>;
  /** What the run shows; becomes part of the test name. */
  why: string;
  /** Expect no finding at all, whatever the fixture's expect comments say (a run that must stay silent). */
  expectNone?: boolean;
}

export interface VendorFixtures {
  /** Profiles and options of a run that gives none. */
  defaults: { profiles: string[]; opts?: Partial<LintOptions> };
  /** Rule ids that cannot apply to this vendor, with the reason. */
  notApplicable?: Record<string, string>;
  runs: Record<string, FixtureRun[]>;
}

const osbiz = { pbx: '192.168.1.10', devices: ['osbiz-x'] };
const osb = ['openscape-business'];
/** OpenScape section 5 (home router) requirements: the linted firewall is the home router of a System Device@Home. */
const home = { audiences: ['home-router' as const] };
const nftPhones = { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'] };

export const FIXTURE_RUNS: Record<string, VendorFixtures> = {
  pfsense: {
    defaults: { profiles: ['ipnordic'] },
    runs: {
      'clean.xml': [
        { why: 'meets every ipnordic requirement: no rule may fire' },
        { opts: { phones: ['opt1'] }, why: 'same, with the phones given explicitly' },
      ],
      'fwl001-blocked.xml': [{ why: 'block rule and default deny on required flows' }],
      'fwl001-one-network-blocked.xml': [
        {
          opts: { phones: ['opt1', 'opt2'] },
          why: 'UDP blocked on VOICE2 only: each fix names VOICE2 alone (blocked-fix.test.ts)',
        },
      ],
      'fwl001-ambiguous-direction.xml': [
        {
          profiles: ['mitel-mx-one'],
          opts: { phones: ['opt1'], pbx: '10.30.0.10', devices: ['h323'] },
          why: 'H.225.0 RAS allowed one way only, the document being ambiguous: uncertain (ambiguous-direction.test.ts)',
        },
      ],
      'fwl001-floating-nonquick.xml': [{ why: 'floating block rules, one without Quick (last match wins)' }],
      'fwl002-siproxd.xml': [{ why: 'siproxd acts as a SIP ALG' }],
      'fwl003-default-timeout.xml': [{ why: 'pf default udp.multiple 60 s and a 120 s rule override' }],
      'fwl003-statetimeout-inside-only.xml': [
        { why: 'a 600 s rule timeout on opt1 does not keep the WAN state (global 60 s) alive' },
      ],
      'fwl003-statetimeout-both-long.xml': [{ why: 'rule timeout 600 s in, conservative 900 s out: no FWL003' }],
      'fwl004-forward-to-phone.xml': [{ why: 'port-forwards to a phone; the SIP one is also exposed' }],
      'fwl005-no-nat.xml': [{ why: 'a no-NAT rule for the phones' }],
      'nordr-before-forward.xml': [{ why: 'a no-rdr before the forward of the same SIP: nothing forwarded' }],
      'settings-hostname-only.xml': [
        {
          why: 'only hostname rules accept: FWL007 and FWL009 uncertain like FWL012, never a bare pass (setting-doubts.test.ts)',
        },
      ],
      'fwl010-nordr-partial.xml': [{ why: 'a no-rdr for 5061 before a 5060-5061 forward: 5060 still forwarded' }],
      'fwl005-wan-no-gateway.xml': [{ why: 'automatic outbound NAT and a WAN without a gateway: no rule for it' }],
      'fwl006-random-ports.xml': [
        { profiles: osb, opts: home, why: 'automatic outbound NAT randomizes source ports (pfSense default)' },
      ],
      'fwl006-static-port.xml': [{ profiles: osb, opts: home, why: 'static port for the phones: no FWL006' }],
      'fwl007-no-ping.xml': [{ why: 'default deny on WAN drops ICMP' }],
      'fwl007-ping-from-some.xml': [
        { why: 'ICMP to the WAN address allowed from 192.0.2.0/24 only: uncertain (wan-icmp-sources.test.ts)' },
      ],
      'fwl008-no-state.xml': [{ why: 'statetype none on the phones rule' }],
      'fwl009-no-dns.xml': [{ why: 'DNS blocked to the firewall and the Internet' }],
      'fwl010-disablefilter.xml': [
        { why: 'pf disabled: SIP open and no NAT, both uncertain (pfsense-disablefilter.test.ts)' },
      ],
      'fwl010-sip-open.xml': [{ why: 'SIP from any source; SIP-TLS from the provider only is fine' }],
      'fwl011-no-forward.xml': [{ profiles: osb, opts: osbiz, why: 'no forwards to the PBX at all' }],
      'fwl011-forwards.xml': [
        { profiles: osb, opts: osbiz, why: 'wrong target port; a forward without its filter rule' },
      ],
      'fwl011-one-source.xml': [
        {
          profiles: osb,
          opts: osbiz,
          why: 'a forward, and a forward filter rule, from some sources only: uncertain (forward-sources.test.ts)',
        },
      ],
      'fwl011-second-address.xml': [
        { profiles: osb, opts: osbiz, why: 'HFA forwarded on another public address only: not missing' },
      ],
      'fwl012-hostname.xml': [
        { opts: { devices: ['snom'] }, why: 'Snom provisioning hostname, FQDN alias' },
        { expectNone: true, why: 'device-specific requirements stay out without --device' },
      ],
      'fwl012-deny-hostname.xml': [{ why: 'a block rule on an FQDN alias before the pass: one uncertain finding' }],
      'fwl900-schedule.xml': [{ why: 'a schedule fwlint does not evaluate' }],
    },
  },

  fortigate: {
    defaults: { profiles: ['ipnordic'] },
    notApplicable: { FWL008: 'FortiOS sessions always carry the replies of accepted traffic' },
    runs: {
      'clean.conf': [
        { why: 'meets every ipnordic requirement: no rule may fire' },
        { opts: { phones: ['voice'] }, why: 'same, with the phones given explicitly' },
        { profiles: osb, opts: home, why: 'port-preserving NAT, ALG off: nothing for OpenScape either' },
      ],
      'fwl001-blocked.conf': [
        {
          why: 'file order, not policy id; a policy without action denies; group of iprange + subnet; service group',
        },
      ],
      'fwl002-default-alg.conf': [{ why: 'default VoIP ALG mode (proxy-based) and a voip-profile on a policy' }],
      'fwl002-session-helper.conf': [{ why: 'kernel-helper-based, but the sip session-helper entry remains' }],
      'fwl002-helper-other-port.conf': [{ why: 'kernel-helper-based, the sip session-helper entry on UDP 5065 only' }],
      'fwl003-default-timeout.conf': [{ why: 'default udp-idle-timer 180 s and a 120 s per-service timer' }],
      'fwl003-explicit-timer.conf': [
        { why: 'explicit udp-idle-timer 120 s (uncertain: a session-ttl UDP port entry exists)' },
      ],
      'fwl004-vip-to-phone.conf': [
        { why: 'VIPs to phones; the SIP one open to any source; an unused VIP is not applied' },
      ],
      'fwl005-no-nat.conf': [{ why: 'phone policy without nat enable' }],
      'fwl006-port-random.conf': [{ profiles: osb, opts: home, why: 'port-random enable randomizes source ports' }],
      'fwl006-fixedport.conf': [
        { profiles: osb, opts: home, why: 'fixedport with an IP pool, and the default port preservation: no FWL006' },
      ],
      'fwl007-no-ping.conf': [{ why: 'allowaccess on the WAN lacks ping' }],
      'fwl009-no-dns.conf': [{ why: 'no DNS service to the Internet and no dns-server on the voice interface' }],
      'fwl010-sip-open.conf': [
        { why: 'SIP from any source routed to the phones; SIP-TLS from the provider only is fine' },
      ],
      'fwl011-no-forward.conf': [{ profiles: osb, opts: osbiz, why: 'no VIP to the PBX at all' }],
      'fwl011-forwards.conf': [
        {
          profiles: osb,
          opts: osbiz,
          why: 'wrong mapped port; a deny policy before the VIP policy; a missing forward',
        },
      ],
      'fwl012-fqdn.conf': [
        { opts: { devices: ['snom'] }, why: 'Snom provisioning hostname, FQDN address' },
        { expectNone: true, why: 'device-specific requirements stay out without --device' },
      ],
      'fwl900-schedule.conf': [{ why: 'a schedule fwlint does not evaluate' }],
      'fwl900-groups.conf': [{ why: 'two policies with user groups: one finding, the second policy related' }],
      'multi-vdom.conf': [
        {
          opts: { phones: ['10.20.0.0/24', '10.30.0.0/24'] },
          why: 'two VDOMs, each its own firewall: phones on both, the guest VDOM fails',
        },
        { expectNone: true, why: 'phones found in VDOM voice only: the guest VDOM is not on their path' },
      ],
    },
  },

  mikrotik: {
    defaults: { profiles: ['ipnordic'] },
    runs: {
      'clean.rsc': [
        { why: 'defconf + voice VLAN, SIP helper off, udp-stream-timeout 5m: no rule may fire' },
        { opts: { phones: ['vlan20-voice'], wan: ['ether1'] }, why: 'same, with phones and WAN given explicitly' },
        {
          profiles: osb,
          why: 'clean for OpenScape device@home too: masquerade keeps the source ports, SIP helper off',
        },
      ],
      'defconf-voice.rsc': [
        { why: 'v7 defconf: SIP helper on and udp-stream-timeout 3m by default, at the export header' },
      ],
      'fwl001-blocked.rsc': [
        { why: 'jump chain with a slice of RTP blocked, return, final drop; a disabled rule does not count' },
      ],
      'fwl002-verbose.rsc': [{ why: 'export verbose: service-port sip disabled=no is an explicit SIP helper' }],
      'fwl002-sip-port-5060.rsc': [
        { why: 'service-port sip ports=5060: the helper sees the phones SIP, at that line' },
      ],
      'fwl002-sip-port-other.rsc': [{ why: 'service-port sip ports=5062: the helper never sees the phones SIP' }],
      'fwl003-conntrack-off.rsc': [
        { why: 'connection tracking enabled=no: no helper, no UDP timeout (no FWL002/FWL003), no NAT (FWL005)' },
      ],
      'fwl003-v6-default.rsc': [{ why: 'v6: udp-timeout raised, the default udp-stream-timeout 3m still applies' }],
      'fwl003-explicit.rsc': [{ why: 'udp-stream-timeout=2m is below 300 s' }],
      'fwl004-forward-to-phone.rsc': [{ why: 'dst-nat to phones; the SIP one from anywhere is also exposed' }],
      'fwl005-no-nat.rsc': [{ why: 'srcnat accept exempts the voice VLAN' }],
      'fwl006-eim-random.rsc': [{ profiles: osb, opts: home, why: 'endpoint-independent-nat randomise-ports=yes' }],
      'fwl006-masquerade.rsc': [
        { profiles: osb, opts: home, why: 'masquerade and EIM without randomise-ports keep the source port' },
      ],
      'fwl007-no-ping.rsc': [{ why: 'ICMP from WAN dropped in the input chain (v6, static WAN address)' }],
      'fwl007-ping-from-some.rsc': [
        { why: 'ICMP from WAN accepted from an address list only: uncertain (wan-icmp-sources.test.ts)' },
      ],
      'fwl008-no-established.rsc': [{ why: 'no established,related accept before the final drop' }],
      'fwl009-no-dns.rsc': [{ why: 'DNS dropped in forward and to the router' }],
      'dns-redirect.rsc': [
        { why: 'DNS redirected to the router: answered (no FWL009), never leaves through the WAN (no FWL005)' },
      ],
      'fwl010-sip-open.rsc': [{ why: 'SIP from any source routed to the phones; SIP-TLS from ipnordic only is fine' }],
      'fwl011-no-forward.rsc': [{ profiles: osb, opts: osbiz, why: 'no dst-nat to the PBX at all' }],
      'fwl011-forwards.rsc': [
        { profiles: osb, opts: osbiz, why: 'wrong to-ports, a forward dropped in the filter, two forwards missing' },
      ],
      'fwl012-hostname.rsc': [
        { opts: { devices: ['snom'] }, why: 'Snom provisioning hostname, address list with a DNS name' },
        { expectNone: true, why: 'device-specific requirements stay out without --device' },
      ],
      'fwl900-unsupported.rsc': [{ why: 'schedule, ICMP type, policy routing, UPnP, /import, stray text' }],
    },
  },

  nftables: {
    defaults: { profiles: ['ipnordic'], opts: nftPhones },
    runs: {
      'clean.nft': [
        { opts: {}, why: 'meets every ipnordic requirement: no rule may fire (phones and WAN inferred)' },
        { why: 'same, with --phones 10.20.0.0/24@vlan20 --wan wan0' },
        { profiles: osb, opts: { ...nftPhones, ...home }, why: 'masquerade without random keeps ports; no SIP helper' },
      ],
      'clean-interface-patterns.nft': [
        {
          opts: { phones: ['10.20.0.0/24@vlan20'], wan: ['ppp0'] },
          why: 'vlan20 and ppp0 named only by the patterns "vlan*" and "ppp*": the rules with them apply',
        },
      ],
      'clean-equal-priority.nft': [
        { why: 'equal-priority chains of different tables whose order changes no verdict (600/900 s, accept/count)' },
      ],
      'fwl003-equal-priority.nft': [
        { why: '90 s and 600 s set at equal priority in two tables: the 90 s finding is uncertain (order undefined)' },
      ],
      'fwl001-two-tables.nft': [
        { why: 'an accept in one table, a drop in a later base chain of another; default policy' },
      ],
      'fwl001-redirect-to-firewall.nft': [
        { why: "the phones' SIP redirected to the firewall itself never reaches the provider (uncertain: a proxy)" },
      ],
      'fwl002-sip-helper.nft': [{ why: 'ct helper of type sip assigned with ct helper set' }],
      'fwl003-timeout-omitted.nft': [{ why: 'ct timeout policy without replied: nft built-in 120 s' }],
      'fwl003-kernel-default.nft': [{ why: 'no ct timeout: kernel udp_timeout_stream 120 s' }],
      'fwl004-forward-to-phone.nft': [{ why: 'dnat to a phone; the SIP one is open to the Internet' }],
      'fwl005-no-nat.nft': [{ why: 'NAT-chain accept exempts the phones; masquerade covers the LAN only' }],
      'fwl006-random-ports.nft': [{ profiles: osb, opts: { ...nftPhones, ...home }, why: 'masquerade random' }],
      'fwl007-no-ping.nft': [{ why: 'input policy drop, no echo-request accept' }],
      'fwl007-ping-from-some.nft': [
        { why: 'echo-request accepted from 192.0.2.0/24 only: uncertain (wan-icmp-sources.test.ts)' },
      ],
      'fwl008-no-return.nft': [{ why: 'no ct state established accept in forward' }],
      'fwl008-uncertain-flag-list.nft': [
        { why: '`ct state != a,b` (nft-release dependent) may drop the replies: uncertain' },
      ],
      'fwl009-no-dns.nft': [{ why: 'DNS neither to the firewall nor to the Internet' }],
      'fwl010-sip-open.nft': [{ why: 'SIP from any source; SIP-TLS from the provider only is fine' }],
      'fwl011-forwards.nft': [
        {
          profiles: osb,
          opts: { ...nftPhones, ...osbiz },
          why: 'wrong target port, a forward the filter drops, two missing',
        },
      ],
      'fwl012-hostname.nft': [
        {
          opts: { ...nftPhones, devices: ['snom'] },
          why: 'Snom provisioning hostname; a rule naming it by hostname',
        },
        { expectNone: true, why: 'device-specific requirements stay out without --device' },
      ],
      'fwl900-unsupported.nft': [{ why: 'wildcard include, mark match in a drop rule, flow offload' }],
    },
  },
};
