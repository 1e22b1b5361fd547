import { ANY_V4, ANY_V6, NO_ADDR, type AddrSet } from '../../src/model/address.js';
import type { Setting, SourceLocation } from '../../src/model/location.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Action, Chain, Match, Rule, SymbolicRef, UncertainRef } from '../../src/model/policy.js';
import type { PortSet, ProtoSet } from '../../src/model/ports.js';
import type { Addresses, Family, SymbolicName } from './addresses.js';
import type { Ctx } from './context.js';
import { UNDEFINED_ADDRESS, UNDEFINED_SERVICE } from './defaults.js';
import type { Interfaces } from './interfaces.js';
import { ServiceBox, type Services } from './services.js';
import { Appender } from '../toolkit/appender.js';
import { flat, quoted } from '../toolkit/labels.js';
import { value, values, type Entry, type SetStmt, type Sets } from './tree.js';
import type { Vip, Vips } from './vips.js';

export interface Env {
  ctx: Ctx;
  ifaces: Interfaces;
  addrs: Addresses;
  services: Services;
  vips: Vips;
  /** `config system settings / set central-nat enable`: VIPs apply on their own, SNAT from central-snat-map. */
  central: boolean;
}

/** One firewall policy as read, with the rules it became: the SNAT builder and the VoIP reader use it too. */
export interface PolicyInfo {
  entry: Entry;
  id: string;
  label: string;
  action: 'accept' | 'deny' | 'ipsec';
  /** One rule per address family, destination part and service box (for service-negate: the jump). */
  pieces: Rule[];
  /** Whether the policy carries `nat enable`. */
  nat: boolean;
  comment?: string;
  text: string;
}

/** Attributes that change which traffic a policy matches and that fwlint does not model. */
const UNMODELED: Record<string, string> = {
  users: 'the policy matches only traffic of authenticated users; fwlint evaluates it as matching every user',
  groups: 'the policy matches only traffic of authenticated user groups; fwlint evaluates it as matching every user',
  'fsso-groups': 'the policy matches only FSSO user groups; fwlint evaluates it as matching every user',
  'ztna-ems-tag': 'ZTNA tags restrict the matching devices; fwlint ignores them',
  'ztna-geo-tag': 'ZTNA geo tags restrict the matching devices; fwlint ignores them',
  'src-vendor-mac': 'vendor MAC matching is not modeled',
  'reputation-minimum': 'reputation-based matching is not modeled',
  'tos-mask': 'TOS matching is not modeled',
  devices: 'device-type matching is not modeled',
  device: 'device-type matching is not modeled',
  'vlan-filter': 'VLAN filtering is not modeled',
  'match-vip-only': 'match-vip-only restricts the policy to VIP traffic; fwlint evaluates it without that restriction',
  application:
    'application matching (NGFW policy-based mode) is not modeled; the policy is evaluated as matching every application',
  'url-category': 'URL category matching is not modeled',
  'network-service-dynamic': 'dynamic network services are not modeled',
  'tcp-session-without-syn': 'sessions without SYN are not modeled',
  'rtp-nat': 'RTP NAT is not modeled',
  nat46: 'NAT46 is not modeled',
  nat64: 'NAT64 is not modeled',
  'identity-based-route': 'identity-based routing may change the egress interface, which fwlint does not model',
};

/**
 * The attributes a policy's conversion reads, found in one pass over its statements (an entry keeps
 * one statement per name): `at[F.x]` is the statement index of `x`, or -1.
 */
const FIELD_NAMES = [
  'status',
  'name',
  'action',
  'schedule',
  'srcintf',
  'dstintf',
  'internet-service',
  'internet-service6',
  'internet-service-src',
  'internet-service6-src',
  'service',
  'service-negate',
  'nat',
  'comments',
  'srcaddr',
  'dstaddr',
  'srcaddr6',
  'dstaddr6',
  'srcaddr-negate',
  'dstaddr-negate',
  'srcaddr6-negate',
  'dstaddr6-negate',
  'match-vip',
] as const;
type FieldName = (typeof FIELD_NAMES)[number];
const FIELD = new Map<string, number>(FIELD_NAMES.map((n, i) => [n, i]));
const F = Object.fromEntries(FIELD_NAMES.map((n, i) => [n, i])) as Record<FieldName, number>;
const UNSET: readonly number[] = FIELD_NAMES.map(() => -1);
/** One policy entry's statements, looked up by field (`F.x`): made once per policy, read by its conversion. */
class PolicyFields {
  private readonly sets: Sets;
  /** A plain array (copied from UNSET): a typed array per policy costs an ArrayBuffer each. */
  private readonly at: number[] = UNSET.slice();

