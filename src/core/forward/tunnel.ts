/**
 * LVS-TUN: the IP packet of a frame wrapped in an outer IPv4 header to the real server
 * (ip_vs_tunnel_xmit): outer TOS from the inner header, DF copied from the inner header (IPv6
 * inner packets always have it), TTL the host default, a fresh IP ID; the inner packet is not
 * changed. Too big with DF: the caller answers "fragmentation needed" with the room left.
 */
import { internetChecksum } from '../../wire/checksum.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import type { FrameView } from './frame-view.js';

export const TUNNEL_TTL = 64;
export const IPIP_HEADER = 20;

export interface TunnelEnds {
  /** Director's tunnel source address and the real server's, as IPv4 numbers. */
  readonly src: number;
  readonly dst: number;
  readonly id: number;
}

/** Does the inner packet forbid fragmentation (IPv4 DF; IPv6 never fragments on the path)? */
export function innerDontFragment(f: FrameView): boolean {
  return f.family === 6 || (f.buf[f.l3 + 6]! & 0x40) !== 0;
}

/**
 * Write the encapsulated frame into `out` (same Ethernet header shape as the input, EtherType
 * IPv4; the caller sets the MACs). Returns its length, or 0 when `out` is too small.
 */
export function encapsulate(out: Uint8Array, f: FrameView, ends: TunnelEnds): number {
  const b = f.buf;
  const o = f.l3;
  const inner = f.ipLength;
  const total = IPIP_HEADER + inner;
  if (out.length < o + total) return 0;
  out.set(b.subarray(12, f.etherTypeAt), 12);
  out[f.etherTypeAt] = 0x08;
  out[f.etherTypeAt + 1] = 0x00;
  const tos = f.family === 4 ? b[o + 1]! : ((b[o]! & 0x0f) << 4) | (b[o + 1]! >>> 4);
  out[o] = 0x45;
  out[o + 1] = tos;
  out[o + 2] = total >>> 8;
  out[o + 3] = total & 0xff;
  out[o + 4] = (ends.id >>> 8) & 0xff;
  out[o + 5] = ends.id & 0xff;
  out[o + 6] = innerDontFragment(f) ? 0x40 : 0;
  out[o + 7] = 0;
  out[o + 8] = TUNNEL_TTL;
  out[o + 9] = f.family === 4 ? IP_PROTO.IPIP : IP_PROTO.IPV6;
  out[o + 10] = 0;
  out[o + 11] = 0;
  put32(out, o + 12, ends.src);
  put32(out, o + 16, ends.dst);
  const c = internetChecksum(out, o, IPIP_HEADER);
  out[o + 10] = c >>> 8;
  out[o + 11] = c & 0xff;
  out.set(b.subarray(o, f.l3End), o + IPIP_HEADER);
  return o + total;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
