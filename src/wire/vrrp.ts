/**
 * VRRP advertisements (IP protocol 112): version 2 (RFC 3768, with keepalived's PASS/AH
 * authentication field) and version 3 (RFC 5798), over IPv4 and IPv6 (keepalived.md §4.1).
 *
 *   v2: 0x21 VRID PRIO COUNT AUTHTYPE ADVER(s) CHECKSUM  ADDR*COUNT  AUTHDATA(8)
 *   v3: 0x31 VRID PRIO COUNT RSVD(4)|ADVER(12, centiseconds) CHECKSUM  ADDR*COUNT
 *
 * The v2 checksum covers the VRRP message only; the v3 checksum adds the IP pseudo-header
 * (src, dst, protocol, length), unless the sender uses `v3_checksum_as_v2`.
 * Decoding is lenient about the header fields (any version or type nibble is returned as found)
 * because the receiver reports each mismatch under its own counter; it fails only when the bytes
 * cannot hold what the header announces.
 */
import { finishChecksum, onesSum, wordsSum } from './checksum.js';
import { addrLength, readAddr, writeAddr, type AddrFamily } from './vrrp-addr.js';

export const VRRP_PROTOCOL = 112;
export const VRRP_MCAST_GROUP4 = '224.0.0.18';
export const VRRP_MCAST_GROUP6 = 'ff02::12';
export const VRRP_HEADER_LENGTH = 8;
export const VRRP_AUTH_LENGTH = 8;
export const VRRP_TYPE_ADVERT = 1;
export const VRRP_AUTH_NONE = 0;
export const VRRP_AUTH_PASS = 1;
export const VRRP_AUTH_AH = 2;

/** The fixed 8-byte header, as found on the wire. */
export interface VrrpHeader {
  readonly version: number;
  readonly type: number;
  readonly vrid: number;
  readonly priority: number;
  /** Number of addresses that follow. */
  readonly count: number;
  /** v2: the auth type byte; v3: 0 (the byte is part of the interval field there). */
  readonly authType: number;
  /** v2: whole seconds; v3: centiseconds (low 12 bits of the 16-bit field). */
  readonly interval: number;
  /** v3: the 4 reserved bits above the interval (0 when sent correctly); v2: 0. */
  readonly reserved: number;
  readonly checksum: number;
}

export interface VrrpAdvert extends VrrpHeader {
  /** Addresses in packet order (canonical text). */
  readonly addresses: readonly string[];
  /** v2: the 8 authentication bytes (a PASS password, zero padded); v3: null. */
  readonly authData: Uint8Array | null;
}

/** What an advert to be sent is made of: the checksum and count are computed when encoding. */
export type VrrpAdvertSpec = Omit<VrrpAdvert, 'checksum' | 'count' | 'reserved' | 'type'> & { readonly type?: number };

/** IP source and destination for the v3 pseudo-header. */
export interface PseudoHeader {
  readonly src: string;
  readonly dst: string;
}

export type Decoded<T> = { readonly ok: true; readonly value: T; readonly bytes: number } | { readonly ok: false; readonly reason: string };

/** Message length a header announces: header + addresses (+ auth data when version 2). */
export function vrrpMessageLength(version: number, count: number, family: AddrFamily): number {
  return VRRP_HEADER_LENGTH + count * addrLength(family) + (version === 2 && family === 4 ? VRRP_AUTH_LENGTH : 0);
}

export function decodeVrrpHeader(buf: Uint8Array, off: number, len: number): Decoded<VrrpHeader> {
  if (len < VRRP_HEADER_LENGTH || off + VRRP_HEADER_LENGTH > buf.length) return { ok: false, reason: 'short' };
  const version = buf[off]! >>> 4;
  const v2 = version === 2;
  const word = (buf[off + 4]! << 8) | buf[off + 5]!;
  return {
    ok: true,
    bytes: VRRP_HEADER_LENGTH,
    value: {
      version,
      type: buf[off]! & 0x0f,
      vrid: buf[off + 1]!,
      priority: buf[off + 2]!,
      count: buf[off + 3]!,
      authType: v2 ? buf[off + 4]! : 0,
      interval: v2 ? buf[off + 5]! : word & 0x0fff,
      reserved: v2 ? 0 : word >>> 12,
      checksum: (buf[off + 6]! << 8) | buf[off + 7]!,
    },
  };
}

