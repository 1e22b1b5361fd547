import type { AddrSet } from '../../src/model/address.js';
import { CONN_STATES, type Match } from '../../src/model/policy.js';
import { isPattern } from './context.js';
import { NO_FACTS, directFacts, privateSet, verdictPasses, type IfaceFacts } from './interfaces.js';
import { isObject, keyOf, stmtPos, str, type Expr, type NRule } from './ir.js';
import {
  ICMP4,
  ICMP6,
  MatchBuilder,
  literalAddressSet,
  literalIcmpSet,
  literalNumberSet,
  nameSet,
  stateSet,
  transportSet,
  type Positive,
} from './match.js';
import { emptyList } from '../toolkit/scratch.js';
import type { Flat, FlatVerdict } from './expand.js';

/**
 * The common conditions of a rule the direct reader (text-direct.ts) reads, applied to the rule's match
 * as they are read: `iifname`/`oifname`, `ip saddr|daddr`, `tcp|udp|th … sport|dport`, `meta l4proto`,
 * `ct state`, `icmp type` with literal values. No condition object, value list or alternative is built
 * for them, and the interface facts (interfaces.ts factsOf) come from the same pass. Each gives what
 * match.ts CondInterpreter and factsOf give for it, through the same helpers and memo tables; a
 * condition of any other shape (or one those would report, note or defer) makes add() give false, and
 * the reader then gives the rule's conditions to the general path.
 */

/** An alternative the direct readers read with its match and interface facts (no conditions). */
export interface DirectAlt {
  readonly flat: Flat;
  readonly match: Match;
  readonly facts: IfaceFacts;
}

const enum Kind {
  OTHER,
  IIF,
  OIF,
  ADDR,
  PORT,
  L4PROTO,
  /** `ip protocol`: the family, and the protocols as `meta l4proto` gives them. */
  IP_PROTOCOL,
  CT_STATE,
  ICMP,
}

/** What a selector is to this module (CondInterpreter.apply's dispatch), once per shared selector object. */
interface Shape {
  readonly kind: Kind;
  /** ADDR: the family; ICMP: 6 for icmpv6. */
  readonly fam: 4 | 6;
  readonly dim: 'src' | 'dst';
  /** PORT: the transport protocol and field. */
  readonly proto: string;
  readonly field: 'sport' | 'dport';
}

const TRANSPORT = new Set(['tcp', 'udp', 'udplite', 'sctp', 'dccp', 'th']);

function shape(
  kind: Kind,
  fam: 4 | 6 = 4,
  dim: 'src' | 'dst' = 'src',
  proto = '',
  field: 'sport' | 'dport' = 'dport',
): Shape {
  return { kind, fam, dim, proto, field };
}
const OTHER = shape(Kind.OTHER);

function shapeOf(left: Expr): Shape {
  const k = keyOf(left);
  const body = k && isObject(left) ? left[k] : undefined;
  if (!isObject(body)) return OTHER;
  if (k === 'payload' && typeof body.protocol === 'string') {
    const proto = body.protocol;
    const field = str(body.field);
    if ((proto === 'ip' || proto === 'ip6') && (field === 'saddr' || field === 'daddr'))
      return shape(Kind.ADDR, proto === 'ip' ? 4 : 6, field === 'saddr' ? 'src' : 'dst');
    if (TRANSPORT.has(proto) && (field === 'sport' || field === 'dport'))
      return shape(Kind.PORT, 4, 'src', proto, field);
    if ((proto === 'icmp' || proto === 'icmpv6') && field === 'type') return shape(Kind.ICMP, proto === 'icmp' ? 4 : 6);
    if (proto === 'ip' && field === 'protocol') return shape(Kind.IP_PROTOCOL);
    return OTHER;
  }
  if (k === 'meta') {
    const key = str(body.key);
    if (key === 'l4proto') return shape(Kind.L4PROTO);
    if (key === 'iifname') return shape(Kind.IIF);
    if (key === 'oifname') return shape(Kind.OIF);
    return OTHER;
  }
  if (k === 'ct' && str(body.key) === 'state' && body.dir === undefined) return shape(Kind.CT_STATE);
  return OTHER;
}

/** Shapes by selector object: the readers share one object per selector (text-rules.ts metaSelector…). */
const SHAPES = new WeakMap<object, Shape>();

function shapeOfShared(left: Expr): Shape {
  if (typeof left !== 'object' || left === null) return OTHER;
  let s = SHAPES.get(left);
  if (s === undefined) {
    s = shapeOf(left);
    SHAPES.set(left, s);
  }
  return s;
}

function polarity(op: string): Positive | undefined {
  if (op === '==' || op === 'in') return '==';
  if (op === '!=') return '!=';
  return undefined;
}

const STATES: ReadonlySet<string> = new Set(CONN_STATES);

export class DirectMatch {
  /** One builder for every rule, emptied by reset(). */
  private readonly mb = new MatchBuilder();
  private named = false;
  private readonly seen: string[] = [];
  private readonly iif: string[] = [];
  private readonly oif: string[] = [];
  /** The address conditions, in order, for privateNets: side, `!=`, values. */
  private readonly addrDim: ('src' | 'dst')[] = [];
  private readonly addrNeg: boolean[] = [];
  /** Several values: their list (the condition's own); one value: it, in addrOne. */
  private readonly addrVals: (readonly Expr[] | undefined)[] = [];
  private readonly addrOne: Expr[] = [];
  /** A one-value list privateNets reuses. */
  private readonly one: Expr[] = [null];
  /** The statement of the first `th` port condition, or -1. */
  private thAt = -1;

