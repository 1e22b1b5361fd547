import type { FwlintObs, KernelObs, Probe } from './probes.js';
import { probeName } from './probes.js';

export interface Line {
  probe: string;
  kernel: string;
  fwlint: string;
  /** undefined: not comparable (the kernel side could not run). */
  agree?: boolean;
  /**
   * fwlint answered explicitly uncertain (both verdicts possible) and the kernel did one of them:
   * counted apart from agreements ("uncertain (consistent)"), never as one.
   */
  uncertain?: boolean;
  /** The raw observations, for classifying a disagreement. */
  raw: { p: Probe; k: KernelObs; f: FwlintObs };
}

/** Seconds of slack when comparing a timeout read right after its refresh (the column rounds down). */
const SLACK = 3;

function kernelText(p: Probe, k: KernelObs): string {
  if (k.skipped) return `not run (${k.skipped})`;
  switch (p.kind) {
    case 'out': {
      if (!k.passed) return 'dropped';
      const nat = k.seenSrc === p.src ? 'no NAT' : `source ${k.seenSrc}`;
      const port = k.seenSport === p.sport ? 'port kept' : `port ${k.seenSport}`;
      return `delivered, ${nat}, ${port}`;
    }
    case 'reply':
      return k.passed ? 'reply back' : 'reply dropped';
    case 'ping':
      return k.passed ? 'answered' : 'no answer';
    case 'forward':
      return k.passed ? `reached phone ${k.reachedAt}` : 'no phone reached';
    case 'timeout':
      return k.timeout === 'untracked' ? 'untracked (no conntrack entry)' : `${k.timeout} s left`;
  }
}

function fwlintText(p: Probe, f: FwlintObs): string {
  const t = fwlintVerdictText(p, f);
  return f.uncertain ? `${t}; uncertain: ${f.uncertain}` : t;
}

function fwlintVerdictText(p: Probe, f: FwlintObs): string {
  switch (p.kind) {
    case 'out': {
      if (!f.passed) return `dropped by ${f.by}`;
      const nat = f.nat
        ? `source ${f.nat.addr}, ports ${f.nat.ports === 'preserve' ? 'kept' : 'random'} by ${f.natBy}`
        : `no NAT (${f.natBy})`;
      return `delivered by ${f.by}; ${nat}`;
    }
    case 'reply':
      return `${f.passed ? 'reply back' : 'reply dropped'} by ${f.by}`;
    case 'ping':
      return `${f.passed ? 'answered' : 'no answer'} by ${f.by}`;
    case 'forward':
      return `${f.passed ? `reaches phone ${f.to}` : 'no phone reached'}: ${f.by}`;
    case 'timeout':
      return f.by;
  }
}

function agrees(p: Probe, k: KernelObs, f: FwlintObs): boolean | undefined {
  if (k.skipped) return undefined;
  if (p.kind === 'timeout') {
    if (k.timeout === 'untracked' || f.timeout === 'untracked') return k.timeout === f.timeout;
    return (
      typeof f.timeout === 'number' &&
      k.timeout !== undefined &&
      k.timeout <= f.timeout &&
      k.timeout >= f.timeout - SLACK
    );
  }
  if (k.passed !== f.passed) return false;
  if (p.kind !== 'out' || !k.passed) return true;
  const kernelNat = k.seenSrc !== p.src;
  if (!f.nat) return !kernelNat && k.seenSport === p.sport;
  if (!kernelNat) return false;
  if (f.nat.addr !== '?' && f.nat.addr !== k.seenSrc) return false;
  return (k.seenSport === p.sport) === (f.nat.ports === 'preserve');
}

export function compare(p: Probe, k: KernelObs, f: FwlintObs): Line {
  const line: Line = { probe: probeName(p), kernel: kernelText(p, k), fwlint: fwlintText(p, f), raw: { p, k, f } };
  const agree = agrees(p, k, f);
  if (agree === undefined) return line;
  line.agree = agree;
  // An uncertain verdict names both outcomes, so whatever the kernel did is one of them; it is never
  // counted as agreement, even when the kernel did the outcome fwlint leans to (docs/kernel-check.md).
  // NAT details and timeouts are still compared: a difference there is a disagreement.
  const verdictOnly = agree || k.passed !== f.passed;
  if (f.uncertain && p.kind !== 'timeout' && verdictOnly) {
    line.agree = false;
    line.uncertain = true;
  }
  // A timeout another order of unordered chains gives (FwlintObs.otherTimeouts): consistent, not agreement.
  if (p.kind === 'timeout' && !agree && f.otherTimeouts?.some((v) => agrees(p, k, { ...f, timeout: v })) === true)
    line.uncertain = true;
  return line;
}
