import { ParseError } from '../../src/model/errors.js';
import { oneFirewallPerFile } from '../toolkit/parser.js';
import type { Policy, Vendor } from '../../src/model/policy.js';
import type { ParseOptions } from '../types.js';
import { AddressLists } from './address-lists.js';
import { TOP_MENUS, executor } from './commands.js';
import { Ctx, type VersionInfo } from './context.js';
import { buildRuleset, firewallRuleCount } from './filter.js';
import { buildInterfaces } from './interfaces.js';
import { readInventory } from './inventory.js';
import { lexCursor, type Lexed } from './lexer.js';
import { assertText } from '../toolkit/binary.js';
import { PositionIndex } from '../toolkit/positions.js';
import type { RuleEnv } from './matchers.js';
import { buildNat } from './nat.js';
import { reportOther } from './other.js';
import { sessions } from './sessions.js';

/**
 * MikroTik RouterOS `/export` (v6 and v7: compact, verbose, terse, slash paths) → the policy model.
 * docs/semantics.md#routeros; the files here are named by concern: lexer (continuations, quoting),
 * commands (menus, add/set/remove), interfaces, address lists, matchers, filter chains, NAT,
 * sessions (SIP helper, UDP timeout) and other menus that can change a verdict.
 */

const HEADER = /\bRouterOS\s+v?(\d+)\.(\d+)(?:\.(\d+))?([a-z0-9]*)/i;
const PATH_LINE = /^\/([a-z][a-z0-9-]*)(?:[ \t/]|\r?$)/;
const SCRIPT_LINE = /^:(local|global|foreach|for|if|do|put|delay|log|set|while)\b/;

