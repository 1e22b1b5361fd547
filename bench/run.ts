/**
 * npm run bench [-- --vendor pfsense,nftables --sizes 1000,10000 --runs 3 --keep --no-dir --dir-only --shape alt|all]
 *
 * All four vendors at 1k, 10k and 100k rules (bench/vendors.ts), with the site flags users pass.
 * Per vendor and size it prints: the read-and-split floor, fwlint's parse and evaluation (lint with
 * the ipnordic profile), their ratios to the floor, pfSense's ratio to fast-xml-parser's parse,
 * nftables' `nft -c` time (capped), and each child's peak RSS against 4 × file size + 100 MB. Then
 * it lints a directory of 1,000 typical configurations with the CLI. Generated files go to
 * os.tmpdir() and are removed afterwards (--keep keeps them). Medians of 3 runs up to 10k rules,
 * 1 run at 100k. The targets (issue 15) are printed with the figures; the exit code is 0 unless a
 * measurement failed, since timings on a shared machine are not a verdict. `--shape alt` measures the
 * configurations generated differently instead (bench/generate-alt.ts), `--shape all` both.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  fmtMB,
  fmtMiB,
  fmtMs,
  fmtX,
  measure,
  measureCli,
  medianOf,
  runJob,
  table,
  type Job,
  type Measured,
} from './harness.js';
import { findNft, timeNftRuns } from './nft.js';
import { ALT_VENDORS, VENDORS, benchName, type VendorBench } from './vendors.js';

const DEFAULT_SIZES = [1_000, 10_000, 100_000];
/** A lint still running after this is stopped (the evaluation at 100k is the engine's open problem). */
const LINT_CAP_MS = { small: 10 * 60_000, large: 5 * 60_000 };
const NFT_CAP_MS = { small: 10 * 60_000, large: 2 * 60_000 };
const DIR_FILES = 1_000;

type Shape = 'bench' | 'alt' | 'all';

interface Args {
  vendors: readonly VendorBench[];
  sizes: number[];
  runs?: number;
  keep: boolean;
  dir: 'yes' | 'no' | 'only';
}

interface Row {
  v: VendorBench;
  rules: number;
  bytes: number;
  floor: Measured;
  lint: Measured;
  /** The command users run on the same file (harness.ts measureCli). */
  cli: Measured;
  base?: Measured;
  nft?: { ms?: number; note?: string };
}

function parseArgs(argv: string[]): Args {
  const a: Args = { vendors: VENDORS, sizes: DEFAULT_SIZES, keep: false, dir: 'yes' };
  let names: string[] | undefined;
  let shape: Shape = 'bench';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = (): string => argv[++i] ?? '';
    if (arg === '--vendor') {
      names = next().split(',');
      if (!names.every((n) => VENDORS.some((v) => v.vendor === n)))
        throw new Error(`--vendor: one of ${VENDORS.map((v) => v.vendor).join(', ')}`);
    } else if (arg === '--shape') {
      const s = next();
      if (s !== 'bench' && s !== 'alt' && s !== 'all') throw new Error('--shape: bench, alt or all');
      shape = s;
    } else if (arg === '--sizes')
      a.sizes = next()
        .split(',')
        .map((s) => Number(s.replace(/k$/i, '000')));
    else if (arg === '--runs') a.runs = Number(next());
    else if (arg === '--keep') a.keep = true;
    else if (arg === '--no-dir') a.dir = 'no';
    else if (arg === '--dir-only') a.dir = 'only';
    else throw new Error(`unknown argument ${arg ?? ''} (see bench/run.ts)`);
  }
  const all = shape === 'bench' ? VENDORS : shape === 'alt' ? ALT_VENDORS : [...VENDORS, ...ALT_VENDORS];
  const picked = names;
  a.vendors = picked ? all.filter((v) => picked.includes(v.vendor)) : all;
  if (a.sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error('--sizes: positive integers, comma-separated');
  if (a.runs !== undefined && (!Number.isInteger(a.runs) || a.runs < 1)) throw new Error('--runs: a positive integer');
  return a;
}

function runs(job: Job, n: number, capMs: number): Measured {
  return medianOf(Array.from({ length: n }, () => measure(job, capMs)));
}

