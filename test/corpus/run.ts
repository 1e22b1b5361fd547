/**
 * npm run corpus -- <dir>   (e.g. ../shared/corpus)
 *
 * Robustness run over real configurations: every file under <dir> (recursively; the corpus's own
 * documentation, MANIFEST.tsv and README.md, and anything that is not a regular file are skipped)
 * is vendor-detected on its first 8 KB, read with the CLI's readConfig and linted in-process with
 * every bundled profile. One line per file:
 *
 *   ok   pfsense/x.xml  pfsense 22.2  41 ms  findings: FWL001×2 FWL006×1  FWL900: 3 (<filter><rule><sched>×2, …)
 *   FAIL pfsense/y.xml  parse error pfsense/y.xml:12:3: …
 *   skip fortigate/z.conf  skipped (no fortigate parser yet)
 *
 * Files of vendors without a parser are skipped; so are undetected files in a folder named after
 * such a vendor (fortigate/, mikrotik/, nftables/, nftables-json/), because detection for them
 * comes with their parsers. An undetected file anywhere else (pfsense/...) is a failure.
 *
 * Each firewall is linted twice: without site flags and with realistic ones chosen from its
 * interfaces (test/corpus/site-flags.ts: the WAN the config marks, else a WAN-like name; the phones
 * on the first other interface with a static subnet). With `--cli`, each file also goes through the
 * compiled CLI both ways, which must exit 0, 1 or 2 with at most one line on stderr and never
 * "internal error".
 *
 * Exit 1 when any file crashed (an exception other than ParseError), failed to parse (FWL901),
 * was not detected although it should have been, or took more than 10 s. The content of config
 * files is never printed: they hold secrets (password hashes, keys, PSKs).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectVendor, parserFor } from '../../parsers/index.js';
import { readConfig } from '../../src/cli/read.js';
import { lintPolicy } from '../../src/lint/run.js';
import { ParseError, UsageError } from '../../src/model/errors.js';
import type { Vendor } from '../../src/model/policy.js';
import type { Profile } from '../../src/model/profile.js';
import { listProfiles } from '../../src/profiles/load.js';
import { siteArgs, siteFlags } from './site-flags.js';

const MAIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'cli', 'main.js');

const SLOW_MS = 10_000;
const HEAD_BYTES = 8192;
/** The corpus describes itself in these; they are not configurations. */
const SKIP_NAMES = new Set(['MANIFEST.tsv', 'README.md']);
/** Corpus folders of formats whose detection (and parser) is not written yet. */
const FOLDER_VENDOR: Record<string, Vendor> = {
  fortigate: 'fortigate',
  mikrotik: 'mikrotik',
  nftables: 'nftables',
  'nftables-json': 'nftables',
};

type Status = 'ok' | 'FAIL' | 'skip';

interface FileResult {
  path: string;
  status: Status;
  /** Why it failed or was skipped; never file content. */
  reason?: string;
  kind?: 'crash' | 'parse' | 'undetected' | 'slow' | 'cli';
  ms?: number;
  vendor?: Vendor;
  version?: string;
  firewalls?: number;
  findings?: Map<string, number>;
  unsupported?: Map<string, number>;
  /** The site flags of the second run, as CLI arguments ('' when the model names no interface to use). */
  site?: string;
  siteFindings?: Map<string, number>;
  /** `--cli`: exit status without and with site flags. */
  cli?: [number | null, number | null];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = lstatSync(p);
    if (st.isDirectory()) walk(p, out);
    else if (st.isFile() && !SKIP_NAMES.has(name)) out.push(p);
  }
  return out;
}

function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, buf, 0, HEAD_BYTES, 0);
    return buf
      .subarray(0, n)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
  } finally {
    closeSync(fd);
  }
}

