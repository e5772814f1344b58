/**
 * The bytes of one advert for one destination, from a `send` effect: for IPv4 the whole datagram
 * as keepalived builds it (IP_HDRINCL: TOS 0xC0, counting ID, TTL 255 or unicast_ttl), for IPv6
 * the VRRP message alone (the kernel adds the header and fills in the checksum).
 */
import { encodeIpv4Header, IPV4_HEADER_LENGTH, VRRP_TOS } from '../../wire/vrrp-ip.js';
import { encodeVrrp, vrrpLength, VRRP_PROTOCOL } from '../../wire/vrrp.js';
import type { VrrpEffect } from './types.js';

export type SendEffect = Extract<VrrpEffect, { kind: 'send' }>;

export function advertDatagram(e: SendEffect, dst: string, ipId: number): Uint8Array {
  const len = vrrpLength(e.advert, e.family);
  if (e.family === 6) {
    const out = new Uint8Array(len);
    encodeVrrp(e.advert, out, 0, 6, { src: e.src, dst });
    return out;
  }
  const out = new Uint8Array(IPV4_HEADER_LENGTH + len);
  encodeIpv4Header({ tos: VRRP_TOS, totalLength: out.length, id: ipId, fragment: 0, ttl: e.ttl, protocol: VRRP_PROTOCOL, src: e.src, dst }, out, 0);
  encodeVrrp(e.advert, out, IPV4_HEADER_LENGTH, 4, { src: e.src, dst: e.pseudoDst ?? dst });
  return out;
}
