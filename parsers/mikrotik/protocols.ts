import { protocolNumber } from '../../src/model/ports.js';

/** RouterOS `protocol=` names (IANA numbers) beyond the model's table. */
const ROUTEROS_PROTOCOLS: Readonly<Record<string, number>> = {
  ggp: 3,
  'ip-encap': 4,
  ipencap: 4,
  st: 5,
  egp: 8,
  pup: 12,
  hmp: 20,
  'xns-idp': 22,
  rdp: 27,
  'iso-tp4': 29,
  dccp: 33,
  xtp: 36,
  ddp: 37,
  'idpr-cmtp': 38,
  ipv6: 41,
  'ipv6-encap': 41,
  'ipv6-route': 43,
  'ipv6-frag': 44,
  rsvp: 46,
  'ipsec-esp': 50,
  'ipsec-ah': 51,
  icmpv6: 58,
  'ipv6-icmp': 58,
  'ipv6-nonxt': 59,
  'ipv6-opts': 60,
  rspf: 73,
  vmtp: 81,
  ospf: 89,
  ipip: 94,
  etherip: 97,
  encap: 98,
  pim: 103,
  vrrp: 112,
  l2tp: 115,
  sctp: 132,
  'udp-lite': 136,
};

export function routerosProtocol(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  return ROUTEROS_PROTOCOLS[n] ?? protocolNumber(n);
}
