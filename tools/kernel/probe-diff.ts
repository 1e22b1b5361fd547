import { readFileSync } from 'node:fs';
import { diffProbeLogs, parseProbeLog, type ProbeRecord } from './probe-log.js';

/**
 * `node dist/tools/kernel/probe-diff.js A B`: the probes two `test:kernel --probes` logs saw
 * differently, one block per probe. Exits 1 when there is any.
 */
const [fa, fb] = process.argv.slice(2);
if (!fa || !fb) {
  console.error('usage: probe-diff A.jsonl B.jsonl');
  process.exit(2);
}
const show = (r: ProbeRecord | undefined): string =>
  r ? `${r.verdict}${r.reason ? ` (${r.reason})` : ''} | kernel: ${r.kernel}` : '(absent)';
const changes = diffProbeLogs(parseProbeLog(readFileSync(fa, 'utf8')), parseProbeLog(readFileSync(fb, 'utf8')));
for (const c of changes) console.log(`${c.key}\n  A: ${show(c.a)}\n  B: ${show(c.b)}`);
console.log(`${changes.length} probes differ`);
process.exitCode = changes.length ? 1 : 0;
