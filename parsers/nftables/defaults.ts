/** Reasons and defaults of the nftables parser, each citing docs/semantics.md#nftables (and E/F). */

/** docs/semantics.md#nft-syntax, docs/semantics.md#nft-defaults: a base chain without `policy` accepts. */
export function defaultPolicyReason(chain: string): string {
  return (
    `base chain ${chain} has no \`policy\`: nftables base chains accept by default ` +
    '(docs/semantics.md#nft-syntax, docs/semantics.md#nft-defaults)'
  );
}

export function explicitPolicyReason(chain: string, value: string): string {
  return `\`policy ${value}\` of base chain ${chain} (docs/semantics.md#nft-hooks)`;
}

/** docs/semantics.md#nft-timeouts, docs/semantics.md#defaults: the kernel's UDP stream timeout applies unless a ct timeout is assigned. */
export const KERNEL_UDP_STREAM_DEFAULT = 120;
export const KERNEL_UDP_DEFAULT_REASON =
  "no `ct timeout` object is assigned to this traffic, so the kernel's net.netfilter.nf_conntrack_udp_timeout_stream " +
  'applies: 120 s on Linux ≥ 5.0 (180 s on older kernels; the exact release is unconfirmed, ' +
  'docs/semantics.md#nft-timeouts, docs/semantics.md#unconfirmed); ' +
  "pass --sysctl with the host's sysctl.conf to use its value";

export function sysctlUdpReason(key: string, value: number): string {
  return `${key} = ${String(value)} from --sysctl (the host's conntrack setting, docs/semantics.md#nft-timeouts)`;
}

/** docs/semantics.md#nft-timeouts: states left out of a ct timeout policy take nft's built-ins (UDP 30 / 120). */
export const NFT_BUILTIN_UDP_REPLIED = 120;

export function timeoutExplicitReason(obj: string, seconds: number): string {
  return `ct timeout ${obj} sets replied : ${String(seconds)} s for the UDP flows it is assigned to (docs/semantics.md#nft-timeouts)`;
}

export function timeoutOmittedReason(obj: string): string {
  return (
    `ct timeout ${obj} leaves the replied state out of its policy, so nft fills in its built-in 120 s ` +
    '(not the sysctl; docs/semantics.md#nft-timeouts)'
  );
}

/** docs/semantics.md#nft-helpers: helpers are assigned only by the ruleset on kernels ≥ 4.7. */
/** The SIP helper's own timeout (nf_conntrack_sip module parameter sip_timeout, default 3600 s). */
export const SIP_HELPER_TIMEOUT = 3600;

/** Why a flow with a SIP helper keeps sip_timeout (docs/semantics.md#nft-helpers). */
export function sipHelperTimeoutReason(helper: string, rule: string): string {
  return (
    `the SIP helper ${helper} (attached by ${rule}) refreshes the connection with sip_timeout ` +
    `on every packet (nf_conntrack_sip, default ${SIP_HELPER_TIMEOUT} s; docs/semantics.md#nft-helpers)`
  );
}

export const SIP_HELPER_DEFAULT_REASON =
  'no `ct helper set` assigns a helper of type "sip": since Linux 4.7 the kernel assigns helpers ' +
  'only when the ruleset says so (docs/semantics.md#nft-helpers)';

/** Why a SIP helper assigned in an input or output chain does not act on the traffic the firewall forwards. */
export const LOCAL_HELPER =
  'that chain is reached only from the input or output hook, so the helper acts on connections to or from the ' +
  'firewall itself, not on those it forwards (docs/semantics.md#nft-helpers)';

export const SIP_HELPER_LOCAL_REASON =
  'helpers of type "sip" are assigned only in chains of the input or output hook, which see connections to or ' +
  'from the firewall itself; no rule assigns one to the connections it forwards (docs/semantics.md#nft-helpers)';

export function sipHelperReason(name: string, where: string): string {
  return (
    `\`ct helper set "${name}"\` assigns the conntrack helper ${name} of type "sip" (declared at ${where}), ` +
    'which rewrites SIP and opens RTP expectations (docs/semantics.md#nft-helpers)'
  );
}

export const AUTO_HELPER_UNCERTAIN =
  'automatic assignment needs the nf_conntrack_sip module loaded, and the toggle was removed around Linux 6.0 ' +
  '(docs/semantics.md#nft-helpers, docs/semantics.md#unconfirmed)';

/** docs/semantics.md#nft-nat: NAT port behaviour. */
export const PRESERVE_REASON =
  'no `random`/`fully-random` flag: the kernel keeps the source port whenever the address/port pair is free (docs/semantics.md#nft-nat)';
export const RANDOM_REASON =
  '`random`: source ports are randomised (fully random since Linux 5.0, docs/semantics.md#nft-nat)';
export const FULLY_RANDOM_REASON = '`fully-random`: every source port is picked at random (docs/semantics.md#nft-nat)';

export const IP_TABLE_GUARD = 'an ip table only sees IPv4 packets (docs/semantics.md#nft-syntax: families)';
export const IP6_TABLE_GUARD = 'an ip6 table only sees IPv6 packets (docs/semantics.md#nft-syntax: families)';
export const DEVICE_GUARD =
  'the chain is bound to its devices and sees no packets from other interfaces (docs/semantics.md#nft-syntax)';
