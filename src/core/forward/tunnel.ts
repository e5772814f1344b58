/**
 * LVS-TUN: the IP packet of a frame wrapped in an outer IP header to the real server, as
 * ip_vs_tunnel_xmit / ip_vs_tunnel_xmit_v6 build it. The outer family is the real server's:
 * IPv4 (protocol 4 for an IPv4 packet, 41 for IPv6) or IPv6 (next header 4 or 41, flow label 0).
 * Before encapsulation the inner TTL / hop limit is decremented (hop-limit.ts: the packet is
 * forwarded); the outer TTL / hop limit is the decremented inner one, the outer DSCP the inner
 * one with ECN encapsulated (a CE inner packet gives ECT(0) outside), the outer IPv4 DF copied
 * from an IPv4 inner packet (0 for an IPv6 one), a fresh IP ID. The inner packet is otherwise
 * unchanged. Too big: the caller answers "fragmentation needed" / "packet too big" with the room
 * left.
 */
import { internetChecksum } from '../../wire/checksum.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import type { FrameView } from './frame-view.js';

/** Outer header of an IPv4 tunnel, and of an IPv6 one (no extension headers). */
export const IPIP_HEADER = 20;
export const IP6_TUNNEL_HEADER = 40;

export interface TunnelEnds {
  /** Director's tunnel source address and the real server's, as IPv4 numbers. */
  readonly src: number;
  readonly dst: number;
  readonly id: number;
}

/** Does the inner IPv4 packet forbid fragmentation? (An IPv6 one is never fragmented on the path.) */
export function innerDontFragment(f: FrameView): boolean {
  return f.family === 6 || (f.buf[f.l3 + 6]! & 0x40) !== 0;
}

/** The inner packet's DS field (TOS / traffic class) and its TTL / hop limit. */
function innerDsField(f: FrameView): number {
  const b = f.buf;
  const o = f.l3;
  return f.family === 4 ? b[o + 1]! : ((b[o]! & 0x0f) << 4) | (b[o + 1]! >>> 4);
}

function innerHop(f: FrameView): number {
  return f.buf[f.l3 + (f.family === 4 ? 8 : 7)]!;
}

/** INET_ECN_encapsulate: DSCP copied; ECN copied unless it is CE, which becomes ECT(0). */
export function ecnEncapsulate(ds: number): number {
  return (ds & 0xfc) | ((ds & 3) === 3 ? 2 : ds & 3);
}

/** Copy the frame's link header (up to the EtherType) and set the EtherType of the outer family. */
function linkHeader(out: Uint8Array, f: FrameView, outer: 4 | 6): void {
  out.set(f.buf.subarray(12, f.etherTypeAt), 12);
  out[f.etherTypeAt] = outer === 4 ? 0x08 : 0x86;
  out[f.etherTypeAt + 1] = outer === 4 ? 0x00 : 0xdd;
}

/**
 * Write the frame with an outer IPv4 header into `out` (same Ethernet header shape as the input;
 * the caller sets the MACs). Returns its length, or 0 when `out` is too small.
 */
export function encapsulate(out: Uint8Array, f: FrameView, ends: TunnelEnds): number {
  const o = f.l3;
  const total = IPIP_HEADER + f.ipLength;
  if (out.length < o + total) return 0;
  linkHeader(out, f, 4);
  out[o] = 0x45;
  out[o + 1] = ecnEncapsulate(innerDsField(f));
  out[o + 2] = total >>> 8;
  out[o + 3] = total & 0xff;
  out[o + 4] = (ends.id >>> 8) & 0xff;
  out[o + 5] = ends.id & 0xff;
  out[o + 6] = f.family === 4 && innerDontFragment(f) ? 0x40 : 0;
  out[o + 7] = 0;
  out[o + 8] = innerHop(f);
  out[o + 9] = f.family === 4 ? IP_PROTO.IPIP : IP_PROTO.IPV6;
  out[o + 10] = 0;
  out[o + 11] = 0;
  put32(out, o + 12, ends.src);
  put32(out, o + 16, ends.dst);
  const c = internetChecksum(out, o, IPIP_HEADER);
  out[o + 10] = c >>> 8;
  out[o + 11] = c & 0xff;
  out.set(f.buf.subarray(o, f.l3End), o + IPIP_HEADER);
  return o + total;
}

/**
 * Write the frame with an outer IPv6 header from `src` (16 bytes) to `dst` (four 32-bit words)
 * into `out`. Returns its length, or 0 when `out` is too small or the packet does not fit a
 * payload length.
 */
export function encapsulate6(out: Uint8Array, f: FrameView, src: Uint8Array, dst: ArrayLike<number>): number {
  const o = f.l3;
  const inner = f.ipLength;
  if (inner > 0xffff || out.length < o + IP6_TUNNEL_HEADER + inner) return 0;
  linkHeader(out, f, 6);
  const ds = ecnEncapsulate(innerDsField(f));
  out[o] = 0x60 | (ds >>> 4);
  out[o + 1] = (ds & 0x0f) << 4;
  out[o + 2] = 0;
  out[o + 3] = 0;
  out[o + 4] = inner >>> 8;
  out[o + 5] = inner & 0xff;
  out[o + 6] = f.family === 4 ? IP_PROTO.IPIP : IP_PROTO.IPV6;
  out[o + 7] = innerHop(f);
  out.set(src, o + 8);
  for (let i = 0; i < 4; i++) put32(out, o + 24 + 4 * i, dst[i]! >>> 0);
  out.set(f.buf.subarray(o, f.l3End), o + IP6_TUNNEL_HEADER);
  return o + IP6_TUNNEL_HEADER + inner;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
