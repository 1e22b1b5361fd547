import type { Setting } from '../../src/model/location.js';
import type { Action, Match, Rule, Unsupported } from '../../src/model/policy.js';
import { Hasher } from '../toolkit/hash.js';
import type { Ctx } from './context.js';
import { SIP_HELPER_TIMEOUT, sipHelperTimeoutReason } from './defaults.js';
import { directFlat, withoutConds, type Effect, type Flat } from './expand.js';
import { ReadRuleBase, type ChainRule, type NChain, type NTable, type Pos, type Stmt } from './ir.js';
import { ChainLabels, EntryRule, headRow, notesOf, PLAIN_ACTIONS, ReadEntries, ReadEntry } from './entry-rule.js';
import { CondInterpreter, MatchBuilder } from './match.js';
import { printRule } from './print.js';
import type { RuleAlts } from './interfaces.js';

/** `inet fw forward`: how chains are named in the model and in messages. */
export function chainRef(family: string, table: string, chain: string): string {
  return `${family} ${table} ${chain}`;
}

/** A model rule with what later passes (NAT, sessions, notrack) read of its alternative; conditions are dropped. */
export interface Entry {
  rule: Rule;
  flat: Flat;
}

export interface ChainInfo {
  ref: string;
  table: NTable;
  chain: NChain;
  /**
   * The chain's entries as two lists (no record per entry: 100k rules made 100k records that lived to
   * the model's end): entry i is `rules[i]` and `flats[i]`. `flats` is empty (NO_FLATS) while no entry
   * has what the later passes read of an alternative (NAT, effects, helpers: keptFlat); from the first
   * such entry on it has the length of `rules`, an entry without them holding PLAIN.
   */
  rules: Rule[];
  flats: Flat[];
  /** How many entries addEntry has given (the lists are made at the chain's size first: see buildChain). */
  count: number;
  /** Whether an entry translates (NAT) or has effects (notrack…): else `rules` are the model chain's rules as they are. */
  special: boolean;
  /** FWL900 candidates, reported only when the chain is evaluated (could change a verdict). */
  unsupported: Unsupported[];
  /**
   * Chains this one jumps or goes to (model names), each once, in the order of its first jump: made at
   * its first jump, none for a chain that jumps nowhere. A list (actionOf tells a first jump by the
   * target's NChain.jumpedFrom), not a set: a dispatching chain of the chains shape at 100k jumps to
   * 9,000 chains, whose set (a large object, and its copies as it grew) was promoted.
   */
  targets: string[] | undefined;
  /** The places and texts of `unsupported`'s reports (report): made at the first one. */
  reported: Set<string> | undefined;
}

export type TimeoutResolver = (table: NTable, name: string, pos: Pos) => Setting<number> | undefined;

/**
 * Model rules of one chain: one per alternative (flat rule), sharing the nft rule's id, location
 * and label. Conditions the model cannot express are reported (FWL900) and approximated so they
 * cause no finding on their own: an accept, jump or NAT rule is evaluated as if they held, a
 * drop/reject rule as if they did not.
 */
