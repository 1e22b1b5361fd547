import { RULES } from '../../rules/index.js';
import { parseAddressSpec } from '../model/address.js';
import { UsageError } from '../model/errors.js';
import type { Finding } from '../model/finding.js';
import type { Policy } from '../model/policy.js';
import type { Audience, Profile } from '../model/profile.js';
import type { Notification } from '../model/report.js';
import type { RuleContext } from './context.js';
import { internalEndpoints, resolvePhones, resolveWan } from './endpoints.js';
import { inScope } from './flows.js';
import { phonesAreNated } from './nat.js';

export interface LintOptions {
  phones: string[];
  pbx?: string;
  wan: string[];
  audiences: Audience[];
  devices: string[];
}

/** Runs every rule for every profile on one firewall. Pure: the model and options in, findings out. */
export function lintPolicy(
  policy: Policy,
  profiles: readonly Profile[],
  opts: LintOptions,
): { findings: Finding[]; notifications: Notification[] } {
  const notifications: Notification[] = policy.notes.map((message) => ({
    level: 'note' as const,
    message: message.startsWith(policy.file) ? message : `${policy.file}: ${message}`,
  }));
  const notify = (n: Notification) => notifications.push(n);
  const phones = resolvePhones(policy, opts.phones, notify);
  const wan = resolveWan(policy, opts.wan, notify);
  let pbx: RuleContext['pbx'];
  if (opts.pbx) {
    const addr = parseAddressSpec(opts.pbx);
    if (!addr) throw new UsageError(`--pbx '${opts.pbx}': not an IP address`);
    pbx = { addr, text: opts.pbx };
  }
  const base = {
    policy,
    phones,
    clients: internalEndpoints(policy),
    pbx,
    wan,
    // The PBX audience needs an address; giving --pbx opts in to its requirements.
    audiences: new Set<Audience>(['phones', ...opts.audiences, ...(pbx ? (['pbx'] as const) : [])]),
    devices: new Set(opts.devices.map((d) => d.toLowerCase())),
    notify,
  };
  const findings: Finding[] = [];
  profiles.forEach((profile, i) => {
    const ctx: RuleContext = { ...base, profile };
    noteScope(ctx);
    for (const rule of RULES) if (!rule.perPolicy || i === 0) findings.push(...rule.check(ctx));
  });
  return { findings, notifications };
}

/** Says which requirements this run leaves out, so a clean report is not mistaken for full coverage. */
function noteScope(ctx: RuleContext): void {
  const skippedAudience = new Set<string>();
  const skippedDevices = new Set<string>();
  let pbxFlows = 0;
  for (const f of ctx.profile.flows) {
    if (!inScope(f, ctx)) {
      if (f.audience !== 'phones' && !ctx.audiences.has(f.audience)) skippedAudience.add(f.audience);
      else for (const d of f.devices ?? []) skippedDevices.add(d);
    } else if (f.remote.pbx && !ctx.pbx) pbxFlows++;
  }
  const p = ctx.profile.name;
  if (skippedAudience.size)
    ctx.notify({
      level: 'note',
      message: `${p}: requirements for ${[...skippedAudience].sort().join(', ')} not checked (opt in with --audience).`,
    });
  if (skippedDevices.size)
    ctx.notify({
      level: 'note',
      message: `${p}: device-specific requirements not checked for ${[...skippedDevices].sort().join(', ')} (opt in with --device).`,
    });
  const inbound = ctx.profile.flows.filter((f) => f.direction === 'inbound' && !f.remote.pbx && inScope(f, ctx)).length;
  if (inbound && phonesAreNated(ctx))
    ctx.notify({
      level: 'note',
      message: `${p}: ${inbound} inbound flow(s) not checked: the phones are behind source NAT, so inbound connections reach them only through port-forwards (FWL004/FWL010 cover those).`,
    });
  if (pbxFlows)
    ctx.notify({ level: 'note', message: `${p}: ${pbxFlows} flow(s) to the PBX not checked: pass --pbx <ip>.` });
}
