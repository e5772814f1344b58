/**
 * ICMP errors the director sends itself: port unreachable when no real server can take a new
 * connection (§9.4), fragmentation needed / packet too big when a tunnelled packet would exceed
 * the MTU, time exceeded when a forwarded packet's TTL / hop limit is spent. Written into a
 * scratch buffer, addressed back to the sender through the MAC it came from, from the address it
 * was sent to (the VIP), as icmp_send picks a local source, or from the director's own address.
 */
import { internetChecksum } from '../../wire/checksum.js';
import { IP_PROTO } from '../../wire/ipv4.js';
import { transportChecksum } from '../../wire/transport.js';
import type { FrameView } from './frame-view.js';

/** RFC 1812 §4.3.2.3 / Linux: an ICMPv4 error is at most 576 bytes of IP packet. */
const ICMP4_MAX = 576;
/** RFC 4443 §2.4(c): an ICMPv6 error fits the minimum IPv6 MTU. */
const ICMP6_MAX = 1280;
/** Linux sends ICMP with the "internetwork control" precedence. */
const ICMP_TOS = 0xc0;
const ICMP_TTL = 64;

/**
 * Write the error about the frame in `f` into `out`; `ownMac` is the director's MAC; `from` the
 * source address, 4 or 16 bytes as the family (null: the address the packet was sent to).
 * Returns the frame length, or 0 when `out` is too small.
 */
export function writeIcmpError(out: Uint8Array, f: FrameView, ownMac: Uint8Array, type: number, code: number, rest: number, from: Uint8Array | null = null): number {
  const b = f.buf;
  const eth = f.l3;
  out.set(b.subarray(6, 12), 0);
  out.set(ownMac, 6);
  out.set(b.subarray(12, eth), 12);
  return f.family === 4 ? write4(out, f, eth, type, code, rest, from) : write6(out, f, eth, type, code, rest, from);
}

function write4(out: Uint8Array, f: FrameView, o: number, type: number, code: number, rest: number, from: Uint8Array | null): number {
  const b = f.buf;
  const quoted = Math.min(f.ipLength, ICMP4_MAX - 28);
  const total = 28 + quoted;
  if (out.length < o + total) return 0;
  out[o] = 0x45;
  out[o + 1] = ICMP_TOS;
  out[o + 2] = total >>> 8;
  out[o + 3] = total & 0xff;
  out.fill(0, o + 4, o + 8);
  out[o + 8] = ICMP_TTL;
  out[o + 9] = IP_PROTO.ICMP;
  out[o + 10] = 0;
  out[o + 11] = 0;
  out.set(from ?? b.subarray(f.dstAt, f.dstAt + 4), o + 12);
  out.set(b.subarray(f.srcAt, f.srcAt + 4), o + 16);
  const c = internetChecksum(out, o, 20);
  out[o + 10] = c >>> 8;
  out[o + 11] = c & 0xff;
  const i = o + 20;
  writeIcmpHead(out, i, type, code, rest);
  out.set(b.subarray(f.l3, f.l3 + quoted), i + 8);
  const ic = internetChecksum(out, i, 8 + quoted);
  out[i + 2] = ic >>> 8;
  out[i + 3] = ic & 0xff;
  return o + total;
}

function write6(out: Uint8Array, f: FrameView, o: number, type: number, code: number, rest: number, from: Uint8Array | null): number {
  const b = f.buf;
  const quoted = Math.min(f.ipLength, ICMP6_MAX - 48);
  const payload = 8 + quoted;
  if (out.length < o + 40 + payload) return 0;
  out[o] = 0x60;
  out.fill(0, o + 1, o + 4);
  out[o + 4] = payload >>> 8;
  out[o + 5] = payload & 0xff;
  out[o + 6] = IP_PROTO.ICMPV6;
  out[o + 7] = ICMP_TTL;
  out.set(from ?? b.subarray(f.dstAt, f.dstAt + 16), o + 8);
  out.set(b.subarray(f.srcAt, f.srcAt + 16), o + 24);
  const i = o + 40;
  writeIcmpHead(out, i, type, code, rest);
  out.set(b.subarray(f.l3, f.l3 + quoted), i + 8);
  const c = transportChecksum(out, 6, o, IP_PROTO.ICMPV6, i, payload, 2);
  out[i + 2] = c >>> 8;
  out[i + 3] = c & 0xff;
  return o + 40 + payload;
}

function writeIcmpHead(out: Uint8Array, i: number, type: number, code: number, rest: number): void {
  out[i] = type;
  out[i + 1] = code;
  out[i + 2] = 0;
  out[i + 3] = 0;
  out[i + 4] = rest >>> 24;
  out[i + 5] = (rest >>> 16) & 0xff;
  out[i + 6] = (rest >>> 8) & 0xff;
  out[i + 7] = rest & 0xff;
}
