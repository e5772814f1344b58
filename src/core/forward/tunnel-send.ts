/**
 * Sending a frame's IP packet to a TUN real server (ip_vs_tunnel_xmit): the route and the outer
 * source address, the hop taken off the inner packet, the tunnel MTU (below the least an outer
 * family allows: dropped) and the size check with its ICMP answer (mtu.ts), then the
 * encapsulation (tunnel.ts) into the forwarder's scratch buffer.
 */
import type { Egress } from './egress.js';
import { forwardHop, hopsLeft } from './hop-limit.js';
import type { Link } from './links.js';
import { exceedsRoom } from './mtu.js';
import { encapsulate, encapsulate6, IP6_TUNNEL_HEADER, IPIP_HEADER } from './tunnel.js';
import { FrameVerdict } from './verdict.js';

/** __ip_vs_get_out_rt: a tunnel MTU under 68 (IPv4 outer) or IPV6_MIN_MTU (IPv6 outer) is an error. */
const MIN_TUNNEL_MTU4 = 68;
const MIN_TUNNEL_MTU6 = 1280;

/** The room for the inner packet in a tunnel of outer `family` over `link`. */
function tunnelMtu(link: Link, family: 4 | 6): number {
  return link.mtu - (family === 4 ? IPIP_HEADER : IP6_TUNNEL_HEADER);
}

function tooSmall(mtu: number, family: 4 | 6): boolean {
  return mtu < (family === 4 ? MIN_TUNNEL_MTU4 : MIN_TUNNEL_MTU6);
}

export class Tunneller {
  /** The IP ID of the last outer IPv4 header. */
  private ipId = 0;

  /** The link to `daddr` and the outer source on it, or the verdict why there is none. */
  private way(out: Egress, family: 4 | 6, daddr: Uint32Array): Link | FrameVerdict {
    const link = out.route(family, daddr);
    if (!link) return out.drop('no-route');
    // The outer source is the director's address of the real server's family on the link the tunnel leaves by.
    const src = family === 4 ? link.addressBytes : link.address6Bytes;
    return src === null ? out.drop('tun-unsupported') : link;
  }

  /** Encapsulate the current frame of `out` to `daddr` (or answer why it cannot go). */
  send(out: Egress, family: 4 | 6, daddr: Uint32Array): FrameVerdict {
    const f = out.view;
    const link = this.way(out, family, daddr);
    if (link instanceof FrameVerdict) return link;
    // As IPVS, the hop count goes down before the size checks: an error quotes the decremented packet.
    const expired = forwardHop(out);
    if (expired) return expired;
    const room = tunnelMtu(link, family);
    if (tooSmall(room, family)) return out.drop('tun-mtu-too-small');
    const big = exceedsRoom(out, room, false, 'tun-needs-fragmentation');
    if (big) return big;
    let n: number;
    if (family === 4) {
      this.ipId = (this.ipId + 1) & 0xffff;
      n = encapsulate(out.scratch, f, { src: link.address!, dst: daddr[0]! >>> 0, id: this.ipId });
    } else {
      n = encapsulate6(out.scratch, f, link.address6Bytes!, daddr);
    }
    if (n === 0) return out.drop('too-big');
    out.counters.tun++;
    return out.toHop(link, out.scratch, n, family, 'tun');
  }

  /**
   * An aggregate bound for TUN, checked in IPVS's order before it is cut (route, hop limit, tunnel
   * MTU): null when its segments may be tunnelled, else its verdict (a spent one dies whole with
   * one Time Exceeded). The hop itself is taken by each segment.
   */
  admitAggregate(out: Egress, family: 4 | 6, daddr: Uint32Array): FrameVerdict | null {
    const link = this.way(out, family, daddr);
    if (link instanceof FrameVerdict) return link;
    if (hopsLeft(out.view) <= 1) return forwardHop(out);
    return tooSmall(tunnelMtu(link, family), family) ? out.drop('tun-mtu-too-small') : null;
  }
}
