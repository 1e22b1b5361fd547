/** Reasons for FortiOS defaults and implicit behaviour (docs/semantics.md#fortigate), shared by the readers. */

export const IMPLICIT_DENY_REASON =
  'FortiOS implicit deny (policy 0): traffic that no policy accepts is dropped (docs/semantics.md#fgt-policy)';

export const LOCAL_IN_DEFAULT_REASON =
  "FortiGate accepts traffic to its own addresses only for the services in the interface's allowaccess (empty by " +
  'default), enabled local services and accept local-in policies (docs/semantics.md#fgt-policy, docs/semantics.md#fgt-defaults)';

/** Why an interface does not answer ping, with the CLI that adds it (`append` keeps the other services). */
export function noPingImplicit(iface: string): string {
  return (
    'allowaccess does not include ping, so the FortiGate does not answer ping on this interface ' +
    `(add it with \`config system interface\` / \`edit "${iface}"\` / \`append allowaccess ping\`; ` +
    'docs/semantics.md#fgt-policy; allowaccess is empty by default)'
  );
}

export const PORT_PRESERVE_REASON =
  'FortiOS keeps the original source port when it is free ' +
  '(port-preserve enable is the default; docs/semantics.md#fgt-policy, docs/semantics.md#fgt-nat)';

/** system global udp-idle-timer (docs/semantics.md#fgt-timeouts, docs/semantics.md#fgt-defaults). */
export const UDP_IDLE_DEFAULT = 180;
/** What the 7.6.5 schema's help text says instead (UDP_IDLE_DEFAULT_UNCERTAIN). */
export const UDP_IDLE_HELP_TEXT = 60;
export const UDP_IDLE_DEFAULT_REASON =
  "no `set udp-idle-timer` in `config system global`: FortiOS's default UDP session idle timeout is 180 s (docs/semantics.md#fgt-timeouts)";
export const UDP_IDLE_DEFAULT_UNCERTAIN =
  'the FortiOS 7.6.5 schema\'s help text says "default = 60" while its default value is 180 (docs/semantics.md#fgt-timeouts; uncertain); ' +
  'both are below 300 s';

export const ALG_PROXY_DEFAULT_REASON =
  'no `set default-voip-alg-mode` in `config system settings`: FortiOS defaults to proxy-based, so the SIP ALG (the ' +
  '"default" VoIP profile) handles SIP on every policy without a voip-profile (docs/semantics.md#fgt-sip)';

/** `where`: on which policies the helper acts ("in kernel-helper-based mode"). */
export function sessionHelperDefaultReason(where: string): string {
  return (
    'no `config system session-helper` table in the file: the factory table has the "sip" entry (udp 5060), so the SIP ' +
    `session helper handles SIP ${where} (docs/semantics.md#fgt-sip, docs/semantics.md#fgt-defaults)`
  );
}

export const SIP_HELPER_LEGACY_UNCERTAIN =
  'the default of the pre-6.2 `sip-helper` setting is believed to be enable but not confirmed (docs/semantics.md#fgt-sip; uncertain)';

export const CENTRAL_NAT_DEFAULT_REASON =
  'no `set central-nat` in `config system settings`: central NAT is disabled by default, so source NAT comes from each ' +
  'policy (docs/semantics.md#fgt-policy, docs/semantics.md#fgt-defaults)';

/** FWL900's kind for names a policy uses that the file does not define (one finding for all, each name in its reason). */
export const UNDEFINED_ADDRESS = 'address not defined in the file';
export const UNDEFINED_SERVICE = 'service not defined in the file';