export function buildChain(
  ctx: Ctx,
  table: NTable,
  chain: NChain,
  alts: RuleAlts,
  timeoutOf: TimeoutResolver,
): ChainInfo {
  // The name the reader made for the chain's model rules (NChain.labels), else made here.
  const ref = chain.labels?.ref ?? chainRef(table.family, table.name, chain.name);
  // The entry lists made at the number of entries the rules will give (entriesOf), filled by index and cut
  // to their length at the end: lists grown by push from empty left about twice their final size in
  // dropped copies, copied to the old generation first (the huge chain at 100k: 3.5 MB of the parse's peak).
  const size = entriesOf(chain.rules, alts);
  const info: ChainInfo = {
    ref,
    table,
    chain,
    // A chain whose rules are all model rules made while reading (the chains and huge-chain shapes) has
    // its entries' rules in that list already, in order: it is the entries' list, not a copy made here.
    rules: modelRulesOnly(chain.rules) ? (chain.rules as EntryRule[]) : presized<Rule>(size),
    flats: NO_FLATS,
    count: 0,
    special: false,
    unsupported: NO_UNSUPPORTED,
    targets: undefined,
    reported: undefined,
  };
  // Made when first needed: most chains' rules were made while reading and report nothing (the chains
  // shape has 9,000 chains, whose interpreters, hashers, labels and sets were promoted and then dropped).
  let interp: CondInterpreter | undefined;
  let hasher: Hasher | undefined;
  let labels: ChainLabels | undefined;
  // The last model rule kept alone in the chain (prepare.ts convertRead, readAlts), and its occurrence.
  let prev: EntryRule | undefined;
  let prevNth = 0;
  // Indexed: a for…of step allocates while the loop runs unoptimised (100k rules, once per parse).
  const rules = chain.rules;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
  for (let i = 0; i < rules.length; i++) {
    const nrule = rules[i];
    if (nrule === undefined) continue;
    if (!(nrule instanceof EntryRule)) prev = undefined;
    // A rule the text reader kept as its model rule alone (prepare.ts convertRead): only its occurrence
    // and action are left to give (they depend on the rest of the file).
    if (nrule instanceof EntryRule) {
      // The model rules of a verdict map's alternatives follow one another with the nft rule's row
      // (prepare.ts readAlts): one occurrence for them all, as for the alternatives of any rule.
      if (!prev?.sameRow(nrule)) prevNth = ctx.hashOccurrence('nft', nrule.contentHash);
      prev = nrule;
      // The alternative read before the occurrence is given (a jump kept in the row: EntryRule.keepJump).
      const flat = nrule.flat;
      addEntry(table, info, nrule, flat, nrule.match, flat.opaque, timeoutOf);
      nrule.numbered(prevNth);
      continue;
    }
    if (nrule.unreadable) {
      report(info, { loc: nrule.unreadable.pos, what: nrule.unreadable.what, why: nrule.unreadable.why });
      continue;
    }
    // A rule the text reader read with its model rule (entry-rule.ts ReadEntry): only its occurrence and
    // action are left to give (they depend on the rest of the file).
    if (nrule instanceof ReadEntry && nrule.pre !== undefined && nrule.entry.labels.ref === ref) {
      const entry = nrule.entry;
      entry.numbered(ctx.hashOccurrence('nft', entry.contentHash));
      addEntry(table, info, entry, nrule.flat, entry.match, nrule.opaque, timeoutOf);
      nrule.pre = undefined;
      continue;
    }
    // A verdict-map rule the `nft -j` reader read with its model rules (one per alternative): one
    // occurrence for the nft rule, then each alternative's action.
    if (nrule instanceof ReadEntries && nrule.pre !== undefined && nrule.ref === ref) {
      const nth = ctx.hashOccurrence('nft', nrule.hash);
      for (const e of nrule.entries) {
        e.numbered(nth);
        const flat = e.flat;
        addEntry(table, info, e, flat, e.match, flat.opaque, timeoutOf);
      }
      nrule.pre = undefined;
      continue;
    }
    // A rule the text reader already converted (prepare.ts) brings its text, hash and matches.
    const pre = nrule.pre;
    const text = pre ? pre.text : printRule(nrule.stmts, nrule.comment);
    const from = pre ? pre.from : 0;
    const to = pre ? pre.to : -1;
    const unquoted = pre ? pre.unquoted : false;
    // contentId('nft', ref, text) made unique (toolkit/ids.ts): the occurrence is counted per hash in a
    // typed-array table, not by a Map of 100k id strings; only this file gives ids the prefix `nft`.
    const hash = pre?.ref === ref ? pre.hash : ruleHash((hasher ??= new Hasher()), ref, text, unquoted, from, to);
    const nth = ctx.hashOccurrence('nft', hash);
    // The vendor comments, kept for the rule's label and comment (made when read: entry-rule.ts).
    const notes = notesOf(nrule.comment, nrule.remark);
    labels ??= new ChainLabels(ref, ctx.file, ctx.rows);
    const row = headRow(
      labels,
      nrule instanceof ReadRuleBase ? nrule : nrule.pos,
      text,
      from,
      to,
      unquoted,
      hash,
      nth,
      notes,
    );
    // One alternative (most rules): the prepared record itself, without a list around it (altsOf).
    // The model rules of the nft rule (one per alternative) share its row.
    const head = { labels, row };
    if (pre && pre.alts === undefined) addEntry(table, info, head, pre.flat, pre.match, pre.opaque, timeoutOf);
    else if (pre) for (const a of pre.alts) addEntry(table, info, head, a.flat, a.match, a.opaque, timeoutOf);
    else
      alts.each(nrule, table, (flat) => {
        const { match, opaque } = matchOf((interp ??= new CondInterpreter(ctx)), flat, table);
        // The conditions are in the model now: the entry keeps the alternative without them (less retained heap).
        addEntry(table, info, head, withoutConds(flat), match, opaque, timeoutOf);
      });
    // Converted: the statements and alternatives of the rule are no longer read (index.ts buildPolicy).
    nrule.stmts = NO_STMTS;
    nrule.spans = undefined;
    nrule.flats = undefined;
    nrule.pre = undefined;
  }
  // The reports' places are not read again (a chain is built once).
  info.reported = undefined;
  // Fewer entries than rules (rules that fail to read, or give no alternative): the lists cut to them.
  if (info.count < info.rules.length) {
    info.rules.length = info.count;
    if (info.flats !== NO_FLATS) info.flats.length = info.count;
  }
  return info;
}

