/**
 * IPv4 headers with options (RFC 791). Fragments are recognised: the flags and offset are
 * decoded, and `isFragment`/`isFirstFragment` say what a forwarding decision needs to know.
 */
import { ensureRoom, get16, put16, type Decoded } from './bytes.js';
import { internetChecksum } from './checksum.js';
import { readAddr, writeAddr } from './vrrp-addr.js';

export const IPV4_MIN_HEADER = 20;
export const IP_PROTO = { ICMP: 1, IPIP: 4, TCP: 6, UDP: 17, IPV6: 41, ICMPV6: 58, SCTP: 132 } as const;
export const IPV4_DF = 0x4000;
export const IPV4_MF = 0x2000;
const OFFSET_MASK = 0x1fff;

export interface Ipv4 {
  readonly tos: number;
  /** Total length of header and payload in bytes. */
  readonly totalLength: number;
  readonly id: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Fragment offset in bytes (the field × 8). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: string;
  readonly dst: string;
  /** Option bytes as on the wire, including any padding (length a multiple of 4, ≤ 40). */
  readonly options: Uint8Array;
}

/**
 * Decode the header at `off`; `len` is what the frame holds from `off`. The total length must fit
 * in it (trailing Ethernet padding beyond the total length is allowed). The checksum is returned
 * as read; {@link ipv4HeaderChecksumOk} verifies it.
 */
export function decodeIpv4(buf: Uint8Array, off: number, len: number): Decoded<Ipv4> {
  const avail = Math.min(len, buf.length - off);
  if (avail < IPV4_MIN_HEADER) return { ok: false, reason: 'short-ipv4' };
  if (buf[off]! >>> 4 !== 4) return { ok: false, reason: 'not-ipv4' };
  const hl = (buf[off]! & 0x0f) * 4;
  if (hl < IPV4_MIN_HEADER) return { ok: false, reason: 'bad-ihl' };
  const total = get16(buf, off + 2);
  if (total < hl) return { ok: false, reason: 'bad-total-length' };
  if (total > avail) return { ok: false, reason: 'truncated-ipv4' };
  const frag = get16(buf, off + 6);
  return {
    ok: true,
    bytes: hl,
    value: {
      tos: buf[off + 1]!,
      totalLength: total,
      id: get16(buf, off + 4),
      dontFragment: (frag & IPV4_DF) !== 0,
      moreFragments: (frag & IPV4_MF) !== 0,
      fragmentOffset: (frag & OFFSET_MASK) * 8,
      ttl: buf[off + 8]!,
      protocol: buf[off + 9]!,
      checksum: get16(buf, off + 10),
      src: readAddr(buf, off + 12, 4),
      dst: readAddr(buf, off + 16, 4),
      options: buf.slice(off + IPV4_MIN_HEADER, off + hl),
    },
  };
}

export function ipv4HeaderChecksumOk(buf: Uint8Array, off: number): boolean {
  return internetChecksum(buf, off, (buf[off]! & 0x0f) * 4) === 0;
}

export function ipv4Length(h: Pick<Ipv4, 'options'>): number {
  return IPV4_MIN_HEADER + ((h.options.length + 3) & ~3);
}

/** Write the header (options padded with zero to a multiple of 4) and its checksum; `checksum` in `h` is ignored. */
export function encodeIpv4(h: Ipv4, buf: Uint8Array, off: number): number {
  const hl = ipv4Length(h);
  if (hl > 60) throw new RangeError('IPv4 options longer than 40 bytes');
  ensureRoom(buf, off, hl, 'IPv4 header');
  buf[off] = 0x40 | (hl >>> 2);
  buf[off + 1] = h.tos;
  put16(buf, off + 2, h.totalLength);
  put16(buf, off + 4, h.id);
  put16(buf, off + 6, (h.dontFragment ? IPV4_DF : 0) | (h.moreFragments ? IPV4_MF : 0) | ((h.fragmentOffset >>> 3) & OFFSET_MASK));
  buf[off + 8] = h.ttl;
  buf[off + 9] = h.protocol;
  put16(buf, off + 10, 0);
  if (!writeAddr(h.src, 4, buf, off + 12) || !writeAddr(h.dst, 4, buf, off + 16)) throw new TypeError(`not IPv4: ${h.src} -> ${h.dst}`);
  buf.fill(0, off + IPV4_MIN_HEADER, off + hl);
  buf.set(h.options, off + IPV4_MIN_HEADER);
  put16(buf, off + 10, internetChecksum(buf, off, hl));
  return hl;
}

/** Any fragment (first or later) of a fragmented datagram. */
export function isFragment(h: Pick<Ipv4, 'moreFragments' | 'fragmentOffset'>): boolean {
  return h.moreFragments || h.fragmentOffset !== 0;
}
