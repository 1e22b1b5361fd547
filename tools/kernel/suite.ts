import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { fork, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { check, type CheckResult } from './check.js';
import { preflight } from './preflight.js';
import { formatLine } from './format.js';
import { GEN_SITE, generateRuleset } from './generate.js';
import { Unavailable, must } from './sh.js';
import { CAUSES, classify } from './causes.js';
import type { Line } from './compare.js';
import { probeRecord } from './probe-log.js';

/**
 * `npm run test:kernel`: kernel-check over every nftables fixture (text and JSON) and N generated
 * rulesets (seeded). Fails on any disagreement that test/kernel/known-disagreements.json does not
 * list, on any listed one that now agrees (so a fix forces updating the list), on a fixture the
 * kernel refuses unless test/kernel/unloadable.json says why, and on a generated ruleset the kernel
 * refuses. Prints only what is not an agreement (and one line per ruleset) unless --verbose.
 */

interface KnownFile {
  /** Cause id → what fwlint gets wrong and what the kernel does (each has a fixture in fixtures/nftables/kernel/). */
  causes: Record<string, string>;
  /** Exact disagreements of fixtures: they must keep disagreeing until fwlint is fixed and the entry removed. */
  fixtures: { ruleset: string; probe: string; cause: string }[];
}

/** How one probe's comparison counts: agreement, consistent uncertainty, a listed disagreement or a new one. */
interface Verdict {
  kind: 'agree' | 'uncertain' | 'known' | 'new';
  cause?: string;
  k?: KnownFile['fixtures'][number];
}

interface Options {
  count: number;
  seed: number;
  verbose: boolean;
  fixtures: boolean;
  keep?: string;
  jsonOut?: string;
  /** Every probe's outcome, one JSON line each (tools/kernel/probe-log.ts), to diff two runs. */
  probesOut?: string;
  /** Only these seeds (re-running the rulesets of an earlier run). */
  seeds?: number[];
  /** Rulesets probed at once, each in its own set of namespaces (the probes mostly wait). */
  jobs: number;
}

interface RulesetJob {
  name: string;
  file: string;
  args: { phones: string; wan: string; profile: string };
}

/** What a worker sends back for one ruleset. */
type Outcome = { result: CheckResult } | { error: string; unavailable?: boolean };

/** One ruleset, in this process: check() or the error it threw. */
function runOne(rs: RulesetJob): Outcome {
  try {
    return { result: check({ file: rs.file, ...rs.args }) };
  } catch (e) {
    return { error: (e as Error).message, ...(e instanceof Unavailable ? { unavailable: true } : {}) };
  }
}

/** Worker mode (`suite.js --worker`): runs the rulesets the parent sends, one at a time. */
function worker(): void {
  process.on('message', (m: { i: number; rs: RulesetJob }) => {
    process.send?.({ i: m.i, out: runOne(m.rs) });
  });
  process.on('disconnect', () => process.exit(0));
}

/**
 * Runs every ruleset on `jobs` worker processes (each builds its own namespaces, named after its pid)
 * and hands each outcome to `each` as it arrives. jobs 1 runs them here, in order. Resolves to false
 * when SIGINT or SIGTERM stopped the workers first: the counts are then partial.
 */
async function runAll(list: RulesetJob[], jobs: number, each: (i: number, o: Outcome) => void): Promise<boolean> {
  if (jobs <= 1 || list.length <= 1) {
    for (const [i, rs] of list.entries()) {
      // Yielding lets SIGINT/SIGTERM handlers (teardown) run between rulesets.
      await new Promise((resolve) => setImmediate(resolve));
      each(i, runOne(rs));
    }
    return true;
  }
  let next = 0;
  let signalled = false;
  const workers: ChildProcess[] = [];
  const stop = (): void => {
    for (const w of workers) w.kill('SIGTERM');
  };
  const onSignal = (): void => {
    signalled = true;
    stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  await new Promise<void>((resolve, reject) => {
    let open = 0;
    const feed = (w: ChildProcess): void => {
      const rs = list[next];
      if (!rs) {
        w.disconnect();
        return;
      }
      w.send({ i: next++, rs });
    };
    for (let k = 0; k < Math.min(jobs, list.length); k++) {
      const w = fork(process.argv[1] ?? '', ['--worker'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      workers.push(w);
      open++;
      w.on('message', (m: { i: number; out: Outcome }) => {
        try {
          each(m.i, m.out);
          feed(w);
        } catch (e) {
          stop();
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      });
      w.on('exit', (code) => {
        if (--open === 0) resolve();
        else if (code !== 0 && code !== null) console.log(`a worker exited with code ${code}`);
      });
      feed(w);
    }
  });
  return !signalled;
}

function options(argv: string[]): Options {
  const o: Options = { count: 40, seed: 1, verbose: false, fixtures: true, jobs: 8 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i] ?? '';
    if (a === '--count') o.count = Number(next());
    else if (a === '--seed') o.seed = Number(next());
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--no-fixtures') o.fixtures = false;
    else if (a === '--keep') o.keep = next();
    else if (a === '--json') o.jsonOut = next();
    else if (a === '--probes') o.probesOut = next();
    else if (a === '--seeds') o.seeds = next().split(',').map(Number);
    else if (a === '--jobs') o.jobs = Number(next());
    else
      throw new Error(
        `unknown argument ${a} (--count N --seed S --seeds A,B --jobs N --verbose --no-fixtures --keep DIR --json FILE --probes FILE)`,
      );
  }
  if (!Number.isInteger(o.count) || o.count < 0 || !Number.isInteger(o.seed))
    throw new Error('--count and --seed take integers');
  if (!Number.isInteger(o.jobs) || o.jobs < 1 || o.jobs > 32) throw new Error('--jobs takes an integer from 1 to 32');
  return o;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) {
      if (e !== 'include') out.push(...walk(p)); // include/: pieces other fixtures include
    } else if (/\.(nft|json)$/.test(e)) out.push(p);
  }
  return out;
}

/** A fixture may say how to run it: `# kernel-check: --phones CIDR@IF --wan IF --profile P`. */
function fixtureArgs(file: string): { phones: string; wan: string; profile: string } {
  const head = /^#\s*kernel-check:(.*)$/m.exec(readFileSync(file, 'utf8').slice(0, 4000));
  const o: { phones: string; wan: string; profile: string } = { ...GEN_SITE };
  const words = (head?.[1] ?? '').trim().split(/\s+/);
  for (let i = 0; i < words.length; i += 2) {
    const v = words[i + 1] ?? '';
    if (words[i] === '--phones') o.phones = v;
    else if (words[i] === '--wan') o.wan = v;
    else if (words[i] === '--profile') o.profile = v;
  }
  return o;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

async function main(): Promise<number> {
  let o: Options;
  try {
    o = options(process.argv.slice(2));
    preflight();
  } catch (e) {
    console.error(`test:kernel: ${(e as Error).message}`);
    return 2;
  }
  const knownFile = readJson('test/kernel/known-disagreements.json') as KnownFile;
  const known = knownFile.fixtures;
  for (const c of CAUSES)
    if (!knownFile.causes[c.id]) console.log(`note: cause ${c.id} has a recognizer but is not listed as known`);
  const byCause = new Map<string, number>();
  const unloadable = readJson('test/kernel/unloadable.json') as Record<string, string>;
  const stillKnown = new Set<string>();
  const verdictOf = (rs: RulesetJob, l: Line, text: string): Verdict => {
    if (l.agree) return { kind: 'agree' };
    if (l.uncertain) return { kind: 'uncertain' };
    const k = known.find((x) => x.ruleset === rs.name && x.probe === l.probe);
    // Generated rulesets: a disagreement is known when a listed cause recognizes it.
    const cause = k?.cause ?? (rs.name.startsWith('gen:') ? classify(l.raw.p, l.raw.k, l.raw.f, text) : undefined);
    const isKnown = !!cause && !!knownFile.causes[cause] && (!!k || rs.name.startsWith('gen:'));
    return { kind: isKnown ? 'known' : 'new', ...(cause ? { cause } : {}), ...(k ? { k } : {}) };
  };
  /** The probes of an outcome that disagree with nothing to explain them. */
  const newDisagreements = (rs: RulesetJob, out: Outcome): Line[] => {
    if ('error' in out || out.result.loadError) return [];
    const text = readFileSync(rs.file, 'utf8');
    return out.result.lines.filter((l) => l.agree !== undefined && verdictOf(rs, l, text).kind === 'new');
  };
  const dir = o.keep ?? mkdtempSync(join(tmpdir(), 'fwk-gen-'));
  mkdirSync(dir, { recursive: true });
  const rulesets: RulesetJob[] = [];
  if (o.fixtures)
    for (const f of walk('fixtures/nftables')) rulesets.push({ name: relative('.', f), file: f, args: fixtureArgs(f) });
  const seeds = o.seeds ?? Array.from({ length: o.count }, (_, i) => o.seed + i);
  for (const seed of seeds) {
    const file = join(dir, `gen-${seed}.nft`);
    writeFileSync(file, generateRuleset(seed));
    rulesets.push({ name: `gen:${seed}`, file, args: GEN_SITE });
  }
  let probes = 0;
  let agree = 0;
  let uncertain = 0;
  let knownHits = 0;
  let notRun = 0;
  /** Why probes were not run, by reason (`--probes` names the probes, to diff two runs). */
  const notRunWhy = new Map<string, number>();
  const failures: string[] = [];
  const perRuleset: { name: string; probes: number; agree: number; uncertain: number; ms: number }[] = [];
  const started = Date.now();
  if (o.probesOut) writeFileSync(o.probesOut, '');
  const logProbe = (rs: RulesetJob, l: Line, verdict: Parameters<typeof probeRecord>[2]): void => {
    if (o.probesOut) appendFileSync(o.probesOut, `${JSON.stringify(probeRecord(rs.name, l, verdict))}\n`);
  };
  let unavailable: string | undefined;
  const record = (rs: RulesetJob, out: Outcome): void => {
    if ('error' in out) {
      if (out.unavailable) {
        unavailable = out.error;
        throw new Unavailable(out.error);
      }
      failures.push(`${rs.name}: harness error: ${out.error}`);
      console.log(`${rs.name}: harness error: ${out.error}`);
      return;
    }
    const r = out.result;
    if (r.loadError) {
      const why = unloadable[rs.name];
      if (why) console.log(`${rs.name}: not loadable in this kernel (expected: ${why})`);
      else {
        failures.push(`${rs.name}: the kernel refused it: ${r.loadError}`);
        console.log(`${rs.name}: the kernel refused it: ${r.loadError}`);
      }
      return;
    }
    if (unloadable[rs.name]) failures.push(`${rs.name}: listed in test/kernel/unloadable.json but the kernel loads it`);
    let a = 0;
    let u = 0;
    let n = 0;
    const text = readFileSync(rs.file, 'utf8');
    for (const l of r.lines) {
      if (l.agree === undefined) {
        notRun++;
        const why = l.raw.k.skipped ?? 'no observation';
        notRunWhy.set(why, (notRunWhy.get(why) ?? 0) + 1);
        logProbe(rs, l, 'not run');
        if (o.verbose) console.log(`${rs.name}: ${formatLine(l)}`);
        continue;
      }
      n++;
      const { kind, cause, k } = verdictOf(rs, l, text);
      logProbe(rs, l, kind);
      const isKnown = kind === 'known';
      if (kind === 'agree') a++;
      else if (kind === 'uncertain') u++;
      else if (isKnown && cause) {
        knownHits++;
        byCause.set(cause, (byCause.get(cause) ?? 0) + 1);
        if (k) stillKnown.add(`${k.ruleset}\n${k.probe}`);
      } else failures.push(`${rs.name}: ${l.probe}`);
      if (o.verbose || !l.agree)
        console.log(`${rs.name}: ${formatLine(l, isKnown)}${isKnown && cause ? ` (${cause})` : ''}`);
      if ((l.agree || l.uncertain) && k)
        failures.push(
          `${rs.name}: ${l.probe}: listed as a known disagreement but now ${l.agree ? 'agrees' : 'is uncertain'}`,
        );
    }
    probes += n;
    agree += a;
    uncertain += u;
    perRuleset.push({ name: rs.name, probes: n, agree: a, uncertain: u, ms: r.ms });
    const rest = n - a - u;
    console.log(
      `${rs.name}: ${a}/${n} agree${u ? `, ${u} uncertain (consistent)` : ''}${rest ? ` (${rest} not: see above)` : ''} in ${r.ms} ms`,
    );
  };
  // fwlint's side is deterministic; the kernel's observation is a capture read until the expected
  // packets are there or a deadline passes (settle.ts), which a machine loaded enough can still
  // outrun. A ruleset with a new disagreement is therefore probed again, alone, up to RERUNS times:
  // it fails only when every run disagrees, and one that agreed on a rerun is still named in the
  // output with what the loaded run saw.
  const RERUNS = 2;
  const again: { i: number; first: Line[] }[] = [];
  const timing: string[] = [];
  let complete = true;
  try {
    complete = await runAll(rulesets, o.jobs, (i, out) => {
      const rs = rulesets[i];
      if (!rs) return;
      const first = newDisagreements(rs, out);
      if (first.length > 0 && o.jobs > 1) again.push({ i, first });
      else record(rs, out);
    });
    for (const { i, first } of again) {
      const rs = rulesets[i];
      if (!rs) continue;
      let out = runOne(rs);
      for (let n = 1; n < RERUNS && newDisagreements(rs, out).length > 0; n++) out = runOne(rs);
      if (newDisagreements(rs, out).length === 0)
        for (const l of first) {
          const line = `${rs.name}: ${formatLine(l)}`;
          timing.push(line);
          console.log(`${line} (run ${o.jobs} at once; agreed when probed again alone)`);
        }
      record(rs, out);
    }
  } catch (e) {
    console.error(`test:kernel: ${unavailable ?? (e as Error).message}`);
    return 2;
  } finally {
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
  }
  const ran = rulesets.filter((rs) => rs.name.startsWith('gen:')).length;
  for (const k of known)
    if (!stillKnown.has(`${k.ruleset}\n${k.probe}`) && rulesets.some((rs) => rs.name === k.ruleset))
      if (!failures.some((f) => f.startsWith(`${k.ruleset}: ${k.probe}: listed`)))
        failures.push(`${k.ruleset}: ${k.probe}: listed as a known disagreement but not observed`);
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  const kernel = must('uname', ['-r']).trim();
  console.log(
    `kernel ${kernel}: ${perRuleset.length} rulesets probed (${rulesets.length - ran} fixtures, ${ran} generated from seed ${o.seed}), ` +
      `${probes} probes, ${agree} agree, ${uncertain} uncertain (consistent), ${knownHits} known disagreements, ` +
      `${probes - agree - uncertain - knownHits} new disagreements, ${notRun} not run, ${secs} s (${o.jobs} at once)` +
      (again.length
        ? `; ${again.length} rulesets probed again alone after disagreeing under load, ${timing.length} probes then agreed`
        : ''),
  );
  if (notRun)
    console.log(
      `not run: ${[...notRunWhy]
        .sort((a, b) => b[1] - a[1])
        .map(([why, n]) => `${n} ${why}`)
        .join('; ')}`,
    );
  if (o.jsonOut)
    writeFileSync(
      o.jsonOut,
      JSON.stringify(
        {
          kernel,
          nft: nftVersion(),
          seed: o.seed,
          seconds: Number(secs),
          jobs: o.jobs,
          perRuleset,
          probes,
          agree,
          uncertain,
          knownHits,
          byCause: Object.fromEntries(byCause),
          agreedWhenAlone: timing,
          failures,
        },
        null,
        1,
      ),
    );
  for (const [c, n] of [...byCause].sort()) console.log(`known ${c}: ${n} probes (${knownFile.causes[c] ?? ''})`);
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`${agree}/${probes} probes agree with the kernel, ${uncertain} uncertain (consistent)`);
  if (!complete) {
    // A stopped run is not a passing one, whatever its partial counts say.
    console.log(`test:kernel: stopped by a signal after ${perRuleset.length} of ${rulesets.length} rulesets`);
    return 2;
  }
  return failures.length ? 1 : 0;
}

function nftVersion(): string {
  return must('nft', ['--version']).trim();
}

if (process.argv.includes('--worker')) worker();
else
  void main().then((code) => {
    process.exitCode = code;
  });
