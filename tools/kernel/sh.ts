import { execFileSync, spawnSync } from 'node:child_process';

/** Thrown when the machine cannot host the harness (no root, no namespaces, no nft): exit 2. */
export class Unavailable extends Error {}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with a time bound; never throws for a non-zero exit. */
export function run(
  cmd: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number } = {},
): RunResult {
  const r = spawnSync(cmd, args, {
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 10_000,
    killSignal: 'SIGKILL',
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') throw new Unavailable(`${cmd} is not installed`);
  return { code: r.status ?? 124, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a command and throws with its stderr when it fails. */
export function must(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): string {
  const r = run(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n')[0] ?? ''}`);
  return r.stdout;
}

export function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Synchronous sleep without a busy loop. */
export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
