/**
 * Running the compiled CLI (dist/src/cli) from tests. `runCli` calls its `main()` in this process,
 * with the arguments, working directory, environment, standard output and error a spawned `fwlint`
 * would have: the same code path as the binary minus a Node start per call, which on a busy 2-core
 * machine costs seconds each. Tests of what only a process shows (standard input, signals, a
 * closed pipe, the shebang) use `spawnCli`.
 */
import { execSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');
const PROGRAM = path.join(ROOT, 'dist', 'src', 'cli', 'program.js');

export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}
export interface CliOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Standard input: given, the CLI is spawned. */
  input?: string;
  timeout?: number;
}

/** Builds dist/ when a test file runs without `npm test` (which builds first). */
export function ensureBuilt(): void {
  if (!fs.existsSync(MAIN) || !fs.existsSync(PROGRAM)) execSync('npm run -s build', { cwd: ROOT, stdio: 'inherit' });
}

/** The environment of a run: this one without colour variables, plus `env`. */
function envOf(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.NO_COLOR;
  delete base.FORCE_COLOR;
  return { ...base, ...env };
}

export function spawnCli(args: string[], opts: CliOptions = {}): CliRun {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: opts.timeout ?? 120_000,
    input: opts.input ?? '',
    env: envOf(opts.env),
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Spawns the CLI and closes its standard output after the first bytes, as `fwlint … | head` does. */
export async function closedPipeRun(args: string[], cwd = ROOT): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: envOf() });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.once('data', () => child.stdout.destroy());
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, err };
}

type Write = typeof process.stdout.write;

export async function runCli(args: string[], opts: CliOptions = {}): Promise<CliRun> {
  if (opts.input !== undefined && opts.input !== '') return spawnCli(args, opts);
  ensureBuilt();
  const { main } = (await import(pathToFileURL(PROGRAM).href)) as { main: (argv: string[]) => Promise<number> };
  const saved = {
    env: process.env,
    cwd: process.cwd(),
    out: process.stdout.write.bind(process.stdout),
    err: process.stderr.write.bind(process.stderr),
    exitCode: process.exitCode,
    outTty: Object.getOwnPropertyDescriptor(process.stdout, 'isTTY'),
    errTty: Object.getOwnPropertyDescriptor(process.stderr, 'isTTY'),
  };
  let out = '';
  let err = '';
  const capture =
    (add: (s: string) => void): Write =>
    (chunk: string | Uint8Array, ...rest: unknown[]) => {
      add(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const done = rest.find((r) => typeof r === 'function') as ((e?: Error) => void) | undefined;
      done?.();
      return true;
    };
  process.env = envOf(opts.env);
  process.chdir(opts.cwd ?? ROOT);
  process.exitCode = undefined;
  // A spawned CLI writes to pipes, not a terminal.
  Object.defineProperty(process.stdout, 'isTTY', { value: undefined, configurable: true });
  Object.defineProperty(process.stderr, 'isTTY', { value: undefined, configurable: true });
  process.stdout.write = capture((s) => (out += s));
  process.stderr.write = capture((s) => (err += s));
  try {
    const code = await main(args);
    return { code, out, err };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    for (const [stream, d] of [
      [process.stdout, saved.outTty],
      [process.stderr, saved.errTty],
    ] as const) {
      if (d) Object.defineProperty(stream, 'isTTY', d);
      else Reflect.deleteProperty(stream, 'isTTY');
    }
    process.env = saved.env;
    process.chdir(saved.cwd);
    process.exitCode = saved.exitCode;
  }
}