  reset(): void {
    this.mb.reset();
    this.named = false;
    // Most of these lists are empty already (a rule has one or two interface and address conditions):
    // a call each for nothing (inlining is off) was about 1% of a 100k text parse.
    if (this.seen.length !== 0) emptyList(this.seen);
    if (this.iif.length !== 0) emptyList(this.iif);
    if (this.oif.length !== 0) emptyList(this.oif);
    if (this.addrDim.length !== 0) {
      emptyList(this.addrDim);
      emptyList(this.addrNeg);
      emptyList(this.addrVals);
      emptyList(this.addrOne);
    }
    this.thAt = -1;
  }

  /**
   * Applies condition `left op values` (statement `at`; `list`: the values were written as a comma
   * list, `key`: their printed text when several); false when it is not one this module takes.
   * `values`: a list of one value may be the reader's scratch list (nothing keeps it past the call);
   * a list of several must stay as it is until finish().
   */
  add(left: Expr, op: string, values: readonly Expr[], list: boolean, key: string | undefined, at: number): boolean {
    const s = shapeOfShared(left);
    const mb = this.mb;
    switch (s.kind) {
      case Kind.IIF:
      case Kind.OIF: {
        const pol = polarity(op);
        if (!pol) return false;
        for (const x of values) if (typeof x !== 'string' || isPattern(x) || x.includes('\\')) return false;
        mb.names(s.kind === Kind.IIF ? 'iif' : 'oif', nameSet(values as readonly string[], pol === '!='));
        this.named = true;
        const required = s.kind === Kind.IIF ? this.iif : this.oif;
        for (const x of values) {
          this.seen.push(x as string);
          if (pol === '==') required.push(x as string);
        }
        return true;
      }
      case Kind.ADDR: {
        const pol = polarity(op);
        if (!pol) return false;
        const set = literalAddressSet(s.fam, pol, values, key);
        if (!set) return false;
        mb.family(s.fam);
        mb.addr(s.dim, set, s.fam);
        this.addrDim.push(s.dim);
        this.addrNeg.push(pol === '!=');
        const one = values.length === 1;
        this.addrVals.push(one ? undefined : values);
        this.addrOne.push(one ? (values[0] ?? null) : null);
        return true;
      }
      case Kind.PORT: {
        const r = literalNumberSet(op, values, key, 65535);
        if (typeof r === 'string') return false;
        if (s.proto === 'th' && this.thAt < 0) this.thAt = at;
        mb.protocols(transportSet(s.proto), s.proto === 'th');
        mb.ports(s.field, r);
        return true;
      }
      case Kind.L4PROTO:
      case Kind.IP_PROTOCOL: {
        const r = literalNumberSet(op, values, key, 255);
        if (typeof r === 'string') return false;
        // CondInterpreter.apply: `ip protocol` sets the family, then reads the protocols as l4proto does.
        if (s.kind === Kind.IP_PROTOCOL) mb.family(4);
        mb.protocols(r);
        return true;
      }
      case Kind.CT_STATE: {
        const pol = polarity(op);
        if (!pol) return false;
        for (const x of values) if (typeof x !== 'string' || !STATES.has(x)) return false;
        // `!= a,b` depends on the nft release (CondInterpreter.ctState): the general path.
        if (pol === '!=' && list && values.length > 1) return false;
        mb.names('state', stateSet(values as readonly string[], pol === '!='));
        return true;
      }
      case Kind.ICMP: {
        const v6 = s.fam === 6;
        const r = literalIcmpSet(v6, op, values);
        if (typeof r === 'string') return false;
        mb.protocols(v6 ? ICMP6 : ICMP4);
        mb.icmp(r);
        return true;
      }
      default:
        return false;
    }
  }

  /** The interface facts of the rule finish() was last called for. */
  facts: IfaceFacts = NO_FACTS;

  /**
   * The match of the rule (its spans set), ending in `verdict` (a rule without NAT); its interface facts
   * in `facts`. No answer object: one a rule, V8 came to make them in the old generation, where each
   * was garbage a full collection had to find (5 MB at 100k rules).
   */
  finish(rule: NRule, verdict: FlatVerdict | undefined): Match {
    const mb = this.mb;
    if (this.thAt >= 0) mb.thAt = stmtPos(rule, this.thAt);
    const match = mb.toMatch();
    this.facts = directFacts(this.named, verdictPasses(verdict), this.seen, this.iif, this.oif, this);
    return match;
  }

  /** interfaces.ts privateSources over the address conditions of one side. */
  privateNets(dim: 'src' | 'dst'): AddrSet | undefined {
    let acc: AddrSet | undefined;
    for (let i = 0; i < this.addrDim.length; i++) {
      if (this.addrDim[i] !== dim) continue;
      if (this.addrNeg[i]) return undefined;
      let values = this.addrVals[i];
      if (values === undefined) {
        this.one[0] = this.addrOne[i] ?? null;
        values = this.one;
      }
      const set = privateSet(values);
      if (!set) return undefined;
      acc = acc ? acc.intersect(set) : set;
    }
    return acc && !acc.isEmpty ? acc : undefined;
  }
}
