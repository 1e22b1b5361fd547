import { IntervalSet } from './interval-set.js';

/**
 * The ICMP message type of a flow, one dimension for both families. Values 0-255 are ICMPv4 types;
 * ICMPv6 echo request and reply share the values of their ICMPv4 twins (8 and 0), every other ICMPv6
 * type t is 256 + t. So an echo request is 8 whatever the family, and a flow of any protocol needs one
 * value, not one per family. A type match of one family holds its own values and every value that
 * family never carries, so values of the other family never split off from the real ones. The
 * dimension means something only for ICMP packets; for other protocols it stays full. Parsers that
 * read type matches (nftables `icmp type`, `icmpv6 type`) restrict it; the others leave it full.
 */
export type IcmpTypeSet = IntervalSet<number>;

const MIN = 0;
const MAX = 511;
const V6 = 256;
const ECHO = 8;
const ECHO_ANSWER = 0;
const V6_ECHO = 128;
const V6_ECHO_ANSWER = 129;

export const ANY_ICMP_TYPE: IcmpTypeSet = IntervalSet.full(MIN, MAX);

const set = (ranges: Iterable<readonly [number, number]>): IcmpTypeSet => IntervalSet.of(MIN, MAX, ranges);
const V6_HALF = set([[V6, MAX]]);
const V4_ONLY = set([[0, V6 - 1]]).subtract(
  set([
    [ECHO_ANSWER, ECHO_ANSWER],
    [ECHO, ECHO],
  ]),
);

/** The values of ICMPv6 type t. */
function v6Value(t: number): number {
  return t === V6_ECHO ? ECHO : t === V6_ECHO_ANSWER ? ECHO_ANSWER : V6 + t;
}

/** A type match of one family (types as written, 0-255 after any negation) as a set of this dimension. */
export function icmpTypes(v6: boolean, ranges: Iterable<readonly [number, number]>): IcmpTypeSet {
  if (!v6) return set(ranges).union(V6_HALF);
  const out: [number, number][] = [];
  for (const [a, b] of ranges) {
    for (const t of [V6_ECHO, V6_ECHO_ANSWER]) if (a <= t && t <= b) out.push([v6Value(t), v6Value(t)]);
    out.push([V6 + a, V6 + b]);
  }
  return set(out).union(V4_ONLY);
}

/** Echo request (ping): ICMPv4 type 8, ICMPv6 type 128. fwlint's ICMP flows are echo requests unless they say otherwise. */
export const ECHO_REQUEST: IcmpTypeSet = set([[ECHO, ECHO]]);

/** Echo reply: ICMPv4 type 0, ICMPv6 type 129 (what a host answers a ping with). */
export const ECHO_REPLY: IcmpTypeSet = set([[ECHO_ANSWER, ECHO_ANSWER]]);

/** `echo request`, `icmp types 3-5`: for messages. */
export function formatIcmpTypes(s: IcmpTypeSet): string {
  if (s.equals(ECHO_REQUEST)) return 'echo request';
  if (s.equals(ECHO_REPLY)) return 'echo reply';
  const parts = [...s.intervals()].map(([a, b]) => (a === b ? String(a) : `${String(a)}-${String(b)}`));
  return `ICMP type values ${parts.join(', ')}`;
}