  constructor(sets: Sets) {
    this.sets = sets;
    for (let k = 0; k < sets.size; k++) {
      const f = FIELD.get(sets.name(k));
      if (f !== undefined) this.at[f] = k;
    }
  }

  has(f: number): boolean {
    return (this.at[f] ?? -1) >= 0;
  }

  /** First value of the field, as tree.ts value(). */
  v(f: number): string | undefined {
    const k = this.at[f] ?? -1;
    return k < 0 ? undefined : this.sets.first(k);
  }

  /** The stored value(s), as tree.ts raw(). */
  raw(f: number): string | readonly string[] | undefined {
    const k = this.at[f] ?? -1;
    return k < 0 ? undefined : (this.sets.raw(k) ?? undefined);
  }

  stmt(f: number): SetStmt | undefined {
    const k = this.at[f] ?? -1;
    return k < 0 ? undefined : this.sets.stmt(k);
  }

  flag(f: number, dflt = false): boolean {
    const v = this.v(f);
    return v === undefined ? dflt : v.toLowerCase() === 'enable';
  }

  joined(f: number): string {
    const v = this.raw(f);
    return v === undefined ? '' : typeof v === 'string' ? v : v.join(',');
  }
}

// Families: `policy` holds IPv4 (srcaddr/dstaddr) and, since 6.4, IPv6 (srcaddr6/dstaddr6); `policy6` is IPv6.
interface FamilyFields {
  fam: Family;
  src: string;
  dst: string;
  srcF: number;
  dstF: number;
  srcNegF: number;
  dstNegF: number;
}
const FAMILIES: readonly FamilyFields[] = [
  {
    fam: 4,
    src: 'srcaddr',
    dst: 'dstaddr',
    srcF: F.srcaddr,
    dstF: F.dstaddr,
    srcNegF: F['srcaddr-negate'],
    dstNegF: F['dstaddr-negate'],
  },
  {
    fam: 6,
    src: 'srcaddr6',
    dst: 'dstaddr6',
    srcF: F.srcaddr6,
    dstF: F.dstaddr6,
    srcNegF: F['srcaddr6-negate'],
    dstNegF: F['dstaddr6-negate'],
  },
];
const FAMILIES_V6_TABLE: readonly FamilyFields[] = [
  {
    fam: 6,
    src: 'srcaddr',
    dst: 'dstaddr',
    srcF: F.srcaddr,
    dstF: F.dstaddr,
    srcNegF: F['srcaddr6-negate'],
    dstNegF: F['dstaddr6-negate'],
  },
];
const NAT_NONE = NameSet.of(['none']);
const NAT_DNAT = NameSet.of(['dnat']);

const IPSEC_WHY =
  'the policy sends matching traffic into an IPsec tunnel (action ipsec); fwlint treats it as accepted towards the destination interface';

