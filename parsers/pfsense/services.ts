import { protocolNumber } from '../../src/model/ports.js';
import { protocolTable } from '../toolkit/protocols.js';

/**
 * A small getservbyname() table: pfSense accepts service names wherever a port is expected
 * (`is_port()` falls back to getservbyname, docs/semantics.md#pf-layout). FreeBSD /etc/services names.
 */
const SERVICES: Readonly<Record<string, number>> = {
  ftp: 21,
  'ftp-data': 20,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  domain: 53,
  tftp: 69,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  ntp: 123,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  imap: 143,
  snmp: 161,
  'snmp-trap': 162,
  bgp: 179,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  isakmp: 500,
  syslog: 514,
  submission: 587,
  rtsp: 554,
  ldaps: 636,
  imaps: 993,
  pop3s: 995,
  openvpn: 1194,
  l2tp: 1701,
  pptp: 1723,
  h323hostcall: 1720,
  radius: 1812,
  'radius-acct': 1813,
  nfsd: 2049,
  mysql: 3306,
  'ms-wbt-server': 3389,
  stun: 3478,
  'ipsec-nat-t': 4500,
  iax: 4569,
  sip: 5060,
  'sip-tls': 5061,
  postgresql: 5432,
  bootps: 67,
  bootpc: 68,
  smtps: 465,
  submissions: 465,
};

export function serviceNumber(name: string): number | undefined {
  return SERVICES[name.trim().toLowerCase()];
}

/** Protocol names pfSense offers beyond the model's table (get_ipprotocols(), /etc/protocols). */
const EXTRA_PROTOCOLS = protocolTable(
  'ipv6 pim ospf etherip ipencap ipv6-route ipv6-frag rsvp l2tp vrrp ipv6-nonxt ipv6-opts'.split(' '),
  { carp: 112, pfsync: 240 },
);

export function ipProtocolNumber(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  return protocolNumber(n) ?? EXTRA_PROTOCOLS[n];
}
