import type { Setting } from '../../src/model/location.js';
import type { ScopedSetting, SessionSettings } from '../../src/model/policy.js';
import type { Ctx } from './context.js';
import {
  AUTO_HELPER_UNCERTAIN,
  KERNEL_UDP_DEFAULT_REASON,
  KERNEL_UDP_STREAM_DEFAULT,
  LOCAL_HELPER,
  NFT_BUILTIN_UDP_REPLIED,
  SIP_HELPER_DEFAULT_REASON,
  SIP_HELPER_LOCAL_REASON,
  sipHelperReason,
  sysctlUdpReason,
  timeoutExplicitReason,
  timeoutOmittedReason,
} from './defaults.js';
import { must, type NTable, type Pos } from './ir.js';
import type { Hooks } from './chains.js';
import type { ChainInfo, TimeoutResolver } from './rules.js';

/**
 * SIP helper (check 2) and UDP idle timeout (check 3), docs/semantics.md#nft-helpers, docs/semantics.md#nft-timeouts.
 * - A `ct helper` object of type "sip" acts as a SIP ALG only where `ct helper set` assigns it, on
 *   traffic of a chain fwlint evaluates. Kernels ≥ 4.7 assign no helper on their own.
 * - `ct timeout set` gives the flows it matches the object's `replied` timeout; a state left out of
 *   the policy takes nft's built-in (UDP replied 120 s), not the sysctl. Everything else uses the
 *   kernel's nf_conntrack_udp_timeout_stream (120 s; --sysctl supplies the host's value).
 */

const UDP_STREAM_KEY = 'net.netfilter.nf_conntrack_udp_timeout_stream';
const HELPER_KEY = 'net.netfilter.nf_conntrack_helper';

export function timeoutResolver(ctx: Ctx): TimeoutResolver {
  return (table: NTable, name: string, pos: Pos): Setting<number> | undefined => {
    const obj = table.timeouts.get(name);
    if (!obj) {
      ctx.note(
        `${ctx.where(pos)}: ct timeout "${name}" is not defined in table ${table.family} ${table.name}; nft would refuse the rule`,
      );
      return undefined;
    }
    if (obj.protocol !== 'udp') return undefined;
    const replied = obj.policy.get('replied');
    if (replied)
      return {
        value: replied.seconds,
        source: 'explicit',
        loc: replied.pos,
        reason: timeoutExplicitReason(name, replied.seconds),
      };
    return {
      value: NFT_BUILTIN_UDP_REPLIED,
      source: 'default',
      loc: obj.policyPos ?? obj.pos,
      reason: timeoutOmittedReason(name),
    };
  };
}

export function buildSessions(
  ctx: Ctx,
  infos: Map<string, ChainInfo>,
  { evaluated, localOnly, anchor }: Pick<Hooks, 'evaluated' | 'localOnly' | 'anchor'>,
): SessionSettings {
  const sipAlg: ScopedSetting<boolean>[] = [];
  const assigned = new Set<string>();
  const seen = new Set<string>();
  for (const ref of evaluated) {
    const info = infos.get(ref);
    if (!info) continue;
    for (let i = 0; i < info.flats.length; i++) {
      const flat = info.flats[i];
      if (!flat?.helpers.length) continue;
      for (const h of flat.helpers) {
        const obj = info.table.helpers.get(h.name);
        if (!obj) {
          ctx.note(
            `${ctx.where(h.pos)}: ct helper "${h.name}" is not defined in table ` +
              `${info.table.family} ${info.table.name}; nft would refuse the rule`,
          );
          continue;
        }
        assigned.add(`${info.table.family} ${info.table.name} ${h.name}`);
        if (obj.helperType.toLowerCase() !== 'sip') continue;
        const k = `${h.pos.file}:${String(h.pos.line)}:${String(h.pos.column)}:${h.name}`;
        if (seen.has(k)) continue;
        seen.add(k);
        // The assigning rule's match bounds the traffic the helper acts on (jumps into the chain only narrow it),
        // and so does its hook: an input or output chain sees only the firewall's own connections.
        const local = localOnly.has(ref);
        sipAlg.push({
          value: true,
          source: 'explicit',
          loc: h.pos,
          reason: sipHelperReason(h.name, ctx.where(obj.pos)) + (local ? `; ${LOCAL_HELPER}` : ''),
          scope: must(info.rules[i], 'an entry').match,
          ...(local ? { local } : {}),
        });
      }
    }
  }
  for (const t of ctx.doc.tables) {
    for (const h of t.helpers.values()) {
      if (h.helperType.toLowerCase() === 'sip' && !assigned.has(`${t.family} ${t.name} ${h.name}`)) {
        ctx.note(
          `${ctx.where(h.pos)}: ct helper ${h.name} of type "sip" is declared but no evaluated rule assigns it ` +
            `(\`ct helper set "${h.name}"\`), so it does not act on traffic`,
        );
      }
    }
  }
  const sysctl = ctx.options.sysctl ?? {};
  if (sysctl[HELPER_KEY]?.trim() === '1') {
    sipAlg.push({
      value: true,
      source: 'explicit',
      loc: anchor,
      reason: `${HELPER_KEY} = 1 from --sysctl: the kernel assigns the SIP helper to port 5060 on its own (docs/semantics.md#nft-helpers)`,
      uncertain: AUTO_HELPER_UNCERTAIN,
    });
  }
  // Helpers only in input or output chains: forwarded traffic has none (said at the first such assignment).
  if (sipAlg.every((s) => s.local === true))
    sipAlg.push({
      value: false,
      source: 'default',
      loc: sipAlg[0]?.loc ?? anchor,
      reason: sipAlg.length === 0 ? SIP_HELPER_DEFAULT_REASON : SIP_HELPER_LOCAL_REASON,
    });

  let udpTimeout: Setting<number>;
  const raw = sysctl[UDP_STREAM_KEY]?.trim();
  if (raw !== undefined && /^\d+$/.test(raw)) {
    udpTimeout = {
      value: Number(raw),
      source: 'explicit',
      loc: anchor,
      reason: sysctlUdpReason(UDP_STREAM_KEY, Number(raw)),
    };
  } else {
    if (raw !== undefined)
      ctx.note(`--sysctl: ${UDP_STREAM_KEY} = ${raw} is not a number of seconds; the kernel default is used`);
    udpTimeout = {
      value: KERNEL_UDP_STREAM_DEFAULT,
      source: 'default',
      loc: anchor,
      reason: KERNEL_UDP_DEFAULT_REASON,
    };
  }
  return { sipAlg, udpTimeout };
}
