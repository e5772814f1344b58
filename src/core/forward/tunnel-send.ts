/**
 * Sending a frame's IP packet to a TUN real server (ip_vs_tunnel_xmit): the route and the outer
 * source address, the hop taken off the inner packet, the MTU check with its ICMP answer, then
 * the encapsulation (tunnel.ts) into the forwarder's scratch buffer.
 */
import { ICMP6_TYPE, ICMP_CODE, ICMP_TYPE } from '../../wire/icmp.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import type { Egress } from './egress.js';
import { forwardHop } from './hop-limit.js';
import { encapsulate, encapsulate6, innerDontFragment, IP6_TUNNEL_HEADER, IPIP_HEADER } from './tunnel.js';
import type { FrameVerdict } from './verdict.js';

export class Tunneller {
  /** The IP ID of the last outer IPv4 header. */
  private ipId = 0;

  /** Encapsulate the current frame of `out` to `daddr` (or answer why it cannot go). */
  send(out: Egress, family: 4 | 6, daddr: Uint32Array): FrameVerdict {
    const f = out.view;
    const link = out.route(family, daddr);
    if (!link) return out.drop('no-route');
    // The outer source is the director's address of the real server's family on the link the tunnel leaves by.
    const src = family === 4 ? link.addressBytes : link.address6Bytes;
    if (src === null) return out.drop('tun-unsupported');
    // As IPVS, the hop count goes down before the size check: an error quotes the decremented packet.
    const expired = forwardHop(out);
    if (expired) return expired;
    const room = link.mtu - (family === 4 ? IPIP_HEADER : IP6_TUNNEL_HEADER);
    if (f.ipLength > room) {
      // An ICMP error being relayed (it follows its connection) never gets an error back, nor
      // does a later IPv6 fragment (IPVS answers the first one only).
      // COMPAT(ipvsadm): IPVS fragments the outer packet when the inner one allows it (and sends
      // a relayed ICMPv4 error anyway); the packet engine does not fragment yet and drops it with
      // a counted reason.
      const relayed = f.protocol === IP_PROTO.ICMP || f.protocol === IP_PROTO.ICMPV6;
      if (relayed || (f.family === 6 && f.l4 < 0) || (f.family === 4 && !innerDontFragment(f))) return out.drop('tun-needs-fragmentation');
      return f.family === 6 ? out.sendIcmp(ICMP6_TYPE.PACKET_TOO_BIG, 0, room) : out.sendIcmp(ICMP_TYPE.DEST_UNREACH, ICMP_CODE.FRAG_NEEDED, room);
    }
    let n: number;
    if (family === 4) {
      this.ipId = (this.ipId + 1) & 0xffff;
      n = encapsulate(out.scratch, f, { src: link.address!, dst: daddr[0]! >>> 0, id: this.ipId });
    } else {
      n = encapsulate6(out.scratch, f, src, daddr);
    }
    if (n === 0) return out.drop('too-big');
    out.counters.tun++;
    return out.toHop(link, out.scratch, n, family, 'tun');
  }
}
