import { ANY_ADDR, ANY_V4, ANY_V6, formatAddrSet, type AddrSet } from '../model/address.js';
import type { Box } from '../model/box.js';
import type { Match, Rule } from '../model/policy.js';
import { formatPortSet, type PortSet } from '../model/ports.js';
import { ruleWith } from '../model/rule-copy.js';
import type { Part } from './evaluate.js';

/**
 * A reply to a source-NATed connection as the stages before NAT reversal see it (Stage.beforeReplyNat,
 * docs/semantics.md#nft-nat). Connection tracking maps a reply back to the original source only at
 * the NAT hook (where that is, per platform, is the parser's business: it flags the stages that run
 * before it): earlier chains see it addressed to the address and port the translation chose. Where
 * that choice is one of several (masquerade on an interface with an unknown address, `random`, a port
 * range) a rule that matches only part of the choices may or may not match: the engine puts it in the
 * part's `maybe`, never guesses.
 */

export type ViewDim = 'dst' | 'dport';

export interface ReplyView {
  /** The reply's destination before reversal: the connection's translated source address(es). */
  dst: AddrSet;
  /** The translated source port(s); absent: the reply's own destination port (the source port was kept). */
  dport?: PortSet;
  /** Dimensions holding several values of which the kernel uses one fwlint cannot know. */
  vague: ViewDim[];
  /** Why, for messages. */
  why: string;
}

function familyOf(a: AddrSet): AddrSet {
  if (a.isSubsetOf(ANY_V4)) return ANY_V4;
  if (a.isSubsetOf(ANY_V6)) return ANY_V6;
  return ANY_ADDR;
}

/**
 * The translation the kernel chose for one connection, as observed (the reply tuple in conntrack): a
 * tool that watched the packet (the kernel differential harness) narrows the view to it, so the answer
 * is exact for that packet. A lint never has it: the configuration does not record the choice.
 */
export interface ChosenTranslation {
  /** The translated source address. */
  src?: AddrSet;
  /** The translated source port. */
  sport?: PortSet;
}

/**
 * The view of replies to an accepted outbound part; undefined when nothing is reversed (no SNAT,
 * untracked). With `chosen`, the translation observed for the connection replaces the set of choices.
 */
export function replyView(out: Part, chosen?: ChosenTranslation): ReplyView | undefined {
  if (out.verdict !== 'accept' || out.untracked) return undefined;
  let snat: Extract<Part['translations'][number], { kind: 'snat' }> | undefined;
  for (const t of out.translations) if (t.kind === 'snat') snat = t;
  if (!snat) return undefined;
  const vague: ViewDim[] = [];
  const why: string[] = [];
  let dst = chosen?.src ?? out.out.src;
  if (!chosen?.src && dst.equals(out.box.src)) {
    // Masquerade on an interface whose address fwlint does not know keeps the source (translate.ts).
    dst = familyOf(out.box.src);
    vague.push('dst');
    why.push('the translated address is not known');
  } else if (dst.size() > 1n) {
    vague.push('dst');
    why.push(`the translated address is one of ${formatAddrSet(dst, 3)}`);
  }
  const kept = !chosen?.sport && snat.target.ports !== 'random' && out.out.sport.equals(out.box.sport);
  const view: ReplyView = { dst, vague, why: '' };
  if (!kept) {
    const sport = chosen?.sport ?? out.out.sport;
    view.dport = sport;
    if (sport.size() > 1n) {
      vague.push('dport');
      const how = snat.target.portsReason ? ` (${snat.target.portsReason})` : '';
      why.push(`the translated port is one of ${formatPortSet(sport)}${how}`);
    }
  }
  view.why =
    'a reply reaches this chain before conntrack maps it back to the original source (the NAT reversal, ' +
    'docs/semantics.md#nft-nat), addressed to the translated address and port' +
    (why.length ? `, and ${why.join(' and ')}` : '');
  return view;
}

/** The vague dimensions in which `match` covers only part of the piece's values. */
export function splitDims(cur: Box, match: Match, vague: readonly ViewDim[]): ViewDim[] {
  const out: ViewDim[] = [];
  const { dst, dport } = match;
  if (vague.includes('dst') && dst && !dst.isFull && !cur.dst.isSubsetOf(dst)) out.push('dst');
  if (vague.includes('dport') && dport && !dport.isFull && !cur.dport.isSubsetOf(dport)) out.push('dport');
  return out;
}

/** The match without the given dimensions (what a rule certainly requires of the other ones). */
export function without(match: Match, dims: readonly ViewDim[]): Match {
  const { dst, dport, ...rest } = match;
  return {
    ...rest,
    ...(dst && !dims.includes('dst') ? { dst } : {}),
    ...(dport && !dims.includes('dport') ? { dport } : {}),
  };
}

const doubts = new WeakMap<Rule, Map<string, Rule>>();

/** The rule as it may match the reply: its match carries the view's doubt (Match.uncertain). One object per rule and doubt. */
export function doubtful(rule: Rule, view: ReplyView, dims: readonly ViewDim[]): Rule {
  let byWhy = doubts.get(rule);
  if (!byWhy) doubts.set(rule, (byWhy = new Map<string, Rule>()));
  const key = `${dims.join(',')}|${view.why}`;
  let r = byWhy.get(key);
  if (!r) {
    const refs = dims.map((field) => ({ field, why: view.why, loc: rule.loc }));
    r = ruleWith(rule, { match: { ...rule.match, uncertain: [...refs, ...(rule.match.uncertain ?? [])] } });
    byWhy.set(key, r);
  }
  return r;
}
