import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseNftables } from '../../parsers/nftables/index.js';
import { formatAddress, isV6 } from '../../src/model/address.js';
import type { Policy } from '../../src/model/policy.js';
import { loadProfile } from '../../src/profiles/load.js';
import { compare, type Line } from './compare.js';
import { DRAW_DECIDES, setAsideForDraw } from './draw.js';
import { HELPER_NEVER_REFRESHED, helperNeverRefreshed } from './helper-refresh.js';
import { matchingPatterns } from '../../src/site/evidence.js';
import { fwlintAnswer, type Site } from './fwlint-side.js';
import { loadRuleset, runKernel } from './kernel.js';
import { hostsOf, setup, teardown } from './netns.js';
import { plan } from './plan.js';
import { run } from './sh.js';

export interface CheckOptions {
  file: string;
  profile: string;
  /** CIDR@IF */
  phones: string;
  wan: string;
  pbx?: string;
  sysctl?: Record<string, string>;
  /** CIDR for the router's WAN; default: the address fwlint infers, else 203.0.113.1/24. */
  wanAddress?: string;
}

export interface CheckResult {
  lines: Line[];
  /** Set when the kernel refused the ruleset: nothing was probed. */
  loadError?: string;
  skipped: string[];
  ms: number;
}

const IFNAME = /^[A-Za-z0-9_.-]{1,15}$/;

function readInclude(path: string, fromFile: string): { text: string; display: string } | undefined {
  const abs = isAbsolute(path) ? path : resolve(dirname(fromFile), path);
  try {
    if (!statSync(abs).isFile()) return undefined;
    return { text: readFileSync(abs, 'utf8'), display: abs };
  } catch {
    return undefined;
  }
}

/** The WAN address fwlint knows (inferred from `snat to`/`dnat` rules), when it is one public IPv4 host. */
function knownWanAddress(policy: Policy, wan: string): string | undefined {
  const i = policy.interfaces.find((x) => x.name === wan);
  const iv = i ? [...i.addresses.intervals()] : [];
  const first = iv[0];
  if (iv.length !== 1 || !first || first[0] !== first[1] || isV6(first[0])) return undefined;
  const a = formatAddress(first[0]);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(a)) return undefined; // a placeholder for a dynamic address
  return /^(10|127|192\.168|172\.(1[6-9]|2\d|3[01]))\./.test(a) || a.startsWith('0.') ? undefined : a;
}

/**
 * The ruleset as fwlint reads it. The kernel side loads it with this machine's nft, so fwlint is told
 * that release (`--nft-version`): constructs whose bytecode depends on it are then exact.
 */
export function parseRuleset(file: string, sysctl?: Record<string, string>, nftVersion?: string): Policy {
  return parseNftables(readFileSync(file, 'utf8'), file, {
    readInclude,
    ...(sysctl ? { sysctl } : {}),
    ...(nftVersion ? { nftVersion } : {}),
  });
}

let localNft: string | undefined | null = null;

/** The release of this machine's nft (`nftables v1.0.6 (Lester Gooch #5)` → `1.0.6`), or undefined. */
export function localNftVersion(): string | undefined {
  if (localNft === null) {
    const r = run('nft', ['--version']);
    localNft = r.code === 0 ? /\bv(\d+\.\d+(?:\.\d+)?)\b/.exec(r.stdout)?.[1] : undefined;
  }
  return localNft;
}

export function check(o: CheckOptions): CheckResult {
  const started = Date.now();
  const [cidr = '', phonesIf = ''] = o.phones.split('@');
  if (!IFNAME.test(phonesIf) || !IFNAME.test(o.wan))
    throw new Error(`--phones CIDR@IF and --wan IF must name interfaces`);
  hostsOf(cidr);
  const profile = loadProfile(o.profile);
  const policy = parseRuleset(o.file, o.sysctl, localNftVersion());
  const [wanAddr = '203.0.113.1', wanLen = '24'] = (
    o.wanAddress ?? `${knownWanAddress(policy, o.wan) ?? '203.0.113.1'}/24`
  ).split('/');
  const phoneAddr = hostsOf(cidr).phone;
  const p = plan({ profile, policy, phoneAddr, wanAddr, phonesCidr: cidr, ...(o.pbx ? { pbx: o.pbx } : {}) });
  const others = policy.interfaces
    .map((i) => i.name)
    .filter((n) => n !== phonesIf && n !== o.wan && n !== 'lo' && IFNAME.test(n));
  const netfilter: Record<string, string> = {};
  for (const [k, v] of Object.entries(o.sysctl ?? {}))
    if (k.startsWith('net.netfilter.') && /^\d+$/.test(v)) netfilter[k.slice('net.netfilter.'.length)] = v;
  const t = setup({
    phonesIf,
    wanIf: o.wan,
    phonesCidr: cidr,
    phoneExtras: p.phoneExtras,
    wanAddr,
    wanPrefix: Number(wanLen),
    remote: p.remote,
    routedToRouter: p.listeners,
    others,
    netfilter,
    ipForward: (o.sysctl?.['net.ipv4.ip_forward'] ?? '1').trim() !== '0',
  });
  try {
    const loadError = loadRuleset(t, resolve(o.file), /^\s*[{[]/.test(readFileSync(o.file, 'utf8')));
    if (loadError) return { lines: [], loadError, skipped: p.skipped, ms: Date.now() - started };
    const obs = runKernel(t, p.probes);
    // As lint takes --phones …@iface and --wan: a name only an iifname/oifname pattern matches is
    // evaluated as that pattern's interface (src/site/evidence.ts matchingPatterns).
    const asLint = (n: string): string => matchingPatterns(policy, n)[0]?.name ?? n;
    const site: Site = {
      policy,
      phonesIf: asLint(phonesIf),
      wanIf: asLint(o.wan),
      wanAddr,
      phonesCidr: cidr,
      routerAddr: hostsOf(cidr).router,
    };
    const lines = p.probes.map((probe) => {
      const f = fwlintAnswer(site, probe, probe.of ? obs.get(probe.of) : undefined);
      const k = obs.get(probe) ?? { skipped: 'no observation' };
      if (helperNeverRefreshed(probe, k, f)) return compare(probe, { skipped: HELPER_NEVER_REFRESHED }, f);
      if (f.elsewhere)
        return compare(
          probe,
          { skipped: `destination NAT sends the echo to ${f.elsewhere}, a host the namespaces do not have` },
          f,
        );
      const line = compare(probe, k, f);
      if (probe.kind !== 'timeout' || !probe.of || line.agree === false) return line;
      const of = probe.of;
      const reply = p.probes.find((r) => r.kind === 'reply' && r.of === of);
      const chosen = obs.get(of)?.chosen;
      const unsure = !!reply && !!fwlintAnswer(site, reply).uncertainActs;
      return setAsideForDraw(line, unsure, !!chosen && chosen.sport !== of.sport)
        ? compare(probe, { skipped: DRAW_DECIDES }, f)
        : line;
    });
    return { lines, skipped: p.skipped, ms: Date.now() - started };
  } finally {
    teardown(t);
  }
}
