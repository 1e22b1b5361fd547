import { ingressOf } from '../src/site/evidence.js';
import { box, type Box } from '../src/engine/box.js';
import { tracePath, type Part, type Step } from '../src/engine/evaluate.js';
import type { LintRule } from '../src/lint/context.js';
import { describeStep, finding, stepIsDefault, stepKey, stepLoc, unfiltered } from '../src/lint/finding.js';
import { arrivingDestinations, dnatOf, portForwarded, type DnatTranslation } from '../src/lint/nat.js';
import { INTERNET_V4, INTERNET_V6, unionNetworks } from '../src/lint/topology.js';
import { ANY_V4, ANY_V6, formatAddrSet, NO_ADDR, type AddrSet } from '../src/model/address.js';
import type { Finding } from '../src/model/finding.js';
import type { Rule } from '../src/model/policy.js';
import { denies, mayDrop } from './doubt.js';
import { NameSet } from '../src/model/name-set.js';
import { PROTO, formatPortSet, portSet, protoSet } from '../src/model/ports.js';
import { providerAddresses } from '../src/lint/flows.js';
import { capitalize, describeAddresses, labelWithAddresses, MAX_HEADLINE } from '../src/lint/wording.js';

const SIP = { proto: protoSet([PROTO.tcp, PROTO.udp]), dport: portSet([[5060, 5061]]) };

/** FWL010: new SIP connections from arbitrary Internet sources reach a phone (routed or port-forwarded). */
export const sipExposedToInternet: LintRule = {
  meta: {
    id: 'FWL010',
    name: 'sip-exposed-to-internet',
    shortDescription: 'Phones accept SIP from any Internet source.',
    fullDescription:
      'Evaluates new SIP connections (tcp/udp 5060-5061) from the Internet to the phones, both routed ' +
      "and through port-forwards, and reports the rules that let sources outside the provider's networks in.",
    defaultLevel: 'warning',
    securitySeverity: 7.5,
    precision: 'high',
    tags: ['voip', 'sip', 'security', 'exposure', 'toll-fraud'],
    help: {
      what: 'SIP from arbitrary Internet hosts can reach the phones.',
      why: 'SIP scanners find exposed phones within minutes; they are used for toll fraud and denial of service.',
      fix: {
        generic: "Remove the rule or forward, or restrict its source to the provider's networks.",
        pfsense:
          'Firewall > Rules > WAN (and NAT > Port Forward): restrict the source to the provider alias or delete the rule.',
        opnsense: 'Firewall > Rules > WAN: restrict the source to the provider alias or delete the rule.',
        fortigate: 'Set srcaddr of the policy to the provider address group instead of "all", or remove the VIP.',
        mikrotik:
          '/ip firewall nat set <rule> src-address-list=<provider> (or /ip firewall filter set <rule> ' +
          'src-address-list=<provider>), or remove the rule',
        nftables: 'Match `ip saddr @provider` in the accept/dnat rule, or remove it.',
      },
    },
  },
  check(ctx) {
    const phones = unionNetworks(ctx.phones);
    if (phones.isEmpty) return [];
    const allowedSources = providerAddresses(ctx.profile);
    // One finding per cause, whatever the number of phone networks it exposes: the filter step that
    // accepts SIP routed to the phones, or the port forward (with its filter step) that sends it there.
    const causes = new Map<string, Cause>();
    // Accepted boxes that a rule fwlint cannot match exactly might still drop (Part.maybe): the exposure
    // through them is uncertain, and the rules are named.
    const doubts = new Map<Box, Rule[]>();
    const add = (k: string, make: () => Omit<Cause, 'boxes'>, boxes: Box[]) => {
      const c = causes.get(k) ?? { ...make(), boxes: [] };
      c.boxes.push(...boxes);
      causes.set(k, c);
    };
    // Routed straight to the phones (no NAT in between): over IPv4 to phones on public addresses, over
    // IPv6 to every phone prefix (routed, never translated), each family from its own Internet.
    const routed = new Map<string, { step: Step; boxes: Box[] }>();
    for (const p of ctx.phones)
      for (const [internet, space] of [
        [INTERNET_V4, ANY_V4],
        [INTERNET_V6, ANY_V6],
      ] as const) {
        const dst = p.networks.intersect(space);
        if (dst.isEmpty) continue;
        const flow = box({
          src: internet,
          dst,
          ...SIP,
          iif: NameSet.of(ctx.wan),
          oif: ingressOf(p.iface, ctx.wan),
          state: NameSet.of(['new']),
        });
        // Parts destination NAT redirects are judged with the port-forwards below.
        const parts = tracePath(ctx.policy, flow, { path: 'forward', wan: ctx.wan }).filter((p) => !dnatOf(p));
        for (const group of groupAccepted(parts, doubts)) {
          const k = stepKey(group.step);
          const g = routed.get(k) ?? { step: group.step, boxes: [] };
          g.boxes.push(...group.boxes);
          routed.set(k, g);
        }
      }
    // Through port-forwards on the WAN address: the engine's destination NAT, then the filter on the translated packet.
    const self = arrivingDestinations(ctx);
    const forwardOf = new Map<string, string>();
    if (!self.isEmpty) {
      for (const { part, dnat } of portForwarded(ctx, SIP, self)) {
        if (part.verdict !== 'accept' || !part.out.dst.overlaps(phones)) continue;
        const pass = dnat.rule.action.kind === 'dnat' && dnat.rule.action.pass === true;
        const step = pass ? undefined : part.decidedBy;
        const k = step ? `${dnat.rule.id}|${stepKey(step)}` : `${dnat.rule.id}|pass`;
        const b = { ...part.out, src: part.box.src };
        const maybe = part.maybe.filter(denies);
        if (maybe.length > 0) doubts.set(b, maybe);
        add(k, () => forwardCause(dnat, step), [b]);
        if (step && !forwardOf.has(stepKey(step))) forwardOf.set(stepKey(step), k);
      }
    }
    // A filter rule that passes a port forward's SIP to the phones from outside the provider's networks,
    // and also such SIP routed to them, is one exposure: it is reported once, at the port forward. The
    // forward is what sends Internet traffic to the WAN address on to a phone (routed packets to a private
    // phone address do not come from the Internet), and a pfSense/OPNsense associated filter rule is
    // maintained from its port forward. A forward open only to the provider does not take the rule's
    // routed exposure: that stays at the rule.
    const open = (boxes: readonly Box[]) => boxes.some((b) => !b.src.subtract(allowedSources).isEmpty);
    const out: Finding[] = [];
    for (const [k, r] of routed) {
      const fwd = forwardOf.get(k);
      const c = fwd ? causes.get(fwd) : undefined;
      if (c && (open(c.boxes) || !open(r.boxes))) {
        c.boxes.push(...r.boxes);
        if (open(r.boxes)) c.alsoRouted = true;
      } else
        causes.set(`routed|${k}`, {
          loc: stepLoc(r.step, ctx.policy.root),
          via: unfiltered(r.step) ? `${capitalize(unfiltered(r.step) ?? '')}.` : `By ${describeStep(r.step)}.`,
          step: r.step,
          key: ['routed', k],
          boxes: r.boxes,
        });
    }
    for (const c of [...causes.values()].sort((a, b) => order(routed, a) - order(routed, b))) {
      const f = report(this.meta, ctx, c, phones, allowedSources, doubts);
      if (f) out.push(f);
    }
    return out;
  },
};

