import { IntervalSet } from './interval-set.js';

export type PortSet = IntervalSet<number>;
export type ProtoSet = IntervalSet<number>;

export const ANY_PORT: PortSet = IntervalSet.full(0, 65535);
export const NO_PORT: PortSet = IntervalSet.empty(0, 65535);
export const ANY_PROTO: ProtoSet = IntervalSet.full(0, 255);

export const PROTO = { icmp: 1, igmp: 2, tcp: 6, udp: 17, gre: 47, esp: 50, ah: 51, ipv6icmp: 58, sctp: 132 } as const;

const PROTO_NAMES: Record<string, number> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmp6: 58,
  ipv6icmp: 58,
  sctp: 132,
};

export function portSet(ranges: Iterable<readonly [number, number]>): PortSet {
  return IntervalSet.of(0, 65535, ranges);
}

export function protoSet(protos: Iterable<number>): ProtoSet {
  return IntervalSet.of(
    0,
    255,
    [...protos].map((p) => [p, p] as const),
  );
}

export function protocolNumber(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  if (/^\d{1,3}$/.test(n) && Number(n) <= 255) return Number(n);
  return PROTO_NAMES[n];
}

export function protocolName(n: number): string {
  for (const [k, v] of Object.entries(PROTO_NAMES)) if (v === n) return k;
  return String(n);
}

/** "5060", "10000-20000", "10000:20000" (the separator is the caller's choice). */
export function parsePortRange(text: string, separators = '-:'): [number, number] | undefined {
  const t = text.trim();
  if (/^\d{1,5}$/.test(t)) {
    const n = Number(t);
    return n <= 65535 ? [n, n] : undefined;
  }
  for (const sep of separators) {
    const i = t.indexOf(sep);
    if (i > 0) {
      const a = t.slice(0, i).trim();
      const b = t.slice(i + 1).trim();
      if (/^\d{1,5}$/.test(a) && /^\d{1,5}$/.test(b)) {
        const lo = Number(a);
        const hi = Number(b);
        if (lo <= hi && hi <= 65535) return [lo, hi];
      }
      return undefined;
    }
  }
  return undefined;
}

export function formatPortSet(set: PortSet): string {
  if (set.isFull) return 'any port';
  if (set.isEmpty) return 'no port';
  // Most of the range: say what is missing, which is shorter and easier to check.
  const rest = set.complement();
  if (set.size() > 32768n && rest.intervalCount < set.intervalCount) return `any port except ${formatPortSet(rest)}`;
  const out: string[] = [];
  for (const [lo, hi] of set.intervals()) out.push(lo === hi ? String(lo) : `${lo}-${hi}`);
  return out.join(',');
}

export function formatProtoSet(set: ProtoSet): string {
  if (set.isFull) return 'any protocol';
  if (set.size() > 128n) return `any protocol except ${formatProtoSet(set.complement())}`;
  const out: string[] = [];
  for (const [lo, hi] of set.intervals()) {
    if (hi - lo > 8) out.push(`${lo}-${hi}`);
    else for (let p = lo; p <= hi; p++) out.push(protocolName(p));
  }
  return out.join('/');
}
