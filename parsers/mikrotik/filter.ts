import type { SourceLocation } from '../../src/model/location.js';
import type { Action, Chain, ChainPolicy, Match, Rule, Ruleset, Stage } from '../../src/model/policy.js';
import type { Family } from './address-lists.js';
import { CHAIN_END_ACCEPTS, FASTTRACK_NOTE } from './defaults.js';
import { buildMatch, type RuleEnv } from './matchers.js';
import type { Ctx, Span } from './context.js';
import type { PositionIndex } from '../toolkit/positions.js';
import { Item, STRIDE, isYes, type Store } from './store.js';
import { rereadEntry } from './commands.js';
import { statementAt } from './lexer.js';
import { contentId } from '../toolkit/hash.js';
import { quoted } from '../toolkit/labels.js';
import { contentKey, entryHash, propsHash, ruleText } from './text.js';
import { familyGuard } from '../toolkit/family-guard.js';
import { HashCounts, hashId } from '../toolkit/ids.js';
import { natAction } from './nat.js';
import { conntrackOff, trackingLoc } from './sessions.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';

/**
 * `/ip firewall filter` (and raw, and their IPv6 twins) → chains (docs/semantics.md#ros-filter): rules are
 * taken top to bottom, the first terminal match decides, user chains are entered with `jump` and
 * left with `return`, `passthrough`/`log` continue, `disabled=yes` rules do not exist, and a packet
 * no rule decides is accepted at the end of a base chain. `fasttrack-connection` is evaluated as
 * accept (FastTracked packets bypass the firewall).
 */

interface Table {
  menu: string;
  family: Family;
  /** Prefix of model chain names (IPv4 filter chains keep their RouterOS names). */
  prefix: string;
  /** Label prefix for rules without a comment. */
  label: string;
  /** Prefix of content ids. */
  idPrefix: string;
  base: string[];
  /** NAT tables: base chains end without a verdict (no translation), actions translate. */
  nat?: boolean;
}

const TABLES: Table[] = [
  {
    menu: 'ip firewall raw',
    family: 'ip',
    prefix: 'raw:',
    label: 'raw rule',
    idPrefix: 'raw',
    base: ['prerouting', 'output'],
  },
  {
    menu: 'ipv6 firewall raw',
    family: 'ipv6',
    prefix: 'ipv6-raw:',
    label: 'IPv6 raw rule',
    idPrefix: 'ipv6-raw',
    base: ['prerouting', 'output'],
  },
  {
    menu: 'ip firewall nat',
    family: 'ip',
    prefix: 'nat:',
    label: 'NAT rule',
    idPrefix: 'nat',
    base: ['dstnat', 'srcnat'],
    nat: true,
  },
  {
    menu: 'ipv6 firewall nat',
    family: 'ipv6',
    prefix: 'ipv6-nat:',
    label: 'IPv6 NAT rule',
    idPrefix: 'ipv6-nat',
    base: ['dstnat', 'srcnat'],
    nat: true,
  },
  {
    menu: 'ip firewall filter',
    family: 'ip',
    prefix: '',
    label: 'filter rule',
    idPrefix: 'filter',
    base: ['input', 'forward', 'output'],
  },
  {
    menu: 'ipv6 firewall filter',
    family: 'ipv6',
    prefix: 'ipv6:',
    label: 'IPv6 filter rule',
    idPrefix: 'ipv6',
    base: ['input', 'forward', 'output'],
  },
];

const ACTIONS: Readonly<Record<string, Action>> = {
  accept: { kind: 'accept' },
  // docs/semantics.md#ros-filter: FastTracked packets bypass the firewall; the lead's rule: accept.
  'fasttrack-connection': { kind: 'accept' },
  drop: { kind: 'drop' },
  tarpit: { kind: 'drop' },
  reject: { kind: 'reject' },
  return: { kind: 'return' },
  passthrough: { kind: 'continue' },
  log: { kind: 'continue' },
  'add-src-to-address-list': { kind: 'continue' },
  'add-dst-to-address-list': { kind: 'continue' },
  'sniff-tzsp': { kind: 'continue' },
  'sniff-pc': { kind: 'continue' },
};

/** Where a table's chain policies live: its section line, else the export header. */
function anchorLoc(env: RuleEnv, store: Store, menu: string): SourceLocation {
  const a = store.get(menu)?.anchor;
  return a ? env.ctx.loc(a) : env.ctx.headerLoc;
}