/** One cause of exposure: where it is, how the SIP gets through, and the accepted SIP (translated destinations). */
interface Cause {
  loc: Finding['loc'];
  via: string;
  step?: Step;
  key: string[];
  boxes: Box[];
  related?: { loc: Finding['loc']; message: string }[];
  /** A port forward's filter rule that also accepts SIP routed to the phones directly. */
  alsoRouted?: boolean;
}

/** Routed causes first, then port forwards, each in the order found (the order findings had before). */
function order(routed: Map<string, unknown>, c: Cause): number {
  return c.key[0] === 'routed' ? [...routed.keys()].indexOf(c.key[1] ?? '') : routed.size;
}

function forwardCause(d: DnatTranslation, step: Step | undefined): Omit<Cause, 'boxes'> {
  const fwd = `${d.rule.label} (line ${d.rule.loc.line})`;
  if (!step)
    return { loc: d.rule.loc, via: `Through ${fwd} (rdr pass: no filter rule applies).`, key: ['dnat', d.rule.id] };
  const none = unfiltered(step);
  const c: Omit<Cause, 'boxes'> = {
    loc: d.rule.loc,
    via: none ? `Through ${fwd}: ${none}.` : `Through ${fwd}, by ${describeStep(step)}.`,
    step,
    key: ['dnat', d.rule.id, stepKey(step)],
  };
  if (step.rule && !step.rule.implicit)
    c.related = [{ loc: step.rule.loc, message: `${step.rule.label}: the filter rule that passes the forwarded SIP` }];
  return c;
}