/** Decode a whole advert; `bytes` is the announced length (trailing bytes are left to the caller). */
export function decodeVrrp(buf: Uint8Array, off: number, len: number, family: AddrFamily): Decoded<VrrpAdvert> {
  const h = decodeVrrpHeader(buf, off, len);
  if (!h.ok) return h;
  const need = vrrpMessageLength(h.value.version, h.value.count, family);
  if (len < need || off + need > buf.length) return { ok: false, reason: 'truncated' };
  const size = addrLength(family);
  const addresses: string[] = [];
  for (let i = 0; i < h.value.count; i++) addresses.push(readAddr(buf, off + VRRP_HEADER_LENGTH + i * size, family));
  const authAt = off + VRRP_HEADER_LENGTH + h.value.count * size;
  const authData = h.value.version === 2 && family === 4 ? buf.slice(authAt, authAt + VRRP_AUTH_LENGTH) : null;
  return { ok: true, bytes: need, value: { ...h.value, addresses, authData } };
}

export function vrrpLength(adv: Pick<VrrpAdvertSpec, 'version' | 'addresses'>, family: AddrFamily): number {
  return vrrpMessageLength(adv.version, adv.addresses.length, family);
}

/** Partial sum of the pseudo-header for a message of `length` bytes. */
export function pseudoHeaderSum(p: PseudoHeader, family: AddrFamily, length: number): number {
  const size = addrLength(family);
  const b = new Uint8Array(2 * size);
  if (!writeAddr(p.src, family, b, 0) || !writeAddr(p.dst, family, b, size)) return 0;
  // IPv4: src, dst, zero, protocol, 16-bit length. IPv6: src, dst, 32-bit length, zeros, next header.
  return wordsSum(family === 4 ? [VRRP_PROTOCOL, length] : [length >>> 16, length & 0xffff, VRRP_PROTOCOL], onesSum(b, 0, b.length));
}

/**
 * The checksum of the message at `buf[off, off+len)` as found (checksum field included): 0 when it
 * is right. `pseudo` null for v2 and for v3 sent with `v3_checksum_as_v2`.
 */
export function vrrpChecksumResidue(buf: Uint8Array, off: number, len: number, family: AddrFamily, pseudo: PseudoHeader | null): number {
  const acc = pseudo ? pseudoHeaderSum(pseudo, family, len) : 0;
  return finishChecksum(onesSum(buf, off, len, acc));
}

/**
 * Write `adv` at `buf[off]` and fill in its checksum (v3 over the pseudo-header when given).
 * Returns the number of bytes written; throws only when `buf` is too small or an address is not
 * of `family` (programming errors: what is sent comes from a validated configuration).
 */
export function encodeVrrp(adv: VrrpAdvertSpec, buf: Uint8Array, off: number, family: AddrFamily, pseudo: PseudoHeader | null = null): number {
  const len = vrrpLength(adv, family);
  if (off + len > buf.length) throw new RangeError(`VRRP advert needs ${len} bytes`);
  const v2 = adv.version === 2;
  buf[off] = ((adv.version & 0x0f) << 4) | ((adv.type ?? VRRP_TYPE_ADVERT) & 0x0f);
  buf[off + 1] = adv.vrid;
  buf[off + 2] = adv.priority;
  buf[off + 3] = adv.addresses.length;
  if (v2) {
    buf[off + 4] = adv.authType;
    buf[off + 5] = adv.interval;
  } else {
    buf[off + 4] = (adv.interval >>> 8) & 0x0f;
    buf[off + 5] = adv.interval & 0xff;
  }
  buf[off + 6] = 0;
  buf[off + 7] = 0;
  const size = addrLength(family);
  adv.addresses.forEach((a, i) => {
    if (!writeAddr(a, family, buf, off + VRRP_HEADER_LENGTH + i * size)) throw new TypeError(`not an IPv${family} address: ${a}`);
  });
  if (v2 && family === 4) {
    const at = off + VRRP_HEADER_LENGTH + adv.addresses.length * size;
    buf.fill(0, at, at + VRRP_AUTH_LENGTH);
    if (adv.authData) buf.set(adv.authData.subarray(0, VRRP_AUTH_LENGTH), at);
  }
  const sum = vrrpChecksumResidue(buf, off, len, family, v2 ? null : pseudo);
  buf[off + 6] = sum >>> 8;
  buf[off + 7] = sum & 0xff;
  return len;
}

/** keepalived's PASS field: the password's first 8 bytes, zero padded. */
export function passAuthData(password: string): Uint8Array {
  const out = new Uint8Array(VRRP_AUTH_LENGTH);
  out.set(new TextEncoder().encode(password).subarray(0, VRRP_AUTH_LENGTH));
  return out;
}
