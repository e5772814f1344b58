/**
 * IPv6 fixed header (RFC 8200) and a walk over the extension headers the forwarding path must
 * step over to find TCP/UDP/ICMPv6: hop-by-hop, routing, destination options and fragment.
 */
import { ensureRoom, get16, get32, put16, put32, type Decoded } from './bytes.js';
import { readAddr, writeAddr } from './vrrp-addr.js';

export const IPV6_HEADER_LENGTH = 40;
export const IPV6_EXT = { HOP_BY_HOP: 0, ROUTING: 43, FRAGMENT: 44, DEST_OPTS: 60, NO_NEXT: 59 } as const;

export interface Ipv6 {
  readonly trafficClass: number;
  readonly flowLabel: number;
  readonly payloadLength: number;
  readonly nextHeader: number;
  readonly hopLimit: number;
  readonly src: string;
  readonly dst: string;
}

export function decodeIpv6(buf: Uint8Array, off: number, len: number): Decoded<Ipv6> {
  const avail = Math.min(len, buf.length - off);
  if (avail < IPV6_HEADER_LENGTH) return { ok: false, reason: 'short-ipv6' };
  if (buf[off]! >>> 4 !== 6) return { ok: false, reason: 'not-ipv6' };
  const w = get32(buf, off);
  const payloadLength = get16(buf, off + 4);
  if (IPV6_HEADER_LENGTH + payloadLength > avail) return { ok: false, reason: 'truncated-ipv6' };
  return {
    ok: true,
    bytes: IPV6_HEADER_LENGTH,
    value: {
      trafficClass: (w >>> 20) & 0xff,
      flowLabel: w & 0xfffff,
      payloadLength,
      nextHeader: buf[off + 6]!,
      hopLimit: buf[off + 7]!,
      src: readAddr(buf, off + 8, 6),
      dst: readAddr(buf, off + 24, 6),
    },
  };
}

export function ipv6Length(): number {
  return IPV6_HEADER_LENGTH;
}

export function encodeIpv6(h: Ipv6, buf: Uint8Array, off: number): number {
  ensureRoom(buf, off, IPV6_HEADER_LENGTH, 'IPv6 header');
  put32(buf, off, ((6 << 28) | ((h.trafficClass & 0xff) << 20) | (h.flowLabel & 0xfffff)) >>> 0);
  put16(buf, off + 4, h.payloadLength);
  buf[off + 6] = h.nextHeader;
  buf[off + 7] = h.hopLimit;
  if (!writeAddr(h.src, 6, buf, off + 8) || !writeAddr(h.dst, 6, buf, off + 24)) throw new TypeError(`not IPv6: ${h.src} -> ${h.dst}`);
  return IPV6_HEADER_LENGTH;
}

/** Where the upper-layer header of an IPv6 packet starts, and whether the packet is a fragment. */
export interface Ipv6Upper {
  protocol: number;
  /** Offset of the upper-layer header in the buffer. */
  offset: number;
  /** -1 when not a fragment, else the fragment offset in bytes. */
  fragmentOffset: number;
  moreFragments: boolean;
  /** Identification of the fragment header (0 when not a fragment). */
  fragmentId: number;
}

/**
 * Step over extension headers starting after the fixed header at `ipOff`; `end` is one past the
 * packet. Fills `out` and returns true, or false when an extension header runs past the end.
 */
export function ipv6UpperLayer(buf: Uint8Array, ipOff: number, end: number, out: Ipv6Upper): boolean {
  let next = buf[ipOff + 6]!;
  let p = ipOff + IPV6_HEADER_LENGTH;
  out.fragmentOffset = -1;
  out.moreFragments = false;
  out.fragmentId = 0;
  for (let hops = 0; hops < 8; hops++) {
    if (next === IPV6_EXT.HOP_BY_HOP || next === IPV6_EXT.ROUTING || next === IPV6_EXT.DEST_OPTS) {
      if (p + 8 > end) return false;
      const n = (buf[p + 1]! + 1) * 8;
      if (p + n > end) return false;
      next = buf[p]!;
      p += n;
    } else if (next === IPV6_EXT.FRAGMENT) {
      if (p + 8 > end) return false;
      const f = get16(buf, p + 2);
      out.fragmentOffset = f & 0xfff8;
      out.moreFragments = (f & 1) !== 0;
      out.fragmentId = get32(buf, p + 4);
      next = buf[p]!;
      p += 8;
    } else {
      break;
    }
  }
  out.protocol = next;
  out.offset = p;
  return true;
}