/** Signatures of the other formats fwlint reads, so no RouterOS claim is made on them. */
function otherFormat(line: string): string | undefined {
  if (line.startsWith('<')) return 'XML (a pfSense/OPNsense config.xml?)';
  if (line.startsWith('{') || line.startsWith('[')) return 'JSON (nft -j output?)';
  if (/^#config-version=|^config\s+\S+/.test(line)) return 'a FortiGate configuration';
  if (/^(table|flush\s+ruleset|include\s+"|define\s+\S+\s*=|#!\/usr\/sbin\/nft)/.test(line))
    return 'an nftables ruleset';
  return undefined;
}

/**
 * RouterOS when the leading comments carry the export header (`# … by RouterOS 7.18.2`), or the
 * first command is a RouterOS menu path (`/ip firewall filter`, `/interface …`) or script line; a
 * few stray lines before it (hand-edited files) are tolerated when nothing looks like another vendor.
 */
export function detect(head: string): Vendor | undefined {
  const lines = head.replace(/^\uFEFF/, '').split('\n');
  let stray = 0;
  let menus = 0;
  let firstMenu = false;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (line.startsWith('#!/usr/sbin/nft') || line.startsWith('#config-version=')) return undefined;
      if (menus === 0 && stray === 0 && /\bby RouterOS\s+\d|^#\s*RouterOS\s+\d/i.test(line)) return 'mikrotik';
      continue;
    }
    if (otherFormat(line)) return undefined;
    const m = PATH_LINE.exec(raw.replace(/^\uFEFF/, ''));
    const menu = m?.[1]?.toLowerCase();
    if (menu !== undefined && TOP_MENUS.has(menu)) {
      if (stray === 0 && menus === 0) firstMenu = true;
      menus++;
      if (firstMenu || menus >= 3) return 'mikrotik';
      continue;
    }
    if (SCRIPT_LINE.test(line) && stray === 0 && menus === 0) return 'mikrotik';
    if (!/^(add|set|remove)\s/.test(line)) stray++;
    if (stray > 5 && menus === 0) return undefined;
  }
  return undefined;
}

/** Offset of the end of the line holding `at` (its newline, or the end of the text). */
function lineEnd(text: string, at: number): number {
  const nl = text.indexOf('\n', at);
  return nl === -1 ? text.length : nl;
}

function readVersion(lexed: Lexed, slashPaths: boolean): VersionInfo {
  for (const c of lexed.comments) {
    if (c.start > lexed.firstStatement) break;
    const m = HEADER.exec(c.text);
    if (m && /\bby RouterOS|^#\s*RouterOS/i.test(c.text)) {
      const major = Number(m[1]);
      const info: VersionInfo = {
        source: 'header',
        text: `${m[1] ?? ''}.${m[2] ?? ''}${m[3] !== undefined ? `.${m[3]}` : ''}${m[4] ?? ''}`,
        span: { start: c.start, end: c.end },
      };
      if (major === 6 || major === 7) info.major = major;
      return info;
    }
  }
  return slashPaths ? { source: 'slash-paths', major: 7 } : { source: 'unknown' };
}

export function parseRouterOS(text: string, file: string, _options: ParseOptions = {}): Policy {
  const ctx = new Ctx(file, text, new PositionIndex(text));
  assertText(text, file, ctx.lines);
  const ex = executor(ctx);
  // Statements are executed as they are read, so a 100k-rule export never holds them all at once.
  const lexed = lexCursor(text, file, ex.run, ctx.lines, undefined, ex.fast);
  const ran = ex.result;
  ctx.version = readVersion(lexed, ran.slashPaths);

  // A file that is not RouterOS at all: say what it looks like, at its first line.
  if (ran.knownMenuCount === 0 && ctx.version.source !== 'header') {
    const st = ran.firstStray ?? ran.first;
    const at = st ? ctx.lines.position(st.start) : { line: 1, column: 1 };
    const firstLine = st ? text.slice(st.start, lineEnd(text, st.start)).trim() : '';
    const other = firstLine ? otherFormat(firstLine) : undefined;
    throw new ParseError(
      file,
      at.line,
      at.column,
      other
        ? `not a RouterOS export: this looks like ${other}`
        : st
          ? 'not a RouterOS export: expected a menu path such as /ip firewall filter or an export header "# … by RouterOS 7.x"'
          : 'not a RouterOS export: no commands',
    );
  }
  if (ctx.version.source === 'header' && ctx.version.major === undefined) {
    ctx.note(`${ctx.versionLabel}: neither v6 nor v7; v7 defaults are assumed`);
  }
  if (ctx.version.source === 'unknown') {
    ctx.note(
      'no export header ("# … by RouterOS x.y"): the RouterOS version is unknown; defaults shared by v6 and v7 are used',
    );
  } else if (ctx.version.source === 'slash-paths') {
    ctx.note('no export header: v7 slash paths (/ip/firewall/filter) are used, so v7 defaults are assumed');
  }

  const ifaces = buildInterfaces(ctx, ran.store);
  const lists = AddressLists.build(ctx, ran.store);
  const env: RuleEnv = { ctx, ifaces, lists, nets: new Map(), nets4: new Map() };
  const ruleCount = firewallRuleCount(ran.store);
  const ruleset = buildRuleset(env, ran.store, ruleCount);
  const nat = buildNat(env, ran.store);
  reportOther(ctx, ran.store);

  const policy: Policy = {
    vendor: 'mikrotik',
    file,
    root: ctx.rootLoc,
    interfaces: ifaces.list,
    ruleset,
    nat,
    sessions: sessions(ctx, ran.store, ruleCount),
    // docs/semantics.md#ros-filter: replies pass only through rules (connection-state=established,related).
    replies: 'rules',
    unsupported: ctx.unsupported,
    notes: ctx.notes,
    ...(ctx.wanNotes.length > 0 && { wanNotes: ctx.wanNotes }),
    inventory: readInventory(ctx, ran.store, ifaces, lists),
  };
  if (ctx.version.text) policy.version = ctx.version.text;
  const menus = [...ran.store.menus.keys()];
  // docs/semantics.md#ros-defaults: an export lists every interface and the settings that differ from
  // the defaults; a script of other menus alone (an address-list feed) says nothing of the router's.
  if (ctx.version.source === 'unknown' && ifaces.list.length === 0 && ruleCount === 0 && !menus.some(holdsSettings))
    policy.fragment =
      `it configures no interface, firewall rule or connection-tracking or service-port setting ` +
      `(only ${menus.map((m) => `/${m}`).join(', ')}), and has no export header`;
  const name = ran.store.get('system identity')?.settings?.get('name');
  if (name) policy.name = name;
  return policy;
}

/** Menus whose entries are the router's settings or rules (a file with one of them is not a mere fragment). */
function holdsSettings(menu: string): boolean {
  return (
    menu.startsWith('interface') ||
    menu === 'ip address' ||
    /^ipv?6? ?firewall (filter|nat|raw|mangle|connection tracking|service-port)$/.test(menu)
  );
}

export const mikrotikParser = oneFirewallPerFile(['mikrotik'], detect, (text, file, _vendor, options) =>
  parseRouterOS(text, file, options),
);

export default mikrotikParser;