export function buildRuleset(env: RuleEnv, store: Store, ruleCount: number): Ruleset {
  const { ctx } = env;
  const chains: Record<string, Chain> = {};
  const present = new Set<string>();
  const never: string[] = [];
  for (const t of TABLES) {
    const menu = store.get(t.menu);
    const isFilter4 = t.menu === 'ip firewall filter';
    if (!menu && !isFilter4) continue;
    const policyLoc = anchorLoc(env, store, t.menu);
    const base = (name: string): Chain => {
      const id = t.prefix + name;
      let c = chains[id];
      if (!c) {
        c = { name: id, mode: 'first-match', rules: [] };
        if (t.base.includes(name) && !t.nat) {
          // docs/semantics.md#ros-filter: chain end accepts (a base chain's default, not a setting).
          const policy: ChainPolicy = {
            action: 'accept',
            source: 'default',
            loc: policyLoc,
            reason: CHAIN_END_ACCEPTS,
          };
          c.policy = policy;
          // docs/semantics.md#ros-filter: /ip and /ipv6 firewall are separate tables, each of one family.
          const table = t.family === 'ip' ? '/ip firewall' : '/ipv6 firewall';
          const sees = t.family === 'ip' ? 'IPv4' : 'IPv6';
          c.rules.push(
            familyGuard({
              id: `implicit:family:${id}`,
              loc: policyLoc,
              label: `${table} ${name} chain`,
              sees,
              implicit: `${table} chains see only ${sees} packets (docs/semantics.md#ros-filter)`,
              text: `(${table}: ${sees === 'IPv4' ? 'IPv6' : 'IPv4'} packets do not traverse it)`,
            }),
          );
        }
        chains[id] = c;
      }
      return c;
    };
    for (const b of t.base) if (b !== 'output' || menu) base(b);
    present.add(t.menu);
    // Filter and raw entries are read by nothing after this (NAT entries are: buildNat), so each is let
    // go once its rules are built: a 100k-rule export does not hold every entry and every rule at once.
    // Packed deferred entries (store.ts PackedEntries) are read one by one, with no Item kept for any.
    const packed = t.nat ? undefined : menu?.takePacked();
    const items: (Item | undefined)[] = packed ? [] : (menu?.items ?? []);
    if (menu && !t.nat) menu.items = [];
    const count = packed ? packed.count : items.length;
    const src = new EntrySource(ctx, t, count);
    for (let index = 0; index < count; index++) {
      let item: Item;
      // Read into a reused property list: buildRules keeps neither the entry nor its properties
      // (EntryRule keeps an entry only when a later command changed it, and packed entries were not).
      if (packed) {
        // docs/semantics.md#ros-filter: disabled rules are ignored (known without reading the entry).
        if (packed.disabled(index)) continue;
        item = packed.view(index);
      } else {
        const kept = items[index];
        if (!kept) continue;
        if (!t.nat) items[index] = undefined;
        // A deferred entry is read from its command now, into an entry nothing keeps (store.ts Item.deferred).
        item = kept.resolved();
      }
      const h = readHead(item);
      const rules = buildRules(env, src, item, index, never, h);
      const chainName = h.chain;
      if (!rules || !chainName) continue;
      const into = base(chainName).rules;
      if (rules instanceof EntryRule) into.push(rules);
      else for (const r of rules) into.push(r);
    }
  }
  const stage = (name: string, ids: string[]): Stage | undefined => {
    const have = ids.filter((id) => chains[id]);
    return have.length ? { name, chains: have } : undefined;
  };
  // Order (RouterOS packet flow, docs/semantics.md#ros-filter): raw prerouting, then dstnat (policy.nat),
  // then the filter's forward or input chain; IPv4 and IPv6 chains sit side by side, each rule
  // restricted to its family, so only one of them can act on a packet.
  const tracking = connectionTracking(env, store, chains, ruleCount);
  const rawStage = stage('raw prerouting', [...tracking, 'raw:prerouting', 'ipv6-raw:prerouting']);
  const raw: Stage | undefined = rawStage && { ...rawStage, kind: 'raw' };
  // The IPv4 filter's base chains always exist, so these stages are never empty.
  const forward = stage('filter forward', ['forward', 'ipv6:forward']) ?? { name: 'filter forward', chains: [] };
  const input = stage('filter input', ['input', 'ipv6:input', ...resolverSilent(env, store, chains)]) ?? {
    name: 'filter input',
    chains: [],
  };
  const dst = stage('dstnat', ['nat:dstnat', 'ipv6-nat:dstnat']);
  const dstnat: Stage | undefined = dst && { ...dst, kind: 'dnat' };
  const src = stage('srcnat', ['nat:srcnat', 'ipv6-nat:srcnat']);
  const srcnat: Stage | undefined = src && { ...src, kind: 'snat' };
  if (never.length) {
    const shown =
      never.length > 10 ? `${never.slice(0, 10).join(', ')} and ${String(never.length - 10)} more` : never.join(', ');
    ctx.note(
      `filter rules at line${never.length > 1 ? 's' : ''} ${shown} only match traffic unlike the flows fwlint evaluates ` +
        '(plain, not IPsec, with a normal TTL), so they never apply to them',
    );
  }
  // RouterOS packet flow (docs/semantics.md#ros-filter, #ros-nat): raw prerouting (notrack), connection
  // tracking, dstnat, the filter's forward or input chain, srcnat.
  const present4 = (x: Stage | undefined): Stage[] => (x ? [x] : []);
  return {
    chains,
    forward: [...present4(raw), ...present4(dstnat), forward, ...present4(srcnat)],
    input: [...present4(raw), ...present4(dstnat), input],
  };
}

