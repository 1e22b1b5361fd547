/**
 * The bench harness every vendor shares. Each measurement runs in a fresh child process
 * (`node --expose-gc dist/bench/run.js --worker <json>`), so each starts from a clean heap and its
 * peak memory is the child's high-water RSS (`process.resourceUsage().maxRSS`: V8 heap, external
 * strings and buffers, and the Node runtime). Modes:
 *   floor  read the file and split it into lines (the read-and-split floor)
 *   lint   read the file; time detectVendor + parser.parse (→ Policy), then lintPolicy with the
 *          ipnordic profile and the site flags a user passes (`--phones … --wan …`), with V8's
 *          young generation kept small and inlining off as the CLI has them (src/cli/young-generation.ts,
 *          src/cli/inlining.ts)
 *   parse  as lint without the evaluation (for profiling)
 *   fxp    read the file; `new XMLParser({ ignoreAttributes: false }).parse(text)` (pfSense baseline)
 * The worker loads fwlint from dist/ (about 300 modules); measureCli runs the command users run instead.
 * Reading the file (except in `floor`) and loading the profile happen before the clock starts.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Mode = 'floor' | 'lint' | 'parse' | 'fxp';

export interface Site {
  phones: string[];
  wan: string[];
}

export interface Job {
  mode: Mode;
  file: string;
  site?: Site;
}

export interface Measured {
  /** floor / fxp: the measured step; lint: parse + evaluate. */
  ms: number;
  parseMs?: number;
  evalMs?: number;
  /**
   * CPU time (user + system) of the same steps: on a shared machine wall time includes the time other
   * processes held the cores, CPU time much less, so ratios of CPU times are the steadier figures.
   */
  cpuMs?: number;
  parseCpuMs?: number;
  evalCpuMs?: number;
  /** Bytes; undefined when the child was stopped (timeout). */
  peakRss?: number;
  /** V8 heap still in use after a full GC with the results alive: the model's own size, without garbage. */
  liveHeap?: number;
  rulesInModel?: number;
  findings?: number;
  timedOut?: boolean;
}

const now = (): number => performance.now();
const cpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs one job in this process and prints its JSON result (lint: the parse result first, on its own line). */
export async function runJob(job: Job): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  const out = (m: Measured): void => {
    process.stdout.write(`${JSON.stringify(m)}\n`);
  };
  let keep: unknown;
  const result: Measured = { ms: 0 };
  if (job.mode === 'floor') {
    gc();
    const c0 = cpu();
    const t0 = now();
    const lines = readFileSync(job.file, 'utf8').split('\n');
    result.ms = now() - t0;
    result.cpuMs = cpu() - c0;
    keep = lines;
  } else if (job.mode === 'fxp') {
    const { XMLParser } = await import('fast-xml-parser');
    const text = readFileSync(job.file, 'utf8');
    gc();
    const c0 = cpu();
    const t0 = now();
    keep = new XMLParser({ ignoreAttributes: false }).parse(text);
    result.ms = now() - t0;
    result.cpuMs = cpu() - c0;
  } else {
    // As the CLI does before it loads fwlint (src/cli/main.ts), so the peak is the one users see.
    const { keepYoungGenerationSmall } = await import('../src/cli/young-generation.js');
    keepYoungGenerationSmall();
    const { limitInlining } = await import('../src/cli/inlining.js');
    limitInlining();
    const { detectVendor, parserFor } = await import('../parsers/index.js');
    const { lintPolicy } = await import('../src/lint/run.js');
    const { loadProfile } = await import('../src/profiles/load.js');
    const profile = loadProfile('ipnordic');
    const text = readFileSync(job.file, 'utf8');
    gc();
    const c0 = cpu();
    const t0 = now();
    const vendor = detectVendor(text.slice(0, 8192));
    const parser = vendor && parserFor(vendor);
    if (!vendor || !parser) throw new Error(`${job.file}: vendor not detected`);
    const policies = parser.parse(text, job.file, vendor);
    result.parseMs = now() - t0;
    result.parseCpuMs = cpu() - c0;
    result.cpuMs = result.parseCpuMs;
    result.rulesInModel = policies.reduce(
      (n, p) => n + Object.values(p.ruleset.chains).reduce((m, c) => m + c.rules.filter((x) => !x.implicit).length, 0),
      0,
    );
    result.ms = result.parseMs;
    if (job.mode === 'lint') {
      // The parse time first: a lint stopped by the timeout still tells it.
      out({ ...result });
      const site = job.site ?? { phones: [], wan: [] };
      const c1 = cpu();
      const t1 = now();
      const results = policies.map((p) => lintPolicy(p, [profile], { ...site, audiences: [], devices: [] }));
      result.evalMs = now() - t1;
      result.evalCpuMs = cpu() - c1;
      result.ms = result.parseMs + result.evalMs;
      result.cpuMs = result.parseCpuMs + result.evalCpuMs;
      result.findings = results.reduce((n, r) => n + r.findings.length, 0);
      keep = results;
    }
    keep = [keep, policies];
  }
  result.peakRss = process.resourceUsage().maxRSS * 1024;
  if (keep === undefined) throw new Error('nothing measured');
  gc();
  result.liveHeap = process.memoryUsage().heapUsed;
  out(result);
}

