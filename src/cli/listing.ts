import type { Endpoint, Profile } from '../model/profile.js';
import type { RuleMeta } from '../model/report.js';

export function formatProfileList(profiles: readonly Profile[]): string {
  const w = Math.max(...profiles.map((p) => p.id.length));
  return (
    profiles
      .map(
        (p) =>
          `${p.id.padEnd(w)}  ${p.name}  (${count(p.flows.length, 'flow')}, ${count(p.settings.length, 'setting')}` +
          (p.portForwards?.length ? `, ${count(p.portForwards.length, 'port-forward')}` : '') +
          `${p.notModelled?.length ? `, ${p.notModelled.length} not modelled` : ''})`,
      )
      .join('\n') + '\n'
  );
}

export function formatProfile(p: Profile): string {
  const out: string[] = [
    `${p.id}: ${p.name}`,
    `document: ${p.document.title}${p.document.seed ? ` (${p.document.seed})` : ''}`,
    '',
  ];
  out.push('networks:');
  for (const [name, n] of Object.entries(p.networks))
    out.push(`  ${name}: ${n.cidrs.join(' ')}${n.hostnames?.length ? `  [${n.hostnames.join(' ')}]` : ''}`);
  out.push('', 'flows:');
  for (const f of p.flows) {
    const remote = endpointText(f.remote);
    const scope = [
      f.audience !== 'phones' ? f.audience : '',
      f.local ? `from ${endpointText(f.local)}` : '',
      f.siteDefinedPorts ? `ports defined on site, at least ${f.siteDefinedPorts.minConsecutive} consecutive` : '',
      f.devices?.length ? `devices: ${f.devices.join(', ')}` : '',
      f.condition ?? '',
    ]
      .filter(Boolean)
      .join('; ');
    out.push(
      `  ${f.severity.padEnd(7)} ${f.id}: ${f.direction} ${f.protocol} ${(f.ports ?? []).join(',')} ` +
        `${f.direction === 'outbound' ? 'to' : 'from'} ${remote}${scope ? `  (${scope})` : ''}`,
    );
    out.push(`          ${f.description} — ${f.source.section}`);
  }
  out.push('', 'settings:');
  for (const s of p.settings)
    out.push(
      `  ${s.severity.padEnd(7)} ${s.id}: ${s.kind}` +
        `${s.min !== undefined ? ` min ${s.min}` : ''}${s.max !== undefined ? ` max ${s.max}` : ''} — ${s.source.section}`,
    );
  if (p.portForwards?.length) {
    out.push('', 'port-forwards to the PBX (external port on the WAN -> internal port on the PBX):');
    for (const f of p.portForwards) {
      const map = f.ports.map((ext, i) => `${ext} -> ${f.targetPorts?.[i] ?? ext}`).join(', ');
      const scope = [`audience pbx`, f.devices?.length ? `devices: ${f.devices.join(', ')}` : 'every model'].join('; ');
      out.push(`  ${f.severity.padEnd(7)} ${f.id}: ${f.protocol} ${map}  (${scope})`);
      out.push(`          ${f.description} — ${f.source.section}`);
    }
  }
  if (p.notModelled?.length) {
    out.push('', 'not modelled (reported as not checked on every run):');
    for (const n of p.notModelled) {
      out.push(`  ${n.severity.padEnd(7)} ${n.id}: ${n.description} — ${n.source.section}`);
      out.push(`          ${n.reason}`);
    }
  }
  return out.join('\n') + '\n';
}

export function formatRuleList(rules: readonly RuleMeta[]): string {
  const w = Math.max(...rules.map((r) => r.name.length));
  return (
    rules.map((r) => `${r.id}  ${r.name.padEnd(w)}  ${r.defaultLevel.padEnd(7)}  ${r.shortDescription}`).join('\n') +
    '\n'
  );
}

export function formatRule(r: RuleMeta): string {
  const out = [
    `${r.id} ${r.name} (default level ${r.defaultLevel})`,
    '',
    r.fullDescription,
    '',
    `What: ${r.help.what}`,
    `Why: ${r.help.why}`,
    '',
    'How to fix:',
  ];
  for (const [vendor, text] of Object.entries(r.help.fix))
    out.push(`  ${vendor}:`, ...text.split('\n').map((l) => `    ${l}`));
  return out.join('\n') + '\n';
}

/** A flow end as the listing shows it: provider networks, CIDRs, hostnames, any, PBX, site roles, named servers. */
function endpointText(e: Endpoint): string {
  return [
    ...(e.networks ?? []),
    ...(e.cidrs ?? []),
    ...(e.hostnames ?? []),
    ...(e.any ? ['any'] : []),
    ...(e.pbx ? ['PBX'] : []),
    ...(e.roles ?? []).map((r) => `site ${r}`),
    ...(e.servers ?? []).map((s) => `server ${s}`),
  ].join(' ');
}

/** `--format json`: the profiles' ids, names and counts. */
export function profileListJson(profiles: readonly Profile[]): string {
  const rows = profiles.map((p) => ({
    id: p.id,
    name: p.name,
    provider: p.provider,
    document: p.document.title,
    flows: p.flows.length,
    settings: p.settings.length,
    portForwards: p.portForwards?.length ?? 0,
  }));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

/** `--format json`: the profile as the catalog holds it (validated). */
export function profileJson(p: Profile): string {
  return `${JSON.stringify(p, null, 2)}\n`;
}

export function rulesJson(rules: readonly RuleMeta[]): string {
  return `${JSON.stringify(rules, null, 2)}\n`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