/**
 * The router's DNS server does not answer clients (`/ip dns allow-remote-requests` not yes; the default is
 * no, docs/semantics.md#ros-dns): a query the input chain accepts gets no answer, so it is modelled as a
 * chain after the input chains that drops TCP/UDP 53 to the router, at the line that says so (or where
 * the setting would live). A DNS redirect (dstnat to the router) reaches it too.
 */
function resolverSilent(env: RuleEnv, store: Store, chains: Record<string, Chain>): string[] {
  const menu = store.get('ip dns');
  const p = menu?.settings?.prop('allow-remote-requests');
  if (p && isYes(p.value)) return [];
  const loc = p
    ? env.ctx.loc(p)
    : menu?.settings
      ? env.ctx.loc(menu.settings.span)
      : menu?.anchor
        ? env.ctx.loc(menu.anchor)
        : env.ctx.headerLoc;
  const value = p?.value ?? 'no';
  chains[DNS_SERVICE] = {
    name: DNS_SERVICE,
    mode: 'first-match',
    // No policy: everything but DNS goes on as the input chains decided.
    rules: [
      {
        id: 'implicit:dns-no-remote-requests',
        loc,
        label: `/ip dns allow-remote-requests=${value}`,
        match: { proto: protoSet([PROTO.udp, PROTO.tcp]), dport: portSet([[53, 53]]) },
        action: { kind: 'drop' },
        implicit:
          `the router's DNS server does not answer clients: /ip dns allow-remote-requests is ${value}` +
          `${p ? '' : ', the default'} (docs/semantics.md#ros-dns)`,
        text: `allow-remote-requests=${value}`,
      },
    ],
  };
  return [DNS_SERVICE];
}

const DNS_SERVICE = 'dns service';

/** What buildRules reads of every entry first; one object, refilled per entry (readHead). */
interface Head {
  chain: string | undefined;
  comment: string;
  action: string | undefined;
  disabled: string | undefined;
}

const head: Head = { chain: undefined, comment: '', action: undefined, disabled: undefined };

/** The entry's chain, comment, action and disabled, in one pass over its properties (Item.get scans per key). */
function readHead(item: Item): Head {
  const props = item.props;
  head.chain = undefined;
  head.comment = '';
  head.action = undefined;
  head.disabled = undefined;
  const d = props.flat;
  const slots = props.slots;
  for (let i = 0; i < slots; i += STRIDE) {
    const key = d[i];
    if (key === 'chain') head.chain = d[i + 1] as string;
    else if (key === 'comment') head.comment = d[i + 1] as string;
    else if (key === 'action') head.action = d[i + 1] as string;
    else if (key === 'disabled') head.disabled = d[i + 1] as string;
  }
  return head;
}