/** Attributes fwlint reads, or that cannot change whether a packet is allowed (logging, UTM profiles, shaping...). */
const KNOWN = new Set([
  'name',
  'uuid',
  'policyid',
  'comments',
  'global-label',
  'label',
  'color',
  'status',
  'action',
  'srcintf',
  'dstintf',
  'srcaddr',
  'dstaddr',
  'srcaddr6',
  'dstaddr6',
  'srcaddr-negate',
  'dstaddr-negate',
  'srcaddr6-negate',
  'dstaddr6-negate',
  'service',
  'service-negate',
  'schedule',
  'internet-service',
  'internet-service-name',
  'internet-service-id',
  'internet-service-group',
  'internet-service-custom',
  'internet-service-custom-group',
  'internet-service-negate',
  'internet-service-src',
  'internet-service-src-name',
  'internet-service-src-id',
  'internet-service-src-group',
  'internet-service-src-custom',
  'internet-service-src-custom-group',
  'internet-service-src-negate',
  'internet-service6',
  'internet-service6-name',
  'internet-service6-src',
  'internet-service6-src-name',
  'nat',
  'ippool',
  'poolname',
  'poolname6',
  'fixedport',
  'port-preserve',
  'port-random',
  'natip',
  'permit-any-host',
  'permit-stun-host',
  'match-vip',
  'session-ttl',
  'voip-profile',
  'ips-voip-filter',
  'inspection-mode',
  'logtraffic',
  'logtraffic-start',
  'log-http-transaction',
  'capture-packet',
  'utm-status',
  'profile-type',
  'profile-group',
  'profile-protocol-options',
  'ssl-ssh-profile',
  'av-profile',
  'webfilter-profile',
  'dnsfilter-profile',
  'emailfilter-profile',
  'spamfilter-profile',
  'dlp-profile',
  'dlp-sensor',
  'file-filter-profile',
  'ips-sensor',
  'application-list',
  'icap-profile',
  'cifs-profile',
  'videofilter-profile',
  'waf-profile',
  'ssh-filter-profile',
  'casb-profile',
  'virtual-patch-profile',
  'sctp-filter-profile',
  'diameter-filter-profile',
  'dnsfilter',
  'webproxy-profile',
  'webproxy-forward-server',
  'http-policy-redirect',
  'ssh-policy-redirect',
  'traffic-shaper',
  'traffic-shaper-reverse',
  'per-ip-shaper',
  'disclaimer',
  'email-collect',
  'diffserv-forward',
  'diffserv-reverse',
  'diffservcode-forward',
  'diffservcode-rev',
  'tcp-mss-sender',
  'tcp-mss-receiver',
  'timeout-send-rst',
  'send-deny-packet',
  'firewall-session-dirty',
  'vlan-cos-fwd',
  'vlan-cos-rev',
  'wccp',
  'delay-tcp-npu-session',
  'auto-asic-offload',
  'np-acceleration',
  'geoip-anycast',
  'geoip-match',
  'dynamic-shaping',
  'passive-wan-health-measurement',
  'app-monitor',
  'custom-log-fields',
  'replacemsg-override-group',
  'block-notification',
  'wanopt',
  'wanopt-detection',
  'wanopt-passive-opt',
  'wanopt-profile',
  'wanopt-peer',
  'webcache',
  'webcache-https',
  'fsso',
  'fsso-agent-for-ntlm',
  'ntlm',
  'ntlm-guest',
  'ntlm-enabled-browsers',
  'auth-path',
  'auth-cert',
  'auth-redirect-addr',
  'rsso',
  'radius-mac-auth-bypass',
  'decrypted-traffic-mirror',
  'anti-replay',
  'tcp-timewait-timer',
  'schedule-timeout',
  'sgt-check',
  'sgt',
  'reputation-direction',
  'tos',
  'tos-negate',
  'captive-portal-exempt',
  'inbound',
  'outbound',
  'natinbound',
  'natoutbound',
  'dsri',
  'scan-botnet-connections',
  'ssl-mirror',
  'ssl-mirror-intf',
  'cgn-session-quota',
  'cgn-resource-quota',
  'cgn-log-server-grp',
  'cgn-eif',
  'cgn-eim',
  'fec',
  'policy-expiry',
  'policy-expiry-date',
  'policy-expiry-date-utc',
  'traffic-shaper-reverse',
  'vlan-filter',
  'pcp-outbound',
  'pcp-inbound',
  'pcp-poolname',
  'ztna-status',
  'ztna-tags-match-logic',
  'ztna-device-ownership',
  'ztna-policy-redirect',
  'ztna-ems-tag-secondary',
  'ztna-ems-tag-negate',
  'srcaddr4',
  'dstaddr4',
  'ip-version-type',
  'emailfilter',
  'extended-log',
  'learning-mode',
  'vpntunnel',
  'log-traffic',
  'identity-based',
  'identity-from',
  'redirect-url',
  'dlp-sensor',
  'spamfilter',
  'icap',
  'webfilter',
  'replacemsg-group',
  'traffic-shaper',
  'endpoint-check',
  'endpoint-compliance',
  'casi-profile',
  'local-in-policy',
  'dynamic-profile',
  'dynamic-profile-group',
  'dynamic-profile-access',
  'gtp-profile',
  'pfcp-profile',
  'videofilter',
  'internet-service-src-negate',
]);

function symbolicRefs(
  list: readonly SymbolicName[],
  field: 'src' | 'dst',
  negated: boolean,
  stmt: SetStmt | Entry,
  env: Env,
): SymbolicRef[] {
  const loc = env.ctx.loc(stmt); // one location object for the names of one statement
  return list.map((s) => {
    const r: SymbolicRef = { field, kind: s.kind, name: s.name, loc };
    if (negated) r.negated = true;
    return r;
  });
}

/** One destination option of a family: plain addresses, or the translated side of one VIP. */
interface DstPart {
  set: AddrSet;
  symbolic: SymbolicRef[];
  /** 'none' for accept policies with plain addresses (non-central), 'dnat' for VIPs, undefined = either. */
  nat?: 'none' | 'dnat';
  /** A deny policy whose match-vip cannot be known: whether it also matches VIP traffic (matchVip). */
  natDoubt?: UncertainRef;
  proto?: ProtoSet;
  dport?: PortSet;
  vip?: Vip;
}

/**
 * `config firewall policy` (and `policy6`) in file order (docs/semantics.md#fgt-policy, docs/semantics.md#across-vendors): the order of the
 * `edit` blocks, not the policy ids; first match; a policy without `set action accept` denies;
 * `status disable` skips it. Each policy becomes one rule per address family, destination kind (plain
 * addresses or a VIP's translated side) and service box, all with the policy's id and location.
 * `entry` converts one policy (index.ts streams the `firewall policy` table through it while the file
 * is read); `tables` then reads the tables still in the tree, in the same order as ever.
 */
