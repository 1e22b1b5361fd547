/**
 * nftables bench (discovered by bench/run.ts; `npm run bench -- --vendor nftables` runs only it).
 *
 * Generates /etc/nftables.conf-style rulesets into os.tmpdir(): 1k, 10k and 100k rules, most with
 * anonymous sets (`ip daddr { … } tcp dport { … }`), verdict maps and jumps, plus one ruleset whose
 * forward chain matches a named set of 100k elements. For each it times fwlint's parse (text →
 * model) and evaluation (lintPolicy with the ipnordic profile, phones and WAN given) in a fresh
 * child process (peak RSS = the child's maxRSS), and `nft -c -f` on the same file when nft is
 * installed (Debian package nftables) and usable here.
 *
 * Budgets (ok: false when exceeded):
 *   - at 10k rules with anonymous sets, fwlint's full lint is at least 10× faster than `nft -c`
 *     (checked only when `nft -c` runs; when it cannot, the output says why and nothing fails);
 *   - absolute (generous: the development machine is shared): total ≤ 2 s at 1k rules, ≤ 6 s at
 *     10k, ≤ 60 s at 100k, ≤ 10 s for the 100k-element set;
 *   - peak RSS ≤ 1.5 GiB.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SELF = fileURLToPath(import.meta.url);
const NFT_RATIO = 10;
const PEAK_BUDGET = 1.5 * 1024 ** 3;

interface Spec {
  name: string;
  rules: number;
  setElements: number;
  budgetMs: number;
  /** How long `nft -c` may run before it is stopped (the 10k comparison always runs to the end). */
  nftCapMs: number;
}

const SPECS: Spec[] = [
  { name: '1k rules', rules: 1_000, setElements: 0, budgetMs: 2_000, nftCapMs: 10 * 60_000 },
  { name: '10k rules', rules: 10_000, setElements: 0, budgetMs: 6_000, nftCapMs: 30 * 60_000 },
  { name: '100k rules', rules: 100_000, setElements: 0, budgetMs: 60_000, nftCapMs: 3 * 60_000 },
  { name: '100k-element set', rules: 100, setElements: 100_000, budgetMs: 10_000, nftCapMs: 10 * 60_000 },
];

// ---------------------------------------------------------------- generator

