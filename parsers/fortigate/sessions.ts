import type { Setting } from '../../src/model/location.js';
import type { Match, ScopedSetting, SessionSettings } from '../../src/model/policy.js';
import { PROTO, portSet, protoSet } from '../../src/model/ports.js';
import {
  ALG_PROXY_DEFAULT_REASON,
  SIP_HELPER_LEGACY_UNCERTAIN,
  sessionHelperDefaultReason,
  UDP_IDLE_DEFAULT,
  UDP_IDLE_DEFAULT_REASON,
  UDP_IDLE_DEFAULT_UNCERTAIN,
  UDP_IDLE_HELP_TEXT,
} from './defaults.js';
import { versionAtLeast, versionBelow } from './header.js';
import type { Env, PolicyInfo } from './policies.js';
import { block, getSet, value, type Entry, type SetStmt } from './tree.js';

/** What the optional SIP settings add to a reason (docs/semantics.md#fgt-sip defaults: sip-nat-trace enable, sip-expectation disable). */
function sipDetails(env: Env): string {
  const settings = env.ctx.section('system settings');
  const trace = (value(settings, 'sip-nat-trace') ?? 'enable').toLowerCase() === 'enable';
  const expect = (value(settings, 'sip-expectation') ?? 'disable').toLowerCase() === 'enable';
  const parts: string[] = [];
  if (trace)
    parts.push(
      `sip-nat-trace ${getSet(settings, 'sip-nat-trace') ? 'enable' : 'enable (default)'}: the original addresses are ` +
        `recorded in SIP headers`,
    );
  if (expect) parts.push('sip-expectation enable: the helper opens pinholes for the media it announces');
  return parts.length ? `; ${parts.join('; ')}` : '';
}

/**
 * Every mechanism that can act as a SIP ALG (docs/semantics.md#fgt-sip), each with the policies it acts
 * on (ScopedSetting.rules: the policies of the forward chain, by id):
 * - the default VoIP ALG mode: proxy-based (the default) = the SIP ALG with the "default" profile on
 *   every accepting policy without a voip-profile;
 * - a policy's voip-profile: the SIP ALG on that policy in any mode, unless the profile disables SIP
 *   (`config sip / set status disable`): then the SIP session helper handles its SIP (Fortinet KB 211669);
 * - a policy's ips-voip-filter: flow-based SIP inspection on that policy;
 * - the kernel SIP session helper (`sip` entry of the session-helper table; the legacy `sip-helper`
 *   switch before 6.2): in kernel-helper-based mode on the policies whose profile does not enable SIP,
 *   in proxy-based mode on those whose profile disables it.
 */