function report(
  meta: LintRule['meta'],
  ctx: Parameters<LintRule['check']>[0],
  c: Cause,
  phones: AddrSet,
  allowedSources: AddrSet,
  doubts: ReadonlyMap<Box, Rule[]>,
): Finding | undefined {
  const src = c.boxes.reduce((acc, b) => acc.union(b.src), NO_ADDR);
  const outside = src.subtract(allowedSources);
  if (outside.isEmpty) return undefined;
  // Only the boxes with sources outside the provider's networks say which phones and ports are exposed.
  const exposed = c.boxes.filter((b) => !b.src.subtract(allowedSources).isEmpty);
  // Uncertain when every exposed box might still be dropped by a rule fwlint cannot match exactly.
  const maybe = exposed.every((b) => doubts.has(b)) ? [...new Set(exposed.flatMap((b) => doubts.get(b) ?? []))] : [];
  const doubt = maybe.length ? ` Uncertain: ${maybe.map(mayDrop).join('; ')}.` : '';
  const dst = exposed.reduce((acc, b) => acc.union(b.dst), NO_ADDR);
  const ports = exposed.slice(1).reduce((acc, b) => acc.union(b.dport), exposed[0]?.dport ?? SIP.dport);
  const targets = dst.intersect(phones).isEmpty ? dst : dst.intersect(phones);
  // The whole Internet of each family the exposure reaches: "any (IPv6) Internet address outside…".
  const reached = [INTERNET_V4, INTERNET_V6].filter((n) => n.overlaps(outside));
  const sources =
    reached.length > 0 && reached.every((n) => n.isSubsetOf(outside.union(allowedSources)))
      ? `any ${reached.length === 1 && reached[0] === INTERNET_V6 ? 'IPv6 ' : ''}Internet address outside the provider's networks`
      : describeAddresses(outside);
  const also = c.alsoRouted ? ' The same filter rule also accepts SIP routed to the phones directly.' : '';
  // The profile named: the check runs once per profile, and two profiles' findings read alike otherwise.
  const theirs = `the provider's networks (as the ${ctx.profile.name} profile lists them)`;
  const fix =
    c.step && unfiltered(c.step)
      ? `Filter it: add a chain that sees this traffic and accepts SIP to the phones only from ${theirs}.`
      : c.step && stepIsDefault(c.step)
        ? `Add a rule before the chain's end that drops SIP to the phones from outside ${theirs}.`
        : `Restrict the source to ${theirs} or remove it.`;
  // Several phone networks: counted in the headline, listed in the details (a list would not fit a headline).
  const nets = ctx.phones.filter((p) => p.networks.overlaps(targets));
  const many = nets.length > 1;
  const to = many ? `the phones in ${nets.length} networks` : `the phones ${formatAddrSet(targets)}`;
  const listed = many
    ? `Phone networks concerned: ${nets.map((p) => labelWithAddresses(p.label, p.networks.intersect(targets))).join('; ')}. `
    : '';
  // The ports in the headline when they fit it; else in the details, which then go on with what decided
  // and the fix (finding() would otherwise cut the sentence and repeat it whole in the details).
  const withPorts = `SIP (${formatPortSet(ports)}) to ${to} is accepted from ${sources}.`;
  const fits = withPorts.length <= MAX_HEADLINE;
  const portsLine = fits ? '' : `SIP ports concerned: ${formatPortSet(ports)}. `;
  return finding(meta, ctx, {
    loc: c.loc,
    message: fits ? withPorts : `SIP to ${to} is accepted from ${sources}.`,
    details: `${portsLine}${listed}${c.via}${also}${doubt} ${fix}`,
    ...(c.related ? { related: c.related } : {}),
    ...(maybe.length ? { uncertain: true } : {}),
    key: c.key,
  });
}

function groupAccepted(parts: Part[], doubts: Map<Box, Rule[]>) {
  const m = new Map<string, { step: (typeof parts)[number]['decidedBy']; boxes: Box[] }>();
  for (const p of parts) {
    if (p.verdict !== 'accept') continue;
    const k = stepKey(p.decidedBy);
    const g = m.get(k) ?? { step: p.decidedBy, boxes: [] };
    const maybe = p.maybe.filter(denies);
    if (maybe.length > 0) doubts.set(p.box, maybe);
    g.boxes.push(p.box);
    m.set(k, g);
  }
  return [...m.values()];
}
