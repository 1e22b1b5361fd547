import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Send } from './agent.js';
import type { Topology } from './netns.js';
import type { KernelObs, Probe } from './probes.js';
import { inNs } from './netns.js';
import { pollUntil, settleDeadlineMs, type Clock } from './settle.js';
import { has, run, sleepMs } from './sh.js';

const AGENT = join(dirname(fileURLToPath(import.meta.url)), 'agent.js');

/** A capture table: every TCP/UDP packet entering the namespace, by 5-tuple, in a dynamic set. */
const CAPTURE = `table ip fwk_capture {
  set seen { type inet_proto . ipv4_addr . inet_service . ipv4_addr . inet_service; size 65535; flags dynamic; }
  chain pre {
    type filter hook prerouting priority -500; policy accept;
    meta l4proto { tcp, udp } add @seen { meta l4proto . ip saddr . th sport . ip daddr . th dport }
  }
}
`;

interface Seen {
  proto: string;
  src: string;
  sport: number;
  dst: string;
  dport: number;
}

function capture(ns: string): void {
  inNs(ns, 'nft', ['-f', '-'], CAPTURE);
}

const PROTO_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp' };

function seen(ns: string): Seen[] {
  const out = inNs(ns, 'nft', ['-j', 'list', 'set', 'ip', 'fwk_capture', 'seen']);
  const doc = JSON.parse(out) as { nftables: { set?: { elem?: unknown[] } }[] };
  const list: Seen[] = [];
  for (const item of doc.nftables) {
    for (const e of item.set?.elem ?? []) {
      const v = (e as { elem?: { val?: unknown } }).elem?.val ?? e;
      const c = (v as { concat?: unknown[] }).concat;
      if (c?.length !== 5) continue;
      const proto = String(c[0]);
      list.push({
        proto: PROTO_NAMES[proto] ?? proto,
        src: String(c[1]),
        sport: Number(c[2]),
        dst: String(c[3]),
        dport: Number(c[4]),
      });
    }
  }
  return list;
}

function send(ns: string, list: Send[]): void {
  if (list.length === 0) return;
  inNs(ns, process.execPath, [AGENT], JSON.stringify(list));
}

