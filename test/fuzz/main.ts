/**
 * npm run fuzz -- [--seconds N] [--format F] [--seed S] [--corpus DIR] [--out DIR] [--budget MS]
 *
 * Seeded mutation fuzzer (issue 10). For each format (pfsense, fortigate, mikrotik, nftables,
 * nftables-json; or the one given) it mutates seed files — the fixtures, fixtures/regressions and,
 * when present, the corpus (--corpus, else $FWLINT_CORPUS, else ../shared/corpus) — for N seconds
 * (default 30 per format) and lints each input in a worker thread the way the CLI does, without and
 * with site flags chosen from the seed's interfaces, through every reporter. Each input is:
 *   read     parsed and linted (exit 0 or 1),
 *   refused  a clean one-line FWL901 naming the file, or a one-line usage error (exit 2),
 *   crash    any other exception, a worker that died (stack overflow, heap), or a multi-line refusal,
 *   slow     over the budget (default 2000 ms per lint run; the worker is terminated).
 * Prints counts per format; writes each distinct crash/slow input (crashes shrunk by line deletion)
 * with a .txt note to --out (default fuzz-findings/<format>/). Exit 1 on any crash or slow input.
 * The same --seed gives the same inputs (the count depends on the time).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rng } from '../../bench/rng.js';
import { mutate, pick, type Rand } from './mutate.js';
import { FuzzWorker, type Verdict } from './pool.js';
import { collectSeeds, EXTENSION, FORMATS, type Format, type Seed } from './seeds.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const PROFILES = ['ipnordic', 'openscape-business', 'tele2-vaxel'];

interface Args {
  seconds: number;
  formats: Format[];
  seed: number;
  corpus?: string;
  out: string;
  budget: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { seconds: 30, formats: [...FORMATS], seed: 1, out: 'fuzz-findings', budget: 2000 };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const v = argv[i + 1] ?? '';
    i++;
    if (k === '--seconds') a.seconds = Number(v);
    else if (k === '--seed') a.seed = Number(v);
    else if (k === '--budget') a.budget = Number(v);
    else if (k === '--out') a.out = v;
    else if (k === '--corpus') a.corpus = v;
    else if (k === '--format') {
      if (!(FORMATS as readonly string[]).includes(v)) throw new Error(`--format: one of ${FORMATS.join(', ')}`);
      a.formats = [v as Format];
    } else throw new Error(`unknown option ${k}`);
    if ([a.seconds, a.seed, a.budget].some((n) => !Number.isFinite(n))) throw new Error(`${k}: expected a number`);
  }
  return a;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A crash's identity: its message and frame without numbers, so one cause is saved once. */
function signature(v: Verdict): string {
  return `${v.outcome}:${v.outcome === 'slow' ? '' : v.detail.replace(/\d+/g, 'N').replace(/input\.\w+/g, 'F')}`;
}

interface Counts {
  inputs: number;
  read: number;
  refused: number;
  crash: number;
  slow: number;
}

/** Drops chunks of lines while the input still fails the same way; bounded by tries and time. */
async function shrink(
  w: FuzzWorker,
  data: Buffer,
  job: (d: Buffer) => Parameters<FuzzWorker['run']>[0],
  sig: string,
  until: number,
) {
  let lines = data.toString('latin1').split(/(?<=\n)/);
  let chunk = Math.max(1, Math.floor(lines.length / 2));
  let tries = 0;
  while (chunk >= 1 && tries < 60 && performance.now() < until) {
    let changed = false;
    for (let i = 0; i < lines.length && tries < 60 && performance.now() < until;) {
      const cand = [...lines.slice(0, i), ...lines.slice(i + chunk)];
      tries++;
      const v = await w.run(job(Buffer.from(cand.join(''), 'latin1')), 2);
      if (cand.length > 0 && signature(v) === sig) {
        lines = cand;
        changed = true;
      } else i += chunk;
    }
    if (!changed) chunk = Math.floor(chunk / 2);
  }
  return Buffer.from(lines.join(''), 'latin1');
}

async function fuzzFormat(format: Format, seeds: Seed[], a: Args, w: FuzzWorker): Promise<Counts> {
  const counts: Counts = { inputs: 0, read: 0, refused: 0, crash: 0, slow: 0 };
  const r: Rand = rng(a.seed ^ hash(format));
  const seen = new Set<string>();
  const until = performance.now() + a.seconds * 1000;
  while (performance.now() < until) {
    const seed = pick(r, seeds);
    const other = pick(r, seeds);
    const { data, applied } = mutate(r, seed.data, format, other.data);
    const profile = pick(r, PROFILES);
    const job = (d: Buffer) => ({ data: d, ext: EXTENSION[format], profile, seedName: seed.name, seed: seed.data });
    const v = await w.run(job(data), 2);
    counts.inputs++;
    counts[v.outcome]++;
    if (v.outcome === 'read' || v.outcome === 'refused') continue;
    const sig = signature(v);
    if (seen.has(sig)) continue;
    seen.add(sig);
    const small = v.outcome === 'crash' ? await shrink(w, data, job, sig, performance.now() + 20_000) : data;
    const dir = join(a.out, format);
    mkdirSync(dir, { recursive: true });
    const base = join(dir, `${v.outcome}-${hash(sig).toString(16)}`);
    writeFileSync(`${base}.${EXTENSION[format]}`, small);
    writeFileSync(
      `${base}.txt`,
      `${v.outcome}: ${v.detail}\nseed file: ${seed.name}\nmutations: ${applied.join(', ')}\nprofile: ${profile}\n` +
        `fuzz seed: ${a.seed}; ${small.length} bytes (from ${data.length})\n`,
    );
    process.stdout.write(
      `  ${v.outcome.toUpperCase()} ${format}: ${v.detail.slice(0, 200)} -> ${base}.${EXTENSION[format]}\n`,
    );
  }
  return counts;
}

async function main(argv: string[]): Promise<number> {
  let a: Args;
  try {
    a = parseArgs(argv);
  } catch (e) {
    process.stderr.write(`fuzz: ${(e as Error).message}\n`);
    return 2;
  }
  const corpus = a.corpus ?? process.env.FWLINT_CORPUS ?? join(ROOT, '..', 'shared', 'corpus');
  const all = [...collectSeeds(join(ROOT, 'fixtures'), 'fixtures'), ...collectSeeds(corpus, 'corpus')];
  const w = new FuzzWorker(a.budget);
  process.stdout.write(
    `fuzz: seed ${a.seed}, ${a.seconds} s per format, budget ${a.budget} ms per lint run; ` +
      `${all.length} seed files (${all.filter((s) => s.name.startsWith('corpus/')).length} from ${corpus})\n`,
  );
  let bad = 0;
  const rows: string[] = [];
  for (const format of a.formats) {
    const seeds = all.filter((s) => s.format === format);
    if (seeds.length === 0) {
      rows.push(`${format.padEnd(14)} no seed files`);
      continue;
    }
    const c = await fuzzFormat(format, seeds, a, w);
    bad += c.crash + c.slow;
    rows.push(
      `${format.padEnd(14)} ${String(c.inputs).padStart(7)} inputs  read ${c.read}  refused ${c.refused}  crash ` +
        `${c.crash}  slow ${c.slow}  (${seeds.length} seeds)`,
    );
  }
  await w.close();
  process.stdout.write(`${rows.join('\n')}\n`);
  if (bad) process.stdout.write(`fuzz: ${bad} crash/slow input(s); reproducers in ${a.out}/\n`);
  return bad ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
