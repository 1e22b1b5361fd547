import { ANY_V4, ANY_V6, formatAddrSet, type AddrSet } from '../model/address.js';
import { INTERNET, INTERNET_V4, INTERNET_V6 } from './topology.js';

/** Longest first sentence of a finding message (issue 14: what is wrong, at a glance). */
export const MAX_HEADLINE = 120;

/** Positions in `text` outside double quotes and parentheses (depth 0). */
export function topLevel(text: string): boolean[] {
  const out: boolean[] = [];
  let quoted = false;
  let depth = 0;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth = Math.max(0, depth - 1);
    out.push(!quoted && depth === 0);
  }
  return out;
}

/** Splits a message into its first sentence and the rest (the details); quotes and parentheses are never split. */
export function splitMessage(message: string): { headline: string; details?: string } {
  const text = message.trim();
  const top = topLevel(text);
  for (let i = 0; i < text.length - 2; i++) {
    if (!top[i] || !/[.!?]/.test(text[i] ?? '') || !/\s/.test(text[i + 1] ?? '')) continue;
    const rest = text.slice(i + 1).trim();
    if (!/^[A-Z("`']/.test(rest)) continue;
    return shorten(text.slice(0, i + 1), rest);
  }
  return shorten(text);
}

/** The text with its first letter in capitals. */
export const capitalize = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);

/**
 * A first sentence longer than MAX_HEADLINE is cut at a clause boundary ("; ", ": ", ", so ",
 * " by ", " through "), the clause moving to the details; or loses a parenthesis, the full
 * sentence moving to the details.
 */
function shorten(sentence: string, rest?: string): { headline: string; details?: string } {
  const join = (...parts: (string | undefined)[]) => parts.filter((x) => x?.trim()).join(' ') || undefined;
  if (sentence.length <= MAX_HEADLINE) return { headline: sentence, details: rest };
  let body = sentence.replace(/[.!?]$/, '');
  let dropped = false;
  for (let round = 0; round < 5; round++) {
    if (body.length + 1 <= MAX_HEADLINE) return { headline: `${body}.`, details: join(sentence, rest) };
    const cut = clauseCut(body);
    if (cut) return { headline: cut.headline, details: dropped ? join(sentence, rest) : join(cut.clause, rest) };
    // Drop a parenthesis outside quotes and try again.
    const shorter = withoutFirstParenthesis(body);
    if (shorter === undefined) break;
    body = shorter;
    dropped = true;
  }
  // The sentence as written (its parentheses too), so the headline is the start of the details' copy.
  return { headline: `${wordCut(sentence, MAX_HEADLINE - 2)}…`, details: join(sentence, rest) };
}

/** `body` cut to at most `max` characters after a whole word outside quotes and parentheses, when one is not too far back. */
function wordCut(body: string, max: number): string {
  const top = topLevel(body);
  for (let p = max; p >= max / 2; p--) if (body[p] === ' ' && top[p]) return body.slice(0, p).trimEnd();
  return body.slice(0, max).trimEnd();
}

/** `body` without its first top-level parenthesis (nested ones included), or undefined when it has none. */
function withoutFirstParenthesis(body: string): string | undefined {
  const top = topLevel(body);
  const open = Array.from(body).findIndex((ch, i) => ch === '(' && i > 0 && top[i - 1] === true);
  if (open < 0) return undefined;
  let depth = 0;
  for (let i = open; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')' && --depth === 0) return (body.slice(0, open).trimEnd() + body.slice(i + 1)).trim();
  }
  return undefined;
}

/** Cuts at the latest clause boundary that leaves a first sentence of at most MAX_HEADLINE characters. */
function clauseCut(body: string): { headline: string; clause: string } | undefined {
  const top = topLevel(body);
  for (const sep of ['; ', ': ', ', so ', ' because ', ' by ', ' through ']) {
    for (let p = Math.min(body.length, MAX_HEADLINE - 1); p >= 40; p--) {
      if (!top[p] || !body.startsWith(sep, p)) continue;
      const clause = body.slice(p + sep.length);
      const word = sep.trim();
      const tail = word === 'by' || word === 'through' ? `${capitalize(word)} ${clause}` : clause;
      return { headline: `${body.slice(0, p).trimEnd()}.`, clause: `${tail}.` };
    }
  }
  return undefined;
}

/** Sets with more runs than this are written as they are, not as the Internet without the rest. */
const MAX_EXCEPT_RUNS = 256;

/** Addresses for messages, summarised: "any Internet address" rather than a list of /8s. */
export function describeAddresses(set: AddrSet, limit = 4): string {
  if (set.isFull) return 'any address';
  const v4Internet = INTERNET_V4;
  if (set.equals(INTERNET) || set.equals(v4Internet)) return 'any Internet address';
  if (set.equals(INTERNET_V6)) return 'any IPv6 Internet address';
  if (set.equals(ANY_V4)) return 'any IPv4 address';
  if (set.equals(ANY_V6)) return 'any IPv6 address';
  if (v4Internet.isSubsetOf(set)) {
    const rest = set.subtract(v4Internet);
    return rest.isEmpty ? 'any Internet address' : `any Internet address and ${formatAddrSet(rest, limit)}`;
  }
  // The holes are listed only for a set of few runs: the rest of the Internet of a set of 50,000 runs
  // is as long a list, and a rule may report many such sets.
  if (set.intervalCount <= MAX_EXCEPT_RUNS && set.isSubsetOf(v4Internet) && set.size() > v4Internet.size() / 2n)
    return `Internet addresses except ${formatAddrSet(v4Internet.subtract(set), limit)}`;
  return formatAddrSet(set, limit);
}

/**
 * "vlan20 10.20.0.0/24": a site network's label with its addresses. A label made from a --phones value
 * already ends with them (src/site/spec.ts), which would otherwise be written twice; when the network
 * leaves out part of what the label shows (`written`: the PBX), the part left out is named.
 */
export function labelWithAddresses(label: string, networks: AddrSet, written?: AddrSet): string {
  if (labelShows(label, networks)) return label;
  // "VOICE (opt1) 10.20.0.0/24 without 10.20.0.10": the network as given, then what is left out (the PBX).
  if (written && networks.isSubsetOf(written) && !networks.equals(written)) {
    const shown = labelShows(label, written) ? label : `${label} ${formatAddrSet(written)}`;
    return `${shown} without ${formatAddrSet(written.subtract(networks))}`;
  }
  return `${label} ${formatAddrSet(networks)}`;
}

/** Whether a site network's label already ends with exactly these addresses. */
export function labelShows(label: string, networks: AddrSet): boolean {
  const text = formatAddrSet(networks);
  return label === text || label.endsWith(` ${text}`);
}
