/**
 * The real server's side of LVS-TUN where the kernel has no ipip module: take an IP-in-IP frame
 * addressed to this host and produce the inner packet as a frame for the local stack (what
 * tunl0 does): outer IPv4 header removed, Ethernet header rewritten for the device the inner
 * packet is handed to, inner packet unchanged.
 */
import { IP_PROTO } from '../../wire/ipv4.js';

/** Why a frame was not decapsulated ('' when it was). */
export type DecapSkip = 'not-ipip' | 'not-for-us' | 'malformed' | 'fragment' | '';

export interface DecapResult {
  skip: DecapSkip;
  length: number;
}

/**
 * If `frame` is IP-in-IP (protocol 4 or 41) to `localAddr` (IPv4 number), write the inner packet
 * with a 14-byte Ethernet header (`dstMac` ← `srcMac`) into `out` and return its length.
 */
export function decapsulate(frame: Uint8Array, length: number, localAddr: number, dstMac: Uint8Array, srcMac: Uint8Array, out: Uint8Array, r: DecapResult): DecapResult {
  r.skip = '';
  r.length = 0;
  if (length < 34 || frame[12] !== 0x08 || frame[13] !== 0x00) return skip(r, 'not-ipip');
  const o = 14;
  const proto = frame[o + 9]!;
  if (frame[o]! >>> 4 !== 4 || (proto !== IP_PROTO.IPIP && proto !== IP_PROTO.IPV6)) return skip(r, 'not-ipip');
  const dst = ((frame[o + 16]! << 24) | (frame[o + 17]! << 16) | (frame[o + 18]! << 8) | frame[o + 19]!) >>> 0;
  if (dst !== localAddr >>> 0) return skip(r, 'not-for-us');
  const hl = (frame[o]! & 0x0f) << 2;
  const total = (frame[o + 2]! << 8) | frame[o + 3]!;
  if (hl < 20 || total < hl + 20 || o + total > length) return skip(r, 'malformed');
  // A fragmented outer packet would need reassembly first (tunl0 gets it reassembled by IP).
  if ((((frame[o + 6]! << 8) | frame[o + 7]!) & 0x3fff) !== 0) return skip(r, 'fragment');
  const inner = total - hl;
  if (out.length < 14 + inner) return skip(r, 'malformed');
  out.set(dstMac, 0);
  out.set(srcMac, 6);
  out[12] = proto === IP_PROTO.IPIP ? 0x08 : 0x86;
  out[13] = proto === IP_PROTO.IPIP ? 0x00 : 0xdd;
  out.set(frame.subarray(o + hl, o + total), 14);
  r.length = 14 + inner;
  return r;
}

function skip(r: DecapResult, why: DecapSkip): DecapResult {
  r.skip = why;
  return r;
}
