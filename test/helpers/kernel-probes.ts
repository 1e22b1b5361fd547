/**
 * One UDP flow from a phone to the provider's SIP port, as the kernel harness's tests probe it: the
 * outbound packet, its reply, and the timeout read after the reply (tools/kernel/probes.ts).
 */
import type { Probe } from '../../tools/kernel/probes.js';

export const out: Probe = {
  kind: 'out',
  proto: 'udp',
  src: '10.20.0.10',
  sport: 40002,
  dst: '185.72.208.1',
  dport: 5060,
  why: [],
};

export const reply: Probe = { ...out, kind: 'reply', src: out.dst, sport: 5060, dst: out.src, dport: 40002, of: out };

export const timeout: Probe = { ...reply, kind: 'timeout' };