function ip(n: number): string {
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/** A deterministic pseudo-random sequence (the same file every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export function generateRuleset(spec: Pick<Spec, 'name' | 'rules' | 'setElements'>): string {
  const r = rng(spec.rules * 7 + spec.setElements);
  const out: string[] = [];
  out.push(
    '#!/usr/sbin/nft -f',
    `# fwlint bench: ${spec.name}`,
    'flush ruleset',
    '',
    'define PHONES = 10.20.0.0/24',
    'define WAN = "wan0"',
    '',
  );
  out.push('table inet fw {');
  out.push(
    '\tct timeout udp-voip {',
    '\t\tprotocol udp',
    '\t\tl3proto ip',
    '\t\tpolicy = { unreplied : 60, replied : 600 }',
    '\t}',
    '',
  );
  if (spec.setElements) {
    out.push('\tset blocklist {', '\t\ttype ipv4_addr', '\t\tflags interval', '\t\telements = {');
    const base = (100 << 24) >>> 0; // 100.0.0.0 onwards: /30 blocks with gaps, so no two merge
    for (let i = 0; i < spec.setElements; i++)
      out.push(`\t\t\t${ip(base + i * 8)}/30${i + 1 < spec.setElements ? ',' : ''}`);
    out.push('\t\t}', '\t}', '');
  }
  out.push(
    '\tchain prerouting {',
    '\t\ttype filter hook prerouting priority filter; policy accept;',
    '\t\tmeta l4proto udp ct timeout set "udp-voip"',
    '\t}',
    '',
  );
  out.push(
    '\tchain input {',
    '\t\ttype filter hook input priority filter; policy drop;',
    '\t\tct state established,related accept',
    '\t\ticmp type echo-request accept',
    '\t\tiifname "vlan20" meta l4proto { tcp, udp } th dport 53 accept',
    '\t}',
    '',
  );
  const subChains = Math.max(1, Math.floor(spec.rules / 500));
  const perSub = Math.floor(spec.rules / 10 / subChains);
  for (let c = 0; c < subChains; c++) {
    out.push(`\tchain zone${c} {`);
    for (let i = 0; i < perSub; i++) out.push(`\t\t${ruleLine(r, c * perSub + i)}`);
    out.push('\t}', '');
  }
  out.push(
    '\tchain forward {',
    '\t\ttype filter hook forward priority filter; policy drop;',
    '\t\tct state vmap { established : accept, related : accept, invalid : drop }',
  );
  if (spec.setElements) out.push('\t\tip daddr @blocklist drop');
  out.push('\t\tiifname . ip saddr vmap { "vlan20" . $PHONES : jump phones }');
  const main = spec.rules - subChains * perSub;
  for (let i = 0; i < main; i++) {
    if (i % 500 === 250 && i / 500 < subChains) out.push(`\t\tiifname "lan${i % 40}" jump zone${Math.floor(i / 500)}`);
    else out.push(`\t\t${ruleLine(r, i + 1_000_000)}`);
  }
  out.push('\t}', '');
  out.push(
    '\tchain phones {',
    '\t\toifname $WAN ip daddr 185.72.208.0/22 accept',
    '\t\toifname $WAN udp dport { 53, 123 } accept',
    '\t\toifname $WAN tcp dport { 53, 80, 443 } accept',
    '\t}',
  );
  out.push('}', '');
  out.push(
    'table ip nat {',
    '\tchain prerouting {',
    '\t\ttype nat hook prerouting priority dstnat; policy accept;',
    '\t\tiifname $WAN tcp dport 8443 dnat to 192.168.1.10:443',
    '\t}',
    '',
  );
  out.push(
    '\tchain postrouting {',
    '\t\ttype nat hook postrouting priority srcnat; policy accept;',
    '\t\toifname $WAN ip saddr { $PHONES, 192.168.0.0/16 } masquerade',
    '\t}',
    '}',
    '',
  );
  return out.join('\n');
}

function ruleLine(r: () => number, i: number): string {
  const lan = `lan${i % 40}`;
  const src = `192.168.${i % 250}.0/24`;
  const host = (n: number) => ip(((198 << 24) | (51 << 16) | (100 << 8)) + (n % 250));
  const kind = Math.floor(r() * 10);
  const ports = (n: number) => Array.from({ length: n }, (_, k) => 1000 + ((i * 7 + k * 13) % 60000)).join(', ');
  switch (kind) {
    case 0:
    case 1:
    case 2:
      return `iifname "${lan}" ip saddr ${src} ip daddr { ${host(i)}, ${host(i + 1)}, 203.0.113.0/24 } tcp dport { ${ports(3)}, 8000-8100 } accept`;
    case 3:
    case 4:
      return `iifname "${lan}" ip saddr ${src} udp dport { ${ports(4)} } accept`;
    case 5:
      return `ip saddr ${src} ip daddr ${host(i)} tcp dport ${1 + (i % 65000)} counter drop`;
    case 6:
      return `iifname "${lan}" meta l4proto { tcp, udp } th dport { ${ports(2)} } ct state new accept`;
    case 7:
      return `ip daddr { ${host(i)}, ${host(i + 3)} } icmp type echo-request accept`;
    case 8:
      return `iifname "${lan}" oifname $WAN ip daddr != { 10.0.0.0/8, 172.16.0.0/12 } tcp dport { 22, 3389 } reject`;
    default:
      return `ip saddr ${src} ip protocol . th dport vmap { tcp . ${1 + (i % 9000)} : accept, udp . ${2 + (i % 9000)} : drop }`;
  }
}

// ---------------------------------------------------------------- worker (child process)

interface WorkerResult {
  parseMs: number;
  evalMs: number;
  peakRss: number;
  rulesInModel: number;
  findings: Record<string, number>;
}

async function worker(file: string): Promise<void> {
  const { parserFor, detectVendor } = await import('../parsers/index.js');
  const { lintPolicy } = await import('../src/lint/run.js');
  const { loadProfile } = await import('../src/profiles/load.js');
  const profile = loadProfile('ipnordic');
  const text = readFileSync(file, 'utf8');
  const t0 = performance.now();
  const vendor = detectVendor(text.slice(0, 8192));
  if (vendor !== 'nftables') throw new Error(`${file}: detected as ${String(vendor)}`);
  const policies = parserFor(vendor)!.parse(text, file, vendor, {});
  const t1 = performance.now();
  const results = policies.map((p) =>
    lintPolicy(p, [profile], { phones: ['10.20.0.0/24@vlan20'], wan: ['wan0'], audiences: [], devices: [] }),
  );
  const t2 = performance.now();
  const findings: Record<string, number> = {};
  for (const res of results) for (const f of res.findings) findings[f.ruleId] = (findings[f.ruleId] ?? 0) + 1;
  const rulesInModel = policies.reduce(
    (n, p) => n + Object.values(p.ruleset.chains).reduce((m, c) => m + c.rules.filter((x) => !x.implicit).length, 0),
    0,
  );
  const out: WorkerResult = {
    parseMs: t1 - t0,
    evalMs: t2 - t1,
    peakRss: process.resourceUsage().maxRSS * 1024,
    rulesInModel,
    findings,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

function runWorker(file: string): WorkerResult {
  const r = spawnSync(process.execPath, [SELF, '--worker', file], {
    encoding: 'utf8',
    timeout: 10 * 60_000,
    maxBuffer: 1 << 20,
  });
  if (r.error) throw new Error(`nftables bench worker: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(
      `nftables bench worker exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(0, 6).join(' | ')}`,
    );
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as WorkerResult;
}

// ---------------------------------------------------------------- nft -c

interface NftResult {
  ms?: number;
  /** Stopped at the cap: nft -c takes at least `ms`. */
  timedOut?: boolean;
  /** Why nft could not be timed (not installed, no netlink access...). */
  unavailable?: string;
  /** nft ran but refused the ruleset: a bug in the generator. */
  rejected?: string;
}

