import type { Setting } from '../../src/model/location.js';
import type { SessionSettings } from '../../src/model/policy.js';
import { Fields, child, path, type Ctx } from './context.js';
import {
  CONSERVATIVE_UDP_MULTIPLE,
  PF_UDP_MULTIPLE_DEFAULT,
  SIP_ALG_DEFAULT_REASON,
  SIPROXD_UNCERTAIN,
  UDP_DEFAULT_REASON,
} from './defaults.js';
import type { XmlElement } from './xml.js';

/**
 * Effective udp.multiple (docs/semantics.md#pf-states, docs/semantics.md#pf-defaults): pf default 60 s; `set optimization` hints
 * touch only TCP except pfSense/OPNsense's conservative injection (udp.multiple 900); pfSense's
 * `<udpmultipletimeout>` is emitted after the optimization line and wins.
 */
export function udpTimeout(ctx: Ctx): Setting<number> {
  const system = child(ctx.root, 'system');
  const sf = system ? new Fields(system) : undefined;
  if (ctx.platform === 'pfsense') {
    const explicit = sf?.get('udpmultipletimeout');
    const v = explicit?.text.trim() ?? '';
    if (explicit && /^\d+$/.test(v)) {
      return {
        value: Number(v),
        source: 'explicit',
        loc: ctx.loc(explicit),
        reason:
          `<udpmultipletimeout>${v}</udpmultipletimeout> sets udp.multiple ${v} s (emitted after the optimization ` +
          `line, docs/semantics.md#pf-states)`,
      };
    }
  } else if (sf?.has('udpmultipletimeout')) {
    ctx.note(
      '<system><udpmultipletimeout> is ignored: OPNsense has no global UDP timeout keys (docs/semantics.md#pf-opnsense)',
    );
  }
  const optEl = sf?.get('optimization');
  const opt = optEl?.text.trim().toLowerCase() ?? '';
  if (!optEl || opt === '') {
    // A.4: absent <optimization> → `set optimization normal`; udp.multiple stays at pf's 60 s.
    return {
      value: PF_UDP_MULTIPLE_DEFAULT,
      source: 'default',
      loc: system ? ctx.openLoc(system) : ctx.rootLoc,
      reason: UDP_DEFAULT_REASON,
    };
  }
  if (opt === 'conservative') {
    return {
      value: CONSERVATIVE_UDP_MULTIPLE,
      source: 'explicit',
      loc: ctx.loc(optEl),
      reason: `optimization conservative: ${ctx.vendorName} sets udp.multiple 900`,
    };
  }
  const known = ['normal', 'aggressive', 'high-latency', 'satellite'].includes(opt);
  if (!known) ctx.note(`unknown <optimization>${opt}</optimization>; assumed to leave UDP timeouts at pf's defaults`);
  return {
    value: PF_UDP_MULTIPLE_DEFAULT,
    source: 'explicit',
    loc: ctx.loc(optEl),
    reason:
      `<optimization>${opt}</optimization> leaves udp.multiple at pf's default 60 s: pf's optimization hints change ` +
      `only TCP timeouts (docs/semantics.md#pf-states)`,
  };
}

function siproxdElement(ctx: Ctx): XmlElement | undefined {
  if (ctx.platform === 'opnsense') return path(ctx.root, 'OPNsense', 'siproxd');
  const pkgs = child(ctx.root, 'installedpackages');
  const direct = child(pkgs, 'siproxd');
  if (direct) return direct;
  // The package list entry: <installedpackages><package><name>siproxd</name>.
  for (const p of pkgs?.children ?? []) {
    if (p.name === 'package' && child(p, 'name')?.text.trim().toLowerCase() === 'siproxd') return p;
  }
  return undefined;
}

/** pf has no SIP helper (A.5); the siproxd package/plugin is the only SIP proxy. */
export function sipAlg(ctx: Ctx): Setting<boolean>[] {
  const el = siproxdElement(ctx);
  if (el) {
    return [
      {
        value: true,
        source: 'explicit',
        loc: ctx.loc(el),
        reason:
          `siproxd ${ctx.platform === 'pfsense' ? 'package' : 'plugin'} configuration present: a SIP proxy may ` +
          `rewrite SIP traffic (docs/semantics.md#pf-sip)`,
        uncertain: SIPROXD_UNCERTAIN,
      },
    ];
  }
  return [{ value: false, source: 'default', loc: ctx.rootLoc, reason: SIP_ALG_DEFAULT_REASON }];
}

/** UPnP/NAT-PMP lets hosts open port forwards at run time. */
export function reportUpnp(ctx: Ctx): void {
  const el = path(ctx.root, 'installedpackages', 'miniupnpd') ?? path(ctx.root, 'OPNsense', 'miniupnpd');
  if (!el) return;
  const cfg = child(el, 'config') ?? el;
  const enable = child(cfg, 'enable');
  if (!enable || enable.text.trim() === '' || enable.text.trim() === '0') return;
  ctx.unsupportedAt(
    el,
    '<miniupnpd>',
    'UPnP/NAT-PMP is enabled: hosts can open port forwards and pinholes at run time, which fwlint cannot see',
  );
}

export function sessions(ctx: Ctx, pfOff: boolean): SessionSettings {
  // pf keeps a state per interface a routed flow passes (docs/semantics.md#pf-states); with pf off it
  // keeps none (docs/semantics.md#pf-disablefilter: the ruleset's first stage untracks every packet).
  const out: SessionSettings = { sipAlg: sipAlg(ctx), udpTimeout: udpTimeout(ctx) };
  if (!pfOff) out.statePerStage = true;
  return out;
}
