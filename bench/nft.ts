/** `nft -c -f <file>` as the nftables baseline: found, probed once, timed with a cap (the median of the runs). */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NftTime {
  ms?: number;
  /** Why there is no time: not installed, cannot run here, stopped at the cap, rejected the file. */
  note?: string;
}

const PROBE =
  'table inet fwlint_probe {\n\tchain c {\n\t\ttype filter hook forward priority filter; policy accept;\n\t}\n}\n';

/** The nft binary when it is installed and `nft -c` works here, else the reason it cannot be compared. */
export function findNft(dir: string): { nft?: string; note?: string } {
  const nft = ['/usr/sbin/nft', '/sbin/nft', '/usr/bin/nft'].find((p) => existsSync(p));
  if (!nft) return { note: 'nft is not installed: no `nft -c` comparison' };
  const probe = join(dir, 'probe.nft');
  writeFileSync(probe, PROBE);
  const r = spawnSync(nft, ['-c', '-f', probe], { encoding: 'utf8', timeout: 60_000 });
  if (r.error) return { note: `nft -c could not run (${r.error.message})` };
  if (r.status !== 0)
    return { note: `nft -c fails on a trivial ruleset here: ${(r.stderr || '').trim().split('\n')[0] ?? ''}` };
  return { nft };
}

export function timeNft(nft: string, file: string, capMs: number): NftTime {
  const t0 = performance.now();
  const r = spawnSync(nft, ['-c', '-f', file], {
    encoding: 'utf8',
    timeout: capMs,
    killSignal: 'SIGKILL',
    maxBuffer: 16 << 20,
  });
  const ms = performance.now() - t0;
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT')
    return { note: `stopped at the ${capMs / 1000} s cap` };
  if (r.error) return { note: `did not finish (${r.error.message})` };
  if (r.status !== 0) return { note: `rejected the file: ${(r.stderr || '').trim().split('\n')[0] ?? ''}` };
  return { ms };
}

/**
 * The median of `n` timings, as fwlint's own figures are medians: one run of `nft -c` on the same
 * 10k ruleset took anywhere from 21 to 55 s on the development machine. The first run that does not
 * finish gives its note.
 */
export function timeNftRuns(nft: string, file: string, capMs: number, n: number): NftTime {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = timeNft(nft, file, capMs);
    if (t.ms === undefined) return t;
    times.push(t.ms);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)] };
}