const RUNNER = fileURLToPath(new URL('./run.js', import.meta.url));

/** Runs one job in a child process; a job still running after `timeoutMs` is stopped and marked. */
export function measure(job: Job, timeoutMs: number): Measured {
  const r = spawnSync(process.execPath, ['--expose-gc', RUNNER, '--worker', JSON.stringify(job)], {
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 1 << 20,
  });
  const lines = (r.stdout || '').trim().split('\n').filter(Boolean);
  const last = lines.length ? (JSON.parse(lines[lines.length - 1] ?? '{}') as Measured) : undefined;
  if (r.error || r.signal) {
    if (last) return { ...last, peakRss: undefined, timedOut: true };
    throw new Error(`bench ${job.mode} ${job.file}: ${r.error?.message ?? `stopped by ${r.signal ?? '?'}`}`);
  }
  if (r.status !== 0 || !last) {
    const why = (r.stderr || '').trim().split('\n').slice(0, 6).join(' | ');
    throw new Error(`bench ${job.mode} ${job.file} exited ${r.status ?? '?'}: ${why}`);
  }
  return last;
}

const CLI = fileURLToPath(new URL('../../bundle/fwlint.mjs', import.meta.url));
const USAGE = pathToFileURL(fileURLToPath(new URL('./cli-usage.js', import.meta.url))).href;

/**
 * Runs the command users run on one file (the one-file bundle, as package.json's bin, the pre-commit
 * hook and the Action run it), with the site flags, a JSON report written to a file and no config
 * file: wall time from here, CPU time and peak RSS from the child (cli-usage.ts). Start-up, vendor
 * detection, the report's formatting and writing are included, so this is what a user waits for.
 */
export function measureCli(file: string, site: Site, timeoutMs: number): Measured {
  const usage = `${file}.usage.json`;
  const report = `${file}.report.json`;
  const flags = [...site.phones.flatMap((p) => ['--phones', p]), ...site.wan.flatMap((w) => ['--wan', w])];
  const argv = ['--import', USAGE, CLI, 'lint', file, '--profile', 'ipnordic', ...flags];
  const t0 = now();
  const r = spawnSync(
    process.execPath,
    [...argv, '--format', 'json', '-o', report, '--fail-on', 'none', '--no-config'],
    { encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL', env: { ...process.env, FWLINT_BENCH_USAGE: usage } },
  );
  const ms = now() - t0;
  try {
    if (r.error || r.signal) return { ms, timedOut: true };
    if (r.status !== 0)
      throw new Error(`bench cli ${file} exited ${r.status ?? '?'}: ${(r.stderr || '').trim().slice(0, 300)}`);
    const u = JSON.parse(readFileSync(usage, 'utf8')) as { cpuMs: number; peakRss: number };
    return { ms, cpuMs: u.cpuMs, peakRss: u.peakRss };
  } finally {
    rmSync(usage, { force: true });
    rmSync(report, { force: true });
  }
}

/** The median of several runs of one job, field by field (a stopped run makes the result stopped). */
export function medianOf(runs: Measured[]): Measured {
  const pick = (f: (m: Measured) => number | undefined): number | undefined => {
    const xs = runs.map(f).filter((x): x is number => x !== undefined);
    if (!xs.length) return undefined;
    xs.sort((a, b) => a - b);
    const m = xs.length >> 1;
    return xs.length % 2 ? xs[m] : ((xs[m - 1] ?? 0) + (xs[m] ?? 0)) / 2;
  };
  const first = runs[0] ?? { ms: 0 };
  const out: Measured = { ...first, ms: pick((m) => m.ms) ?? 0 };
  out.parseMs = pick((m) => m.parseMs);
  out.evalMs = pick((m) => m.evalMs);
  out.cpuMs = pick((m) => m.cpuMs);
  out.parseCpuMs = pick((m) => m.parseCpuMs);
  out.evalCpuMs = pick((m) => m.evalCpuMs);
  out.peakRss = pick((m) => m.peakRss);
  out.liveHeap = pick((m) => m.liveHeap);
  if (runs.some((m) => m.timedOut)) out.timedOut = true;
  return out;
}

/** A markdown table with the first column left-aligned and the others right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(w[i] ?? 0) : c.padStart(w[i] ?? 0))).join(' | ')} |`;
  const rule = `| ${w.map((n, i) => (i === 0 ? '-'.repeat(n) : `${'-'.repeat(n - 1)}:`)).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export const fmtMs = (x: number | undefined): string =>
  x === undefined
    ? '–'
    : x >= 10_000
      ? `${(x / 1000).toFixed(1)} s`
      : x >= 100
        ? `${x.toFixed(0)} ms`
        : `${x.toFixed(1)} ms`;
export const fmtMiB = (b: number | undefined): string => (b === undefined ? '–' : `${(b / 1048576).toFixed(0)} MiB`);
export const fmtMB = (b: number): string => `${(b / 1e6).toFixed(1)} MB`;
export const fmtX = (x: number | undefined): string => (x === undefined ? '–' : `${x.toFixed(2)}×`);