export class PolicyReader {
  /** The forward chain's rules: those it was given (the zones' intrazone rules), then each policy's. */
  private readonly rules: Appender<Rule>;
  readonly usedVips = new Set<string>();
  private readonly env: Env;
  private readonly chains: Record<string, Chain>;
  private readonly each: (p: PolicyInfo) => void;

  constructor(env: Env, chains: Record<string, Chain>, each: (p: PolicyInfo) => void, first: Rule[]) {
    this.env = env;
    this.chains = chains;
    this.each = each;
    this.rules = new Appender(first);
  }

  /** The forward chain's rules, once every policy is read. */
  finish(): Rule[] {
    return this.rules.toArray();
  }

  entry(e: Entry, v6table: boolean): void {
    const info = readPolicy(this.env, e, v6table, this.chains, this.usedVips);
    if (!info) return;
    this.each(info);
    for (const r of info.pieces) this.rules.push(r);
  }

  /** The policy tables of the tree (a streamed `firewall policy` table is empty there). */
  tables(): void {
    const { ctx } = this.env;
    for (const [table, v6table] of [
      ['firewall policy', false],
      ['firewall policy6', true],
    ] as const) {
      for (const e of ctx.section(table)?.entries.values() ?? []) this.entry(e, v6table);
    }
    for (const table of ['firewall policy46', 'firewall policy64']) {
      for (const e of ctx.section(table)?.entries.values() ?? []) {
        if ((value(e, 'status') ?? 'enable') === 'disable') continue;
        ctx.unsupportedHead(
          e,
          `${table} ${e.key}`,
          `${table.slice(9).toUpperCase()} policies (address-family translation) are not modeled`,
        );
      }
    }
  }
}

/**
 * What the conversion of one policy's address families shares (one object per policy). readPolicy is
 * cut into functions along these parts: as one 8.6 KB function its optimized compile took a
 * compiler thread's memory to about 7 MB, which the thread's malloc arena keeps to the end.
 */
interface Draft {
  env: Env;
  e: Entry;
  fx: PolicyFields;
  chains: Record<string, Chain>;
  usedVips: Set<string>;
  tableName: string;
  id: string;
  label: string;
  allows: boolean;
  isdb: boolean;
  isdbSrc: boolean;
  boxes: ServiceBox[];
  serviceNegate: boolean;
  srcIf: NameSet | undefined;
  dstIf: NameSet | undefined;
  loc: SourceLocation;
  text: string;
  comment: string | undefined;
  pieces: Rule[];
  /** Service-negate chains made so far (their names count them). */
  n: number;
}