export function sipAlg(env: Env, policies: readonly PolicyInfo[]): ScopedSetting<boolean>[] {
  const { ctx } = env;
  const out: ScopedSetting<boolean>[] = [];
  const settings = ctx.section('system settings');
  const modeStmt = getSet(settings, 'default-voip-alg-mode');
  const mode = (modeStmt?.values[0] ?? 'proxy-based').toLowerCase();
  const proxy = mode !== 'kernel-helper-based';
  const details = sipDetails(env);
  const flowNote =
    versionAtLeast(ctx.header, 7, 0) || !ctx.header.version
      ? '; on FortiOS 7.0+ flow-mode policies without a voip-profile get flow-based SIP inspection instead'
      : '';
  // The defaults table is from FortiOS 6.x/7.x; for 5.x it is not confirmed.
  const old = versionBelow(ctx.header, 6, 0)
    ? `FortiOS ${ctx.header.versionText}: the proxy-based default is documented for 6.x and later only`
    : undefined;
  // The accepting policies that name a VoIP profile, by whether it enables SIP; the others get the mode's mechanism.
  const profiled: string[] = [];
  const sipOn: string[] = [];
  const sipOff: string[] = [];
  const perPolicy: ScopedSetting<boolean>[] = [];
  for (const p of policies) {
    if (p.action === 'deny') continue;
    const only = { chain: FORWARD, ids: [p.id] };
    const v = getSet(p.entry, 'voip-profile');
    const name = v?.values[0];
    if (v && name) {
      profiled.push(p.id);
      const off = profileSipOff(env, name);
      if (off) {
        sipOff.push(p.id);
        perPolicy.push({
          value: false,
          source: 'explicit',
          loc: ctx.loc(v),
          reason:
            `${p.label} uses voip-profile "${name}", whose SIP inspection is disabled ` +
            `(\`set status disable\` at line ${off.line}): the SIP ALG does not handle SIP on this policy; ` +
            'the SIP session helper does where its entry exists ' +
            '(Fortinet KB 211669, docs/semantics.md#fgt-sip)',
          rules: only,
        });
      } else {
        sipOn.push(p.id);
        perPolicy.push({
          value: true,
          source: 'explicit',
          loc: ctx.loc(v),
          reason:
            `${p.label} uses voip-profile "${name}": the SIP ALG handles SIP on this policy whatever ` +
            'default-voip-alg-mode says (docs/semantics.md#fgt-sip)',
          rules: only,
        });
      }
    }
    const ips = getSet(p.entry, 'ips-voip-filter');
    const filter = ips?.values[0];
    if (ips && filter)
      perPolicy.push({
        value: true,
        source: 'explicit',
        loc: ctx.loc(ips),
        reason:
          `${p.label} uses ips-voip-filter "${filter}": flow-based SIP inspection handles SIP on this policy ` +
          '(docs/semantics.md#fgt-sip)',
        rules: only,
      });
  }
  // Proxy-based mode: the SIP ALG on every accepting policy without a voip-profile.
  const withoutProfile = { chain: FORWARD, ids: profiled, except: true };
  if (proxy) {
    if (modeStmt) {
      out.push({
        value: true,
        source: 'explicit',
        loc: ctx.loc(modeStmt),
        reason:
          `default-voip-alg-mode ${mode}: the SIP ALG handles SIP on every policy without a voip-profile ` +
          `(docs/semantics.md#fgt-sip)${flowNote}${details}`,
        rules: withoutProfile,
      });
    } else {
      const d: ScopedSetting<boolean> = {
        value: true,
        source: 'default',
        loc: ctx.sectionLoc('system settings'),
        reason: `${ALG_PROXY_DEFAULT_REASON}${flowNote}${details}`,
        rules: withoutProfile,
      };
      if (old) d.uncertain = old;
      out.push(d);
    }
    // The session helper handles only the policies whose profile disables SIP (Fortinet KB 211669).
    if (sipOff.length > 0)
      for (const h of sessionHelper(env, details, PROXY_HELPER_WHERE))
        out.push({
          ...h,
          rules: { chain: FORWARD, ids: sipOff },
          ...(h.value ? { uncertain: joined(h.uncertain, PROXY_HELPER_UNCERTAIN) } : {}),
        });
  } else {
    out.push({
      value: false,
      source: 'explicit',
      loc: modeStmt ? ctx.loc(modeStmt) : ctx.sectionLoc('system settings'),
      reason:
        'default-voip-alg-mode kernel-helper-based: policies without a voip-profile use the SIP session helper where its ' +
        'entry exists (docs/semantics.md#fgt-sip)',
    });
    // Every policy but those whose profile enables SIP (the ALG handles those).
    for (const h of sessionHelper(env, details, 'in kernel-helper-based mode'))
      out.push({ ...h, rules: { chain: FORWARD, ids: sipOn, except: true } });
  }
  out.push(...perPolicy);
  return out;
}

/** The forward chain of the model, where the policies are (index.ts). */
const FORWARD = 'forward';

/** Where the session helper acts in proxy-based mode (Fortinet KB 211669). */
const PROXY_HELPER_WHERE = 'in proxy-based mode on the policies whose voip-profile disables SIP (Fortinet KB 211669)';

const PROXY_HELPER_UNCERTAIN =
  'that the SIP session helper takes over a policy whose voip-profile disables SIP in proxy-based mode is said only by ' +
  'Fortinet KB 211669, not by the administration guide (docs/semantics.md#fgt-sip; uncertain)';

