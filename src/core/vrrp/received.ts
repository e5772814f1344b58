/**
 * A received protocol-112 datagram cut into what the receive checks look at: the IPv4 header
 * (IPv4 only; for IPv6 the kernel has stripped it and reports hop limit and destination
 * separately) and the VRRP header behind it (keepalived vrrp_get_header).
 */
import { decodeIpv4Header, type Ipv4Header } from '../../wire/vrrp-ip.js';
import { decodeVrrpHeader, VRRP_HEADER_LENGTH, type VrrpHeader } from '../../wire/vrrp.js';
import { isMulticast } from '../../wire/vrrp-addr.js';
import type { ReceivedPacket } from './types.js';

export interface AdvertView {
  readonly packet: ReceivedPacket;
  readonly ip: Ipv4Header | null;
  /** Offset of the VRRP message in `packet.bytes`. */
  readonly vrrpOffset: number;
  readonly header: VrrpHeader;
  /** The destination was a multicast address. */
  readonly multicast: boolean;
}

export type Cut = { readonly ok: true; readonly view: AdvertView } | { readonly ok: false; readonly message: string };

/** Cut the datagram; a datagram too short for the IP and VRRP headers is refused with keepalived's message. */
export function cutReceived(p: ReceivedPacket): Cut {
  const len = p.bytes.length;
  if (p.family === 4) {
    const ip = decodeIpv4Header(p.bytes, 0, len);
    if (!ip.ok || len < ip.value.headerLength + VRRP_HEADER_LENGTH) return { ok: false, message: `IPv4 VRRP packet too short - ${len} bytes` };
    const header = decodeVrrpHeader(p.bytes, ip.value.headerLength, len - ip.value.headerLength);
    if (!header.ok) return { ok: false, message: `IPv4 VRRP packet too short - ${len} bytes` };
    return { ok: true, view: { packet: p, ip: ip.value, vrrpOffset: ip.value.headerLength, header: header.value, multicast: isMulticast(ip.value.dst, 4) } };
  }
  const header = decodeVrrpHeader(p.bytes, 0, len);
  if (!header.ok) return { ok: false, message: `IPv6 VRRP packet too short - ${len} bytes` };
  return { ok: true, view: { packet: p, ip: null, vrrpOffset: 0, header: header.value, multicast: p.dst !== null && isMulticast(p.dst, 6) } };
}
