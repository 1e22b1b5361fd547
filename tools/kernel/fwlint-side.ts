/**
 * fwlint's answer to each probe, from today's engine: `evaluate` (src/engine/evaluate.ts) for the
 * filter verdict, `snatParts`/`dnatParts`/`translate` (src/lint/nat.ts) for NAT, and
 * policy.sessions.udpTimeout for the UDP stream timeout. This is the only file that knows the
 * engine's API: when the engine exposes a packet path with NAT stages (tracePath), only this file changes.
 */
import { box, type Box } from '../../src/engine/box.js';
import { evaluate, type Part, type Step } from '../../src/engine/evaluate.js';
import { dnatParts, snatParts, translate } from '../../src/lint/nat.js';
import { formatAddress, parseAddressSpec } from '../../src/model/address.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Policy } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';
import type { FwlintObs, Probe } from './probes.js';

export interface Site {
  policy: Policy;
  phonesIf: string;
  wanIf: string;
  wanAddr: string;
  /** The phones' network, as given with --phones. */
  phonesCidr: string;
}

function addr(a: string): NonNullable<ReturnType<typeof parseAddressSpec>> {
  const s = parseAddressSpec(a);
  if (!s) throw new Error(`not an address: ${a}`);
  return s;
}

/** The single packet of a probe as a flow class. */
function packet(p: Probe, iif: string, oif: string | undefined, state: string): Box {
  const proto = PROTO[p.proto];
  const ports =
    p.proto === 'icmp' ? {} : { sport: portSet([[p.sport, p.sport]]), dport: portSet([[p.dport, p.dport]]) };
  return box({
    src: addr(p.src),
    dst: addr(p.dst),
    proto: protoSet([proto]),
    ...ports,
    iif: NameSet.of([iif]),
    ...(oif ? { oif: NameSet.of([oif]) } : {}),
    state: NameSet.of([state]),
  });
}

export function describeStep(s: Step | undefined): string {
  // The engine leaves decidedBy unset when no base chain is on the path (empty trail).
  if (!s) return 'no base chain on the path (nothing filters it)';
  if (s.rule) return `${s.rule.label} (line ${s.rule.loc.line})`;
  if (s.policy) return `policy ${s.policy.action} of ${s.chain} (${s.policy.source})`;
  return `${s.effect} in ${s.chain}`;
}

/** One packet has one verdict; several parts only arise from dimensions the probe leaves open. */
function verdictOf(parts: Part[]): { passed: boolean; by: string } {
  const drop = parts.find((p) => p.verdict === 'drop');
  const part = drop ?? parts[0];
  if (!part) return { passed: true, by: 'no base chain on the path' };
  return { passed: part.verdict === 'accept', by: describeStep(part.decidedBy) };
}

const SNAT_TO = /\bsnat\s+(?:ip\s+)?to\s+(\d+\.\d+\.\d+\.\d+)/;

function outbound(site: Site, p: Probe): FwlintObs {
  const b = packet(p, site.phonesIf, site.wanIf, 'new');
  const v = verdictOf(evaluate(site.policy.ruleset, 'forward', b));
  if (!v.passed) return v;
  const s = snatParts(site.policy, b)[0];
  const rule = s?.rule;
  if (!rule || rule.action !== 'translate')
    return { ...v, nat: undefined, natBy: rule ? rule.label : 'no source NAT rule' };
  const to = SNAT_TO.exec(rule.text ?? '')?.[1];
  const masq = /\bmasquerade\b/.test(rule.text ?? '');
  return {
    ...v,
    nat: { addr: to ?? (masq ? site.wanAddr : '?'), ports: rule.ports },
    natBy: `${rule.label} (line ${rule.loc.line})`,
  };
}

function reply(site: Site, p: Probe): FwlintObs {
  return verdictOf(evaluate(site.policy.ruleset, 'forward', packet(p, site.wanIf, site.phonesIf, 'established')));
}

function ping(site: Site, p: Probe): FwlintObs {
  return verdictOf(evaluate(site.policy.ruleset, 'input', packet(p, site.wanIf, undefined, 'new')));
}

function forward(site: Site, p: Probe): FwlintObs {
  const b = packet(p, site.wanIf, undefined, 'new');
  const d = dnatParts(site.policy, b)[0];
  if (!d?.rule) return { passed: false, by: 'no port-forward translates it (the router itself receives it)' };
  const moved = translate(d.box, d.rule);
  const lo = moved.dst.intervals().next().value;
  const to = lo ? formatAddress(lo[0]) : '?';
  const fwd = `${d.rule.label} (line ${d.rule.loc.line}) to ${to}`;
  if (!lo || !addr(site.phonesCidr).has(lo[0])) return { passed: false, by: `${fwd}, not a phone`, to };
  const v = verdictOf(evaluate(site.policy.ruleset, 'forward', { ...moved, oif: NameSet.of([site.phonesIf]) }));
  return { passed: v.passed, by: `${fwd}; filter: ${v.by}`, to };
}

/** As FWL003 reads it: the first per-rule override on the outbound packet's path, else the global setting. */
function timeout(site: Site, p: Probe): FwlintObs {
  const out = p.of ? evaluate(site.policy.ruleset, 'forward', packet(p.of, site.phonesIf, site.wanIf, 'new')) : [];
  const step = out.flatMap((x) => x.trail).find((s) => s.rule?.udpTimeout);
  const t = step?.rule?.udpTimeout ?? site.policy.sessions.udpTimeout;
  const where = step ? `set by ${describeStep(step)}` : `global, ${t.source}`;
  return { passed: true, by: `${t.value} s (${where})`, timeout: t.value };
}

export function fwlintAnswer(site: Site, p: Probe): FwlintObs {
  switch (p.kind) {
    case 'out':
      return outbound(site, p);
    case 'reply':
      return reply(site, p);
    case 'ping':
      return ping(site, p);
    case 'forward':
      return forward(site, p);
    case 'timeout':
      return timeout(site, p);
  }
}
