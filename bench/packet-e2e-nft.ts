/**
 * The kernel's own load balancer in nftables, as the comparison rows of bench/packet-e2e.ts, in
 * the director's namespace of the same topology:
 * - NAT: `dnat to numgen inc mod 2 map {...}` in a nat prerouting chain, ip_forward on; conntrack
 *   keeps each connection on the real server its first packet got, and undoes the DNAT on replies
 *   (the real servers' gateway is the director).
 * - DR: a netdev ingress chain on the director's interface that sets the destination MAC to a
 *   real server's and the source MAC to the director's, then `fwd to` the same interface. The
 *   ingress hook sees packets before conntrack, so the choice must be a function of the
 *   connection: `jhash ip saddr . tcp sport mod 2` (numgen would send each packet of a
 *   connection to the next real server, and the other one answers with a reset).
 * - TUN: none — nftables cannot add an IP-in-IP header.
 */
import type { Topology } from '../test/packet/netns.js';

const TABLE_DR = 'tsvs_pb_dr';
const TABLE_NAT = 'tsvs_pb_nat';

export interface NftTopology {
  install(): void;
  remove(): void;
}

function macOf(t: Topology, ns: string): string {
  const j = JSON.parse(t.exec(ns, 'ip -j link show eth0')) as { address: string }[];
  const mac = j[0]?.address;
  if (!mac) throw new Error(`no MAC for eth0 in ${ns}`);
  return mac;
}

function nftDr(t: Topology, ns: Record<string, string>): NftTopology {
  const d = macOf(t, ns['d']!);
  const [m1, m2] = [macOf(t, ns['r1']!), macOf(t, ns['r2']!)];
  const rules = [
    `table netdev ${TABLE_DR} {`,
    '  chain ingress {',
    '    type filter hook ingress device "eth0" priority 0; policy accept;',
    `    ip daddr 10.0.0.100 tcp dport 80 ether saddr set ${d} ether daddr set jhash ip saddr . tcp sport mod 2 map { 0 : ${m1}, 1 : ${m2} } fwd to "eth0"`,
    '  }',
    '}',
  ].join('\n');
  return {
    install: () => void t.exec(ns['d']!, `printf '%s\\n' '${rules}' | nft -f -`),
    remove: () => void t.exec(ns['d']!, `nft delete table netdev ${TABLE_DR}`),
  };
}

function nftNat(t: Topology, ns: Record<string, string>): NftTopology {
  const rules = [
    `table ip ${TABLE_NAT} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    ip daddr 10.0.0.100 tcp dport 80 dnat to numgen inc mod 2 map { 0 : 10.0.0.11, 1 : 10.0.0.12 }',
    '  }',
    '}',
  ].join('\n');
  return {
    install: () => void t.exec(ns['d']!, `sysctl -qw net.ipv4.ip_forward=1; printf '%s\\n' '${rules}' | nft -f -`),
    // The tsvs rows need the kernel to stay out of forwarding again.
    remove: () => void t.exec(ns['d']!, `nft delete table ip ${TABLE_NAT}; sysctl -qw net.ipv4.ip_forward=0`),
  };
}

/** The nftables equivalent of a forwarding method in this topology, or null (TUN). */
export function nftEquivalent(fwd: 'dr' | 'nat' | 'tun', t: Topology, ns: Record<string, string>): NftTopology | null {
  if (fwd === 'dr') return nftDr(t, ns);
  if (fwd === 'nat') return nftNat(t, ns);
  return null;
}
