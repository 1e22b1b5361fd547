import { describe, expect, it } from 'vitest';
import { compare } from '../../tools/kernel/compare.js';
import { diffProbeLogs, parseProbeLog, probeRecord } from '../../tools/kernel/probe-log.js';
import { out, reply, timeout } from '../helpers/kernel-probes.js';

const f = { passed: true, by: 'policy accept', timeout: 30 };

describe('kernel harness: per-probe log', () => {
  it('records the verdict, the skip reason and the raw observation of each probe', () => {
    const r = probeRecord(
      'gen:1',
      compare(timeout, { skipped: 'the outbound packet was not delivered' }, f),
      'not run',
    );
    expect(r).toMatchObject({
      ruleset: 'gen:1',
      kind: 'timeout',
      verdict: 'not run',
      reason: 'the outbound packet was not delivered',
    });
    expect(parseProbeLog(`${JSON.stringify(r)}\n\n`)).toEqual([r]);
  });

  it('names the probes two runs saw differently, and only those', () => {
    const outA = probeRecord('gen:1', compare(out, { passed: true, seenSrc: out.src, seenSport: 40002 }, f), 'agree');
    const replyA = probeRecord('gen:1', compare(reply, { passed: true }, f), 'agree');
    const a = [outA, replyA, probeRecord('gen:1', compare(timeout, { timeout: 30 }, f), 'agree')];
    // The seconds left move with the read time; only the verdict of a timeout counts.
    expect(
      diffProbeLogs(a, [outA, replyA, probeRecord('gen:1', compare(timeout, { timeout: 29 }, f), 'agree')]),
    ).toEqual([]);
    // Another drawn port is not a difference; a kept port against a drawn one is.
    const drawn = (port: number) =>
      probeRecord('gen:1', compare(out, { passed: true, seenSrc: '203.0.113.1', seenSport: port }, f), 'agree');
    expect(diffProbeLogs([drawn(41717)], [drawn(25617)])).toEqual([]);
    expect(diffProbeLogs([drawn(40002)], [drawn(25617)])).toHaveLength(1);
    const d = diffProbeLogs(a, [outA, probeRecord('gen:1', compare(reply, { passed: false }, f), 'new')]);
    expect(d.map((c) => [c.key.split(' | ')[1]?.split(' ')[0], !!c.a, !!c.b])).toEqual([
      ['reply', true, true],
      ['timeout', true, false],
    ]);
  });
});
