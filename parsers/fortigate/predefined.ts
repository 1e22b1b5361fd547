/**
 * FortiOS predefined services (the factory `config firewall service custom` and `service group`
 * tables), used only when a file references one it does not define: `show` captures of single
 * sections and fragments leave them out, full backups list them (docs/semantics.md#fgt-objects: "SIP = tcp
 * 5060 + udp 5060", ALL = protocol IP, ALL_UDP = udp 1-65535). Port syntax is the CLI's
 * `dst[-dst][:src[-src]]`.
 */
export interface PredefinedService {
  protocol: 'TCP/UDP/SCTP' | 'ICMP' | 'ICMP6' | 'IP';
  tcp?: string[];
  udp?: string[];
  sctp?: string[];
  icmptype?: number;
  protocolNumber?: number;
}

export const PREDEFINED_SERVICES: Readonly<Record<string, PredefinedService>> = {
  ALL: { protocol: 'IP', protocolNumber: 0 },
  ALL_TCP: { protocol: 'TCP/UDP/SCTP', tcp: ['1-65535'] },
  ALL_UDP: { protocol: 'TCP/UDP/SCTP', udp: ['1-65535'] },
  ALL_ICMP: { protocol: 'ICMP' },
  ALL_ICMP6: { protocol: 'ICMP6' },
  GRE: { protocol: 'IP', protocolNumber: 47 },
  AH: { protocol: 'IP', protocolNumber: 51 },
  ESP: { protocol: 'IP', protocolNumber: 50 },
  AOL: { protocol: 'TCP/UDP/SCTP', tcp: ['5190-5194'] },
  BGP: { protocol: 'TCP/UDP/SCTP', tcp: ['179'] },
  DHCP: { protocol: 'TCP/UDP/SCTP', udp: ['67-68'] },
  DNS: { protocol: 'TCP/UDP/SCTP', tcp: ['53'], udp: ['53'] },
  FINGER: { protocol: 'TCP/UDP/SCTP', tcp: ['79'] },
  FTP: { protocol: 'TCP/UDP/SCTP', tcp: ['21'] },
  FTP_GET: { protocol: 'TCP/UDP/SCTP', tcp: ['21'] },
  FTP_PUT: { protocol: 'TCP/UDP/SCTP', tcp: ['21'] },
  GOPHER: { protocol: 'TCP/UDP/SCTP', tcp: ['70'] },
  H323: { protocol: 'TCP/UDP/SCTP', tcp: ['1720', '1503'], udp: ['1719'] },
  HTTP: { protocol: 'TCP/UDP/SCTP', tcp: ['80'] },
  HTTPS: { protocol: 'TCP/UDP/SCTP', tcp: ['443'] },
  IKE: { protocol: 'TCP/UDP/SCTP', udp: ['500', '4500'] },
  IMAP: { protocol: 'TCP/UDP/SCTP', tcp: ['143'] },
  IMAPS: { protocol: 'TCP/UDP/SCTP', tcp: ['993'] },
  Internet_Locator_Service: { protocol: 'TCP/UDP/SCTP', tcp: ['389'] },
  IRC: { protocol: 'TCP/UDP/SCTP', tcp: ['6660-6669'] },
  L2TP: { protocol: 'TCP/UDP/SCTP', tcp: ['1701'], udp: ['1701'] },
  LDAP: { protocol: 'TCP/UDP/SCTP', tcp: ['389'] },
  NetMeeting: { protocol: 'TCP/UDP/SCTP', tcp: ['1720'] },
  NFS: { protocol: 'TCP/UDP/SCTP', tcp: ['111', '2049'], udp: ['111', '2049'] },
  NNTP: { protocol: 'TCP/UDP/SCTP', tcp: ['119'] },
  NTP: { protocol: 'TCP/UDP/SCTP', tcp: ['123'], udp: ['123'] },
  OSPF: { protocol: 'IP', protocolNumber: 89 },
  PC_Anywhere: { protocol: 'TCP/UDP/SCTP', tcp: ['5631'], udp: ['5632'] },
  PING: { protocol: 'ICMP', icmptype: 8 },
  TIMESTAMP: { protocol: 'ICMP', icmptype: 13 },
  INFO_REQUEST: { protocol: 'ICMP', icmptype: 15 },
  INFO_ADDRESS: { protocol: 'ICMP', icmptype: 17 },
  ONC_RPC: { protocol: 'TCP/UDP/SCTP', tcp: ['111'], udp: ['111'] },
  'ONC-RPC': { protocol: 'TCP/UDP/SCTP', tcp: ['111'], udp: ['111'] },
  'DCE-RPC': { protocol: 'TCP/UDP/SCTP', tcp: ['135'], udp: ['135'] },
  POP3: { protocol: 'TCP/UDP/SCTP', tcp: ['110'] },
  POP3S: { protocol: 'TCP/UDP/SCTP', tcp: ['995'] },
  PPTP: { protocol: 'TCP/UDP/SCTP', tcp: ['1723'] },
  QUAKE: { protocol: 'TCP/UDP/SCTP', udp: ['26000', '27000', '27910', '27960'] },
  RAUDIO: { protocol: 'TCP/UDP/SCTP', udp: ['7070'] },
  REXEC: { protocol: 'TCP/UDP/SCTP', tcp: ['512'] },
  RIP: { protocol: 'TCP/UDP/SCTP', udp: ['520'] },
  RLOGIN: { protocol: 'TCP/UDP/SCTP', tcp: ['513:512-1023'] },
  RSH: { protocol: 'TCP/UDP/SCTP', tcp: ['514:512-1023'] },
  SCCP: { protocol: 'TCP/UDP/SCTP', tcp: ['2000'] },
  SIP: { protocol: 'TCP/UDP/SCTP', tcp: ['5060'], udp: ['5060'] },
  'SIP-MSNmessenger': { protocol: 'TCP/UDP/SCTP', tcp: ['1863'] },
  SAMBA: { protocol: 'TCP/UDP/SCTP', tcp: ['139'] },
  SMTP: { protocol: 'TCP/UDP/SCTP', tcp: ['25'] },
  SMTPS: { protocol: 'TCP/UDP/SCTP', tcp: ['465'] },
  SNMP: { protocol: 'TCP/UDP/SCTP', tcp: ['161-162'], udp: ['161-162'] },
  SSH: { protocol: 'TCP/UDP/SCTP', tcp: ['22'] },
  SYSLOG: { protocol: 'TCP/UDP/SCTP', udp: ['514'] },
  TALK: { protocol: 'TCP/UDP/SCTP', udp: ['517-518'] },
  TELNET: { protocol: 'TCP/UDP/SCTP', tcp: ['23'] },
  TFTP: { protocol: 'TCP/UDP/SCTP', udp: ['69'] },
  MGCP: { protocol: 'TCP/UDP/SCTP', udp: ['2427', '2727'] },
  UUCP: { protocol: 'TCP/UDP/SCTP', tcp: ['540'] },
  VDOLIVE: { protocol: 'TCP/UDP/SCTP', tcp: ['7000-7010'] },
  WAIS: { protocol: 'TCP/UDP/SCTP', tcp: ['210'] },
  WINFRAME: { protocol: 'TCP/UDP/SCTP', tcp: ['1494', '2598'] },
  'X-WINDOWS': { protocol: 'TCP/UDP/SCTP', tcp: ['6000-6063'] },
  'MS-SQL': { protocol: 'TCP/UDP/SCTP', tcp: ['1433', '1434'] },
  MYSQL: { protocol: 'TCP/UDP/SCTP', tcp: ['3306'] },
  RDP: { protocol: 'TCP/UDP/SCTP', tcp: ['3389'] },
  VNC: { protocol: 'TCP/UDP/SCTP', tcp: ['5900'] },
  KERBEROS: { protocol: 'TCP/UDP/SCTP', tcp: ['88'], udp: ['88'] },
  LDAP_UDP: { protocol: 'TCP/UDP/SCTP', udp: ['389'] },
  SMB: { protocol: 'TCP/UDP/SCTP', tcp: ['445'] },
  RADIUS: { protocol: 'TCP/UDP/SCTP', udp: ['1812', '1813'] },
  'RADIUS-OLD': { protocol: 'TCP/UDP/SCTP', udp: ['1645', '1646'] },
  CVSPSERVER: { protocol: 'TCP/UDP/SCTP', tcp: ['2401'], udp: ['2401'] },
  WINS: { protocol: 'TCP/UDP/SCTP', tcp: ['1512'], udp: ['1512'] },
  SQUID: { protocol: 'TCP/UDP/SCTP', tcp: ['3128'] },
  traceroute: { protocol: 'TCP/UDP/SCTP', udp: ['33434-33535'] },
  DNP3: { protocol: 'TCP/UDP/SCTP', tcp: ['20000'] },
  MMS: { protocol: 'TCP/UDP/SCTP', tcp: ['1755'], udp: ['1024-5000'] },
  KERBEROS_UDP: { protocol: 'TCP/UDP/SCTP', udp: ['88'] },
};

/** FortiOS predefined service groups. */
export const PREDEFINED_GROUPS: Readonly<Record<string, string[]>> = {
  'Email Access': ['DNS', 'IMAP', 'IMAPS', 'POP3', 'POP3S', 'SMTP', 'SMTPS'],
  'Web Access': ['DNS', 'HTTP', 'HTTPS'],
  'Windows AD': ['DCE-RPC', 'DNS', 'KERBEROS', 'LDAP', 'LDAP_UDP', 'SAMBA', 'SMB'],
  'Exchange Server': ['DCE-RPC', 'DNS', 'HTTPS'],
};
