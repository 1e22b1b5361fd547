import type { Line } from './compare.js';

/**
 * Where the kernel draws the translated port at random (masquerade random, fully-random, a port
 * range) and a rule with a verdict, jump or notrack before conntrack or the NAT reversal matches only
 * some of the ports (fwlint's reply answer without the draw is uncertain about it), the draw
 * decides whether conntrack sees the flow's reply, and so whether its timeout can be read at all:
 * a run compares it or not by chance. Such a timeout is set aside in every run, so the counts do not
 * move with the draw; a disagreement is never set aside (it fails the run whatever the draw).
 */
export const DRAW_DECIDES =
  'the port the kernel draws may decide whether conntrack sees the reply ' +
  '(fwlint is uncertain without the draw): readable in some runs only';

/**
 * `replyUncertainWithoutDraw`: fwlint's answer for the flow's reply, asked without the port the kernel
 * chose, is uncertain about a rule that can change where the reply goes (FwlintObs.uncertainActs).
 * `kernelDrewPort`: the kernel translated the flow's source port.
 */
export function setAsideForDraw(line: Line, replyUncertainWithoutDraw: boolean, kernelDrewPort: boolean): boolean {
  return line.raw.p.kind === 'timeout' && line.agree !== false && replyUncertainWithoutDraw && kernelDrewPort;
}