function readPolicy(
  env: Env,
  e: Entry,
  v6table: boolean,
  chains: Record<string, Chain>,
  usedVips: Set<string>,
): PolicyInfo | undefined {
  const { ctx, ifaces } = env;
  const fx = new PolicyFields(e.sets);
  if ((fx.v(F.status) ?? 'enable').toLowerCase() === 'disable') return undefined;
  const name = fx.v(F.name);
  const tableName = v6table ? 'policy6' : 'policy';
  const id = `${tableName}:${e.key}`;
  // docs/semantics.md#fgt-policy: `action` defaults to deny, so a policy without `set action accept` denies.
  const actionText = (fx.v(F.action) ?? 'deny').toLowerCase();
  const label = flat([
    tableName,
    ' ',
    e.key,
    name ? ` ${quoted(name)}` : '',
    fx.has(F.action) ? '' : ' (no `set action`: deny by default)',
  ]);
  const action: PolicyInfo['action'] = actionText === 'accept' ? 'accept' : actionText === 'ipsec' ? 'ipsec' : 'deny';
  if (actionText !== 'accept' && actionText !== 'deny' && actionText !== 'ipsec')
    ctx.note(`${ctx.where(e)}: ${label} has unknown action "${actionText}"; treated as deny`);
  const allows = action !== 'deny';

  reportAttributes(ctx, e, fx, tableName, label, action);

  const srcIfRaw = fx.raw(F.srcintf);
  const dstIfRaw = fx.raw(F.dstintf);
  if (srcIfRaw === undefined || dstIfRaw === undefined) {
    ctx.note(
      `${ctx.where(e)}: ${label} has no ${srcIfRaw === undefined ? 'srcintf' : 'dstintf'}; FortiOS does not apply such a policy`,
    );
    return undefined;
  }
  const srcIf = ifaces.resolve(srcIfRaw);
  const dstIf = ifaces.resolve(dstIfRaw);
  if (srcIf.unknown.length || dstIf.unknown.length) {
    // Once per name (with its first use): a tunnel named by thousands of policies is one note.
    for (const u of [...srcIf.unknown, ...dstIf.unknown])
      ctx.noteOnce(
        `unknown-interface:${u}`,
        `${ctx.where(e)}: ${label} names interface "${u}", which this firewall does not define (an IPsec tunnel or ` +
          `another VDOM's interface); no modeled traffic passes it`,
      );
  }

  // Internet services (ISDB) replace dstaddr and service (docs/semantics.md#fgt-policy); their addresses are only known online.
  const isdb = fx.flag(F['internet-service']) || fx.flag(F['internet-service6']);
  const isdbSrc = fx.flag(F['internet-service-src']) || fx.flag(F['internet-service6-src']);
  const boxes = policyBoxes(env, e, fx, isdb, label);
  const serviceNegate = fx.flag(F['service-negate']);

  const nat = fx.flag(F.nat);
  // Normalized text (names and settings only: no secrets live in policies) and the comment.
  const text = flat(
    [
      tableName,
      e.key,
      fx.joined(F.srcintf),
      '->',
      fx.joined(F.dstintf),
      fx.joined(F.srcaddr) + fx.joined(F.srcaddr6),
      '->',
      fx.joined(F.dstaddr) + fx.joined(F.dstaddr6),
      'service',
      (serviceNegate ? '!' : '') + (isdb ? 'isdb' : fx.joined(F.service)),
      action,
      nat ? 'nat' : '',
    ],
    ' ',
  );
  const comment = fx.v(F.comments);
  const d: Draft = {
    env,
    e,
    fx,
    chains,
    usedVips,
    tableName,
    id,
    label,
    allows,
    isdb,
    isdbSrc,
    boxes,
    serviceNegate,
    srcIf: srcIf.set,
    dstIf: dstIf.set,
    loc: ctx.loc(e),
    text,
    comment,
    pieces: [],
    n: 0,
  };
  let madeFamily = false;
  for (const f of v6table ? FAMILIES_V6_TABLE : FAMILIES) if (addFamily(d, f)) madeFamily = true;
  const pieces = d.pieces;
  if (pieces.length === 0 && boxes.length > 0 && !madeFamily)
    ctx.note(`${ctx.where(e)}: ${label} has no source or destination address; FortiOS does not apply it`);

  const info: PolicyInfo = { entry: e, id, label, action, pieces, nat, text };
  if (comment) info.comment = comment;
  return info;
}

/** Attributes fwlint does not model or does not know, an ipsec action, a schedule: reported. */
function reportAttributes(
  ctx: Ctx,
  e: Entry,
  fx: PolicyFields,
  tableName: string,
  label: string,
  action: PolicyInfo['action'],
): void {
  const sets = e.sets;
  for (let k = 0; k < sets.size; k++) {
    const attr = sets.name(k);
    const why = UNMODELED[attr];
    if (why) {
      if (['disable', 'none', ''].includes((sets.first(k) ?? '').toLowerCase())) continue;
      ctx.unsupportedAt(sets.stmt(k), `firewall ${tableName} ${attr}`, `${label}: ${why}`);
    } else if (!KNOWN.has(attr)) {
      ctx.unsupportedAt(
        sets.stmt(k),
        `firewall ${tableName} ${attr}`,
        `${label}: unrecognized policy attribute "${attr}"; fwlint does not know whether it changes which traffic the policy matches`,
      );
    }
  }
  if (action === 'ipsec')
    ctx.unsupportedAt(fx.stmt(F.action) ?? e, `firewall ${tableName} action ipsec`, `${label}: ${IPSEC_WHY}`);
  const sched = fx.v(F.schedule);
  if (sched && sched.toLowerCase() !== 'always') {
    ctx.unsupportedAt(
      fx.stmt(F.schedule) ?? e,
      `firewall ${tableName} schedule ${sched}`,
      `${label}: the policy applies only at the times of schedule "${sched}"; fwlint evaluates it as always active`,
    );
  }
}

/** The service boxes of a policy, or every protocol for ISDB policies. */
function policyBoxes(env: Env, e: Entry, fx: PolicyFields, isdb: boolean, label: string): ServiceBox[] {
  if (isdb) return [new ServiceBox()];
  const { ctx } = env;
  const svc = env.services.boxes(fx.raw(F.service) ?? []);
  for (const m of svc.missing)
    ctx.unsupportedAt(
      fx.stmt(F.service) ?? e,
      UNDEFINED_SERVICE,
      `${label}: service "${m}" is not defined in the file; the policy is evaluated without it`,
    );
  if (!fx.has(F.service)) ctx.note(`${ctx.where(e)}: ${label} has no service; it matches no traffic`);
  return svc.boxes;
}