/** Error text safe to print: the message of our own error types, else the type and where it was thrown. */
function describeCrash(e: unknown): string {
  if (!(e instanceof Error)) return `non-Error thrown (${typeof e})`;
  const frame = (e.stack ?? '')
    .split('\n')
    .find((l) => l.startsWith('    at ') && !l.includes('node:'))
    ?.trim()
    .replace(/\(file:\/\/[^)]*?\/dist\//, '(dist/');
  return `${e.name}: ${clip(e.message, 200)}${frame ? ` [${frame}]` : ''}`;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
}

function count(m: Map<string, number>, k: string): void {
  m.set(k, (m.get(k) ?? 0) + 1);
}

function checkFile(abs: string, display: string, topFolder: string, profiles: readonly Profile[]): FileResult {
  let vendor: Vendor | undefined;
  try {
    vendor = detectVendor(head(abs));
  } catch (e) {
    return { path: display, status: 'FAIL', kind: 'crash', reason: `detectVendor crashed: ${describeCrash(e)}` };
  }
  if (!vendor) {
    const folderVendor = FOLDER_VENDOR[topFolder];
    if (folderVendor && !parserFor(folderVendor))
      return { path: display, status: 'skip', reason: `skipped (no ${folderVendor} parser yet)` };
    return { path: display, status: 'FAIL', kind: 'undetected', reason: 'vendor not detected' };
  }
  if (!parserFor(vendor)) return { path: display, status: 'skip', vendor, reason: `skipped (no ${vendor} parser yet)` };

  const t0 = performance.now();
  const findings = new Map<string, number>();
  const unsupported = new Map<string, number>();
  try {
    const policies = readConfig(abs, display, vendor);
    const siteFindings = new Map<string, number>();
    const sites: string[] = [];
    for (const policy of policies) {
      for (const u of policy.unsupported) count(unsupported, u.what);
      const r = lintPolicy(policy, profiles, { phones: [], wan: [], audiences: [], devices: [] });
      for (const f of r.findings) count(findings, f.ruleId);
      const flags = siteFlags(policy);
      if (!flags) continue;
      sites.push(siteArgs(flags).join(' '));
      try {
        const rs = lintPolicy(policy, profiles, { ...flags, audiences: [], devices: [] });
        for (const f of rs.findings) count(siteFindings, f.ruleId);
      } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        count(siteFindings, `refused: ${clip(e.message, 80)}`);
      }
    }
    const ms = performance.now() - t0;
    const base: FileResult = {
      path: display,
      status: 'ok',
      ms,
      vendor,
      version: policies[0]?.version,
      firewalls: policies.length,
      findings,
      unsupported,
      site: sites[0] ?? '',
      siteFindings,
    };
    if (ms > SLOW_MS)
      return {
        ...base,
        status: 'FAIL',
        kind: 'slow',
        reason: `took ${(ms / 1000).toFixed(1)} s (limit ${SLOW_MS / 1000} s)`,
      };
    return base;
  } catch (e) {
    const ms = performance.now() - t0;
    if (e instanceof ParseError)
      return { path: display, status: 'FAIL', kind: 'parse', ms, vendor, reason: `parse error (FWL901) ${e.format()}` };
    if (e instanceof UsageError)
      return {
        path: display,
        status: 'FAIL',
        kind: 'crash',
        ms,
        vendor,
        reason: `usage error while linting: ${clip(e.message, 200)}`,
      };
    return { path: display, status: 'FAIL', kind: 'crash', ms, vendor, reason: `crash: ${describeCrash(e)}` };
  }
}

function formatCounts(m: Map<string, number>): string {
  return [...m.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, n]) => `${k}×${n}`)
    .join(' ');
}

