/**
 * The real server's side of LVS-TUN where the kernel has no ipip / ip6_tunnel module: take an
 * IP-in-IP frame (IPv4 or IPv6 outer header) addressed to this host and produce the inner packet
 * as a frame for the local stack (what tunl0 / ip6tnl0 do): outer header removed, Ethernet
 * header rewritten for the device the inner packet is handed to, inner packet unchanged.
 */
import { IP_PROTO } from '../../wire/ipv4.js';

/** Why a frame was not decapsulated ('' when it was). */
export type DecapSkip = 'not-ipip' | 'not-for-us' | 'malformed' | 'fragment' | '';

export interface DecapResult {
  skip: DecapSkip;
  length: number;
}

/**
 * If `frame` is IP-in-IP (IPv4 outer, protocol 4 or 41) to `localAddr` (IPv4 number), or, with
 * `local6` (16 bytes), an IPv6 outer header (next header 4 or 41) to that address, write the
 * inner packet with a 14-byte Ethernet header (`dstMac` ← `srcMac`) into `out` and return its
 * length.
 */
export function decapsulate(frame: Uint8Array, length: number, localAddr: number | null, dstMac: Uint8Array, srcMac: Uint8Array, out: Uint8Array, r: DecapResult, local6: Uint8Array | null = null): DecapResult {
  r.skip = '';
  r.length = 0;
  if (length >= 14 && frame[12] === 0x86 && frame[13] === 0xdd) return decapsulate6(frame, length, local6, dstMac, srcMac, out, r);
  if (length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00) return skip(r, 'not-ipip');
  const o = 14;
  const proto = frame[o + 9]!;
  if (frame[o]! >>> 4 !== 4 || (proto !== IP_PROTO.IPIP && proto !== IP_PROTO.IPV6)) return skip(r, 'not-ipip');
  const dst = ((frame[o + 16]! << 24) | (frame[o + 17]! << 16) | (frame[o + 18]! << 8) | frame[o + 19]!) >>> 0;
  if (localAddr === null || dst !== localAddr >>> 0) return skip(r, 'not-for-us');
  const hl = (frame[o]! & 0x0f) << 2;
  const total = (frame[o + 2]! << 8) | frame[o + 3]!;
  if (hl < 20 || total < hl + 20 || o + total > length) return skip(r, 'malformed');
  // A fragmented outer packet would need reassembly first (tunl0 gets it reassembled by IP).
  if ((((frame[o + 6]! << 8) | frame[o + 7]!) & 0x3fff) !== 0) return skip(r, 'fragment');
  return inner(frame, o + hl, total - hl, proto, dstMac, srcMac, out, r);
}

/**
 * An IPv6 outer header as IPVS sends it (no extension headers; one with a fragment or any other
 * extension header is not taken: ip6tnl would need reassembly or option processing first).
 */
function decapsulate6(frame: Uint8Array, length: number, local6: Uint8Array | null, dstMac: Uint8Array, srcMac: Uint8Array, out: Uint8Array, r: DecapResult): DecapResult {
  const o = 14;
  const next = frame[o + 6];
  if (length < o + 40 || frame[o]! >>> 4 !== 6 || (next !== IP_PROTO.IPIP && next !== IP_PROTO.IPV6)) return skip(r, 'not-ipip');
  if (local6 === null) return skip(r, 'not-for-us');
  for (let i = 0; i < 16; i++) if (frame[o + 24 + i] !== local6[i]) return skip(r, 'not-for-us');
  const payload = (frame[o + 4]! << 8) | frame[o + 5]!;
  if (payload < 20 || o + 40 + payload > length) return skip(r, 'malformed');
  return inner(frame, o + 40, payload, next, dstMac, srcMac, out, r);
}

/** Copy the inner packet (`len` bytes at `at`, protocol 4 or 41) behind a fresh Ethernet header. */
function inner(frame: Uint8Array, at: number, len: number, proto: number, dstMac: Uint8Array, srcMac: Uint8Array, out: Uint8Array, r: DecapResult): DecapResult {
  if (out.length < 14 + len) return skip(r, 'malformed');
  out.set(dstMac, 0);
  out.set(srcMac, 6);
  out[12] = proto === IP_PROTO.IPIP ? 0x08 : 0x86;
  out[13] = proto === IP_PROTO.IPIP ? 0x00 : 0xdd;
  out.set(frame.subarray(at, at + len), 14);
  r.length = 14 + len;
  return r;
}

function skip(r: DecapResult, why: DecapSkip): DecapResult {
  r.skip = why;
  return r;
}