/** The internet services a policy names (`internet-service-name`, `-id`, `-group`, ...), as symbolic members. */
function isdbNames(e: Entry, prefix: string): SymbolicName[] {
  return ['name', 'id', 'group', 'custom', 'custom-group']
    .flatMap((k) => values(e, `${prefix}-${k}`))
    .map((n) => ({ kind: 'dynamic' as const, name: `internet service ${n}` }));
}

/** The rules of one address family of a policy, added to its pieces; false when the family is absent. */
function addFamily(d: Draft, f: FamilyFields): boolean {
  const { env, e, fx, label } = d;
  const { ctx, addrs } = env;
  const { fam, srcF, dstF, srcNegF, dstNegF } = f;
  const srcNames = fx.raw(srcF) ?? [];
  const dstRaw = fx.raw(dstF);
  const dstNames = typeof dstRaw === 'string' ? [dstRaw] : (dstRaw ?? []);
  if (srcNames.length === 0 && !(d.isdbSrc && fam === 4)) return false;
  if (dstNames.length === 0 && !(d.isdb && fam === 4)) return false;
  const universe = fam === 4 ? ANY_V4 : ANY_V6;
  const srcNeg = fx.flag(srcNegF);
  const dstNeg = fx.flag(dstNegF);

  // Source
  let srcSet: AddrSet;
  let srcSym: SymbolicRef[];
  if (d.isdbSrc && fam === 4) {
    srcSet = NO_ADDR;
    srcSym = symbolicRefs(
      isdbNames(e, 'internet-service-src'),
      'src',
      srcNeg,
      fx.stmt(F['internet-service-src']) ?? e,
      env,
    );
  } else {
    const r = addrs.resolveAll(srcNames, fam);
    for (const m of r.missing)
      ctx.unsupportedAt(
        fx.stmt(srcF) ?? e,
        UNDEFINED_ADDRESS,
        `${label}: address "${m}" is not defined in the file; the policy is evaluated without it`,
      );
    srcSet = r.set;
    srcSym = r.symbolic.length ? symbolicRefs(r.symbolic, 'src', srcNeg, fx.stmt(srcF) ?? e, env) : [];
  }
  if (srcNeg) srcSet = universe.subtract(srcSet);

  for (const part of dstParts(d, f, dstNames, dstNeg)) {
    const natSet = part.nat ? (part.nat === 'none' ? NAT_NONE : NAT_DNAT) : undefined;
    // concat, not a spread: a spread's list grows by pushes and keeps up to 16 slots more (a list per rule).
    const symbolic =
      srcSym.length && part.symbolic.length
        ? srcSym.concat(part.symbolic)
        : srcSym.length
          ? srcSym
          : part.symbolic.length
            ? part.symbolic
            : undefined;
    if (d.serviceNegate) {
      negatedService(d, srcSet, part, natSet, symbolic);
      continue;
    }
    let made = 0;
    for (const b of d.boxes) {
      let proto = b.proto;
      let dport = b.dport;
      if (part.proto) proto = proto ? proto.intersect(part.proto) : part.proto;
      if (part.dport) dport = dport ? dport.intersect(part.dport) : part.dport;
      if (proto?.isEmpty || dport?.isEmpty) continue;
      const m = new PieceMatch(srcSet, part.set, d.srcIf, d.dstIf, natSet, symbolic, proto, dport, b.sport);
      if (part.natDoubt) m.uncertain = [part.natDoubt];
      made++;
      d.pieces.push(makeRule(env, d.loc, d.id, label, m, d.allows, b, d.text, d.comment));
    }
    if (made === 0 && part.vip && d.boxes.length > 0) {
      ctx.note(
        `${ctx.where(e)}: ${label}: its services do not cover the translated (mapped) ports of VIP ` +
          `${quoted(part.vip.name)}, so it matches none of that VIP's traffic (FortiOS matches the service after ` +
          `translation, docs/semantics.md#fgt-policy; uncertain)`,
      );
    }
  }
  return true;
}

/**
 * Whether a deny policy with plain destination addresses also matches traffic to VIPs (`match-vip`):
 * as set, else by release. The default became enable in FortiOS 7.2.3 or 7.2.4 (Fortinet KB 192456
 * says 7.2.3, the 7.6 NSE4 material 7.2.4); before, it was disable. For 7.2.3, or an export that does
 * not name its release, either may hold: an uncertain NAT dimension (the rule matches untranslated
 * traffic; VIP traffic it might match gets an uncertain verdict; docs/semantics.md#fgt-nat).
 */
