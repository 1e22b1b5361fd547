import type { SourceLocation } from '../../src/model/location.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Chain, DnatRule, Policy, Rule, Vendor } from '../../src/model/policy.js';
import type { VendorParser } from '../types.js';
import { Addresses } from './addresses.js';
import { Ctx, type Scope } from './context.js';
import { IMPLICIT_DENY_REASON } from './defaults.js';
import { readHeader, type Header } from './header.js';
import { readInventory } from './inventory.js';
import { assignRoles, readInterfaces, type Interfaces } from './interfaces.js';
import { localInChain } from './local-in.js';
import { SnatBuilder, natMode, withFortiNat } from './nat.js';
import { PolicyReader, type Env, type PolicyInfo } from './policies.js';
import { PolicyStream, type StreamSetup } from './stream.js';
import { Services } from './services.js';
import { sessions } from './sessions.js';
import { quoted } from '../toolkit/labels.js';
import { Restart, getSet, readTree, value, type Block, type ConfigTree } from './tree.js';
import { reportSections } from './unsupported.js';
import { Vips } from './vips.js';

/**
 * FortiOS configuration: a `#config-version=` header, or (fragments, `show` captures) a first
 * statement `config <word>` followed by FortiOS statements; comment lines and one CLI prompt line
 * (`FGT # show`) may come first. Never claims XML, RouterOS exports (`/ip ...`) or nftables.
 */
