import type { Setting, SourceLocation } from '../../src/model/location.js';
import type { ScopedSetting, SessionSettings } from '../../src/model/policy.js';
import { parsePortRange, portSet, type PortSet } from '../../src/model/ports.js';
import type { Ctx } from './context.js';
import {
  SIP_HELPER_DEFAULT,
  SIP_HELPER_PORTS,
  UDP_STREAM_DEFAULT_S,
  UDP_TIMEOUT_DEFAULT_V6_S,
  UDP_TIMEOUT_DEFAULT_V7_S,
} from './defaults.js';
import { isYes, type Prop, type Store } from './store.js';

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

/** Connection tracking is off (docs/semantics.md#ros-conntrack): why, and the `enabled=` that says so, if written. */
export interface TrackingOff {
  why: string;
  /** The `enabled=` property; absent: the default `auto`. */
  enabled?: Prop;
  /** `enabled=no`: off by the export's own line, not by a default. */
  explicit: boolean;
}

/** Connection tracking is off: explicitly, or `enabled=auto` (default) with no firewall rule at all (C.2). */
export function conntrackOff(ctx: Ctx, store: Store, ruleCount: number): TrackingOff | undefined {
  const p = store.get('ip firewall connection tracking')?.settings?.prop('enabled');
  const enabled = p?.value.toLowerCase();
  if (p && (enabled === 'no' || enabled === 'false'))
    return {
      why: `connection tracking is off (enabled=${p.value}, line ${String(ctx.line(p.start))})`,
      enabled: p,
      explicit: true,
    };
  if ((enabled === undefined || enabled === 'auto') && ruleCount === 0)
    return {
      why:
        'connection tracking enabled=auto stays off while no firewall rule exists, and this export has none ' +
        '(docs/semantics.md#ros-conntrack)',
      ...(p && { enabled: p }),
      explicit: false,
    };
  return undefined;
}

/** Where the `enabled=` of connection tracking is, or would be: its line, the menu, else the export header. */
export function trackingLoc(ctx: Ctx, store: Store, off: TrackingOff): SourceLocation {
  const menu = store.get('ip firewall connection tracking');
  if (off.enabled) return ctx.loc(off.enabled);
  return menu?.settings ? ctx.loc(menu.settings.span) : menu?.anchor ? ctx.loc(menu.anchor) : ctx.headerLoc;
}

export function sessions(ctx: Ctx, store: Store, ruleCount: number): SessionSettings {
  return { sipAlg: [sipHelper(ctx, store, ruleCount)], udpTimeout: udpStreamTimeout(ctx, store) };
}

/** RouterOS service-port `ports`: a comma list of ports or ranges (`5060,5061`, `5060-5070`); undefined if unreadable. */
function servicePorts(text: string): PortSet | undefined {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const r = parsePortRange(part.trim(), '-');
    if (!r) return undefined;
    ranges.push(r);
  }
  return ranges.length > 0 ? portSet(ranges) : undefined;
}

/**
 * The SIP helper (docs/semantics.md#ros-sip): on unless `disabled=yes` or connection tracking is off,
 * bound to the service-port's `ports` (default 5060,5061): it handles only connections to them.
 */
function sipHelper(ctx: Ctx, store: Store, ruleCount: number): ScopedSetting<boolean> {
  const menu = store.get('ip firewall service-port');
  const sip = menu?.byName('sip')[0];
  const dis = sip?.prop('disabled');
  const portsProp = sip?.prop('ports');
  const off = conntrackOff(ctx, store, ruleCount);
  if (off) {
    // Explicit `enabled=no`: the helper is off by that line, whatever the service-port says.
    if (off.explicit)
      return {
        value: false,
        source: 'explicit',
        loc: trackingLoc(ctx, store, off),
        reason: `${off.why}: the SIP helper is inactive (docs/semantics.md#ros-sip)`,
      };
    if (sip && dis && !isYes(dis.value))
      return {
        value: false,
        source: 'explicit',
        loc: ctx.loc(dis.span),
        reason: `service-port sip disabled=${dis.value}, but ${off.why}: helpers are inactive (docs/semantics.md#ros-sip)`,
      };
  }
  if (dis && isYes(dis.value))
    return {
      value: false,
      source: 'explicit',
      loc: ctx.loc(dis.span),
      reason: `/ip firewall service-port sip disabled=${dis.value}: the SIP helper is off (docs/semantics.md#ros-sip)`,
    };
  // Where the setting would live: the `set sip …` line, the service-port section, else the header.
  const loc = sip ? ctx.loc(sip.span) : menu?.anchor ? ctx.loc(menu.anchor) : ctx.headerLoc;
  if (off)
    return {
      value: false,
      source: 'default',
      loc,
      reason: `${off.why}: the SIP helper is inactive (docs/semantics.md#ros-sip)`,
    };
  const ports = portsProp ? servicePorts(portsProp.value) : SIP_HELPER_PORTS;
  const scope = ports ? { scope: { dport: ports } } : {};
  if (portsProp && !ports)
    ctx.note(
      `${ctx.where(portsProp.span)}: service-port sip ports=${portsProp.value} is not a list of ports; ` +
        'the SIP helper is taken to act on every port',
    );
  // `disabled=no` turns it on (verbose exports print it with the ports).
  if (dis)
    return {
      value: true,
      source: 'explicit',
      loc: ctx.loc(dis.span),
      reason:
        `/ip firewall service-port sip disabled=${dis.value}: the SIP helper is on ` +
        `(ports ${portsProp?.value ?? '5060,5061'}, docs/semantics.md#ros-sip)`,
      ...scope,
    };
  // On by default, but on the ports this line sets: it handles connections to those only.
  if (portsProp)
    return {
      value: true,
      source: 'explicit',
      loc: ctx.loc(portsProp.span),
      reason:
        `/ip firewall service-port sip ports=${portsProp.value}: the SIP helper (on by default) handles ` +
        `connections to ${portsProp.value} only (docs/semantics.md#ros-sip)`,
      ...scope,
    };
  return { value: true, source: 'default', loc, reason: SIP_HELPER_DEFAULT, ...scope };
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
