import type { Profile } from '../model/profile.js';
import type { RuleMeta } from '../model/report.js';

export function formatProfileList(profiles: readonly Profile[]): string {
  const w = Math.max(...profiles.map((p) => p.id.length));
  return (
    profiles
      .map(
        (p) =>
          `${p.id.padEnd(w)}  ${p.name}  (${count(p.flows.length, 'flow')}, ${count(p.settings.length, 'setting')}${p.portForwards?.length ? `, ${count(p.portForwards.length, 'port-forward')}` : ''})`,
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
    const remote = [
      ...(f.remote.networks ?? []),
      ...(f.remote.cidrs ?? []),
      ...(f.remote.hostnames ?? []),
      ...(f.remote.any ? ['any'] : []),
      ...(f.remote.pbx ? ['PBX'] : []),
    ].join(' ');
    const scope = [
      f.audience !== 'phones' ? f.audience : '',
      f.devices?.length ? `devices: ${f.devices.join(', ')}` : '',
      f.condition ?? '',
    ]
      .filter(Boolean)
      .join('; ');
    out.push(
      `  ${f.severity.padEnd(7)} ${f.id}: ${f.direction} ${f.protocol} ${(f.ports ?? []).join(',')} ${f.direction === 'outbound' ? 'to' : 'from'} ${remote}${scope ? `  (${scope})` : ''}`,
    );
    out.push(`          ${f.description} — ${f.source.section}`);
  }
  out.push('', 'settings:');
  for (const s of p.settings)
    out.push(
      `  ${s.severity.padEnd(7)} ${s.id}: ${s.kind}${s.min !== undefined ? ` min ${s.min}` : ''}${s.max !== undefined ? ` max ${s.max}` : ''} — ${s.source.section}`,
    );
  if (p.portForwards?.length) {
    out.push('', 'port-forwards to the PBX:');
    for (const f of p.portForwards)
      out.push(`  ${f.severity.padEnd(7)} ${f.id}: ${f.protocol} ${f.ports.join(',')} — ${f.description}`);
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
    out.push(`  ${vendor}:`, ...text!.split('\n').map((l) => `    ${l}`));
  return out.join('\n') + '\n';
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