/**
 * Adds `u` to the chain's FWL900 candidates unless one with its place and text is there. A function of
 * the chain's entries, not a closure buildChain makes (with its context: 9,000 of them in the chains shape).
 */
function report(info: ChainInfo, u: Unsupported): void {
  const k = `${u.loc.file}:${String(u.loc.line)}:${String(u.loc.column)}:${u.what}`;
  info.reported ??= new Set<string>();
  if (info.reported.has(k)) return;
  info.reported.add(k);
  if (info.unsupported === NO_UNSUPPORTED) info.unsupported = [u];
  else info.unsupported.push(u);
}

/** The FWL900 candidates of a chain that has none (most): shared, never added to (report makes a list). */
const NO_UNSUPPORTED: Unsupported[] = Object.freeze([]) as unknown as Unsupported[];

/**
 * How many entries buildChain will give for `rules`: an alternative each for a converted rule (its own,
 * or each of its `alts`), none for an unreadable one, its alternatives for a rule a pass expanded
 * already, and one for another rule left to the passes (alts.each may give more, then the lists grow, or
 * none, then they are cut). Counted first, as a list one entry short
 * grows by half its size and copies itself (the huge chain at 100k has two verdict maps).
 */
function entriesOf(rules: readonly ChainRule[], alts: RuleAlts): number {
  let n = 0;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
  for (let i = 0; i < rules.length; i++) {
    const r = rules[i];
    if (r === undefined) continue;
    if (r instanceof EntryRule) {
      n++;
      continue;
    }
    if (r instanceof ReadEntries) {
      n += r.entries.length;
      continue;
    }
    if (r.unreadable) continue;
    // A rule a pass expanded already (buildInterfaces: a named verdict map's 10,000 alternatives in the
    // sets shape) gives those: a list one entry per rule short grew once, its first store dropped.
    n += r.pre?.alts?.length ?? alts.count(r) ?? 1;
  }
  return n;
}

/** Whether every rule of `rules` is a model rule made while reading: each then gives itself as its one entry. */
function modelRulesOnly(rules: readonly ChainRule[]): boolean {
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
  for (let i = 0; i < rules.length; i++) if (!(rules[i] instanceof EntryRule)) return false;
  return true;
}

/**
 * A list of `n` empty entries to be filled by index: packed (as the model's lists are), made at its size
 * once. Its entries are undefined until written: buildChain cuts it to the entries it wrote.
 */
function presized<T>(n: number): T[] {
  return Array.from<T>({ length: n });
}

/**
 * contentId's hash of a rule: its chain and its canonical text (`unquoted`: `text` is a source slice
 * the canonical text is without its `"`, rule-text.ts; hashed as that text, which is not built). With
 * `to` not negative, the text is `text` from `from` to `to` (not sliced either).
 */
export function ruleHash(hasher: Hasher, ref: string, text: string, unquoted = false, from = 0, to = -1): number {
  const h = hasher.reset().add(ref);
  if (to >= 0) return h.addRange(text, from, to, unquoted ? '"' : undefined).value();
  return (unquoted ? h.addWithout(text, '"') : h.add(text)).value();
}