function joined(a: string | undefined, b: string): string {
  return a ? `${a}; ${b}` : b;
}

/**
 * Where `config voip profile / edit X / config sip / set status disable` turns SIP off, or undefined
 * when the profile's SIP inspection is on (the default, docs/semantics.md#fgt-sip).
 */
function profileSipOff(env: Env, name: string): SetStmt | undefined {
  const prof = env.ctx.section('voip profile')?.entries.get(name);
  if (!prof) {
    if (name !== 'default' && name !== 'strict')
      env.ctx.note(
        `voip profile "${name}" is not defined in the file; its SIP inspection is taken to be enabled (the default)`,
      );
    return undefined;
  }
  const sip = block(prof, 'sip');
  const status = getSet(sip, 'status');
  return (status?.values[0] ?? 'enable').toLowerCase() === 'disable' ? status : undefined;
}

/**
 * The kernel SIP session helper (docs/semantics.md#fgt-sip, docs/semantics.md#fgt-defaults); `where` says on
 * which policies it acts ("in kernel-helper-based mode").
 */
function sessionHelper(env: Env, details: string, where: string): ScopedSetting<boolean>[] {
  const { ctx } = env;
  const settings = ctx.section('system settings');
  // FortiOS before 6.2 also has `set sip-helper enable|disable` (default believed enable (uncertain)).
  const legacy = getSet(settings, 'sip-helper') ?? getSet(ctx.globalSection('system global'), 'sip-helper');
  if (legacy && (legacy.values[0] ?? '').toLowerCase() === 'disable') {
    return [
      {
        value: false,
        source: 'explicit',
        loc: ctx.loc(legacy),
        reason:
          'sip-helper disable: the kernel SIP session helper is off (FortiOS before 6.2, docs/semantics.md#fgt-sip)',
      },
    ];
  }
  const legacyDoubt = !legacy && versionBelow(ctx.header, 6, 2) ? SIP_HELPER_LEGACY_UNCERTAIN : undefined;
  const table = ctx.globalSection('system session-helper');
  if (!table) {
    const s: ScopedSetting<boolean> = {
      value: true,
      source: 'default',
      loc: ctx.root,
      reason: `${sessionHelperDefaultReason(where)}${details}`,
      scope: FACTORY_SIP_HELPER,
    };
    if (legacyDoubt) s.uncertain = legacyDoubt;
    return [s];
  }
  const sip = [...table.entries.values()].filter((e: Entry) => (value(e, 'name') ?? '').toLowerCase() === 'sip');
  if (sip.length === 0) {
    return [
      {
        value: false,
        source: 'explicit',
        loc: ctx.openLoc(table),
        reason: 'the session-helper table has no "sip" entry: the kernel SIP helper is off',
      },
    ];
  }
  return sip.map((e) => {
    const scope = helperScope(value(e, 'protocol'), value(e, 'port'));
    const s: ScopedSetting<boolean> = {
      value: true,
      source: 'explicit',
      loc: ctx.loc(e),
      reason:
        `session-helper ${e.key} (sip, protocol ${value(e, 'protocol') ?? '?'}, port ${value(e, 'port') ?? '?'}): ` +
        `the kernel SIP session helper handles SIP ${where}${scope ? ', on connections to that protocol and port only' : ''}` +
        details,
      ...(scope && { scope }),
    };
    if (legacy) s.reason += ` (sip-helper ${legacy.values[0]})`;
    if (legacyDoubt) s.uncertain = legacyDoubt;
    return s;
  });
}

/** The factory table's "sip" entry: protocol 17 (UDP), port 5060 (docs/semantics.md#fgt-defaults). */
const FACTORY_SIP_HELPER: Match = { proto: protoSet([PROTO.udp]), dport: portSet([[5060, 5060]]) };

/**
 * The connections a session-helper entry handles: those of its protocol to its port
 * (docs/semantics.md#fgt-sip). Undefined (every connection) when either is missing or unreadable.
 */
