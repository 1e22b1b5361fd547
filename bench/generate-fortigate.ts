import { picker, rng } from './rng.js';

/** The given lines, each ended by a newline. */
const lines = (...ls: string[]): string => ls.map((l) => `${l}\n`).join('');

/**
 * Synthetic FortiOS configurations for the FortiGate bench: a DHCP WAN, LAN, a VOICE VLAN, a DMZ
 * and a guest network (two in a zone), `addresses` address objects (subnets, ranges, 7% FQDNs, a few
 * wildcards and countries), groups of ten, custom services (some with a udp-idle-timer), service
 * groups, VIPs, and `policies` policies whose ids are shuffled, with accept/deny/no action,
 * negation, NAT with and without IP pools. The phones' own policy comes last, so every flow walks
 * the whole table. Deterministic (a fixed-seed PRNG).
 */
export interface Generated {
  bytes: number;
  policies: number;
  addresses: number;
}

export function generateFortigate(policies: number, addresses: number): string {
  const rnd = rng(policies * 7919 + addresses);
  const pick = picker(rnd);
  const out: string[] = [];
  const w = (s: string) => out.push(s);
  w(
    '#config-version=FGT600F-7.4.4-FW-build2662-240514:opmode=0:vdom=0:user=bench\n#conf_file_ver=1\n#buildno=2662\n#global_vdom=1\n',
  );
  w('config system global\n    set hostname "bench-fgt"\n    set admin-sport 8443\nend\n');
  w('config system settings\n    set default-voip-alg-mode kernel-helper-based\nend\n');
  w(
    lines(
      'config system session-helper',
      '    edit 1',
      '        set name pptp',
      '        set protocol 6',
      '        set port 1723',
      '    next',
      '    edit 13',
      '        set name sip',
      '        set protocol 17',
      '        set port 5060',
      '    next',
      'end',
    ),
  );
  w(`config system interface
    edit "wan1"
        set vdom "root"
        set mode dhcp
        set allowaccess ping https
        set role wan
    next
    edit "internal"
        set vdom "root"
        set ip 192.168.0.1 255.255.0.0
        set allowaccess ping https ssh
        set role lan
    next
    edit "voice"
        set vdom "root"
        set ip 10.20.0.1 255.255.255.0
        set allowaccess ping
        set alias "VOICE"
        set role lan
        set interface "internal"
        set vlanid 20
    next
    edit "dmz"
        set vdom "root"
        set ip 172.16.0.1 255.255.255.0
        set role dmz
    next
    edit "guest"
        set vdom "root"
        set ip 10.30.0.1 255.255.255.0
        set role lan
    next
end
config system zone
    edit "inside"
        set interface "internal" "dmz"
    next
end
`);
  // Addresses
  w('config firewall address\n    edit "all"\n    next\n');
  const names: string[] = [];
  for (let i = 0; i < addresses; i++) {
    const name = `addr-${i}`;
    names.push(name);
    const a = (i >>> 8) & 255;
    const b = i & 255;
    const r = rnd();
    if (r < 0.8 || r >= 0.98)
      w(
        lines(
          `    edit "${name}"`,
          `        set uuid 00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
          `        set subnet 10.${a}.${b}.0 255.255.255.${pick(['0', '128', '192', '240', '255'])}`,
          `    next`,
        ),
      );
    else if (r < 0.9)
      w(
        lines(
          `    edit "${name}"`,
          `        set type iprange`,
          `        set start-ip 172.${16 + (a & 15)}.${b}.10`,
          `        set end-ip 172.${16 + (a & 15)}.${b}.99`,
          `    next`,
        ),
      );
    else if (r < 0.97)
      w(`    edit "${name}"\n        set type fqdn\n        set fqdn "host${i}.example.net"\n    next\n`);
    else if (r < 0.972)
      w(`    edit "${name}"\n        set type wildcard\n        set wildcard 10.${a}.0.${b} 255.255.0.255\n    next\n`);
    else if (r < 0.98)
      w(
        `    edit "${name}"\n        set type geography\n        set country "${pick(['DK', 'SE', 'NO', 'DE'])}"\n    next\n`,
      );
  }
  w(
    lines(
      '    edit "VOICE-NET"',
      '        set subnet 10.20.0.0 255.255.255.0',
      '    next',
      '    edit "IPNORDIC"',
      '        set subnet 185.72.208.0 255.255.252.0',
      '    next',
      'end',
    ),
  );
  // Groups of ten
  w('config firewall addrgrp\n');
  const groups: string[] = [];
  for (let g = 0; g * 10 < addresses && g < Math.max(1, Math.floor(addresses / 100)); g++) {
    const name = `grp-${g}`;
    groups.push(name);
    const members = Array.from({ length: 10 }, () => `"${pick(names)}"`).join(' ');
    w(`    edit "${name}"\n        set member ${members}\n    next\n`);
  }
  w('end\n');
  // Services
  w(
    lines(
      'config firewall service custom',
      '    edit "ALL"',
      '        set protocol IP',
      '    next',
      '    edit "SIP"',
      '        set tcp-portrange 5060',
      '        set udp-portrange 5060',
      '    next',
    ),
  );
  const services: string[] = ['SIP'];
  for (let s = 0; s < 200; s++) {
    const name = `svc-${s}`;
    services.push(name);
    const lo = 1024 + Math.floor(rnd() * 60000);
    const hi = Math.min(65535, lo + Math.floor(rnd() * 200));
    const timer = s % 25 === 0 ? '        set udp-idle-timer 600\n' : '';
    // Mostly one protocol, or TCP and UDP on the same ports; a few with source ports.
    const r = rnd();
    const ports =
      r < 0.4
        ? `        set tcp-portrange ${lo}-${hi}\n`
        : r < 0.7
          ? `        set udp-portrange ${lo}-${hi}\n`
          : r < 0.95
            ? `        set tcp-portrange ${lo}-${hi}\n        set udp-portrange ${lo}-${hi}\n`
            : `        set udp-portrange ${lo}:1024-65535\n`;
    w(`    edit "${name}"\n${ports}${timer}    next\n`);
  }
  w('end\nconfig firewall service group\n');
  const sgroups: string[] = [];
  for (let g = 0; g < 20; g++) {
    sgroups.push(`sgrp-${g}`);
    w(
      `    edit "sgrp-${g}"\n        set member ${Array.from({ length: 5 }, () => `"${pick(services)}"`).join(' ')}\n    next\n`,
    );
  }
  w('end\n');
  // IP pools and VIPs
  w(
    lines(
      'config firewall ippool',
      '    edit "POOL"',
      '        set startip 203.0.113.10',
      '        set endip 203.0.113.20',
      '    next',
      'end',
      'config firewall vip',
    ),
  );
  const vips: string[] = [];
  for (let v = 0; v < 20; v++) {
    vips.push(`vip-${v}`);
    w(
      lines(
        `    edit "vip-${v}"`,
        `        set extip 203.0.113.${100 + v}`,
        `        set mappedip "172.16.0.${10 + v}"`,
        `        set extintf "wan1"`,
        `        set portforward enable`,
        `        set extport ${8000 + v}`,
        `        set mappedport ${80 + v}`,
        `    next`,
      ),
    );
  }
  w('end\n');
  // Policies: shuffled ids, the phones' policy last
  const ids = Array.from({ length: policies }, (_, i) => i + 1);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const a = ids[i];
    const b = ids[j];
    if (a !== undefined && b !== undefined) [ids[i], ids[j]] = [b, a];
  }
  w('config firewall policy\n');
  const ifs = ['internal', 'dmz', 'guest', 'inside', 'internal', 'dmz', 'guest', 'inside', 'any'];
  const objs = () => (rnd() < 0.3 && groups.length ? pick(groups) : pick(names));
  for (let k = 0; k < policies - 1; k++) {
    const id = ids[k];
    if (id === undefined) break;
    const inbound = rnd() < 0.1;
    const src = inbound ? 'wan1' : pick(ifs);
    const dst = inbound ? pick(['internal', 'dmz']) : rnd() < 0.7 ? 'wan1' : pick(ifs);
    const r = rnd();
    const action = r < 0.6 ? '        set action accept\n' : r < 0.9 ? '        set action deny\n' : '';
    const dstaddr = inbound && rnd() < 0.5 ? `"${pick(vips)}"` : `"${objs()}"${rnd() < 0.2 ? ` "${objs()}"` : ''}`;
    const svc = rnd() < 0.1 ? `"${pick(sgroups)}"` : `"${pick(services)}"${rnd() < 0.3 ? ` "${pick(services)}"` : ''}`;
    const neg = rnd() < 0.02 ? '        set dstaddr-negate enable\n' : '';
    const nat =
      action.includes('accept') && dst === 'wan1'
        ? rnd() < 0.2
          ? '        set nat enable\n        set ippool enable\n        set poolname "POOL"\n'
          : '        set nat enable\n'
        : '';
    w(
      lines(
        `    edit ${id}`,
        `        set name "p${id}"`,
        `        set uuid 00000000-0000-0000-0000-${String(id).padStart(12, '0')}`,
        `        set srcintf "${src}"`,
        `        set dstintf "${dst}"`,
        `${action}        set srcaddr "${objs()}"`,
        `        set dstaddr ${dstaddr}`,
        `${neg}        set schedule "always"`,
        `        set service ${svc}`,
        `        set logtraffic all`,
        `${nat}    next`,
      ),
    );
  }
  w(
    lines(
      `    edit ${ids[policies - 1]}`,
      `        set name "phones-out"`,
      `        set srcintf "voice"`,
      `        set dstintf "wan1"`,
      `        set action accept`,
      `        set srcaddr "VOICE-NET"`,
      `        set dstaddr "all"`,
      `        set schedule "always"`,
      `        set service "ALL"`,
      `        set nat enable`,
      `    next`,
      `end`,
    ),
  );
  w('config router static\n    edit 1\n        set device "wan1"\n        set dynamic-gateway enable\n    next\nend\n');
  return out.join('');
}