/** One entry → its model rule, or two (`port=`); undefined when RouterOS would not run it. */
function buildRules(
  env: RuleEnv,
  src: EntrySource,
  item: Item,
  index: number,
  never: string[],
  h: Head,
): EntryRule | Rule[] | undefined {
  const { ctx } = env;
  const t = src.table;
  if (isYes(h.disabled)) return undefined; // docs/semantics.md#ros-filter: disabled rules are ignored
  const chainName = h.chain;
  const comment = h.comment;

  if (!chainName) {
    ctx.note(
      `${ctx.where(item.span)}: ${ruleLabel(t, comment, index)} has no chain=; RouterOS refuses such a rule, so it is ignored`,
    );
    return undefined;
  }
  const actionName = h.action ?? 'accept'; // RouterOS default action: accept
  let action = t.nat
    ? (natAction(env, item, t.family, ruleLabel(t, comment, index), chainName) ?? ACTIONS[actionName])
    : ACTIONS[actionName];
  if (actionName === 'jump') {
    const target = item.get('jump-target');
    if (!target) {
      ctx.note(
        `${ctx.where(item.span)}: ${ruleLabel(t, comment, index)}: action=jump without jump-target; RouterOS refuses it, ignored`,
      );
      return undefined;
    }
    action = { kind: 'jump', chain: t.prefix + target };
  }
  const bm = buildMatch(env, item, t.family, t.menu);
  if (bm.invalid) {
    ctx.unsupportedAt(
      bm.invalid.span,
      `/${t.menu} ${bm.invalid.message.split(':')[0] ?? ''}`,
      `${ruleLabel(t, comment, index)}: ${bm.invalid.message}; RouterOS refuses the command, so the rule does not exist on the device`,
    );
    return undefined;
  }
  if (bm.never) {
    never.push(`${String(ctx.line(item.span.start))} (${bm.never})`);
    return undefined;
  }
  if (!action) {
    if (actionName === 'notrack' && t.menu.endsWith('raw')) {
      // Untracked: connection-state=untracked, no NAT, no reply state (docs/semantics.md#ros-conntrack).
      action = { kind: 'notrack' };
    } else {
      action = { kind: 'continue' };
      ctx.unsupportedAt(
        item.prop('action')?.span ?? item.span,
        `/${t.menu} action=${actionName}`,
        `${ruleLabel(t, comment, index)}: action "${actionName}" is not modeled; evaluated as passthrough`,
      );
    }
  }
  if (actionName === 'fasttrack-connection') ctx.note(FASTTRACK_NOTE);
  for (const u of bm.unsupported)
    ctx.unsupportedAt(u.span, u.what, `${ruleLabel(t, comment, index)}: ${u.why}`, u.what.split('=')[0]);

  // NAT rules keep the ids they had as port-forward / source-NAT entries (finding fingerprints).
  // Filter and raw entries keep their content hash; the id string is built when read.
  let id: string | undefined;
  if (t.nat) {
    id = ctx.uniqueId(contentId(chainName === 'srcnat' ? 'srcnat' : 'dstnat', ruleText(t.menu, item), comment));
    src.set(index, item.start, Number.NaN);
  } else if (item.props.changed || item.builtin) {
    // Its command alone no longer says what it is: hashed now, while its properties are at hand.
    src.set(index, item.start, entryHash(t.menu, item, comment), contentKey(item.props, comment));
  } else src.set(index, item.start, PENDING, contentKey(item.props, comment));
  const note = comment === '' ? undefined : comment;
  if (!bm.eitherPort) return new EntryRule(src, item, note, index, id, bm.match, action);
  // `port=`: source or destination port → two rules, one per side, same action (exact for first match).
  const d = { ...bm.match, dport: bm.match.dport ? bm.match.dport.intersect(bm.eitherPort) : bm.eitherPort };
  const s = { ...bm.match, sport: bm.match.sport ? bm.match.sport.intersect(bm.eitherPort) : bm.eitherPort };
  const first = new EntryRule(src, item, note, index, id, d, action);
  return [first, new EntryRule(src, item, note, index, ctx.uniqueId(`${first.id}:src-port`), s, action)];
}

/** `rule "comment"` (`NAT rule "…"`), else the table's label and the entry's print number. */
function ruleLabel(t: Table, comment: string, index: number): string {
  return comment ? `${t.nat ? 'NAT rule' : 'rule'} ${quoted(comment)}` : `${t.label} #${String(index)}`;
}

/** EntrySource's hash of an entry whose hash is worked out from its command when first asked for. */
const PENDING = -1;

/**
 * What the rules of one table of one file share, and per print number what their ids and locations
 * are built from: the content hash, a cheap key of the content (text.ts contentKey) and where the
 * entry's command starts (typed lists: 16 bytes per entry, no field or heap number per rule). The
 * hash of an entry nothing changed after its `add` is worked out from its command when an id needs
 * it: a lint reads the ids of a few rules, so a 100k-rule export hashes a few hundred entries, not all.
 */
