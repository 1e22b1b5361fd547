import { must, run, Unavailable } from './sh.js';

/**
 * The namespaces of one run: phone --(phones' interface)-- router --(WAN)-- provider, plus dummy
 * interfaces in the router for every other interface the ruleset names. Everything lives in
 * namespaces named fwk-*, created here and deleted by teardown(); no address or route is ever
 * added to the host namespace, so no probe can leave the machine.
 */
export interface Topology {
  tag: string;
  router: string;
  phone: string;
  provider: string;
  phonesIf: string;
  wanIf: string;
  phoneAddr: string;
  routerPhoneAddr: string;
  prefix: number;
  wanAddr: string;
  wanPrefix: number;
  providerLink: string;
  /** More namespaces (the far ends of other interfaces). */
  extra: string[];
}

export interface TopologySpec {
  phonesIf: string;
  wanIf: string;
  /** The phones' network, IPv4 CIDR. */
  phonesCidr: string;
  /** Extra addresses the phone namespace answers for (port-forward targets in the phones' network). */
  phoneExtras: string[];
  wanAddr: string;
  wanPrefix: number;
  /** Addresses behind the WAN (provider networks, Internet hosts), each added as /32 in the provider namespace. */
  remote: string[];
  /** Public addresses (port-forward listeners) the provider routes to the router. */
  routedToRouter: string[];
  /** Other interfaces the ruleset names: dummies in the router. */
  others: string[];
  /** Values for /proc/sys/net/netfilter/* in the router. */
  netfilter: Record<string, string>;
  ipForward: boolean;
}

const live = new Set<string>();
let made = 0;
let hooked = false;

/** Deletes every namespace this process created (also on signals and at exit). */
export function teardownAll(): void {
  if (live.size === 0) return;
  run('ip', ['-force', '-batch', '-'], { input: `${[...live].map((n) => `netns del ${n}`).join('\n')}\n` });
  live.clear();
}

function hookSignals(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', teardownAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
    process.on(sig, () => {
      teardownAll();
      process.exit(130);
    });
}

