/**
 * Synthetic RouterOS 7 compact exports: defconf rules, a voice VLAN, interface lists, address
 * lists, jump chains, disabled and commented rules, port lists and ranges, negation, dst-nat
 * forwards, and lines wrapped at 80 columns with `\` continuations, some inside a value.
 */
import { picker, rng } from './rng.js';
import { RANGES, WORDS } from './words.js';

/** RouterOS wraps export lines at 80 columns: ` \` between tokens, `key=\` before a long value. */
function wrap(tokens: string[], out: string[]): void {
  let line = '';
  for (const tok of tokens) {
    if (line === '') {
      line = tok;
      continue;
    }
    if (line.length + 1 + tok.length <= 78) {
      line += ` ${tok}`;
      continue;
    }
    const eq = tok.indexOf('=');
    if (eq > 0 && line.length + eq + 3 <= 78 && !tok.includes('"')) {
      out.push(`${line} ${tok.slice(0, eq + 1)}\\`);
      line = `    ${tok.slice(eq + 1)}`;
    } else {
      out.push(`${line} \\`);
      line = `    ${tok}`;
    }
  }
  if (line) out.push(line);
}

const PORTS = ['22', '25', '53', '80', '123', '443', '465', '587', '993', '3389', '5060', '5061', '8080', '8443'];
const IFACES = ['bridge', 'vlan20-voice', 'vlan30-guest', 'ether5-dmz'];