class EntrySource {
  /**
   * What reading an entry again needs of the parse: the file's name, text and line index, not the
   * parse's context (its notes, reports and id registry would stay alive with the model).
   */
  readonly file: string;
  readonly text: string;
  private readonly lines: PositionIndex;
  readonly table: Table;
  /** Content hash of the entry with print number i; PENDING until worked out; NaN while the entry has no rule with a hashed id. */
  private hashes: Float64Array;
  /** contentKey of the entry with print number i (meaningful where its hash is not NaN). */
  private keys: Int32Array;
  /** Offset of the command of the entry with print number i. */
  private starts: Int32Array;
  /** Occurrences worked out in print order up to `counted` (see nth). */
  private occurrences: Int32Array | undefined;
  private counts: HashCounts | undefined;
  private counted = 0;
  /** Ids read so far, while each is found by a scan. */
  private scans = 0;
  /**
   * What was worked out for a rule of this table (EntryRule: id, location, label, text), and the entry
   * of a rule whose entry a later command changed: for the few rules asked, not a field of every rule.
   */
  private readonly caches = new Map<EntryRule, RuleCache>();

  constructor(ctx: Ctx, table: Table, entries: number) {
    this.file = ctx.file;
    this.text = ctx.text;
    this.lines = ctx.lines;
    this.table = table;
    const hashed = table.nat ? 0 : entries;
    this.hashes = new Float64Array(hashed).fill(Number.NaN);
    this.keys = new Int32Array(hashed);
    this.starts = new Int32Array(entries);
  }

  /**
   * Records the entry's command offset, and when its rule's id is built from its content hash, that
   * hash (or PENDING: worked out from the command when asked for) and its content key.
   */
  set(index: number, start: number, hash: number, key = 0): void {
    if (index >= this.starts.length) {
      const n = Math.max(index + 1, this.starts.length * 2);
      const starts = new Int32Array(n);
      starts.set(this.starts);
      this.starts = starts;
    }
    this.starts[index] = start;
    if (Number.isNaN(hash)) return;
    if (index >= this.hashes.length) {
      const n = Math.max(index + 1, this.hashes.length * 2);
      const bigger = new Float64Array(n).fill(Number.NaN);
      bigger.set(this.hashes);
      this.hashes = bigger;
      const keys = new Int32Array(n);
      keys.set(this.keys);
      this.keys = keys;
    }
    this.hashes[index] = hash;
    this.keys[index] = key;
  }

  hash(index: number): number {
    const h = this.hashes[index] ?? 0;
    if (h !== PENDING) return h;
    // Read from its command again: nothing changed the entry after it (its props equal the command's).
    const props = rereadEntry(this.text, this.start(index));
    const v = propsHash(this.table.menu, props, props.value('comment') ?? '');
    this.hashes[index] = v;
    return v;
  }

  /** The rule's cache, made when first asked for. */
  cache(rule: EntryRule): RuleCache {
    let c = this.caches.get(rule);
    if (c === undefined) {
      c = {};
      this.caches.set(rule, c);
    }
    return c;
  }

  /** The entry kept for the rule (one a later command changed), if any. */
  kept(rule: EntryRule): Item | undefined {
    return this.caches.get(rule)?.item;
  }

  start(index: number): number {
    return this.starts[index] ?? 0;
  }

  /** Where a span of the text is (as the parse context's `loc`). */
  loc(span: Span): SourceLocation {
    return this.lines.location(this.file, span.start, span.end);
  }

  /**
   * 1 for the first rule of the table with this entry's content hash, 2 for the next, and so on
   * (toolkit/ids.ts hashId): worked out when an id is read, not for every rule while parsing. The
   * first ids read are counted by a scan of the entries before them, hashing only those with the same
   * content key (equal contents have equal keys); once many are read, occurrences are counted in
   * print order into a table, as far as the ids asked for. The one case the two ways count apart: two
   * entries of different content, different keys and the same 48-bit hash (about one chance in 60,000
   * for a 100k-entry table, far less for a real one), where the scan does not count the earlier entry.
   */
  nth(index: number): number {
    const hashes = this.hashes;
    const hash = this.hash(index);
    if (this.scans < 64) {
      this.scans++;
      const keys = this.keys;
      const key = keys[index];
      let n = 1;
      for (let j = 0; j < index; j++) if (keys[j] === key && !Number.isNaN(hashes[j]) && this.hash(j) === hash) n++;
      return n;
    }
    const occ = (this.occurrences ??= new Int32Array(hashes.length));
    const counts = (this.counts ??= new HashCounts(hashes.length));
    for (; this.counted <= index; this.counted++) {
      if (!Number.isNaN(hashes[this.counted])) occ[this.counted] = counts.increment(this.hash(this.counted));
    }
    return occ[index] ?? 1;
  }
}