function helperScope(protocol: string | undefined, port: string | undefined): Match | undefined {
  const proto = Number(protocol);
  const p = Number(port);
  if (!/^\d+$/.test(protocol ?? '') || !/^\d+$/.test(port ?? '') || proto > 255 || p > 65535) return undefined;
  return { proto: protoSet([proto]), dport: portSet([[p, p]]) };
}

/**
 * Idle timeout of established UDP: `config system global / set udp-idle-timer` (default 180 s,
 * docs/semantics.md#fgt-timeouts); per-service timers are on the rules. Whether `system session-ttl` port
 * entries for UDP or a policy's `session-ttl` also govern UDP is not documented: noted and flagged.
 */
export function udpTimeout(env: Env, policies: readonly PolicyInfo[]): Setting<number> {
  const { ctx } = env;
  const doubts: string[] = [];
  for (const p of ctx.section('system session-ttl')
    ? [...(block(ctx.section('system session-ttl'), 'port')?.entries.values() ?? [])]
    : []) {
    if ((value(p, 'protocol') ?? '0') !== '17') continue;
    const t = value(p, 'timeout') ?? '300';
    const msg =
      `system session-ttl port entry ${p.key} sets timeout ${t} for UDP ports ` +
      `${value(p, 'start-port') ?? '0'}-${value(p, 'end-port') ?? '65535'} (line ${p.line})`;
    doubts.push(msg);
    ctx.note(
      `${ctx.where(p)}: ${msg}; whether it governs the idle time of UDP sessions is not documented (docs/semantics.md#fgt-timeouts ` +
        `(uncertain)); fwlint uses udp-idle-timer`,
    );
  }
  for (const p of policies) {
    const s = getSet(p.entry, 'session-ttl');
    if (!s || p.action === 'deny' || !(Number(s.values[0]) > 0)) continue;
    doubts.push(`${p.label} sets session-ttl ${s.values[0]} (line ${s.line})`);
    ctx.note(
      `${ctx.where(s)}: ${p.label} sets session-ttl ${s.values[0]}; whether it governs the idle time of UDP sessions is ` +
        `not documented (docs/semantics.md#fgt-timeouts; uncertain); fwlint uses udp-idle-timer`,
    );
  }
  const doubt = doubts.length
    ? `${doubts.join('; ')}: whether these govern UDP idle time is not documented (docs/semantics.md#fgt-timeouts; uncertain)`
    : undefined;
  const g = ctx.globalSection('system global');
  const s = getSet(g, 'udp-idle-timer');
  const v = Number(s?.values[0]);
  if (s && Number.isInteger(v) && v > 0) {
    const out: Setting<number> = {
      value: v,
      source: 'explicit',
      loc: ctx.loc(s),
      reason: `udp-idle-timer ${v} in config system global (docs/semantics.md#fgt-timeouts)`,
    };
    if (doubt) out.uncertain = doubt;
    return out;
  }
  if (s)
    ctx.note(
      `${ctx.where(s)}: udp-idle-timer "${s.values[0] ?? ''}" is not a number of seconds; the default 180 s is assumed`,
    );
  return {
    value: UDP_IDLE_DEFAULT,
    source: 'default',
    loc: ctx.sectionLoc('system global', true),
    reason: UDP_IDLE_DEFAULT_REASON,
    // Only the help text's 60 is in doubt: a check both values fail (or pass) is certain.
    ...(doubt
      ? { uncertain: `${UDP_IDLE_DEFAULT_UNCERTAIN}; ${doubt}` }
      : { uncertain: UDP_IDLE_DEFAULT_UNCERTAIN, alternatives: [UDP_IDLE_DEFAULT, UDP_IDLE_HELP_TEXT] }),
  };
}

export function sessions(env: Env, policies: readonly PolicyInfo[]): SessionSettings {
  return { sipAlg: sipAlg(env, policies), udpTimeout: udpTimeout(env, policies) };
}