export function detect(head: string): Vendor | undefined {
  const lines = head.replace(/^\uFEFF/, '').split('\n', 400);
  let sawConfig = false;
  let first = true;
  for (const raw of lines) {
    const t = raw.trim();
    if (t === '') continue;
    if (t.startsWith('#config-version=')) return 'fortigate';
    if (t.startsWith('#')) continue;
    if (!sawConfig) {
      if (/^config\s+[A-Za-z][\w-]*(\s|$)/.test(t)) {
        sawConfig = true;
        continue;
      }
      // One CLI prompt line before the output: `FGT # show`, `FG_VM-Demo $ show full-configuration`.
      if (first && /^[^\s#"'<{/[][^"'<>{}]*?\s?[#$]\s+(show|get)\b/.test(t)) {
        first = false;
        continue;
      }
      return undefined;
    }
    // After `config <path>`: FortiOS statements only.
    return /^(set|unset|edit|next|end|config)(\s|$)/.test(t) ? 'fortigate' : undefined;
  }
  return undefined;
}

export function rootLoc(file: string, tree: ConfigTree, header: Header): SourceLocation {
  if (header.line !== undefined) {
    const c = tree.comments.find((x) => x.line === header.line);
    return { file, line: header.line, column: 1, endLine: header.line, endColumn: (c?.text.length ?? 0) + 1 };
  }
  const firstBlock = tree.blocks.values().next().value;
  if (firstBlock)
    return {
      file,
      line: firstBlock.line,
      column: firstBlock.column,
      endLine: firstBlock.openEndLine,
      endColumn: firstBlock.openEndColumn,
    };
  return { file, line: 1, column: 1, endLine: 1 };
}

/**
 * Multi-VDOM files (`config vdom` with per-VDOM blocks, and `config global`) are one firewall per
 * VDOM; other files are one firewall (docs/semantics.md#fgt-syntax).
 */
export function scopes(tree: ConfigTree, header: Header): { list: Scope[]; multi: boolean } {
  const vdom = tree.blocks.get('vdom');
  const global = tree.blocks.get('global');
  const withContent = [...(vdom?.entries.values() ?? [])].filter((e) => e.blocks.size > 0 || e.sets.size > 0);
  if (vdom && (global || withContent.length > 0)) {
    const g = new Map<string, Block>(global?.blocks ?? []);
    for (const [k, b] of tree.blocks) if (k !== 'vdom' && k !== 'global' && !g.has(k)) g.set(k, b);
    const list = [...vdom.entries.values()].map((e) => ({ vdom: e.key, own: e.blocks, global: g, entry: e }));
    return { list, multi: true };
  }
  const s: Scope = { own: tree.blocks, global: tree.blocks };
  if (header.vdomName) s.vdom = header.vdomName;
  return { list: [s], multi: false };
}

/**
 * `stream: false` reads the whole tree before converting anything (the tests compare both ways).
 */
export function parseConfig(
  text: string,
  file: string,
  vendor: Vendor = 'fortigate',
  options: { stream?: boolean } = {},
): Policy[] {
  let tree: ConfigTree | undefined;
  if (options.stream !== false) {
    // The policies are converted while the file is read when that gives the same result (stream.ts).
    const stream = new PolicyStream(streamSetup(file, vendor));
    try {
      tree = readTree(text, file, stream);
      const ready = stream.result(tree);
      if (ready) return [finishPolicy(ready)];
      if (stream.started) tree = undefined;
    } catch (e) {
      if (!(e instanceof Restart)) throw e;
    }
  }
  tree ??= readTree(text, file);
  const header = readHeader(tree.comments);
  const { list, multi } = scopes(tree, header);
  const fileRoot = rootLoc(file, tree, header);
  const whole = tree;
  return list.map((scope, index) => {
    let root = fileRoot;
    if (scope.entry) {
      const e = scope.entry.reopened ?? scope.entry;
      root = { file, line: e.line, column: e.column, endLine: e.endLine, endColumn: e.endColumn };
    }
    const ctx = new Ctx(file, header, scope, multi, root);
    return finishPolicy(preparePolicy(ctx, whole, vendor, index));
  });
}

/**
 * Streaming (stream.ts) applies to files with one firewall: it starts from the header and the tables
 * read so far and holds when the whole file gives the same header, no second firewall and no new
 * prompt or repaired line (their notes come before the policies').
 */
function streamSetup(file: string, vendor: Vendor): StreamSetup {
  let start = { header: '', prompts: 0, repaired: 0 };
  return {
    file,
    begin(tree) {
      const header = readHeader(tree.comments);
      const { list, multi } = scopes(tree, header);
      const scope = list[0];
      if (multi || !scope || list.length !== 1) return undefined;
      // Central NAT reads `config firewall central-snat-map` first, which files write after the policies.
      if ((value(scope.own.get('system settings'), 'central-nat') ?? '').toLowerCase() === 'enable') return undefined;
      const ctx = new Ctx(file, header, scope, false, rootLoc(file, tree, header));
      ctx.looked = new Set();
      start = { header: JSON.stringify(header), prompts: tree.prompts.length, repaired: tree.repaired.length };
      return preparePolicy(ctx, tree, vendor, 0);
    },
    same(tree) {
      const header = readHeader(tree.comments);
      if (JSON.stringify(header) !== start.header) return false;
      if (tree.prompts.length !== start.prompts || tree.repaired.length !== start.repaired) return false;
      const { list, multi } = scopes(tree, header);
      return !multi && list.length === 1;
    },
  };
}

/** What the policies are converted with, made before the first policy is read. */
export interface Prepared {
  ctx: Ctx;
  ifaces: Interfaces;
  env: Env;
  chains: Record<string, Chain>;
  snat: SnatBuilder;
  /** Only the policies that name a VoIP profile or set a session-ttl matter for the session settings. */
  voip: PolicyInfo[];
  policies: PolicyReader;
}

/**
 * The notes about the file, the interfaces, services, addresses and VIPs: everything a policy's
 * conversion reads. `index` is the firewall's place in the file (the file's notes go with the first).
 */
export function preparePolicy(ctx: Ctx, tree: ConfigTree, vendor: Vendor, index: number): Prepared {
  if (vendor !== 'fortigate')
    ctx.note(`the file was read as ${vendor} but it is a FortiOS configuration; parsed as FortiGate`);
  // Reported once per file (with the first firewall).
  if (index === 0) {
    for (const r of tree.repaired) {
      ctx.unsupportedAt(
        r,
        `malformed quoting on line ${r.line}`,
        'a quote inside a word (FortiOS never writes one): the quote was read as a character, so the values of this ' +
          'statement may differ from what the device has',
      );
    }
  }
  const { header } = ctx;
  if (ctx.multiVdom)
    ctx.note(
      `VDOM ${ctx.scope.vdom} is evaluated as its own firewall (the global interfaces assigned to it, its own policies and settings)`,
    );
  if (header.transparent || (value(ctx.section('system settings'), 'opmode') ?? '').toLowerCase() === 'transparent') {
    ctx.note(
      'transparent mode (opmode=1): the FortiGate bridges between its ports; routing and NAT findings assume the policies as written',
    );
  }
  if (!header.version)
    ctx.note(
      header.line === undefined
        ? 'no #config-version header (a fragment or a partial `show`): FortiOS version defaults are assumed for 7.x'
        : `FortiOS version in the header is not numeric ("${
            tree.comments
              .find((c) => c.line === header.line)
              ?.text.split(':')[0]
              ?.slice(16) ?? ''
          }"); 7.x defaults are assumed`,
    );
  if (tree.prompts.length)
    ctx.note(`CLI prompt line(s) ${tree.prompts.join(', ')} skipped (a captured \`show\` session)`);

  const ifaces = readInterfaces(ctx);
  const mode =
    (getSet(ctx.section('system settings'), 'central-nat')?.values[0] ?? 'disable').toLowerCase() === 'enable';
  const services = new Services(ctx);
  const env: Env = {
    ctx,
    ifaces,
    addrs: new Addresses(ctx, ifaces),
    services,
    vips: new Vips(ctx, ifaces, services),
    central: mode,
  };

  const chains: Record<string, Chain> = {};
  const snat = new SnatBuilder(env);
  const voip: PolicyInfo[] = [];
  const each = (p: PolicyInfo): void => {
    snat.add(p);
    const s = p.entry.sets;
    if (s.index('voip-profile') >= 0 || s.index('ips-voip-filter') >= 0 || s.index('session-ttl') >= 0) voip.push(p);
    // Nothing reads a converted policy's statements again (in a multi-VDOM file a global table can
    // be read once per VDOM, so there they stay).
    else if (!ctx.multiVdom) s.release();
  };
  // The forward chain's intrazone rules come first and depend on the zones alone (read above): the
  // policies' rules are added to their list, which becomes the chain's, instead of being copied after
  // them at the end (a copy of a 100k-rule list, and the lists it outgrew, left as garbage at the peak).
  const policies = new PolicyReader(env, chains, each, intrazone(ctx, ifaces));
  return { ctx, ifaces, env, chains, snat, voip, policies };
}

/** The policy tables still in the tree, then everything else of the firewall. */
function finishPolicy(prep: Prepared): Policy {
  const { ctx, ifaces, env, chains, snat, voip, policies } = prep;
  const { header } = ctx;
  policies.tables();
  assignRoles(ctx, ifaces);
  const forward: Chain = {
    name: 'forward',
    mode: 'first-match',
    rules: policies.finish(),
    policy: { action: 'drop', source: 'default', loc: ctx.sectionLoc('firewall policy'), reason: IMPLICIT_DENY_REASON },
  };
  chains.forward = forward;
  chains['local-in'] = localInChain(env);

  // DNAT: VIPs apply only through a policy that names them, unless central NAT is on (docs/semantics.md#fgt-policy).
  const dnat: DnatRule[] = [];
  for (const v of env.vips.byName.values()) {
    if (env.central || policies.usedVips.has(v.name)) dnat.push(v.dnat);
    else
      ctx.note(
        `${ctx.where(v.entry)}: VIP ${quoted(v.name)} is not used by any enabled policy, so FortiOS does not translate to it`,
      );
  }
  reportSections(ctx);

  const snatRules = snat.finish();
  const nat = {
    dnat,
    snat: snatRules.entries,
    mode: natMode(env),
    dnatLoc: ctx.section('firewall vip') ? ctx.sectionLoc('firewall vip') : undefined,
  };
  const policy: Policy = {
    vendor: 'fortigate',
    file: ctx.file,
    root: ctx.root,
    interfaces: ifaces.list,
    ruleset: withFortiNat(
      {
        chains,
        forward: [{ name: 'policy', chains: ['forward'] }],
        input: [{ name: 'local-in', chains: ['local-in'] }],
      },
      nat,
      snatRules.chain,
    ),
    // Port-forwards are VIPs: a missing one belongs in `config firewall vip`.
    nat,
    sessions: sessions(env, voip),
    replies: 'stateful',
    unsupported: ctx.unsupported,
    notes: ctx.notes,
    inventory: readInventory(ctx, ifaces, env.addrs),
  };
  if (header.versionText) policy.version = header.versionText;
  const name = ctx.multiVdom
    ? ctx.scope.vdom
    : (value(ctx.globalSection('system global'), 'hostname') ?? ctx.scope.vdom);
  if (name) policy.name = name;
  return policy;
}

/** Zones with `intrazone allow` pass traffic between their members without a policy (docs/semantics.md#fgt-policy). */
function intrazone(ctx: Ctx, ifaces: Interfaces): Rule[] {
  const out: Rule[] = [];
  for (const z of ifaces.zones.values()) {
    if (z.kind !== 'zone' || !z.intrazone || !z.entry) continue;
    const members = NameSet.of(z.members);
    out.push({
      id: `intrazone:${z.name}`,
      loc: ctx.loc(getSet(z.entry, 'intrazone') ?? z.entry),
      label: `zone ${quoted(z.name)}`,
      match: { iif: members, oif: members },
      action: { kind: 'accept' },
      keepState: true,
      implicit: 'intrazone allow: traffic between interfaces of the zone passes without a policy',
      text: `zone ${z.name} intrazone allow`,
    });
  }
  return out;
}

export const fortigateParser: VendorParser = {
  vendors: ['fortigate'],
  detect,
  parse(text: string, file: string, vendor: Vendor): Policy[] {
    return parseConfig(text, file, vendor);
  },
};

export default fortigateParser;
