import type { LintRule } from '../src/lint/context.js';
import type { RuleMeta } from '../src/model/report.js';
import { dnsBlocked } from './dns-blocked.js';
import { missingRequiredAllow } from './missing-required-allow.js';
import { natPortRandomization } from './nat-port-randomization.js';
import { phonesNotNated } from './phones-not-nated.js';
import { portForwardToPhone } from './port-forward-to-phone.js';
import { requiredPortForwardMissing } from './required-port-forward-missing.js';
import { returnTrafficBlocked } from './return-traffic-blocked.js';
import { sipAlgEnabled } from './sip-alg-enabled.js';
import { sipExposedToInternet } from './sip-exposed-to-internet.js';
import { udpTimeoutOutOfRange } from './udp-timeout-out-of-range.js';
import { parseErrorMeta } from './parse-error.js';
import { suppressionProblemMeta } from './suppression-problem.js';
import { unsupportedStatement } from './unsupported-statement.js';
import { unverifiableRequirement } from './unverifiable-requirement.js';
import { wanIcmpBlocked } from './wan-icmp-blocked.js';

export const RULES: readonly LintRule[] = [
  missingRequiredAllow,
  sipAlgEnabled,
  udpTimeoutOutOfRange,
  portForwardToPhone,
  phonesNotNated,
  natPortRandomization,
  wanIcmpBlocked,
  returnTrafficBlocked,
  dnsBlocked,
  sipExposedToInternet,
  requiredPortForwardMissing,
  unverifiableRequirement,
  unsupportedStatement,
];

export const ALL_RULE_META: readonly RuleMeta[] = [...RULES.map((r) => r.meta), parseErrorMeta, suppressionProblemMeta];

/** Finds a rule by id (FWL004) or name (port-forward-to-phone), case-insensitively. */
export function findRuleMeta(idOrName: string): RuleMeta | undefined {
  const k = idOrName.toLowerCase();
  return ALL_RULE_META.find((m) => m.id.toLowerCase() === k || m.name === k);
}
