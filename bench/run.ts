/**
 * npm run bench — parse and lint time and peak memory on synthetic pfSense exports of 1k, 10k and
 * 100k filter rules, against fast-xml-parser parsing the same text as the baseline.
 *
 *   npm run bench [-- --sizes 1000,10000 --runs 3 --keep]
 *
 * Every measurement runs in its own child process (`node --expose-gc dist/bench/run.js --worker
 * <mode> <file>`), so each starts from the same clean heap and its peak memory is the child's
 * high-water RSS (`process.resourceUsage().maxRSS`), which counts everything: V8 heap, external
 * strings and buffers, and the Node runtime itself. Modes:
 *   baseline  read the file, `new XMLParser({ ignoreAttributes: false }).parse(text)`
 *   fwlint    read the file, detectVendor + parser.parse (→ Policy) + lintPolicy(ipnordic, phones auto-detected)
 *   idle      read the file only (what every mode costs before parsing: runtime + the text)
 * Reading the file and loading the profile happen before the clock starts, in every mode.
 *
 * Budgets (exit 1 when exceeded): fwlint total (parse + evaluate) ≤ 1.5 × baseline parse time,
 * and fwlint peak RSS ≤ 4 × baseline peak RSS. Times and peaks are the median of 3 runs for 1k
 * and 10k rules, 1 run for 100k. Generated files go to os.tmpdir() and are removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writePfsense } from './generate-pfsense.js';

const TIME_BUDGET = 1.5;
const PEAK_BUDGET = 4;
const DEFAULT_SIZES = [1_000, 10_000, 100_000];

type Mode = 'baseline' | 'fwlint' | 'idle';

interface WorkerResult {
  mode: Mode;
  parseMs: number;
  evalMs: number;
  /** process.resourceUsage().maxRSS, in bytes. */
  peakRss: number;
  /** process.memoryUsage().heapUsed with the parse result (and lint result) still alive, bytes. */
  heapLive: number;
  rulesInModel?: number;
  findings?: Record<string, number>;
  notifications?: number;
}

// ---------------------------------------------------------------- worker (child process)

/** Keeps the parsed results reachable until maxRSS and the heap are read (exported so it is not dead code). */
export let retained: unknown;

