import { describe, expect, it } from 'vitest';
import { splitSubject } from '../../rules/blocked.js';
import type { Finding } from '../../src/model/finding.js';
import { lintFixture } from './expectations.js';

/**
 * Review 25 item 7: FWL011 findings of one run came in two shapes. A message that fit the headline
 * kept its parenthesis (`… (tcp 18443 to the PBX …) does not exist.`); a longer one lost it and the
 * details began with the whole sentence again. Every FWL011 finding now says in its first sentence
 * what is wrong and in the rest what decided and what to change, never the first sentence again.
 */

const osbiz = { devices: ['osbiz-x'] };
const fwl011 = (fs: Finding[]) => fs.filter((f) => f.ruleId === 'FWL011');

function oneShape(fs: Finding[]): void {
  expect(fs.length).toBeGreaterThan(0);
  for (const f of fs) {
    // One sentence, starting with what is required.
    expect(f.message, f.message).toMatch(/^(Required port-forward|Forwarded) "[^"]+" .*\.$/);
    expect(f.message, f.message).not.toMatch(/\.\s+[A-Z]/);
    expect(f.details ?? '', f.message).not.toContain(f.message.replace(/\.$/, ''));
    expect(f.details ?? '', f.message).not.toMatch(/^(Required port-forward|Forwarded) /);
  }
}

describe('FWL011: one shape for every finding', () => {
  it('a forward to another host: where it goes in the headline; the forward and the fix in the details', () => {
    const fs = fwl011(
      lintFixture('fixtures/fortigate/rules/fwl011-forwards.conf', ['openscape-business'], {
        ...osbiz,
        pbx: '10.20.0.10',
      }),
    );
    oneShape(fs);
    const hfa = fs.find((f) => f.requirement === 'osbiz-fwd-hfa');
    expect(hfa?.message).toBe(
      'Required port-forward "HFA signalling (not encrypted) for System Device@Home" goes to 192.168.1.10, not to the PBX.',
    );
    expect(hfa?.details).toBe(
      'VIP "PBX-HFA" (line 88) forwards tcp 4060 there. Forward it to the PBX 10.20.0.10 instead.',
    );
    // The short one (it used to keep its parenthesis in the headline) has the same shape.
    const dli = fs.find((f) => f.message.includes('"DLI service for System Device@Home"'));
    expect(dli?.message).toBe(
      'Required port-forward "DLI service for System Device@Home" goes to 192.168.1.10, not to the PBX.',
    );
    expect(dli?.details).toBe(
      'VIP "PBX-DLI" (line 105) forwards tcp 18443 there. Forward it to the PBX 10.20.0.10 instead.',
    );
    const none = fs.find((f) => f.message.includes('does not exist'));
    expect(none?.details).toBe('Add a port-forward of tcp 8802 on the WAN address to the PBX 10.20.0.10.');
  });

  it('a wrong target port: the port in the headline; the forward and the port to set in the details', () => {
    const fs = fwl011(
      lintFixture('fixtures/mikrotik/rules/fwl011-forwards.rsc', ['openscape-business'], {
        ...osbiz,
        pbx: '192.168.1.10',
      }),
    );
    oneShape(fs);
    const dli = fs.find((f) => f.message.includes('"DLI service for System Device@Home"'));
    expect(dli?.message).toBe(
      'Required port-forward "DLI service for System Device@Home" reaches the PBX on port 443, not 18443.',
    );
    expect(dli?.details).toBe(
      'The PBX listens on 18443: set the target port of NAT rule "DLI, wrong internal port" (line 66) to 18443.',
    );
  });

  it('a forward the filter drops: the details begin with the forwarded ports and the forward, not the headline', () => {
    const fs = fwl011(
      lintFixture('fixtures/nftables/rules/fwl011-forwards.nft', ['openscape-business'], {
        ...osbiz,
        pbx: '192.168.1.10',
        phones: ['10.20.0.0/24@vlan20'],
        wan: ['wan0'],
      }),
    );
    oneShape(fs);
    const dli = fs.find((f) => f.message.startsWith('Forwarded "DLI service'));
    expect(dli?.message).toBe(
      'Forwarded "DLI service for System Device@Home" to the PBX is blocked by the inet fw forward chain policy.',
    );
    expect(
      dli?.details?.startsWith(
        'tcp 18443 forwarded by rule "iifname wan0 tcp dport 18443 dnat to 192.168.1.10" in ip nat prerouting (line 55): ' +
          'blocked entirely. Decided by ',
      ),
    ).toBe(true);
  });
});

describe('splitSubject: the parenthesis that ends a subject, outside quotes', () => {
  it('a parenthesis inside the quoted name stays in the head', () => {
    expect(splitSubject('Reply traffic of "Basic telephone functions (sound): RTP media" (udp 10000-20000)')).toEqual({
      head: 'Reply traffic of "Basic telephone functions (sound): RTP media"',
      paren: 'udp 10000-20000',
    });
    expect(splitSubject('Required flow "Provisioning of settings (HTTP, config.ipnordic.dk)"')).toEqual({
      head: 'Required flow "Provisioning of settings (HTTP, config.ipnordic.dk)"',
    });
  });

  it('a parenthesis may hold others', () => {
    expect(splitSubject('Forwarded "X (y)" to the PBX (tcp 1 forwarded by rule "a (b)" (line 5))')).toEqual({
      head: 'Forwarded "X (y)" to the PBX',
      paren: 'tcp 1 forwarded by rule "a (b)" (line 5)',
    });
  });
});
