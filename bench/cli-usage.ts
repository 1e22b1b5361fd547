/**
 * Preloaded (`node --import`) into the CLI when the bench measures the command users run
 * (harness.ts measureCli): at exit it writes the process's CPU time and peak RSS to the file named
 * by FWLINT_BENCH_USAGE, since a parent learns neither from spawnSync. It imports nothing of
 * fwlint's, so the CLI loads as it does without it.
 */
import { writeFileSync } from 'node:fs';

const out = process.env.FWLINT_BENCH_USAGE;
if (out) {
  process.on('exit', () => {
    const u = process.cpuUsage();
    const usage = { cpuMs: (u.user + u.system) / 1000, peakRss: process.resourceUsage().maxRSS * 1024 };
    writeFileSync(out, JSON.stringify(usage));
  });
}