function benchVendor(v: VendorBench, rules: number, dir: string, args: Args, nft: string | undefined): Row {
  const file = join(dir, `${benchName(v).replace(/\W+/g, ' ').trim().replace(/ /g, '-')}-${rules}.${v.ext}`);
  writeFileSync(file, v.generate(rules, 1));
  const bytes = statSync(file).size;
  const large = rules > 10_000;
  const n = args.runs ?? (large ? 1 : 3);
  process.stderr.write(`bench: ${benchName(v)} ${rules} rules, ${fmtMB(bytes)}, ${n} run(s)\n`);
  const row: Row = {
    v,
    rules,
    bytes,
    floor: runs({ mode: 'floor', file }, n, LINT_CAP_MS.small),
    lint: runs({ mode: 'lint', file, site: v.site }, n, large ? LINT_CAP_MS.large : LINT_CAP_MS.small),
    cli: medianOf(
      Array.from({ length: n }, () => measureCli(file, v.site, large ? LINT_CAP_MS.large : LINT_CAP_MS.small)),
    ),
  };
  if (v.baseline === 'fxp') row.base = runs({ mode: 'fxp', file }, n, LINT_CAP_MS.small);
  if (v.baseline === 'nft')
    row.nft = nft ? timeNftRuns(nft, file, large ? NFT_CAP_MS.large : NFT_CAP_MS.small, n) : undefined;
  return row;
}

function mainTable(rows: Row[]): string {
  return table(
    [
      'vendor',
      'rules',
      'file',
      'floor',
      'parse',
      'evaluate',
      'total',
      'parse / floor',
      'total / floor',
      'baseline',
      'parse / baseline',
      'peak RSS',
      'RSS budget',
      'live heap',
    ],
    rows.map((r) => {
      const stopped = r.lint.timedOut ? ` (stopped at ${LINT_CAP_MS.large / 60_000} min)` : '';
      let baseline = '';
      let vsBase = '';
      if (r.base) {
        baseline = `fxp ${fmtMs(r.base.ms)}`;
        vsBase = fmtX((r.lint.parseMs ?? 0) / r.base.ms);
      } else if (r.v.baseline === 'nft') {
        baseline = r.nft?.ms !== undefined ? `nft -c ${fmtMs(r.nft.ms)}` : `nft -c: ${r.nft?.note ?? 'not run'}`;
        vsBase =
          r.nft?.ms !== undefined && !r.lint.timedOut ? `${(r.nft.ms / r.lint.ms).toFixed(1)}× faster (total)` : '';
      }
      return [
        benchName(r.v),
        r.rules.toLocaleString('en-US'),
        fmtMB(r.bytes),
        fmtMs(r.floor.ms),
        fmtMs(r.lint.parseMs),
        r.lint.timedOut ? `> ${fmtMs(LINT_CAP_MS.large - (r.lint.parseMs ?? 0))}` : fmtMs(r.lint.evalMs),
        r.lint.timedOut ? `> ${fmtMs(LINT_CAP_MS.large)}${stopped}` : fmtMs(r.lint.ms),
        fmtX((r.lint.parseMs ?? 0) / r.floor.ms),
        r.lint.timedOut ? '–' : fmtX(r.lint.ms / r.floor.ms),
        baseline,
        vsBase,
        fmtMiB(r.lint.peakRss),
        fmtMiB(4 * r.bytes + 100e6),
        fmtMiB(r.lint.liveHeap),
      ];
    }),
  );
}

/** CPU time (user + system) of the same runs: the steadier figures when other processes share the cores. */
function cpuTable(rows: Row[]): string {
  return table(
    ['vendor', 'rules', 'floor CPU', 'parse CPU', 'evaluate CPU', 'parse / floor', 'total / floor', 'parse / baseline'],
    rows.map((r) => [
      benchName(r.v),
      r.rules.toLocaleString('en-US'),
      fmtMs(r.floor.cpuMs),
      fmtMs(r.lint.parseCpuMs),
      r.lint.timedOut ? '–' : fmtMs(r.lint.evalCpuMs),
      fmtX(ratio(r.lint.parseCpuMs, r.floor.cpuMs)),
      r.lint.timedOut ? '–' : fmtX(ratio(r.lint.cpuMs, r.floor.cpuMs)),
      r.base ? `${fmtX(ratio(r.lint.parseCpuMs, r.base.cpuMs))} fxp` : '',
    ]),
  );
}