function matchVip(d: Draft): 'enable' | 'disable' | UncertainRef {
  const set = d.fx.v(F['match-vip']);
  if (set !== undefined) return set.toLowerCase() === 'enable' ? 'enable' : 'disable';
  const v = d.env.ctx.header.version;
  if (v) {
    const [a, b, c] = v;
    if (a < 7 || (a === 7 && (b < 2 || (b === 2 && c < 3)))) return 'disable';
    if (a > 7 || b > 2 || c > 3) return 'enable';
  }
  const release = v ? `FortiOS ${v.join('.')}` : 'an export that does not name its FortiOS release';
  return {
    field: 'nat',
    why:
      `without \`set match-vip\`, whether a deny policy also blocks traffic to VIPs depends on the release ` +
      `(default disable before 7.2.3, enable from 7.2.4; Fortinet KB 192456), and this is ${release} ` +
      '(docs/semantics.md#fgt-nat)',
    loc: d.loc,
  };
}

/** Destination: ISDB, plain addresses, and VIPs (their translated side, docs/semantics.md#fgt-policy, docs/semantics.md#pf-nat). */
function dstParts(d: Draft, f: FamilyFields, dstNames: readonly string[], dstNeg: boolean): DstPart[] {
  const { env, e, fx, tableName, label } = d;
  const { ctx, addrs, vips } = env;
  const fam = f.fam;
  const universe = fam === 4 ? ANY_V4 : ANY_V6;
  const parts: DstPart[] = [];
  if (d.isdb && fam === 4) {
    parts.push({
      set: dstNeg ? universe : NO_ADDR,
      symbolic: symbolicRefs(isdbNames(e, 'internet-service'), 'dst', dstNeg, fx.stmt(F['internet-service']) ?? e, env),
    });
    return parts;
  }
  const plain: string[] = [];
  const vipList: Vip[] = [];
  for (const n of dstNames) {
    if (fam === 4 && vips.has(n) && !addrs.has(n, 4)) {
      const list = vips.expand(n);
      if (list.length === 0)
        ctx.unsupportedAt(
          fx.stmt(f.dstF) ?? e,
          `firewall ${tableName} dstaddr "${n}"`,
          `${label}: VIP "${n}" is not modeled (see its FWL900); the policy is evaluated without it`,
        );
      vipList.push(...list);
    } else plain.push(n);
  }
  if (plain.length) {
    const r = addrs.resolveAll(plain, fam);
    for (const m of r.missing)
      ctx.unsupportedAt(
        fx.stmt(f.dstF) ?? e,
        UNDEFINED_ADDRESS,
        `${label}: address "${m}" is not defined in the file; the policy is evaluated without it`,
      );
    const part: DstPart = {
      set: dstNeg ? universe.subtract(r.set) : r.set,
      symbolic: r.symbolic.length ? symbolicRefs(r.symbolic, 'dst', dstNeg, fx.stmt(f.dstF) ?? e, env) : [],
    };
    // Non-central NAT: only a policy that names the VIP translates to it, so an accept policy with plain
    // addresses never sees VIP traffic; a deny policy does while match-vip is enabled (docs/semantics.md#fgt-nat).
    if (!env.central) {
      const vip = d.allows ? 'disable' : matchVip(d);
      if (vip !== 'enable') part.nat = 'none';
      if (typeof vip === 'object') part.natDoubt = vip;
    }
    parts.push(part);
  }
  if (dstNeg && vipList.length)
    ctx.unsupportedAt(
      fx.stmt(F['dstaddr-negate']) ?? e,
      `firewall ${tableName} dstaddr-negate`,
      `${label}: a negated VIP destination is not modeled; the VIPs are evaluated as not negated`,
    );
  // VIPs to the same mapped address and protocol share one part (their ports united).
  const byTarget = new Map<string, DstPart>();
  for (const v of vipList) {
    d.usedVips.add(v.name);
    // In the model DNAT happens before the filter: the policy matches the mapped address and port
    // (docs/semantics.md#fgt-policy; that FortiOS matches the service on the mapped port is (uncertain)).
    const key = `${v.mapped.bounds.join(',')}|${v.proto ? v.proto.bounds.join(',') : '*'}`;
    const old = byTarget.get(key);
    if (old) {
      old.dport = old.dport && v.mappedPorts ? old.dport.union(v.mappedPorts) : undefined;
      if (!old.dport) delete old.dport;
      continue;
    }
    const part: DstPart = { set: v.mapped, symbolic: [], vip: v };
    if (!env.central) part.nat = 'dnat';
    if (v.proto) part.proto = v.proto;
    if (v.mappedPorts) part.dport = v.mappedPorts;
    byTarget.set(key, part);
    parts.push(part);
  }
  return parts;
}

