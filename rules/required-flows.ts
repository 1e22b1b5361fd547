import { describeParts, type Box } from '../src/engine/box.js';
import { tracePath, type Part } from '../src/engine/evaluate.js';
import { sameBox } from '../src/engine/piece.js';
import { formatPortSet, formatProtoSet } from '../src/model/ports.js';
import type { FlowRequirement } from '../src/model/profile.js';
import type { RuleContext } from '../src/lint/context.js';
import { addressesOf, buildFlows, inScope, missingEndpoints, type BuiltFlow } from '../src/lint/flows.js';
import { natedFamilies } from '../src/lint/nat.js';
import { insideInternalNetworks } from '../src/lint/topology.js';
import { stepKey } from '../src/lint/finding.js';
import { describeAddresses, labelWithAddresses } from '../src/lint/wording.js';

/** One required flow from one source network, evaluated. Shared by FWL001 and FWL012. */
export interface EvaluatedFlow {
  req: FlowRequirement;
  flow: BuiltFlow;
  parts: Part[];
  /** The requirement names only hostnames: the concrete destinations were stood in for by the Internet. */
  hostnamesOnly: boolean;
  /**
   * The requirement's IPv4 flows were left out: the phones are behind IPv4 source NAT, so a flow the
   * provider wants only without NAT, or a new connection from the Internet, needs no rule there.
   */
  natV4?: boolean;
}

const cache = new WeakMap<RuleContext, EvaluatedFlow[]>();

/** Evaluates every in-scope required flow once per run. */
export function evaluatedFlows(ctx: RuleContext): EvaluatedFlow[] {
  let out = cache.get(ctx);
  if (out) return out;
  out = [];
  // Requirements often share a flow (the same port to the same networks, hostnames that all stand for
  // the Internet): the path of an identical flow class is traced once, and its parts shared (read-only).
  const traced: { box: Box; parts: Part[] }[] = [];
  const partsOf = (b: Box): Part[] => {
    const hit = traced.find((t) => sameBox(t.box, b));
    if (hit) return hit.parts;
    const parts = tracePath(ctx.policy, b, { path: 'forward', wan: ctx.wan });
    traced.push({ box: b, parts });
    return parts;
  };
  for (const req of ctx.profile.flows) out.push(...evaluate(req, req, ctx, partsOf));
  cache.set(ctx, out);
  return out;
}

/** One requirement's flows, built from `as` (the requirement itself, or it reversed) and traced. */
function evaluate(
  req: FlowRequirement,
  as: FlowRequirement,
  ctx: RuleContext,
  partsOf: (b: Box) => Part[],
): EvaluatedFlow[] {
  if (!inScope(req, ctx)) return [];
  // An end the site does not know, or ports the document leaves to the site (Mitel's media-gateway
  // range): not checked, and src/site/coverage.ts says why; judging it anyway would contradict that.
  if (missingEndpoints(req, ctx)) return [];
  const concrete = addressesOf(ctx.profile, req.remote, ctx);
  // Behind source NAT, new connections from the Internet reach the phones only through
  // port-forwards, which FWL004/FWL010 judge; the provider's "without NAT" flows do not apply.
  // NAT is decided per address family: IPv6 prefixes are routed, so IPv6 phones are reached directly.
  const fromInternet = !concrete.isEmpty ? !insideInternalNetworks(ctx.policy, concrete) : true;
  const natBound = as.condition === 'without-nat' || (as.direction === 'inbound' && fromInternet);
  const nated = natBound ? natedFamilies(ctx) : { v4: false, v6: false };
  if (nated.v4 && nated.v6) return []; // src/verdicts/scope.ts says why
  const hostnamesOnly = concrete.isEmpty && (req.remote.hostnames?.length ?? 0) > 0;
  if (concrete.isEmpty && !hostnamesOnly) return []; // e.g. a PBX flow without --pbx: noted by the runner
  const remote = hostnamesOnly ? addressesOf(ctx.profile, { any: true }, ctx) : concrete;
  return buildFlows(as, remote, ctx)
    .filter((flow) => !(flow.v6 ? nated.v6 : nated.v4))
    .map((flow) => ({ req, flow, parts: partsOf(flow.box), hostnamesOnly, ...(nated.v4 ? { natV4: true } : {}) }));
}

const reversedCache = new WeakMap<RuleContext, EvaluatedFlow[]>();

/**
 * The flows of requirements whose direction the document leaves ambiguous (FlowRequirement.
 * ambiguousDirection), built the other way round: FWL001 judges both readings. Only FWL001 reads
 * them; the other rules judge the direction the profile states.
 */
export function reversedFlows(ctx: RuleContext): EvaluatedFlow[] {
  let out = reversedCache.get(ctx);
  if (out) return out;
  out = [];
  const partsOf = (b: Box) => tracePath(ctx.policy, b, { path: 'forward', wan: ctx.wan });
  for (const req of ctx.profile.flows) {
    if (!req.ambiguousDirection) continue;
    const reversed: FlowRequirement = { ...req, direction: req.direction === 'outbound' ? 'inbound' : 'outbound' };
    out.push(...evaluate(req, reversed, ctx, partsOf));
  }
  reversedCache.set(ctx, out);
  return out;
}

/** Groups parts by the step that decided them, keeping the order of first appearance. */
export function byDecider(parts: Part[]): Part[][] {
  const groups = new Map<string, Part[]>();
  for (const p of parts) {
    const k = stepKey(p.decidedBy);
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  return [...groups.values()];
}

/** "udp 10000-65000 from VOICE (10.20.0.0/24) to 185.72.208.0/22" */
export function describeFlow(f: BuiltFlow, remoteLabel?: string): string {
  if (remoteLabel !== undefined) return flowText(f, remoteLabel);
  // FWL001 names the flow once per accepting rule: written once per flow.
  let text = described.get(f);
  if (text === undefined) described.set(f, (text = flowText(f)));
  return text;
}

const described = new WeakMap<BuiltFlow, string>();

function flowText(f: BuiltFlow, remoteLabel?: string): string {
  const b = f.box;
  const ports = b.dport.isFull ? '' : ` ${formatPortSet(b.dport)}`;
  const inbound = b.oif.has(f.from.iface) && !b.iif.has(f.from.iface);
  const remote = remoteLabel ?? f.farText ?? describeAddresses(inbound ? b.src : b.dst);
  const local = labelWithAddresses(f.from.label, f.from.networks, f.from.written);
  return inbound
    ? `${formatProtoSet(b.proto)}${ports} from ${remote} to ${local}`
    : `${formatProtoSet(b.proto)}${ports} from ${local} to ${remote}`;
}

/**
 * The narrower dimensions of a part a description can start with: protocol, ports and state read after
 * "for" ("for udp port 5060"), addresses, interfaces and NAT need a noun ("for traffic from 192.0.2.1").
 */
const PREPOSITION = /^(?:from|to|in on|out on|after) /;

/** describePart's answer when a group covers the whole flow. */
export const ENTIRELY = 'entirely';

/** What part of the flow a group covers: "for port 20000-20010", "for traffic from 192.0.2.1", or "entirely". */
export function describePart(parts: Part[], whole: Box): string {
  const d = describeParts(
    parts.map((p) => p.box),
    whole,
    3,
    describeAddresses,
  );
  if (!d) return ENTIRELY;
  return PREPOSITION.test(d) ? `for traffic ${d}` : `for ${d}`;
}
