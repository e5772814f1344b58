/**
 * The MTU check of a packet the director sends on (ipvs.md §5 "MTU check"; ensure_mtu_is_adequate
 * for DR, NAT and TUN, ip_forward / ip6_forward for NAT replies): a packet larger than the room
 * on the link it leaves by is not sent. IPv4 with DF gets Destination Unreachable / Fragmentation
 * Needed carrying the room; IPv6 gets Packet Too Big. No error answers an ICMP error being
 * relayed, a later IPv4 fragment (icmp_send is silent) nor a later IPv6 fragment (IPVS answers the
 * first one only). A GSO aggregate is exempt: its segments are sized by gso_size.
 */
import { ICMP6_TYPE, ICMP_CODE, ICMP_TYPE } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import type { Egress } from './egress.js';
import type { FrameVerdict } from './verdict.js';

/** Does the current IPv4 packet forbid fragmentation? (An IPv6 one is never fragmented on the path.) */
function dontFragment(out: Egress): boolean {
  const f = out.view;
  return f.family === 6 || (f.buf[f.l3 + 6]! & 0x40) !== 0;
}

/**
 * Null when the current frame of `out` fits `room` bytes of IP packet (or is an aggregate, `gso`);
 * else its verdict: the error back to the sender from `from` (null: the address the packet was
 * sent to), or a drop counted under `reason` when no error is due or `answer` is false (no
 * source address for it).
 *
 * COMPAT(ipvsadm): IPVS (and ip_forward for a NAT reply) fragments an IPv4 packet without DF, and
 * sends a relayed ICMPv4 error on fragmented; the packet engine does not fragment and drops it
 * with the counted `reason`.
 */
export function exceedsRoom(out: Egress, room: number, gso: boolean, reason: string, from: Uint8Array | null = null, answer = true): FrameVerdict | null {
  const f = out.view;
  if (f.ipLength <= room || gso) return null;
  const relayed = f.protocol === IP_PROTO.ICMP || f.protocol === IP_PROTO.ICMPV6;
  if (!answer || relayed || f.l4 < 0 || !dontFragment(out)) return out.drop(reason);
  return f.family === 6 ? out.sendIcmp(ICMP6_TYPE.PACKET_TOO_BIG, 0, room, from) : out.sendIcmp(ICMP_TYPE.DEST_UNREACH, ICMP_CODE.FRAG_NEEDED, room, from);
}