function nftPath(): string | undefined {
  for (const p of ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft', '/usr/local/sbin/nft']) {
    try {
      if (statSync(p).isFile()) return p;
    } catch {
      // not there
    }
  }
  return undefined;
}

function probeNft(nft: string, dir: string): string | undefined {
  const probe = join(dir, 'probe.nft');
  writeFileSync(
    probe,
    'table inet fwlint_probe {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n',
  );
  const r = spawnSync(nft, ['-c', '-f', probe], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return `nft -c could not run (${r.error.message})`;
  if (r.status !== 0)
    return `nft -c fails even on a trivial ruleset, so it cannot be compared here: ${(r.stderr || '').trim().split('\n')[0] ?? `exit ${r.status}`}`;
  return undefined;
}

function timeNft(nft: string, file: string, capMs: number): NftResult {
  const t0 = performance.now();
  const r = spawnSync(nft, ['-c', '-f', file], {
    encoding: 'utf8',
    timeout: capMs,
    killSignal: 'SIGKILL',
    maxBuffer: 16 << 20,
  });
  const ms = performance.now() - t0;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') return { ms, timedOut: true };
  if (r.error) return { unavailable: `nft -c did not finish (${r.error.message})` };
  if (r.status !== 0) {
    const first = (r.stderr || '').trim().split('\n')[0] ?? '';
    if (
      /Operation not permitted|Permission denied|netlink|Protocol not supported|cache initialization failed/i.test(
        r.stderr,
      )
    )
      return { unavailable: `nft -c cannot talk to the kernel here: ${first}` };
    return { rejected: first };
  }
  return { ms };
}

// ---------------------------------------------------------------- orchestrator

const fmtMs = (x: number) =>
  x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`;
const fmtMb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const fmtMiB = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [
    line(headers),
    `| ${w.map((n, i) => (i === 0 ? '-'.repeat(n) : `${'-'.repeat(n - 1)}:`)).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

export default async function bench(): Promise<{ markdown: string; ok: boolean }> {
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-bench-nft-'));
  const nft = nftPath();
  const nftProblem = nft
    ? probeNft(nft, dir)
    : 'nft is not installed (Debian package nftables), so `nft -c` is not compared';
  const rows: string[][] = [];
  const violations: string[] = [];
  const notes: string[] = [];
  try {
    for (const spec of SPECS) {
      const file = join(dir, `${spec.name.replace(/\W+/g, '-')}.nft`);
      const text = generateRuleset(spec);
      writeFileSync(file, text);
      process.stderr.write(`bench nftables: ${spec.name}, ${fmtMb(Buffer.byteLength(text))}…\n`);
      const w = runWorker(file);
      const total = w.parseMs + w.evalMs;
      let nftCell = 'n/a';
      let ratioCell = 'n/a';
      if (nft && !nftProblem) {
        const n = timeNft(nft, file, spec.nftCapMs);
        if (n.ms !== undefined) {
          nftCell = `${n.timedOut ? '> ' : ''}${fmtMs(n.ms)}`;
          ratioCell = `${n.timedOut ? '> ' : ''}${(n.ms / total).toFixed(1)}×`;
          if (n.timedOut)
            notes.push(
              `${spec.name}: nft -c stopped after ${fmtMs(n.ms)} (cap for this size); the ratio is a lower bound`,
            );
          if (spec.rules === 10_000 && !spec.setElements && n.ms / total < NFT_RATIO) {
            violations.push(
              `${spec.name}: fwlint ${fmtMs(total)} is only ${(n.ms / total).toFixed(1)}× faster than nft -c (${fmtMs(n.ms)}); budget ${NFT_RATIO}×`,
            );
          }
        } else if (n.rejected) {
          nftCell = 'rejected';
          violations.push(`${spec.name}: nft -c rejected the generated ruleset: ${n.rejected}`);
        } else {
          nftCell = 'unavailable';
          notes.push(`${spec.name}: ${n.unavailable}`);
        }
      }
      if (total > spec.budgetMs)
        violations.push(`${spec.name}: fwlint total ${fmtMs(total)} exceeds the ${fmtMs(spec.budgetMs)} budget`);
      if (w.peakRss > PEAK_BUDGET)
        violations.push(`${spec.name}: peak RSS ${fmtMiB(w.peakRss)} exceeds ${fmtMiB(PEAK_BUDGET)}`);
      rows.push([
        spec.name,
        w.rulesInModel.toLocaleString('en-US'),
        fmtMb(Buffer.byteLength(text)),
        fmtMs(w.parseMs),
        fmtMs(w.evalMs),
        fmtMs(total),
        fmtMs(spec.budgetMs),
        fmtMiB(w.peakRss),
        nftCell,
        ratioCell,
        Object.entries(w.findings)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([id, n]) => `${id}×${n}`)
          .join(' ') || 'none',
      ]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const md = [
    '## nftables benchmark',
    '',
    `Generated /etc/nftables.conf-style rulesets (bench/vendor-nftables.ts: anonymous sets of addresses and ports in most rules, verdict maps, jumps into zone chains, define, ct timeout, NAT). Node ${process.version}, ${process.platform}/${process.arch}; each fwlint run in a fresh child process. **total** = parse (text → model) + evaluate (lintPolicy, ipnordic, --phones 10.20.0.0/24@vlan20 --wan wan0). **nft -c** = \`nft -c -f\` on the same file.`,
    '',
    table(
      [
        'ruleset',
        'rules in model',
        'file',
        'parse',
        'evaluate',
        'total',
        'budget',
        'peak RSS',
        'nft -c',
        'nft -c / total',
        'findings',
      ],
      rows,
    ),
    '',
    nftProblem
      ? `nft -c not compared: ${nftProblem}.`
      : `Budget: at 10k rules fwlint's total is at least ${NFT_RATIO}× faster than nft -c.`,
    ...notes.map((n) => `- ${n}`),
    '',
    violations.length
      ? `**Budget exceeded:**\n${violations.map((v) => `- ${v}`).join('\n')}`
      : 'All nftables budgets met.',
    '',
  ].join('\n');
  return { markdown: md, ok: violations.length === 0 };
}

if (process.argv[2] === '--worker' && process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  await worker(process.argv[3]!);
}
