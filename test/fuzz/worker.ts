/**
 * Fuzz worker: lints one input the way the CLI does (read, detect, parse, rules, every reporter)
 * and classifies the outcome. Runs in a worker thread so the parent can terminate it on a hang.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { lintRun } from '../../src/cli/lint.js';
import { errorLine } from '../../src/cli/program.js';
import { readConfig } from '../../src/cli/read.js';
import type { SiteFlags } from '../corpus/site-flags.js';
import { siteFlags } from '../corpus/site-flags.js';
import { ParseError, UsageError } from '../../src/model/errors.js';
import { formatGithub } from '../../src/reporters/github.js';
import { formatJson } from '../../src/reporters/json.js';
import { formatJunit } from '../../src/reporters/junit.js';
import { formatSarif } from '../../src/reporters/sarif.js';
import { formatText } from '../../src/reporters/text.js';

export interface Job {
  id: number;
  data: Uint8Array;
  ext: string;
  profile: string;
  /** The unmutated seed: site flags for the second run are chosen from its interfaces. */
  seedName: string;
  seed: Uint8Array;
}

export type Outcome = 'read' | 'refused' | 'crash';

export interface JobResult {
  id: number;
  outcome: Outcome;
  /** Why: the refusal or the crash, with the top frame; never the input. */
  detail: string;
  ms: number;
}

const dir = mkdtempSync(join(tmpdir(), 'fwlint-fuzz-'));
process.on('exit', () => {
  rmSync(dir, { recursive: true, force: true });
});

function topFrame(e: Error): string {
  const f = (e.stack ?? '')
    .split('\n')
    .find((l) => l.startsWith('    at ') && !l.includes('node:'))
    ?.trim()
    .replace(/file:\/\/\S*?\/dist\//, 'dist/');
  return f ?? '';
}

const siteCache = new Map<string, SiteFlags | undefined>();

/** Realistic site flags from the seed's interfaces (as the corpus runner picks them); cached per seed. */
function siteOf(job: Job): SiteFlags | undefined {
  if (siteCache.has(job.seedName)) return siteCache.get(job.seedName);
  let flags: SiteFlags | undefined;
  try {
    const file = join(dir, `seed.${job.ext}`);
    writeFileSync(file, job.seed);
    const first = readConfig(file, `seed.${job.ext}`, 'auto')[0];
    flags = first ? siteFlags(first) : undefined;
  } catch {
    flags = undefined;
  }
  siteCache.set(job.seedName, flags);
  return flags;
}

function oneLine(s: string): boolean {
  return !/[\r\n]/.test(s);
}

async function runOnce(file: string, display: string, job: Job, flags: { phones: string[]; wan: string[] }) {
  try {
    const { report, failed } = await lintRun([file], {
      cwd: dir,
      cli: { profiles: [job.profile], phones: flags.phones, wan: flags.wan },
      today: '2026-01-01',
    });
    formatJson(report);
    formatSarif(report);
    formatGithub(report);
    formatJunit(report);
    formatText(report, { color: false });
    const f = failed[0];
    if (!f) return { outcome: 'read' as const, detail: '' };
    if (f.file !== display || !oneLine(f.message) || f.message.includes('please report'))
      return { outcome: 'crash' as const, detail: `FWL901 ${f.message.slice(0, 300)}` };
    return { outcome: 'refused' as const, detail: `FWL901 ${f.message.slice(0, 120)}` };
  } catch (e) {
    // What the CLI would print (one line, redacted): a usage or parse error is a clean refusal.
    const line = errorLine(e);
    if ((e instanceof UsageError || e instanceof ParseError) && !line.includes('please report'))
      return { outcome: 'refused' as const, detail: `${e.name}: ${line.slice(0, 120)}` };
    const err = e instanceof Error ? e : new Error(String(e));
    return { outcome: 'crash' as const, detail: `${err.name}: ${err.message.slice(0, 200)} ${topFrame(err)}` };
  }
}

parentPort?.on('message', (job: Job) => {
  void (async () => {
    const site = siteOf(job);
    const t0 = performance.now();
    const display = `input.${job.ext}`;
    const file = join(dir, display);
    writeFileSync(file, job.data);
    const runs = [{ phones: [], wan: [] }, ...(site ? [site] : [])];
    let result: Omit<JobResult, 'id' | 'ms'> = { outcome: 'read', detail: '' };
    for (const flags of runs) {
      const r = await runOnce(display, display, job, flags);
      if (r.outcome === 'crash') {
        result = { ...r, detail: `${flags.wan.length ? 'with site flags: ' : ''}${r.detail}` };
        break;
      }
      if (r.outcome === 'refused' && result.outcome === 'read') result = r;
    }
    const msg: JobResult = { id: job.id, ms: performance.now() - t0, ...result };
    parentPort?.postMessage(msg);
  })();
});
