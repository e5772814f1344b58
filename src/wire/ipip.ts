/**
 * IP-in-IP encapsulation (RFC 2003) as LVS-TUN sends it: an outer IPv4 header with protocol 4
 * (IPv6 inner packets: protocol 41) from the director to the real server, TOS copied from the
 * inner header, DF copied from it (ip_vs_tunnel_xmit), and no options.
 */
import { encodeIpv4, IP_PROTO, IPV4_MIN_HEADER, type Ipv4 } from './ipv4.js';

export const IPIP_OVERHEAD = IPV4_MIN_HEADER;

export interface IpipOuter {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly tos: number;
  readonly id: number;
  readonly dontFragment: boolean;
  /** Family of the inner packet. */
  readonly inner: 4 | 6;
}

/** Write the outer header for an inner packet of `innerLength` bytes; returns 20. */
export function encodeIpipOuter(o: IpipOuter, innerLength: number, buf: Uint8Array, off: number): number {
  const h: Ipv4 = {
    tos: o.tos,
    totalLength: IPV4_MIN_HEADER + innerLength,
    id: o.id,
    dontFragment: o.dontFragment,
    moreFragments: false,
    fragmentOffset: 0,
    ttl: o.ttl,
    protocol: o.inner === 4 ? IP_PROTO.IPIP : IP_PROTO.IPV6,
    checksum: 0,
    src: o.src,
    dst: o.dst,
    options: new Uint8Array(0),
  };
  return encodeIpv4(h, buf, off);
}

export function ipipOuterLength(): number {
  return IPIP_OVERHEAD;
}
