import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Send } from './agent.js';
import type { Topology } from './netns.js';
import type { KernelObs, Probe } from './probes.js';
import { inNs } from './netns.js';
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

/**
 * Runs every probe against the loaded router and returns the kernel's observations, keyed by
 * probe. Order: outbound probes, replies to delivered UDP, ping, unsolicited inbound SIP, then
 * (2.2 s after the first packet, so the UDP flows count as streams) a second packet per replied UDP
 * flow and one read of /proc/net/nf_conntrack.
 */
export function runKernel(t: Topology, probes: Probe[]): Map<Probe, KernelObs> {
  const obs = new Map<Probe, KernelObs>();
  capture(t.phone);
  capture(t.provider);
  const outs = probes.filter((p) => p.kind === 'out');
  send(
    t.phone,
    outs.map((p) => toSend(p, p.proto === 'udp' && p.dport === 5060 ? SIP(p.dst) : undefined)),
  );
  // Measured after the sender exits: its packets left before, so the stream wait below is at least
  // 2.3 s after the first packet however long the sender took to start on a loaded machine.
  const started = Date.now();
  sleepMs(150);
  const atProvider = seen(t.provider);
  // The translation the kernel chose for each flow: the reply tuple of its conntrack entry.
  const chosenNat = probes.some((p) => p.kind === 'reply')
    ? conntrack(t.router).filter((c) => c.line.startsWith('ipv4'))
    : [];
  for (const p of outs) {
    const s = atProvider.find((x) => x.proto === p.proto && x.dst === p.dst && x.dport === p.dport && x.sport > 0);
    const c = s ? chosenOf(chosenNat, p) : undefined;
    obs.set(
      p,
      s ? { passed: true, seenSrc: s.src, seenSport: s.sport, ...(c ? { chosen: c } : {}) } : { passed: false },
    );
  }
  const replies = probes.filter((p) => p.kind === 'reply');
  const replySends: Send[] = [];
  for (const r of replies) {
    const o = r.of ? obs.get(r.of) : undefined;
    if (!o?.passed || !o.seenSrc || o.seenSport === undefined) {
      obs.set(r, { skipped: 'the outbound packet was not delivered' });
      continue;
    }
    replySends.push({ proto: 'udp', src: r.src, sport: r.sport, dst: o.seenSrc, dport: o.seenSport, payload: 'reply' });
  }
  const forwards = probes.filter((p) => p.kind === 'forward');
  // One sender for replies and unsolicited SIP (distinct tuples): each sender costs a process start.
  send(t.provider, [...replySends, ...forwards.map((p) => toSend(p, SIP(p.dst)))]);
  sleepMs(150);
  const atPhone = seen(t.phone);
  for (const r of replies) {
    if (obs.has(r)) continue;
    const back = atPhone.some(
      (x) => x.proto === 'udp' && x.src === r.src && x.sport === r.sport && x.dst === r.dst && x.dport === r.dport,
    );
    obs.set(r, { passed: back });
  }
  for (const f of forwards) {
    const hit = atPhone.find((x) => x.proto === f.proto && x.src === f.src && x.sport === f.sport);
    obs.set(f, hit ? { passed: true, reachedAt: `${hit.dst}:${hit.dport}` } : { passed: false });
  }
  // UDP timeouts: the kernel gives a flow the stream timeout (replied) only when a packet arrives
  // more than 2 s after the first one (nf_conntrack_proto_udp.c, stream_ts); read it right after.
  const timeouts = probes.filter((p) => p.kind === 'timeout');
  const again: Send[] = [];
  for (const p of timeouts) {
    const reply = probes.find((r) => r.kind === 'reply' && r.of === p.of);
    if (!p.of || !reply || !obs.get(reply)?.passed) obs.set(p, { skipped: 'no reply came back' });
    else again.push(toSend(p.of, 'again'));
  }
  if (again.length > 0) {
    const wait = 2300 - (Date.now() - started);
    if (wait > 0) sleepMs(wait);
    send(t.phone, again);
    sleepMs(50);
    const ct = conntrack(t.router).filter((c) => c.line.startsWith('ipv4'));
    for (const p of timeouts) {
      if (obs.has(p) || !p.of) continue;
      if (ct.length === 0) {
        // Conntrack hooks are registered per namespace only when a ruleset needs them (ct, nat):
        // without them no flow has a timeout at all, which is not what fwlint's setting describes.
        obs.set(p, { skipped: 'conntrack is not in use in the router: the ruleset has no IPv4 ct or nat expression' });
        continue;
      }
      const o = p.of;
      // The original direction's tuple (an untracked outbound flow may have an entry the reply created).
      const key = `src=${o.src} dst=${o.dst} sport=${o.sport} dport=${o.dport} `;
      const e = ct.find((c) => c.line.includes(' udp ') && c.line.slice(c.line.indexOf('src=')).startsWith(key));
      // An entry that never saw a reply is a new one: the first expired (its unreplied timeout ran out)
      // before the second packet, which happens only when the machine is too slow. Not comparable.
      if (e?.line.includes('[UNREPLIED]'))
        obs.set(p, { skipped: 'the flow expired before the stream-timeout packet (machine too slow)' });
      else obs.set(p, { timeout: e ? e.timeout : 'untracked' });
    }
  }
  // Last: ping waits up to 0.5 s when the echo is dropped, which must not delay the stream packet.
  pings(t, probes, obs);
  return obs;
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
