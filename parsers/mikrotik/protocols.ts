import { protocolNumber } from '../../src/model/ports.js';
import { protocolTable } from '../toolkit/protocols.js';

/** RouterOS `protocol=` names (IANA numbers) beyond the model's table. */
const ROUTEROS_PROTOCOLS = protocolTable(
  (
    'ggp ipencap st egp pup hmp xns-idp rdp iso-tp4 dccp xtp ddp idpr-cmtp ipv6 ipv6-route ipv6-frag rsvp ' +
    'ipv6-icmp ipv6-nonxt ipv6-opts rspf vmtp ospf ipip etherip encap pim vrrp l2tp sctp'
  ).split(' '),
  { 'ip-encap': 4, 'ipv6-encap': 41, 'ipsec-esp': 50, 'ipsec-ah': 51, icmpv6: 58, 'udp-lite': 136 },
);

export function routerosProtocol(name: string): number | undefined {
  const n = name.trim().toLowerCase();
  return ROUTEROS_PROTOCOLS[n] ?? protocolNumber(n);
}
