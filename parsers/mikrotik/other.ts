import type { Ctx } from './context.js';
import { isYes, type Store } from './store.js';

/**
 * Menus outside the filter/NAT tables that can still change a verdict: they are reported (FWL900)
 * at their line, or noted, never silently dropped.
 */
/** `/ip firewall …` menus fwlint reads or knows to be irrelevant for verdicts. */
const KNOWN_FIREWALL_MENUS = new Set([
  'filter',
  'nat',
  'raw',
  'mangle',
  'address-list',
  'connection tracking',
  'service-port',
  'layer7-protocol',
  'calea',
  'connection',
]);

export function reportOther(ctx: Ctx, store: Store): void {
  for (const [path, menu] of store.menus) {
    const m = /^(ip|ipv6) firewall (.+)$/.exec(path);
    const sub = m?.[2];
    const at = menu.anchor ?? menu.items[0] ?? menu.settings;
    if (sub === undefined || KNOWN_FIREWALL_MENUS.has(sub) || !at) continue;
    ctx.unsupportedAt(at, `/${path}`, 'an unknown firewall menu: fwlint does not know what its entries do to traffic');
  }
  const upnp = store.get('ip upnp')?.settings?.prop('enabled');
  if (upnp && isYes(upnp.value)) {
    ctx.unsupportedAt(
      upnp.span,
      '/ip upnp enabled=yes',
      'UPnP lets hosts open port-forwards at run time, which fwlint cannot see',
    );
  }
  for (const item of store.items('ip hotspot')) {
    const iface = item.get('interface');
    if (item.disabled || !iface) continue;
    ctx.unsupportedAt(
      item.span,
      '/ip hotspot',
      `hotspot server on ${iface}: it adds dynamic firewall and NAT rules (hs-unauth chains) that are not in the export`,
    );
  }
  for (const family of ['ip', 'ipv6']) {
    for (const item of store.items(`${family} firewall mangle`)) {
      if (item.disabled) continue;
      const action = item.get('action');
      if (action === 'mark-routing' || action === 'route') {
        ctx.unsupportedAt(
          item.prop('action')?.span ?? item.span,
          `/${family} firewall mangle action=${action}`,
          'policy routing: matching packets may leave through another interface than the routing table says, which fwlint does not model',
          `/${family} firewall mangle action=${action}`,
        );
      }
    }
  }
  for (const path of ['ip route rule', 'routing rule', 'ipv6 route rule']) {
    for (const item of store.items(path)) {
      if (item.disabled) continue;
      ctx.unsupportedAt(
        item.span,
        `/${path}`,
        'policy routing rule: may change the egress interface, which fwlint does not model',
      );
    }
  }
  for (const table of ['filter', 'nat']) {
    for (const item of store.items(`interface bridge ${table}`)) {
      if (item.disabled) continue;
      const action = item.get('action') ?? 'accept';
      if (action === 'accept' || action === 'passthrough' || action === 'log') continue;
      ctx.unsupportedAt(
        item.span,
        `/interface bridge ${table} action=${action}`,
        'bridge firewall rule: acts on bridged frames (including frames to and from the router on a bridge port), ' +
          'which fwlint does not evaluate',
      );
    }
  }
  const fwd = store.get('ip settings')?.settings?.prop('ip-forward');
  if (fwd && !isYes(fwd.value)) {
    ctx.unsupportedAt(
      fwd.span,
      '/ip settings ip-forward=no',
      'IP forwarding is off: the router routes nothing, which fwlint does not model (it evaluates the forward chain as if routing were on)',
    );
  }
  // connection tracking enabled=no is modelled: filter.ts makes every packet untracked.
  const bridgeSettings = store.get('interface bridge settings')?.settings?.prop('use-ip-firewall');
  if (bridgeSettings && isYes(bridgeSettings.value)) {
    ctx.note(
      `${ctx.where(bridgeSettings.span)}: use-ip-firewall=yes: bridged traffic also passes the IP firewall; ` +
        'fwlint evaluates only routed traffic',
    );
  }
  // Scripts and schedulers that change the firewall at run time.
  const scripted: [string, string[]][] = [
    ['system scheduler', ['on-event']],
    ['system script', ['source']],
    ['tool netwatch', ['up-script', 'down-script', 'test-script']],
    ['ip dhcp-client', ['script']],
    ['ppp profile', ['on-up', 'on-down']],
  ];
  for (const [path, keys] of scripted) {
    for (const item of store.items(path)) {
      if (item.disabled) continue;
      const body = keys.map((k) => item.get(k) ?? '').join('\n');
      if (!/\bfirewall\b|\/ip\/firewall/.test(body)) continue;
      // Never quote the script: it may carry credentials.
      ctx.unsupportedAt(
        item.span,
        `/${path} (script touching the firewall)`,
        'the script changes firewall configuration at run time (e.g. address lists or rules); fwlint evaluates the export as it is',
        `/${path} script`,
      );
    }
  }
  const dns = store.get('ip dns')?.settings?.get('allow-remote-requests');
  if (!isYes(dns)) {
    ctx.note(
      '/ip dns allow-remote-requests is not yes: the router does not answer DNS queries from clients, so ' +
        'fwlint counts DNS to the router as dropped after the input chain (docs/semantics.md#ros-dns)',
    );
  }
}