/** Whether an alternative drops or rejects (its action, as actionOf gives it, without the chain's context). */
function dropsOf(flat: Flat): boolean {
  return !flat.nat && (flat.verdict?.kind === 'drop' || flat.verdict?.kind === 'reject');
}

/** `ipsec in|out` (nft_xfrm) among the conditions fwlint cannot evaluate. */
function ipsecOf(opaque: readonly Effect[]): boolean {
  return opaque.some((o) => /^ipsec (in|out)\b/.test(o.what));
}

/**
 * The Match of one alternative and the conditions the model cannot express (the alternative's own
 * and those the interpreter gives up on). Reads the table only for named sets.
 */
export function matchOf(
  interp: CondInterpreter,
  flat: Flat,
  table: NTable,
): { match: Match; opaque: readonly Effect[] } {
  const mb = new MatchBuilder();
  let opaque = flat.opaque;
  for (const c of flat.conds) {
    const u = interp.apply(c, table, mb);
    if (u) opaque = [...opaque, u];
  }
  // `ipsec in|out` (nft_xfrm) matches only packets with an IPsec secpath or xfrm route; the flows
  // fwlint evaluates are plain traffic, which it never matches (docs/semantics.md#nft-syntax).
  if (opaque.length && (dropsOf(flat) || ipsecOf(opaque))) mb.never = true;
  return { match: mb.toMatch(), opaque };
}

/**
 * The model rule of one alternative: its action (jumps need the table's chains), the FWL900 reports
 * of what it cannot express, timeouts and helpers; appended to the chain's entries.
 */
function addEntry(
  table: NTable,
  info: ChainInfo,
  /** What the model rule is made of, or the model rule made while reading (its action is given here). */
  head: { labels: ChainLabels; row: number } | EntryRule,
  flat: Flat,
  match: Match,
  opaque: readonly Effect[],
  timeoutOf: TimeoutResolver,
): void {
  const action = actionOf(table, flat, info);
  const dropping = action.kind === 'drop' || action.kind === 'reject';
  // A rule that only counts, logs or marks decides nothing: what it matches cannot change a verdict.
  const inert =
    action.kind === 'continue' &&
    !flat.nat &&
    flat.helpers.length === 0 &&
    flat.timeouts.length === 0 &&
    flat.effects.length === 0;
  if (!inert && opaque.length) {
    const ipsec = ipsecOf(opaque);
    // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
    for (let i = 0; i < opaque.length; i++) {
      const o = opaque[i];
      if (o === undefined) continue;
      report(info, {
        loc: o.pos,
        what: o.what,
        why: `${o.why}; ${dropping || ipsec ? neverHeld(dropping, ipsec) : PASS_APPROXIMATION}`,
      });
    }
  }
  // Indexed loops: the lists are mostly the shared frozen NONE (expand.ts), over which for…of makes an
  // iterator and a result object per step even in optimised code (node 20), about 9 MB at 100k rules.
  const effects = flat.effects;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
  for (let i = 0; i < effects.length; i++) {
    const e = effects[i];
    if (e !== undefined) report(info, { loc: e.pos, what: e.what, why: e.why });
  }
  let rule: EntryRule;
  if (head instanceof EntryRule) {
    rule = head;
    rule.action = action;
    // The chain's entries keep the alternative from now on: the model rule no longer does (EntryRule.flat).
    rule.releaseFlat();
  } else rule = new EntryRule(head.labels, head.row, match, action);
  // Every timeout is resolved (an undefined one is a note); the first UDP one applies.
  const timeouts = flat.timeouts;
  // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
  for (let i = 0; i < timeouts.length; i++) {
    const x = timeouts[i];
    if (x === undefined) continue;
    const t = timeoutOf(table, x.name, x.pos);
    if (t && !rule.udpTimeout) rule.udpTimeout = t;
  }
  // A SIP helper refreshes its connection with sip_timeout on every packet (sip_help_udp), after the
  // protocol's own refresh: it wins over the timeout policy and the sysctl (docs/semantics.md#nft-helpers).
  // nft_ct_helper_obj_eval attaches a helper only to flows of its protocol (udp unless it says otherwise).
  const h = flat.helpers.length ? firstHelper(table, flat) : undefined;
  if (h?.helperType.toLowerCase() === 'sip' && (h.protocol ?? 'udp').toLowerCase() === 'udp')
    rule.helperTimeout = {
      value: SIP_HELPER_TIMEOUT,
      source: 'default',
      loc: h.pos,
      reason: sipHelperTimeoutReason(h.name, rule.label),
    };
  const k = info.count++;
  if (k < info.rules.length) info.rules[k] = rule;
  else info.rules.push(rule);
  const kept = keptFlat(flat);
  if (kept && info.flats === NO_FLATS) {
    // The first entry the later passes read: the list made now, the entries before it given PLAIN.
    info.flats = presized<Flat>(info.rules.length);
    for (let i = 0; i < k; i++) info.flats[i] = PLAIN;
  }
  if (info.flats !== NO_FLATS) {
    const f = kept ? flat : PLAIN;
    if (k < info.flats.length) info.flats[k] = f;
    else info.flats.push(f);
  }
  if (flat.nat || flat.effects.length) info.special = true;
}

