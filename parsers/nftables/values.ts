import { IANA_PROTOCOLS } from '../toolkit/protocols.js';

/** Literal values of the nft grammar: durations, services, protocols, ICMP types. */

/** `2m3s`, `10m`, `1h`, `30s`, `100ms`, `1d`, or a plain number of seconds. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return text;
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+)(ms|d|h|m|s)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n / 1000 : m[2] === 'd' ? n * 86400 : m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
    matched = re.lastIndex;
  }
  return matched === t.length && matched > 0 ? total : undefined;
}

/** getservbyname() as nft uses it for port names (Debian /etc/services, the common entries). */
const SERVICES: Readonly<Record<string, number>> = {
  'ftp-data': 20,
  ftp: 21,
  ssh: 22,
  telnet: 23,
  smtp: 25,
  time: 37,
  whois: 43,
  tacacs: 49,
  domain: 53,
  bootps: 67,
  bootpc: 68,
  tftp: 69,
  gopher: 70,
  finger: 79,
  http: 80,
  www: 80,
  kerberos: 88,
  pop3: 110,
  sunrpc: 111,
  auth: 113,
  ident: 113,
  nntp: 119,
  ntp: 123,
  'netbios-ns': 137,
  'netbios-dgm': 138,
  'netbios-ssn': 139,
  imap: 143,
  imap2: 143,
  snmp: 161,
  'snmp-trap': 162,
  xdmcp: 177,
  bgp: 179,
  irc: 194,
  ldap: 389,
  https: 443,
  'microsoft-ds': 445,
  kpasswd: 464,
  submissions: 465,
  smtps: 465,
  isakmp: 500,
  syslog: 514,
  printer: 515,
  rtsp: 554,
  submission: 587,
  ipp: 631,
  ldaps: 636,
  rsync: 873,
  'domain-s': 853,
  'ftps-data': 989,
  ftps: 990,
  telnets: 992,
  imaps: 993,
  pop3s: 995,
  socks: 1080,
  openvpn: 1194,
  'ms-sql-s': 1433,
  l2tp: 1701,
  pptp: 1723,
  radius: 1812,
  'radius-acct': 1813,
  nfs: 2049,
  iax: 4569,
  mysql: 3306,
  'ms-wbt-server': 3389,
  stun: 3478,
  'ipsec-nat-t': 4500,
  sip: 5060,
  'sip-tls': 5061,
  'xmpp-client': 5222,
  postgresql: 5432,
  mdns: 5353,
  'dhcpv6-client': 546,
  'dhcpv6-server': 547,
  'http-alt': 8080,
  webcache: 8080,
  'ms-wbt': 3389,
  'kerberos-adm': 749,
  wireguard: 51820,
};

export function serviceNumber(name: string): number | undefined {
  return SERVICES[name.toLowerCase()];
}

/** /etc/protocols names as nft accepts them for `meta l4proto`, `ip protocol`, `ip6 nexthdr`. */
const PROTOCOLS: Readonly<Record<string, number>> = { ...IANA_PROTOCOLS, icmpv6: 58, comp: 108 };

export function protocolByName(v: string | number): number | undefined {
  if (typeof v === 'number') return v >= 0 && v <= 255 ? v : undefined;
  if (/^\d{1,3}$/.test(v)) return Number(v) <= 255 ? Number(v) : undefined;
  return PROTOCOLS[v.toLowerCase()];
}

/** Transport protocols whose header starts with ports (what `th sport/dport` reads). */
export const PORT_PROTOCOLS = [6, 17, 33, 132, 136] as const;

/** ICMP type names nft accepts (nft(8) "ICMP TYPE TYPE", `nft describe icmp type`). */
const ICMP_TYPES: Readonly<Record<string, number>> = {
  'echo-reply': 0,
  'destination-unreachable': 3,
  'source-quench': 4,
  redirect: 5,
  'echo-request': 8,
  'router-advertisement': 9,
  'router-solicitation': 10,
  'time-exceeded': 11,
  'parameter-problem': 12,
  'timestamp-request': 13,
  'timestamp-reply': 14,
  'info-request': 15,
  'info-reply': 16,
  'address-mask-request': 17,
  'address-mask-reply': 18,
};

/** ICMPv6 type names nft accepts (nft(8) "ICMPV6 TYPE TYPE", `nft describe icmpv6 type`). */
const ICMP6_TYPES: Readonly<Record<string, number>> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-listener-query': 130,
  'mld-listener-report': 131,
  'mld-listener-done': 132,
  'mld-listener-reduction': 132,
  'nd-router-solicit': 133,
  'nd-router-advert': 134,
  'nd-neighbor-solicit': 135,
  'nd-neighbor-advert': 136,
  'nd-redirect': 137,
  'router-renumbering': 138,
  'ind-neighbor-solicit': 141,
  'ind-neighbor-advert': 142,
  'mld2-listener-report': 143,
};

/** An ICMP (or ICMPv6) type by number or nft name; undefined when it is neither. */
export function icmpTypeNumber(v: string | number, v6: boolean): number | undefined {
  if (typeof v === 'number') return v >= 0 && v <= 255 ? v : undefined;
  if (/^\d{1,3}$/.test(v)) return Number(v) <= 255 ? Number(v) : undefined;
  return (v6 ? ICMP6_TYPES : ICMP_TYPES)[v.toLowerCase()];
}

export const CT_STATE_NAMES = ['new', 'established', 'related', 'invalid', 'untracked'] as const;
