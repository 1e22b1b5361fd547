import type { Policy, Vendor } from '../../src/model/policy.js';
import { oneFirewallPerFile } from '../toolkit/parser.js';
import type { ParseOptions } from '../types.js';
import { buildRuleset, classify } from './chains.js';
import { Ctx } from './context.js';
import { Expander } from './expand.js';
import { buildInterfaces, type RuleAlts } from './interfaces.js';
import { readInventory } from './inventory.js';
import { isObject, keyOf, type NDocument, type NRule } from './ir.js';
import { readJson } from './json-reader.js';
import { buildNat } from './nat.js';
import { buildChain, chainRef, type ChainInfo } from './rules.js';
import { EntryRule } from './entry-rule.js';
import { buildSessions, conntrackEffects, timeoutResolver } from './sessions.js';
import { readText } from './text-parser.js';
import { releaseParseMemos } from './match.js';
import { Preparer } from './prepare.js';
import { assertText } from '../toolkit/binary.js';

/**
 * nftables: the text grammar (`nft list ruleset`, /etc/nftables.conf with define/include) and
 * `nft -j list ruleset` JSON, both read into one intermediate form (ir.ts) and turned into the
 * policy model by the same passes: interfaces, rule expansion, chains and hooks, NAT, sessions.
 */

const JSON_HEAD = /^\s*\{\s*"nftables"\s*:/;
const TEXT_START = new RegExp(
  [
    '^(?:table\\s+(?:(?:ip|ip6|inet|arp|bridge|netdev)\\s+)?[\\w"-]+\\s*(?:\\{|$)',
    'flush\\s+ruleset\\b',
    '(?:re)?define\\s+[\\w]+\\s*=',
    'include\\s+"',
    '(?:add|create|insert)\\s+(?:table|chain|rule|set|map|element)\\b)',
  ].join('|'),
  'm',
);

/** Skips blank lines and `#` comments (and a shebang) to the first statement. */
export function detect(head: string): Vendor | undefined {
  const h = head.replace(/^\uFEFF/, '');
  if (JSON_HEAD.test(h)) return 'nftables';
  for (const raw of h.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return TEXT_START.test(line) ? 'nftables' : undefined;
  }
  return undefined;
}

/**
 * Names that say "nftables ruleset" (`*.nft`, `*.nftables`, `nftables.conf`): read as nftables when
 * the content does not tell (an empty file, only comments), since an empty ruleset is valid.
 */
export function nftablesByName(path: string): boolean {
  const base = path.split(/[\\/]/).pop() ?? '';
  return /\.(nft|nftables)$/i.test(base) || /^nftables\.conf$/i.test(base);
}

function markDynamicSets(doc: NDocument): void {
  for (const t of doc.tables) {
    for (const c of t.chains.values()) {
      // Indexed: a for…of step allocates while the loop runs unoptimised (100k rules, once per parse).
      const rules = c.rules;
      // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
      for (let i = 0; i < rules.length; i++) {
        const r = rules[i];
        // Rules converted while read keep no statements (prepare.ts): no walk for them.
        if (r === undefined || r instanceof EntryRule || r.stmts.length === 0) continue;
        for (const s of r.stmts) {
          if (!('set' in s) && !('map' in s)) continue; // the only statements that fill a set
          const k = keyOf(s);
          const body = k ? s[k] : undefined;
          const target = k === 'set' || k === 'map' ? (isObject(body) ? body[k] : undefined) : undefined;
          if (typeof target === 'string') {
            const set = t.sets.get(target.replace(/^@/, ''));
            if (set) set.dynamic = true;
          }
        }
      }
    }
  }
}

export function buildPolicy(doc: NDocument, options: ParseOptions = {}): Policy {
  const ctx = new Ctx(doc, options);
  const active = doc.tables.filter((t) => {
    if (!t.flags.includes('dormant')) return true;
    ctx.note(`table ${t.family} ${t.name} is dormant (flags dormant): its chains do not run`);
    return false;
  });
  const view: NDocument = { ...doc, tables: active };
  if (doc.tables.length === 0) ctx.note('the ruleset defines no tables: nftables filters nothing');
  markDynamicSets(view);
  const expander = new Expander();
  // Each rule is expanded once, when a pass first asks for it, and the result kept on the rule until
  // buildChain has turned it into model rules (it then drops it with the statements); but a verdict map
  // of several elements (expand.ts eachAlternative) is expanded for each pass, an alternative at a time,
  // so that none is kept (the sets shape: 10,000, about 3 MB promoted and then dropped).
  const streamed = new Map<NRule, number>();
  const alts: RuleAlts = {
    each: (r, t, visit) => {
      let f = r.flats;
      if (!f && !r.unreadable) {
        const n = expander.eachAlternative(r, t, visit);
        if (n !== undefined) {
          streamed.set(r, n);
          return;
        }
      }
      if (!f) {
        f = r.unreadable ? [] : expander.expand(r, t);
        r.flats = f;
      }
      // eslint-disable-next-line @typescript-eslint/prefer-for-of -- for…of allocates per step (node 20: frozen lists, unoptimised loops)
      for (let i = 0; i < f.length; i++) {
        const x = f[i];
        if (x !== undefined) visit(x);
      }
    },
    count: (r) => r.flats?.length ?? streamed.get(r),
  };
  buildInterfaces(ctx, view, alts);
  const timeoutOf = timeoutResolver(ctx);
  const infos = new Map<string, ChainInfo>();
  // One id per rule: the table of their hashes is sized once, not doubled eight times on the way to 100k.
  let rules = 0;
  for (const t of active) for (const c of t.chains.values()) rules += c.rules.length;
  ctx.reserveHashes('nft', rules);
  for (const t of active)
    for (const c of t.chains.values())
      // The chain's model name as its rules' labels made it while reading (one string, not two).
      infos.set(c.labels?.ref ?? chainRef(t.family, t.name, c.name), buildChain(ctx, t, c, alts, timeoutOf));
  const hooks = classify(ctx, infos);
  for (const ref of hooks.evaluated) for (const u of infos.get(ref)?.unsupported ?? []) ctx.report(u);
  for (const ref of hooks.bridgeReach)
    if (!hooks.evaluated.has(ref)) for (const u of infos.get(ref)?.unsupported ?? []) ctx.report(u);
  // Before the ruleset copies any rule: timeouts set where nothing can be attached are dropped first.
  const effects = conntrackEffects(ctx, infos, hooks);
  const ruleset = buildRuleset(ctx, infos, hooks);
  const nat = buildNat(ctx, infos, hooks.natPrerouting, hooks.natPostrouting);
  const natChain = hooks.natPostrouting[0] ?? hooks.natPrerouting[0];
  // Port-forwards belong in the prerouting nat chain; source NAT in postrouting.
  const forwards = hooks.natPrerouting[0]?.chain.base?.pos;
  if (forwards) nat.dnatLoc = forwards;
  nat.mode = {
    value: 'ruleset',
    source: 'default',
    loc: natChain?.chain.base?.pos ?? hooks.anchor,
    reason:
      'nftables translates only what a rule of a nat chain (masquerade/snat, dnat/redirect) matches; ' +
      'there is no implicit NAT (docs/semantics.md#nft-nat)',
  };
  const sessions = buildSessions(ctx, infos, hooks, effects);
  const policy: Policy = {
    vendor: 'nftables',
    file: doc.file,
    root: doc.root,
    interfaces: ctx.interfaces,
    ruleset,
    nat,
    sessions,
    // docs/semantics.md#nft-hooks: nothing lets replies through implicitly; `ct state established` rules (or a policy accept) must.
    replies: 'rules',
    unsupported: ctx.unsupported,
    notes: ctx.notes,
    ...(ctx.wanNotes.length > 0 && { wanNotes: ctx.wanNotes }),
  };
  if (doc.version) policy.version = doc.version;
  return policy;
}

export function parseNftables(text: string, file: string, options: ParseOptions = {}): Policy {
  assertText(text, file);
  const isJson = /^\s*[{[]/.test(text.replace(/^\uFEFF/, ''));
  // Text rules are converted as they are read where nothing else in the file decides (prepare.ts).
  const doc = isJson ? readJson(text, file, options) : readText(text, file, options, new Preparer(options));
  const policy = buildPolicy(doc, options);
  policy.inventory = readInventory(doc, isJson ? undefined : text);
  releaseParseMemos();
  return policy;
}

export const nftablesParser = oneFirewallPerFile(['nftables'], detect, (text, file, _vendor, options) =>
  parseNftables(text, file, options),
);

export default nftablesParser;
