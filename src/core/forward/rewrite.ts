/**
 * In-place rewrites of a frame on the forwarding path, each with RFC 1624 incremental checksum
 * updates so the payload is never re-read: MAC addresses (DR), destination or source address and
 * port (NAT, both directions, IPv4 and IPv6), and the same for the packet inside an ICMP error.
 */
import { adjustChecksum, adjustChecksum32 } from '../../wire/checksum.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import type { FrameView } from './frame-view.js';

export function setMacs(buf: Uint8Array, dst: Uint8Array, src: Uint8Array): void {
  buf.set(dst, 0);
  buf.set(src, 6);
}

function get16(b: Uint8Array, o: number): number {
  return (b[o]! << 8) | b[o + 1]!;
}

function put16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 0xff;
}

function get32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function put32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** Where the transport checksum of `protocol` sits in its header, or -1 when it has none we keep. */
export function checksumField(protocol: number): number {
  if (protocol === IP_PROTO.TCP) return 16;
  if (protocol === IP_PROTO.UDP) return 6;
  return -1;
}

/**
 * Replace the address at `addrAt` (family 4: 1 word, 6: 4 words) with `addr`, and the port at
 * `portAt` (-1: none) with `port`; fix the IPv4 header checksum at `ipCsumAt` (-1: none) and the
 * transport checksum at `l4CsumAt` (-1: none, e.g. a non-first fragment). `udp` keeps a zero
 * (absent) UDP checksum at zero and turns a computed zero into 0xffff (RFC 768).
 */
export function rewriteEndpoint(
  b: Uint8Array,
  family: 4 | 6,
  addrAt: number,
  addr: Uint32Array,
  portAt: number,
  port: number,
  ipCsumAt: number,
  l4CsumAt: number,
  udp: boolean,
): void {
  let l4 = l4CsumAt >= 0 ? get16(b, l4CsumAt) : 0;
  const skipL4 = l4CsumAt < 0 || (udp && l4 === 0);
  let ip = ipCsumAt >= 0 ? get16(b, ipCsumAt) : 0;
  const words = family === 4 ? 1 : 4;
  for (let i = 0; i < words; i++) {
    const at = addrAt + 4 * i;
    const old = get32(b, at);
    const now = addr[i]! >>> 0;
    if (old === now) continue;
    if (!skipL4) l4 = adjustChecksum32(l4, old, now);
    if (ipCsumAt >= 0) ip = adjustChecksum32(ip, old, now);
    put32(b, at, now);
  }
  if (portAt >= 0) {
    const old = get16(b, portAt);
    if (old !== port && !skipL4) l4 = adjustChecksum(l4, old, port);
    put16(b, portAt, port);
  }
  if (ipCsumAt >= 0) put16(b, ipCsumAt, ip);
  if (!skipL4) put16(b, l4CsumAt, udp && l4 === 0 ? 0xffff : l4);
}

/** NAT in: destination → real server (`addr`:`port`). */
export function natDestination(f: FrameView, addr: Uint32Array, port: number): void {
  const csum = f.l4 >= 0 ? checksumField(f.protocol) : -1;
  rewriteEndpoint(f.buf, f.family, f.dstAt, addr, f.l4 >= 0 && csum >= 0 ? f.l4 + 2 : -1, port, f.family === 4 ? f.l3 + 10 : -1, csum >= 0 ? f.l4 + csum : -1, f.protocol === IP_PROTO.UDP);
}

/** NAT out (a reply): source → the virtual service (`addr`:`port`). */
export function natSource(f: FrameView, addr: Uint32Array, port: number): void {
  const csum = f.l4 >= 0 ? checksumField(f.protocol) : -1;
  rewriteEndpoint(f.buf, f.family, f.srcAt, addr, f.l4 >= 0 && csum >= 0 ? f.l4 : -1, port, f.family === 4 ? f.l3 + 10 : -1, csum >= 0 ? f.l4 + csum : -1, f.protocol === IP_PROTO.UDP);
}