export function ipToInt(a: string): number {
  return a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Router and phone addresses inside a CIDR: the first host, and the tenth (or second) host. */
export function hostsOf(cidr: string): { router: string; phone: string; prefix: number } {
  const [addr = '', len = '32'] = cidr.split('/');
  const prefix = Number(len);
  const size = 2 ** (32 - prefix);
  const base = ipToInt(addr) - (ipToInt(addr) % size);
  if (size < 4) throw new Error(`--phones ${cidr}: the harness needs a network of at least 4 addresses`);
  const phone = size > 16 ? base + 10 : base + 2;
  return { router: intToIp(base + 1), phone: intToIp(phone), prefix };
}

/** Runs a command in a namespace; nsenter is much cheaper than `ip netns exec` (no sysfs remount). */
export function inNs(name: string, cmd: string, args: readonly string[], input?: string): string {
  return must('nsenter', [`--net=/run/netns/${name}`, cmd, ...args], input === undefined ? {} : { input });
}

/** One `ip -batch` per namespace: tens of commands for the price of one process. */
function batch(name: string | undefined, lines: string[]): void {
  if (lines.length === 0) return;
  must('ip', [...(name ? ['-n', name] : []), '-batch', '-'], { input: `${lines.join('\n')}\n` });
}

function sysctls(name: string, values: [string, string][]): void {
  for (const [path, value] of values)
    if (!/^[\w/.-]+$/.test(path) || !/^[\w .-]+$/.test(value)) throw new Error(`refusing to write ${path} = ${value}`);
  inNs(name, 'sh', ['-c', values.map(([p, v]) => `echo '${v}' > /proc/sys/${p}`).join(' && ')]);
}

export function setup(spec: TopologySpec): Topology {
  hookSignals();
  // pid and a per-process counter, separated: unique among the workers running at once (pid 1234
  // with 567 and pid 12345 with 67 could make the same name); the random part avoids the names a
  // killed run with a reused pid left behind.
  const tag = `${process.pid}x${++made}x${Math.floor(Math.random() * 1000)}`;
  const h = hostsOf(spec.phonesCidr);
  const t: Topology = {
    tag,
    router: `fwk-r${tag}`,
    phone: `fwk-p${tag}`,
    provider: `fwk-i${tag}`,
    phonesIf: spec.phonesIf,
    wanIf: spec.wanIf,
    phoneAddr: h.phone,
    routerPhoneAddr: h.router,
    prefix: h.prefix,
    wanAddr: spec.wanAddr,
    wanPrefix: spec.wanPrefix,
    providerLink: '',
    extra: [],
  };
  const wanNet = ipToInt(spec.wanAddr) - (ipToInt(spec.wanAddr) % 2 ** (32 - spec.wanPrefix));
  t.providerLink = intToIp(wanNet + 2 ** (32 - spec.wanPrefix) - 2);
  if (t.providerLink === spec.wanAddr) t.providerLink = intToIp(wanNet + 1);
  const other = `fwk-o${tag}`;
  if (spec.others.length > 0) t.extra.push(other);
  const all = [t.router, t.phone, t.provider, ...t.extra];
  for (const n of all) live.add(n);
  try {
    batch(
      undefined,
      all.map((n) => `netns add ${n}`),
    );
  } catch (e) {
    teardownAll();
    throw new Unavailable(`cannot create network namespaces (${(e as Error).message})`);
  }
  const r = [
    'link set lo up',
    `link add ${spec.phonesIf} type veth peer name eth0 netns ${t.phone}`,
    `addr add ${t.routerPhoneAddr}/${t.prefix} dev ${spec.phonesIf}`,
    `link set ${spec.phonesIf} up`,
    `link add ${spec.wanIf} type veth peer name eth0 netns ${t.provider}`,
    `addr add ${spec.wanAddr}/${spec.wanPrefix} dev ${spec.wanIf}`,
    `link set ${spec.wanIf} up`,
    `route add default via ${t.providerLink}`,
  ];
  // Other interfaces the ruleset names: veths whose far ends sit in one more namespace.
  spec.others.forEach((o, i) => r.push(`link add ${o} type veth peer name o${i} netns ${other}`, `link set ${o} up`));
  batch(t.router, r);
  batch(t.phone, [
    'link set lo up',
    `addr add ${t.phoneAddr}/${t.prefix} dev eth0`,
    ...spec.phoneExtras.map((x) => `addr add ${x}/32 dev eth0`),
    'link set eth0 up',
    `route add default via ${t.routerPhoneAddr}`,
  ]);
  batch(t.provider, [
    'link set lo up',
    `addr add ${t.providerLink}/${spec.wanPrefix} dev eth0`,
    'link set eth0 up',
    `route add default via ${spec.wanAddr}`,
    ...spec.remote.map((a) => `addr add ${a}/32 dev lo`),
    ...spec.routedToRouter.filter((a) => a !== spec.wanAddr).map((a) => `route replace ${a}/32 via ${spec.wanAddr}`),
  ]);
  if (spec.others.length) batch(other, ['link set lo up', ...spec.others.map((_, i) => `link set o${i} up`)]);
  const rp: [string, string][] = [
    ['net/ipv4/conf/all/rp_filter', '0'],
    ['net/ipv4/conf/default/rp_filter', '0'],
  ];
  sysctls(t.phone, rp);
  sysctls(t.provider, rp);
  sysctls(t.router, [
    ...rp,
    ['net/ipv4/ip_forward', spec.ipForward ? '1' : '0'],
    ...Object.entries(spec.netfilter).map(([k, v]): [string, string] => [`net/netfilter/${k}`, v]),
  ]);
  return t;
}

export function teardown(t: Topology): void {
  const all = [t.router, t.phone, t.provider, ...t.extra];
  run('ip', ['-force', '-batch', '-'], { input: `${all.map((n) => `netns del ${n}`).join('\n')}\n` });
  for (const n of all) live.delete(n);
}