/** Negated services: a jump to a chain that returns for the services and applies the action to the rest. */
function negatedService(
  d: Draft,
  srcSet: AddrSet,
  part: DstPart,
  natSet: NameSet | undefined,
  symbolic: SymbolicRef[] | undefined,
): void {
  const { id, loc, label, text, comment } = d;
  const base: Match = { src: srcSet, dst: part.set };
  if (d.srcIf) base.iif = d.srcIf;
  if (d.dstIf) base.oif = d.dstIf;
  if (natSet) base.nat = natSet;
  if (symbolic) base.symbolic = symbolic;
  if (part.natDoubt) base.uncertain = [part.natDoubt];
  const chainName = `${id}#${++d.n}:service-negate`;
  const sub: Rule[] = [];
  for (const b of d.boxes) {
    const m = boxMatch({}, b, part);
    if (m) sub.push({ id, loc, label, match: m, action: { kind: 'return' }, text, comment });
  }
  const final = makeRule(d.env, loc, id, label, {}, d.allows, undefined, text, comment);
  if (part.proto) final.match.proto = part.proto;
  if (part.dport) final.match.dport = part.dport;
  sub.push(final);
  d.chains[chainName] = { name: chainName, mode: 'first-match', rules: sub };
  d.pieces.push({ id, loc, label, match: base, action: { kind: 'jump', chain: chainName }, text, comment });
}

/**
 * The match of one piece of a policy (a rule per family, destination part and service box), built by one
 * constructor call with only the members it has, in the order the model always had them. An object
 * literal extended member by member (or a spread of one, then extended) keeps the later members in a
 * separate property store, about 40 bytes more per rule; a constructor's objects hold them inline.
 * Members are declared, not initialized: an absent member stays absent (not an undefined one).
 */
class PieceMatch implements Match {
  declare src: AddrSet;
  declare dst: AddrSet;
  declare iif?: NameSet;
  declare oif?: NameSet;
  declare nat?: NameSet;
  declare symbolic?: SymbolicRef[];
  declare proto?: ProtoSet;
  declare dport?: PortSet;
  declare sport?: PortSet;
  declare uncertain?: UncertainRef[];

  constructor(
    src: AddrSet,
    dst: AddrSet,
    iif: NameSet | undefined,
    oif: NameSet | undefined,
    nat: NameSet | undefined,
    symbolic: SymbolicRef[] | undefined,
    proto: ProtoSet | undefined,
    dport: PortSet | undefined,
    sport: PortSet | undefined,
  ) {
    this.src = src;
    this.dst = dst;
    if (iif) this.iif = iif;
    if (oif) this.oif = oif;
    if (nat) this.nat = nat;
    if (symbolic) this.symbolic = symbolic;
    if (proto) this.proto = proto;
    if (dport) this.dport = dport;
    if (sport) this.sport = sport;
  }
}

/** The base match narrowed by a service box and a VIP's translated protocol/ports; undefined when empty. */
function boxMatch(base: Match, b: ServiceBox, part: DstPart): Match | undefined {
  const m: Match = { ...base };
  let proto = b.proto;
  let dport = b.dport;
  if (part.proto) proto = proto ? proto.intersect(part.proto) : part.proto;
  if (part.dport) dport = dport ? dport.intersect(part.dport) : part.dport;
  if (proto?.isEmpty || dport?.isEmpty) return undefined;
  if (proto) m.proto = proto;
  if (dport) m.dport = dport;
  if (b.sport) m.sport = b.sport;
  return m;
}

const ACCEPT: Action = { kind: 'accept' };
const DROP: Action = { kind: 'drop' };

function makeRule(
  env: Env,
  loc: SourceLocation,
  id: string,
  label: string,
  match: Match,
  allows: boolean,
  b: ServiceBox | undefined,
  text: string,
  comment: string | undefined,
): Rule {
  // One object literal with every field, so all rules share one shape.
  // Sessions are stateful: replies of accepted sessions pass (docs/semantics.md#fgt-policy).
  const rule: Rule = {
    id,
    loc,
    label,
    match,
    action: allows ? ACCEPT : DROP,
    keepState: allows ? true : undefined,
    udpTimeout: undefined,
    text,
    comment,
  };
  if (allows) {
    if (b?.timer) {
      const t: Setting<number> = {
        value: b.timer.value,
        source: 'explicit',
        loc: env.ctx.loc(b.timer.stmt),
        reason:
          `service "${b.timer.service}" sets udp-idle-timer ${b.timer.value}, which supersedes the global ` +
          `udp-idle-timer for its sessions (docs/semantics.md#fgt-timeouts)`,
      };
      rule.udpTimeout = t;
    }
  }
  return rule;
}
