/** RouterOS defaults and the reasons findings quote (docs/semantics.md#routeros). */

import { portSet } from '../../src/model/ports.js';

/** docs/semantics.md#ros-filter: "If a packet has not matched any rule within the chain, then it is accepted." */
export const CHAIN_END_ACCEPTS =
  'RouterOS: a packet that matches no rule in a base chain is accepted (chain end accepts, docs/semantics.md#ros-filter)';

/** docs/semantics.md#ros-defaults: the SIP helper's default service ports. */
export const SIP_HELPER_PORTS = portSet([[5060, 5061]]);

/** docs/semantics.md#ros-sip, docs/semantics.md#ros-defaults: no service-port sip line in a compact export = helper enabled. */
export const SIP_HELPER_DEFAULT =
  'no `/ip firewall service-port set sip disabled=yes`: RouterOS enables the SIP helper by default on ports 5060,5061 ' +
  '(docs/semantics.md#ros-sip, docs/semantics.md#ros-defaults)';

/** docs/semantics.md#ros-timeouts: udp-stream-timeout 3m on v6 and v7. */
export const UDP_STREAM_DEFAULT_S = 180;
/** docs/semantics.md#ros-timeouts: udp-timeout (unreplied UDP) 10s on v6, 30s on v7 (exact 7.x of the change (uncertain)). */
export const UDP_TIMEOUT_DEFAULT_V6_S = 10;
export const UDP_TIMEOUT_DEFAULT_V7_S = 30;

/**
 * docs/semantics.md#ros-nat, docs/semantics.md#fgt-nat: Linux NAT keeps the source port when the tuple is free;
 * RouterOS exposes no random flag (uncertain).
 */
export const MASQUERADE_PORTS =
  'RouterOS source NAT keeps the source port when it is free (Linux NAT tries the original tuple first; ' +
  'masquerade/src-nat have no random-port option, docs/semantics.md#ros-nat; uncertain)';

export const NAT_MODE_REASON =
  'RouterOS has no automatic source NAT: only `/ip firewall nat` chain=srcnat rules translate (docs/semantics.md#ros-nat)';

export const FASTTRACK_NOTE =
  'fasttrack-connection is evaluated as accept for what it matches (FastTracked packets bypass the firewall, docs/semantics.md#ros-filter)';
