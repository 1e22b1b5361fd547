import type { Ctx } from './context.js';
import { block, getSet, value, values } from './tree.js';

/**
 * Sections that can change whether or where traffic passes and that the model does not express,
 * reported at the line of each active entry (FWL900). DoS anomalies block only with `status enable`
 * and `action block` (defaults disable/pass).
 */
export function reportSections(ctx: Ctx): void {
  const enabled = (e: Parameters<typeof value>[0]) => (value(e, 'status') ?? 'enable').toLowerCase() !== 'disable';

  for (const e of ctx.section('router policy')?.entries.values() ?? []) {
    if (!enabled(e)) continue;
    // One FWL900 for all policy routes (the what), each named in its own reason.
    ctx.unsupportedHead(
      e,
      'router policy',
      `policy route ${e.key}${value(e, 'output-device') ? ` to ${value(e, 'output-device')}` : ''} can send matching ` +
        `traffic out of another interface than the routing table would, which fwlint does not model`,
    );
  }
  for (const path of ['system sdwan', 'system virtual-wan-link']) {
    const sec = ctx.section(path);
    if (!sec || (value(sec, 'status') ?? 'disable').toLowerCase() !== 'enable') continue;
    const memberIf = new Map(
      [...(block(sec, 'members')?.entries.values() ?? [])].map((m) => [m.key, value(m, 'interface') ?? m.key]),
    );
    for (const e of block(sec, 'service')?.entries.values() ?? []) {
      if (!enabled(e)) continue;
      const members = [
        ...values(e, 'priority-members').map((m) => memberIf.get(m) ?? m),
        ...values(e, 'priority-zone'),
      ];
      // One FWL900 for all SD-WAN rules (the what), each named in its own reason.
      ctx.unsupportedHead(
        e,
        `${path} service`,
        `SD-WAN rule ${e.key}${value(e, 'name') ? ` "${value(e, 'name')}"` : ''} steers matching traffic` +
          `${members.length ? ` to member(s)/zone(s) ${members.join(', ')}` : ''}; ` +
          `fwlint routes Internet traffic through the WAN interfaces and does not model the steering`,
      );
    }
  }
  for (const e of ctx.section('firewall DoS-policy')?.entries.values() ?? []) {
    if (!enabled(e)) continue;
    const blocking = [...(block(e, 'anomaly')?.entries.values() ?? [])].filter(
      (a) =>
        (value(a, 'status') ?? 'disable').toLowerCase() === 'enable' &&
        (value(a, 'action') ?? 'pass').toLowerCase() === 'block',
    );
    if (blocking.length === 0) continue;
    ctx.unsupportedHead(
      e,
      'firewall DoS-policy',
      `DoS policy ${e.key} blocks traffic above thresholds (${blocking.map((a) => a.key).join(', ')}); such rate-based drops ` +
        `(e.g. of RTP as a UDP flood) are not modeled`,
    );
  }
  for (const path of [
    'firewall security-policy',
    'firewall acl',
    'firewall acl6',
    'firewall ttl-policy',
    'firewall interface-policy',
    'firewall interface-policy6',
  ]) {
    for (const e of ctx.section(path)?.entries.values() ?? []) {
      if (!enabled(e)) continue;
      if (path.startsWith('firewall interface-policy')) {
        // Interface policies apply security profiles (IPS, application control) that can block sessions.
        const profiles = ['ips-sensor', 'application-list', 'av-profile', 'webfilter-profile', 'dlp-sensor'].filter(
          (k) => (value(e, `${k}-status`) ?? 'disable') === 'enable',
        );
        if (profiles.length === 0) continue;
        ctx.unsupportedHead(
          e,
          path,
          `interface policy ${e.key} applies ${profiles.join(', ')} on ${values(e, 'interface').join(', ')}; security profiles ` +
            `can block sessions, which fwlint does not model`,
        );
        continue;
      }
      const why =
        path === 'firewall security-policy'
          ? 'NGFW policy-based mode: security policies must also allow the traffic; they are not modeled'
          : path === 'firewall ttl-policy'
            ? 'TTL policies can drop traffic by TTL; not modeled'
            : 'interface ACLs drop traffic before the firewall policies; not modeled';
      ctx.unsupportedHead(e, path, `${path.slice('firewall '.length)} ${e.key}: ${why}`);
    }
  }
  const ngfw = getSet(ctx.section('system settings'), 'ngfw-mode');
  if (ngfw && (ngfw.values[0] ?? '').toLowerCase() === 'policy-based') {
    ctx.unsupportedAt(
      ngfw,
      'system settings ngfw-mode policy-based',
      'NGFW policy-based mode: application and URL control in security policies can block traffic the firewall policies ' +
        'accept; not modeled',
    );
  }
}
