import type { Rule } from '../src/model/policy.js';

/** Whether a rule ends a packet's path by refusing it. */
export const denies = (r: Rule): boolean => r.action.kind === 'drop' || r.action.kind === 'reject';

/**
 * Why a rule's match is not exact for every packet (Match.uncertain, e.g. an nft-release-dependent
 * flag list), in the parser's words; undefined when its only doubt is hostname/URL-table members.
 */
export function uncertainWhy(r: Rule): string | undefined {
  const u = r.match.uncertain ?? [];
  return u.length > 0 ? u.map((x) => x.why).join('; ') : undefined;
}

/**
 * What a rule's members known only at run time are, in words: short for a headline ("GeoIP
 * countries"), else with what they are ("country (GeoIP) lists").
 */
export function membersOf(r: Rule, short = false): string {
  const kinds = new Set((r.match.symbolic ?? []).map((s) => s.kind));
  const words = [
    kinds.has('fqdn') ? 'hostnames' : '',
    kinds.has('url-table') ? (short ? 'URL tables' : 'URL table aliases (address lists downloaded at run time)') : '',
    kinds.has('geo') ? (short ? 'GeoIP countries' : 'country (GeoIP) lists') : '',
    kinds.has('dynamic') ? (short ? 'run-time addresses' : `addresses known only at run time${dynamicNames(r)}`) : '',
  ].filter(Boolean);
  return words.length ? words.join(' and ') : 'hostnames or URL tables';
}

/** "rule … (line 33) may drop it: <why it may match>": a deny rule fwlint cannot decide for a packet (Part.maybe). */
export function mayDrop(r: Rule): string {
  return `${r.label} (line ${String(r.loc.line)}) may drop it: ${uncertainWhy(r) ?? `it matches ${membersOf(r)}`}`;
}

/**
 * "rule … (line 33) matches it, which depends on <why>": the accepting rule of a part is itself in doubt
 * (Part.maybe: negated hostname or GeoIP members), said as the point a pass rests on.
 */
export function mayNotAccept(r: Rule): string {
  const why = uncertainWhy(r);
  return `${r.label} (line ${String(r.loc.line)}) matches it, which depends on ${why ?? `its ${membersOf(r)}`}`;
}

/** The run-time members by name, with why they are run-time (`, in PHONES (address list whose entries … are all disabled, line 8; …)`). */
function dynamicNames(r: Rule): string {
  const names = [...new Set((r.match.symbolic ?? []).filter((s) => s.kind === 'dynamic').map((s) => s.name))];
  if (names.length === 0) return '';
  return `, in ${names.slice(0, 2).join(' and ')}${names.length > 2 ? ` and ${String(names.length - 2)} more` : ''}`;
}

/**
 * "rule … (line 50) matches (it matches hostnames)": a rule fwlint cannot decide for that might match a
 * dropped part (Part.maybe), in the words FWL012 uses. The rule that dropped it is itself in doubt when
 * its undecidable members are negated (`srcaddr-negate` of a GeoIP list): then it may not match at all.
 */
export function mightMatchRule(r: Rule, dropper?: Rule): string {
  const why = uncertainWhy(r);
  const because = `it ${why ? `is uncertain: ${why}` : `matches ${membersOf(r)}`}`;
  return `${r.label} (line ${String(r.loc.line)}) ${r === dropper ? 'does not match' : 'matches'} (${because})`;
}
