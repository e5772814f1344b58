/**
 * TCP and UDP headers, and the pseudo-header sum that their checksums (and ICMPv6's) start from.
 * The checksum field is carried as read; {@link transportChecksum} computes the right value.
 */
import { ensureRoom, get16, get32, put16, put32, type Decoded } from './bytes.js';
import { onesSum, finishChecksum } from './checksum.js';

export const TCP_MIN_HEADER = 20;
export const UDP_HEADER_LENGTH = 8;

export interface Tcp {
  readonly sport: number;
  readonly dport: number;
  readonly seq: number;
  readonly ack: number;
  /** FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, URG 0x20, ECE 0x40, CWR 0x80. */
  readonly flags: number;
  readonly window: number;
  readonly checksum: number;
  readonly urgent: number;
  /** Option bytes including padding (length a multiple of 4, ≤ 40). */
  readonly options: Uint8Array;
}

export function decodeTcp(buf: Uint8Array, off: number, len: number): Decoded<Tcp> {
  const avail = Math.min(len, buf.length - off);
  if (avail < TCP_MIN_HEADER) return { ok: false, reason: 'short-tcp' };
  const hl = (buf[off + 12]! >>> 4) * 4;
  if (hl < TCP_MIN_HEADER) return { ok: false, reason: 'bad-tcp-offset' };
  if (hl > avail) return { ok: false, reason: 'short-tcp' };
  return {
    ok: true,
    bytes: hl,
    value: {
      sport: get16(buf, off),
      dport: get16(buf, off + 2),
      seq: get32(buf, off + 4),
      ack: get32(buf, off + 8),
      flags: buf[off + 13]!,
      window: get16(buf, off + 14),
      checksum: get16(buf, off + 16),
      urgent: get16(buf, off + 18),
      options: buf.slice(off + TCP_MIN_HEADER, off + hl),
    },
  };
}

export function tcpLength(h: Pick<Tcp, 'options'>): number {
  return TCP_MIN_HEADER + ((h.options.length + 3) & ~3);
}

export function encodeTcp(h: Tcp, buf: Uint8Array, off: number): number {
  const hl = tcpLength(h);
  if (hl > 60) throw new RangeError('TCP options longer than 40 bytes');
  ensureRoom(buf, off, hl, 'TCP header');
  put16(buf, off, h.sport);
  put16(buf, off + 2, h.dport);
  put32(buf, off + 4, h.seq);
  put32(buf, off + 8, h.ack);
  buf[off + 12] = (hl >>> 2) << 4;
  buf[off + 13] = h.flags;
  put16(buf, off + 14, h.window);
  put16(buf, off + 16, h.checksum);
  put16(buf, off + 18, h.urgent);
  buf.fill(0, off + TCP_MIN_HEADER, off + hl);
  buf.set(h.options, off + TCP_MIN_HEADER);
  return hl;
}

export interface Udp {
  readonly sport: number;
  readonly dport: number;
  /** Header and payload in bytes. */
  readonly length: number;
  /** 0 over IPv4 means "no checksum". */
  readonly checksum: number;
}

export function decodeUdp(buf: Uint8Array, off: number, len: number): Decoded<Udp> {
  const avail = Math.min(len, buf.length - off);
  if (avail < UDP_HEADER_LENGTH) return { ok: false, reason: 'short-udp' };
  const length = get16(buf, off + 4);
  if (length < UDP_HEADER_LENGTH || length > avail) return { ok: false, reason: 'bad-udp-length' };
  return { ok: true, bytes: UDP_HEADER_LENGTH, value: { sport: get16(buf, off), dport: get16(buf, off + 2), length, checksum: get16(buf, off + 6) } };
}

export function udpLength(): number {
  return UDP_HEADER_LENGTH;
}

export function encodeUdp(h: Udp, buf: Uint8Array, off: number): number {
  ensureRoom(buf, off, UDP_HEADER_LENGTH, 'UDP header');
  put16(buf, off, h.sport);
  put16(buf, off + 2, h.dport);
  put16(buf, off + 4, h.length);
  put16(buf, off + 6, h.checksum);
  return UDP_HEADER_LENGTH;
}

/**
 * The unfolded sum of the pseudo-header: source and destination address (`addrLen` 4 or 16 bytes,
 * read from `buf` at `srcOff`/`dstOff`), protocol and upper-layer length.
 */
export function pseudoHeaderSum(buf: Uint8Array, srcOff: number, dstOff: number, addrLen: number, protocol: number, l4Length: number): number {
  let s = onesSum(buf, srcOff, addrLen);
  s = onesSum(buf, dstOff, addrLen, s);
  return s + protocol + (l4Length & 0xffff) + Math.floor(l4Length / 0x10000);
}

/**
 * The checksum for a TCP/UDP/ICMPv6 segment at `l4Off` of `l4Len` bytes under the IP header at
 * `ipOff` (family 4 or 6), computed with the checksum field taken as zero. UDP over IPv4 sends
 * 0xffff for a computed 0 (RFC 768); the caller writes the result.
 */
export function transportChecksum(buf: Uint8Array, family: 4 | 6, ipOff: number, protocol: number, l4Off: number, l4Len: number, fieldAt: number): number {
  const addrLen = family === 4 ? 4 : 16;
  const srcOff = family === 4 ? ipOff + 12 : ipOff + 8;
  let s = pseudoHeaderSum(buf, srcOff, srcOff + addrLen, addrLen, protocol, l4Len);
  s = onesSum(buf, l4Off, fieldAt, s);
  s = onesSum(buf, l4Off + fieldAt + 2, l4Len - fieldAt - 2, s);
  // fieldAt is even, so the bytes after the field keep their word alignment.
  const c = finishChecksum(s);
  return protocol === 17 && c === 0 ? 0xffff : c;
}
