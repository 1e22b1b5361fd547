import { isBare } from './expand.js';
import type { NRule } from './ir.js';
import type { Prepared, PreparedAlt } from './prepare.js';

/**
 * Rules written again the same way. Large rulesets repeat rule lines (the same service for several
 * hosts of a set, one rule per zone…); a rule the direct reader (text-direct.ts) read and the
 * preparer converted depends only on the text from its first token to its end, which never passes
 * the end of the line, and on the `$vars` in scope. So a later rule whose line reads the same from
 * its first token, in the same chain and with the same `$vars`, converts the same: it shares the
 * first one's conversion (text, hash, match, interface facts) and is not read again. Only
 * conversions that hold no position are shared (no opaque condition, no jump or NAT, no uncertain or
 * symbolic match): everything else in them is the same for both rules.
 *
 * Lines are found by a hash of their characters in a table of fixed size (a later line takes the slot
 * of an earlier one with the same hash bits) and compared character by character on a hit: no string
 * key, record or map entry per rule, since most rules of a large ruleset are not repeats.
 */

/** Slots of the table (a power of two). */
const SLOTS = 1 << 14;
/** Numbers per slot: start of the line, its length (-1: empty), `$vars` version, end, width. */
const FIELDS = 5;
/** Longer lines are not looked up (hashing and comparing them costs more than reading them). */
const MAX_LINE = 400;

function positionFreeAlt(a: PreparedAlt): boolean {
  return a.opaque.length === 0 && isBare(a.flat) && !a.match.uncertain && !a.match.symbolic;
}

/** Whether nothing of a conversion depends on where the rule is written. */
function positionFree(pre: Prepared): boolean {
  if (pre.alts === undefined) return positionFreeAlt(pre);
  for (const a of pre.alts) if (!positionFreeAlt(a)) return false;
  return true;
}

function sameText(a: string, from: number, b: string, at: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (a.charCodeAt(from + k) !== b.charCodeAt(at + k)) return false;
  return true;
}

/** What a repeated rule takes from the first one: its conversion, comment, end and end column. */
export interface Repeat {
  readonly pre: Prepared;
  readonly comment: string | undefined;
  /** Where the rule ends (the reader goes on there) and its end column, from where it starts. */
  readonly end: number;
  readonly width: number;
}

export class Repeats {
  private readonly nums = new Int32Array(SLOTS * FIELDS).fill(-1);
  /** The first rule of each slot's line and the text it was read from. */
  private readonly rules: (NRule | undefined)[] = new Array<NRule | undefined>(SLOTS).fill(undefined);
  private readonly srcs: string[] = new Array<string>(SLOTS).fill('');
  // The line lineAt looked at: its text, start, length (-1: not looked up) and slot.
  private src = '';
  private start = 0;
  private length = -1;
  private slot = 0;

  /** Looks at the rest of the line from `start` in `s`, where a rule is about to be read. */
  lineAt(s: string, start: number): void {
    let h = 0x811c9dc5 | 0;
    let j = start;
    const stop = Math.min(s.length, start + MAX_LINE + 1);
    for (; j < stop; j++) {
      const c = s.charCodeAt(j);
      if (c === 10) break;
      h = Math.imul(h ^ c, 0x01000193);
    }
    this.src = s;
    this.start = start;
    this.length = j - start > MAX_LINE ? -1 : j - start;
    this.slot = (h ^ (h >>> 15)) & (SLOTS - 1);
  }

  /** The rule written as the line lineAt looked at, read before in chain `ref` with `$vars` version `defines`. */
  find(ref: string, defines: number): Repeat | undefined {
    const length = this.length;
    if (length < 0) return undefined;
    const o = this.slot * FIELDS;
    const n = this.nums;
    if (n[o + 1] !== length || n[o + 2] !== defines) return undefined;
    const rule = this.rules[this.slot];
    const pre = rule?.pre;
    const src = this.srcs[this.slot];
    if (pre?.ref !== ref || src === undefined || !sameText(src, n[o] ?? 0, this.src, this.start, length))
      return undefined;
    return { pre, comment: rule?.comment, end: n[o + 3] ?? 0, width: n[o + 4] ?? 0 };
  }

  /** Remembers `rule`, just read from the line lineAt looked at and converted, when it can be shared. */
  remember(rule: NRule, defines: number, end: number, width: number): void {
    const pre = rule.pre;
    if (this.length < 0 || !pre || !positionFree(pre)) return;
    const o = this.slot * FIELDS;
    const n = this.nums;
    n[o] = this.start;
    n[o + 1] = this.length;
    n[o + 2] = defines;
    n[o + 3] = end;
    n[o + 4] = width;
    this.rules[this.slot] = rule;
    this.srcs[this.slot] = this.src;
  }
}
