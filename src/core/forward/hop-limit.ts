/**
 * The TTL / hop limit of a forwarded packet (ipvs.md §5 "Common to all methods"): every packet the
 * director sends on to another host — DR, NAT both ways, TUN (the inner packet), ICMP errors that
 * follow a connection, later fragments — loses one hop, as decrement_ttl() in
 * __ip_vs_get_out_rt does for requests and ip_forward() for NAT replies. A packet that arrives
 * with TTL / hop limit ≤ 1 dies: the sender gets ICMP Time Exceeded (ICMPv6 for IPv6) quoting it
 * as it arrived, unless icmp_send would stay silent (an ICMP error being relayed, a later IPv4
 * fragment).
 */
import { ICMP6_TYPE, ICMP_TYPE } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import type { Egress } from './egress.js';
import type { FrameView } from './frame-view.js';
import type { FrameVerdict } from './verdict.js';

/** ICMP_EXC_TTL / ICMPV6_EXC_HOPLIMIT: "exceeded in transit", code 0 of both Time Exceeded types. */
const EXC_TTL = 0;

/** The TTL (IPv4) or hop limit (IPv6) of the frame in `f`. */
export function hopsLeft(f: FrameView): number {
  return f.buf[f.l3 + (f.family === 4 ? 8 : 7)]!;
}

/**
 * Decrement the TTL (with the IPv4 header checksum, as ip_decrease_ttl) or hop limit.
 * Returns false, leaving the packet alone, when it would reach 0 (the sender gets "time exceeded").
 */
export function decrementHop(f: FrameView): boolean {
  const b = f.buf;
  const o = f.l3;
  if (f.family === 6) {
    if (b[o + 7]! <= 1) return false;
    b[o + 7]!--;
    return true;
  }
  if (b[o + 8]! <= 1) return false;
  b[o + 8]!--;
  // RFC 1624 eqn. 3 for one 16-bit word: the TTL is the word's high byte, so the sum drops by
  // 0x0100 and the checksum rises by it (with the end-around carry, as ip_decrease_ttl).
  let c = ((b[o + 10]! << 8) | b[o + 11]!) + 0x0100;
  c = (c + (c >= 0xffff ? 1 : 0)) & 0xffff;
  b[o + 10] = c >>> 8;
  b[o + 11] = c & 0xff;
  return true;
}

/**
 * Take one hop off the current frame of `out` before it is sent on. Returns null when it may go
 * on, else the frame's verdict: the Time Exceeded error from `from` (null: from the address the
 * packet was sent to, as icmp_send picks a local destination), or a drop when no error is due.
 * Either way the packet is counted under the drop reason `ttl-exceeded`.
 */
export function forwardHop(out: Egress, from: Uint8Array | null = null): FrameVerdict | null {
  const f = out.view;
  if (decrementHop(f)) return null;
  // icmp_send never answers an ICMP error (the only ICMP the forwarder relays) nor a later IPv4
  // fragment; icmpv6_send does answer a later IPv6 fragment.
  const relayed = f.protocol === IP_PROTO.ICMP || f.protocol === IP_PROTO.ICMPV6;
  if (relayed || (f.family === 4 && f.l4 < 0)) return out.drop('ttl-exceeded');
  out.counters.drops['ttl-exceeded'] = (out.counters.drops['ttl-exceeded'] ?? 0) + 1;
  return out.sendIcmp(f.family === 4 ? ICMP_TYPE.TIME_EXCEEDED : ICMP6_TYPE.TIME_EXCEEDED, EXC_TTL, 0, from);
}