const SIP = (to: string): string =>
  `OPTIONS sip:probe@${to} SIP/2.0\r\nVia: SIP/2.0/UDP probe;branch=z9hG4bKfwk\r\nMax-Forwards: 1\r\n` +
  `From: <sip:fwk@probe>;tag=1\r\nTo: <sip:probe@${to}>\r\nCall-ID: fwk\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;

const toSend = (p: Probe, payload = 'fwlint kernel probe'): Send => ({
  proto: p.proto === 'tcp' ? 'tcp' : 'udp',
  src: p.src,
  sport: p.sport,
  dst: p.dst,
  dport: p.dport,
  payload,
});

/** Conntrack entries of the router: original tuple → seconds left. */
function conntrack(ns: string): { line: string; timeout: number }[] {
  const text = inNs(ns, 'cat', ['/proc/net/nf_conntrack']);
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => ({ line, timeout: Number(line.trim().split(/\s+/)[4]) }));
}

/**
 * The translated source conntrack recorded for a probe's flow: the destination of its reply tuple
 * (`udp 17 29 src=PHONE dst=PROV sport=A dport=B [UNREPLIED] src=PROV dst=PUBLIC sport=B dport=PORT …`).
 */
export function chosenOf(entries: { line: string }[], p: Probe): { src: string; sport: number } | undefined {
  const key = `src=${p.src} dst=${p.dst} sport=${p.sport} dport=${p.dport} `;
  for (const { line } of entries) {
    const at = line.indexOf('src=');
    if (at < 0 || !line.includes(` ${p.proto} `) || !line.slice(at).startsWith(key)) continue;
    const reply = /src=\S+ dst=(\S+) sport=\d+ dport=(\d+)/.exec(line.slice(at + key.length));
    if (reply?.[1] && reply[2]) return { src: reply[1], sport: Number(reply[2]) };
  }
  return undefined;
}

/** Why a probe was not compared, as the suite tallies them. */
export const SKIP = {
  notDelivered: 'the outbound packet was not delivered',
  noConntrack: 'conntrack is not in use in the router: the ruleset has no IPv4 ct or nat expression',
  // The probe reads the timeout of an assured flow; conntrack assures a UDP flow only once it has
  // seen a reply, and a reply untracked (notrack) or dropped before conntrack leaves the entry
  // [UNREPLIED]. Where that depends on the port the kernel drew, so does this.
  neverAssured:
    'conntrack saw no reply (untracked or dropped before conntrack), so the flow never became assured: no stream timeout to read',
  streamLate: 'the stream-timeout packet had not reached conntrack by the deadline (machine too slow)',
} as const;

/** Where an outbound probe's packet arrived at the provider (any source: NAT may change it). */
const atOut = (list: Seen[], p: Probe): Seen | undefined =>
  list.find((x) => x.proto === p.proto && x.dst === p.dst && x.dport === p.dport && x.sport > 0);

const CLOCK: Clock = { now: () => Date.now(), sleep: sleepMs };

/** Runs a sender and returns how long it took (the load its packets meet). */
function timedSend(ns: string, list: Send[]): number {
  const t0 = Date.now();
  send(ns, list);
  return Date.now() - t0;
}

const ipv4Entries = (ns: string): { line: string; timeout: number }[] =>
  conntrack(ns).filter((c) => c.line.startsWith('ipv4'));

/** The conntrack entry of a UDP flow by its original tuple (a reply may have created one for an untracked flow). */
function entryOf(
  entries: { line: string; timeout: number }[],
  o: Probe,
): { line: string; timeout: number } | undefined {
  const key = `src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} `;
  return entries.find((c) => c.line.includes(' udp ') && c.line.slice(c.line.indexOf('src=')).startsWith(key));
}

/**
 * Runs every probe against the loaded router and returns the kernel's observations, keyed by
 * probe. Order: outbound probes, replies to delivered UDP, unsolicited inbound SIP, then (2.3 s after
 * the first packet, so the UDP flows count as streams) a second packet per delivered UDP flow and a
 * read of /proc/net/nf_conntrack, then ping. Each read waits for what it expects (settle.ts).
 */
export function runKernel(t: Topology, probes: Probe[]): Map<Probe, KernelObs> {
  const obs = new Map<Probe, KernelObs>();
  capture(t.phone);
  capture(t.provider);
  const outs = probes.filter((p) => p.kind === 'out');
  const outMs = timedSend(
    t.phone,
    outs.map((p) => toSend(p, p.proto === 'udp' && p.dport === 5060 ? SIP(p.dst) : undefined)),
  );
  // Measured after the sender exits: its packets left before, so the stream wait below is at least
  // 2.3 s after the first packet however long the sender took to start on a loaded machine.
  const started = Date.now();
  const atProvider = pollUntil(
    () => seen(t.provider),
    (list) => outs.every((p) => atOut(list, p)),
    settleDeadlineMs(outMs),
    CLOCK,
  ).value;
  // The translation the kernel chose for each flow: the reply tuple of its conntrack entry.
  const chosenNat = probes.some((p) => p.kind === 'reply') ? ipv4Entries(t.router) : [];
  for (const p of outs) {
    const s = atOut(atProvider, p);
    const c = s ? chosenOf(chosenNat, p) : undefined;
    obs.set(
      p,
      s ? { passed: true, seenSrc: s.src, seenSport: s.sport, ...(c ? { chosen: c } : {}) } : { passed: false },
    );
  }
  const delivered = (p: Probe): KernelObs | undefined => {
    const o = p.of ? obs.get(p.of) : undefined;
    return o?.passed && o.seenSrc && o.seenSport !== undefined ? o : undefined;
  };
  const replies = probes.filter((p) => p.kind === 'reply');
  const replySends: Send[] = [];
  for (const r of replies) {
    const o = delivered(r);
    if (!o?.seenSrc || o.seenSport === undefined) {
      obs.set(r, { skipped: SKIP.notDelivered });
      continue;
    }
    replySends.push({ proto: 'udp', src: r.src, sport: r.sport, dst: o.seenSrc, dport: o.seenSport, payload: 'reply' });
  }
  const forwards = probes.filter((p) => p.kind === 'forward');
  // One sender for replies and unsolicited SIP (distinct tuples): each sender costs a process start.
  const backMs = timedSend(t.provider, [...replySends, ...forwards.map((p) => toSend(p, SIP(p.dst)))]);
  const replyBack = (list: Seen[], r: Probe): boolean =>
    list.some(
      (x) => x.proto === 'udp' && x.src === r.src && x.sport === r.sport && x.dst === r.dst && x.dport === r.dport,
    );
  const atFwd = (list: Seen[], f: Probe): Seen | undefined =>
    list.find((x) => x.proto === f.proto && x.src === f.src && x.sport === f.sport);
  const atPhone = pollUntil(
    () => seen(t.phone),
    (list) => replies.every((r) => obs.has(r) || replyBack(list, r)) && forwards.every((f) => atFwd(list, f)),
    settleDeadlineMs(backMs),
    CLOCK,
  ).value;
  for (const r of replies) if (!obs.has(r)) obs.set(r, { passed: replyBack(atPhone, r) });
  for (const f of forwards) {
    const hit = atFwd(atPhone, f);
    obs.set(f, hit ? { passed: true, reachedAt: `${hit.dst}:${hit.dport}` } : { passed: false });
  }
  timeouts(t, probes, obs, started, delivered);
  // Last: ping waits up to 0.5 s when the echo is dropped, which must not delay the stream packet.
  pings(t, probes, obs);
  return obs;
}

/**
 * UDP timeouts: the kernel gives a flow the stream timeout (replied) only when a packet arrives more
 * than 2 s after the first one (nf_conntrack_proto_udp.c, stream_ts), and marks it [ASSURED] then;
 * read right after. Every delivered flow gets the second packet: whether conntrack saw its reply is
 * read from the entry, not from whether the reply reached the phone (a filter after conntrack may
 * drop the reply of a flow conntrack still assures).
 */
function timeouts(
  t: Topology,
  probes: Probe[],
  obs: Map<Probe, KernelObs>,
  started: number,
  delivered: (p: Probe) => KernelObs | undefined,
): void {
  const list = probes.filter((p) => p.kind === 'timeout');
  const flows: Probe[] = [];
  for (const p of list) {
    if (!p.of || !delivered(p)) obs.set(p, { skipped: SKIP.notDelivered });
    else flows.push(p.of);
  }
  if (flows.length === 0) return;
  const wait = 2300 - (Date.now() - started);
  if (wait > 0) sleepMs(wait);
  // Emptied so the capture shows which second packets reached the provider.
  inNs(t.provider, 'nft', ['flush', 'set', 'ip', 'fwk_capture', 'seen']);
  const againMs = timedSend(
    t.phone,
    flows.map((o) => toSend(o, 'again')),
  );
  // Every second packet must have reached the provider, and every entry that saw a reply must show it
  // ([ASSURED]), before the timeouts are read.
  const { value } = pollUntil(
    () => ({ ct: ipv4Entries(t.router), at: seen(t.provider) }),
    ({ ct, at }) =>
      flows.every((o) => {
        const e = entryOf(ct, o);
        return !!atOut(at, o) && (!e || e.line.includes('[UNREPLIED]') || e.line.includes('[ASSURED]'));
      }),
    settleDeadlineMs(againMs),
    CLOCK,
  );
  const { ct, at } = value;
  for (const p of list) {
    if (obs.has(p) || !p.of) continue;
    if (ct.length === 0) {
      // Conntrack hooks are registered per namespace only when a ruleset needs them (ct, nat):
      // without them no flow has a timeout at all, which is not what fwlint's setting describes.
      obs.set(p, { skipped: SKIP.noConntrack });
      continue;
    }
    const e = entryOf(ct, p.of);
    if (!e) obs.set(p, { timeout: 'untracked' });
    else if (e.line.includes('[UNREPLIED]')) obs.set(p, { skipped: SKIP.neverAssured });
    else if (!e.line.includes('[ASSURED]')) obs.set(p, { skipped: SKIP.streamLate });
    else obs.set(p, { timeout: e.timeout, ...(atOut(at, p.of) ? {} : { secondDropped: true }) });
  }
}

function pings(t: Topology, probes: Probe[], obs: Map<Probe, KernelObs>): void {
  for (const p of probes.filter((x) => x.kind === 'ping')) {
    if (!has('ping')) {
      obs.set(p, { skipped: 'ping (iputils-ping) is not installed' });
      continue;
    }
    const r = run('nsenter', [
      `--net=/run/netns/${t.provider}`,
      'ping',
      '-n',
      '-q',
      '-c',
      '1',
      '-W',
      '0.5',
      '-I',
      p.src,
      p.dst,
    ]);
    obs.set(p, { passed: r.code === 0 });
  }
}

/** Loads the ruleset into the router (`nft -f`, or `nft -j -f` for JSON); returns nft's error or ''. */
export function loadRuleset(t: Topology, file: string, json: boolean): string {
  // nft resolves relative includes against -I directories: the file's own and its subdirectories.
  const dir = dirname(file);
  const dirs = [
    dir,
    ...readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => join(dir, e.name)),
  ];
  const base = [`--net=/run/netns/${t.router}`, 'nft', ...dirs.flatMap((d) => ['-I', d]), ...(json ? ['-j'] : [])];
  // One load: `nft -f` is atomic, a refused ruleset leaves nothing behind (no separate `-c` pass).
  const r = run('nsenter', [...base, '-f', file], { timeoutMs: 20_000 });
  if (r.code !== 0) return `nft -f: ${(r.stderr || r.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
  return '';
}
