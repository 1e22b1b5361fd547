import { describe, expect, it } from 'vitest';
import { box, intersect, overlaps } from '../../src/model/box.js';
import { ECHO_REPLY, ECHO_REQUEST, icmpTypes } from '../../src/model/icmp.js';
import { NameSet } from '../../src/model/name-set.js';
import type { Match } from '../../src/model/policy.js';
import { protoSet } from '../../src/model/ports.js';
import { parseNftables } from '../../parsers/nftables/index.js';

// ICMP types: RFC 792 (echo 8, echo reply 0, destination unreachable 3), RFC 4443 (ICMPv6 echo 128,
// echo reply 129, destination unreachable 1); nft(8) "ICMP TYPE TYPE" / "ICMPV6 TYPE TYPE" for the names.
const ICMP = protoSet([1]);
const ICMP6 = protoSet([58]);
const flow = (proto: typeof ICMP, icmpType = ECHO_REQUEST) => box({ proto, state: NameSet.of(['new']), icmpType });

describe('the ICMP type dimension', () => {
  it('reads echo request and reply of both families as one value each', () => {
    const v4req: Match = { proto: ICMP, icmpType: icmpTypes(false, [[8, 8]]) };
    const v6req: Match = { proto: ICMP6, icmpType: icmpTypes(true, [[128, 128]]) };
    const v6rep: Match = { proto: ICMP6, icmpType: icmpTypes(true, [[129, 129]]) };
    expect(overlaps(flow(ICMP), v4req)).toBe(true);
    expect(overlaps(flow(ICMP6), v6req)).toBe(true);
    expect(overlaps(flow(ICMP6), v6rep)).toBe(false);
    expect(overlaps(flow(ICMP6, ECHO_REPLY), v6rep)).toBe(true);
    expect(overlaps(flow(ICMP, ECHO_REPLY), v4req)).toBe(false);
  });

  it('a type match of one family never splits a flow of the other (no value of it is left out)', () => {
    const notUnreachable6: Match = {
      icmpType: icmpTypes(true, [
        [0, 0],
        [2, 255],
      ]),
    };
    const unreachable4: Match = { icmpType: icmpTypes(false, [[3, 3]]) };
    for (const t of [ECHO_REQUEST, ECHO_REPLY]) {
      const f = flow(protoSet([1, 58]), t);
      expect(intersect(f, notUnreachable6)?.icmpType.equals(t)).toBe(true);
      expect(intersect(f, unreachable4)).toBeUndefined();
    }
  });

  it('is filled by the nftables parser from names, numbers, sets and negation', () => {
    const p = parseNftables(
      [
        'table inet t {',
        '  chain output {',
        '    type filter hook output priority filter; policy accept;',
        '    icmp type echo-reply drop',
        '    icmp type != { 3, 8 } drop',
        '    icmpv6 type { echo-reply, nd-neighbor-advert } drop',
        '    icmp type 8 accept',
        '  }',
        '}',
      ].join('\n'),
      't.nft',
    );
    const [reply, notUnreachOrEcho, v6, request] = (p.ruleset.chains['inet t output']?.rules ?? []).map((r) => r.match);
    const v4reply = flow(ICMP, ECHO_REPLY);
    const v4req = flow(ICMP, ECHO_REQUEST);
    expect([reply, notUnreachOrEcho, v6, request].map((m) => (m ? overlaps(v4reply, m) : 'missing'))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect([reply, notUnreachOrEcho, v6, request].map((m) => (m ? overlaps(v4req, m) : 'missing'))).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(v6 && overlaps(flow(ICMP6, ECHO_REPLY), v6)).toBe(true);
  });
});
