import type { Setting } from '../../src/model/location.js';
import type { Match, ScopedSetting, SessionSettings } from '../../src/model/policy.js';
import { protocolNumber, protoSet } from '../../src/model/ports.js';
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
import { conntrackPlace, reach, type CtPlace, type Hooks } from './chains.js';
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

/**
 * The `ct helper set` and `ct timeout set` statements that attach nothing where they run, or may not
 * (conntrackEffects), keyed by helperKey: why, for the SIP ALG settings.
 */
export interface CtEffects {
  never: Map<string, string>;
  doubt: Map<string, string>;
}

const NO_EFFECTS: CtEffects = { never: new Map(), doubt: new Map() };

function helperKey(pos: Pos, name: string): string {
  return `${pos.file}:${String(pos.line)}:${String(pos.column)}:${name}`;
}

/**
 * `ct timeout set` and `ct helper set` act only on a packet whose conntrack entry exists and is not yet
 * confirmed (nft_ct_timeout_obj_eval, nft_ct_helper_obj_eval: no ct, a template or a confirmed one →
 * nothing; docs/semantics.md#nft-conntrack). A chain that every base chain reaching it runs before
 * connection tracking (prerouting or output below −200, ingress) or after the confirmation (egress)
 * attaches nothing: its rules lose the timeout they would set, with a note at the statement. A chain at
 * exactly −200 may run on either side of conntrack: its timeouts are kept and marked uncertain. Run
 * before the ruleset is built, so the rules the model copies (notrack, NAT) carry the result.
 */
export function conntrackEffects(ctx: Ctx, infos: Map<string, ChainInfo>, hooks: Hooks): CtEffects {
  // Most rulesets assign neither: no reachability is computed for them.
  const refs = [...hooks.evaluated].filter((ref) =>
    infos.get(ref)?.flats.some((f) => f.helpers.length > 0 || f.timeouts.length > 0),
  );
  if (refs.length === 0) return NO_EFFECTS;
  // A base chain is reached only from itself (nft refuses a jump to one); a regular chain from the base
  // chains whose jumps lead to it, found only when such a chain assigns something.
  const from = new Map<string, ChainInfo[]>();
  const regular = new Set(refs.filter((ref) => !infos.get(ref)?.chain.base));
  for (const ref of refs) if (!regular.has(ref)) from.set(ref, [must(infos.get(ref), 'an evaluated chain')]);
  if (regular.size > 0) {
    const bases = [...[...hooks.stages.values()].flat(), ...hooks.natPrerouting, ...hooks.natPostrouting];
    for (const b of bases)
      for (const ref of reach(infos, [b])) {
        if (!regular.has(ref)) continue;
        const list = from.get(ref);
        if (list) list.push(b);
        else from.set(ref, [b]);
      }
  }
  const out: CtEffects = { never: new Map(), doubt: new Map() };
  for (const ref of refs) {
    const info = must(infos.get(ref), 'an evaluated chain');
    const reaching = from.get(ref) ?? [];
    const places = reaching.map((b) => conntrackPlace(must(b.chain.base, 'a base chain')));
    if (places.length === 0 || places.includes('tracked')) continue;
    const maybe = places.includes('at');
    const where = placeText(ref, reaching, places);
    for (let i = 0; i < info.flats.length; i++) {
      const flat = must(info.flats[i], 'an entry');
      if (flat.helpers.length === 0 && flat.timeouts.length === 0) continue;
      const rule = must(info.rules[i], 'an entry');
      const stmts = [
        ...flat.timeouts.filter((t) => info.table.timeouts.has(t.name)).map((t) => ({ ...t, kind: 'timeout' })),
        ...flat.helpers.filter((h) => info.table.helpers.has(h.name)).map((h) => ({ ...h, kind: 'helper' })),
      ];
      for (const st of stmts) {
        const what = `\`ct ${st.kind} set "${st.name}"\``;
        const fn = st.kind === 'timeout' ? 'nft_ct_timeout_obj_eval' : 'nft_ct_helper_obj_eval';
        if (maybe) {
          const doubt =
            `${what} at ${ctx.where(st.pos)} is in ${where}: it attaches its ${st.kind} only if connection ` +
            `tracking's hook runs first, which depends on the order the two hooks were registered (docs/semantics.md#nft-conntrack)`;
          ctx.note(
            `${ctx.where(st.pos)}: ${what} may have no effect: ${where} (${fn}; docs/semantics.md#nft-conntrack)`,
          );
          if (st.kind === 'helper') out.doubt.set(helperKey(st.pos, st.name), doubt);
          else if (rule.udpTimeout) rule.udpTimeout = { ...rule.udpTimeout, uncertain: doubt };
          if (st.kind === 'helper' && rule.helperTimeout)
            rule.helperTimeout = { ...rule.helperTimeout, uncertain: doubt };
          continue;
        }
        const why = `${what} at ${ctx.where(st.pos)} has no effect: ${where} (${fn}; docs/semantics.md#nft-conntrack)`;
        ctx.note(`${ctx.where(st.pos)}: ${what} has no effect: ${where} (${fn}; docs/semantics.md#nft-conntrack)`);
        if (st.kind === 'helper') {
          out.never.set(helperKey(st.pos, st.name), why);
          delete rule.helperTimeout;
        } else delete rule.udpTimeout;
      }
    }
  }
  return out;
}