/** The command users run, on the same files: what a user waits for and the memory they see. */
function cliTable(rows: Row[]): string {
  return table(
    ['vendor', 'rules', 'wall', 'CPU', 'CPU / floor', 'peak RSS', 'RSS budget'],
    rows.map((r) => [
      benchName(r.v),
      r.rules.toLocaleString('en-US'),
      r.cli.timedOut ? 'stopped' : fmtMs(r.cli.ms),
      fmtMs(r.cli.cpuMs),
      fmtX(ratio(r.cli.cpuMs, r.floor.cpuMs)),
      fmtMiB(r.cli.peakRss),
      fmtMiB(4 * r.bytes + 100e6),
    ]),
  );
}

function ratio(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined || b <= 0 ? undefined : a / b;
}

/** A ratio as wall time and as CPU time. */
function both(wall: number | undefined, cpuRatio: number | undefined): string {
  return `${fmtX(wall)} (CPU ${fmtX(cpuRatio)})`;
}

/** The issue's targets, checked on the parse (this bench's part) and reported for the rest; CPU-time ratios decide. */
function targets(rows: Row[]): string[] {
  const out: string[] = [];
  const mark = (ok: boolean): string => (ok ? 'met' : '**not met**');
  for (const r of rows) {
    const tag = `${benchName(r.v)} ${r.rules.toLocaleString('en-US')}`;
    if (r.base && r.rules >= 10_000) {
      const x = (r.lint.parseMs ?? 0) / r.base.ms;
      const c = ratio(r.lint.parseCpuMs, r.base.cpuMs) ?? x;
      out.push(`${tag}: parse ${both(x, c)} fast-xml-parser's (target ≤ 1.3×): ${mark(c <= 1.3)}`);
    }
    if (!r.base && r.rules >= 100_000) {
      const x = (r.lint.parseMs ?? 0) / r.floor.ms;
      const c = ratio(r.lint.parseCpuMs, r.floor.cpuMs) ?? x;
      out.push(`${tag}: parse ${both(x, c)} the floor (target ≤ 5×): ${mark(c <= 5)}`);
      if (!r.lint.timedOut) {
        const t = r.lint.ms / r.floor.ms;
        const tc = ratio(r.lint.cpuMs, r.floor.cpuMs) ?? t;
        out.push(
          `${tag}: parse + evaluate ${both(t, tc)} the floor (target ≤ 5×; evaluation is issue 15 item 1): ` +
            mark(tc <= 5),
        );
      }
    }
    const budget = 4 * r.bytes + 100e6;
    if (r.lint.peakRss !== undefined)
      out.push(
        `${tag}: peak RSS of the bench worker ${fmtMiB(r.lint.peakRss)} (target ≤ ${fmtMiB(budget)}): ` +
          mark(r.lint.peakRss <= budget),
      );
    if (r.cli.peakRss !== undefined)
      out.push(
        `${tag}: peak RSS of the CLI ${fmtMiB(r.cli.peakRss)} (target ≤ ${fmtMiB(budget)}): ${mark(r.cli.peakRss <= budget)}`,
      );
    if (r.v.baseline === 'nft' && r.rules === 10_000 && r.nft?.ms !== undefined && !r.lint.timedOut) {
      const x = r.nft.ms / r.lint.ms;
      out.push(`${tag}: ${x.toFixed(0)}× faster than nft -c (target ≥ 50×): ${mark(x >= 50)}`);
    }
  }
  for (const v of new Set(rows.map((r) => r.v))) {
    const small = rows.find((r) => r.v === v && r.rules === 10_000);
    const big = rows.find((r) => r.v === v && r.rules === 100_000);
    if (!small || !big) continue;
    const p = (big.lint.parseMs ?? 0) / (small.lint.parseMs ?? 1);
    const pc = ratio(big.lint.parseCpuMs, small.lint.parseCpuMs) ?? p;
    out.push(`${benchName(v)}: parse at 100k costs ${both(p, pc)} 10k (target ≤ 12×): ${mark(pc <= 12)}`);
    if (!big.lint.timedOut) {
      const t = big.lint.ms / small.lint.ms;
      const tc = ratio(big.lint.cpuMs, small.lint.cpuMs) ?? t;
      out.push(`${benchName(v)}: parse + evaluate at 100k costs ${both(t, tc)} 10k (target ≤ 12×): ${mark(tc <= 12)}`);
    }
  }
  return out;
}

