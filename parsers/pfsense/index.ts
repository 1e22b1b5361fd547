import { ParseError } from '../../src/model/errors.js';
import { oneFirewallPerFile } from '../toolkit/parser.js';
import type { Policy, Vendor } from '../../src/model/policy.js';
import { parseAliases } from './aliases.js';
import type { Env } from './addresses.js';
import { CategoryRules, SortedRules, buildRuleset, disableFilterElement, type UserRules } from './chains.js';
import { Ctx, child, eachNamed, path, type Platform } from './context.js';
import { parseInterfaces } from './interfaces.js';
import { readInventory } from './inventory.js';
import { parseNat, withPfNat } from './nat.js';
import { readMvcRules } from './opnsense-rules.js';
import { buildEntry, readLegacyRule, type RuleDraft } from './rules.js';
import { reportUpnp, sessions } from './timeouts.js';
import { parseXml } from './xml.js';
import { disablefilterDoubt } from './defaults.js';

/**
 * Looks past the XML declaration, comments, processing instructions and a DOCTYPE for a
 * `<pfsense>` or `<opnsense>` root start tag.
 */
export function detect(head: string): Vendor | undefined {
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let guard = 0; guard < 64; guard++) {
    while (i < head.length && /\s/.test(head.charAt(i))) i++;
    if (head.startsWith('<?', i)) {
      const e = head.indexOf('?>', i + 2);
      if (e === -1) return undefined;
      i = e + 2;
    } else if (head.startsWith('<!--', i)) {
      const e = head.indexOf('-->', i + 4);
      if (e === -1) return undefined;
      i = e + 3;
    } else if (head.startsWith('<!DOCTYPE', i)) {
      // Skip an internal subset too, so a file with entity declarations still reaches the XML
      // reader, which refuses it with a position.
      const gt = head.indexOf('>', i);
      const br = head.indexOf('[', i);
      const close = br !== -1 && (gt === -1 || br < gt) ? head.indexOf(']', br) : i;
      const e = close === -1 ? -1 : head.indexOf('>', close);
      if (e === -1) return undefined;
      i = e + 1;
    } else break;
  }
  const m = /^<(pfsense|opnsense)[\s>/]/.exec(head.slice(i, i + 12));
  return m ? (m[1] as Vendor) : undefined;
}

export function parseConfig(text: string, file: string, vendor?: Vendor): Policy {
  const root = parseXml(text, file);
  let platform: Platform;
  if (root.name === 'pfsense') platform = 'pfsense';
  else if (root.name === 'opnsense') platform = 'opnsense';
  else
    throw new ParseError(
      file,
      root.loc.line,
      root.loc.column,
      `not a pfSense/OPNsense config.xml: root element <${root.name}>`,
    );

  const ctx = new Ctx(file, platform, root);
  if (vendor && vendor !== platform)
    ctx.note(`the file was read as ${vendor} but its root element is <${root.name}>; parsed as ${platform}`);
  const ifaces = parseInterfaces(ctx);
  const aliases = parseAliases(ctx, ifaces);
  const env: Env = { ctx, ifaces, aliases };
  const disabledEl = disableFilterElement(ctx);
  const filterDisabled = disabledEl !== undefined;

  // pfSense's keys follow document order within a category; OPNsense's need a sort.
  const rules: UserRules = platform === 'pfsense' ? new CategoryRules() : new SortedRules();
  if (!filterDisabled) {
    // Each rule is built right after it is read, so no list of 100k drafts (with their elements) is
    // alive at once; what building says is held back, so it is said as if every rule had been read first.
    const build = (d: RuleDraft): void => {
      const e = ctx.heldBack(() => buildEntry(env, d));
      if (e) rules.add(e);
    };
    if (platform === 'opnsense') for (const d of readMvcRules(env)) build(d);
    eachNamed(child(root, 'filter'), 'rule', (el, index) => {
      const d = readLegacyRule(env, el, index);
      if (d) build(d);
    });
    ctx.sayHeldBack();
  }
  const { nat, filterEntries } = parseNat(env, filterDisabled);
  for (const e of filterEntries) rules.add(e);
  const ruleset = withPfNat(buildRuleset(env, rules), nat);
  reportUpnp(ctx);

  const policy: Policy = {
    vendor: platform,
    file,
    root: ctx.loc(root),
    interfaces: ifaces.list,
    ruleset,
    nat,
    sessions: sessions(ctx, filterDisabled),
    replies: 'stateful',
    unsupported: ctx.unsupported,
    notes: ctx.notes,
    inventory: readInventory(ctx, ifaces, aliases),
  };
  // What pf off does is read from the vendor's outline only: what rests on it is uncertain.
  if (disabledEl) {
    const loc = ctx.loc(disabledEl);
    policy.doubts = [{ loc, why: disablefilterDoubt(loc.line) }];
  }
  const version = child(root, 'version')?.text.trim();
  if (version) policy.version = version;
  const name = path(root, 'system', 'hostname')?.text.trim();
  if (name) policy.name = name;
  // The model keeps nothing of the document (its strings are slices of the text, not views).
  root.releaseDocument();
  return policy;
}

export const pfsenseParser = oneFirewallPerFile(['pfsense', 'opnsense'], detect, parseConfig);

export default pfsenseParser;