/** Where a chain runs relative to conntrack, for notes: "inet a pre (hook prerouting, priority -300) runs before …". */
function placeText(ref: string, reaching: readonly ChainInfo[], places: readonly CtPlace[]): string {
  const chains = reaching
    .map((b) => {
      const base = must(b.chain.base, 'a base chain');
      const prio = base.hook === 'ingress' || base.hook === 'egress' ? '' : `, priority ${String(base.priority)}`;
      return `${b.ref} (hook ${base.hook}${prio})`;
    })
    .join(', ');
  const direct = reaching.length === 1 && reaching[0]?.ref === ref;
  const subject = direct
    ? `${chains} runs`
    : `${ref} is reached only from ${chains}, which run${reaching.length === 1 ? 's' : ''}`;
  if (places.includes('at'))
    return (
      `${subject} at the priority of connection tracking (-200 on prerouting and output), before or after it ` +
      'by the order the two hooks were registered (equal priorities: nf_hook_entries_grow)'
    );
  if (places.every((p) => p === 'confirmed'))
    return `${subject} after connection tracking has confirmed the connection, when nothing can be attached to it any more`;
  if (places.every((p) => p === 'before'))
    return `${subject} before connection tracking (-200 on prerouting and output), where the packet has no conntrack entry to attach it to`;
  return `${subject} before connection tracking or after it has confirmed the connection: the packet has no entry it can be attached to`;
}

/**
 * The traffic a helper acts on: what the assigning rule matches, of the helper's own protocol only
 * (nft_ct_helper_obj_eval attaches it only to connections of its l4proto; udp when the object omits it).
 */
function helperScope(match: Match, protocol: string | undefined): Match {
  const n = protocolNumber((protocol ?? 'udp').toLowerCase());
  if (n === undefined) return match;
  const own = protoSet([n]);
  return { ...match, proto: match.proto ? match.proto.intersect(own) : own };
}

export function buildSessions(
  ctx: Ctx,
  infos: Map<string, ChainInfo>,
  { evaluated, localOnly, anchor }: Pick<Hooks, 'evaluated' | 'localOnly' | 'anchor'>,
  effects: CtEffects = NO_EFFECTS,
): SessionSettings {
  const sipAlg: ScopedSetting<boolean>[] = [];
  const assigned = new Set<string>();
  const seen = new Set<string>();
  // The first SIP helper assignment that attaches nothing (conntrackEffects): where the default says so.
  let inert: { pos: Pos; why: string } | undefined;
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
        const k = helperKey(h.pos, h.name);
        if (seen.has(k)) continue;
        seen.add(k);
        const never = effects.never.get(k);
        if (never !== undefined) {
          inert ??= { pos: h.pos, why: never };
          continue;
        }
        // The assigning rule's match bounds the traffic the helper acts on (jumps into the chain only narrow it),
        // and so does its hook: an input or output chain sees only the firewall's own connections.
        const local = localOnly.has(ref);
        const doubt = effects.doubt.get(k);
        sipAlg.push({
          value: true,
          source: 'explicit',
          loc: h.pos,
          reason: sipHelperReason(h.name, ctx.where(obj.pos)) + (local ? `; ${LOCAL_HELPER}` : ''),
          scope: helperScope(must(info.rules[i], 'an entry').match, obj.protocol),
          ...(local ? { local } : {}),
          ...(doubt !== undefined ? { uncertain: doubt } : {}),
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
  // Helpers only in chains before conntrack attach nothing: said at the first such assignment.
  if (sipAlg.length === 0 && inert)
    sipAlg.push({
      value: false,
      source: 'explicit',
      loc: inert.pos,
      reason: `${inert.why}; no other rule assigns a helper of type "sip"`,
    });
  else if (sipAlg.every((s) => s.local === true))
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
