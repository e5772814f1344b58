/**
 * The names ip-route / ip-rule values may use instead of numbers (keepalived 2.2.7 lib/rttables.c):
 * routing tables, DS fields, realms, protocols, scopes, interface groups and route types, and the
 * IP protocol names ip rules accept (getprotobyname).
 *
 * keepalived reads the names from iproute2's files (/etc/iproute2/rt_tables, rt_dsfield, rt_realms,
 * rt_protos, rt_scopes, group) and /etc/protocols on the host it runs on.
 * COMPAT(keepalived): tsvs is pure and knows the contents those files have as installed by Debian 12
 * (iproute2 6.1, netbase 6.3), the host the differential corpus was recorded on; a name a director
 * adds to them locally is reported as unknown. Numbers always work.
 */
import { strtoul } from './numbers.js';

type Names = ReadonlyMap<string, number>;

const names = (pairs: ReadonlyArray<readonly [string, number]>): Names => new Map(pairs);

const RT_TABLES = names([['local', 255], ['main', 254], ['default', 253], ['unspec', 0]]);
const RT_DSFIELD = names([
  ['default', 0x00], ['AF11', 0x28], ['AF12', 0x30], ['AF13', 0x38], ['AF21', 0x48], ['AF22', 0x50], ['AF23', 0x58], ['AF31', 0x68],
  ['AF32', 0x70], ['AF33', 0x78], ['AF41', 0x88], ['AF42', 0x90], ['AF43', 0x98], ['CS1', 0x20], ['CS2', 0x40], ['CS3', 0x60],
  ['CS4', 0x80], ['CS5', 0xa0], ['CS6', 0xc0], ['CS7', 0xe0], ['EF', 0xb8],
]);
const RT_GROUPS = names([['default', 0]]);
const RT_REALMS = names([['cosmos', 0]]);
const RT_PROTOS = names([
  ['unspec', 0], ['redirect', 1], ['kernel', 2], ['boot', 3], ['static', 4], ['gated', 8], ['ra', 9], ['mrt', 10], ['zebra', 11],
  ['bird', 12], ['dnrouted', 13], ['xorp', 14], ['ntk', 15], ['dhcp', 16], ['keepalived', 18], ['babel', 42], ['openr', 99],
  ['bgp', 186], ['isis', 187], ['ospf', 188], ['rip', 189], ['eigrp', 192],
]);
const RT_SCOPES = names([['global', 0], ['nowhere', 255], ['host', 254], ['link', 253], ['site', 200]]);

/** Route types (rtnetlink RTN_*), built into keepalived. */
export const RTN = { unicast: 1, local: 2, broadcast: 3, anycast: 4, multicast: 5, blackhole: 6, unreachable: 7, prohibit: 8, throw: 9, nat: 10, xresolve: 11 } as const;
const RTN_NAMES = names([...Object.entries(RTN), ['brd', RTN.broadcast]]);

/** The routing protocol number keepalived marks its own routes and rules with. */
export const RTPROT_KEEPALIVED = 18;

/**
 * find_entry(): a number (C strtoul base 0, truncated to 32 bits as keepalived stores it) no
 * larger than `max`, or a name from the list; null when neither.
 */
function findEntry(text: string, list: Names, max: number): number | null {
  const r = strtoul(text, 0);
  if (r.end > 0 && r.end === text.length) {
    const id = Number(r.value & 0xffffffffn);
    return id <= max ? id : null;
  }
  return list.get(text) ?? null;
}

export const findTable = (t: string): number | null => findEntry(t, RT_TABLES, 0xffffffff);
export const findDsfield = (t: string): number | null => findEntry(t, RT_DSFIELD, 255);
export const findGroup = (t: string): number | null => findEntry(t, RT_GROUPS, 0x7fffffff);
export const findRealm = (t: string): number | null => findEntry(t, RT_REALMS, 255);
export const findProtocol = (t: string): number | null => findEntry(t, RT_PROTOS, 255);
export const findScope = (t: string): number | null => findEntry(t, RT_SCOPES, 255);

/** find_rttables_rtntype(): a route type name, or a number 0..255 (an empty word counts as 0). */
export function findRouteType(t: string): number | null {
  const named = RTN_NAMES.get(t);
  if (named !== undefined) return named;
  const r = strtoul(t, 0);
  if ((r.end !== t.length && t.length > 0) || r.value > 255n || t[0] === '-') return null;
  return Number(r.value);
}

