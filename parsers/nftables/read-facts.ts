import type { AddrSet } from '../../src/model/address.js';
import { EntryRule } from './entry-rule.js';
import type { IfaceFacts } from './interfaces.js';
import type { NChain, NRule, Pos } from './ir.js';
import { RuleChunks } from './rule-list.js';

/**
 * A rule of a run, where its position is read when needed: a model rule kept alone (EntryRule) or a
 * read rule (a verdict map's, whose alternatives keep no facts then: prepare.ts convertDirectAlts).
 */
export type RunRule = EntryRule | NRule;

/** The position of a rule of a run, as observe reads a rule's. */
export function runPos(rule: RunRule): Pos {
  return rule instanceof EntryRule ? rule.loc : rule.pos;
}

/** The interface facts of a rule a run takes: its one alternative's, or each of its alternatives'. */
export type RunFacts = IfaceFacts | readonly { readonly facts: IfaceFacts }[];

/**
 * What the text reader's rules kept as their model rule alone (text-parser.ts directRule) show interface
 * inference (interfaces.ts observe), gathered as they are read, so that no record per rule holds their
 * interface facts until buildInterfaces (a ReadNamed: 88 bytes a rule, promoted and then dropped).
 *
 * A run is a stretch of such rules of one chain, with no other rule between them; buildInterfaces applies
 * it where its first rule is (`at`) and the rules in it observe nothing. That gives what observing them
 * one by one gives, because observe only adds to first-occurrence maps (the names, in order, each at the
 * first rule naming it) and to lists (the networks, in order, with the first four rules' positions): the
 * run keeps the same, for its own rules. Such rules translate nothing and have no dnat host (the direct
 * reader reads none), so only the names and the networks are gathered. The verdict maps the reader
 * reads join runs too (their alternatives then keep no facts), or a chain would have a run between each
 * two of them (the text shape at 100k: 8,800 runs, 74,000 names kept).
 */
export class SeenRun {
  /** The index in the chain's rules of the run's first rule: where buildInterfaces applies it. */
  at: number;
  /** Each name the run's rules compare with, in order, and the first rule naming it. */
  readonly names = new Map<string, RunRule>();
  /**
   * Per interface, the networks its rules pair with it, in order, and the first four rules doing so: the
   * first FIRST_NETS in `sets` (most runs have a few), the others in chunks (`more`): a list grown by push
   * left its copies, 2.7 MB promoted in the sets shape at 100k (40 interfaces of 2,500 networks).
   */
  readonly nets = new Map<string, RunNets>();

  constructor(at: number) {
    this.at = at;
  }

  /** The facts of one alternative of a rule of the run (its position is read from it when needed). */
  add(entry: RunRule, facts: IfaceFacts): void {
    const saw = facts.seen;
    // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
    for (let i = 0; i < saw.length; i++) {
      const n = saw[i];
      if (n !== undefined && n !== '' && !this.names.has(n)) this.names.set(n, entry);
    }
    this.network(facts.iif, facts.srcNets, entry);
    this.network(facts.oif, facts.dstNets, entry);
  }

  /** As interfaces.ts addNetwork. */
  private network(names: readonly string[], nets: AddrSet | undefined, entry: RunRule): void {
    const name = names[0];
    if (names.length !== 1 || name === undefined || !nets) return;
    const cur = this.nets.get(name);
    if (cur) {
      if (cur.more !== undefined) cur.more.push(nets);
      else if (cur.sets.length < FIRST_NETS) cur.sets.push(nets);
      else {
        cur.more = new RuleChunks<AddrSet>(NETS_CHUNK);
        cur.more.push(nets);
      }
      if (cur.where.length < 4) cur.where.push(entry);
    } else this.nets.set(name, { sets: [nets], more: undefined, where: firstOfFour(entry) });
  }
}

/** The networks of one interface in a run (SeenRun.nets). */
export interface RunNets {
  readonly sets: AddrSet[];
  /** The networks after the first FIRST_NETS, when there are more. */
  more: RuleChunks<AddrSet> | undefined;
  readonly where: RunRule[];
}

/** The networks a run's interface keeps in its first list, grown by push (most runs have a few). */
const FIRST_NETS = 16;

/**
 * The most networks a chunk of a run's list holds: the last chunk's room left unused is at most this,
 * per interface (chunks doubling up to 4,096 left 1,580 of 4,080 unused for 2,500 networks).
 */
const NETS_CHUNK = 256;

/**
 * A list of `entry` with room for the four a run keeps (SeenRun.nets `where`): a list of one grown by
 * push takes room for 17 (the text shape at 100k has 4,500 of them, 0.6 MB).
 */
function firstOfFour(entry: RunRule): RunRule[] {
  const out = new Array<RunRule>(4);
  out[0] = entry;
  out.length = 1;
  return out;
}

/** Whether facts say nothing to interface inference (no name, no network): such a rule joins no run. */
function silent(f: IfaceFacts): boolean {
  return f.seen.length === 0 && f.iif.length === 0 && f.oif.length === 0 && !f.srcNets && !f.dstNets;
}

function allSilent(facts: RunFacts): boolean {
  if (!Array.isArray(facts)) return silent(facts as IfaceFacts);
  for (const a of facts as readonly { readonly facts: IfaceFacts }[]) if (!silent(a.facts)) return false;
  return true;
}

function addAll(run: SeenRun, rule: RunRule, facts: RunFacts): void {
  if (!Array.isArray(facts)) run.add(rule, facts as IfaceFacts);
  else for (const a of facts as readonly { readonly facts: IfaceFacts }[]) run.add(rule, a.facts);
}

/**
 * The runs of the chains a reader reads: each chain's rules are added here as they are put in it (`add`
 * or `insert`), and its runs kept on the chain (NChain.runs) in the order of their `at`.
 */
export class ReadRuns {
  /** The run the next rule appended to a chain joins, if it is a rule a run takes. */
  private readonly open = new Map<NChain, SeenRun>();

  /**
   * A rule was appended to `chain` (at index `at` of its rules): `rule` and `facts` when a run takes its
   * facts (it keeps none of its own then), else undefined (the rule keeps its own, and ends the open run).
   */
  appended(chain: NChain, at: number, rule?: RunRule, facts?: RunFacts): void {
    if (rule === undefined || facts === undefined) {
      this.open.delete(chain);
      return;
    }
    if (allSilent(facts)) return;
    let run = this.open.get(chain);
    if (run === undefined) {
      run = new SeenRun(at);
      (chain.runs ??= []).push(run);
      this.open.set(chain, run);
    }
    addAll(run, rule, facts);
  }

  /** A rule was put first in `chain` (`insert rule`); `rule` and `facts` as for appended. */
  inserted(chain: NChain, rule?: RunRule, facts?: RunFacts): void {
    const runs = chain.runs;
    if (runs !== undefined) for (const r of runs) r.at++;
    if (rule === undefined || facts === undefined || allSilent(facts)) return;
    const run = new SeenRun(0);
    addAll(run, rule, facts);
    (chain.runs ??= []).unshift(run);
  }

  /** `chain`'s rules were emptied (`flush chain`, `flush table`): its runs go with them. */
  flushed(chain: NChain): void {
    chain.runs = undefined;
    this.open.delete(chain);
  }
}
