import type { Line } from './compare.js';
import type { KernelObs } from './probes.js';

/** How one probe counted in a suite run. */
export type ProbeVerdict = 'agree' | 'uncertain' | 'known' | 'new' | 'not run';

/** One probe of one run, as `test:kernel --probes FILE` writes it (one JSON object per line). */
export interface ProbeRecord {
  ruleset: string;
  probe: string;
  kind: string;
  kernel: string;
  fwlint: string;
  verdict: ProbeVerdict;
  /** Why it was not run (the kernel side's skip reason). */
  reason?: string;
  /** The kernel's raw observation, so two runs can be told apart by more than the text. */
  obs: KernelObs;
}

export function probeRecord(ruleset: string, l: Line, verdict: ProbeVerdict): ProbeRecord {
  return {
    ruleset,
    probe: l.probe,
    kind: l.raw.p.kind,
    kernel: l.kernel,
    fwlint: l.fwlint,
    verdict,
    ...(l.raw.k.skipped ? { reason: l.raw.k.skipped } : {}),
    obs: l.raw.k,
  };
}

/** A probe two runs saw differently: its record in each (absent when one run did not have it). */
export interface ProbeChange {
  key: string;
  a?: ProbeRecord;
  b?: ProbeRecord;
}

const keyOf = (r: ProbeRecord): string => `${r.ruleset} | ${r.probe}`;

/** A drawn port (`port 41717`) differs from run to run by design; whether the port was kept does not. */
const drawnPortsMasked = (text: string): string => text.replace(/\bport \d+/g, 'port N');

/**
 * The probes whose verdict, skip reason or kernel observation differ between two runs (fwlint's side
 * is deterministic, so a difference is the kernel side's or the harness's). Timeouts are compared by
 * verdict only: the seconds left move with the read time and are compared with slack anyway. The
 * value of a port the kernel drew is not compared (masquerade random draws another each run).
 */
export function diffProbeLogs(a: readonly ProbeRecord[], b: readonly ProbeRecord[]): ProbeChange[] {
  const inB = new Map(b.map((r) => [keyOf(r), r]));
  const out: ProbeChange[] = [];
  for (const ra of a) {
    const key = keyOf(ra);
    const rb = inB.get(key);
    inB.delete(key);
    if (!rb) out.push({ key, a: ra });
    else if (
      ra.verdict !== rb.verdict ||
      ra.reason !== rb.reason ||
      (ra.kind !== 'timeout' && drawnPortsMasked(ra.kernel) !== drawnPortsMasked(rb.kernel))
    )
      out.push({ key, a: ra, b: rb });
  }
  for (const [key, rb] of inB) out.push({ key, b: rb });
  return out;
}

/** Reads a probe log (JSON lines; blank lines ignored). */
export function parseProbeLog(text: string): ProbeRecord[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ProbeRecord);
}
