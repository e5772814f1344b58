/**
 * The IPv4 header of a VRRP advert: keepalived builds it itself (raw socket with IP_HDRINCL):
 * TOS 0xC0, an ID counting up from 1, no DF, TTL 255, protocol 112 (keepalived.md §4.1). The
 * receiver reads the TTL, the addresses and the total length from it.
 */
import { internetChecksum } from './checksum.js';
import { readAddr, writeAddr } from './vrrp-addr.js';
import type { Decoded } from './vrrp.js';

export const IPV4_HEADER_LENGTH = 20;
/** Internetwork control precedence, as keepalived (and RFC 5798 §5.1.1.3 practice) sends. */
export const VRRP_TOS = 0xc0;
export const VRRP_TTL = 255;

export interface Ipv4Header {
  /** Header length in bytes (IHL × 4). */
  readonly headerLength: number;
  readonly tos: number;
  readonly totalLength: number;
  readonly id: number;
  /** Flags (3 bits) and fragment offset (13 bits) as one 16-bit field. */
  readonly fragment: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  readonly src: string;
  readonly dst: string;
}

export type Ipv4HeaderSpec = Omit<Ipv4Header, 'headerLength' | 'checksum'>;

export function decodeIpv4Header(buf: Uint8Array, off: number, len: number): Decoded<Ipv4Header> {
  if (len < IPV4_HEADER_LENGTH || off + IPV4_HEADER_LENGTH > buf.length) return { ok: false, reason: 'short' };
  if (buf[off]! >>> 4 !== 4) return { ok: false, reason: 'not-ipv4' };
  const headerLength = (buf[off]! & 0x0f) * 4;
  if (headerLength < IPV4_HEADER_LENGTH) return { ok: false, reason: 'bad-ihl' };
  if (len < headerLength) return { ok: false, reason: 'short' };
  const u16 = (i: number): number => (buf[off + i]! << 8) | buf[off + i + 1]!;
  return {
    ok: true,
    bytes: headerLength,
    value: {
      headerLength,
      tos: buf[off + 1]!,
      totalLength: u16(2),
      id: u16(4),
      fragment: u16(6),
      ttl: buf[off + 8]!,
      protocol: buf[off + 9]!,
      checksum: u16(10),
      src: readAddr(buf, off + 12, 4),
      dst: readAddr(buf, off + 16, 4),
    },
  };
}

/** Write a 20-byte header (no options) with its checksum; returns 20. */
export function encodeIpv4Header(h: Ipv4HeaderSpec, buf: Uint8Array, off: number): number {
  if (off + IPV4_HEADER_LENGTH > buf.length) throw new RangeError('IPv4 header needs 20 bytes');
  const put16 = (i: number, v: number): void => {
    buf[off + i] = (v >>> 8) & 0xff;
    buf[off + i + 1] = v & 0xff;
  };
  buf[off] = 0x45;
  buf[off + 1] = h.tos;
  put16(2, h.totalLength);
  put16(4, h.id);
  put16(6, h.fragment);
  buf[off + 8] = h.ttl;
  buf[off + 9] = h.protocol;
  put16(10, 0);
  if (!writeAddr(h.src, 4, buf, off + 12) || !writeAddr(h.dst, 4, buf, off + 16)) throw new TypeError(`not IPv4: ${h.src} -> ${h.dst}`);
  put16(10, internetChecksum(buf, off, IPV4_HEADER_LENGTH));
  return IPV4_HEADER_LENGTH;
}

export function ipv4HeaderLength(): number {
  return IPV4_HEADER_LENGTH;
}

/** Next IP ID after `id`, counting 1..65535 (keepalived skips 0). */
export function nextIpId(id: number): number {
  return id >= 0xffff ? 1 : id + 1;
}