/**
 * Whether the passes after buildChain read something of an alternative: its NAT (nat.ts), its effects
 * (chains.ts withNotrack) or its helpers and timeouts (sessions.ts). The others (most rules) are not kept in the
 * chain's entries: a jump's alternative (its verdict, target and position, about 190 bytes) then dies
 * with buildChain, not at the end of buildPolicy, and a chain without such entries has no list of them.
 */
function keptFlat(flat: Flat): boolean {
  return flat.nat !== undefined || flat.effects.length > 0 || flat.helpers.length > 0 || flat.timeouts.length > 0;
}

/** The entries' alternatives while none is kept (ChainInfo.flats): shared, never added to. */
const NO_FLATS: Flat[] = Object.freeze([]) as unknown as Flat[];
/** What a kept list holds for an entry whose alternative the later passes read nothing of: no NAT, effects, helpers or timeouts. */
const PLAIN: Flat = directFlat(undefined, undefined, undefined);

/** The first helper of an alternative that its table defines. */
function firstHelper(table: NTable, flat: Flat): ReturnType<NTable['helpers']['get']> {
  return flat.helpers.map((x) => table.helpers.get(x.name)).find((x) => x !== undefined);
}

/** The statements of a converted rule: one shared empty list (nothing adds to it). */
const NO_STMTS: Stmt[] = [];

/** How an opaque condition is evaluated when fwlint takes it as never holding (drop rules; IPsec policy matches). */
function neverHeld(dropping: boolean, ipsec: boolean): string {
  const what = dropping ? 'this drop rule' : 'this rule';
  return `fwlint evaluates ${what} as if the condition never held${ipsec ? ' (plain, not IPsec, traffic)' : ''}`;
}
const PASS_APPROXIMATION = 'fwlint evaluates the rule as if the condition held';

/** Verdicts without arguments: one shared (never modified) object each (as the reader gives them). */
const ACTIONS = PLAIN_ACTIONS;

function actionOf(table: NTable, flat: Flat, info: ChainInfo): Action {
  if (flat.nat) return ACTIONS.accept; // NAT statements are terminal and imply accept (docs/semantics.md#nft-syntax)
  const v = flat.verdict;
  if (!v) return ACTIONS.continue;
  switch (v.kind) {
    case 'accept':
    case 'drop':
    case 'reject':
    case 'continue':
    case 'return':
      return ACTIONS[v.kind];
    case 'queue':
      return ACTIONS.accept;
    case 'jump':
    case 'goto': {
      const target = v.target;
      const to = table.chains.get(target);
      if (to === undefined) {
        report(info, {
          loc: v.pos,
          what: `${v.kind} ${target}`,
          why:
            `chain ${target} does not exist in table ${table.family} ${table.name}; ` +
            `nft would refuse the ruleset, fwlint skips the ${v.kind}`,
        });
        return { kind: 'continue' };
      }
      // The target's name as the reader made it (NChain.labels), one string for the chain and its jumps.
      const ref = to.labels?.ref ?? chainRef(table.family, table.name, target);
      // Listed at the chain's first jump to it (NChain.jumpedFrom): each target once, in that order.
      if (to.jumpedFrom !== info) {
        to.jumpedFrom = info;
        (info.targets ??= []).push(ref);
      }
      return { kind: v.kind, chain: ref };
    }
  }
}
