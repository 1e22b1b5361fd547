/** What the harness asks both the kernel and fwlint. */
export type ProbeKind = 'out' | 'reply' | 'timeout' | 'ping' | 'forward';

export interface Probe {
  kind: ProbeKind;
  proto: 'udp' | 'tcp' | 'icmp';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  /** Profile requirements (or ruleset port-forwards) the probe stands for. */
  why: string[];
  /** reply/timeout: the outbound probe they follow. */
  of?: Probe;
}

/** The kernel's answer. */
export interface KernelObs {
  /** out: reached the provider; reply: reached the phone; forward: reached a phone; ping: answered. */
  passed?: boolean;
  /** out: the source the provider saw. */
  seenSrc?: string;
  seenSport?: number;
  /**
   * out, delivered and tracked: the translated source the kernel chose for the flow, read from the
   * reply tuple of its conntrack entry in the router (the reply is addressed to it).
   */
  chosen?: { src: string; sport: number };
  /** forward: the address in the phone namespace it reached. */
  reachedAt?: string;
  /** timeout: seconds left right after an assured exchange; 'untracked' when conntrack holds no entry. */
  timeout?: number | 'untracked';
  /**
   * timeout: the flow's second packet (the one that makes it a stream) did not reach the provider:
   * conntrack saw it, a filter after it dropped it.
   */
  secondDropped?: boolean;
  /** Set when the probe could not be run (e.g. no ping binary). */
  skipped?: string;
}

/** fwlint's answer. */
export interface FwlintObs {
  passed: boolean;
  /** The rule or chain that decided, as fwlint names it. */
  by: string;
  /** out: translated source address ('' when not translated; '?' when fwlint cannot tell) and whether ports are kept. */
  nat?: { addr: string; ports: 'preserve' | 'random' };
  natBy?: string;
  /** forward: the address fwlint translates to. */
  to?: string;
  /**
   * ping: destination NAT hands the echo to this host, which the namespaces do not have (only the
   * router, a phone and the provider exist): whether it answers cannot be observed.
   */
  elsewhere?: string;
  timeout?: number | 'untracked';
  /**
   * timeout: the other values fwlint gives when base chains run in an order nft leaves undefined
   * (equal priority in different tables, src/engine/unordered.ts); the kernel giving one of them is
   * uncertain (consistent), not a disagreement.
   */
  otherTimeouts?: number[];
  /** timeout: it is a conntrack helper's, which the helper sets again on every packet leaving the router. */
  helperRefresh?: boolean;
  /**
   * Set when fwlint's answer is explicitly uncertain: rules that might also match (Match.uncertain,
   * hostnames) and why. Either verdict is then possible.
   */
  uncertain?: string;
  /** Some rule that might match has a verdict, jump or notrack: it can change where the packet goes. */
  uncertainActs?: boolean;
}

export function probeName(p: Probe): string {
  const ep = (a: string, port: number): string => (p.proto === 'icmp' ? a : `${a}:${port}`);
  const base = `${p.kind} ${p.proto} ${ep(p.src, p.sport)} -> ${ep(p.dst, p.dport)}`;
  return p.why.length ? `${base} [${p.why.join(',')}]` : base;
}
