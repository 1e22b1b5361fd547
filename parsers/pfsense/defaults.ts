/** Reasons and implicit-rule descriptions shared by the pfSense/OPNsense parser (docs/semantics.md#pfsense-and-opnsense). */

export const DEFAULT_DENY_REASON = 'pf default deny (pfSense emits non-quick `block in all` / `block out all`)';
export const OPN_DEFAULT_DENY_REASON =
  'pf default deny (OPNsense "Default deny / state violation rule": non-quick block, docs/semantics.md#pf-opnsense)';

export const PASS_OUT_IMPLICIT =
  'pfSense: let out anything from firewall host itself (pass out all keep state, non-quick)';
export const OPN_PASS_OUT_IMPLICIT =
  'OPNsense: let out anything from firewall host itself (pass out all keep state, non-quick, docs/semantics.md#pf-opnsense)';

export const ANTI_LOCKOUT_IMPLICIT =
  'anti-lockout rule: pass in quick on the LAN interface to the web GUI / SSH ports unless ' +
  '<system><webgui><noantilockout> (docs/semantics.md#pf-order)';

export const BLOCKPRIV_IMPLICIT =
  'block private networks on an interface with <blockpriv> ' +
  '(quick block in from RFC 1918 / loopback / ULA sources, docs/semantics.md#pf-order)';

export const AUTO_NAT_PORTS_REASON =
  'pfSense automatic outbound NAT rewrites the source port (1024:65535) unless static-port is set (docs/semantics.md#pf-nat)';
export const OPN_AUTO_NAT_PORTS_REASON =
  'OPNsense automatic outbound NAT rewrites the source port (1024:65535) unless static-port is set (docs/semantics.md#pf-opnsense)';
export const MANUAL_NAT_PORTS_REASON =
  'outbound NAT rule without static-port: the source port is rewritten (port 1024:65535, docs/semantics.md#pf-nat)';

export const SIP_ALG_DEFAULT_REASON =
  'pf has no SIP ALG; only the siproxd package adds a SIP proxy (docs/semantics.md#pf-sip)';
export const SIPROXD_UNCERTAIN = 'element name not confirmed (docs/semantics.md#unconfirmed)';

export const UDP_DEFAULT_REASON =
  "no <optimization> means `set optimization normal`, which leaves udp.multiple at pf's default 60 s " +
  '(optimization hints change only TCP timeouts)';
export const PF_UDP_MULTIPLE_DEFAULT = 60;
export const CONSERVATIVE_UDP_MULTIPLE = 900;

export const DISABLEFILTER_REASON =
  '<system><disablefilter> is set: pf is disabled, so no packet is filtered (docs/semantics.md#pf-disablefilter)';

/** What pf being off means for the packets, with the line that says so: no filter, no NAT, no state. */
export function disablefilterOff(line: number): string {
  return (
    `pf is disabled (<system><disablefilter>, line ${String(line)}), so no packet is filtered, translated or ` +
    'kept in a state (docs/semantics.md#pf-disablefilter)'
  );
}

/** Why findings that rest on pf being off are uncertain (Policy.doubts). */
export function disablefilterDoubt(line: number): string {
  return (
    `fwlint reads <system><disablefilter> (line ${String(line)}) as pf switched off: every packet passes, ` +
    'untranslated and without a state; the vendor describes the option only in outline ' +
    '(docs/semantics.md#pf-disablefilter, docs/semantics.md#unconfirmed)'
  );
}