interface RuleCache {
  id?: string;
  loc?: SourceLocation;
  text?: string;
  label?: string;
  /** The entry, kept only when a later command changed it (its `add` alone no longer says what it is). */
  item?: Item;
}

/**
 * A rule whose location, label and normalized text are worked out when a finding or a reader asks
 * for them: a 100k-rule export then builds neither 100k locations nor 100k texts up front. An entry
 * nothing changed after its `add` is not kept: its command is read again for the text (rereadEntry)
 * and for where it ends. Five fields: the model of a 100k-rule export holds 100k of these; what is
 * worked out is kept by the table's EntrySource (a lint asks it of a few dozen rules).
 */
class EntryRule implements Rule {
  readonly match: Match;
  readonly action: Action;
  private readonly src: EntrySource;
  /** Print number: with `src`, it finds the command's offset and the content hash the id is built from. */
  private readonly index: number;
  private readonly note: string | undefined;

  /** `key`: the id, or undefined when it is built from the entry's content hash (src.set). */
  constructor(
    src: EntrySource,
    item: Item,
    note: string | undefined,
    index: number,
    key: string | undefined,
    match: Match,
    action: Action,
  ) {
    this.src = src;
    this.index = index;
    this.note = note;
    this.match = match;
    this.action = action;
    const changed = item.props.changed || item.builtin;
    if (key !== undefined) src.cache(this).id = key;
    if (changed) src.cache(this).item = item;
  }

  get id(): string {
    const c = this.src.cache(this);
    return (c.id ??= hashId(this.src.table.idPrefix, this.src.hash(this.index), this.src.nth(this.index)));
  }

  get label(): string {
    const c = this.src.cache(this);
    return (c.label ??= ruleLabel(this.src.table, this.note ?? '', this.index));
  }

  get loc(): SourceLocation {
    const c = this.src.cache(this);
    return (c.loc ??= this.src.loc({ start: this.src.start(this.index), end: this.entry().end }));
  }

  get text(): string {
    const c = this.src.cache(this);
    return (c.text ??= ruleText(this.src.table.menu, this.entry()));
  }

  /** `comment=`: carries inline suppressions (fwlint-disable ...). */
  get comment(): string | undefined {
    return this.note;
  }

  private entry(): Item {
    const kept = this.src.kept(this);
    if (kept) return kept;
    const text = this.src.text;
    const start = this.src.start(this.index);
    const end = statementAt(text, start).end;
    return new Item({ start, end }, false, rereadEntry(text, start));
  }
}

/**
 * Enabled firewall rules of every table (conntrack `enabled=auto` turns on with the first, docs/semantics.md#ros-filter).
 * Counted before buildRuleset, which lets the filter and raw entries go.
 */
export function firewallRuleCount(store: Store): number {
  let n = 0;
  for (const f of ['ip', 'ipv6'])
    for (const t of ['filter', 'raw', 'mangle', 'nat']) {
      n += store.enabledCount(`${f} firewall ${t}`);
    }
  return n;
}

/**
 * Connection tracking off (`/ip firewall connection tracking set enabled=no`, or the default
 * `enabled=auto` with no firewall rule): every packet is untracked — no NAT, no connection-state but
 * untracked, no helpers, no timeouts (docs/semantics.md#ros-conntrack). Modelled as a raw chain that
 * makes every packet untracked, at the line that says so (or where the setting would live); its
 * `implicit` says why tracking is off.
 */
function connectionTracking(env: RuleEnv, store: Store, chains: Record<string, Chain>, ruleCount: number): string[] {
  const off = conntrackOff(env.ctx, store, ruleCount);
  if (!off) return [];
  chains['connection tracking'] = {
    name: 'connection tracking',
    mode: 'first-match',
    // No policy: the stand-in decides nothing but untracking; what accepts is the filter chain after it.
    rules: [
      {
        id: 'implicit:conntrack-disabled',
        loc: trackingLoc(env.ctx, store, off),
        label: `/ip firewall connection tracking enabled=${off.enabled?.value ?? 'auto'}`,
        match: {},
        action: { kind: 'notrack' },
        implicit: off.why,
        text: `enabled=${off.enabled?.value ?? 'auto'}`,
      },
    ],
  };
  return ['connection tracking'];
}
