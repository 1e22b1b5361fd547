/** RouterOS defaults and the reasons findings quote (vendor-semantics part C). */

/** vendor-semantics C.2: "If a packet has not matched any rule within the chain, then it is accepted." */
export const CHAIN_END_ACCEPTS =
  'RouterOS: a packet that matches no rule in a base chain is accepted (chain end accepts, vendor-semantics C.2)';

/** vendor-semantics C.4 / C.6: no service-port sip line in a compact export = helper enabled. */
export const SIP_HELPER_DEFAULT =
  'no `/ip firewall service-port set sip disabled=yes`: RouterOS enables the SIP helper by default on ports 5060,5061 (vendor-semantics C.4, C.6)';

/** vendor-semantics C.5: udp-stream-timeout 3m on v6 and v7. */
export const UDP_STREAM_DEFAULT_S = 180;
/** vendor-semantics C.5: udp-timeout (unreplied UDP) 10s on v6, 30s on v7 (exact 7.x of the change [U]). */
export const UDP_TIMEOUT_DEFAULT_V6_S = 10;
export const UDP_TIMEOUT_DEFAULT_V7_S = 30;

/** vendor-semantics C.3 / F.12: Linux NAT keeps the source port when the tuple is free; RouterOS exposes no random flag [U]. */
export const MASQUERADE_PORTS =
  'RouterOS source NAT keeps the source port when it is free (Linux NAT tries the original tuple first; masquerade/src-nat have no random-port option, vendor-semantics C.3 [U])';

export const NAT_MODE_REASON =
  'RouterOS has no automatic source NAT: only `/ip firewall nat` chain=srcnat rules translate (vendor-semantics C.3)';

export const FASTTRACK_NOTE =
  'fasttrack-connection is evaluated as accept for what it matches (FastTracked packets bypass the firewall, vendor-semantics C.2)';