function formatLine(r: FileResult, width: number): string {
  const status = r.status.padEnd(4);
  const path = r.path.padEnd(width);
  if (r.status === 'skip') return `${status} ${path}  ${r.reason}`;
  const parts: string[] = [];
  if (r.vendor) parts.push(`${r.vendor}${r.version ? ` ${r.version}` : ''}`);
  if (r.ms !== undefined) parts.push(`${r.ms.toFixed(0)} ms`);
  if (r.reason) parts.push(r.reason);
  if (r.findings) {
    parts.push(`findings: ${formatCounts(r.findings) || 'none'}`);
    const n900 = [...r.unsupported!.values()].reduce((a, b) => a + b, 0);
    const whats = [...r.unsupported!.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const shown = whats.slice(0, 6).map(([w, n]) => `${clip(w, 60)}${n > 1 ? `×${n}` : ''}`);
    if (whats.length > 6) shown.push(`+${whats.length - 6} more`);
    parts.push(`FWL900: ${n900}${n900 ? ` (${shown.join(', ')})` : ''}`);
    parts.push(
      r.site
        ? `site [${r.site}]: ${formatCounts(r.siteFindings ?? new Map<string, number>()) || 'none'}`
        : 'site: no interface',
    );
  }
  if (r.cli) parts.push(`cli exit ${r.cli[0]}/${r.cli[1]}`);
  return `${status} ${path}  ${parts.join('  ')}`;
}

/**
 * The compiled CLI on one file, without and with site flags: exit 0, 1 or 2, at most one line on
 * stderr, never "internal error". Returns the statuses and what went wrong (never file content).
 */
function checkCli(abs: string, site: string | undefined): { status: [number | null, number | null]; problem?: string } {
  const runs = [[], site ? site.split(' ') : []].map((flags) => {
    const r = spawnSync(process.execPath, [MAIN, 'lint', abs, '--profile', 'ipnordic', '--no-config', ...flags], {
      encoding: 'utf8',
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    const bad =
      r.status === null || r.status > 2
        ? `exit ${r.status ?? r.signal}`
        : lines.length > 1
          ? `${lines.length} lines on stderr`
          : r.stderr.includes('internal error')
            ? 'internal error'
            : undefined;
    return { status: r.status, bad: bad && `${flags.length ? 'with' : 'without'} site flags: ${bad}` };
  });
  const problem = runs
    .map((r) => r.bad)
    .filter(Boolean)
    .join('; ');
  return { status: [runs[0]?.status ?? null, runs[1]?.status ?? null], problem: problem || undefined };
}

function main(argv: string[]): number {
  const cli = argv.includes('--cli');
  argv = argv.filter((a) => a !== '--cli');
  if (argv.length !== 1 || argv[0]!.startsWith('-')) {
    process.stderr.write('usage: npm run corpus -- [--cli] <corpus-dir>   (e.g. ../shared/corpus)\n');
    return 2;
  }
  const root = resolve(argv[0]!);
  let files: string[];
  try {
    files = walk(root);
  } catch (e) {
    process.stderr.write(
      `corpus: cannot read ${root} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`,
    );
    return 2;
  }
  const profiles = listProfiles();
  process.stdout.write(
    `corpus: ${files.length} files under ${root}; profiles: ${profiles.map((p) => p.id).join(', ')}\n`,
  );
  const rel = files.map((f) => relative(root, f).split(sep).join('/'));
  const width = Math.min(90, Math.max(...rel.map((r) => r.length), 0));
  const results: FileResult[] = [];
  const t0 = performance.now();
  files.forEach((abs, i) => {
    const display = rel[i]!;
    const top = display.includes('/') ? display.slice(0, display.indexOf('/')) : '';
    let r = checkFile(abs, display, top, profiles);
    if (cli && r.status !== 'skip') {
      const c = checkCli(abs, r.site);
      r = { ...r, cli: c.status };
      if (c.problem) r = { ...r, status: 'FAIL', kind: 'cli', reason: `cli: ${c.problem}` };
    }
    results.push(r);
    process.stdout.write(formatLine(r, width) + '\n');
  });
  const total = performance.now() - t0;

  const ok = results.filter((r) => r.status === 'ok');
  const failed = results.filter((r) => r.status === 'FAIL');
  const skipped = results.filter((r) => r.status === 'skip');
  const byKind = new Map<string, number>();
  for (const r of failed) count(byKind, r.kind ?? 'other');
  const skipBy = new Map<string, number>();
  for (const r of skipped) count(skipBy, r.reason!.replace(/^skipped \(no (\S+) parser yet\)$/, '$1'));
  const allFindings = new Map<string, number>();
  const allUnsupported = new Map<string, number>();
  for (const r of results) {
    for (const [k, n] of r.findings ?? []) allFindings.set(k, (allFindings.get(k) ?? 0) + n);
    for (const [k, n] of r.unsupported ?? []) allUnsupported.set(k, (allUnsupported.get(k) ?? 0) + n);
  }
  const slowest = [...ok, ...failed].filter((r) => r.ms !== undefined).sort((a, b) => b.ms! - a.ms!)[0];

  const lines = [
    '',
    `summary: ${results.length} files: ${ok.length} ok, ${failed.length} ` +
      `failed${byKind.size ? ` (${formatCounts(byKind)})` : ''}, ${skipped.length} ` +
      `skipped${skipBy.size ? ` (no parser yet: ${formatCounts(skipBy)})` : ''}; ${(total / 1000).toFixed(1)} s`,
    `findings: ${formatCounts(allFindings) || 'none'}`,
    `FWL900 unsupported statements: ${[...allUnsupported.values()].reduce((a, b) => a + b, 0)} in ` +
      `${results.filter((r) => r.unsupported?.size).length} files; distinct: ${allUnsupported.size}`,
    ...[...allUnsupported.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([w, n]) => `  ${String(n).padStart(4)}  ${clip(w, 100)}`),
  ];
  if (slowest) lines.push(`slowest: ${slowest.path} ${slowest.ms!.toFixed(0)} ms`);
  if (failed.length) lines.push(`FAILED: ${failed.map((r) => r.path).join(', ')}`);
  process.stdout.write(lines.join('\n') + '\n');
  return failed.length ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
