/**
 * IP-in-IP encapsulation as LVS-TUN sends it (RFC 2003, RFC 2473): an outer header from the
 * director to the real server, of the real server's family. IPv4 outer: protocol 4 for an IPv4
 * inner packet, 41 for IPv6; TOS from the inner header, DF copied from it (ip_vs_tunnel_xmit);
 * no options. IPv6 outer: next header 4 or 41, traffic class from the inner header, flow label 0
 * (ip_vs_tunnel_xmit_v6), no extension headers.
 */
import { encodeIpv4, IP_PROTO, IPV4_MIN_HEADER, type Ipv4 } from './ipv4.js';
import { encodeIpv6, IPV6_HEADER_LENGTH } from './ipv6.js';

export const IPIP_OVERHEAD = IPV4_MIN_HEADER;
export const IP6_TUNNEL_OVERHEAD = IPV6_HEADER_LENGTH;

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

export interface Ip6TunnelOuter {
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
  readonly trafficClass: number;
  /** Family of the inner packet. */
  readonly inner: 4 | 6;
}

/** Write the outer IPv6 header for an inner packet of `innerLength` bytes; returns 40. */
export function encodeIp6TunnelOuter(o: Ip6TunnelOuter, innerLength: number, buf: Uint8Array, off: number): number {
  return encodeIpv6({ trafficClass: o.trafficClass, flowLabel: 0, payloadLength: innerLength, nextHeader: o.inner === 4 ? IP_PROTO.IPIP : IP_PROTO.IPV6, hopLimit: o.hopLimit, src: o.src, dst: o.dst }, buf, off);
}

export function ip6TunnelOuterLength(): number {
  return IP6_TUNNEL_OVERHEAD;
}
