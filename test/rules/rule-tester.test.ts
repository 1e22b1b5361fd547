/** Rules run one at a time on hand-built models (test/helpers/rule-tester.ts), independent of any parser. */
import { sipAlgEnabled } from '../../rules/sip-alg-enabled.js';
import { udpTimeoutOutOfRange } from '../../rules/udp-timeout-out-of-range.js';
import { unsupportedStatement } from '../../rules/unsupported-statement.js';
import { phonesNotNated } from '../../rules/phones-not-nated.js';
import { at, policy, profile, requirement, setting } from '../helpers/model.js';
import { ruleTester } from '../helpers/rule-tester.js';

const timeout300 = profile({ settings: [requirement({ id: 'udp-300', kind: 'udp-timeout', min: 300 })] });

ruleTester(udpTimeoutOutOfRange, {
  valid: [
    { name: 'the timeout meets the minimum', policy: policy(), profile: timeout300 },
    {
      name: 'the profile asks nothing about timeouts',
      policy: policy({ sessions: { sipAlg: [], udpTimeout: setting(60, 7) } }),
    },
  ],
  invalid: [
    {
      name: 'an explicit timeout below the minimum, at its line',
      policy: policy({ sessions: { sipAlg: [], udpTimeout: setting(60, 7) } }),
      profile: timeout300,
      errors: [
        { line: 7, level: 'error', requirement: 'udp-300', message: 'UDP idle timeout is 60 s', fromDefault: false },
      ],
    },
    {
      name: 'a platform default below the minimum says so',
      policy: policy({ sessions: { sipAlg: [], udpTimeout: setting(60, 3, 'default', "pf's udp.multiple default") } }),
      profile: profile({
        settings: [requirement({ id: 'udp-range', kind: 'udp-timeout', min: 120, max: 900, severity: 'warning' })],
      }),
      errors: [
        { line: 3, level: 'warning', requirement: 'udp-range', message: /requires 120-900 s/, fromDefault: true },
      ],
    },
  ],
});

const algOff = profile({ settings: [requirement({ id: 'alg-off', kind: 'sip-alg-off' })] });

ruleTester(sipAlgEnabled, {
  valid: [
    { name: 'no SIP ALG', policy: policy(), profile: algOff },
    {
      name: 'an ALG the profile does not care about',
      policy: policy({ sessions: { sipAlg: [setting(true, 9)], udpTimeout: setting(300, 1) } }),
    },
  ],
  invalid: [
    {
      name: 'an explicit SIP ALG, at its setting',
      policy: policy({ sessions: { sipAlg: [setting(true, 9)], udpTimeout: setting(300, 1) } }),
      profile: algOff,
      errors: [{ line: 9, requirement: 'alg-off', message: 'SIP ALG is enabled.' }],
    },
  ],
});

ruleTester(unsupportedStatement, {
  valid: [{ name: 'everything modelled', policy: policy() }],
  invalid: [
    {
      name: 'one finding per construct, at its line',
      policy: policy({
        unsupported: [
          { loc: at(12), what: 'schedule "office"', why: 'The rule applies only at some times.' },
          { loc: at(30), what: 'policy route', why: 'Traffic may leave by another gateway.' },
        ],
      }),
      errors: [
        {
          line: 12,
          level: 'warning',
          message: 'Not modelled: schedule "office". The rule applies only at some times.',
        },
        { line: 30, message: 'policy route' },
      ],
    },
  ],
});

const natRequired = profile({ settings: [requirement({ id: 'nat', kind: 'nat-required' })] });

ruleTester(phonesNotNated, {
  valid: [{ name: 'the profile does not require NAT', policy: policy() }],
  invalid: [
    {
      name: 'no source NAT at all: reported where NAT would be configured',
      policy: policy({ nat: { dnat: [], snat: [], dnatLoc: at(40) } }),
      profile: natRequired,
      errors: [{ line: 1, requirement: 'nat' }],
    },
  ],
});