async function worker(mode: Mode, file: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const text = readFileSync(file, 'utf8');
  let parseMs = 0;
  let evalMs = 0;
  let keep: unknown[] = [];
  const extra: Partial<WorkerResult> = {};
  if (mode === 'baseline') {
    const { XMLParser } = await import('fast-xml-parser');
    gc();
    const t0 = performance.now();
    const doc = new XMLParser({ ignoreAttributes: false }).parse(text);
    parseMs = performance.now() - t0;
    keep = [doc];
  } else if (mode === 'fwlint') {
    const { detectVendor, parserFor } = await import('../parsers/index.js');
    const { lintPolicy } = await import('../src/lint/run.js');
    const { loadProfile } = await import('../src/profiles/load.js');
    const profile = loadProfile('ipnordic');
    gc();
    const t0 = performance.now();
    const vendor = detectVendor(text.slice(0, 8192));
    if (!vendor) throw new Error(`${file}: vendor not detected`);
    const parser = parserFor(vendor);
    if (!parser) throw new Error(`no parser for ${vendor}`);
    const policies = parser.parse(text, file, vendor);
    const t1 = performance.now();
    const results = policies.map((p) => lintPolicy(p, [profile], { phones: [], wan: [], audiences: [], devices: [] }));
    const t2 = performance.now();
    parseMs = t1 - t0;
    evalMs = t2 - t1;
    keep = [policies, results];
    const findings: Record<string, number> = {};
    for (const r of results) for (const f of r.findings) findings[f.ruleId] = (findings[f.ruleId] ?? 0) + 1;
    extra.findings = findings;
    extra.notifications = results.reduce((n, r) => n + r.notifications.length, 0);
    extra.rulesInModel = policies.reduce(
      (n, p) => n + Object.values(p.ruleset.chains).reduce((m, c) => m + c.rules.filter((x) => !x.implicit).length, 0),
      0,
    );
  }
  retained = keep; // the results stay reachable until maxRSS and the heap are read
  const heapLive = process.memoryUsage().heapUsed;
  const result: WorkerResult = {
    mode,
    parseMs,
    evalMs,
    peakRss: process.resourceUsage().maxRSS * 1024,
    heapLive,
    ...extra,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

// ---------------------------------------------------------------- orchestrator

const SELF = fileURLToPath(import.meta.url);

function runWorker(mode: Mode, file: string): WorkerResult {
  const r = spawnSync(process.execPath, ['--expose-gc', SELF, '--worker', mode, file], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    maxBuffer: 1 << 20,
  });
  if (r.error) throw new Error(`bench worker ${mode}: ${r.error.message}`);
  if (r.status !== 0)
    throw new Error(
      `bench worker ${mode} exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(0, 6).join(' | ')}`,
    );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line) as WorkerResult;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Row {
  rules: number;
  aliases: number;
  bytes: number;
  genMs: number;
  runs: number;
  baseMs: number;
  parseMs: number;
  evalMs: number;
  totalMs: number;
  basePeak: number;
  peak: number;
  idlePeak: number;
  baseHeap: number;
  heap: number;
  rulesInModel: number;
  findings: Record<string, number>;
  timeRatio: number;
  peakRatio: number;
}

/** Memory in MiB; file sizes in decimal MB, as file managers and the README's reference sizes count them. */
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const fileMb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
const ms = (x: number) => (x >= 100 ? `${x.toFixed(0)} ms` : `${x.toFixed(1)} ms`);
const ratio = (x: number) => `${x.toFixed(2)}×`;

function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join(' | ')} |`;
  return [
    line(headers),
    `| ${w.map((n, i) => (i === 0 ? '-'.repeat(n) : '-'.repeat(n - 1) + ':')).join(' | ')} |`,
    ...rows.map(line),
  ].join('\n');
}

function parseArgs(argv: string[]): { sizes: number[]; runs?: number; keep: boolean } {
  let sizes = DEFAULT_SIZES;
  let runs: number | undefined;
  let keep = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--sizes') sizes = (argv[++i] ?? '').split(',').map((s) => Number(s.replace(/k$/i, '000')));
    else if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--keep') keep = true;
    else throw new Error(`unknown argument ${a} (expected --sizes 1000,10000 --runs N --keep)`);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--sizes: positive integers, comma-separated');
  if (runs !== undefined && (!Number.isInteger(runs) || runs < 1)) throw new Error('--runs: a positive integer');
  return { sizes, runs, keep };
}

function orchestrate(argv: string[]): number {
  const { sizes, runs: runsArg, keep } = parseArgs(argv);
  const dir = mkdtempSync(join(tmpdir(), 'fwlint-bench-'));
  const rows: Row[] = [];
  try {
    for (const rules of sizes) {
      const file = join(dir, `pfsense-${rules}.xml`);
      const g0 = performance.now();
      const { bytes, aliases } = writePfsense(file, rules);
      const genMs = performance.now() - g0;
      const runs = runsArg ?? (rules <= 10_000 ? 3 : 1);
      process.stderr.write(`bench: ${rules} rules, ${fileMb(bytes)} (generated in ${ms(genMs)}), ${runs} run(s)…\n`);
      const base: WorkerResult[] = [];
      const fw: WorkerResult[] = [];
      for (let i = 0; i < runs; i++) {
        // Alternate the order so neither mode always runs on a warmer machine.
        if (i % 2 === 0) {
          base.push(runWorker('baseline', file));
          fw.push(runWorker('fwlint', file));
        } else {
          fw.push(runWorker('fwlint', file));
          base.push(runWorker('baseline', file));
        }
      }
      const idle = runWorker('idle', file);
      const baseMs = median(base.map((r) => r.parseMs));
      const parseMs = median(fw.map((r) => r.parseMs));
      const evalMs = median(fw.map((r) => r.evalMs));
      const totalMs = median(fw.map((r) => r.parseMs + r.evalMs));
      const basePeak = median(base.map((r) => r.peakRss));
      const peak = median(fw.map((r) => r.peakRss));
      rows.push({
        rules,
        aliases,
        bytes,
        genMs,
        runs,
        baseMs,
        parseMs,
        evalMs,
        totalMs,
        basePeak,
        peak,
        idlePeak: idle.peakRss,
        baseHeap: median(base.map((r) => r.heapLive)),
        heap: median(fw.map((r) => r.heapLive)),
        rulesInModel: fw[0]!.rulesInModel ?? 0,
        findings: fw[0]!.findings ?? {},
        timeRatio: totalMs / baseMs,
        peakRatio: peak / basePeak,
      });
    }
  } finally {
    if (keep) process.stderr.write(`bench: generated files kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }

  const main = table(
    [
      'rules',
      'file',
      'fast-xml-parser',
      'fwlint parse',
      'evaluate',
      'total',
      'total / fxp',
      'fxp peak RSS',
      'fwlint peak RSS',
      'peak / fxp peak',
    ],
    rows.map((r) => [
      r.rules.toLocaleString('en-US'),
      fileMb(r.bytes),
      ms(r.baseMs),
      ms(r.parseMs),
      ms(r.evalMs),
      ms(r.totalMs),
      ratio(r.timeRatio),
      mb(r.basePeak),
      mb(r.peak),
      ratio(r.peakRatio),
    ]),
  );
  const detail = table(
    [
      'rules',
      'runs',
      'aliases',
      'rules in model',
      'generate',
      'idle RSS (node + text)',
      'fxp peak − idle',
      'fwlint peak − idle',
      'fxp heap live',
      'fwlint heap live',
      'findings',
    ],
    rows.map((r) => [
      r.rules.toLocaleString('en-US'),
      String(r.runs),
      String(r.aliases),
      r.rulesInModel.toLocaleString('en-US'),
      ms(r.genMs),
      mb(r.idlePeak),
      mb(r.basePeak - r.idlePeak),
      mb(r.peak - r.idlePeak),
      mb(r.baseHeap),
      mb(r.heap),
      Object.entries(r.findings)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, n]) => `${id}×${n}`)
        .join(' ') || 'none',
    ]),
  );
  const violations: string[] = [];
  for (const r of rows) {
    if (r.timeRatio > TIME_BUDGET)
      violations.push(
        `${r.rules} rules: total ${ms(r.totalMs)} is ${ratio(r.timeRatio)} the fast-xml-parser parse (${ms(r.baseMs)}); budget ${TIME_BUDGET}×`,
      );
    if (r.peakRatio > PEAK_BUDGET)
      violations.push(
        `${r.rules} rules: peak RSS ${mb(r.peak)} is ${ratio(r.peakRatio)} the fast-xml-parser peak (${mb(r.basePeak)}); budget ${PEAK_BUDGET}×`,
      );
  }

  const out = [
    '## Benchmark',
    '',
    `Synthetic pfSense config.xml exports (bench/generate-pfsense.ts: 5 interfaces incl. a VOICE VLAN, ~1% aliases, pass/block/reject, ports, ranges and port aliases, ~2% floating rules, 4 port-forwards, hybrid outbound NAT). Node ${process.version}, ${process.platform}/${process.arch}. Median of 3 runs for ≤10k rules, 1 run for 100k; each measurement in a fresh child process.`,
    '',
    '- **fast-xml-parser**: `new XMLParser({ ignoreAttributes: false }).parse(text)` alone (the baseline).',
    '- **fwlint parse**: vendor detection + `parser.parse(text)` → Policy. **evaluate**: `lintPolicy` with the `ipnordic` profile, phones auto-detected. **total** = parse + evaluate.',
    "- **peak RSS**: the child process's `process.resourceUsage().maxRSS` (runtime + file text + parse result + lint). Budgets: total ≤ " +
      `${TIME_BUDGET}× fast-xml-parser, peak ≤ ${PEAK_BUDGET}× fast-xml-parser's peak.`,
    '',
    main,
    '',
    detail,
    '',
    violations.length
      ? `**Budget exceeded:**\n${violations.map((v) => `- ${v}`).join('\n')}`
      : `All budgets met (time ≤ ${TIME_BUDGET}×, peak ≤ ${PEAK_BUDGET}×).`,
    '',
  ].join('\n');
  process.stdout.write(out);
  return violations.length ? 1 : 0;
}