/** 1,000 typical configurations (50–450 rules, the four vendors in turn) linted by the CLI in one run. */
function benchDirectory(root: string): string {
  const dir = join(root, 'configs');
  mkdirSync(dir);
  let bytes = 0;
  for (let i = 0; i < DIR_FILES; i++) {
    const v = VENDORS[i % VENDORS.length] ?? VENDORS[0];
    if (!v) break;
    const text = v.generate(50 + ((i * 37) % 400), i + 1);
    bytes += text.length;
    writeFileSync(join(dir, `site-${String(i).padStart(4, '0')}.${v.ext}`), text);
  }
  // The command users run (package.json bin, the pre-commit hook, the Action): the one-file bundle.
  const cli = fileURLToPath(new URL('../../bundle/fwlint.mjs', import.meta.url));
  const argv = [cli, 'lint', dir, '--profile', 'ipnordic', '--phones', '10.20.0.0/24', '--format', 'json'];
  const t0 = performance.now();
  const r = spawnSync(
    process.execPath,
    [...argv, '-o', join(root, 'report.json'), '--fail-on', 'none', '--no-config'],
    {
      encoding: 'utf8',
      timeout: 10 * 60_000,
    },
  );
  const ms = performance.now() - t0;
  if (r.status !== 0)
    return `Directory of ${DIR_FILES} configs: the CLI failed (${r.status ?? r.signal ?? '?'}): ${r.stderr.slice(0, 300)}`;
  const verdict = ms < 10_000 ? 'met' : '**not met**';
  const command = '`fwlint lint <dir> --profile ipnordic --phones 10.20.0.0/24 --format json`';
  return (
    `Directory of ${DIR_FILES} typical configs (${fmtMB(bytes)}, 50–450 rules each, four vendors; ${command}): ` +
    `${fmtMs(ms)} wall time on ${cpus().length} cores (target < 10 s: ${verdict}).`
  );
}

function orchestrate(args: Args): void {
  const root = mkdtempSync(join(tmpdir(), 'fwlint-bench-'));
  const lines: string[] = ['## Benchmark', ''];
  try {
    const nft = args.vendors.some((v) => v.baseline === 'nft') ? findNft(root) : {};
    const rows: Row[] = [];
    if (args.dir !== 'only') {
      for (const v of args.vendors)
        for (const rules of args.sizes) rows.push(benchVendor(v, rules, root, args, nft.nft));
      lines.push(
        `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} cores, ` +
          `load average ${loadavg()[0]?.toFixed(1) ?? '?'} at the end. ` +
          'Medians of 3 runs up to 10k rules, 1 run at 100k, each in a fresh child process.',
        '',
        '- **floor**: node reads the file and splits it into lines. **parse**: vendor detection + `parser.parse` → model. ' +
          '**evaluate**: `lintPolicy` with `ipnordic` and the site flags below. ' +
          '**baseline**: fast-xml-parser (pfSense), `nft -c -f` (nftables, the same number of runs' +
          `, stopped after ${NFT_CAP_MS.large / 60_000} min at 100k).`,
        "- **peak RSS**: the child's maxRSS (runtime + text + model + lint, and garbage not yet collected); " +
          'budget 4 × file size + 100 MB. **live heap**: V8 heap in use after a full GC with the model and findings alive.',
        '',
        mainTable(rows),
        '',
        'CPU time (user + system) of the same runs:',
        '',
        cpuTable(rows),
        '',
        'The command users run on the same files (`fwlint lint FILE --profile ipnordic` with the site flags below, ' +
          '`--format json -o FILE`; the one-file bundle: start-up, parse, evaluation and the report; CPU and peak RSS ' +
          'of the CLI process, medians of the same number of runs):',
        '',
        cliTable(rows),
        '',
        table(
          ['vendor', 'site flags', 'generator features'],
          args.vendors.map((v) => [
            benchName(v),
            `${v.site.phones.map((p) => `--phones ${p}`).join(' ')} ${v.site.wan.map((w) => `--wan ${w}`).join(' ')}`,
            v.features,
          ]),
        ),
        '',
      );
      if (nft.note) lines.push(`nftables: ${nft.note}.`, '');
      lines.push('Targets:', '', ...targets(rows).map((t) => `- ${t}`), '');
    }
    if (args.dir !== 'no') lines.push(benchDirectory(root), '');
  } finally {
    if (args.keep) process.stderr.write(`bench: generated files kept in ${root}\n`);
    else rmSync(root, { recursive: true, force: true });
  }
  process.stdout.write(lines.join('\n'));
}

const argv = process.argv.slice(2);
try {
  if (argv[0] === '--worker') await runJob(JSON.parse(argv[1] ?? '{}') as Job);
  else orchestrate(parseArgs(argv));
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
