/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) headers: type, code, checksum and the 32-bit field after
 * them (the next-hop MTU of "fragmentation needed" and "packet too big", a pointer, or zero). An
 * error carries the start of the offending packet after these 8 bytes.
 */
import { ensureRoom, get16, get32, put16, put32, type Decoded } from './bytes.js';

export const ICMP_HEADER_LENGTH = 8;
export const ICMP_TYPE = { ECHO_REPLY: 0, DEST_UNREACH: 3, SOURCE_QUENCH: 4, REDIRECT: 5, ECHO: 8, TIME_EXCEEDED: 11, PARAM_PROBLEM: 12 } as const;
export const ICMP_CODE = { PORT_UNREACH: 3, FRAG_NEEDED: 4 } as const;
export const ICMP6_TYPE = { DEST_UNREACH: 1, PACKET_TOO_BIG: 2, TIME_EXCEEDED: 3, PARAM_PROBLEM: 4, ECHO: 128, ECHO_REPLY: 129 } as const;
export const ICMP6_CODE = { PORT_UNREACH: 4 } as const;

export interface Icmp {
  readonly type: number;
  readonly code: number;
  readonly checksum: number;
  /** The 32-bit word after the checksum. */
  readonly rest: number;
}

export function decodeIcmp(buf: Uint8Array, off: number, len: number): Decoded<Icmp> {
  if (Math.min(len, buf.length - off) < ICMP_HEADER_LENGTH) return { ok: false, reason: 'short-icmp' };
  return { ok: true, bytes: ICMP_HEADER_LENGTH, value: { type: buf[off]!, code: buf[off + 1]!, checksum: get16(buf, off + 2), rest: get32(buf, off + 4) } };
}

export function icmpLength(): number {
  return ICMP_HEADER_LENGTH;
}

export function encodeIcmp(h: Icmp, buf: Uint8Array, off: number): number {
  ensureRoom(buf, off, ICMP_HEADER_LENGTH, 'ICMP header');
  buf[off] = h.type;
  buf[off + 1] = h.code;
  put16(buf, off + 2, h.checksum);
  put32(buf, off + 4, h.rest);
  return ICMP_HEADER_LENGTH;
}

/** The ICMPv4 types that report an error about an embedded packet (the ones IPVS relates, §3.1). */
export function isIcmpError(type: number): boolean {
  return type === ICMP_TYPE.DEST_UNREACH || type === ICMP_TYPE.SOURCE_QUENCH || type === ICMP_TYPE.TIME_EXCEEDED || type === ICMP_TYPE.PARAM_PROBLEM;
}

/** ICMPv6 error messages are types 0..127 (RFC 4443 §2.1). */
export function isIcmp6Error(type: number): boolean {
  return type < 128;
}