/**
 * Other vendors plug in as bench/vendor-<name>.ts modules whose default export runs their bench
 * (with its own budgets) and returns a markdown section; discovered here so no shared file changes.
 */
export interface VendorBench {
  markdown: string;
  ok: boolean;
}

async function vendorBenches(only: string | undefined): Promise<number> {
  const dir = dirname(SELF);
  let failed = 0;
  for (const f of readdirSync(dir)
    .filter((n) => /^vendor-[\w-]+\.js$/.test(n))
    .sort()) {
    if (only && !f.includes(only)) continue;
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: () => Promise<VendorBench> };
    const r = await mod.default();
    process.stdout.write(`\n${r.markdown}\n`);
    if (!r.ok) failed++;
  }
  return failed;
}

const argv = process.argv.slice(2);
if (argv[0] === '--worker') {
  await worker(argv[1] as Mode, argv[2]!);
} else {
  try {
    const vendorOnly = argv[0] === '--vendor' ? argv[1] : undefined;
    const pf = vendorOnly && vendorOnly !== 'pfsense' ? 0 : orchestrate(vendorOnly ? argv.slice(2) : argv);
    const others = vendorOnly === 'pfsense' ? 0 : await vendorBenches(vendorOnly);
    process.exitCode = pf || (others ? 1 : 0);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    process.exitCode = 2;
  }
}