export function generateRouterOS(rules: number, listEntries: number, seed = 7): string {
  const r = rng(seed ^ rules ^ listEntries);
  const pick = picker(r);
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const out: string[] = [];
  const p = (s: string) => out.push(s);
  p('# 2025-04-20 16:18:22 by RouterOS 7.18.2');
  p('# software id = BNCH-0001');
  p('#');
  p('# model = CCR2004-1G-12S+2XS');
  p('# serial number = HF0000000CC');
  p('/interface bridge');
  p('add admin-mac=48:A9:8A:00:00:10 auto-mac=no comment=defconf name=bridge');
  p('/interface ethernet');
  p('set [ find default-name=ether5 ] name=ether5-dmz');
  p('/interface vlan');
  p('add interface=bridge name=vlan20-voice vlan-id=20');
  p('add interface=bridge name=vlan30-guest vlan-id=30');
  p('/interface list');
  p('add comment=defconf name=WAN');
  p('add comment=defconf name=LAN');
  p('/interface list member');
  p('add comment=defconf interface=bridge list=LAN');
  p('add interface=vlan20-voice list=LAN');
  p('add interface=vlan30-guest list=LAN');
  p('add comment=defconf interface=ether1 list=WAN');
  p('/ip address');
  wrap(['add', 'address=192.168.88.1/24', 'comment=defconf', 'interface=bridge', 'network=192.168.88.0'], out);
  p('add address=10.20.0.1/24 interface=vlan20-voice network=10.20.0.0');
  p('add address=10.30.0.1/24 interface=vlan30-guest network=10.30.0.0');
  p('add address=172.16.10.1/24 interface=ether5-dmz network=172.16.10.0');
  p('/ip dhcp-client');
  p('add comment=defconf interface=ether1');
  p('/ip dns');
  p('set allow-remote-requests=yes');
  p('/ip firewall address-list');
  const lists = ['blocklist', 'partners', 'voip-prov', 'admins'];
  for (let i = 0; i < listEntries; i++) {
    const list = i < listEntries * 0.7 ? 'blocklist' : pick(lists);
    const a = `${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${r() < 0.3 ? `0/${pick([16, 20, 24])}` : int(1, 254)}`;
    p(`add address=${a} list=${list}${r() < 0.05 ? ` comment="${pick(WORDS)} ${i}"` : ''}`);
  }
  p('add address=185.72.208.0/22 list=voip-prov');
  p('/ip firewall connection tracking');
  p('set udp-stream-timeout=5m');
  p('/ip firewall filter');
  wrap(
    [
      'add',
      'action=accept',
      'chain=input',
      'comment="defconf: accept established,related,untracked"',
      'connection-state=established,related,untracked',
    ],
    out,
  );
  wrap(['add', 'action=drop', 'chain=input', 'comment="defconf: drop invalid"', 'connection-state=invalid'], out);
  wrap(['add', 'action=accept', 'chain=input', 'comment="defconf: accept ICMP"', 'protocol=icmp'], out);
  wrap(['add', 'action=drop', 'chain=input', 'src-address-list=blocklist'], out);
  wrap(
    [
      'add',
      'action=fasttrack-connection',
      'chain=forward',
      'comment="defconf: fasttrack"',
      'connection-state=established,related',
      'hw-offload=yes',
    ],
    out,
  );
  wrap(
    [
      'add',
      'action=accept',
      'chain=forward',
      'comment="defconf: accept established,related, untracked"',
      'connection-state=established,related,untracked',
    ],
    out,
  );
  wrap(['add', 'action=drop', 'chain=forward', 'comment="defconf: drop invalid"', 'connection-state=invalid'], out);
  wrap(['add', 'action=drop', 'chain=forward', 'dst-address-list=blocklist'], out);
  const userChains = ['lan-out', 'voice-out', 'guest-out', 'dmz-in'];
  for (const c of userChains)
    wrap(
      ['add', 'action=jump', 'chain=forward', `comment="to ${c}"`, `in-interface=${pick(IFACES)}`, `jump-target=${c}`],
      out,
    );
  const fixed = 8 + userChains.length + 3;
  for (let i = 0; i < Math.max(0, rules - fixed); i++) {
    const x = r();
    const chain = x < 0.65 ? 'forward' : x < 0.8 ? 'input' : pick(userChains);
    const y = r();
    const action = y < 0.55 ? 'accept' : y < 0.85 ? 'drop' : y < 0.95 ? 'reject' : 'passthrough';
    const t: string[] = ['add', `action=${action}`, `chain=${chain}`];
    if (r() < 0.4) t.push(`comment="${pick(['Allow', 'Block', 'Temp', 'Legacy'])} ${pick(WORDS)} ${i}"`);
    if (r() < 0.03) t.push('disabled=yes');
    const proto = r();
    if (proto < 0.85) {
      t.push(`protocol=${proto < 0.5 ? 'tcp' : 'udp'}`);
      const ports = r();
      t.push(
        `dst-port=${ports < 0.5 ? pick(PORTS) : ports < 0.8 ? pick(RANGES) : `${pick(PORTS)},${pick(PORTS)},${pick(RANGES)}`}`,
      );
    }
    const src = r();
    if (src < 0.45) t.push(`src-address=${r() < 0.1 ? '!' : ''}172.${int(16, 31)}.${int(0, 255)}.0/24`);
    else if (src < 0.6) t.push(`src-address-list=${pick(lists)}`);
    const dst = r();
    // Every rule names some host or network, as in real rule bases, so the phones' flows pass
    // most of them and evaluation is measured over the whole chain, not the first broad rule.
    if (dst < 0.5 || src >= 0.6) t.push(`dst-address=${int(1, 223)}.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`);
    else if (dst < 0.65) t.push(`dst-address-list=${r() < 0.1 ? '!' : ''}${pick(lists)}`);
    if (r() < 0.3)
      t.push(
        r() < 0.5 ? `in-interface=${pick(IFACES)}` : `in-interface-list=${r() < 0.3 ? '!' : ''}${pick(['LAN', 'WAN'])}`,
      );
    if (chain === 'forward' && r() < 0.15) t.push('out-interface-list=WAN');
    if (r() < 0.1) t.push('connection-state=new');
    wrap(t, out);
  }
  for (const c of userChains) wrap(['add', 'action=return', `chain=${c}`], out);
  wrap(
    [
      'add',
      'action=drop',
      'chain=forward',
      'comment="defconf: drop all from WAN not DSTNATed"',
      'connection-nat-state=!dstnat',
      'connection-state=new',
      'in-interface-list=WAN',
    ],
    out,
  );
  p('/ip firewall nat');
  wrap(
    [
      'add',
      'action=masquerade',
      'chain=srcnat',
      'comment="defconf: masquerade"',
      'ipsec-policy=out,none',
      'out-interface-list=WAN',
    ],
    out,
  );
  for (let i = 0; i < 4; i++) {
    wrap(
      [
        'add',
        'action=dst-nat',
        'chain=dstnat',
        `comment="forward ${pick(WORDS)}"`,
        `dst-port=${8000 + i}`,
        'in-interface-list=WAN',
        'protocol=tcp',
        `to-addresses=172.16.10.${10 + i}`,
        'to-ports=443',
      ],
      out,
    );
  }
  p('/ip firewall service-port');
  p('set sip disabled=yes');
  p('/system identity');
  p('set name=bench-gw');
  return out.join('\n') + '\n';
}
