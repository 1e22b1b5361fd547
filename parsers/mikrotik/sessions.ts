import type { Setting } from '../../src/model/location.js';
import type { SessionSettings } from '../../src/model/policy.js';
import type { Ctx } from './context.js';
import {
  SIP_HELPER_DEFAULT,
  UDP_STREAM_DEFAULT_S,
  UDP_TIMEOUT_DEFAULT_V6_S,
  UDP_TIMEOUT_DEFAULT_V7_S,
} from './defaults.js';
import { isYes, type Store } from './store.js';

/**
 * The SIP helper (`/ip firewall service-port sip`, docs/semantics.md#ros-sip) and the UDP idle timeout
 * of an established flow (`/ip firewall connection tracking udp-stream-timeout`, C.5): explicit
 * where the export sets them, else RouterOS's defaults, located where the setting would live.
 */

const UNITS: Readonly<Record<string, number>> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** RouterOS time values: `30s`, `3m`, `1h30m`, `1d`, `1w2d`, `500ms`, `00:03:00`, `1d00:00:00`, a bare number of seconds. */
export function parseTime(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s);
  const clock = /^(?:(\d+)w)?(?:(\d+)d)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(s);
  if (clock) {
    const [, w, d, h, m, sec, frac] = clock;
    return (
      Number(w ?? 0) * 604800 +
      Number(d ?? 0) * 86400 +
      Number(h) * 3600 +
      Number(m) * 60 +
      Number(sec) +
      (frac ? Number(`0.${frac}`) : 0)
    );
  }
  const re = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    const unit = UNITS[m[2] ?? ''];
    if (unit === undefined) return undefined;
    total += Number(m[1]) * unit;
    pos = re.lastIndex;
  }
  return pos > 0 ? total : undefined;
}

function udpTimeoutDefault(ctx: Ctx): string {
  const v = ctx.version;
  const v6 = String(UDP_TIMEOUT_DEFAULT_V6_S);
  const v7 = String(UDP_TIMEOUT_DEFAULT_V7_S);
  if (v.major === 6) return `v6 default ${v6}s`;
  if (v.major === 7) return `v7 default ${v7}s, 10s in early 7.x releases (uncertain)`;
  return `default ${v6}s on v6, ${v7}s on v7`;
}

/** Connection tracking is off: explicitly, or `enabled=auto` (default) with no firewall rule at all (C.2). */
export function conntrackOff(store: Store, ruleCount: number): string | undefined {
  const enabled = store.get('ip firewall connection tracking')?.settings?.get('enabled')?.toLowerCase();
  if (enabled === 'no' || enabled === 'false') return 'connection tracking is disabled (enabled=no)';
  if ((enabled === undefined || enabled === 'auto') && ruleCount === 0)
    return 'connection tracking enabled=auto stays off while no firewall rule exists (docs/semantics.md#ros-filter)';
  return undefined;
}

export function sessions(ctx: Ctx, store: Store, ruleCount: number): SessionSettings {
  return { sipAlg: [sipHelper(ctx, store, ruleCount)], udpTimeout: udpStreamTimeout(ctx, store) };
}

function sipHelper(ctx: Ctx, store: Store, ruleCount: number): Setting<boolean> {
  const menu = store.get('ip firewall service-port');
  const sip = menu?.byName('sip')[0];
  const dis = sip?.prop('disabled');
  const off = conntrackOff(store, ruleCount);
  if (sip && dis) {
    const enabled = !isYes(dis.value);
    const ports = sip.get('ports') ?? '5060,5061';
    if (enabled && off) {
      return {
        value: false,
        source: 'explicit',
        loc: ctx.loc(dis.span),
        reason: `service-port sip disabled=${dis.value}, but ${off}: helpers are inactive (docs/semantics.md#ros-sip)`,
      };
    }
    return {
      value: enabled,
      source: 'explicit',
      loc: ctx.loc(dis.span),
      reason: enabled
        ? `/ip firewall service-port sip disabled=${dis.value}: the SIP helper is on (ports ${ports}, docs/semantics.md#ros-sip)`
        : `/ip firewall service-port sip disabled=${dis.value}: the SIP helper is off (docs/semantics.md#ros-sip)`,
    };
  }
  // Where the setting would live: the `set sip …` line, the service-port section, else the header.
  const loc = sip ? ctx.loc(sip.span) : menu?.anchor ? ctx.loc(menu.anchor) : ctx.headerLoc;
  if (off)
    return {
      value: false,
      source: 'default',
      loc,
      reason: `${off}: the SIP helper is inactive (docs/semantics.md#ros-sip)`,
    };
  return { value: true, source: 'default', loc, reason: SIP_HELPER_DEFAULT };
}

function udpStreamTimeout(ctx: Ctx, store: Store): Setting<number> {
  const menu = store.get('ip firewall connection tracking');
  const ct = menu?.settings;
  const stream = ct?.prop('udp-stream-timeout');
  const udp = ct?.prop('udp-timeout');
  if (stream) {
    const v = parseTime(stream.value);
    if (v !== undefined) {
      return {
        value: v,
        source: 'explicit',
        loc: ctx.loc(stream.span),
        reason:
          `/ip firewall connection tracking udp-stream-timeout=${stream.value} (${String(v)} s) ` +
          'applies to UDP seen in both directions (docs/semantics.md#ros-timeouts)',
      };
    }
    ctx.note(
      `${ctx.where(stream.span)}: udp-stream-timeout=${stream.value} is not a RouterOS time; the default 3m is assumed`,
    );
  }
  const udpNote = udp
    ? `; udp-timeout=${udp.value} (line ${String(ctx.line(udp.span.start))}) only covers UDP that has not been answered`
    : `; udp-timeout (${udpTimeoutDefault(ctx)}) only covers UDP that has not been answered`;
  return {
    value: UDP_STREAM_DEFAULT_S,
    source: 'default',
    loc: ct ? ctx.loc(ct.span) : menu?.anchor ? ctx.loc(menu.anchor) : ctx.headerLoc,
    reason:
      `no udp-stream-timeout in /ip firewall connection tracking: the ${ctx.versionLabel} default 3m (180 s) ` +
      `applies to established UDP (docs/semantics.md#ros-timeouts)${udpNote}`,
  };
}