/** get_realms(): `REALM` or `FROM/TO`, each a realm name or number; null when invalid. */
export function findRealms(t: string): number | null {
  const slash = t.indexOf('/');
  const from = findRealm(slash < 0 ? t : t.slice(0, slash));
  if (from === null) return null;
  if (slash < 0) return from;
  const to = findRealm(t.slice(slash + 1));
  return to === null ? null : ((from << 16) | to) >>> 0;
}

/** Protocol names and aliases of /etc/protocols as netbase installs it. */
const PROTOCOLS = names([
  ['ip', 0], ['IP', 0], ['hopopt', 0], ['HOPOPT', 0], ['icmp', 1], ['ICMP', 1], ['igmp', 2], ['IGMP', 2], ['ggp', 3], ['GGP', 3],
  ['ipencap', 4], ['IP-ENCAP', 4], ['st', 5], ['ST', 5], ['tcp', 6], ['TCP', 6], ['egp', 8], ['EGP', 8], ['igp', 9], ['IGP', 9],
  ['pup', 12], ['PUP', 12], ['udp', 17], ['UDP', 17], ['hmp', 20], ['HMP', 20], ['xns-idp', 22], ['XNS-IDP', 22], ['rdp', 27],
  ['RDP', 27], ['iso-tp4', 29], ['ISO-TP4', 29], ['dccp', 33], ['DCCP', 33], ['xtp', 36], ['XTP', 36], ['ddp', 37], ['DDP', 37],
  ['idpr-cmtp', 38], ['IDPR-CMTP', 38], ['ipv6', 41], ['IPv6', 41], ['ipv6-route', 43], ['IPv6-Route', 43], ['ipv6-frag', 44],
  ['IPv6-Frag', 44], ['idrp', 45], ['IDRP', 45], ['rsvp', 46], ['RSVP', 46], ['gre', 47], ['GRE', 47], ['esp', 50], ['IPSEC-ESP', 50],
  ['ah', 51], ['IPSEC-AH', 51], ['skip', 57], ['SKIP', 57], ['ipv6-icmp', 58], ['IPv6-ICMP', 58], ['ipv6-nonxt', 59], ['IPv6-NoNxt', 59],
  ['ipv6-opts', 60], ['IPv6-Opts', 60], ['rspf', 73], ['RSPF', 73], ['CPHB', 73], ['vmtp', 81], ['VMTP', 81], ['eigrp', 88],
  ['EIGRP', 88], ['ospf', 89], ['OSPFIGP', 89], ['ax.25', 93], ['AX.25', 93], ['ipip', 94], ['IPIP', 94], ['etherip', 97],
  ['ETHERIP', 97], ['encap', 98], ['ENCAP', 98], ['pim', 103], ['PIM', 103], ['ipcomp', 108], ['IPCOMP', 108], ['vrrp', 112],
  ['VRRP', 112], ['l2tp', 115], ['L2TP', 115], ['isis', 124], ['ISIS', 124], ['sctp', 132], ['SCTP', 132], ['fc', 133], ['FC', 133],
  ['mobility-header', 135], ['Mobility-Header', 135], ['udplite', 136], ['UDPLite', 136], ['mpls-in-ip', 137], ['MPLS-in-IP', 137],
  ['manet', 138], ['hip', 139], ['HIP', 139], ['shim6', 140], ['Shim6', 140], ['wesp', 141], ['WESP', 141], ['rohc', 142],
  ['ROHC', 142], ['ethernet', 143], ['Ethernet', 143], ['mptcp', 262], ['MPTCP', 262],
]);

/**
 * inet_proto_a2n() of keepalived's ip rule parser: a decimal number up to 127 (sic), or a protocol
 * name; -1 when neither. The caller also rejects results above 255.
 */
export function ipProtocol(text: string): number {
  const t = text.replace(/^[ \t\n\v\f\r]+/, '');
  if (t === '' || t[0] === '-') return -1;
  const r = strtoul(t, 10);
  if (r.value > 127n) return -1;
  if (r.end === t.length) return Number(r.value);
  return PROTOCOLS.get(t) ?? -1;
}
