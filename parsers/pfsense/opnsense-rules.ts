import { resolveNetList, type Env, type Family } from './addresses.js';
import { Fields, path, readEach, truthy } from './context.js';
import { stateTimeout, unsupportedFields, type RuleDraft } from './rules.js';
import type { XmlElement } from './xml.js';

const SECTION = '<OPNsense><Firewall><Filter><rules><rule>';

/**
 * OPNsense "Firewall: Rules [new]" (MVC) rules under <OPNsense><Firewall><Filter><rules><rule uuid>
 * (docs/semantics.md#pf-opnsense). Fields carry model defaults when absent: enabled 1, action pass, quick 1,
 * direction in, ipprotocol inet, protocol any, source/destination any, statetype keep.
 */
export function readMvcRules(env: Env): RuleDraft[] {
  const rulesEl = path(env.ctx.root, 'OPNsense', 'Firewall', 'Filter', 'rules');
  return readEach(rulesEl, 'rule', (el, index) => readMvcRule(env, el, index));
}

function readMvcRule(env: Env, el: XmlElement, index: number): RuleDraft | undefined {
  const { ctx } = env;
  const f = new Fields(el);
  // BooleanField enabled, default 1 (A.6): `<enabled>0</enabled>` disables.
  if (f.has('enabled') && !truthy(f.text('enabled'))) return undefined;
  const interfaces = f
    .str('interface')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const interfaceNot = truthy(f.text('interfacenot'));
  // FilterRuleContainerField::serialize(): more than one interface or interfacenot = floating.
  const floating = interfaces.length !== 1 || interfaceNot;
  const dirText = f.str('direction').toLowerCase();
  const direction: RuleDraft['direction'] = dirText === 'out' ? 'out' : dirText === 'any' ? 'any' : 'in';
  const quick = f.has('quick') ? truthy(f.text('quick')) : true;
  const ipp = f.str('ipprotocol').toLowerCase();
  const family: Family = ipp === 'inet6' ? 'inet6' : ipp === 'inet46' ? 'inet46' : 'inet';
  const protocol = f.str('protocol').toLowerCase() === 'any' ? '' : f.str('protocol');
  const src = resolveNetList(
    env,
    f.str('source_net'),
    truthy(f.text('source_not')),
    family,
    'src',
    f.get('source_net') ?? el,
    f.str('source_port'),
  );
  const dst = resolveNetList(
    env,
    f.str('destination_net'),
    truthy(f.text('destination_not')),
    family,
    'dst',
    f.get('destination_net') ?? el,
    f.str('destination_port'),
  );
  const action = f.str('action').toLowerCase() || 'pass';
  const seq = Number(f.str('sequence'));
  const draft: RuleDraft = {
    el,
    store: 'mvc',
    index,
    descr: f.str('description'),
    type: action,
    interfaces,
    interfaceNot,
    floating,
    direction,
    quick,
    family,
    protocol,
    src,
    dst,
    statetype: f.str('statetype') || 'keep',
    sequence: Number.isFinite(seq) && f.str('sequence') !== '' ? seq : 1,
    unsupported: unsupportedFields(ctx, f, SECTION, protocol, action === 'pass'),
  };
  if (el.attrs.uuid) draft.uuid = el.attrs.uuid;
  stateTimeout(ctx, f, draft);
  return draft;
}
